"""The ledger of hours: who owns each freed hour, its monthly ceiling, and whose demand a plan refuses.

**Throttling by demand, hour by hour.** The billing engine refuses ``throttled_h`` of the SCUs
``demand_h`` asked for in hour ``h``. Each demand present in that hour (the people's, in their
working hours; each agent line's, in its run profile) loses the same share of its own units,
``throttled_h / demand_h``: a refused prompt costs its own owner's value, nobody else's. For a
demand whose month ``m`` holds ``X`` units spread by ``shape`` (its share of the month's units in
each hour, summing to 1), the units refused are ``X x sum_h shape_h x throttled_h / demand_h`` and
its **served share** is one minus that sum (``served_share_of_shape``). So served + throttled =
demand for every role and every line, and summed over them, the bill's throttled units.

**Owners and ceilings.** Every freed hour belongs to a role: a role's people free their own, an
agent line frees the hours of the role it ``takes_over`` (a line taking over nothing, work nobody
did before, frees no one's hours: it is a capability, its SCUs still cost). Per month, a role's
hours freed (people's and agents' summed) never exceed what its people work:

    cap(role) = headcount x working hours per person-year / 12

(the scenario's ``hours_per_fte_year``, 1,800 h by default, cited in ``roles.toml``
``[defaults.working_hours_per_person_year]``; a month is a twelfth of the year, as the finance
months are). An agent line taking over a role absent from the case has a cap of 0. When a role's
hours pass its cap, its people's and its agents' hours are **scaled by the same factor**
cap / hours, so each keeps its share and the role's value per hour stays the same.

>>> import numpy as np
>>> people = {"soc": np.array([100.0])}
>>> people, agents, scale = apply_caps(people, np.array([[300.0]]), ["soc"], {"soc": 300.0})
>>> people["soc"].tolist(), agents.tolist(), scale["soc"].tolist()
([75.0], [[225.0]], [0.75])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray
from copilot_roi.value.catalogue import load_catalogue
from copilot_roi.value.scenario import Scenario

# How agent lines' sources name the studies their minutes rest on (``agent_lines.MINUTES_NOTE``).
MINUTES_NOTE = "; minutes avoided: "

MONTHS_PER_YEAR = 12


def refusal_ratio(demand_units: FloatArray, throttled_units: FloatArray) -> FloatArray:
    """Share of each hour's demand the plan refused: throttled / demand, 0 where nothing was asked.

    >>> refusal_ratio(np.array([4.0, 0.0, 2.0]), np.array([1.0, 0.0, 2.0])).tolist()
    [0.25, 0.0, 1.0]
    """
    demand = np.asarray(demand_units, dtype=np.float64)
    throttled = np.asarray(throttled_units, dtype=np.float64)
    safe = np.where(demand > 0, demand, 1.0)
    return np.asarray(np.where(demand > 0, np.clip(throttled / safe, 0.0, 1.0), 0.0))


def served_share_of_shape(ratio: FloatArray, shape: FloatArray) -> FloatArray:
    """Served share per month of a demand spread by ``shape`` ``(months, 730)``, given each hour's
    refusal ratio ``(..., months x 730)``: ``1 - sum_h shape_h x ratio_h``, shape ``(..., months)``.

    >>> ratio = np.r_[np.zeros(365), np.ones(365)]  # the month's second half refused
    >>> flat = np.full((1, 730), 1 / 730)
    >>> served_share_of_shape(ratio, flat).round(9).tolist()
    [0.5]
    """
    months = shape.shape[0]
    blocks = np.asarray(ratio, dtype=np.float64).reshape(*ratio.shape[:-1], months, HOURS_PER_BILLING_MONTH)
    refused = np.einsum("...mh,mh->...m", blocks, shape)
    return np.asarray(np.clip(1.0 - refused, 0.0, 1.0))


def monthly_cap_hours(headcount: float, hours_per_person_year: float) -> float:
    """The most hours a role's people work in a month: headcount x working hours a year / 12.

    >>> monthly_cap_hours(2, 1_800)
    300.0
    """
    return float(headcount) * hours_per_person_year / MONTHS_PER_YEAR


def apply_caps(
    people_hours: Mapping[str, FloatArray],
    agent_hours: FloatArray,
    owners: Sequence[str | None],
    caps: Mapping[str, float],
) -> tuple[dict[str, FloatArray], FloatArray, dict[str, FloatArray]]:
    """Cap each role's hours freed per month; returns (people hours, agent hours, scale by role).

    ``people_hours`` role -> ``(..., months)`` after throttling; ``agent_hours`` ``(lines, ...,
    months)`` after throttling; ``owners[i]`` the role line ``i`` takes over (None: nobody, so it
    frees nothing); ``caps`` role -> monthly cap (a role missing from ``caps`` has cap 0). The
    scale of a role is min(1, cap / (its people's + its agents' hours)), 1 where it frees nothing.
    """
    agents = np.array(agent_hours, dtype=np.float64, copy=True)
    # Roles in a stable order: the people's, then roles only agent lines take over.
    roles = list(dict.fromkeys([*people_hours, *(o for o in owners if o is not None)]))
    people_out: dict[str, FloatArray] = {}
    scales: dict[str, FloatArray] = {}
    for role in roles:
        mine = [i for i, owner in enumerate(owners) if owner == role]
        own = people_hours.get(role)
        total = np.zeros_like(agents[0]) if own is None else np.asarray(own, dtype=np.float64).copy()
        for i in mine:
            total = total + agents[i]
        cap = caps.get(role, 0.0)
        # Divided only where the cap binds (total > cap >= 0): a tiny total elsewhere cannot overflow.
        scale = np.ones_like(total)
        np.divide(cap, total, out=scale, where=total > cap)
        scales[role] = scale
        if own is not None:
            people_out[role] = own * scale
        for i in mine:
            agents[i] *= scale
    for i, owner in enumerate(owners):
        if owner is None:
            agents[i] = 0.0
    return people_out, agents, scales


@dataclass(frozen=True)
class CappedRole:
    """A role whose hours freed hit its ceiling in some months (``roi --json`` ``capped_roles``)."""

    role: str
    months: tuple[int, ...]  # 1-based months in which the cap bound
    hours_before_cap: float  # over the horizon, after throttling
    hours_after_cap: float
    cap_hours_per_month: float
    headcount: int

    def payload(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "months": list(self.months),
            "hours_before_cap": round(self.hours_before_cap, 2),
            "hours_after_cap": round(self.hours_after_cap, 2),
            "cap_hours_per_month": round(self.cap_hours_per_month, 4),
            "headcount": self.headcount,
        }


def capped_roles(
    before: Mapping[str, FloatArray],
    scales: Mapping[str, FloatArray],
    caps: Mapping[str, float],
    headcounts: Mapping[str, int],
) -> tuple[CappedRole, ...]:
    """The roles whose cap bound in at least one month, with the hours it took away.

    ``before`` role -> hours per month (people's plus agents') before the cap, ``scales`` as
    ``apply_caps`` returns them.
    """
    out = []
    for role, hours in before.items():
        scale = scales[role]
        bound = np.flatnonzero(scale < 1.0)
        if len(bound) == 0:
            continue
        out.append(
            CappedRole(
                role=role,
                months=tuple(int(m) + 1 for m in bound),
                hours_before_cap=float(hours.sum()),
                hours_after_cap=float((hours * scale).sum()),
                cap_hours_per_month=caps.get(role, 0.0),
                headcount=headcounts.get(role, 0),
            )
        )
    return tuple(out)


def cap_sentence(capped: CappedRole, label: str) -> str:
    """The sentence pages and exports show for a role whose cap bound.

    >>> c = CappedRole("soc", (6, 7), 620.0, 600.0, 300.0, 2)
    >>> cap_sentence(c, "SOC analyst")[:72]
    'SOC analyst: hours freed capped at 300 h a month (2 people x 1,800 h a y'
    >>> cap_sentence(c, "SOC analyst")[72:]
    'ear / 12) in 2 months (6 to 7); 620 h before the cap, 600 h after.'
    """
    if capped.headcount == 0:
        who = "no one in the case does this work"
    else:
        per_year = capped.cap_hours_per_month * MONTHS_PER_YEAR / capped.headcount
        people = "person" if capped.headcount == 1 else "people"
        who = f"{capped.headcount:,} {people} x {per_year:,.0f} h a year / 12"
    first, last = capped.months[0], capped.months[-1]
    when = f"month {first}" if len(capped.months) == 1 else f"{len(capped.months)} months ({first} to {last})"
    return (
        f"{label}: hours freed capped at {capped.cap_hours_per_month:,.0f} h a month ({who}) in "
        f"{when}; {capped.hours_before_cap:,.0f} h before the cap, {capped.hours_after_cap:,.0f} h after."
    )


def role_caps(scenario: Scenario) -> dict[str, float]:
    """Each role's monthly cap on hours freed in ``scenario`` (roles absent from it have none: 0)."""
    return {
        r: monthly_cap_hours(role.headcount, scenario.hours_per_fte_year)
        for r, role in scenario.roles.items()
    }


def line_owners(scenario: Scenario) -> list[str | None]:
    """The role each agent line takes over, in line order (None: nobody's work)."""
    return [line.takes_over for line in scenario.agents]


@dataclass(frozen=True)
class SharedEvidence:
    """An agent line and a role's time-saved band resting on the same study, for the same work."""

    agent: str
    role: str
    evidence_id: str

    def sentence(self, role_label: str) -> str:
        return (
            f"{self.agent} and the {role_label} time-saved band both rest on {self.evidence_id}: the "
            f"same work would be counted twice. Keep the agent line and set the {role_label} band "
            "without that study, or remove the line."
        )


def shared_evidence(scenario: Scenario) -> tuple[SharedEvidence, ...]:
    """Agent lines whose minutes avoided cite a study that the band of the role they take over
    also cites (the Conditional Access agent trial backs both the IAM band and the agent line).

    A line's studies are the catalogue ids named in its ``source`` after "minutes avoided:" (its
    context excluded), as presets and rate-card lines write it; a role's are the catalogue's
    time-saved evidence for it. Only roles with people in the case count.
    """
    catalogue = load_catalogue()
    found = []
    for line in scenario.agents:
        role = scenario.roles.get(line.takes_over) if line.takes_over else None
        if role is None or role.headcount == 0 or line.takes_over not in catalogue.roles:
            continue
        cited = line.source.split(MINUTES_NOTE.strip("; "), 1)[-1].split("; context:", 1)[0]
        band = catalogue.roles[line.takes_over].time_saved_share.evidence
        found += [SharedEvidence(line.agent, line.takes_over, e) for e in band if e in cited]
    return tuple(found)
