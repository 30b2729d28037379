"""AppTest of the business case page: the engine's numbers, links, scenario files, reset, downloads."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from case_session import case_scenario, put_scenario, session_case
from streamlit.testing.v1 import AppTest

from copilot_roi.business.xlsx import CASH, RESULT_ROWS
from copilot_roi.cli import main
from copilot_roi.pricebook import list_prices
from copilot_roi.value.engine import ScenarioResult, compute
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.wording import money, payback_text

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "app_pages/business_case.py"


def open_page(query: dict[str, str] | None = None, scenario: Scenario | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    # The router runs first (as when the app opens); a link's parameters are read then, and
    # switching pages drops them (as st.switch_page does), so they must be in the session already.
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if scenario is not None:
        put_scenario(at, scenario)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def assert_shows(at: AppTest, result: ScenarioResult) -> None:
    c = result.currency
    assert metric(at, "Cost") == money(result.total_cost, c)
    assert metric(at, "Realised value") == money(result.total_value, c)
    assert metric(at, "Analyst hours freed") == f"{result.total_hours_freed:,.0f} h"
    assert metric(at, "NPV") == money(result.npv, c)
    payback = payback_text(result.payback_month)
    assert metric(at, "Payback") == payback


def custom() -> Scenario:
    data = json.loads(scenario_template("expected").model_dump_json())
    data["roles"]["soc"]["headcount"] = 12
    data["realisation_rate"] = 0.35
    return Scenario.model_validate(data)


def test_opens_on_the_template_and_says_so() -> None:
    at = open_page()
    assert at.title[0].value == "Business case"
    assert any("expected template" in i.value for i in at.info)
    assert_shows(at, compute(scenario_template("expected"), list_prices()))
    assert len(at.get("download_button")) == 4
    assert at.query_params["soc"] == "10_15_22_75"  # the view's inputs are in the URL


def test_shows_the_session_scenario_with_the_same_numbers_as_the_cli(tmp_path: Path) -> None:
    scenario = custom()
    at = open_page(scenario=scenario)
    result = compute(scenario, list_prices())
    assert_shows(at, result)
    assert not any("expected template" in i.value for i in at.info)
    source = tmp_path / "scenario.json"
    source.write_text(scenario.model_dump_json())
    assert main(["report", "--scenario", str(source), "--out", str(tmp_path / "out")]) == 0
    cash = openpyxl.load_workbook(tmp_path / "out" / "business-case.xlsx", data_only=True)[CASH]
    cli_npv = cash[f"B{RESULT_ROWS['npv'] + 1}"].value
    cli_cost = cash[f"B{RESULT_ROWS['total_cost'] + 1}"].value
    assert metric(at, "NPV") == money(cli_npv, result.currency)
    assert metric(at, "Cost") == money(cli_cost, result.currency)
    assert cli_npv == pytest.approx(result.npv, abs=0.005)


def test_sidebar_prices_travel_with_the_saved_scenario(tmp_path: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    # A 20 % discount in the shared sidebar (set before the first run: AppTest drops the router's
    # sidebar widgets on later runs, a real browser does not).
    at.session_state["shared_discount_pct"] = 20
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    exported = case_scenario(at)
    assert exported.prices.discount_share == pytest.approx(0.2)
    source = tmp_path / "scenario.json"
    source.write_text(exported.model_dump_json())
    assert main(["report", "--scenario", str(source), "--out", str(tmp_path / "out")]) == 0
    cash = openpyxl.load_workbook(tmp_path / "out" / "business-case.xlsx", data_only=True)[CASH]
    cli_cost = cash[f"B{RESULT_ROWS['total_cost'] + 1}"].value
    assert metric(at, "Cost") == money(cli_cost, "USD")
    assert cli_cost < compute(scenario_template("expected")).total_cost  # the discount applied
    assert metric(at, "NPV") == money(cash[f"B{RESULT_ROWS['npv'] + 1}"].value, "USD")


def test_a_link_reopens_the_same_inputs() -> None:
    at = open_page({"v": "1", "preset": "expected", "soc": "25_20_30_90", "real": "60", "h": "24"})
    shown = case_scenario(at)
    soc = shown.roles["soc"]
    assert (soc.headcount, soc.hours_per_week_on_assisted_tasks, soc.loaded_cost_per_hour) == (25, 20.0, 90.0)
    assert soc.time_saved_share == pytest.approx(0.30)
    assert (shown.realisation_rate, shown.horizon_months) == (0.6, 24)
    assert shown.roles["iam"] == scenario_template("expected").roles["iam"]
    assert_shows(at, compute(shown, list_prices()))
    assert at.query_params["soc"] == "25_20_30_90"


def test_a_bad_link_is_refused_with_the_reason() -> None:
    at = open_page({"soc": "1e309_15_22_75", "h": "999"})
    warning = " ".join(w.value for w in at.warning)
    assert "soc: people must be a plain number" in warning
    assert "h: horizon (months) must be between 1 and 120" in warning
    assert_shows(at, compute(scenario_template("expected"), list_prices()))


def test_loading_a_scenario_file_applies_it() -> None:
    at = open_page()
    scenario = custom()
    at.file_uploader(key="bc_load").upload("scenario.json", scenario.model_dump_json().encode()).run()
    assert not at.exception
    assert case_scenario(at) == scenario
    assert_shows(at, compute(scenario, list_prices()))
    assert any("Scenario loaded" in i.value for i in at.info)


def test_an_invalid_scenario_file_names_the_field() -> None:
    at = open_page()
    data = json.loads(scenario_template("expected").model_dump_json())
    data["horizon_months"] = 500
    at.file_uploader(key="bc_load").upload("scenario.json", json.dumps(data).encode()).run()
    assert not at.exception
    assert any("horizon_months" in e.value for e in at.error)
    assert session_case(at).scenario == scenario_template("expected")  # the case is unchanged


def test_reset_returns_to_the_template() -> None:
    at = open_page(scenario=custom())
    at.text_input(key="bc_customer").set_value("Contoso").run()
    at.button(key="bc_reset").click().run()
    assert not at.exception
    assert case_scenario(at) == scenario_template("expected")
    # The customer is still the customer: a reset goes back to the template's assumptions only.
    assert at.text_input(key="bc_customer").value == "Contoso"
    assert_shows(at, compute(scenario_template("expected"), list_prices()))


def test_a_loaded_export_measures_scus_per_person_like_the_cli(tmp_path: Path) -> None:
    """One story per case: the page with an export loaded gives `copilot-roi report --usage` numbers."""
    import datetime as dt

    from copilot_roi.usage import IngestOptions, ingest_paths

    sample = APP.parent / "sample_data" / "CapacityUsage.xlsx"
    usage = ingest_paths([sample], IngestOptions(as_of=dt.date(2026, 11, 21)))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.session_state["usage_dataset"] = usage
    at.switch_page(PAGE).run()
    assert not at.exception
    exported = case_scenario(at)
    assert exported.capacity.usage_source == "usage" and exported.capacity.measured_roles
    assert any("Measured from the usage" in c.value for c in at.caption)
    out = tmp_path / "out"
    assert main(["report", "--usage", str(sample), "--as-of", "2026-11-21", "--out", str(out)]) == 0
    written = Scenario.model_validate_json((out / "scenario.json").read_bytes())
    assert written.capacity == exported.capacity
    assert metric(at, "NPV") == money(compute(written, list_prices()).npv, "USD")
    # Switched off, the scenario keeps its assumptions.
    at.toggle(key="bc_calibrate").set_value(False).run()
    assert case_scenario(at).capacity.usage_source == "estimate"


def test_a_throttling_plan_is_flagged_beside_the_verdict() -> None:
    from copilot_roi.plans import CapacityPlan

    base = scenario_template("expected")
    plan = CapacityPlan(provisioned_scu=1, overage="none")
    throttled = base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})})
    at = open_page(scenario=throttled)
    result = compute(throttled)
    assert result.served_share < 1
    assert_shows(at, result)  # the served-share rule is in the page's figures too
    warnings = [w.value for w in at.warning if "were throttled" in w.value]
    assert len(warnings) == 1 and "value counts only served work" in warnings[0]
    untouched = open_page()
    assert not [w for w in untouched.warning if "were throttled" in w.value]


def test_the_evidence_is_graded_and_the_simulation_is_not_a_chance() -> None:
    at = open_page()
    assert not at.exception
    evidence = next(e for e in at.expander if e.label.startswith("The evidence behind them"))
    assert evidence.label == "The evidence behind them (studies run by Microsoft)"
    frame = evidence.dataframe[0].value
    assert {"use", "authors", "measures", "setting", "significance"} <= set(frame.columns)
    cited = frame[frame["use"].str.startswith("cited (")]
    assert set(cited["measures"]) == {"task time (labour minutes)"}  # time saved rests on task time only
    # The SOC low end's script-analysis result, named as backing that end only.
    assert set(cited.loc[cited["significance"] == "not significant", "use"]) == {"cited (low end)"}
    context = frame[frame["use"] == "context"]
    assert set(context["measures"]) == {"elapsed time (wall clock)"}
    shown = " ".join(c.value for c in at.caption)
    assert "simulated scenarios" in shown and "understates the spread" in shown
    assert "chance" not in shown.lower() and "probability" not in shown.lower()


def test_the_share_sentence_names_what_the_link_leaves_out() -> None:
    assert any("copy it from the browser to share the same view" in c.value for c in open_page().caption)
    plan = scenario_template("expected").capacity.plan.model_copy(update={"provisioned_scu": 3})
    scenario = custom()
    scenario = scenario.model_copy(update={"capacity": scenario.capacity.model_copy(update={"plan": plan})})
    said = " ".join(c.value for c in open_page(scenario=scenario).caption)
    assert "carries the main inputs only: it leaves out the capacity plan." in said


@pytest.mark.parametrize("zone", ["Europe", "Nowhere/Zone", "Z" * 300, "../../etc/passwd"])
def test_a_scenario_file_with_a_bad_time_zone_is_an_error_not_an_exception(zone: str) -> None:
    at = open_page()
    data = json.loads(scenario_template("expected").model_dump_json())
    data["capacity"]["plan"]["schedule"] = {"timezone": zone, "business_scu": 2}
    at.file_uploader(key="bc_load").upload("scenario.json", json.dumps(data).encode()).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("capacity.plan.schedule.timezone" in e and "unknown time zone" in e for e in errors), errors
    assert "scenario" not in at.session_state


def test_a_scenario_with_no_people_opens_with_its_files_offered() -> None:
    data = json.loads(scenario_template("expected").model_dump_json())
    for role in data["roles"].values():
        role["headcount"] = 0
        role["ranges"]["headcount"] = {"low": 0.0, "high": 0.0}
    at = open_page(scenario=Scenario.model_validate(data))
    assert not at.exception
    # Four buttons; that the deck renders for this scenario is test_business_pptx's check.
    assert len(at.get("download_button")) == 4


def test_a_case_that_falls_back_shows_no_payback_and_both_npvs() -> None:
    data = scenario_template("expected").model_dump()
    data["other_costs"] = [{"name": "Renewal", "per_year": [0.0, 0.0, 400_000.0]}]
    scenario = Scenario.model_validate(data)
    at = open_page(scenario=scenario)
    result = compute(case_scenario(at))
    # The cumulative net is >= 0 in month 7 and ends at -275,714: no payback, and the page says why.
    assert result.monthly[6].cumulative_net >= 0 > result.monthly[-1].cumulative_net
    assert metric(at, "Payback") == "Not within the horizon"
    assert any("reaches zero in month 7 but falls back below it" in w.value for w in at.warning)
    # Both conventions side by side, the case's (monthly) first; each by hand from the monthly net.
    rate = result.discount_rate_annual
    monthly = sum(m.net / (1 + rate) ** (m.month / 12) for m in result.monthly)
    years = [sum(m.net + m.one_off_cost for m in result.monthly[12 * y : 12 * y + 12]) for y in range(3)]
    annual = -result.monthly[0].one_off_cost + sum(n / (1 + rate) ** (y + 1) for y, n in enumerate(years))
    assert metric(at, "NPV, monthly convention (the case's)") == f"USD {monthly:,.0f}"
    assert metric(at, "NPV, annual (TEI) convention") == f"USD {annual:,.0f}"
