"""The HTML one-pager: self-contained, states its date, price book and sources, prints on A4 and Letter.

The browser tests (marked ``e2e``) open the file in Chromium with every request recorded, and
print it to PDF on A4 and on Letter: one or two pages each, and no request leaves the file.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plotly.offline import get_plotlyjs

from copilot_roi.business.case import BusinessCase, build_case, case_line
from copilot_roi.business.html import render
from copilot_roi.usage import IngestOptions, ingest_paths
from copilot_roi.value.scenario import scenario_template

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv"


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    usage = ingest_paths([SAMPLE], IngestOptions(as_of=dt.date(2026, 10, 1)))
    return build_case(
        scenario_template("expected"),
        usage=usage,
        customer_name="Contoso Bank",
        partner_name="Fabrikam Partners",
        prepared_on=dt.date(2026, 11, 27),
        draws=500,
    )


@pytest.fixture(scope="module")
def page(case: BusinessCase) -> str:
    return render(case)


def without_bundle(page: str) -> str:
    bundle = get_plotlyjs()
    assert page.count(bundle) == 1  # inlined once, byte for byte the installed plotly.js
    return page.replace(bundle, "")


def test_self_contained_no_external_fetches(page: str) -> None:
    rest = without_bundle(page)
    assert re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", rest, re.IGNORECASE) is None
    assert re.search(r"url\(\s*[\"']?(?:https?:)?//", rest, re.IGNORECASE) is None
    assert "<link" not in rest and "@import" not in rest and "<iframe" not in rest
    assert "Content-Security-Policy" in rest and "default-src 'none'" in rest


def test_interactive_charts(page: str) -> None:
    rest = without_bundle(page)
    assert len(re.findall(r"Plotly\.newPlot\(\s*[\"']bc-", rest)) == 3


def test_states_date_price_book_and_sources(page: str, case: BusinessCase) -> None:
    assert "27 November 2026" in page
    assert case.price_book.name in page
    assert "01 Apr 2024 to 18 Nov 2025" in page  # the price book's effective dates
    assert SAMPLE.name in page  # the usage export it was built from
    assert "Roles catalogue" in page
    assert "Contoso Bank" in page and "Fabrikam Partners" in page


def test_shows_the_engine_numbers(page: str, case: BusinessCase) -> None:
    r = case.result
    assert f"{r.total_hours_freed:,.0f} h" in page
    assert f"Month {r.payback_month}" in page
    assert case.recommendation.replace("'", "&#x27;") in page


def test_the_case_line_opens_the_page(page: str, case: BusinessCase) -> None:
    """The plan appeared only in the grey footer: the case (customer, data, plan, price book) now
    heads the page, worded as on every page of the app."""
    line = case_line(case)
    assert "Plan: 1 SCU 24x7, unlimited overage" in line and "Data: CapacityUsage_2026-10-01_EU.csv" in line
    band = without_bundle(page).split('<header class="band">', 1)[1].split("</header>", 1)[0]
    # The customer is named on the line above ("Prepared for ..."): the case line goes on from there.
    rest = line.removeprefix(f"Customer: {case.customer_name} · ")
    assert "Prepared for Contoso Bank" in band
    assert f'<p class="case">{html.escape(rest, quote=True)}</p>' in band


def test_print_rules_for_any_paper(page: str) -> None:
    assert "@page { size: auto; margin: 10mm; }" in page
    assert "@media print" in page
    assert "max-width: 186mm" in page  # fits A4 (210 mm) and Letter (216 mm) with 12 mm margins


# --- in a real browser ------------------------------------------------------------------------


def chromium_path() -> str | None:
    configured = os.environ.get("COPILOT_ROI_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
        except Exception as exc:  # Playwright's Error: no usable browser here
            pytest.skip(f"no Chromium could be launched (set COPILOT_ROI_CHROMIUM): {exc}")
        try:
            yield chromium
        finally:
            chromium.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.e2e
def test_opens_offline_and_prints_on_a4_and_letter(browser: Any, page: str, tmp_path: Path) -> None:
    path = tmp_path / "business-case.html"
    path.write_text(page, encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(path.as_uri())
    tab.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 3")
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))] == []
    assert errors == []
    for paper in ("A4", "Letter"):
        pdf = tab.pdf(format=paper)
        assert 1 <= pdf_pages(pdf) <= 2, paper
    context.close()


@pytest.mark.e2e
def test_without_usage_and_with_long_names_still_two_pages(browser: Any, tmp_path: Path) -> None:
    case = build_case(
        scenario_template("low"), customer_name="Contoso " * 14, partner_name="Fabrikam " * 14, draws=200
    )
    path = tmp_path / "plain.html"
    path.write_text(render(case), encoding="utf-8")
    tab = browser.new_page()
    tab.goto(path.as_uri())
    tab.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 3")
    for paper in ("A4", "Letter"):
        assert 1 <= pdf_pages(tab.pdf(format=paper)) <= 2, paper
    tab.close()


@pytest.mark.e2e
def test_hostile_name_runs_no_script(browser: Any, tmp_path: Path) -> None:
    case = build_case(
        scenario_template("expected"),
        customer_name="<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>",
        partner_name="javascript:document.title='pwned'",
        draws=100,
    )
    path = tmp_path / "hostile.html"
    path.write_text(render(case), encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(path.as_uri())
    assert tab.title() == f"Security Copilot business case - {case.customer_name}"  # not 'pwned'
    assert tab.evaluate("document.querySelectorAll('.who img, .who script').length") == 0
    assert "<script>" in tab.inner_text(".who")  # shown as text
    context.close()
