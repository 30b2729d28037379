"""E5/E7 pool burn-down and forecast: how each month's included SCUs are used up, the day they
run out, and what the SCUs past the pool cost.

The pool (0.4 SCU per licence per month, capped) resets each calendar month, with no rollover;
usage draws it down in time order. The projection continues the average daily usage of the last
``rate_days`` observed days (the "current rate"): through the rest of the export's last month
when the export ends inside it (the ``projected_*`` figures of that month's row), then for the
whole next month. Past the pool, demand is throttled, or, when E5/E7 pay-as-you-go is switched
on (default: the price book's status for it), billed as overage: metered per clock hour to
0.1 SCU at the overage price, as the billing engine does. The pool alone is forecast: a
provisioned capacity next to it is not counted here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from copilot_roi.billing import meter_overage, pool_draw
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices, e5_pay_as_you_go_default


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
    allowance = pool_allowance(licences, prices)
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


MAX_GROWTH_PCT = 500.0
# Float sums of 0.1-unit rows miss an exact allowance by ~1e-12; a pool within this is used up.
_EXHAUSTED_TOLERANCE_SCU = 1e-9


def pool_allowance(licences: int, prices: Prices) -> float:
    """SCUs the pool holds each calendar month for ``licences`` E5/E7 licences."""
    if licences <= 0:
        raise ValueError("an E5/E7 pool needs at least one licence")
    return e5_allowance_scu_per_month(
        licences, prices.e5_allowance_scu_per_licence_month, prices.e5_allowance_cap_scu_month
    )


@dataclass(frozen=True)
class PoolMonth:
    """One calendar month of the pool: observed from the export, or forecast at the current rate.

    An observed month the export covers only in part (``complete`` False) shows the usage seen:
    a month cut at its start understates what the pool had already served. The export's last
    month, when seen from its first day but not to its end, is also projected to its end at the
    current rate (``projected_*``; None on every other row): the run-out day and the SCUs that
    fall past the pool if the rest of the month runs like the last days seen.
    """

    month: str  # "2026-11"
    kind: Literal["observed", "forecast"]
    days_in_month: int
    observed_days: int
    allowance_units: float
    used_units: float
    runs_out_on: dt.date | None
    units_past_pool: float
    throttled_units: float  # past the pool, refused (pay-as-you-go off)
    billed_units: float  # past the pool, billed (pay-as-you-go on; metered to 0.1 per hour)
    cost_past_pool: float  # display currency
    projected_used_units: float | None = None  # used + rate x days not yet seen
    projected_runs_out_on: dt.date | None = None  # observed run-out, else at the current rate
    projected_units_past_pool: float | None = None

    @property
    def complete(self) -> bool:
        return self.kind == "observed" and self.observed_days == self.days_in_month

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "kind": self.kind,
            "complete": self.complete,
            "days_in_month": self.days_in_month,
            "observed_days": self.observed_days,
            "allowance_units": self.allowance_units,
            "used_units": self.used_units,
            "runs_out_on": self.runs_out_on.isoformat() if self.runs_out_on else None,
            "units_past_pool": self.units_past_pool,
            "throttled_units": self.throttled_units,
            "billed_units": self.billed_units,
            "cost_past_pool": self.cost_past_pool,
            "projected_used_units": self.projected_used_units,
            "projected_runs_out_on": _iso(self.projected_runs_out_on),
            "projected_units_past_pool": self.projected_units_past_pool,
        }


@dataclass(frozen=True)
class PoolForecast:
    licences: int
    allowance_units: float
    e5_pay_as_you_go: bool
    price_per_unit: float  # the overage price, display currency
    currency: str
    rate_days: int
    rate_units_per_day: float  # the current rate, before growth
    growth_pct: float
    months: tuple[PoolMonth, ...]  # observed months in order, then the forecast month
    daily: pd.DataFrame  # day, month, used_units, remaining_units, kind (observed / forecast)

    def as_dict(self) -> dict[str, Any]:
        """The ``pool`` object of ``copilot-roi usage --json``."""
        return {
            "licences": self.licences,
            "allowance_units": self.allowance_units,
            "e5_pay_as_you_go": self.e5_pay_as_you_go,
            "price_per_unit": round(self.price_per_unit, 4),
            "currency": self.currency,
            "rate_days": self.rate_days,
            "rate_units_per_day": self.rate_units_per_day,
            "growth_pct": self.growth_pct,
            "months": [m.as_dict() for m in self.months],
        }


def pool_forecast(
    series: HourlySeries,
    licences: int,
    prices: Prices,
    growth_pct: float = 0.0,
    e5_pay_as_you_go: bool | None = None,
    rate_days: int = 7,
) -> PoolForecast:
    """Each calendar month of ``series`` against the pool, then the next month at the current rate.

    The next month uses ``rate x (1 + growth_pct / 100)`` SCUs a day; it runs out on the first
    day its cumulative use reaches the allowance (day ``ceil(allowance / daily)``). The rest of
    the export's last month, when it ends inside it, runs at ``rate`` (growth is next month's):
    ``projected_used_units = used + rate x days left``, out on the last day seen plus
    ``ceil((allowance - used) / rate)`` days. ``e5_pay_as_you_go`` None: the price book's status.

    >>> from copilot_roi.pricebook import list_prices
    >>> s = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), np.full(24 * 30, 0.5))
    >>> f = pool_forecast(s, 400, list_prices(), growth_pct=25, e5_pay_as_you_go=True)
    >>> [(m.month, m.used_units, str(m.runs_out_on), m.units_past_pool, m.cost_past_pool) for m in f.months]
    [('2026-11', 360.0, '2026-11-14', 200.0, 1200.0), ('2026-12', 465.0, '2026-12-11', 305.0, 1830.0)]
    """
    if not -100.0 <= growth_pct <= MAX_GROWTH_PCT:
        raise ValueError(f"growth must be between -100 % and {MAX_GROWTH_PCT:g} %")
    if rate_days < 1:
        raise ValueError("the current rate needs at least one day")
    if series.month_basis != "calendar":
        raise ValueError("the pool resets each calendar month: the usage needs calendar months")
    allowance = pool_allowance(licences, prices)
    pay_as_you_go = e5_pay_as_you_go_default() if e5_pay_as_you_go is None else e5_pay_as_you_go
    demand = series.units_scu
    month_ids, labels = series.month_ids()
    past = demand - pool_draw(demand, month_ids, allowance)
    billed = meter_overage(past, prices.overage_step_scu, prices.overage_rounding)
    local_days = pd.Index(series.index.date)
    frame = pd.DataFrame(
        {"day": local_days, "month": month_ids, "used": demand, "past": past, "billed": billed}
    )
    daily = frame.groupby("day", sort=True).agg(month=("month", "first"), used=("used", "sum"))
    months: list[PoolMonth] = []
    rows: list[pd.DataFrame] = []
    # Month ids run 0, 1, 2, ... in time order, so the n-th group is month n.
    for position, (month_id, per_month) in enumerate(frame.groupby("month", sort=True)):
        days = daily[daily["month"] == month_id]
        first_day: dt.date = days.index[0]
        cumulative = days["used"].cumsum()
        out = cumulative.index[cumulative.to_numpy() >= allowance - _EXHAUSTED_TOLERANCE_SCU]
        units_past = _tidy(per_month["past"].sum())
        billed_units = _tidy(per_month["billed"].sum()) if pay_as_you_go else 0.0
        months.append(
            PoolMonth(
                month=labels[position],
                kind="observed",
                days_in_month=_days_in_month(first_day),
                observed_days=len(days),
                allowance_units=allowance,
                used_units=_tidy(days["used"].sum()),
                runs_out_on=out[0] if len(out) else None,
                units_past_pool=units_past,
                throttled_units=0.0 if pay_as_you_go else units_past,
                billed_units=billed_units,
                cost_past_pool=_money(billed_units * prices.overage_per_scu),
            )
        )
        rows.append(_burn_rows(list(days.index), days["used"].to_numpy(), allowance, "observed"))
    rate = _tidy(daily["used"].iloc[-rate_days:].mean())
    per_day = rate * (1 + growth_pct / 100)
    last_day: dt.date = daily.index[-1]
    months[-1] = _projected(months[-1], last_day, rate)
    start = (last_day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    length = _days_in_month(start)
    used = _tidy(per_day * length)
    runs_out: dt.date | None = None
    if per_day > 0:
        day_number = math.ceil(allowance / per_day - _EXHAUSTED_TOLERANCE_SCU)
        runs_out = start + dt.timedelta(days=day_number - 1) if day_number <= length else None
    units_past = _tidy(max(used - allowance, 0.0))
    # A forecast has no hours to meter: past-pool SCUs are priced as they are.
    billed_units = units_past if pay_as_you_go else 0.0
    months.append(
        PoolMonth(
            month=f"{start:%Y-%m}",
            kind="forecast",
            days_in_month=length,
            observed_days=0,
            allowance_units=allowance,
            used_units=used,
            runs_out_on=runs_out,
            units_past_pool=units_past,
            throttled_units=0.0 if pay_as_you_go else units_past,
            billed_units=billed_units,
            cost_past_pool=_money(billed_units * prices.overage_per_scu),
        )
    )
    future = [start + dt.timedelta(days=i) for i in range(length)]
    rows.append(_burn_rows(future, np.full(length, per_day), allowance, "forecast"))
    return PoolForecast(
        licences=licences,
        allowance_units=allowance,
        e5_pay_as_you_go=pay_as_you_go,
        price_per_unit=prices.overage_per_scu,
        currency=prices.currency,
        rate_days=rate_days,
        rate_units_per_day=rate,
        growth_pct=growth_pct,
        months=tuple(months),
        daily=pd.concat(rows, ignore_index=True),
    )


def _projected(month: PoolMonth, last_day: dt.date, rate: float) -> PoolMonth:
    """``month`` (the export's last) projected to its end at ``rate`` SCUs a day, when the export
    saw it from its first day and stopped before its last; else ``month`` as it is."""
    days_left = month.days_in_month - last_day.day
    if days_left <= 0 or month.observed_days != last_day.day:
        return month  # complete, or cut at its start (what the pool served before is unknown)
    used = _tidy(month.used_units + rate * days_left)
    runs_out = month.runs_out_on
    if runs_out is None and rate > 0:
        day = last_day + dt.timedelta(days=math.ceil((month.allowance_units - month.used_units) / rate))
        runs_out = day if day.month == last_day.month else None
    return dataclasses.replace(
        month,
        projected_used_units=used,
        projected_runs_out_on=runs_out,
        projected_units_past_pool=_tidy(max(used - month.allowance_units, 0.0)),
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _burn_rows(
    days: list[dt.date], used: npt.NDArray[np.float64], allowance: float, kind: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": days,
            "month": [f"{d:%Y-%m}" for d in days],
            "day_of_month": [d.day for d in days],
            "used_units": used,
            "remaining_units": np.clip(allowance - np.cumsum(used), 0.0, None),
            "kind": kind,
        }
    )


def _days_in_month(day: dt.date) -> int:
    start = day.replace(day=1)
    return ((start + dt.timedelta(days=32)).replace(day=1) - start).days


def _tidy(value: float) -> float:
    # Sums of 0.1-unit rows carry float noise; six places is far below any billed unit.
    return float(round(float(value), 6))


def _money(value: float) -> float:
    return float(round(float(value), 2))
