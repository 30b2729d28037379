"""Measured adoption against the scenario's ramp: each role's share of people active each month, and
the linear ramp (starting share, months to full) that fits those months best.

The share of a role active in a month is the people of the role with at least one session in that
calendar month (people only, as :mod:`copilot_roi.usage.adoption` counts them) divided by the
people in the role: the roster's count when a roster is loaded, else the scenario's headcount.
Only complete months count (a month cut by the start or the end of the data would understate it),
and the first complete month is the ramp's month 1.

The fit is least squares over the measured months against ``finance.adoption_curve``: for each
``months_to_full`` from 1 to 60 the best ``starting_share`` has a closed form (the curve is linear
in it), and the pair with the smallest squared error wins; on a tie (one measured month fits any
months to full) the scenario's own months to full stays.

>>> fit_ramp([0.25, 0.5, 0.75])
FittedRamp(starting_share=0.25, months_to_full=4, squared_error=0.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.roles import RoleId
from copilot_roi.usage.adoption import Adoption
from copilot_roi.usage.chargeback import Roster
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.finance import adoption_curve
from copilot_roi.value.scenario import Adoption as Ramp
from copilot_roi.value.scenario import Scenario

MAX_MONTHS_TO_FULL = int(field_bounds(Ramp, "months_to_full")[1])
SHARE_DECIMALS = 3  # a starting share to 0.1 % of the team


class FittedRole(BaseModel):
    """One role's ramp as fitted, and what it rests on."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)

    starting_share: float = Field(ge=0, le=1)
    months_to_full: int = Field(ge=1, le=60)
    people: int = Field(ge=1, description="people in the role: the roster's count or the headcount")


class MeasuredAdoption(BaseModel):
    """The case's record that its adoption ramps are measured: from which months, over how many people."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)

    months: tuple[str, ...] = Field(min_length=1, max_length=120, description="YYYY-MM, the months fitted")
    people: int = Field(ge=1, description="people in the fitted roles (the share's denominators)")
    people_from: Literal["roster", "scenario headcount"]
    roles: dict[RoleId, FittedRole] = Field(min_length=1)

    def holds_for(self, scenario: Scenario) -> bool:
        """True while every fitted role's ramp in ``scenario`` is still the fitted one."""
        return all(
            r in scenario.roles
            and scenario.roles[r].adoption.months_to_full == f.months_to_full
            # The page keeps a share as a percentage: equal to a billionth.
            and abs(scenario.roles[r].adoption.starting_share - f.starting_share) < 1e-9
            for r, f in self.roles.items()
        )

    def describe(self) -> str:
        span = self.months[0] if len(self.months) == 1 else f"{self.months[0]} to {self.months[-1]}"
        return (
            f"adoption measured over {span} ({len(self.months)} complete month"
            f"{'s' if len(self.months) != 1 else ''}), {self.people:,} people ({self.people_from})"
        )


@dataclass(frozen=True)
class MeasuredRamp:
    """One role's measured months: people active in each complete month over the people in the role."""

    role: RoleId
    people: int
    months: tuple[dt.date, ...]  # first day of each complete month
    active_people: tuple[int, ...]

    @property
    def shares(self) -> tuple[float, ...]:
        return tuple(min(1.0, a / self.people) for a in self.active_people)


@dataclass(frozen=True)
class FittedRamp:
    starting_share: float
    months_to_full: int
    squared_error: float


def complete_months(adoption: Adoption) -> list[dt.date]:
    """First days of the calendar months wholly inside the data (first day to window end)."""
    start = adoption.first_day
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    months = []
    month = first
    while (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) <= adoption.window_ends_on:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def measured_ramps(
    adoption: Adoption, scenario: Scenario, roster: Roster | None
) -> dict[RoleId, MeasuredRamp]:
    """Each scenario role's measured months (roles with no people, or no complete month, are left out)."""
    months = complete_months(adoption)
    if not months:
        return {}
    in_roster: dict[str, int] = {}
    if roster is not None:
        for entry in roster.entries:
            in_roster[entry.role] = in_roster.get(entry.role, 0) + 1
    active = adoption.person_months
    counts = (
        active[active["month"].isin(pd.to_datetime(months).to_numpy().astype("datetime64[M]"))]
        .groupby(["role", "month"])["person"]
        .nunique()
    )
    ramps: dict[RoleId, MeasuredRamp] = {}
    for role in scenario.role_ids():
        people = in_roster.get(role, 0) if roster is not None else scenario.roles[role].headcount
        if people <= 0:
            continue
        per_month = [int(counts.get((role, np.datetime64(m, "M")), 0)) for m in months]
        ramps[role] = MeasuredRamp(
            role=role, people=people, months=tuple(months), active_people=tuple(per_month)
        )
    return ramps


def fit_ramp(shares: Sequence[float], assumed_months_to_full: int | None = None) -> FittedRamp:
    """The linear ramp closest (least squares) to ``shares``, measured months 1..n.

    When the months cannot tell several ramps apart (one month fits any months to full), the one
    nearest ``assumed_months_to_full`` wins (else the fewest months): the data decides only what
    it can.

    >>> fit_ramp([0.2]), fit_ramp([0.2], assumed_months_to_full=6).months_to_full
    (FittedRamp(starting_share=0.2, months_to_full=2, squared_error=0.0), 6)
    """
    if not shares:
        raise ValueError("no complete month of usage to fit the adoption ramp to")
    y = np.asarray(shares, dtype=np.float64)
    month = np.arange(1, len(y) + 1, dtype=np.float64)
    candidates: list[FittedRamp] = []
    for months_to_full in range(1, MAX_MONTHS_TO_FULL + 1):
        # share = p + s (1 - p), p the ramp's progress: linear in s, so the best s is a projection.
        progress = np.minimum((month - 1) / max(months_to_full - 1, 1), 1.0) if months_to_full > 1 else 1.0
        free = 1.0 - np.broadcast_to(progress, y.shape)
        weight = float(free @ free)
        start = float(np.clip(free @ (y - (1 - free)) / weight, 0, 1)) if weight > 0 else 1.0
        start = round(start, SHARE_DECIMALS)
        curve = adoption_curve(start, months_to_full, len(y))
        candidates.append(FittedRamp(start, months_to_full, float(np.round(((curve - y) ** 2).sum(), 12))))
    least = min(c.squared_error for c in candidates)
    tied = [c for c in candidates if c.squared_error <= least]
    prefer = assumed_months_to_full if assumed_months_to_full is not None else 1
    return min(tied, key=lambda c: (abs(c.months_to_full - prefer), c.months_to_full))


def fit_adoption(
    scenario: Scenario,
    ramps: dict[RoleId, MeasuredRamp],
    people_from: Literal["roster", "scenario headcount"],
) -> tuple[Scenario, MeasuredAdoption]:
    """``scenario`` with each measured role's ramp fitted, and the case's record of it."""
    if not ramps:
        raise ValueError(
            "no role has a complete month of usage and people to measure it against "
            "(the data must cover a whole calendar month)"
        )
    fitted = {
        role: fit_ramp(r.shares, scenario.roles[role].adoption.months_to_full) for role, r in ramps.items()
    }
    data = scenario.model_dump()
    for role, f in fitted.items():
        entry = data["roles"][role]
        entry["adoption"] = {"starting_share": f.starting_share, "months_to_full": f.months_to_full}
        # The pessimistic-to-optimistic band keeps holding the value, now a measured one.
        band = scenario.roles[role].ranges.adoption_months_to_full.widened_to(f.months_to_full)
        entry["ranges"]["adoption_months_to_full"] = band.model_dump()
    updated = Scenario.model_validate(data)
    months = next(iter(ramps.values())).months
    record = MeasuredAdoption(
        months=tuple(f"{m:%Y-%m}" for m in months),
        people=sum(r.people for r in ramps.values()),
        people_from=people_from,
        roles={
            role: FittedRole(
                starting_share=f.starting_share, months_to_full=f.months_to_full, people=ramps[role].people
            )
            for role, f in fitted.items()
        },
    )
    return updated, record


@dataclass(frozen=True)
class AdoptionCalibration:
    """A scenario whose ramps were fitted to measured months, the record for the case, the months."""

    scenario: Scenario
    record: MeasuredAdoption
    ramps: dict[RoleId, MeasuredRamp]

    def months_payload(self) -> dict[str, list[dict[str, object]]]:
        """Per role, each measured month: people active, people in the role, share active."""
        return {
            role: [
                {"month": f"{m:%Y-%m}", "active_people": a, "people": r.people, "share": round(s, 6)}
                for m, a, s in zip(r.months, r.active_people, r.shares, strict=True)
            ]
            for role, r in self.ramps.items()
        }


def calibrate_adoption(scenario: Scenario, adoption: Adoption, roster: Roster | None) -> AdoptionCalibration:
    """Fit each role's ramp in ``scenario`` to the months ``adoption`` measured (one story for the
    Value scenarios button and ``roi --calibrate-adoption``)."""
    ramps = measured_ramps(adoption, scenario, roster)
    fitted, record = fit_adoption(scenario, ramps, "roster" if roster is not None else "scenario headcount")
    return AdoptionCalibration(fitted, record, ramps)
