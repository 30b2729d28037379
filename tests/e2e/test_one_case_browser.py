"""One case across the app: an upload, a plan and a role input survive every page, in any order.

A customer uploads exports on Usage analytics, sets the plan on Capacity and a team on Value
scenarios, then walks the pages twice in two orders. Every page shows the same export, plan and
team; Value scenarios and Business case show the same cost and NPV; the case file the Business
case page downloads gives that NPV through ``copilot-roi roi --case`` to the cent (checked
against the workbook downloaded beside it, which holds the page's NPV unrounded).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from e2ekit import (
    REPO,
    Server,
    cli_json,
    metric,
    open_page,
    page_errors,
    page_url,
    require_page,
    shoot,
    upload,
    wait_for_script,
    wait_until_drawn,
)

pytestmark = pytest.mark.e2e

EXPORTS = [
    REPO / "sample_data" / "CapacityUsage.xlsx",
    REPO / "sample_data" / "CapacityUsage_2026-10-01_EU.csv",
]
TITLES = {
    "capacity": "Capacity & cost",
    "scenarios": "Value scenarios",
    "usage": "Usage analytics",
    "chargeback": "Chargeback",
    "rightsizing": "Right-sizing from usage",
    "business_case": "Business case",
}
HEADINGS = {**TITLES, "chargeback": "Chargeback by role", "rightsizing": "Right-sizing from observed usage"}
FIRST_ORDER = ["capacity", "scenarios", "usage", "chargeback", "rightsizing", "business_case"]
SECOND_ORDER = ["business_case", "rightsizing", "usage", "scenarios", "chargeback", "capacity"]
PLAN_SCU = "2"
SOC_PEOPLE = "12"


def go_to(page: Any, slug: str) -> None:
    """Navigate inside the session with the sidebar (a typed address would start a new session)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(TITLES[slug], exact=True).click()
    page.locator("h1").filter(has_text=HEADINGS[slug]).first.wait_for()
    wait_until_drawn(page)


def case_bar(page: Any) -> str:
    return str(page.locator(".st-key-case_bar").inner_text())


def headline(page: Any, label: str) -> str:
    """A Value scenarios headline card's figure (each card: the label as h4, the figure as h2)."""
    card = page.locator('[data-testid="stMarkdownContainer"]').filter(
        has=page.locator("h4", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return str(card.first.locator("h2").inner_text())


def set_number(page: Any, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True).first
    field.fill(value)
    field.press("Enter")
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('input')].some("
        "i => i.getAttribute('aria-label') === label && i.value === value)",
        arg=[label, value],
    )
    wait_for_script(page)


def check_page(page: Any, slug: str, seen: dict[str, str]) -> None:
    """What every page must show of the case, and what each page adds."""
    from playwright.sync_api import expect

    bar = case_bar(page)
    assert "2 exports" in bar and f"{PLAN_SCU} SCU 24x7, unlimited overage" in bar, bar
    if slug == "usage":
        expect(page.get_by_text("Loaded for this session")).to_be_visible()
        assert metric(page, "SCUs used").inner_text() == seen["SCUs used"]
    if slug in ("capacity", "rightsizing", "scenarios"):
        expect(page.get_by_label("Provisioned SCUs", exact=True).first).to_have_value(PLAN_SCU)
    if slug == "scenarios":
        expect(page.get_by_label("People", exact=True).first).to_have_value(SOC_PEOPLE)
        expect(page.get_by_text("Simulating the range of outcomes")).to_have_count(0)
        for label in ("Cost", "NPV range (P10 to P90)", "Payback"):
            assert headline(page, label) == seen.setdefault(f"scenarios {label}", headline(page, label))
    if slug == "business_case":
        for label in ("Cost", "NPV", "Payback"):
            figure = metric(page, label).inner_text()
            assert figure == seen.setdefault(f"case {label}", figure)
        caption = page.get_by_text("simulated scenarios:").first.inner_text()
        assert caption == seen.setdefault("case range", caption)
    assert page_errors(page) == [], slug


def download(page: Any, label: str, folder: Path) -> Path:
    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text=label).first
    with page.expect_download() as info:
        button.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_one_case_on_every_page_in_any_order(app_server: Server, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    context.set_default_timeout(90_000)
    page = context.new_page()
    try:
        open_page(page, page_url(app_server.url, require_page("usage")))
        upload(page, EXPORTS)
        expect(page.get_by_text("Loaded for this session")).to_be_visible(timeout=90_000)
        wait_until_drawn(page)
        seen = {"SCUs used": metric(page, "SCUs used").inner_text()}

        go_to(page, "capacity")
        set_number(page, "Provisioned SCUs", PLAN_SCU)
        go_to(page, "scenarios")
        set_number(page, "People", SOC_PEOPLE)

        for slug in [*FIRST_ORDER, *SECOND_ORDER]:
            go_to(page, slug)
            check_page(page, slug, seen)
        # One case, one answer: the headline cards and the business case agree.
        assert seen["scenarios Cost"] == seen["case Cost"]
        assert seen["scenarios Payback"] == seen["case Payback"]
        low, high = seen["scenarios NPV range (P10 to P90)"].split(" to ")
        currency = low.split()[0]
        assert f"{low} to {currency} {high} (" in seen["case range"], seen["case range"]

        go_to(page, "business_case")
        case_file = download(page, "Case (JSON)", tmp_path)
        workbook = download(page, "Spreadsheet (XLSX)", tmp_path)
        for slug in TITLES:
            go_to(page, slug)
            shoot(page, f"one-case-{slug}-1280x720")  # the first screen, as a projector shows it
    finally:
        context.close()

    openpyxl = pytest.importorskip("openpyxl")
    from copilot_roi.business.xlsx import CASH, RESULT_ROWS
    from copilot_roi.wording import money

    cash = openpyxl.load_workbook(workbook, data_only=True)[CASH]
    page_npv = float(cash[f"B{RESULT_ROWS['npv'] + 1}"].value)
    assert money(page_npv, currency) == seen["case NPV"]  # the workbook holds the page's NPV
    figures = cli_json("roi", "--case", str(case_file), "--usage", *map(str, reversed(EXPORTS)))
    assert round(figures["npv"], 2) == round(page_npv, 2)
    assert figures["case"]["plan"].startswith(f"{PLAN_SCU} SCU 24x7")
