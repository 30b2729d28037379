"""Chargeback: usage and cost per role, team and seniority, from a roster and/or plugin rules.

A user listed in the roster takes the roster's role, team and seniority; other rows take the
role of the first rule that matches their plugins or experience, else ``unassigned``. Cost is
allocated at one cost per SCU (the page uses the current plan's blended cost), so the cost
column sums to units x that rate.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import normalise

RoleId = Literal["soc", "iam", "dlp", "irm", "ediscovery", "ciso", "it_admin"]
ROLE_LABELS: dict[str, str] = {
    "soc": "SOC analyst",
    "iam": "Identity (IAM)",
    "dlp": "Data loss prevention",
    "irm": "Insider risk",
    "ediscovery": "eDiscovery",
    "ciso": "CISO office",
    "it_admin": "IT admin",
    "unassigned": "Unassigned",
}
_ROLE_SPELLINGS = {
    normalise(s): role
    for role, spellings in {
        "soc": ("soc", "socanalyst", "securityoperations", "analyst"),
        "iam": ("iam", "identity", "identityadmin"),
        "dlp": ("dlp", "dataprotection", "datalossprevention"),
        "irm": ("irm", "insiderrisk", "insiderriskmanagement"),
        "ediscovery": ("ediscovery", "legal"),
        "ciso": ("ciso", "cisooffice", "securityleadership"),
        "it_admin": ("itadmin", "it", "itadministrator", "endpointadmin"),
    }.items()
    for s in spellings
}
MAX_ROSTER_BYTES = 5 * 2**20
MAX_ROSTER_ROWS = 100_000
NO_TEAM = "(no team)"
NO_SENIORITY = "(not given)"


class RosterEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user: str = Field(min_length=1, max_length=300)
    role: RoleId
    team: str = Field(default="", max_length=200)
    seniority: str = Field(default="", max_length=100)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> object:
        if isinstance(value, str):
            known = _ROLE_SPELLINGS.get(normalise(value))
            if known is None:
                raise ValueError(f"unknown role {value!r} (use one of {', '.join(ROLE_LABELS)})")
            return known
        return value


class RoleRule(BaseModel):
    """Rows whose ``field`` contains ``contains`` (case-insensitive) belong to ``role``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: Literal["plugins", "experience"]
    contains: str = Field(min_length=1, max_length=200)
    role: RoleId


DEFAULT_RULES: tuple[RoleRule, ...] = (
    RoleRule(field="plugins", contains="Entra", role="iam"),
    RoleRule(field="plugins", contains="Intune", role="it_admin"),
    RoleRule(field="plugins", contains="Purview", role="dlp"),
    RoleRule(field="plugins", contains="Defender", role="soc"),
    RoleRule(field="plugins", contains="Sentinel", role="soc"),
)


@dataclass(frozen=True)
class Roster:
    entries: tuple[RosterEntry, ...]
    rejections: list[tuple[int, str]]  # (row, reason)

    def by_user(self) -> dict[str, RosterEntry]:
        return {e.user: e for e in self.entries}


def read_roster(file_name: str, data: bytes) -> Roster:
    """Parse a roster CSV (``user, role[, team][, seniority]``); bad rows are listed, not guessed."""
    if len(data) > MAX_ROSTER_BYTES:
        raise UntrustedFileError(file_name, f"a roster over {MAX_ROSTER_BYTES // 2**20} MiB")
    if b"\x00" in data:
        raise UntrustedFileError(file_name, "binary content, not a CSV roster")
    try:
        text = data.decode("utf-8-sig") if not data.startswith(codecs.BOM_UTF16_LE) else data.decode("utf-16")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines:
        raise UntrustedFileError(file_name, "the roster is empty")
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [normalise(h) for h in rows[0]]
    aliases = {
        "user": ("user", "initiatedby", "name", "upn"),
        "role": ("role",),
        "team": ("team",),
        "seniority": ("seniority", "level", "grade"),
    }
    positions: dict[str, int] = {}
    for field, names in aliases.items():
        for index, h in enumerate(header):
            if h in names and field not in positions:
                positions[field] = index
    if "user" not in positions or "role" not in positions:
        raise UntrustedFileError(file_name, "the roster needs 'user' and 'role' columns", row=1)
    if len(rows) - 1 > MAX_ROSTER_ROWS:
        raise UntrustedFileError(file_name, f"more than {MAX_ROSTER_ROWS:,} roster rows")
    entries: list[RosterEntry] = []
    rejections: list[tuple[int, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: (row[i].strip() if i < len(row) else "") for f, i in positions.items()}
        try:
            entry = RosterEntry(**values)
        except ValidationError as error:
            rejections.append((number, "; ".join(e["msg"] for e in error.errors())))
            continue
        if entry.user in seen:
            rejections.append((number, f"{entry.user!r} is listed twice; the first row counts"))
            continue
        seen.add(entry.user)
        entries.append(entry)
    return Roster(tuple(entries), rejections)


@dataclass(frozen=True)
class ChargebackResult:
    cost_per_scu: float
    currency: str
    assigned: pd.DataFrame  # per row: user, role, team, seniority, source, units_scu
    by_role: pd.DataFrame
    by_team: pd.DataFrame
    by_seniority: pd.DataFrame
    by_user: pd.DataFrame


def assign_roles(
    frame: pd.DataFrame, roster: Roster | None, rules: tuple[RoleRule, ...] = DEFAULT_RULES
) -> pd.DataFrame:
    """Role, team, seniority and where the role came from ('roster', 'rule', 'none') per row."""
    n = len(frame)
    role = np.full(n, "unassigned", dtype=object)
    source = np.full(n, "none", dtype=object)
    for rule in reversed(rules):  # earlier rules win: apply them last
        cells = frame[rule.field].astype("category")
        hits = np.array([rule.contains.lower() in str(c).lower() for c in cells.cat.categories])
        if len(hits) == 0:
            continue
        mask = hits[cells.cat.codes.to_numpy()]
        role[mask] = rule.role
        source[mask] = "rule"
    team = np.full(n, NO_TEAM, dtype=object)
    seniority = np.full(n, NO_SENIORITY, dtype=object)
    if roster is not None and roster.entries:
        listed = roster.by_user()
        users = frame["user"].astype(str).to_numpy()
        for name in set(users) & set(listed):
            entry = listed[name]
            mask = users == name
            role[mask] = entry.role
            source[mask] = "roster"
            team[mask] = entry.team or NO_TEAM
            seniority[mask] = entry.seniority or NO_SENIORITY
    return pd.DataFrame(
        {
            "user": frame["user"].astype(str).to_numpy(),
            "role": role,
            "team": team,
            "seniority": seniority,
            "source": source,
            "units_scu": frame["units_scu"].to_numpy(dtype=float),
            "session_id": frame["session_id"].astype(str).to_numpy(),
        }
    )


def chargeback(
    frame: pd.DataFrame,
    roster: Roster | None,
    cost_per_scu: float,
    currency: str = "USD",
    rules: tuple[RoleRule, ...] = DEFAULT_RULES,
) -> ChargebackResult:
    """SCUs, sessions and allocated cost per role, team, seniority and user."""
    if cost_per_scu < 0 or not np.isfinite(cost_per_scu):
        raise ValueError("the cost per SCU must be a finite number, not negative")
    assigned = assign_roles(frame, roster, rules)

    def table(keys: list[str]) -> pd.DataFrame:
        grouped = assigned.groupby(keys, sort=True).agg(
            units_scu=("units_scu", "sum"), sessions=("session_id", "nunique")
        )
        out = grouped.reset_index()
        total = out["units_scu"].sum()
        out["share"] = out["units_scu"] / total if total > 0 else 0.0
        out["cost"] = out["units_scu"] * cost_per_scu
        return out.sort_values("units_scu", ascending=False, kind="stable").reset_index(drop=True)

    by_role = table(["role"])
    by_role.insert(1, "role_label", [ROLE_LABELS[r] for r in by_role["role"]])
    return ChargebackResult(
        cost_per_scu=cost_per_scu,
        currency=currency,
        assigned=assigned,
        by_role=by_role,
        by_team=table(["team"]),
        by_seniority=table(["seniority"]),
        by_user=table(["user", "role", "team", "seniority", "source"]),
    )


def chargeback_csv(result: ChargebackResult, aliases: dict[str, str] | None = None) -> bytes:
    """The per-user chargeback table as CSV (UTF-8 with BOM for Excel), formula-safe.

    ``aliases`` (name -> alias) replaces user names when pseudonymising.
    """
    table = result.by_user.copy()
    if aliases is not None:
        table["user"] = [aliases.get(u, u) for u in table["user"]]
    table = table.rename(columns={"cost": f"cost_{result.currency.lower()}"})
    text = neutralise_frame(table).to_csv(index=False, float_format="%.6g")
    return codecs.BOM_UTF8 + text.encode("utf-8")
