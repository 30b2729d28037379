"""The billing engine: what an hourly usage series costs under a plan, hour by hour and month by month.

Conventions (from ``shared/reference/pricing.md``):

* Provisioned SCUs bill in whole clock-hour blocks whether used or not.
* Within each billing month the E5/E7 pool is consumed first, then provisioned capacity, then
  overage (metered per clock hour to 0.1 SCU), up to the overage cap; the rest is throttled.
* Overage runs only in an hour that has a capacity (>= 1 SCU) or on the E5/E7 default capacity
  (``CapacityPlan.overage_caps``): an hour whose capacity a schedule deleted serves only from the
  pool, and the rest of its demand is throttled.
* Money is in the display currency of ``prices``; units are SCUs.

>>> from copilot_roi.pricebook import list_prices
>>> year = HourlySeries.zeros(8760)
>>> bill(year, CapacityPlan(provisioned_scu=1), list_prices()).totals.total_cost
35040.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray, HourlySeries, IntArray
from copilot_roi.plans import CapacityPlan, e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices, Rounding


def meter_overage(raw_scu: FloatArray, step_scu: float = 0.1, rounding: Rounding = "half_up") -> FloatArray:
    """Overage SCUs as billed: each hour's consumption metered to ``step_scu``.

    >>> meter_overage(np.array([3.2000000000000002, 0.15, 0.04]))
    array([3.2, 0.2, 0. ])
    >>> meter_overage(np.array([0.19]), rounding="truncate")
    array([0.1])
    """
    # Rounding to 9 places first absorbs float noise such as 7.2 - 4 = 3.2000000000000002.
    steps = np.round(np.asarray(raw_scu, dtype=np.float64) / step_scu, 9)
    if rounding == "half_up":
        whole = np.floor(steps + 0.5)
    elif rounding == "truncate":
        whole = np.floor(steps)
    else:
        whole = np.ceil(steps)
    return np.round(whole * step_scu, 10)


def month_start_positions(month_ids: IntArray) -> IntArray:
    """Index of the first hour of each billing month (``month_ids`` ascending from 0)."""
    if len(month_ids) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(([0], np.flatnonzero(np.diff(month_ids)) + 1)).astype(np.int64)


def pool_draw(demand_scu: FloatArray, month_ids: IntArray, allowance_scu: float) -> FloatArray:
    """SCUs taken from a monthly pool in each hour, the pool serving demand first, in time order.

    >>> pool_draw(np.array([3.0, 3.0, 3.0, 1.0]), np.array([0, 0, 0, 1]), 5.0)
    array([3., 2., 0., 1.])
    """
    if allowance_scu <= 0 or len(demand_scu) == 0:
        return np.zeros_like(demand_scu)
    cumulative = np.cumsum(demand_scu)
    before = cumulative - demand_scu
    starts = month_start_positions(month_ids)
    used_before_in_month = before - before[starts][month_ids]
    return np.clip(allowance_scu - used_before_in_month, 0.0, demand_scu)


def checked_pool(pool_scu: FloatArray, demand_scu: FloatArray) -> FloatArray:
    """A pool draw drawn elsewhere: one value per hour, none above that hour's demand."""
    pool = np.asarray(pool_scu, dtype=np.float64)
    if pool.shape != demand_scu.shape:
        raise ValueError(f"the pool draw has {pool.size} hours, the usage {demand_scu.size}")
    if not np.isfinite(pool).all() or (pool < 0).any() or (pool > demand_scu + 1e-9).any():
        raise ValueError("the pool cannot serve less than nothing or more than an hour's demand")
    return np.minimum(pool, demand_scu)


class BillingTotals(BaseModel):
    """Totals over the billed period."""

    model_config = ConfigDict(frozen=True)

    hours: int
    months: int
    currency: str
    consumed_units: float
    pool_allowance_units: float
    pool_units_used: float
    provisioned_scu_hours: float
    provisioned_cost: float
    overage_units: float
    overage_cost: float
    throttled_units: float
    total_cost: float
    peak_hour_units: float
    hours_over_warning: int

    @property
    def cost_per_billing_month(self) -> float:
        """Total cost per 730-hour month (the price book's month), not per calendar month touched:
        a 90-day export touches four calendar months but covers about three of these.

        >>> t = BillingTotals.model_construct(hours=2160, total_cost=63_987.0)
        >>> round(t.cost_per_billing_month, 2), round(t.cost_per_year, 2)
        (21625.24, 259502.83)
        """
        return self.total_cost / self.hours * HOURS_PER_BILLING_MONTH if self.hours else 0.0

    @property
    def cost_per_year(self) -> float:
        """Total cost at this run rate over a 8,760-hour year (twelve 730-hour months)."""
        return self.cost_per_billing_month * 12


@dataclass(frozen=True)
class BillingResult:
    plan: CapacityPlan
    prices: Prices
    hourly: pd.DataFrame
    monthly: pd.DataFrame
    totals: BillingTotals


def bill(
    series: HourlySeries, plan: CapacityPlan, prices: Prices, pool_scu: FloatArray | None = None
) -> BillingResult:
    """Price ``series`` under ``plan`` (see the module docstring for the conventions).

    ``pool_scu``: the SCUs the E5/E7 pool serves in each hour of ``series`` when the tenant's one
    pool is shared by several workspaces (``copilot_roi.usage.workspaces`` draws it); by default
    ``series`` draws the plan's pool alone.
    """
    demand = series.units_scu
    month_ids, month_labels = series.month_ids()
    allowance = e5_allowance_scu_per_month(
        plan.e5_licences,
        prices.e5_allowance_scu_per_licence_month,
        prices.e5_allowance_cap_scu_month,
    )
    from_pool = (
        pool_draw(demand, month_ids, allowance) if pool_scu is None else checked_pool(pool_scu, demand)
    )
    rest = demand - from_pool

    provisioned = plan.provisioned_levels(series)
    excess = np.maximum(rest - provisioned, 0.0)
    overage_served = np.minimum(excess, plan.overage_caps(provisioned))
    overage_units = meter_overage(overage_served, prices.overage_step_scu, prices.overage_rounding)
    throttled = np.round(excess - overage_served, 10)

    provisioned_cost = provisioned * prices.provisioned_per_scu_hour
    overage_cost = overage_units * prices.overage_per_scu
    warning = (provisioned > 0) & (rest > prices.capacity_warning_share * provisioned)

    hourly = pd.DataFrame(
        {
            "demand_scu": demand,
            "pool_scu": from_pool,
            "provisioned_scu": provisioned,
            "overage_scu": overage_units,
            "throttled_scu": throttled,
            "provisioned_cost": provisioned_cost,
            "overage_cost": overage_cost,
            "total_cost": provisioned_cost + overage_cost,
            "over_warning": warning,
            "month": month_ids,
        },
        index=series.index,
    )
    # Months are contiguous runs of hours: sums over each run, without a pandas groupby (a
    # workshop slider bills a plan on every move).
    starts = month_start_positions(month_ids)

    def per_month(values: FloatArray) -> FloatArray:
        return np.add.reduceat(values, starts) if len(starts) else np.zeros(0)

    monthly = pd.DataFrame(
        {
            "month_label": month_labels,
            "hours": np.diff(np.append(starts, len(month_ids))).astype(np.int64),
            "consumed_scu": per_month(demand),
            "pool_allowance_scu": np.full(len(starts), float(allowance)),
            "pool_used_scu": per_month(from_pool),
            "provisioned_scu_hours": per_month(provisioned),
            "overage_scu": per_month(overage_units),
            "throttled_scu": per_month(throttled),
            "provisioned_cost": per_month(provisioned_cost),
            "overage_cost": per_month(overage_cost),
            "total_cost": per_month(provisioned_cost + overage_cost),
        }
    )

    months = len(month_labels)
    totals = BillingTotals(
        hours=series.hours,
        months=months,
        currency=prices.currency,
        consumed_units=_tidy(demand.sum()),
        pool_allowance_units=_tidy(allowance * months),
        pool_units_used=_tidy(from_pool.sum()),
        provisioned_scu_hours=_tidy(provisioned.sum()),
        provisioned_cost=_money(provisioned_cost.sum()),
        overage_units=_tidy(overage_units.sum()),
        overage_cost=_money(overage_cost.sum()),
        throttled_units=_tidy(throttled.sum()),
        total_cost=_money(provisioned_cost.sum() + overage_cost.sum()),
        peak_hour_units=_tidy(demand.max() if series.hours else 0.0),
        hours_over_warning=int(warning.sum()),
    )
    return BillingResult(plan=plan, prices=prices, hourly=hourly, monthly=monthly, totals=totals)


def _tidy(value: float) -> float:
    # Sums of 0.1-metered values carry float noise; six places is far below any billed unit.
    return float(round(float(value), 6))


def _money(value: float) -> float:
    return float(round(float(value), 4))
