"""AppTest of the case across pages: nothing a page shows resets when another page is opened.

Each test is one of issue 18's reports, replayed: an upload lost on returning to its page, a
plan that reverts, a page that changes the case by being opened, a case re-priced silently.
"""

from __future__ import annotations

from pathlib import Path

from case_session import case_scenario, session_case
from streamlit.testing.v1 import AppTest

from copilot_roi.case import case_json, new_case
from copilot_roi.pricebook import effective_prices, load_price_book
from copilot_roi.value.engine import compute
from copilot_roi.wording import money

APP = Path(__file__).resolve().parents[2] / "app.py"
SAMPLES = APP.parent / "sample_data"
PAGES = {
    "capacity": "app_pages/capacity.py",
    "scenarios": "app_pages/scenarios.py",
    "usage": "app_pages/usage.py",
    "chargeback": "app_pages/chargeback.py",
    "rightsizing": "app_pages/rightsizing.py",
    "business_case": "app_pages/business_case.py",
}


def open_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def upload_sample_export(at: AppTest) -> None:
    visit(at, "usage")
    data = (SAMPLES / "CapacityUsage.xlsx").read_bytes()
    at.file_uploader(key="usage_uploads").set_value(
        [("CapacityUsage.xlsx", data, "application/octet-stream")]
    )
    at.run()
    assert not at.exception, at.exception
    assert any("Loaded for this session" in s.value for s in at.success)


def test_an_upload_stays_loaded_when_its_page_is_opened_again() -> None:
    at = open_app()
    upload_sample_export(at)
    used = metric(at, "SCUs used")
    for page in ("capacity", "scenarios", "usage"):
        visit(at, page)
    assert any("Loaded for this session" in s.value for s in at.success)
    assert not any("bundled sample" in i.value for i in at.info)
    assert metric(at, "SCUs used") == used
    assert session_case(at).usage is not None
    # Cleared on purpose, and only then, the sample is back.
    at.button(key="usage_clear").click().run()
    assert any("bundled sample" in i.value for i in at.info)
    assert session_case(at).usage is None


def test_the_plan_set_on_one_page_is_the_plan_on_every_page() -> None:
    at = visit(open_app(), "capacity")
    at.number_input(key="plan_scu").set_value(8).run()
    for page in ("scenarios", "usage", "chargeback", "business_case", "rightsizing", "capacity"):
        visit(at, page)
        assert session_case(at).plan.provisioned_scu == 8, page
        if page in ("capacity", "rightsizing", "scenarios"):
            assert at.number_input(key="plan_scu").value == 8, page
    assert case_scenario(at).capacity.plan.provisioned_scu == 8


def test_a_recommended_plan_becomes_the_cases_plan() -> None:
    at = visit(open_app(), "rightsizing")
    recommended = next(s.value for s in at.success if s.value.startswith("Recommended"))
    at.button(key="rs_use_recommended").click().run()
    assert not at.exception
    plan = session_case(at).plan
    assert plan.describe() in recommended
    visit(at, "business_case")
    assert any(plan.describe() in c.value for c in at.caption)


def test_opening_a_page_never_changes_the_case() -> None:
    """Usage analytics -> Chargeback (no clicks) -> Business case gives what skipping Chargeback gives."""
    direct = open_app()
    upload_sample_export(direct)
    visit(direct, "business_case")
    via_chargeback = open_app()
    upload_sample_export(via_chargeback)
    visit(via_chargeback, "chargeback")
    visit(via_chargeback, "business_case")
    for label in ("Cost", "NPV", "Payback"):
        assert metric(via_chargeback, label) == metric(direct, label), label
    assert session_case(via_chargeback) == session_case(direct)


def test_an_export_measures_demand_on_both_value_pages_by_default() -> None:
    at = open_app()
    upload_sample_export(at)
    visit(at, "scenarios")
    assert at.toggle(key="scn_calibrate").value is True
    measured = case_scenario(at)
    assert measured.capacity.usage_source == "usage"
    visit(at, "business_case")
    assert at.toggle(key="bc_calibrate").value is True
    assert metric(at, "Cost") == money(compute(measured).total_cost, "USD")


def test_a_case_priced_under_another_book_keeps_its_prices_until_repriced() -> None:
    book = load_price_book()
    older = book.model_copy(
        update={"overage_price_per_scu_usd": book.overage_price_per_scu_usd.model_copy(update={"value": 6.5})}
    )
    case = new_case().model_copy(update={"price_book": older})
    at = visit(open_app(), "business_case")
    at.file_uploader(key="bc_load").set_value([("case.json", case_json(case).encode(), "application/json")])
    at.run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "6.5 in the case, 6 in today's book" in warning
    as_priced = compute(case.scenario, effective_prices(older, case.scenario.prices))
    assert metric(at, "NPV") == money(as_priced.npv, "USD")
    at.button(key="bc_reprice").click().run()
    assert not at.exception
    assert not any("another price book" in w.value for w in at.warning)
    assert session_case(at).price_book == book
    assert metric(at, "NPV") == money(compute(case.scenario, effective_prices(book)).npv, "USD")
