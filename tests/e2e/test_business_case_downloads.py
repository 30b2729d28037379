"""Download each business-case file from the page and check that it is what it says it is."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from e2ekit import Server, cli_json, metric, open_page, page_errors, page_url, require_page

pytestmark = pytest.mark.e2e

FILES = {
    "Spreadsheet (XLSX)": "business-case.xlsx",
    "Deck (PPTX)": "business-case.pptx",
    "One-pager (HTML)": "business-case.html",
    "Case (JSON)": "case.json",
}
EXTERNAL_FETCH = re.compile(
    r"<script[^>]+src=[\"']?(https?:)?//|<link[^>]+href=[\"']?(https?:)?//|@import\s+url\(\s*[\"']?(https?:)?//|"
    r"<img[^>]+src=[\"']?(https?:)?//",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def downloads(app_server: Server, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    business_case = require_page("business_case")
    folder = tmp_path_factory.mktemp("downloads")
    context = browser.new_context(viewport={"width": 1400, "height": 3600}, accept_downloads=True)
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        open_page(page, page_url(app_server.url, business_case))
        saved: dict[str, Any] = {"cost": metric(page, "Cost").inner_text(), "errors": page_errors(page)}
        for label, name in FILES.items():
            button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=label).first
            with page.expect_download() as info:
                button.click()
            download = info.value
            assert download.suggested_filename == name
            target = folder / name
            download.save_as(target)
            saved[name] = target
        saved["errors"] += page_errors(page)
        return saved
    finally:
        context.close()


def test_page_has_no_errors(downloads: dict[str, Any]) -> None:
    assert downloads["errors"] == []


def test_xlsx_is_a_workbook_with_sheets(downloads: dict[str, Any]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path: Path = downloads["business-case.xlsx"]
    assert "xl/workbook.xml" in zipfile.ZipFile(path).namelist()
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) >= 2, workbook.sheetnames


def test_pptx_is_a_deck_with_native_charts(downloads: dict[str, Any]) -> None:
    names = zipfile.ZipFile(downloads["business-case.pptx"]).namelist()
    assert "ppt/presentation.xml" in names
    assert any(n.startswith("ppt/charts/chart") for n in names), "no native (editable) chart in the deck"
    assert sum(n.startswith("ppt/slides/slide") and n.endswith(".xml") for n in names) >= 3


def test_html_is_self_contained(downloads: dict[str, Any]) -> None:
    html = Path(downloads["business-case.html"]).read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert not EXTERNAL_FETCH.search(html), EXTERNAL_FETCH.search(html)


def test_case_json_gives_the_pages_numbers(downloads: dict[str, Any]) -> None:
    from copilot_roi.wording import money

    path: Path = downloads["case.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "copilot-roi-case"
    figures = cli_json("roi", "--case", str(path))
    currency = downloads["cost"].split()[0]
    assert money(figures["total_cost"], currency) == downloads["cost"]
