"""Download the budget template from the Right-sizing page: a real file with the CLI's amount."""

from __future__ import annotations

import json
from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_budget_template_downloads(app_server: Server, browser: Any, tmp_path: Any) -> None:
    rightsizing = require_page("rightsizing")
    context = browser.new_context(viewport={"width": 1400, "height": 4000}, accept_downloads=True)
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        open_page(page, page_url(app_server.url, rightsizing))
        page.get_by_text("Hand-off: budget and capacity schedule").click()  # runs only when open
        button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="budget.json").first
        with page.expect_download() as info:
            button.click()
        assert info.value.suggested_filename == "budget.json"
        target = tmp_path / "budget.json"
        info.value.save_as(target)
        template = json.loads(target.read_text())
        (budget,) = template["resources"]
        assert budget["type"] == "Microsoft.Consumption/budgets"
        amount = template["parameters"]["amount"]["defaultValue"]
        # The page may still be drawing below the button: wait for the sentence (then exactly one).
        expect(page.get_by_text(f"Budget of {amount:,} USD a month")).to_have_count(1)
        assert page_errors(page) == []
    finally:
        context.close()
