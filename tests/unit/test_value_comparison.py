"""Scenarios side by side: worked figures derived by hand, the engine's numbers, clean refusals."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.pricebook import PriceOverrides
from copilot_roi.value.comparison import MAX_COMPARED, MAX_NAME_CHARS, clean_name, compare
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.value.sensitivity import analyse

DRAWS = 400


def soc_only(provisioned_scu: int) -> Scenario:
    """10 SOC analysts, all using it from month 1, 10 h a week, 20 % saved, 100 an hour, half
    realised, 12 months, no one-off costs, no discounting, 1 SCU each a month (never throttled)."""
    data: dict[str, Any] = scenario_template("expected").model_dump(mode="json")
    soc = data["roles"]["soc"]
    soc.update(
        headcount=10, hours_per_week_on_assisted_tasks=10.0, time_saved_share=0.2, loaded_cost_per_hour=100.0
    )
    soc["adoption"] = {"starting_share": 1.0, "months_to_full": 1}
    soc["ranges"]["adoption_months_to_full"] = {"low": 1.0, "high": 3.0}
    data["roles"] = {"soc": soc}
    capacity = data["capacity"]
    capacity["plan"].update(provisioned_scu=provisioned_scu, schedule=None, overage="none", e5_licences=0)
    capacity["scu_per_person_month"] = {"soc": 1.0}
    data.update(
        horizon_months=12, realisation_rate=0.5, discount_rate_annual=0.0,
        one_off_costs={"enablement": 0.0, "training": 0.0},
    )  # fmt: skip
    data["ranges"]["discount_rate_annual"] = {"low": 0.0, "high": 0.1}
    return Scenario.model_validate(data)


def test_worked_example_two_plans_side_by_side() -> None:
    comparison = compare([("1 SCU", soc_only(1)), ("2 SCU", soc_only(2))], draws=DRAWS)
    one, two = comparison.rows
    # Cost: 730 h x 4 USD per SCU-hour = 2,920 a month per SCU.
    assert one.total_cost == pytest.approx(12 * 2_920)
    assert two.total_cost == pytest.approx(12 * 5_840)
    # Hours: 10 x 10 h x 52/12 x 0.2 = 86.667 a month; value: x 100 x 0.5 = 4,333.33 a month.
    assert one.total_hours_freed == pytest.approx(12 * 10 * 10 * 52 / 12 * 0.2)
    assert one.total_value == pytest.approx(12 * 4_333.3333, rel=1e-6)
    assert two.total_value == pytest.approx(one.total_value)
    # No discounting: NPV is the net benefit, 52,000 - 35,040 = 16,960 and 52,000 - 70,080.
    assert one.npv == pytest.approx(16_960, abs=0.01)
    assert two.npv == pytest.approx(-18_080, abs=0.01)
    assert one.roi == pytest.approx(16_960 / 35_040)
    assert one.payback_month == 1 and two.payback_month is None
    assert one.served_share == 1.0
    assert one.cumulative_net[0] == pytest.approx(4_333.3333 - 2_920, rel=1e-6)
    assert one.cumulative_net[-1] == pytest.approx(16_960, abs=0.01)
    assert two.cumulative_net[5] == pytest.approx(6 * (4_333.3333 - 5_840), rel=1e-6)
    assert comparison.currency == "USD"
    assert list(comparison.frame()["Scenario"]) == ["1 SCU", "2 SCU"]


def test_rows_repeat_the_engine_and_the_monte_carlo() -> None:
    scenario = scenario_template("expected")
    row = compare([("Expected", scenario)], draws=DRAWS).rows[0]
    result = compute(scenario)
    mc = analyse(scenario, result=result, draws=DRAWS).monte_carlo
    assert (row.npv, row.npv_p10, row.npv_p90) == (result.npv, mc.p10, mc.p90)
    assert row.cumulative_net == tuple(m.cumulative_net for m in result.monthly)
    assert row.plan_description == result.plan_description


def test_refuses_too_many_duplicates_and_mixed_currencies() -> None:
    s = scenario_template("expected")
    with pytest.raises(ValueError, match=f"at most {MAX_COMPARED}"):
        compare([(f"s{i}", s) for i in range(MAX_COMPARED + 1)], draws=DRAWS)
    with pytest.raises(ValueError, match="two scenarios are named 'A'"):
        compare([("A", s), (" A ", s)], draws=DRAWS)
    with pytest.raises(ValueError, match="nothing to compare"):
        compare([], draws=DRAWS)
    euro = s.model_copy(update={"prices": PriceOverrides(currency="EUR", usd_to_currency_rate=0.9)})
    with pytest.raises(ValueError, match="different currencies"):
        compare([("USD", s), ("EUR", euro)], draws=DRAWS)


def test_clean_name_refuses_blank_and_strips_control_characters() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        clean_name(" \n\t ")
    assert clean_name("a\x00b\u202ec") == "a b c"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_names_are_short_printable_and_stable(name: str) -> None:
    try:
        cleaned = clean_name(name)
    except ValueError:
        assert not " ".join("".join(c if c.isprintable() else " " for c in name).split())
        return
    assert 0 < len(cleaned) <= MAX_NAME_CHARS
    assert cleaned.isprintable() and cleaned == cleaned.strip()
    assert clean_name(cleaned) == cleaned
