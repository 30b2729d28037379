"""Right-sizing on observed usage (with growth) and the E5/E7 pool burn-down."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from copilot_roi.billing import bill
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import effective_prices, load_price_book
from copilot_roi.usage.burndown import pool_burn_down
from copilot_roi.usage.rightsizing import grow, right_size

PRICES = effective_prices(load_price_book())


def office_hours(weeks: int = 4, level: float = 2.0) -> HourlySeries:
    index = pd.date_range("2026-11-02", periods=24 * 7 * weeks, freq="h", tz="UTC")
    units = np.where((index.day_of_week < 5) & (index.hour >= 9) & (index.hour < 17), level, 0.0)
    return HourlySeries(index[0], units)


def test_growth_scales_every_hour() -> None:
    series = office_hours()
    grown = grow(series, 50)
    assert np.allclose(grown.units_scu, series.units_scu * 1.5)
    assert grown.start == series.start
    with pytest.raises(ValueError, match="growth"):
        grow(series, 900)


def test_recommendation_beats_or_matches_the_current_plan_and_reports_throttling() -> None:
    series = office_hours(level=2.0)
    current = CapacityPlan(provisioned_scu=1, overage="none")
    sizing = right_size(series, PRICES, current, growth_pct=0)
    result = sizing.result
    assert result.current is not None
    assert result.recommended.throttled_units == 0
    assert result.current.throttled_units == pytest.approx(
        bill(series, current, PRICES).totals.throttled_units
    )
    assert sizing.current_throttled_hours == int((series.units_scu > 1).sum())
    assert sizing.recommended_throttled_hours == 0
    assert sizing.saving == pytest.approx(result.current.total_cost - result.recommended.total_cost)


def test_more_growth_never_costs_less() -> None:
    series = office_hours(level=1.5)
    costs = [
        right_size(series, PRICES, None, growth_pct=g).result.recommended.total_cost for g in (0, 50, 100)
    ]
    assert costs == sorted(costs)
    assert costs[0] < costs[-1]


def test_burn_down_projects_the_run_out_day() -> None:
    units = np.full(24 * 10, 0.5)  # 12 SCU a day, 1-10 Nov
    series = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), units)
    burn = pool_burn_down(series, 400, PRICES)  # 160 SCU a month
    assert burn.allowance_scu == 160.0
    assert burn.used_scu == 120.0
    assert burn.rate_scu_per_day == 12.0
    assert burn.exhausted_on is None
    assert burn.runs_out_on == dt.date(2026, 11, 14)  # 40 left at 12 a day: 4 more days
    assert len(burn.daily) == 30
    assert burn.daily["projected_remaining_scu"].iloc[-1] == 0.0


def test_burn_down_reports_when_the_pool_already_ran_out_and_when_it_lasts() -> None:
    busy = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), np.full(24 * 10, 1.0))
    burn = pool_burn_down(busy, 100, PRICES)  # 40 SCU a month, 24 a day
    assert burn.exhausted_on == dt.date(2026, 11, 2)
    assert burn.runs_out_on == dt.date(2026, 11, 2)
    quiet = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), np.full(24 * 10, 0.01))
    assert pool_burn_down(quiet, 1000, PRICES).runs_out_on is None
    with pytest.raises(ValueError, match="licence"):
        pool_burn_down(quiet, 0, PRICES)


def test_burn_down_uses_the_last_calendar_month_only() -> None:
    series = HourlySeries(pd.Timestamp("2026-10-20", tz="UTC"), np.full(24 * 20, 0.25))
    burn = pool_burn_down(series, 1000, PRICES)
    assert burn.month_label == "November 2026"
    assert burn.used_scu == pytest.approx(6.0 * 8)  # 1-8 Nov at 6 SCU a day
