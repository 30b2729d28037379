"""The hourly usage series: SCUs consumed in each clock hour, the unit every bill is computed on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from copilot_roi.timezones import check_timezone

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MonthBasis = Literal["calendar", "730h"]

HOURS_PER_BILLING_MONTH = 730


@dataclass(frozen=True)
class HourlySeries:
    """SCUs consumed per clock hour, starting at ``start`` (tz-aware, on the hour).

    ``month_basis`` says how hours group into billing months: ``calendar`` months in the series'
    time zone for real usage, or consecutive 730-hour blocks for estimates and list-price quotes
    (Microsoft's own month: 1 SCU 24x7 = 730 SCU-hours).
    """

    start: pd.Timestamp
    units_scu: FloatArray
    month_basis: MonthBasis = "calendar"
    _index: pd.DatetimeIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start = pd.Timestamp(self.start)
        if start.tzinfo is None:
            raise ValueError("the series start needs a time zone")
        if start != start.floor("h"):
            raise ValueError("the series must start on a clock hour")
        units = np.asarray(self.units_scu, dtype=np.float64)
        if units.ndim != 1:
            raise ValueError("hourly units must be one-dimensional")
        if not np.isfinite(units).all() or (units < 0).any():
            raise ValueError("hourly units must be finite and not negative")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "units_scu", units)
        # Hours are absolute: a daylight-saving day has 23 or 25 clock hours, as billing does.
        index = pd.date_range(start.tz_convert("UTC"), periods=len(units), freq="h")
        object.__setattr__(self, "_index", index.tz_convert(start.tz))

    @property
    def hours(self) -> int:
        return len(self.units_scu)

    @property
    def index(self) -> pd.DatetimeIndex:
        """The clock hour each value belongs to, in the series' time zone."""
        return self._index

    @property
    def timezone(self) -> str:
        return str(self.start.tz)

    def month_ids(self) -> tuple[IntArray, list[str]]:
        """Billing month of each hour (0-based) and a label per month."""
        if self.month_basis == "730h":
            ids = np.arange(self.hours, dtype=np.int64) // HOURS_PER_BILLING_MONTH
            count = int(ids[-1]) + 1 if self.hours else 0
            return ids, [f"Month {i + 1}" for i in range(count)]
        periods = self.index.tz_localize(None).to_period("M")
        codes, uniques = pd.factorize(periods, sort=True)
        return codes.astype(np.int64), [str(p) for p in uniques]

    @classmethod
    def zeros(
        cls,
        hours: int,
        start: str | pd.Timestamp = "2027-01-04 00:00",
        timezone: str = "UTC",
        month_basis: MonthBasis = "730h",
    ) -> HourlySeries:
        """An idle series (nothing consumed), for quoting a plan with no usage data."""
        timezone = check_timezone(timezone)
        ts = pd.Timestamp(start)
        ts = ts.tz_localize(timezone) if ts.tzinfo is None else ts.tz_convert(timezone)
        return cls(ts, np.zeros(hours), month_basis)

    @classmethod
    def from_series(cls, units: pd.Series, month_basis: MonthBasis = "calendar") -> HourlySeries:
        """From a pandas Series indexed by consecutive tz-aware clock hours."""
        index = pd.DatetimeIndex(units.index)
        if len(index) == 0:
            raise ValueError("no hours to bill")
        if index.tz is None:
            raise ValueError("the hourly index needs a time zone")
        expected = pd.date_range(index[0].tz_convert("UTC"), periods=len(index), freq="h").tz_convert(
            index.tz
        )
        if not index.equals(expected):
            raise ValueError("the hourly index must be consecutive clock hours")
        return cls(index[0], units.to_numpy(dtype=np.float64), month_basis)

    def to_series(self) -> pd.Series:
        return pd.Series(self.units_scu, index=self.index, name="units_scu")
