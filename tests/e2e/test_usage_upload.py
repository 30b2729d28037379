"""Upload a usage export on the usage page and see the totals the CLI computes from the same file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from e2ekit import REPO, Server, cli_json, metric, open_page, page_errors, page_url, require_page, upload

pytestmark = pytest.mark.e2e

XLSX = REPO / "sample_data" / "CapacityUsage.xlsx"
EU_CSV = REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv"


def expected_totals(*files: str) -> dict[str, str]:
    """The CLI's figures, formatted as the page shows them (today is the page's default as-of date)."""
    figures = cli_json("usage", *files, "--as-of", dt.date.today().isoformat(), "--tz", "UTC")
    return {
        "SCUs used": f"{figures['total_units']:,.1f}",
        "Sessions": f"{figures['sessions']:,}",
        "Users": f"{figures['users']:,}",
    }


def test_upload_an_export_and_see_its_totals(app_server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    open_page(page, page_url(app_server.url, usage))
    sample_total = metric(page, "SCUs used").inner_text()

    upload(page, [XLSX])
    want = expected_totals(str(XLSX))
    assert want["SCUs used"] != sample_total, "the upload must differ from the bundled sample"
    for label, value in want.items():
        expect(metric(page, label)).to_have_text(value, timeout=60_000)
    expect(page.get_by_text("Showing the bundled sample exports")).to_have_count(0)
    assert page_errors(page) == []


def test_upload_two_overlapping_exports_merges_them(app_server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    open_page(page, page_url(app_server.url, usage))
    upload(page, [XLSX, EU_CSV])
    for label, value in expected_totals(str(XLSX), str(EU_CSV)).items():
        expect(metric(page, label)).to_have_text(value, timeout=60_000)
    assert page_errors(page) == []


def test_a_file_that_is_not_an_export_is_refused_clearly(app_server: Server, page: Any) -> None:
    from playwright.sync_api import expect

    usage = require_page("usage")
    open_page(page, page_url(app_server.url, usage))
    upload(page, [REPO / "sample_data" / "roster.csv"])
    alert = page.locator('[data-testid="stAlertContentError"]')
    expect(alert).to_have_count(1, timeout=60_000)
    assert "cannot be trusted" in alert.inner_text() or "usage header" in alert.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0  # a message, not a traceback
