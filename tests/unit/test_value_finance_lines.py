"""The scenario's finance block and extra lines through the engine, the sensitivity and `roi --json`.

Expected figures come from numpy-financial on the engine's own monthly flows, or by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest
from pydantic import ValidationError

from copilot_roi.cli import main
from copilot_roi.value.engine import ScenarioResult, compute
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.sensitivity import analyse

BENEFIT = {"name": "Retired SIEM add-on", "per_year": [12_000.0, 24_000.0], "source": "Vendor renewal quote"}
COST = {
    "name": "Copilot administration",
    "one_off": 5_000.0,
    "per_year": [6_000.0],
    "source": "Internal estimate",
}


def scenario_with(**changes: Any) -> Scenario:
    data = json.loads(scenario_template("expected").model_dump_json()) | changes
    return Scenario.model_validate_json(json.dumps(data))


def flows(result: ScenarioResult) -> tuple[float, np.ndarray, np.ndarray]:
    """(one-offs, monthly benefits, monthly recurring costs) read back from the engine's months."""
    one_off = result.monthly[0].one_off_cost
    benefits = np.array([m.value + m.other_benefits for m in result.monthly])
    recurring = np.array([m.cost - m.one_off_cost for m in result.monthly])
    return one_off, benefits, recurring


@pytest.mark.parametrize("convention", ["monthly", "annual"])
@pytest.mark.parametrize(("risk_b", "risk_c"), [(0.0, 0.0), (0.1, 0.05), (0.5, 0.5)])
def test_engine_agrees_with_numpy_financial(convention: str, risk_b: float, risk_c: float) -> None:
    scenario = scenario_with(
        finance={"convention": convention, "risk_adjustment": {"benefits": risk_b, "costs": risk_c}},
        other_benefits=[BENEFIT],
        other_costs=[COST],
        discount_rate_annual=0.1,
    )
    result = compute(scenario)
    one_off, benefits, recurring = flows(result)
    benefits, recurring, one_off = benefits * (1 - risk_b), recurring * (1 + risk_c), one_off * (1 + risk_c)
    if convention == "annual":
        # numpy-financial's first value is at t = 0: year 0's one-offs, then each year's sums.
        years = lambda x: x.reshape(-1, 12).sum(axis=1)  # noqa: E731
        pv_b = npf.npv(0.1, [0.0, *years(benefits)])
        pv_c = npf.npv(0.1, [one_off, *years(recurring)])
        assert [row.year for row in result.yearly] == [0, 1, 2, 3]
        assert result.yearly[1].benefits == pytest.approx(years(benefits)[0], rel=1e-12)
        assert result.yearly[2].discount_factor == pytest.approx(1 / 1.1**2, rel=1e-12)
    else:
        # Month m at the end of month m: a leading 0 at t = 0, the monthly rate (1.1)^(1/12) - 1.
        monthly_rate = 1.1 ** (1 / 12) - 1
        pv_b = npf.npv(monthly_rate, [0.0, *benefits])
        pv_c = npf.npv(monthly_rate, [0.0, recurring[0] + one_off, *recurring[1:]])
        assert result.yearly == ()
    assert result.convention == convention
    assert result.pv_benefits == pytest.approx(pv_b, rel=1e-10)
    assert result.pv_costs == pytest.approx(pv_c, rel=1e-10)
    assert result.npv == pytest.approx(pv_b - pv_c, rel=1e-9)
    assert result.roi_pv == pytest.approx((pv_b - pv_c) / pv_c, rel=1e-9)


def test_default_scenario_keeps_todays_npv() -> None:
    """The monthly convention without lines or risk is the engine's original NPV, flow by flow."""
    result = compute(scenario_template("expected"))
    net = np.array([m.net for m in result.monthly])
    assert result.npv == pytest.approx(npf.npv(1.08 ** (1 / 12) - 1, [0.0, *net]), rel=1e-10)
    assert result.convention == "monthly" and result.total_other_benefits == 0


def test_risk_adjustment_scales_the_pvs_exactly() -> None:
    plain = compute(scenario_with(finance={"convention": "annual"}, other_costs=[COST]))
    risky = compute(
        scenario_with(
            finance={"convention": "annual", "risk_adjustment": {"benefits": 0.2, "costs": 0.1}},
            other_costs=[COST],
        )
    )
    assert risky.pv_benefits == pytest.approx(0.8 * plain.pv_benefits, rel=1e-12)
    assert risky.pv_costs == pytest.approx(1.1 * plain.pv_costs, rel=1e-12)
    # The undiscounted figures stay unadjusted.
    assert (risky.roi, risky.net_benefit, risky.payback_month) == (
        plain.roi,
        plain.net_benefit,
        plain.payback_month,
    )


def test_lines_enter_the_flows_by_year_and_month() -> None:
    base = compute(scenario_with(finance={"convention": "annual"}))
    lined = compute(
        scenario_with(finance={"convention": "annual"}, other_benefits=[BENEFIT], other_costs=[COST])
    )
    # Benefit 12,000 then 24,000 (repeated in year 3): 1,000 a month in year 1, 2,000 after.
    assert [lined.monthly[m].other_benefits for m in (0, 11, 12, 35)] == [1_000.0, 1_000.0, 2_000.0, 2_000.0]
    assert lined.total_other_benefits == 60_000.0
    # Cost: 5,000 once (month 1 / year 0) and 6,000 a year, 500 a month.
    assert lined.monthly[0].one_off_cost - base.monthly[0].one_off_cost == 5_000.0
    assert lined.monthly[5].other_costs == 500.0
    assert lined.total_other_costs == 5_000.0 + 3 * 6_000.0
    assert lined.total_cost - base.total_cost == pytest.approx(23_000.0)
    assert lined.net_benefit - base.net_benefit == pytest.approx(60_000.0 - 23_000.0)
    deltas = [
        (b.benefits - a.benefits, b.costs - a.costs) for a, b in zip(base.yearly, lined.yearly, strict=True)
    ]
    # Differences of sums: equal up to rounding, whatever the template's roles add to both.
    by_year = [(0.0, 5_000.0), (12_000.0, 6_000.0), (24_000.0, 6_000.0), (24_000.0, 6_000.0)]
    for delta, expected_delta in zip(deltas, by_year, strict=True):
        assert delta == pytest.approx(expected_delta, abs=1e-6)
    # By hand: NPV changes by -5,000 + (6,000 / 1.08 + 18,000 / 1.08^2 + 18,000 / 1.08^3).
    expected = -5_000 + 6_000 / 1.08 + 18_000 / 1.08**2 + 18_000 / 1.08**3
    assert lined.npv - base.npv == pytest.approx(expected, abs=1e-6)


def test_monthly_convention_spreads_a_year_over_its_months_and_cuts_a_part_year() -> None:
    result = compute(
        scenario_with(horizon_months=18, other_benefits=[{"name": "x", "per_year": [1_200.0, 2_400.0]}])
    )
    assert result.total_other_benefits == pytest.approx(12 * 100.0 + 6 * 200.0)


def test_lines_move_the_tornado_and_the_monte_carlo_exactly() -> None:
    banded = BENEFIT | {"band": {"low": 0.5, "high": 1.1}}
    scenario = scenario_with(
        finance={"convention": "annual", "risk_adjustment": {"benefits": 0.1, "costs": 0.2}},
        other_benefits=[banded],
        other_costs=[COST],
    )
    result = compute(scenario)
    sensitivity = analyse(scenario, result=result, draws=2_000)
    assert sensitivity.base_npv == pytest.approx(result.npv, abs=1e-6)
    bars = {bar.key: bar for bar in sensitivity.tornado}
    benefit_bar, cost_bar = bars["other_benefits.0"], bars["other_costs.0"]
    assert (benefit_bar.low_input, benefit_bar.high_input) == (0.5, 1.1)
    assert (cost_bar.low_input, cost_bar.high_input) == (0.8, 1.2)  # no band: plus or minus 20 %
    half = scenario_with(
        finance=scenario.finance.model_dump(),
        other_benefits=[banded | {"per_year": [6_000.0, 12_000.0]}],
        other_costs=[COST],
    )
    assert benefit_bar.npv_at_low == pytest.approx(compute(half).npv, rel=1e-9)
    dearer = scenario_with(
        finance=scenario.finance.model_dump(),
        other_benefits=[banded],
        other_costs=[COST | {"one_off": 6_000.0, "per_year": [7_200.0]}],
    )
    assert cost_bar.npv_at_high == pytest.approx(compute(dearer).npv, rel=1e-9)
    without = analyse(scenario.model_copy(update={"other_benefits": []}), draws=2_000)
    assert sensitivity.monte_carlo.p50 > without.monte_carlo.p50


def test_fte_view_is_hours_over_years_over_hours_per_fte() -> None:
    result = compute(scenario_with(hours_per_fte_year=1_500.0))
    assert result.fte is not None
    assert result.fte.ftes == pytest.approx(result.total_hours_freed / 3 / 1_500.0)
    # Hiring cost = hours a year x hours-weighted cost per hour = full-realisation value a year.
    assert result.fte.hiring_cost_per_year == pytest.approx(result.value_at_full_realisation / 3)


def error_of(**changes: Any) -> tuple[tuple[Any, ...], str]:
    with pytest.raises(ValidationError) as caught:
        scenario_with(**changes)
    first = caught.value.errors()[0]
    return tuple(first["loc"]), str(first["msg"])


def test_bad_lines_are_refused_with_the_fields_path() -> None:
    loc, _ = error_of(other_benefits=[BENEFIT | {"per_year": [1.0, -5.0]}])
    assert loc == ("other_benefits", 0, "per_year", 1)
    loc, _ = error_of(other_costs=[COST | {"one_off": -1.0}])
    assert loc == ("other_costs", 0, "one_off")
    loc, _ = error_of(other_costs=[COST | {"colour": "red"}])
    assert loc == ("other_costs", 0, "colour")
    _, message = error_of(other_benefits=[BENEFIT, BENEFIT | {"per_year": [1.0] * 4}])
    assert "other_benefits[1].per_year has 4 yearly amounts" in message and "3 year(s)" in message
    loc, _ = error_of(other_benefits=[BENEFIT | {"band": {"low": 1.1, "high": 1.2}}])
    assert loc[:3] == ("other_benefits", 0, "band")


def test_bad_finance_blocks_are_refused_with_the_fields_path() -> None:
    _, message = error_of(finance={"convention": "annual"}, horizon_months=30)
    assert "finance.convention" in message and "horizon_months" in message and "30 months" in message
    loc, _ = error_of(finance={"risk_adjustment": {"benefits": 0.6}})
    assert loc == ("finance", "risk_adjustment", "benefits")
    loc, _ = error_of(finance={"convention": "quarterly"})
    assert loc == ("finance", "convention")


def test_roi_json_carries_the_convention(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = scenario_with(
        finance={"convention": "annual", "risk_adjustment": {"benefits": 0.1, "costs": 0.0}},
        other_costs=[COST],
    )
    path = tmp_path / "s.json"
    path.write_text(scenario.model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    result = compute(scenario)
    assert payload["convention"] == "annual"
    assert payload["risk_adjustment"] == {"benefits": 0.1, "costs": 0.0}
    assert payload["npv"] == round(result.npv, 2)
    # The payload rounds roi_pv to 6 decimals (and NPV and PV of costs to cents): compare at that grain.
    assert payload["roi_pv"] == pytest.approx(payload["npv"] / payload["pv_costs"], abs=1e-6)
    assert [row["year"] for row in payload["yearly"]] == [0, 1, 2, 3]
    assert payload["yearly"][0]["discount_factor"] == 1.0
    assert payload["yearly"][-1]["cumulative_pv_net"] == pytest.approx(payload["npv"], abs=0.01)
    assert set(payload["fte"]) == {
        "hours_per_fte_year",
        "ftes",
        "weighted_cost_per_hour",
        "hiring_cost_per_year",
    }
    assert "payback_month" in payload and "roi" in payload
