"""AppTest: the finance convention, risk shares, FTE hours and other lines on both value pages."""

from __future__ import annotations

import json
from pathlib import Path

from case_session import case_scenario, put_scenario
from page_rerun import whole_page
from streamlit.testing.v1 import AppTest

from copilot_roi.pricebook import effective_prices, load_price_book
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, scenario_template

APP = Path(__file__).resolve().parents[2] / "app.py"
LINED = {
    "other_benefits": [
        {"name": "Retired SOAR licence", "per_year": [18_000.0, 30_000.0], "source": "Renewal quote",
         "band": {"low": 0.5, "high": 1.0}}
    ],
    "other_costs": [
        {"name": "Governance board", "one_off": 4_000.0, "per_year": [3_000.0], "source": "Estimate"}
    ],
}  # fmt: skip


def lined() -> Scenario:
    return Scenario.model_validate(json.loads(scenario_template("expected").model_dump_json()) | LINED)


def open_page(page: str, scenario: Scenario | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if scenario is not None:
        put_scenario(at, scenario)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_scenarios_page_switches_to_the_annual_convention_with_risk() -> None:
    at = open_page("app_pages/scenarios.py")
    whole_page(at.radio(key="scn_fin_convention").set_value("annual").run())
    whole_page(at.slider(key="scn_fin_risk_benefits_pct").set_value(10.0).run())
    whole_page(at.slider(key="scn_fin_risk_costs_pct").set_value(20.0).run())
    whole_page(at.number_input(key="scn_fin_fte_hours").set_value(1_600.0).run())
    assert not at.exception, at.exception
    scenario = case_scenario(at)
    assert scenario.finance.convention == "annual"
    assert scenario.finance.risk_adjustment.benefits == 0.1 and scenario.finance.risk_adjustment.costs == 0.2
    assert scenario.hours_per_fte_year == 1_600.0 and scenario.preset == "custom"
    result = compute(scenario)
    assert metric(at, "NPV (annual)") == f"USD {result.npv:,.0f}"
    assert metric(at, "PV of costs (annual)") == f"USD {result.pv_costs:,.0f}"
    captions = " ".join(c.value for c in at.caption)
    assert "annual (TEI)" in captions and "benefits -10%, costs +20%" in captions
    assert result.fte is not None and f"{result.fte.ftes:,.1f} analyst FTEs" in captions
    at.segmented_control(key="scn_view").set_value("Analyst").run()
    years = [frame.value for frame in at.dataframe if "Discount factor" in frame.value.columns]
    assert years and list(years[0]["Year"]) == ["Initial (0)", "1", "2", "3"]


def test_annual_with_a_part_year_horizon_is_refused_by_field() -> None:
    at = open_page("app_pages/scenarios.py")
    whole_page(at.slider(key="scn_horizon").set_value(30).run())
    at.radio(key="scn_fin_convention").set_value("annual").run()
    assert not at.exception
    assert any("finance.convention" in e.value and "horizon_months" in e.value for e in at.error)


def test_lines_from_a_loaded_scenario_reach_the_tables_and_the_numbers() -> None:
    loaded = lined()
    at = open_page("app_pages/scenarios.py", loaded)
    editors = {frame.key: frame.value for frame in at.dataframe if str(frame.key).startswith("scn_lines_")}
    assert len(editors) == 2
    benefits = next(v for k, v in editors.items() if "benefits" in str(k))
    assert list(benefits["name"]) == ["Retired SOAR licence"] and list(benefits["per_year"]) == [
        "18000, 30000"
    ]
    kept = case_scenario(at)
    assert kept.other_benefits == loaded.other_benefits and kept.other_costs == loaded.other_costs
    assert compute(kept).total_other_benefits == 18_000.0 + 2 * 30_000.0


def test_business_case_page_picks_the_convention_for_every_figure() -> None:
    at = open_page("app_pages/business_case.py", lined())
    at.radio(key="bc_fin_convention").set_value("annual").run()
    assert not at.exception, at.exception
    scenario = case_scenario(at)
    assert scenario.finance.convention == "annual" and scenario.other_costs == lined().other_costs
    prices = effective_prices(load_price_book(), scenario.prices)
    result = compute(scenario, prices)
    assert metric(at, "NPV (annual)") == f"USD {result.npv:,.0f}"
    assert any("Governance board" in frame.value.to_string() for frame in at.dataframe)
