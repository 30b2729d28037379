"""The billing engine: documented worked examples as fixed cases, properties for the rest."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from copilot_roi.billing import bill, meter_overage, pool_draw
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan, Schedule, billed_units_per_hour, e5_allowance_scu_per_month
from copilot_roi.pricebook import PriceOverrides, effective_prices, list_prices, load_price_book

PRICES = list_prices()


def hours(values: list[float], start: str = "2026-03-02 09:00", tz: str = "UTC") -> HourlySeries:
    return HourlySeries(pd.Timestamp(start, tz=tz), np.array(values, dtype=float))


# Documented cases (shared/reference/pricing.md)


def test_one_scu_for_twelve_months_costs_35040() -> None:
    totals = bill(HourlySeries.zeros(12 * 730), CapacityPlan(provisioned_scu=1), PRICES).totals
    assert totals.total_cost == 35_040.0
    assert totals.months == 12


def test_one_scu_for_a_month_costs_2920() -> None:
    result = bill(HourlySeries.zeros(730), CapacityPlan(provisioned_scu=1), PRICES)
    assert result.totals.total_cost == 2_920.0
    assert result.monthly["total_cost"].tolist() == [2_920.0]


def test_four_provisioned_and_7_2_used_bills_3_2_overage() -> None:
    plan = CapacityPlan(provisioned_scu=4, overage="capped", overage_cap_scu_per_hour=6)
    totals = bill(hours([7.2]), plan, PRICES).totals
    assert totals.provisioned_scu_hours == 4
    assert totals.overage_units == pytest.approx(3.2)
    assert totals.overage_cost == pytest.approx(3.2 * 6)
    assert totals.throttled_units == 0


def test_e5_allowances() -> None:
    assert e5_allowance_scu_per_month(400) == 160
    assert e5_allowance_scu_per_month(4_000) == 1_600
    assert e5_allowance_scu_per_month(25_000) == 10_000
    assert e5_allowance_scu_per_month(30_000) == 10_000


def test_hour_block_rule_learn_example_bills_two_units() -> None:
    nine = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    events = [
        (nine + pd.Timedelta(minutes=5), 1),
        (nine + pd.Timedelta(minutes=35), 0),
        (nine + pd.Timedelta(minutes=45), 1),
    ]
    assert billed_units_per_hour(events, nine, 1).tolist() == [2.0]


def test_hour_block_rule_carries_level_and_bills_re_provisioned_units_again() -> None:
    eight = pd.Timestamp("2026-01-05 08:00", tz="UTC")
    events = [
        (eight - pd.Timedelta(hours=1), 3),  # before the window: carried in
        (eight + pd.Timedelta(minutes=70), 1),  # 09:10 down to 1
        (eight + pd.Timedelta(minutes=100), 3),  # 09:40 back to 3: 2 more units
        (eight + pd.Timedelta(minutes=180), 0),  # 11:00 off
    ]
    assert billed_units_per_hour(events, eight, 4).tolist() == [3.0, 5.0, 3.0, 0.0]


# Overage, throttling, pool


def test_overage_off_throttles_above_provisioned() -> None:
    totals = bill(hours([5.0, 1.0]), CapacityPlan(provisioned_scu=2), PRICES).totals
    assert totals.overage_units == 0
    assert totals.throttled_units == pytest.approx(3.0)
    assert totals.total_cost == 2 * 2 * 4


def test_capped_overage_throttles_beyond_the_cap() -> None:
    plan = CapacityPlan(provisioned_scu=1, overage="capped", overage_cap_scu_per_hour=2)
    totals = bill(hours([4.5]), plan, PRICES).totals
    assert totals.overage_units == pytest.approx(2.0)
    assert totals.throttled_units == pytest.approx(1.5)


def test_overage_is_metered_per_hour_to_a_tenth() -> None:
    plan = CapacityPlan(provisioned_scu=1, overage="unlimited")
    totals = bill(hours([1.04, 1.05, 1.16]), plan, PRICES).totals
    # 0.04 -> 0.0, 0.05 -> 0.1 (half up), 0.16 -> 0.2
    assert totals.overage_units == pytest.approx(0.3)


def test_rounding_mode_is_a_setting() -> None:
    raw = np.array([0.15, 0.19, 0.11])
    assert meter_overage(raw).tolist() == [0.2, 0.2, 0.1]
    assert meter_overage(raw, rounding="truncate").tolist() == [0.1, 0.1, 0.1]
    assert meter_overage(raw, rounding="ceiling").tolist() == [0.2, 0.2, 0.2]
    truncating = effective_prices(load_price_book(), PriceOverrides(overage_rounding="truncate"))
    plan = CapacityPlan(provisioned_scu=1, overage="unlimited")
    assert bill(hours([1.19]), plan, truncating).totals.overage_units == pytest.approx(0.1)


def test_e5_pool_is_consumed_first_each_month_then_overage() -> None:
    # 400 licences = 160 SCU per calendar month; 100 SCU used on the last day of Jan and 100 on Feb 1.
    series = hours([100.0] + [0.0] * 23 + [100.0], start="2026-01-31 00:00")
    plan = CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=400, e5_pay_as_you_go=True)
    result = bill(series, plan, PRICES)
    assert result.monthly["month_label"].tolist() == ["2026-01", "2026-02"]
    assert result.monthly["pool_used_scu"].tolist() == [100.0, 100.0]
    assert result.totals.overage_units == 0
    # A third 100 in February exhausts the pool: 40 overage.
    series = hours([100.0] + [0.0] * 23 + [100.0, 100.0], start="2026-01-31 00:00")
    totals = bill(series, plan, PRICES).totals
    assert totals.overage_units == pytest.approx(40.0)
    assert totals.overage_cost == pytest.approx(240.0)
    # E5/E7 pay-as-you-go off (the price book's status, so the default): the 40 are throttled.
    off = bill(series, plan.model_copy(update={"e5_pay_as_you_go": False}), PRICES).totals
    assert (off.overage_units, off.throttled_units) == (0.0, pytest.approx(40.0))
    assert CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=400).e5_pay_as_you_go is False


def test_e5_pool_without_overage_throttles_once_exhausted() -> None:
    plan = CapacityPlan(provisioned_scu=0, overage="none", e5_licences=10)  # 4 SCU per month
    totals = bill(hours([3.0, 3.0]), plan, PRICES).totals
    assert totals.pool_units_used == 4.0
    assert totals.throttled_units == pytest.approx(2.0)
    assert totals.total_cost == 0


def test_pool_draw_resets_each_month() -> None:
    drawn = pool_draw(np.array([2.0, 2.0, 2.0, 2.0]), np.array([0, 0, 1, 1]), 3.0)
    assert drawn.tolist() == [2.0, 1.0, 2.0, 1.0]


# Schedules


def test_schedule_bills_business_and_off_hours_levels_in_its_time_zone() -> None:
    schedule = Schedule(timezone="Europe/Paris", business_scu=3, off_hours_scu=1)
    # Monday 2026-03-02 00:00 Paris = Sunday 23:00 UTC; one week.
    series = HourlySeries(pd.Timestamp("2026-03-02 00:00", tz="Europe/Paris"), np.zeros(168))
    totals = bill(series, CapacityPlan(schedule=schedule), PRICES).totals
    business_hours = 5 * 10
    assert totals.provisioned_scu_hours == business_hours * 3 + (168 - business_hours) * 1


def test_holidays_are_off_hours_all_day() -> None:
    monday = pd.Timestamp("2026-03-02", tz="UTC")
    schedule = Schedule(business_scu=2, off_hours_scu=0, holidays=(monday.date(),))
    series = HourlySeries(monday, np.zeros(168))
    totals = bill(series, CapacityPlan(schedule=schedule), PRICES).totals
    assert totals.provisioned_scu_hours == 4 * 10 * 2


def test_a_plan_without_capacity_or_e5_licences_is_refused() -> None:
    for overage in ("none", "unlimited"):
        with pytest.raises(ValueError, match="needs Microsoft 365 E5/E7 licences"):
            CapacityPlan(provisioned_scu=0, overage=overage)


def test_deleted_capacity_serves_nothing_off_hours_and_bills_no_overage() -> None:
    # 3 SCU Mon-Fri 08-18 UTC, deleted off-hours, unlimited overage; 1 SCU demanded every hour.
    monday = pd.Timestamp("2026-03-02", tz="UTC")
    schedule = Schedule(business_scu=3, off_hours_scu=0)
    plan = CapacityPlan(schedule=schedule, overage="unlimited")
    totals = bill(HourlySeries(monday, np.full(168, 1.0)), plan, PRICES).totals
    assert totals.provisioned_cost == 50 * 3 * 4  # 50 business hours of 3 SCU at $4
    assert totals.overage_units == 0
    assert totals.throttled_units == pytest.approx(168 - 50)  # every off-hour refused
    assert "capacity deleted off-hours" in plan.describe()


def test_e5_default_capacity_serves_off_hours_after_a_deletion() -> None:
    # 100 licences = 40 SCU a month, consumed first in time order: hours 0..39 of the week.
    # Off-hours among them: Mon 00-07 (8), Mon 18-23 (6), Tue 00-07 (8) = 22; the other
    # 118 - 22 = 96 off-hours are served on the E5/E7 default capacity as pay-as-you-go overage.
    monday = pd.Timestamp("2026-03-02", tz="UTC")
    series = HourlySeries(monday, np.full(168, 1.0), month_basis="730h")
    plan = CapacityPlan(
        schedule=Schedule(business_scu=3, off_hours_scu=0),
        overage="unlimited",
        e5_licences=100,
        e5_pay_as_you_go=True,
    )
    totals = bill(series, plan, PRICES).totals
    assert totals.pool_units_used == 40
    assert totals.overage_units == pytest.approx(96)
    assert totals.overage_cost == pytest.approx(96 * 6)
    assert totals.throttled_units == 0
    # Pay-as-you-go off: the 96 off-hours past the pool have no capacity to run overage on.
    off = bill(series, plan.model_copy(update={"e5_pay_as_you_go": False}), PRICES).totals
    assert (off.overage_units, off.throttled_units) == (0.0, pytest.approx(96))


def test_daylight_saving_day_has_23_billed_hours() -> None:
    # Europe/Paris springs forward on 2026-03-29: that local day has 23 clock hours.
    series = HourlySeries(pd.Timestamp("2026-03-29 00:00", tz="Europe/Paris"), np.zeros(23))
    assert series.index[-1].strftime("%d %H:%M") == "29 23:00"
    totals = bill(series, CapacityPlan(provisioned_scu=1), PRICES).totals
    assert totals.provisioned_cost == 23 * 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"business_start_hour": 18, "business_end_hour": 8},
        {"business_days": (7,)},
        {"timezone": "Mars/Olympus"},
        {"business_scu": 0},
        {"business_scu": 101},
    ],
)
def test_bad_schedules_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Schedule.model_validate(kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"provisioned_scu": 101},
        {"provisioned_scu": -1},
        {"overage": "capped", "overage_cap_scu_per_hour": 0},
        {"overage": "sometimes"},
        {"e5_licences": -5},
        {"extra": True},
    ],
)
def test_bad_plans_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CapacityPlan.model_validate(kwargs)


def test_series_rejects_bad_usage() -> None:
    with pytest.raises(ValueError, match="time zone"):
        HourlySeries(pd.Timestamp("2026-01-01"), np.zeros(3))
    with pytest.raises(ValueError, match="clock hour"):
        HourlySeries(pd.Timestamp("2026-01-01 10:30", tz="UTC"), np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        HourlySeries(pd.Timestamp("2026-01-01", tz="UTC"), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="finite"):
        HourlySeries(pd.Timestamp("2026-01-01", tz="UTC"), np.array([-1.0]))


# Properties

usage_values = st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), min_size=1, max_size=200)


@settings(max_examples=60, deadline=None)
@given(usage=usage_values, level=st.integers(1, 99), mode=st.sampled_from(["none", "unlimited", "capped"]))
def test_more_provisioned_scus_never_cost_less_provisioned_money(
    usage: list[float], level: int, mode: str
) -> None:
    series = hours(usage)
    low = CapacityPlan(provisioned_scu=level, overage=mode, overage_cap_scu_per_hour=2.5)
    high = low.model_copy(update={"provisioned_scu": level + 1})
    a, b = bill(series, low, PRICES).totals, bill(series, high, PRICES).totals
    assert b.provisioned_cost >= a.provisioned_cost
    assert b.throttled_units <= a.throttled_units + 1e-9
    assert b.overage_units <= a.overage_units + 1e-9


@settings(max_examples=80, deadline=None)
@given(
    usage=usage_values,
    level=st.integers(0, 100),
    off_hours=st.none() | st.integers(0, 100),
    cap=st.floats(0.1, 20),
    licences=st.integers(0, 5000),
)
def test_demand_is_conserved(
    usage: list[float], level: int, off_hours: int | None, cap: float, licences: int
) -> None:
    """Every SCU demanded is served by the pool, provisioned capacity, overage, or throttled.

    Overage runs only where a capacity exists: a provisioned hour, or the E5/E7 default capacity.
    """
    assume(level >= 1 or licences > 0 or off_hours is not None)
    schedule = None if off_hours is None else Schedule(business_scu=max(level, 1), off_hours_scu=off_hours)
    plan = CapacityPlan(
        provisioned_scu=level,
        schedule=schedule,
        overage="capped",
        overage_cap_scu_per_hour=cap,
        e5_licences=licences,
    )
    h = bill(hours(usage), plan, PRICES).hourly
    served_by_provisioned = np.minimum(h["demand_scu"] - h["pool_scu"], h["provisioned_scu"])
    raw_overage = h["demand_scu"] - h["pool_scu"] - served_by_provisioned - h["throttled_scu"]
    assert (raw_overage >= -1e-9).all()
    assert (raw_overage <= cap + 1e-9).all()
    if licences == 0:
        assert (raw_overage[h["provisioned_scu"] == 0] <= 1e-9).all()
    # Metering moves each hour's overage by at most half a step.
    assert np.abs(h["overage_scu"] - raw_overage).max() <= 0.05 + 1e-9


@settings(max_examples=40, deadline=None)
@given(usage=usage_values)
def test_unlimited_overage_never_throttles_and_costs_match_parts(usage: list[float]) -> None:
    totals = bill(hours(usage), CapacityPlan(provisioned_scu=1, overage="unlimited"), PRICES).totals
    assert totals.throttled_units == 0
    assert totals.total_cost == pytest.approx(totals.provisioned_cost + totals.overage_cost)
    assert totals.overage_cost == pytest.approx(totals.overage_units * 6)
