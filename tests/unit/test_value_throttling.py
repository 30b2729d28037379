"""Throttled demand earns no value: served share per month, figures derived apart from the engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.plans import CapacityPlan, OverageMode
from copilot_roi.value.demand import month_shares
from copilot_roi.value.engine import ScenarioResult, compute
from copilot_roi.value.scenario import Band, Scenario, scenario_template
from copilot_roi.value.sensitivity import analyse


def soc_only(headcount: int, plan: CapacityPlan, preset: str = "expected") -> Scenario:
    """The template with ``headcount`` SOC analysts (band +-20 %), every other team empty, on ``plan``."""
    base = scenario_template(preset)  # type: ignore[arg-type]
    nobody = Band(low=0, high=0)
    roles = {
        r: role.model_copy(
            update={"headcount": 0, "ranges": role.ranges.model_copy(update={"headcount": nobody})}
        )
        for r, role in base.roles.items()
    }
    soc = base.roles["soc"]
    band = Band(low=round(headcount * 0.8), high=round(headcount * 1.2))
    roles["soc"] = soc.model_copy(
        update={"headcount": headcount, "ranges": soc.ranges.model_copy(update={"headcount": band})}
    )
    return base.model_copy(
        update={"roles": roles, "capacity": base.capacity.model_copy(update={"plan": plan})}
    )


ONE_SCU = CapacityPlan(provisioned_scu=1, overage="none")


def test_100_soc_analysts_on_one_scu_without_overage() -> None:
    """The issue's case, re-derived with numpy from the demand shape alone (no billing engine).

    Expected template, SOC: 40 SCU per person per month, adoption 30 % in month 1 rising linearly
    to 100 % in month 6; 15 h/week, 22 % saved, 75 per hour, realisation 50 %; 36 months.
    One SCU, no overage, no E5: each hour serves at most 1 SCU and refuses the rest.
    """
    scenario = soc_only(100, ONE_SCU)
    months = 36
    adoption = np.minimum(1.0, 0.3 + 0.7 * np.arange(months) / 5)
    demand_month = 100 * 40.0 * adoption
    hourly = month_shares(months, "UTC") * demand_month[:, None]  # (months, 730) SCUs
    served_hourly = np.minimum(hourly, 1.0)
    served = served_hourly.sum(axis=1) / demand_month
    hours_unthrottled = 100 * 15.0 * 52 / 12 * 0.22 * adoption
    value = hours_unthrottled * served * 75.0 * 0.5

    result = compute(scenario)
    assert [m.served_share for m in result.monthly] == pytest.approx(served.tolist(), abs=1e-9)
    assert [m.hours_freed for m in result.monthly] == pytest.approx((hours_unthrottled * served).tolist())
    assert [m.value for m in result.monthly] == pytest.approx(value.tolist())
    assert result.total_value == pytest.approx(value.sum())
    assert result.served_share == pytest.approx(served_hourly.sum() / demand_month.sum())
    assert result.throttled_units == pytest.approx(demand_month.sum() - served_hourly.sum(), abs=1e-6)
    # The figure: about 94 % of demand refused; the case no longer looks like a winner.
    assert 0.05 < result.served_share < 0.07
    assert result.roi is not None and result.roi < 0
    # 1 SCU x 730 h x 4 USD per month, 36 months, plus the template's one-off costs.
    assert result.total_capacity_cost == pytest.approx(36 * 730 * 4.0)
    assert result.net_benefit == pytest.approx(value.sum() - result.total_cost)


def test_pool_alone_serves_exactly_its_allowance() -> None:
    # By hand: 1,000 E5 licences give 400 SCU a month; 100 SOC analysts at full adoption demand
    # 100 x 40 = 4,000 SCU. Without capacity or overage the pool serves 400: a tenth.
    plan = CapacityPlan(provisioned_scu=0, overage="none", e5_licences=1_000)
    scenario = soc_only(100, plan)
    result = compute(scenario)
    full = [m for m in result.monthly if m.month >= 6]
    assert all(m.demand_units == pytest.approx(4_000.0) for m in full)
    assert all(m.served_share == pytest.approx(0.1) for m in full)
    hours_full_adoption = 100 * 15.0 * 52 / 12 * 0.22
    assert full[-1].hours_freed == pytest.approx(hours_full_adoption * 0.1)
    assert result.hours_freed_by_role["soc"][-1] == pytest.approx(hours_full_adoption * 0.1)
    assert result.value_by_role["soc"][-1] == pytest.approx(hours_full_adoption * 0.1 * 75 * 0.5)


def test_a_plan_that_serves_everything_keeps_every_hour() -> None:
    result = compute(soc_only(100, CapacityPlan(provisioned_scu=1, overage="unlimited")))
    assert result.served_share == 1.0 and result.throttled_units == 0
    assert all(m.served_share == 1.0 for m in result.monthly)
    assert result.total_hours_freed == pytest.approx(
        sum(100 * 15.0 * 52 / 12 * 0.22 * min(1.0, 0.3 + 0.7 * m / 5) for m in range(36))
    )


def test_no_demand_means_nothing_refused() -> None:
    base = soc_only(100, ONE_SCU)
    scenario = base.model_copy(
        update={
            "capacity": base.capacity.model_copy(
                update={"scu_per_person_month": {**base.capacity.scu_per_person_month, "soc": 0.0}}
            )
        }
    )
    result = compute(scenario)
    assert result.demand_units == 0 and result.served_share == 1.0
    assert all(m.served_share == 1.0 for m in result.monthly)


def test_break_even_follows_the_served_value() -> None:
    result = compute(soc_only(100, ONE_SCU))
    multiplier = result.break_even.time_saved_multiplier
    assert multiplier == pytest.approx(result.total_cost / result.total_value)
    assert result.break_even.realisation_rate == pytest.approx(
        result.total_cost / result.value_at_full_realisation
    )
    # Full realisation of the served hours only: value / realisation rate.
    assert result.value_at_full_realisation == pytest.approx(result.total_value / 0.5)


def test_sensitivity_applies_the_same_rule() -> None:
    scenario = soc_only(100, ONE_SCU)
    result = compute(scenario)
    sensitivity = analyse(scenario, result=result, draws=200)
    assert sensitivity.base_npv == pytest.approx(result.npv, abs=1e-6)
    bars = {b.key: b for b in sensitivity.tornado}
    # A value input's end: throttling is unchanged, so the engine's figure is reproduced.
    bar = bars["soc.time_saved_share"]
    roles = dict(scenario.roles)
    roles["soc"] = roles["soc"].model_copy(update={"time_saved_share": bar.high_input})
    assert bar.npv_at_high == pytest.approx(compute(scenario.model_copy(update={"roles": roles})).npv)
    # Headcount moves demand and so throttling: close to the billed engine (served share applied).
    bar = bars["soc.headcount"]
    roles["soc"] = scenario.roles["soc"].model_copy(update={"headcount": round(bar.low_input)})
    low = compute(scenario.model_copy(update={"roles": roles}))
    assert bar.npv_at_low == pytest.approx(low.npv, abs=0.01 * abs(low.npv) + 0.002 * low.total_cost)
    # Unthrottled, this case would realise about 1.8 million; with the rule its median draw loses money.
    assert sensitivity.monte_carlo.p50 < 0


def _with(scenario: Scenario, plan: CapacityPlan) -> ScenarioResult:
    return compute(
        scenario.model_copy(update={"capacity": scenario.capacity.model_copy(update={"plan": plan})})
    )


@settings(max_examples=25, deadline=None)
@given(
    headcount=st.integers(1, 300),
    low_scu=st.integers(1, 30),
    extra_scu=st.integers(0, 30),
    overage=st.sampled_from(["none", "capped"]),
    e5=st.sampled_from([0, 500]),
)
def test_more_capacity_never_lowers_hours_or_value(
    headcount: int, low_scu: int, extra_scu: int, overage: OverageMode, e5: int
) -> None:
    scenario = soc_only(headcount, ONE_SCU)
    cap = 2.0 if overage == "capped" else 0.0
    small = _with(
        scenario,
        CapacityPlan(provisioned_scu=low_scu, overage=overage, overage_cap_scu_per_hour=cap, e5_licences=e5),
    )
    more_scu = _with(
        scenario,
        CapacityPlan(
            provisioned_scu=low_scu + extra_scu, overage=overage, overage_cap_scu_per_hour=cap, e5_licences=e5
        ),
    )
    unlimited = _with(scenario, CapacityPlan(provisioned_scu=low_scu, overage="unlimited", e5_licences=e5))
    for larger in (more_scu, unlimited):
        assert larger.total_hours_freed >= small.total_hours_freed - 1e-9
        assert larger.total_value >= small.total_value - 1e-9
        for a, b in zip(small.monthly, larger.monthly, strict=True):
            assert b.hours_freed >= a.hours_freed - 1e-9 and b.value >= a.value - 1e-9
    assert unlimited.served_share == 1.0
