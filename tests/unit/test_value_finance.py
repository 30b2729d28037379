"""Finance conventions and the engine's cash flows: hand-computed cases, NPV pinned, properties."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from copilot_roi.plans import CapacityPlan
from copilot_roi.value import finance
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import (
    Adoption,
    Band,
    CapacitySizing,
    MultiplierBand,
    OneOffCosts,
    RoleRanges,
    RoleScenario,
    Scenario,
    ScenarioRanges,
    scenario_template,
)


def tiny(
    *,
    headcount: int = 10,
    hours: float = 10.0,
    share: float = 0.2,
    cost_per_hour: float = 100.0,
    realisation: float = 0.5,
    months: int = 12,
    plan: CapacityPlan | None = None,
    scu_per_person: float = 0.0,
    one_off: float = 0.0,
    adoption: Adoption | None = None,
    rate: float = 0.0,
) -> Scenario:
    """One SOC role with explicit inputs; bands collapse onto the values."""
    adoption = adoption or Adoption(starting_share=1.0, months_to_full=1)
    role = RoleScenario(
        headcount=headcount,
        loaded_cost_per_hour=cost_per_hour,
        hours_per_week_on_assisted_tasks=hours,
        time_saved_share=share,
        adoption=adoption,
        ranges=RoleRanges(
            headcount=Band(low=headcount, high=headcount),
            hours_per_week_on_assisted_tasks=Band(low=hours, high=hours),
            time_saved_share=Band(low=share, high=share),
            loaded_cost_per_hour=Band(low=cost_per_hour, high=cost_per_hour),
            adoption_months_to_full=Band(low=adoption.months_to_full, high=adoption.months_to_full),
        ),
    )
    return Scenario(
        preset="custom",
        roles={"soc": role},
        capacity=CapacitySizing(
            plan=plan or CapacityPlan(provisioned_scu=1, overage="none"),
            scu_per_person_month={"soc": scu_per_person},
        ),
        realisation_rate=realisation,
        horizon_months=months,
        discount_rate_annual=rate,
        one_off_costs=OneOffCosts(enablement=one_off, training=0.0),
        ranges=ScenarioRanges(
            realisation_rate=Band(low=realisation, high=realisation),
            discount_rate_annual=Band(low=rate, high=rate),
            capacity_price_multiplier=MultiplierBand(low=1.0, high=1.0),
        ),
    )


def test_hand_computed_tiny_scenario() -> None:
    # 10 people x 10 h/week x 52/12 weeks x 20 % = 86.666... hours freed a month;
    # x $100/h x 0.5 realisation = $4,333.33 realised; 1 SCU 24x7 = 730 h x $4 = $2,920 a month.
    result = compute(tiny(one_off=1000.0))
    hours = 10 * 10 * 52 / 12 * 0.2
    value = hours * 100 * 0.5
    assert hours == pytest.approx(86.6666667)
    for flow in result.monthly:
        assert flow.hours_freed == pytest.approx(hours)
        assert flow.value == pytest.approx(value)
        assert flow.capacity_cost == pytest.approx(2920.0)
    assert result.monthly[0].one_off_cost == 1000.0
    assert result.monthly[0].cost == pytest.approx(3920.0)
    assert result.monthly[0].net == pytest.approx(value - 3920.0)
    assert result.monthly[1].cost == pytest.approx(2920.0)
    assert result.monthly[-1].cumulative_net == pytest.approx(12 * (value - 2920.0) - 1000.0)
    assert result.total_cost == pytest.approx(12 * 2920.0 + 1000.0)
    assert result.total_hours_freed == pytest.approx(12 * hours)
    assert result.total_value == pytest.approx(12 * value)
    assert result.value_at_full_realisation == pytest.approx(12 * hours * 100)
    assert result.net_benefit == pytest.approx(12 * value - 36040.0)
    assert result.roi == pytest.approx((12 * value - 36040.0) / 36040.0)
    # Zero discount rate: NPV is the plain sum.
    assert result.npv == pytest.approx(result.net_benefit)
    assert result.payback_month == 1


def test_demand_within_provisioned_capacity_costs_only_the_capacity() -> None:
    # 10 people x 30 SCU = 300 SCU a month; the busiest hour is far below 100 provisioned SCUs.
    result = compute(tiny(plan=CapacityPlan(provisioned_scu=100), scu_per_person=30.0))
    assert result.monthly[0].demand_units == pytest.approx(300.0)
    assert result.monthly[0].capacity_cost == pytest.approx(100 * 730 * 4.0)
    assert result.billing.throttled_units == 0


def test_e5_default_capacity_with_pay_as_you_go_bills_six_dollars_per_scu_past_the_pool() -> None:
    # No provisioned capacity is purchasable only on the E5/E7 default capacity: 10 licences give
    # a 4 SCU pool per month; the other 296 SCUs bill at $6 as pay-as-you-go.
    plan = CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=10, e5_pay_as_you_go=True)
    result = compute(tiny(plan=plan, scu_per_person=30.0, months=2))
    # Metering to 0.1 SCU per hour moves each working hour by at most 0.05 SCU.
    for flow in result.monthly:
        assert flow.capacity_cost == pytest.approx(296 * 6.0, abs=0.05 * 6.0 * 260)
    assert result.billing.consumed_units == pytest.approx(600.0)


def test_demand_beyond_a_plan_without_overage_is_throttled_not_billed() -> None:
    result = compute(tiny(plan=CapacityPlan(provisioned_scu=1), scu_per_person=100.0, months=1))
    assert result.monthly[0].capacity_cost == pytest.approx(2920.0)
    assert result.monthly[0].throttled_units > 0


def test_adoption_ramp_scales_hours_and_demand() -> None:
    scenario = tiny(adoption=Adoption(starting_share=0.25, months_to_full=4), scu_per_person=10.0)
    result = compute(scenario)
    full = 10 * 10 * 52 / 12 * 0.2
    shares = [0.25, 0.5, 0.75, 1.0, 1.0]
    assert [round(m.hours_freed / full, 9) for m in result.monthly[:5]] == shares
    assert [round(m.demand_units / 100.0, 9) for m in result.monthly[:5]] == shares


def test_npv_convention_matches_numpy_financial() -> None:
    # Our month m falls at the end of month m; numpy-financial's first value is at t = 0, so a
    # leading 0 puts our month 1 at t = 1, at the equivalent monthly rate.
    rng = np.random.default_rng(7)
    flows = rng.normal(1000.0, 3000.0, size=36)
    annual = 0.08
    monthly_rate = (1 + annual) ** (1 / 12) - 1
    expected = npf.npv(monthly_rate, np.concatenate(([0.0], flows)))
    assert finance.npv(flows, annual) == pytest.approx(expected, rel=1e-12)
    # And NOT numpy-financial without the shift (month 1 undiscounted): the convention is pinned.
    assert finance.npv(flows, annual) != pytest.approx(npf.npv(monthly_rate, flows), rel=1e-9)


def test_engine_npv_matches_numpy_financial() -> None:
    result = compute(scenario_template("expected"))
    nets = np.array([m.net for m in result.monthly])
    rate = (1 + result.discount_rate_annual) ** (1 / 12) - 1
    assert result.npv == pytest.approx(npf.npv(rate, np.concatenate(([0.0], nets))), rel=1e-9)


def test_a_full_year_is_discounted_by_one_annual_rate() -> None:
    flows = np.zeros(12)
    flows[-1] = 108.0
    assert finance.npv(flows, 0.08) == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("cumulative", "month"),
    [
        ([-5.0, -1.0, 0.0, 3.0], 3),  # exactly zero counts as paid back
        ([2.0, 4.0], 1),  # positive from the first month
        ([-5.0, -4.0, -3.0], None),  # never
        ([-5.0, 1.0, -2.0, 4.0], 4),  # not the first crossing: it dips again in month 3
        ([-5.0, 1.0, 2.0, -1.0], None),  # crosses, then ends below zero
        ([], None),
    ],
)
def test_payback_month_edges(cumulative: list[float], month: int | None) -> None:
    assert finance.payback_month(np.array(cumulative)) == month


def test_payback_is_none_when_cost_always_exceeds_value() -> None:
    result = compute(tiny(share=0.01))
    assert result.net_benefit < 0
    assert result.payback_month is None


def test_roi_is_none_without_cost() -> None:
    assert finance.roi(10.0, 0.0) is None


def _with_share(scenario: Scenario, share: float) -> Scenario:
    role = scenario.roles["soc"]
    band = role.ranges.time_saved_share.widened_to(share)
    ranges = role.ranges.model_copy(update={"time_saved_share": band})
    return scenario.model_copy(
        update={"roles": {"soc": role.model_copy(update={"time_saved_share": share, "ranges": ranges})}}
    )


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.02, 0.5), realisation=st.floats(0.1, 1.0), one_off=st.floats(0, 50_000))
def test_break_even_conditions_make_net_benefit_zero(
    share: float, realisation: float, one_off: float
) -> None:
    scenario = tiny(share=share, realisation=realisation, one_off=one_off)
    result = compute(scenario)
    be = result.break_even
    assert be.time_saved_multiplier is not None and be.realisation_rate is not None
    new_share = share * be.time_saved_multiplier
    assume(new_share <= 0.9)
    assert compute(_with_share(scenario, new_share)).net_benefit == pytest.approx(0.0, abs=1e-6)
    assert be.time_saved_share_by_role == {"soc": pytest.approx(new_share)}
    assume(be.realisation_rate <= 1.0)
    at_rate = scenario.model_copy(
        update={
            "realisation_rate": be.realisation_rate,
            "ranges": scenario.ranges.model_copy(update={"realisation_rate": Band(low=0, high=1)}),
        }
    )
    assert compute(at_rate).net_benefit == pytest.approx(0.0, abs=1e-6)
    needed = be.hours_freed_per_month_needed
    assert needed is not None
    assert needed * scenario.horizon_months * 100 * realisation == pytest.approx(result.total_cost)


@pytest.mark.parametrize("share", [0.0, 5e-324])
def test_break_even_is_none_without_value(share: float) -> None:
    result = compute(tiny(share=share))
    assert result.break_even.time_saved_multiplier is None
    assert result.break_even.realisation_rate is None


@settings(max_examples=40, deadline=None)
@given(a=st.floats(0.0, 0.9), b=st.floats(0.0, 0.9))
def test_more_time_saved_never_lowers_value(a: float, b: float) -> None:
    low, high = sorted((a, b))
    base = tiny(months=6)
    r_low, r_high = compute(_with_share(base, low)), compute(_with_share(base, high))
    assert r_high.total_value >= r_low.total_value
    assert r_high.total_hours_freed >= r_low.total_hours_freed
    assert r_high.npv >= r_low.npv
    assert r_high.total_cost == r_low.total_cost


@settings(max_examples=60, deadline=None)
@given(
    flows=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=60),
    r1=st.floats(0.0, 0.5),
    r2=st.floats(0.0, 0.5),
)
def test_higher_discount_rate_never_raises_npv_of_positive_flows(
    flows: list[float], r1: float, r2: float
) -> None:
    lo, hi = sorted((r1, r2))
    assert finance.npv(np.array(flows), hi) <= finance.npv(np.array(flows), lo) + 1e-6


@settings(max_examples=60, deadline=None)
@given(
    upfront=st.floats(1.0, 1e6),
    later=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=60),
    r1=st.floats(0.0, 0.5),
    r2=st.floats(0.0, 0.5),
)
def test_a_cost_then_gains_case_positive_at_a_higher_rate_is_positive_at_a_lower_one(
    upfront: float, later: list[float], r1: float, r2: float
) -> None:
    # The month-1 cost is discounted too, so NPV itself can rise with the rate (a lone cost
    # shrinks); what cannot happen is a case that pays at a higher rate failing at a lower one.
    flows = np.array([-upfront, *later])
    lo, hi = sorted((r1, r2))
    if finance.npv(flows, hi) > 1e-6:
        assert finance.npv(flows, lo) > 0


@settings(max_examples=20, deadline=None)
@given(r1=st.floats(0.0, 0.5), r2=st.floats(0.0, 0.5))
def test_engine_npv_falls_with_the_rate_when_every_month_gains(r1: float, r2: float) -> None:
    lo, hi = sorted((r1, r2))
    base = tiny(share=0.5, months=24)
    at = [
        compute(
            base.model_copy(
                update={
                    "discount_rate_annual": r,
                    "ranges": base.ranges.model_copy(update={"discount_rate_annual": Band(low=0, high=1)}),
                }
            )
        )
        for r in (lo, hi)
    ]
    assert all(m.net > 0 for m in at[0].monthly)
    assert at[1].npv <= at[0].npv + 1e-6


@settings(max_examples=60, deadline=None)
@given(start=st.floats(0.0, 1.0), months=st.floats(1.0, 60.0), horizon=st.integers(1, 120))
def test_adoption_curve_rises_to_one(start: float, months: float, horizon: int) -> None:
    curve = finance.adoption_curve(start, months, horizon)
    assert curve.shape == (horizon,)
    assert np.all(np.diff(curve) >= -1e-12)
    assert np.all((curve >= 0) & (curve <= 1))
    if horizon >= months:
        assert curve[-1] == pytest.approx(1.0)
