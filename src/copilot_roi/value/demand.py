"""Hourly SCU demand for a scenario: each month's SCUs spread over working hours.

The daily shape (working hours, busiest at mid-day) is the usage estimate's
(``copilot_roi.estimate.build_profile``), so the capacity page and the value page size demand the
same way. Months are 730-hour blocks (Microsoft's billing month), month 1 first.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from copilot_roi.estimate import EstimateInputs, PeopleUsage, build_profile
from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray, HourlySeries
from copilot_roi.plans import CapacityPlan

SERIES_START = "2027-01-04"  # a Monday: weeks line up with the start of month 1


def plan_timezone(plan: CapacityPlan) -> str:
    """The zone working hours are counted in: the plan's schedule zone, else UTC."""
    return plan.schedule.timezone if plan.schedule is not None else "UTC"


@lru_cache(maxsize=16)
def _unit_shape(months: int, timezone: str) -> tuple[HourlySeries, FloatArray]:
    # Not customer data: a pure function of (months, zone), so a small shared cache is safe.
    unit = EstimateInputs(
        people=(PeopleUsage(role="all", users=1, prompts_per_user_per_day=1, scu_per_prompt=1),),
        agents=(),
        timezone=timezone,
    )
    profile = build_profile(unit, hours=months * HOURS_PER_BILLING_MONTH, start=SERIES_START)
    blocks = profile.units_scu.reshape(months, HOURS_PER_BILLING_MONTH)
    shares = blocks / blocks.sum(axis=1, keepdims=True)
    shares.setflags(write=False)
    return profile, shares


def month_shares(months: int, timezone: str) -> FloatArray:
    """Share of each month's SCUs falling in each of its hours: shape (months, 730), rows sum to 1."""
    return _unit_shape(months, timezone)[1]


def demand_series(monthly_scu: FloatArray, timezone: str = "UTC") -> HourlySeries:
    """An hourly series (730-hour months) whose month ``m`` consumes ``monthly_scu[m - 1]`` SCUs.

    >>> s = demand_series(np.array([100.0, 50.0]))
    >>> s.hours, round(float(s.units_scu[:730].sum()), 9), round(float(s.units_scu[730:].sum()), 9)
    (1460, 100.0, 50.0)
    """
    monthly = np.asarray(monthly_scu, dtype=np.float64)
    if monthly.ndim != 1 or len(monthly) == 0:
        raise ValueError("monthly demand needs at least one month")
    profile, shares = _unit_shape(len(monthly), timezone)
    units = (shares * monthly[:, None]).ravel()
    return HourlySeries(profile.start, units, "730h")
