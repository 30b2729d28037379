"""Capacity plans: how many SCUs are provisioned in each hour, overage settings and the E5/E7 pool.

Only purchasable plans validate (``shared/reference/pricing.md`` section 5): a provisioned capacity
holds 1..100 SCUs in every hour it exists; overage is a setting of a capacity, so it runs only in
an hour that has one (or on the E5/E7 default capacity, when E5/E7 pay-as-you-go is switched on:
announced, not confirmed, so off unless the price book says it is active); a plan with no
capacity at all needs E5/E7 licences. A schedule whose off-hours level is 0 deletes the capacity
each evening: off-hours demand is then served only from the E5/E7 pool and the rest is throttled.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from copilot_roi.hourly import BoolArray, FloatArray, HourlySeries
from copilot_roi.pricebook import e5_pay_as_you_go_default
from copilot_roi.timezones import check_timezone

OverageMode = Literal["none", "capped", "unlimited"]
MAX_PROVISIONED_SCU = 100
NO_CAPACITY_RULE = (
    "a plan with no provisioned capacity (0 SCU) needs Microsoft 365 E5/E7 licences: overage runs "
    "only on top of a capacity of 1..100 SCUs or the E5/E7 default capacity"
)
OFF_HOURS_DELETED = "capacity deleted off-hours: nothing served then except from the E5/E7 pool"
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Every day of ten years, longer than any horizon: a bound that keeps a scenario file holding a
# schedule well inside the size its loader accepts (``copilot_roi.cli.value_commands``).
MAX_HOLIDAYS = 3_660
# Numbers are strict (``strict=True``): ``true`` is not one licence and ``"3"`` not three SCUs;
# a scenario file must say what it means. Whole numbers stay whole (``2.0`` is refused too).
StrictDay = Annotated[int, Strict()]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _check_level(value: int) -> int:
    # 0 means no capacity at all (deleted); a capacity that exists holds 1..100 SCUs.
    if not 0 <= value <= MAX_PROVISIONED_SCU:
        raise ValueError(f"provisioned SCUs must be 0 (no capacity) or 1..{MAX_PROVISIONED_SCU}")
    return value


class Schedule(_Frozen):
    """A weekly business-hours schedule in a time zone; holidays count as off-hours all day."""

    timezone: str = "UTC"
    business_days: tuple[StrictDay, ...] = Field(default=(0, 1, 2, 3, 4), description="Monday = 0")
    business_start_hour: int = Field(default=8, ge=0, le=23, strict=True)
    business_end_hour: int = Field(default=18, ge=1, le=24, strict=True)
    business_scu: int = Field(default=3, ge=1, le=MAX_PROVISIONED_SCU, strict=True)
    off_hours_scu: int = Field(default=0, ge=0, le=MAX_PROVISIONED_SCU, strict=True)
    holidays: tuple[dt.date, ...] = Field(default=(), max_length=MAX_HOLIDAYS)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("business_days")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d not in range(7) for d in value):
            raise ValueError("business days are 0 (Monday) to 6 (Sunday)")
        return tuple(sorted(set(value)))

    @model_validator(mode="after")
    def _window(self) -> Schedule:
        if self.business_end_hour <= self.business_start_hour:
            raise ValueError("business hours must end after they start")
        return self

    def business_mask(self, series: HourlySeries) -> BoolArray:
        """True for each hour of ``series`` that falls inside business hours."""
        local = series.index.tz_convert(self.timezone)
        hour = local.hour.to_numpy()
        in_window = (hour >= self.business_start_hour) & (hour < self.business_end_hour)
        on_day = np.isin(local.day_of_week.to_numpy(), self.business_days)
        mask = in_window & on_day
        if self.holidays:
            dates = local.tz_localize(None).normalize()
            mask &= ~dates.isin(pd.DatetimeIndex([pd.Timestamp(d) for d in self.holidays]))
        return np.asarray(mask, dtype=bool)

    def describe(self) -> str:
        days = _describe_days(self.business_days)
        off = f"{self.off_hours_scu} SCU off-hours" if self.off_hours_scu else OFF_HOURS_DELETED
        hol = f", {len(self.holidays)} holidays off" if self.holidays else ""
        return (
            f"{self.business_scu} SCU {days} {self.business_start_hour:02d}:00-"
            f"{self.business_end_hour:02d}:00 {self.timezone}, {off}{hol}"
        )


def _describe_days(days: tuple[int, ...]) -> str:
    if days == (0, 1, 2, 3, 4):
        return "Mon-Fri"
    if days == tuple(range(7)):
        return "every day"
    return ",".join(DAY_NAMES[d] for d in days)


class CapacityPlan(_Frozen):
    """What the customer pays for: provisioned SCUs (flat or scheduled), overage, an E5/E7 pool.

    Within each calendar month the E5/E7 pool is consumed first, then provisioned capacity, then
    overage (if enabled, up to the cap); demand beyond that is throttled.
    """

    provisioned_scu: int = Field(
        default=1, strict=True, description="24x7 level; ignored when a schedule is set"
    )
    schedule: Schedule | None = None
    overage: OverageMode = "none"
    overage_cap_scu_per_hour: float = Field(default=0.0, ge=0, le=100_000, strict=True)
    e5_licences: int = Field(default=0, ge=0, le=10_000_000, strict=True)
    # Microsoft's pay-as-you-go past the pool on the E5/E7 default capacity: announced, not
    # confirmed, so it is a switch whose default is the price book's status for it. Off, demand
    # past the pool in an hour with no capacity of its own is throttled.
    e5_pay_as_you_go: bool = Field(
        default_factory=e5_pay_as_you_go_default,
        strict=True,
        description="E5/E7 pay-as-you-go past the pool (default: the price book's status)",
    )

    @field_validator("provisioned_scu")
    @classmethod
    def _level(cls, value: int) -> int:
        return _check_level(value)

    @model_validator(mode="after")
    def _consistent(self) -> CapacityPlan:
        if self.overage == "capped" and self.overage_cap_scu_per_hour <= 0:
            raise ValueError("a capped overage needs a cap above 0 SCU per hour")
        if self.schedule is None and self.provisioned_scu == 0 and self.e5_licences == 0:
            raise ValueError(NO_CAPACITY_RULE)
        return self

    @property
    def deletes_capacity_off_hours(self) -> bool:
        """True when a schedule removes the capacity outside business hours (off-hours level 0)."""
        return self.schedule is not None and self.schedule.off_hours_scu == 0

    def overage_cap(self) -> float:
        """SCUs of overage allowed per hour (infinite when unlimited)."""
        if self.overage == "unlimited":
            return float("inf")
        if self.overage == "capped":
            return self.overage_cap_scu_per_hour
        return 0.0

    def overage_caps(self, provisioned_scu: FloatArray) -> FloatArray:
        """SCUs of overage allowed in each hour: the plan's cap where a capacity exists, else 0.

        The E5/E7 default capacity exists in every hour, so with licences and E5/E7
        pay-as-you-go switched on, overage (billed past the pool) runs even where no SCU is
        provisioned; with it off, such an hour serves the pool alone.
        """
        if self.e5_licences > 0 and self.e5_pay_as_you_go:
            return np.full(np.shape(provisioned_scu), self.overage_cap())
        return np.where(provisioned_scu >= 1, self.overage_cap(), 0.0)

    def provisioned_levels(self, series: HourlySeries) -> FloatArray:
        """SCUs provisioned (and billed) in each hour of ``series``."""
        if self.schedule is None:
            return np.full(series.hours, float(self.provisioned_scu))
        mask = self.schedule.business_mask(series)
        return np.where(mask, float(self.schedule.business_scu), float(self.schedule.off_hours_scu))

    def describe(self) -> str:
        if self.schedule is not None:
            capacity = self.schedule.describe()
        elif self.provisioned_scu:
            capacity = f"{self.provisioned_scu} SCU 24x7"
        else:
            capacity = "no provisioned capacity (E5/E7 default capacity only)"
        overage = {
            "none": "no overage",
            "capped": f"overage up to {self.overage_cap_scu_per_hour:g} SCU/h",
            "unlimited": "unlimited overage",
        }[self.overage]
        if self.schedule is None and self.provisioned_scu == 0 and not self.e5_pay_as_you_go:
            # Overage is a setting of a capacity; the default capacity runs it only as pay-as-you-go.
            overage = "no overage"
        payg = "on" if self.e5_pay_as_you_go else "off"
        pool = (
            f"E5/E7 pool ({self.e5_licences:,} licences, pay-as-you-go {payg}), " if self.e5_licences else ""
        )
        return f"{pool}{capacity}, {overage}"


# The plan every case opens on, on every page: the value template's (1 SCU around the clock, with
# unlimited overage so nobody is refused while the team learns what it uses). Learn advises 3 SCUs
# to start a SOC; the template's default teams fit in 1, and the right-sizer says when they do not.
DEFAULT_PLAN = CapacityPlan(provisioned_scu=1, overage="unlimited")


def e5_allowance_scu_per_month(licences: int, per_licence: float = 0.4, cap_scu: float = 10_000.0) -> float:
    """Monthly SCUs included with E5/E7: 0.4 per licence, at most 10,000, no rollover.

    >>> e5_allowance_scu_per_month(400), e5_allowance_scu_per_month(30_000)
    (160.0, 10000.0)
    """
    if licences < 0:
        raise ValueError("licences cannot be negative")
    return float(min(cap_scu, round(per_licence * licences, 6)))


def billed_units_per_hour(
    events: list[tuple[pd.Timestamp, int]], start: pd.Timestamp, hours: int, initial_scu: int = 0
) -> FloatArray:
    """Provisioned SCUs billed per clock hour from a log of provisioning changes.

    Each event sets the provisioned level at a moment. An hour bills the level it starts with
    plus every SCU provisioned during it, so SCUs removed and added back inside one hour bill
    twice (Learn's example: on at 9:05, off at 9:35, on at 9:45 bills 2 units for 9:00-10:00).

    >>> t = pd.Timestamp("2026-01-05 09:00", tz="UTC")
    >>> on, off = t + pd.Timedelta(minutes=5), t + pd.Timedelta(minutes=35)
    >>> billed_units_per_hour([(on, 1), (off, 0), (t + pd.Timedelta(minutes=45), 1)], t, 2)
    array([2., 1.])
    """
    start = pd.Timestamp(start)
    billed = np.zeros(hours)
    level = initial_scu
    ordered = sorted(events, key=lambda e: e[0])
    position = 0
    for h in range(hours):
        hour_start = start + pd.Timedelta(hours=h)
        hour_end = hour_start + pd.Timedelta(hours=1)
        # Changes up to the top of the hour only set the level the hour starts with.
        while position < len(ordered) and ordered[position][0] <= hour_start:
            level = _check_level(ordered[position][1])
            position += 1
        units = float(level)
        while position < len(ordered) and ordered[position][0] < hour_end:
            new_level = _check_level(ordered[position][1])
            units += max(0, new_level - level)
            level = new_level
            position += 1
        billed[h] = units
    return billed
