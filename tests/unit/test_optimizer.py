"""Right-sizing: the recommendation is the cheapest plan that fits, and its price is the bill's."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.billing import bill
from copilot_roi.estimate import EstimateInputs, build_profile
from copilot_roi.hourly import HourlySeries
from copilot_roi.optimizer import STANDARD_WINDOWS, optimize
from copilot_roi.plans import CapacityPlan, Schedule
from copilot_roi.pricebook import list_prices

PRICES = list_prices()
MONDAY = pd.Timestamp("2026-03-02 00:00", tz="UTC")


def week(values_by_hour: np.ndarray) -> HourlySeries:
    return HourlySeries(MONDAY, values_by_hour)


def test_flat_demand_gets_a_flat_level_that_covers_it() -> None:
    result = optimize(week(np.full(168, 2.0)), PRICES)
    assert result.recommended.plan.provisioned_scu == 2
    assert result.recommended.plan.schedule is None
    assert result.recommended.total_cost == 168 * 2 * 4
    assert result.recommended.throttled_units == 0


def test_business_hours_demand_gets_a_schedule() -> None:
    demand = np.zeros(168)
    for day in range(5):
        demand[day * 24 + 9 : day * 24 + 17] = 3.0
    rec = optimize(week(demand), PRICES).recommended
    assert rec.plan.schedule is not None
    # A capacity holds at least 1 SCU in every hour it exists: 3 in business hours, 1 off-hours.
    assert (rec.plan.schedule.business_scu, rec.plan.schedule.off_hours_scu) == (3, 1)
    # Mon-Fri 08-18 is the narrowest window covering 9-17: 50 h x 3 SCU + 118 h x 1 SCU, at $4.
    assert rec.total_cost == 5 * 10 * 3 * 4 + (168 - 50) * 1 * 4
    assert not rec.plan.deletes_capacity_off_hours


def test_deleting_capacity_off_hours_only_when_asked() -> None:
    demand = np.zeros(168)
    for day in range(5):
        demand[day * 24 + 9 : day * 24 + 17] = 3.0
    rec = optimize(week(demand), PRICES, allow_off_hours_deletion=True).recommended
    assert rec.plan.schedule is not None
    assert (rec.plan.schedule.business_scu, rec.plan.schedule.off_hours_scu) == (3, 0)
    assert rec.total_cost == 5 * 10 * 3 * 4
    assert rec.throttled_units == 0
    assert "capacity deleted off-hours: nothing served then except from the E5/E7 pool" in rec.description


def test_off_hours_demand_is_not_billed_as_overage_when_the_capacity_is_deleted() -> None:
    # The case a specialist rejects: "3 SCU business hours, no capacity off-hours, unlimited
    # overage" must not serve off-hours demand as overage; deleted capacity has no overage.
    demand = np.full(168, 1.0)
    series = week(demand)
    deleting = optimize(series, PRICES, allow_off_hours_deletion=True, throttle_budget_units=1e6)
    deleted = [c for c in deleting.candidates if c.plan.deletes_capacity_off_hours]
    assert deleted
    for candidate in deleted:
        assert candidate.plan.schedule is not None
        off_hours = int((~candidate.plan.schedule.business_mask(series)).sum())
        # Every off-hour's 1 SCU is refused; business hours hold >= 1 SCU, so nothing is overage.
        assert candidate.throttled_units == pytest.approx(off_hours * 1.0)
        assert candidate.overage_units == 0
    strict = optimize(week(demand), PRICES, allow_off_hours_deletion=True)
    assert not strict.recommended.plan.deletes_capacity_off_hours
    assert strict.recommended.throttled_units == 0


def test_plans_without_any_capacity_are_searched_only_with_e5_licences() -> None:
    demand = np.full(168, 0.2)  # cheapest as pure overage, if that were purchasable
    result = optimize(week(demand), PRICES)
    assert all(c.plan.provisioned_scu >= 1 or c.plan.schedule is not None for c in result.candidates)
    assert result.recommended.description == "1 SCU 24x7, no overage"


def test_rare_spike_is_cheaper_as_overage_than_as_capacity() -> None:
    demand = np.full(168, 1.0)
    demand[50] = 5.0
    rec = optimize(week(demand), PRICES).recommended
    assert rec.plan.overage == "unlimited"
    assert rec.overage_units == pytest.approx(4.0)


def test_throttle_budget_allows_cheaper_plans() -> None:
    demand = np.full(168, 1.0)
    demand[50] = 5.0
    strict = optimize(week(demand), PRICES).recommended
    relaxed = optimize(week(demand), PRICES, throttle_budget_units=4.0).recommended
    assert relaxed.total_cost < strict.total_cost
    assert relaxed.throttled_units <= 4.0


def test_e5_pool_covers_small_usage_for_free() -> None:
    series = HourlySeries(MONDAY, np.full(168, 0.5), month_basis="730h")  # 84 SCU in the month
    result = optimize(series, PRICES, e5_licences=1000)  # 400 SCU per month
    assert result.recommended.total_cost == 0
    assert result.recommended.plan.e5_licences == 1000
    assert result.recommended.plan.provisioned_scu == 0


def test_current_and_baseline_are_priced_by_the_bill() -> None:
    series = build_profile(EstimateInputs(), hours=24 * 28)
    current = CapacityPlan(provisioned_scu=5, overage="none")
    result = optimize(series, PRICES, current_plan=current)
    assert result.current is not None
    assert result.current.total_cost == bill(series, current, PRICES).totals.total_cost
    peak = int(np.ceil(series.units_scu.max()))
    assert result.baseline.plan.provisioned_scu == peak
    assert result.recommended.total_cost <= result.baseline.total_cost


def test_candidate_prices_equal_the_billing_engine() -> None:
    series = build_profile(EstimateInputs(timezone="Europe/Paris"), hours=24 * 60, month_basis="calendar")
    for candidate in optimize(series, PRICES).candidates:
        totals = bill(series, candidate.plan, PRICES).totals
        assert candidate.total_cost == pytest.approx(totals.total_cost, abs=1e-6)
        assert candidate.throttled_units == pytest.approx(totals.throttled_units, abs=1e-6)


def test_rejects_negative_budget() -> None:
    with pytest.raises(ValueError, match="budget"):
        optimize(week(np.ones(168)), PRICES, throttle_budget_units=-1)


# Property: nothing in the search space that fits the budget is cheaper than the recommendation.

plans_in_space = st.one_of(
    st.builds(
        lambda level, mode: CapacityPlan(provisioned_scu=level, overage=mode),
        st.integers(1, 100),
        st.sampled_from(["none", "unlimited"]),
    ),
    st.builds(
        lambda window, business, off, mode: CapacityPlan(
            provisioned_scu=0,
            schedule=Schedule(
                business_days=window[0],
                business_start_hour=window[1],
                business_end_hour=window[2],
                business_scu=business,
                off_hours_scu=off,
            ),
            overage=mode,
        ),
        st.sampled_from(STANDARD_WINDOWS),
        st.integers(1, 100),
        st.integers(0, 100),
        st.sampled_from(["none", "unlimited"]),
    ),
)


@settings(max_examples=60, deadline=None)
@given(
    demand=st.lists(st.floats(0, 12, allow_nan=False), min_size=168, max_size=168),
    plan=plans_in_space,
    budget=st.sampled_from([0.0, 3.0, 500.0]),
    allow_deletion=st.booleans(),
)
def test_recommendation_never_costs_more_than_any_plan_it_considered(
    demand: list[float], plan: CapacityPlan, budget: float, allow_deletion: bool
) -> None:
    series = week(np.array(demand))
    rec = optimize(
        series, PRICES, throttle_budget_units=budget, allow_off_hours_deletion=allow_deletion
    ).recommended
    assert rec.throttled_units <= budget + 1e-9
    assert allow_deletion or not rec.plan.deletes_capacity_off_hours
    totals = bill(series, plan, PRICES).totals
    in_space = allow_deletion or not plan.deletes_capacity_off_hours
    if in_space and totals.throttled_units <= budget:
        assert rec.total_cost <= totals.total_cost + 1e-6


def test_the_pool_alone_with_overage_needs_e5_pay_as_you_go_switched_on() -> None:
    # November 2026 (720 h) at 0.3 SCU an hour: 216 SCU against a pool of 0.4 x 400 = 160. The
    # pool serves hours 0..532 and 0.1 of hour 533; past it 0.2 + 186 x 0.3 = 56.0 SCU.
    series = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), np.full(720, 0.3))
    on = optimize(series, PRICES, e5_licences=400, e5_pay_as_you_go=True).recommended
    assert (on.plan.provisioned_scu, on.plan.schedule, on.plan.overage) == (0, None, "unlimited")
    assert on.plan.e5_pay_as_you_go is True
    assert on.total_cost == pytest.approx(56.0 * 6)  # $336 as pay-as-you-go
    assert on.total_cost == pytest.approx(bill(series, on.plan, PRICES).totals.total_cost)
    # Off (the price book's status: announced, not confirmed, so also the default), the pool alone
    # refuses those 56 SCU: the cheapest plan that refuses nothing is 1 SCU around the clock,
    # 720 h x $4 = $2,880, and no candidate is the pool alone with overage.
    for result in (optimize(series, PRICES, e5_licences=400, e5_pay_as_you_go=False),
                   optimize(series, PRICES, e5_licences=400)):  # fmt: skip
        off = result.recommended
        assert (off.plan.provisioned_scu, off.total_cost, off.throttled_units) == (1, 2880.0, 0.0)
        assert off.plan.e5_pay_as_you_go is False
        assert not any(c.plan.provisioned_scu == 0 and c.plan.schedule is None and c.plan.overage != "none"
                       for c in result.candidates)  # fmt: skip
        pool_alone = CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=400)
        assert bill(series, pool_alone, PRICES).totals.throttled_units == pytest.approx(56.0)
