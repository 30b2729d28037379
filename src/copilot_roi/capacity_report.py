"""The Capacity page's numbers: the bill of a plan, its right-sizing, and the aggregates it charts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from copilot_roi.billing import BillingResult, bill
from copilot_roi.charts.capacity_charts import hour_of_week_figure, level_curve_figure, monthly_cost_figure
from copilot_roi.charts.style import VegaLiteSpec
from copilot_roi.hourly import HourlySeries
from copilot_roi.optimizer import OptimizationResult, optimize
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices

HOURS_PER_WEEK = 168
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hour_of_week(result: BillingResult, timezone: str) -> pd.DataFrame:
    """One row per hour of the week (Monday 00:00 = 0) in ``timezone``.

    Columns: mean and peak demand, mean provisioned SCUs, the 90 % warning level, and how many
    weeks saw overage or throttling in that hour. 168 rows, whatever the length of the series.
    """
    hourly = result.hourly
    local = pd.DatetimeIndex(hourly.index).tz_convert(timezone)
    how = local.day_of_week.to_numpy() * 24 + local.hour.to_numpy()
    frame = pd.DataFrame(
        {
            "how": how,
            "demand_scu": hourly["demand_scu"].to_numpy(),
            "provisioned_scu": hourly["provisioned_scu"].to_numpy(),
            "overage": (hourly["overage_scu"] > 0).to_numpy(),
            "throttled": (hourly["throttled_scu"] > 0).to_numpy(),
            "over_warning": hourly["over_warning"].to_numpy(),
        }
    )
    grouped = frame.groupby("how").agg(
        mean_demand_scu=("demand_scu", "mean"),
        peak_demand_scu=("demand_scu", "max"),
        mean_provisioned_scu=("provisioned_scu", "mean"),
        overage_hours=("overage", "sum"),
        throttled_hours=("throttled", "sum"),
        warning_hours=("over_warning", "sum"),
    )
    grouped = grouped.reindex(range(HOURS_PER_WEEK), fill_value=0.0)
    grouped["warning_level_scu"] = grouped["mean_provisioned_scu"] * result.prices.capacity_warning_share
    grouped["label"] = [f"{DAY_LABELS[h // 24]} {h % 24:02d}:00" for h in grouped.index]
    return grouped.reset_index()


def monthly_components(result: BillingResult) -> pd.DataFrame:
    """Monthly cost split into provisioned and overage, with throttled SCUs alongside."""
    return result.monthly[
        ["month_label", "provisioned_cost", "overage_cost", "total_cost", "throttled_scu", "pool_used_scu"]
    ].copy()


@dataclass(frozen=True)
class CapacityView:
    """Everything the Capacity page shows for one usage series and plan: bill, right-sizing, charts."""

    bill: BillingResult
    optimization: OptimizationResult
    monthly_chart: VegaLiteSpec
    level_chart: VegaLiteSpec
    hour_of_week_chart: VegaLiteSpec


def capacity_view(
    series: HourlySeries,
    plan: CapacityPlan,
    prices: Prices,
    timezone: str,
    throttle_budget_units: float = 0.0,
    allow_off_hours_deletion: bool = False,
) -> CapacityView:
    """Bill ``plan`` on ``series``, right-size it, and build the page's three charts.

    ``timezone`` is the one the hour-of-week chart reads the clock in. The level chart spans
    at least 12 SCUs and up to twice the peak hour (at most 100), so the knee of the curve shows.
    """
    result = bill(series, plan, prices)
    totals = result.totals
    optimization = optimize(
        series,
        prices,
        current_plan=plan,
        throttle_budget_units=throttle_budget_units,
        e5_licences=plan.e5_licences,
        allow_off_hours_deletion=allow_off_hours_deletion,
        e5_pay_as_you_go=plan.e5_pay_as_you_go,
    )
    best_flat = next((c.plan.provisioned_scu for c in optimization.candidates if c.family == "24x7"), None)
    return CapacityView(
        bill=result,
        optimization=optimization,
        monthly_chart=monthly_cost_figure(monthly_components(result), prices.currency),
        level_chart=level_curve_figure(
            optimization.level_curve,
            prices.currency,
            best_flat,
            plan.provisioned_scu if plan.schedule is None else None,
            max_level=int(min(100, max(12, 2 * totals.peak_hour_units))),
        ),
        hour_of_week_chart=hour_of_week_figure(hour_of_week(result, timezone)),
    )
