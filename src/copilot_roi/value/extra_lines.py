"""Benefit and cost lines beyond labour (avoided tools, internal time, partner services) and their flows.

A line states an amount per year, year 1 first; a list shorter than the horizon's years repeats
its last amount. In the monthly cash flows a year's amount is spread evenly over its twelve
months (a horizon that ends mid-year keeps only that year's first months); the annual convention
sums the months back, so a line's year ``y`` amount lands whole in year ``y``. A cost line's
``one_off`` falls with the other one-off costs (month 1, or year 0 in the annual convention).

A line's optional ``band`` holds multipliers on all its amounts (``{"low": 0.5, "high": 1.1}``
reads "between half and 110 % of the stated figures"); without one the tornado and the Monte
Carlo use plus or minus 20 %.

>>> monthly_amounts([1200.0, 2400.0], 30).tolist()[::6]
[100.0, 100.0, 200.0, 200.0, 200.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot_roi.hourly import FloatArray

MONTHS_PER_YEAR = 12
DEFAULT_LINE_SWING = 0.2  # plus or minus 20 % when a line gives no band
MAX_LINE_AMOUNT = 1_000_000_000  # per year or one-off, in the scenario's currency
MAX_LINES = 50
Amount = Annotated[float, Field(ge=0, le=MAX_LINE_AMOUNT)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class LineBand(_Frozen):
    """Multipliers on a line's stated amounts, ``low <= 1 <= high``."""

    low: float = Field(ge=0, le=10)
    high: float = Field(ge=0, le=10)

    @model_validator(mode="after")
    def _around_one(self) -> LineBand:
        if not self.low <= 1.0 <= self.high:
            raise ValueError(
                f"band multipliers must satisfy low <= 1 <= high (got {self.low:g} and {self.high:g})"
            )
        return self


def default_band() -> LineBand:
    return LineBand(low=1.0 - DEFAULT_LINE_SWING, high=1.0 + DEFAULT_LINE_SWING)


class OtherBenefit(_Frozen):
    """A benefit other than freed hours, e.g. a retired tool's licence or fewer outsourced hours."""

    name: str = Field(min_length=1, max_length=120)
    per_year: list[Amount] = Field(min_length=1, max_length=10)
    source: str = Field(default="", max_length=500)
    band: LineBand | None = None

    def effective_band(self) -> LineBand:
        return self.band or default_band()


class OtherCost(_Frozen):
    """A cost other than capacity, e.g. administration, governance or partner services."""

    name: str = Field(min_length=1, max_length=120)
    one_off: Amount = 0.0
    per_year: list[Amount] = Field(default_factory=list, max_length=10)
    source: str = Field(default="", max_length=500)
    band: LineBand | None = None

    def effective_band(self) -> LineBand:
        return self.band or default_band()


def horizon_years(horizon_months: int) -> int:
    """Years the horizon touches (a part year counts): the longest a ``per_year`` list may be."""
    return math.ceil(horizon_months / MONTHS_PER_YEAR)


def check_lengths(field: str, lines: Sequence[OtherBenefit | OtherCost], horizon_months: int) -> None:
    """Raise a message naming ``field[i].per_year`` when a list is longer than the horizon's years."""
    years = horizon_years(horizon_months)
    for i, line in enumerate(lines):
        if len(line.per_year) > years:
            raise ValueError(
                f"{field}[{i}].per_year has {len(line.per_year)} yearly amounts but the horizon "
                f"({horizon_months} months) has {years} year(s)"
            )


def monthly_amounts(per_year: Sequence[float], horizon_months: int) -> FloatArray:
    """A line's amount in each month 1..horizon: each year's amount / 12, the last year repeated."""
    if not per_year:
        return np.zeros(horizon_months)
    years = horizon_years(horizon_months)
    amounts = list(per_year) + [per_year[-1]] * (years - len(per_year))
    return np.repeat(np.asarray(amounts[:years], dtype=np.float64) / MONTHS_PER_YEAR, MONTHS_PER_YEAR)[
        :horizon_months
    ]


def line_matrix(lines: Sequence[OtherBenefit | OtherCost], horizon_months: int) -> FloatArray:
    """``(lines, months)``: each line's recurring amounts per month (zero rows when there are none)."""
    if not lines:
        return np.zeros((0, horizon_months))
    return np.vstack([monthly_amounts(line.per_year, horizon_months) for line in lines])


def one_offs(lines: Sequence[OtherCost]) -> FloatArray:
    """Each cost line's one-off amount, in list order."""
    return np.array([line.one_off for line in lines], dtype=np.float64)
