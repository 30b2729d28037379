"""Realised to date in a browser: upload an export, open the Business case, see months beside the forecast."""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import (
    REPO,
    Server,
    open_page,
    page_errors,
    page_url,
    require_page,
    shoot,
    upload,
    wait_until_drawn,
)

pytestmark = pytest.mark.e2e

EXPORT = REPO / "sample_data" / "CapacityUsage.xlsx"


def test_realised_to_date_beside_the_forecast(app_server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, page_url(app_server.url, require_page("usage")))
    upload(page, [EXPORT])
    expect(page.get_by_text("Loaded for this session")).to_be_visible(timeout=90_000)
    # Inside the session (a typed address would start a new one and drop the upload).
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Business case", exact=True).click()
    heading = page.get_by_role("heading", name="Realised to date")
    expect(heading).to_be_visible(timeout=120_000)
    wait_until_drawn(page)
    sentence = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="forecast")
    expect(sentence.first).to_contain_text("From Aug 2026 to Nov 2026 the case is running")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Realised to date")
    expect(chart).to_have_count(1, timeout=60_000)
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")  # the sentence and the chart in one view
    page.wait_for_timeout(800)  # let the chart and table paint after the scroll (a screenshot, not a check)
    shoot(page, "realised-business-case")
    assert page_errors(page) == []
