"""Calibration from usage: each role's measured SCUs per person per month, and a plan sized on them.

Input is plain data (one row per usage record with ``user``, ``role``, ``units_scu`` and
``session_id``, e.g. the chargeback's role assignment), so this is testable without the ingest.
"Per person" means per user seen in the export for that role: the scenario then assumes that
when a whole team has adopted, each member consumes what today's users do.

Calibration measures people: rows the rate card counts as agent runs (``Type`` says agent, or
``Initiated by`` is a known agent product) and rows initiated by an agent identity are never a
person's usage, so an agent is not one of a role's users and its SCUs are not in any role's SCUs
per person. An agent's SCUs are then counted once: as an agent line of the scenario, if it has
one, never also as measured usage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.hourly import HOURS_PER_BILLING_MONTH
from copilot_roi.roles import RoleId, role_ids, role_label
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.agent_names import agent_identity_mask, agent_row_mask
from copilot_roi.usage.analytics import text_array
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


def agent_rows(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows that are not a person's usage: agent runs as the rate card finds them (``type`` says
    agent, or ``user`` is a known agent product; ``type`` is optional) or a ``user`` that names an
    agent (``is_agent_identity``: a custom "Contoso Triage Agent" too). Tested once per distinct value.

    >>> rows = pd.DataFrame({"user": ["Ann", "Phishing Triage Agent", "Contoso Triage Agent", "Ben"],
    ...                      "type": ["Prompt", "Prompt", "Prompt", "Agent"]})
    >>> agent_rows(rows).tolist()
    [False, True, True, True]
    """
    users = text_array(frame["user"])
    kinds = text_array(frame["type"]) if "type" in frame.columns else pa.array([""] * len(frame), pa.string())
    return np.asarray(agent_row_mask(kinds, users) | agent_identity_mask(users), dtype=bool)


def measure_roles(assigned: pd.DataFrame, period_hours: int) -> dict[RoleId, MeasuredRole]:
    """Per-role users, SCUs and sessions over an export covering ``period_hours`` clock hours.

    Rows whose role is not a catalogue role (e.g. ``unassigned``) are left out, and so are agent
    runs (:func:`agent_rows`): an agent is not a person of any role.

    >>> rows = pd.DataFrame({"user": ["a", "a", "b", "c"], "role": ["soc", "soc", "soc", "unassigned"],
    ...                      "units_scu": [3.0, 1.0, 2.0, 9.0], "session_id": ["s1", "s2", "s3", "s4"]})
    >>> m = measure_roles(rows, period_hours=1460)["soc"]
    >>> m.users, m.units_scu, m.sessions, m.months, m.scu_per_person_month
    (2, 6.0, 3, 2.0, 1.5)
    """
    if period_hours <= 0:
        raise ValueError("the usage export covers no hours")
    known = assigned[assigned["role"].isin(list(role_ids())).to_numpy() & ~agent_rows(assigned)]
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

    Agent runs are left out first (:func:`agent_rows`). People are mapped to roles by ``roster``
    when one is given, and by ``rules`` (the chargeback's plugin rules; the default rules when
    None) only for people it does not list, as on the Chargeback page. The notes say how many
    people's SCUs went unassigned (in no role, so measured for none) and how much agents used.
    """
    is_agent = agent_rows(frame)
    people = frame[~is_agent]
    assigned = assign_roles(people, roster, rules if rules is not None else DEFAULT_RULES)
    measured = measure_roles(assigned, period_hours)
    return UsageMeasurement(
        scu_per_person_month={
            r: round(m.scu_per_person_month, MEASURED_DECIMALS) for r, m in measured.items()
        },
        notes=[m.describe() for m in measured.values()]
        + _mapping_notes(assigned, roster is not None)
        + _agent_note(frame, is_agent),
        roles_from="the Chargeback roster, plugin rules for people it does not list"
        if roster
        else "plugin rules",
    )


def _mapping_notes(assigned: pd.DataFrame, with_roster: bool) -> list[str]:
    """How people's SCUs were mapped: from the roster, by rules, and the unassigned share."""
    units = assigned["units_scu"].to_numpy(dtype=np.float64)
    total = float(units.sum())
    if total <= 0:
        return []
    source = assigned["source"].astype(str).to_numpy()

    def share(mask: npt.NDArray[np.bool_]) -> str:
        users = assigned["user"][mask].nunique()
        return f"{float(units[mask].sum()) / total:.0%} of people's SCUs ({users:,} users)"

    notes = []
    if with_roster:
        notes.append(
            f"from the roster: {share(source == 'roster')}; by plugin rules: {share(source == 'rule')}"
        )
    unassigned = source == "none"
    notes.append(f"unassigned (no roster entry or rule, measured for no role): {share(unassigned)}")
    return notes


def _agent_note(frame: pd.DataFrame, is_agent: npt.NDArray[np.bool_]) -> list[str]:
    if not is_agent.any():
        return []
    units = frame["units_scu"].to_numpy(dtype=np.float64)
    total = float(units.sum())
    agent_units = float(units[is_agent].sum())
    agents = frame["user"][is_agent].nunique()
    return [
        f"agent runs left out: {agent_units:,.1f} SCU"
        + (f" ({agent_units / total:.0%} of the export)" if total > 0 else "")
        + f" by {agents:,} agent{'s' if agents != 1 else ''}, "
        "counted only as agent lines, never as a person's usage"
    ]


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
