"""Aggregates of a bill for the capacity page: the hour-of-week picture and monthly cost parts."""

from __future__ import annotations

import pandas as pd

from copilot_roi.billing import BillingResult

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
