"""The E5/E7 pool forecast: each month's run-out day, SCUs past the pool and their cost, next month."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from copilot_roi.hourly import HourlySeries
from copilot_roi.pricebook import PriceOverrides, effective_prices, list_prices, load_price_book
from copilot_roi.usage.burndown import pool_forecast

START = pd.Timestamp("2026-10-30 00:00", tz="UTC")  # Fri 30 Oct to Tue 3 Nov: 5 days


def usage(hours: dict[tuple[int, int], float], days: int = 5, start: pd.Timestamp = START) -> HourlySeries:
    """A series with ``{(day, hour): SCUs}`` and nothing else."""
    units = np.zeros(24 * days)
    for (day, hour), scu in hours.items():
        units[24 * day + hour] = scu
    return HourlySeries(start, units)


# Oct 30: 100; Oct 31: 5 at 09:00, 65.04 at 10:00, 0.04 at 11:00; Nov 1: 20, Nov 2: 30, Nov 3: 40.3.
SERIES = usage(
    {(0, 10): 100.0, (1, 9): 5.0, (1, 10): 65.04, (1, 11): 0.04, (2, 10): 20.0, (3, 10): 30.0, (4, 10): 40.3}
)


def test_observed_months_and_next_month_are_exact_by_hand() -> None:
    f = pool_forecast(SERIES, 400, list_prices(), e5_pay_as_you_go=True, rate_days=3)
    assert f.allowance_units == 160.0  # 0.4 x 400
    october, november, december = f.months
    # October: 100 + 70.08 = 170.08 used; the pool (160) is gone at 10:00 on the 31st, 10.04 past
    # it in that hour (metered 10.0) and 0.04 at 11:00 (metered 0.0): 10.0 x $6 = $60.
    assert (october.month, october.kind, october.complete) == ("2026-10", "observed", False)
    assert (october.observed_days, october.days_in_month) == (2, 31)
    assert october.used_units == pytest.approx(170.08)
    assert october.runs_out_on == dt.date(2026, 10, 31)
    assert october.units_past_pool == pytest.approx(10.08)
    assert (october.billed_units, october.cost_past_pool, october.throttled_units) == (10.0, 60.0, 0.0)
    # November (new pool): 90.3 used, lasts.
    assert november.used_units == pytest.approx(90.3)
    assert (november.runs_out_on, november.units_past_pool, november.cost_past_pool) == (None, 0.0, 0.0)
    # December at the last 3 days' rate, (20 + 30 + 40.3) / 3 = 30.1 a day: 31 x 30.1 = 933.1;
    # cumulative reaches 160 on day ceil(160 / 30.1) = 6; 773.1 past it, x $6 = $4,638.60.
    assert f.rate_units_per_day == pytest.approx(30.1)
    assert (december.month, december.kind, december.days_in_month) == ("2026-12", "forecast", 31)
    assert december.used_units == pytest.approx(933.1)
    assert december.runs_out_on == dt.date(2026, 12, 6)
    assert december.units_past_pool == pytest.approx(773.1)
    assert december.cost_past_pool == pytest.approx(4638.6)


def test_throttled_when_pay_as_you_go_is_off_and_growth_moves_the_next_month() -> None:
    f = pool_forecast(SERIES, 400, list_prices(), growth_pct=-50, rate_days=3)
    october, _, december = f.months
    assert october.throttled_units == pytest.approx(10.08)
    assert (october.billed_units, october.cost_past_pool) == (0.0, 0.0)
    # 15.05 a day: 466.55 in December, out on day ceil(160 / 15.05) = 11.
    assert december.used_units == pytest.approx(466.55)
    assert december.runs_out_on == dt.date(2026, 12, 11)
    assert december.throttled_units == pytest.approx(306.55)


def test_a_pool_used_exactly_runs_out_that_day_and_prices_follow_overrides() -> None:
    series = usage({(0, 10): 0.1 * 1600}, days=2, start=pd.Timestamp("2026-11-01", tz="UTC"))
    prices = effective_prices(load_price_book(), PriceOverrides(overage_price_per_scu_usd=5.0))
    f = pool_forecast(series, 400, prices, e5_pay_as_you_go=True)
    assert f.months[0].runs_out_on == dt.date(2026, 11, 1)
    assert f.months[0].units_past_pool == 0.0
    assert f.price_per_unit == 5.0
    # Rate over the 2 days: 80 a day; December runs out on day 2 and 31 x 80 - 160 are billed.
    assert f.months[1].runs_out_on == dt.date(2026, 12, 2)
    assert f.months[1].cost_past_pool == pytest.approx((31 * 80 - 160) * 5.0)


def test_the_pool_is_capped_and_december_rolls_into_january() -> None:
    series = usage({(0, 1): 1.0}, days=1, start=pd.Timestamp("2026-12-31", tz="UTC"))
    f = pool_forecast(series, 30_000, list_prices())
    assert f.allowance_units == 10_000.0
    assert f.months[-1].month == "2027-01"
    assert f.months[-1].runs_out_on is None  # 31 SCUs in January against 10,000


def test_no_usage_never_runs_out() -> None:
    f = pool_forecast(usage({}, days=3), 1000, list_prices())
    assert all(m.runs_out_on is None and m.units_past_pool == 0 for m in f.months)


@pytest.mark.parametrize(
    ("licences", "growth", "message"),
    [(0, 0.0, "at least one licence"), (400, -150.0, "growth must be"), (400, 900.0, "growth must be")],
)
def test_bad_inputs_are_refused(licences: int, growth: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pool_forecast(SERIES, licences, list_prices(), growth_pct=growth)


def test_json_shape() -> None:
    payload = pool_forecast(SERIES, 400, list_prices(), rate_days=3).as_dict()
    assert payload["allowance_units"] == 160.0 and payload["currency"] == "USD"
    first = payload["months"][0]
    assert first["runs_out_on"] == "2026-10-31"
    assert set(first) >= {"allowance_units", "used_units", "runs_out_on", "units_past_pool", "cost_past_pool"}
    assert payload["months"][1]["runs_out_on"] is None


def test_the_current_partial_month_is_projected_to_its_end() -> None:
    # Issue 19's February: 10 of 28 days seen, 1,159.61 SCU used, the last 7 days at 122.5 a day.
    # 4,000 licences: a pool of 0.4 x 4,000 = 1,600 SCU. Days 1-3 use 100.11 + 100 + 102 = 302.11,
    # days 4-10 use 7 x 122.5 = 857.5: 1,159.61 in all, each day's SCUs in its 10:00 hour.
    per_day = [100.11, 100.0, 102.0] + [122.5] * 7
    series = usage(
        {(day, 10): scu for day, scu in enumerate(per_day)}, 10, pd.Timestamp("2026-02-01", tz="UTC")
    )
    february, march = pool_forecast(series, 4000, list_prices()).months
    assert (february.observed_days, february.days_in_month) == (10, 28)
    assert february.used_units == pytest.approx(1159.61)
    assert february.runs_out_on is None and february.units_past_pool == 0.0  # as observed
    # The rest of February at 122.5 a day: 18 days x 122.5 = 2,205 more, 3,364.61 by the 28th.
    assert february.projected_used_units == pytest.approx(1159.61 + 18 * 122.5)
    # 1,600 - 1,159.61 = 440.39 left: 440.39 / 122.5 = 3.6, so the 4th day after the 10th
    # (13th: 1,527.11 used; 14th: 1,649.61).
    assert february.projected_runs_out_on == dt.date(2026, 2, 14)
    assert february.projected_units_past_pool == pytest.approx(3364.61 - 1600)  # about 1,765
    row = february.as_dict()
    assert row["projected_runs_out_on"] == "2026-02-14"
    assert row["projected_units_past_pool"] == pytest.approx(1764.61)
    # Next month keeps its own forecast; it has nothing to project.
    assert (march.kind, march.projected_used_units, march.projected_runs_out_on) == ("forecast", None, None)


def test_only_a_month_seen_from_its_first_day_and_cut_before_its_last_is_projected() -> None:
    # SERIES: 30-31 Oct (cut at its start) and 1-3 Nov (seen from the 1st, cut on the 3rd).
    october, november, _ = pool_forecast(SERIES, 400, list_prices(), rate_days=3).months
    assert october.projected_used_units is None  # not the last month
    # November: 90.3 used, then 27 days at 30.1: 903.0; 160 - 90.3 = 69.7 left, ceil(69.7 / 30.1)
    # = 3 days after the 3rd.
    assert november.projected_used_units == pytest.approx(90.3 + 27 * 30.1)
    assert november.projected_runs_out_on == dt.date(2026, 11, 6)
    assert november.projected_units_past_pool == pytest.approx(90.3 + 27 * 30.1 - 160)
    # An export that starts mid-month: what the pool served before it is unknown, so no projection.
    cut = usage({(0, 10): 5.0}, days=3, start=pd.Timestamp("2026-11-10", tz="UTC"))
    assert pool_forecast(cut, 400, list_prices()).months[0].projected_used_units is None
