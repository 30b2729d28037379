"""Clock-hour bucketing: usage rows become the hourly series billing works on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from copilot_roi.hourly import FloatArray, HourlySeries

_HOUR_NS = 3_600_000_000_000


def local_midnight(day: dt.date, timezone: str) -> pd.Timestamp:
    """Midnight starting ``day`` in ``timezone`` (the first valid instant where midnight is skipped)."""
    return pd.Timestamp(day).tz_localize(timezone, nonexistent="shift_forward", ambiguous=True)


def hourly_series(started_at: pd.DatetimeIndex, units_scu: FloatArray, timezone: str) -> HourlySeries:
    """SCUs per clock hour, each session counted in the hour it started.

    The series runs from local midnight of the first record's day to midnight after the last
    record's day; hours are absolute, so a daylight-saving day has 23 or 25 of them.

    >>> idx = pd.DatetimeIndex(["2026-03-08 01:30", "2026-03-08 03:10"]).tz_localize("America/New_York")
    >>> s = hourly_series(idx, np.array([1.0, 2.0]), "America/New_York")
    >>> s.hours, float(s.units_scu[1]), float(s.units_scu[2])
    (23, 1.0, 2.0)
    """
    if len(started_at) == 0:
        raise ValueError("no usage rows to put into hours")
    local = started_at.tz_convert(timezone)
    utc_ns = local.as_unit("ns").asi8  # tz-aware asi8 is nanoseconds since the epoch (UTC)
    # The extremes of the integers: DatetimeIndex.min() first checks the order of every row.
    first_day = pd.Timestamp(int(utc_ns.min()), tz="UTC").tz_convert(timezone).date()
    last_day = pd.Timestamp(int(utc_ns.max()), tz="UTC").tz_convert(timezone).date()
    start = local_midnight(first_day, timezone)
    end = local_midnight(last_day + dt.timedelta(days=1), timezone)
    if start != start.floor("h"):
        start = start.floor("h")
    hours = int(-(-(end.value - start.value) // _HOUR_NS))
    position = (utc_ns - start.value) // _HOUR_NS
    totals = np.bincount(position, weights=np.asarray(units_scu, dtype=np.float64), minlength=hours)
    return HourlySeries(start, totals[:hours].astype(np.float64), month_basis="calendar")
