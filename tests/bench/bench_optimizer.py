"""Optimizer speed: one year of hourly usage against every candidate plan (target well under 50 ms)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from benchkit import BenchRow, median_ms

from copilot_roi.billing import bill
from copilot_roi.hourly import HourlySeries
from copilot_roi.optimizer import optimize
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import list_prices


def year_of_usage() -> HourlySeries:
    rng = np.random.default_rng(7)
    index = pd.date_range("2026-01-01", periods=8760, freq="h", tz="Europe/Paris")
    busy = (index.hour >= 8) & (index.hour < 18) & (index.day_of_week < 5)
    return HourlySeries(index[0], rng.gamma(2.0, np.where(busy, 1.6, 0.15)))


def benchmarks() -> list[BenchRow]:
    series = year_of_usage()
    prices = list_prices()
    one_bill = median_ms(lambda: bill(series, CapacityPlan(provisioned_scu=3, overage="unlimited"), prices))
    considered = optimize(series, prices).plans_considered
    search = median_ms(lambda: optimize(series, prices), repeats=11)
    with_pool = median_ms(lambda: optimize(series, prices, e5_licences=5000), repeats=11)
    naive_flat = median_ms(
        lambda: [bill(series, CapacityPlan(provisioned_scu=level), prices) for level in range(1, 101)],
        repeats=3,
    )
    return [
        BenchRow("bill one plan, 8,760 h", one_bill, notes="hourly and monthly frames"),
        BenchRow(
            f"optimize 8,760 h, {considered:,} plans",
            search,
            target="< 50 ms",
            baseline_name="bill one plan",
            baseline_ms=one_bill,
        ),
        BenchRow("optimize 8,760 h with E5 pool", with_pool, target="< 50 ms"),
        BenchRow(
            "optimize vs naive loop of bill() over 100 flat levels",
            search,
            baseline_name="naive 100 bills",
            baseline_ms=naive_flat,
            notes="the naive loop covers 1 % of the plans",
        ),
    ]
