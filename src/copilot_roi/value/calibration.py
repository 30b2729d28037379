"""Calibration from usage: each role's measured SCUs per person per month, and a plan sized on them.

Input is plain data (one row per usage record with ``user``, ``role``, ``units_scu`` and
``session_id``, e.g. the chargeback's role assignment), so this is testable without the ingest.
"Per person" means per user seen in the export for that role: the scenario then assumes that
when a whole team has adopted, each member consumes what today's users do.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.hourly import HOURS_PER_BILLING_MONTH
from copilot_roi.roles import RoleId, role_ids, role_label
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.chargeback import DEFAULT_RULES, RoleRule, Roster, assign_roles
from copilot_roi.value.scenario import Scenario


class MeasuredRole(BaseModel):
    """One role's consumption in the export."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    role: RoleId
    users: int = Field(ge=1)
    units_scu: float = Field(ge=0)
    sessions: int = Field(ge=0)
    months: float = Field(gt=0)

    @property
    def scu_per_person_month(self) -> float:
        return self.units_scu / self.users / self.months

    @property
    def sessions_per_person_month(self) -> float:
        return self.sessions / self.users / self.months

    def describe(self) -> str:
        """One line for the page; counts only, never a user name."""
        label = role_label(self.role)
        return (
            f"{label} {self.scu_per_person_month:,.1f} SCU and {self.sessions_per_person_month:,.1f} "
            f"sessions per person per month ({self.users:,} users)"
        )


def measure_roles(assigned: pd.DataFrame, period_hours: int) -> dict[RoleId, MeasuredRole]:
    """Per-role users, SCUs and sessions over an export covering ``period_hours`` clock hours.

    Rows whose role is not a catalogue role (e.g. ``unassigned``) are left out.

    >>> rows = pd.DataFrame({"user": ["a", "a", "b", "c"], "role": ["soc", "soc", "soc", "unassigned"],
    ...                      "units_scu": [3.0, 1.0, 2.0, 9.0], "session_id": ["s1", "s2", "s3", "s4"]})
    >>> m = measure_roles(rows, period_hours=1460)["soc"]
    >>> m.users, m.units_scu, m.sessions, m.months, m.scu_per_person_month
    (2, 6.0, 3, 2.0, 1.5)
    """
    if period_hours <= 0:
        raise ValueError("the usage export covers no hours")
    known = assigned[assigned["role"].isin(list(role_ids()))]
    grouped = known.groupby("role", sort=True).agg(
        users=("user", "nunique"), units_scu=("units_scu", "sum"), sessions=("session_id", "nunique")
    )
    months = period_hours / HOURS_PER_BILLING_MONTH
    measured: dict[RoleId, MeasuredRole] = {}
    for name, row in grouped.iterrows():
        role = str(name)
        measured[role] = MeasuredRole(
            role=role,
            users=int(row["users"]),
            units_scu=float(row["units_scu"]),
            sessions=int(row["sessions"]),
            months=months,
        )
    return measured


# SCUs per person are shown and stored to 0.01 SCU: what the page shows is what the scenario holds.
MEASURED_DECIMALS = 2


@dataclass(frozen=True)
class UsageMeasurement:
    """What a usage export says about SCUs per person: the figures, one line per role, the mapping."""

    scu_per_person_month: dict[RoleId, float]
    notes: list[str]
    roles_from: str  # how users were mapped to roles, for "roles by ..." on the page


def measure_usage(
    frame: pd.DataFrame,
    period_hours: int,
    roster: Roster | None = None,
    rules: tuple[RoleRule, ...] | None = None,
) -> UsageMeasurement:
    """Each role's SCUs per person per month in a usage export (rows as the ingest gives them).

    Users are mapped to roles by ``roster`` (when given) and ``rules`` (the chargeback's plugin
    rules; the default rules when None), as on the Chargeback page.
    """
    assigned = assign_roles(frame, roster, rules if rules is not None else DEFAULT_RULES)
    measured = measure_roles(assigned, period_hours)
    return UsageMeasurement(
        scu_per_person_month={
            r: round(m.scu_per_person_month, MEASURED_DECIMALS) for r, m in measured.items()
        },
        notes=[m.describe() for m in measured.values()],
        roles_from="the Chargeback roster and rules" if roster else "plugin rules",
    )


def calibrated(scenario: Scenario, measured: dict[RoleId, float]) -> Scenario:
    """``scenario`` with measured SCUs per person per month for the roles in ``measured``.

    Roles absent from the export keep their estimate; ``capacity.measured_roles`` lists the
    measured ones and ``usage_source`` becomes ``usage`` when there is at least one.
    """
    scu = dict(scenario.capacity.scu_per_person_month)
    roles = [r for r in scenario.role_ids() if r in measured]
    for r in roles:
        scu[r] = float(measured[r])
    data = scenario.model_dump()
    data["capacity"]["scu_per_person_month"] = scu
    data["capacity"]["measured_roles"] = roles
    data["capacity"]["usage_source"] = "usage" if roles else "estimate"
    return Scenario.model_validate(data)


@dataclass(frozen=True)
class UsageCalibration:
    """A scenario calibrated on a usage export, with what was measured and how."""

    scenario: Scenario
    measurement: UsageMeasurement


def calibrate_from_usage(
    scenario: Scenario,
    usage: UsageDataset,
    roster: Roster | None = None,
    rules: tuple[RoleRule, ...] | None = None,
) -> UsageCalibration:
    """``scenario`` with SCUs per person per month measured from ``usage`` (one story per case).

    The same measurement as the Value scenarios page (:func:`measure_usage`), so a scenario saved
    from the page and one calibrated by ``copilot-roi report`` carry the same figures.
    """
    measurement = measure_usage(usage.frame, usage.hourly.hours, roster, rules)
    return UsageCalibration(calibrated(scenario, measurement.scu_per_person_month), measurement)
