"""Reopen a shared link (the address with the scenario's query parameters) and get the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from e2ekit import (
    Server,
    metric,
    open_page,
    page_errors,
    page_url,
    require_page,
    wait_for_script,
)

pytestmark = pytest.mark.e2e

FIGURES = ("Cost", "Realised value", "Analyst hours freed", "NPV", "Payback")


def figures(page: Any) -> dict[str, str]:
    return {label: metric(page, label).inner_text() for label in FIGURES}


def go_to(page: Any, title: str) -> None:
    """Navigate inside the session with the sidebar (a typed URL would start a new session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_for_script(page)


def test_a_shared_link_reopens_the_same_numbers(app_server: Server, new_page: Callable[[], Any]) -> None:
    from playwright.sync_api import expect

    business_case = require_page("business_case")
    scenarios = require_page("scenarios")
    author, reader = new_page(), new_page()

    open_page(author, page_url(app_server.url, business_case))
    template = figures(author)

    # The author changes the scenario on the scenarios page...
    go_to(author, scenarios.title)
    widget = author.locator('[data-testid="stSlider"]').filter(has_text="Time saved on those tasks").first
    widget.get_by_role("slider").focus()
    before = widget.locator('[data-testid="stSliderThumbValue"]').inner_text()
    for _ in range(10):
        widget.get_by_role("slider").press("ArrowRight")
    expect(widget.locator('[data-testid="stSliderThumbValue"]')).not_to_have_text(before)
    wait_for_script(author)

    # ...and shares the business case page's address.
    go_to(author, business_case.title)
    expect(metric(author, "Realised value")).not_to_have_text(template["Realised value"])
    wait_for_script(author)
    shared = figures(author)
    link = author.url
    assert parse_qs(urlparse(link).query), f"the address carries no scenario: {link}"

    # Someone else opens the link in a fresh browser session.
    open_page(reader, link)
    expect(metric(reader, "Realised value")).to_have_text(shared["Realised value"])
    assert figures(reader) == shared
    assert page_errors(reader) == [] and page_errors(author) == []
