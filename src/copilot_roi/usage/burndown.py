"""E5/E7 pool burn-down: how the month's included SCUs are used up, and the day they run out.

The pool (0.4 SCU per licence per month, capped) resets each calendar month; usage draws it down
day by day. The projection continues the average daily usage of the last ``rate_days`` observed
days to the month end.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices


@dataclass(frozen=True)
class BurnDown:
    month_label: str
    allowance_scu: float
    used_scu: float
    daily: pd.DataFrame  # day, used_scu, remaining_scu, projected_remaining_scu (NaN = observed)
    rate_scu_per_day: float
    last_observed_day: dt.date
    exhausted_on: dt.date | None  # the day the pool actually ran out, if it did
    runs_out_on: dt.date | None  # projected day at the current rate (None: lasts the month)


def pool_burn_down(series: HourlySeries, licences: int, prices: Prices, rate_days: int = 7) -> BurnDown:
    """Burn-down of the last calendar month in ``series`` for ``licences`` E5/E7 licences.

    >>> import numpy as np
    >>> from copilot_roi.pricebook import effective_prices, load_price_book
    >>> s = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), np.full(24 * 10, 0.5))
    >>> b = pool_burn_down(s, 400, effective_prices(load_price_book()))
    >>> b.allowance_scu, b.rate_scu_per_day, b.exhausted_on, b.runs_out_on
    (160.0, 12.0, None, datetime.date(2026, 11, 14))
    """
    if licences <= 0:
        raise ValueError("an E5/E7 pool needs at least one licence")
    allowance = e5_allowance_scu_per_month(
        licences, prices.e5_allowance_scu_per_licence_month, prices.e5_allowance_cap_scu_month
    )
    daily_all = series.to_series().groupby(series.index.date).sum()
    days = pd.Index(daily_all.index)
    last_day: dt.date = days[-1]
    month_start = last_day.replace(day=1)
    month = daily_all[[d >= month_start for d in days]]
    rate = float(daily_all.iloc[-rate_days:].mean())
    used = month.cumsum()
    remaining = (allowance - used).clip(lower=0.0)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    future = [month_start + dt.timedelta(days=i) for i in range((next_month - month_start).days)]
    future = [d for d in future if d > last_day]
    left = float(remaining.iloc[-1])
    projected = [max(left - rate * (i + 1), 0.0) for i in range(len(future))]
    daily = pd.DataFrame(
        {
            "day": list(month.index) + future,
            "used_scu": list(month.to_numpy()) + [float("nan")] * len(future),
            "remaining_scu": list(remaining.to_numpy()) + [float("nan")] * len(future),
            "projected_remaining_scu": [float("nan")] * (len(month) - 1) + [left] + projected,
        }
    )
    exhausted = [d for d, u in zip(month.index, used.to_numpy(), strict=True) if u >= allowance]
    runs_out: dt.date | None = None
    if exhausted:
        runs_out = exhausted[0]
    elif rate > 0:
        day = last_day + dt.timedelta(days=math.ceil(left / rate))
        runs_out = day if day < next_month else None
    return BurnDown(
        month_label=month_start.strftime("%B %Y"),
        allowance_scu=allowance,
        used_scu=float(used.iloc[-1]),
        daily=daily,
        rate_scu_per_day=rate,
        last_observed_day=last_day,
        exhausted_on=exhausted[0] if exhausted else None,
        runs_out_on=runs_out,
    )
