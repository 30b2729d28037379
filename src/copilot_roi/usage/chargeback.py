"""Chargeback: usage and cost per role, team and seniority, from a roster and/or plugin rules.

A user listed in the roster takes the roster's role, team and seniority; other rows take the
role of the first rule that matches their plugins or experience, else ``unassigned`` (a
chargeback pseudo-role, not a registered role: it has no value defaults). Cost is
allocated at one cost per SCU (the page uses the current plan's blended cost), so the cost
column sums to units x that rate. Each row keeps its workspace, and ``by_workspace`` groups by
it (one workspace, the default, for an export without a workspace column); each workspace's
own bill per SCU is ``usage.workspaces.WorkspaceBill.cost_per_scu``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from copilot_roi.roles import RoleId, role_for, role_ids, role_label
from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.usage.analytics import text_array
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import normalise
from copilot_roi.usage.workspaces import workspace_column

# Usage that no roster row or rule claims: chargeback's own pseudo-role, listed after the roles.
UNASSIGNED = "unassigned"
UNASSIGNED_LABEL = "Unassigned"
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
    start_date: dt.date | None = Field(
        default=None, description="when the person started in the role (time to habitual use counts from it)"
    )

    @field_validator("start_date", mode="before")
    @classmethod
    def _start(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError:
                raise ValueError(f"start date {text!r} is not a date (YYYY-MM-DD)") from None
        return value

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> object:
        if isinstance(value, str):
            known = role_for(value)
            if known is None:
                raise ValueError(f"unknown role {value!r} (use one of {', '.join(role_ids())})")
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


def chargeback_role_label(role: str) -> str:
    """The label of a registered role, or of chargeback's ``unassigned``."""
    return UNASSIGNED_LABEL if role == UNASSIGNED else role_label(role)


def chargeback_roles() -> list[str]:
    """The registered role ids, then ``unassigned``."""
    roles = list(role_ids())
    if UNASSIGNED in roles:
        # It would merge a role's usage with the unclaimed usage in every chargeback table.
        raise ValueError(f"no role may be called {UNASSIGNED!r}: chargeback uses it for unclaimed usage")
    return [*roles, UNASSIGNED]


@dataclass(frozen=True)
class Roster:
    entries: tuple[RosterEntry, ...]
    rejections: list[tuple[int, str]]  # (row, reason)

    def by_user(self) -> dict[str, RosterEntry]:
        return {e.user: e for e in self.entries}


def read_roster(file_name: str, data: bytes) -> Roster:
    """Parse a roster CSV (``user, role[, team][, seniority][, start date]``); bad rows are listed,
    not guessed. The start date (YYYY-MM-DD) is when the person started in the role."""
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
        "start_date": ("startdate", "start", "started", "startedon", "since", "joined", "joinedon"),
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
            # No name in the message: it is shown on screen even when users are pseudonymised.
            rejections.append((number, "this user is listed twice; the first row counts"))
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
    by_workspace: pd.DataFrame


def _distinct(series: pd.Series) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Distinct values of a text column and each row's index into them (vectorised)."""
    encoded = pc.dictionary_encode(text_array(series))
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if isinstance(encoded, pa.ChunkedArray):
        chunks = encoded.unify_dictionaries().chunks
    if not chunks:
        return [], np.zeros(0, dtype=np.int64)
    codes = np.concatenate([np.asarray(c.indices, dtype=np.int64) for c in chunks])
    return [str(v) for v in chunks[0].dictionary.to_pylist()], codes


def _labels(codes: npt.NDArray[np.int64], labels: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(labels, pa.string()))


def assign_roles(
    frame: pd.DataFrame, roster: Roster | None, rules: tuple[RoleRule, ...] = DEFAULT_RULES
) -> pd.DataFrame:
    """Role, team, seniority, where the role came from ('roster', 'rule', 'none') and the
    workspace, per row.

    Works on distinct users, plugins and experiences, never row by row.
    """
    roles = chargeback_roles()
    sources = ["none", "rule", "roster"]
    n = len(frame)
    role = np.full(n, roles.index(UNASSIGNED), dtype=np.int64)
    source = np.zeros(n, dtype=np.int64)
    for rule in reversed(rules):  # earlier rules win: apply them last
        values, codes = _distinct(frame[rule.field])
        hits = np.array([rule.contains.lower() in v.lower() for v in values], dtype=bool)
        if not hits.any():
            continue
        mask = hits[codes]
        role[mask] = roles.index(rule.role)
        source[mask] = 1
    users, user_codes = _distinct(frame["user"])
    teams, levels = [NO_TEAM], [NO_SENIORITY]
    team = np.zeros(n, dtype=np.int64)
    seniority = np.zeros(n, dtype=np.int64)
    listed = roster.by_user() if roster is not None else {}
    if listed and users:
        entries = [listed.get(u) for u in users]
        teams += sorted({e.team for e in entries if e and e.team})
        levels += sorted({e.seniority for e in entries if e and e.seniority})
        in_roster = np.array([e is not None for e in entries], dtype=bool)
        user_role = np.array([roles.index(e.role) if e else 0 for e in entries], dtype=np.int64)
        user_team = np.array([teams.index(e.team) if e and e.team else 0 for e in entries])
        user_level = np.array([levels.index(e.seniority) if e and e.seniority else 0 for e in entries])
        mask = in_roster[user_codes]
        role[mask] = user_role[user_codes][mask]
        source[mask] = 2
        team = np.where(mask, user_team[user_codes], 0)
        seniority = np.where(mask, user_level[user_codes], 0)
    table = pa.table(
        {
            "user": _labels(user_codes, users),
            "role": _labels(role, roles),
            "team": _labels(team, teams),
            "seniority": _labels(seniority, levels),
            "source": _labels(source, sources),
            "units_scu": pa.array(frame["units_scu"].to_numpy(dtype=float)),
            "session_id": text_array(frame["session_id"]),
            "workspace": text_array(workspace_column(frame)),
        }
    )
    assigned: pd.DataFrame = table.to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    return assigned


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
    arrow = pa.table(
        {
            **{
                k: text_array(assigned[k])
                for k in ("user", "role", "team", "seniority", "source", "workspace")
            },
            "units_scu": pa.array(assigned["units_scu"].to_numpy(dtype=float)),
            "session_id": text_array(assigned["session_id"]),
        }
    )

    def table(keys: list[str]) -> pd.DataFrame:
        grouped = arrow.group_by(keys).aggregate([("units_scu", "sum"), ("session_id", "count_distinct")])
        out = pd.DataFrame({k: grouped.column(k).to_pylist() for k in keys})
        out["units_scu"] = grouped.column("units_scu_sum").to_numpy()
        out["sessions"] = grouped.column("session_id_count_distinct").to_numpy()
        total = out["units_scu"].sum()
        out["share"] = out["units_scu"] / total if total > 0 else 0.0
        out["cost"] = out["units_scu"] * cost_per_scu
        out = out.sort_values(["units_scu", *keys], ascending=[False, *[True] * len(keys)])
        return out.reset_index(drop=True)

    by_role = table(["role"])
    by_role.insert(1, "role_label", [chargeback_role_label(r) for r in by_role["role"]])
    return ChargebackResult(
        cost_per_scu=cost_per_scu,
        currency=currency,
        assigned=assigned,
        by_role=by_role,
        by_team=table(["team"]),
        by_seniority=table(["seniority"]),
        by_user=table(["user", "role", "team", "seniority", "source"]),
        by_workspace=table(["workspace"]),
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
