"""Adoption measured from usage: who uses Security Copilot, how often, and whether that is growing.

People only: a row the rate card counts as an agent run (``Type`` says agent, ``Initiated by`` is a
known agent product or names an agent) is never a person's activity; agents are measured apart
(runs a day and SCUs per run, week by week). Every figure has one written definition,
:data:`DEFINITIONS`, which the page, the README and ``copilot-roi adoption --json`` show beside it.

Days are local calendar days in the export's time zone (the ingest's ``started_at``). Every window
ends on the window end: the last day of the data, or the as-of day the user gives (rows after it
are left out). Weeks start on Monday. A window longer than the data is flagged, never silently
shortened.

The rows are reduced once to one row per person and active day (and per person and experience,
plugin cell and category over the last 28 days) with Arrow group-bys; everything after works on
those small tables with numpy, never a Python loop over rows.

>>> import pandas as pd
>>> rows = pd.DataFrame({
...     "started_at": pd.to_datetime(["2026-11-02 09:00", "2026-11-09 10:00", "2026-11-16 11:00",
...                                   "2026-11-16 12:00"]).tz_localize("UTC"),
...     "user": ["Ann", "Ann", "Ann", "Phishing Triage Agent"], "units_scu": [1.0, 1.0, 1.0, 2.0],
...     "session_id": ["s1", "s2", "s3", "r1"], "category": ["Prompt"] * 4,
...     "type": ["Prompt", "Prompt", "Prompt", "Agent"], "experience": ["Standalone"] * 4,
...     "plugins": [""] * 4})
>>> a = measure_adoption(rows)
>>> a.people, a.active_people_28d, a.habitual_people, a.window_ends_on.isoformat()
(1, 1, 1, '2026-11-16')
>>> [(w.week_start.isoformat(), w.active_people, w.new, w.returning) for w in a.weekly]
[('2026-11-02', 1, 1, 0), ('2026-11-09', 1, 0, 1), ('2026-11-16', 1, 0, 1)]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.usage.agent_names import agent_row_mask_from_codes, is_agent_identity
from copilot_roi.usage.analytics import BLANK_LABEL, plugin_names, text_array
from copilot_roi.usage.chargeback import (
    DEFAULT_RULES,
    NO_TEAM,
    UNASSIGNED,
    RoleRule,
    Roster,
    assign_roles,
)

WINDOW_28_DAYS = 28
HABITUAL_ACTIVE_WEEKS = 3  # of the last HABITUAL_WEEKS
HABITUAL_WEEKS = 4
LAPSE_DAYS = 28
NOT_IN_ROSTER = "not in the roster"
_EPOCH = dt.date(1970, 1, 1)  # a Thursday: (day + 3) % 7 is the weekday, Monday 0

# One sentence per figure, keyed as ``copilot-roi adoption --json`` names it; the page's help
# text and the README's table print these same strings.
DEFINITIONS: dict[str, str] = {
    "people": "Distinct people with at least one session up to the window end; agent runs "
    "(the rate card's classification) are never a person.",
    "window_ends_on": "The day every window ends on: the last day of the data, or the as-of day "
    "when one is given (rows after it are left out).",
    "active_people_day": "People with at least one session on the window's last day, in the "
    "export's time zone.",
    "active_people_week": "People with at least one session in the 7 days ending on the window end.",
    "active_people_28d": "People with at least one session in the 28 days ending on the window end.",
    "habitual_people": "People active in at least 3 of the last 4 weeks (the four 7-day blocks "
    "ending on the window end).",
    "lapsed_people": "People active before but with no session in the 28 days ending on the window end.",
    "time_to_habitual_days": "Days from a person's first session (or the roster's start date "
    "when it gives one) to their first session in the first week that completes the habitual "
    "rule (a third active week among four, weeks starting Monday); median over those who got there.",
    "weekly.week_start": "The Monday the week starts on (weeks run Monday to Sunday, local time).",
    "weekly.active_people": "People with at least one session in the week.",
    "weekly.new": "People whose first session in the data falls in the week.",
    "weekly.returning": "People active in the week and also in the 28 days before its Monday.",
    "weekly.reactivated": "People active in the week after 28 or more days without a session.",
    "weekly.lapsed": "People active before but with no session in the 28 days ending on the "
    "week's last day (or the window end).",
    "weekly.active_people_28d": "People with at least one session in the 28 days ending on the "
    "week's last day (or the window end).",
    "funnel.in_roster": "People the roster lists in the role or team; unknown (null) without a "
    "roster, never guessed.",
    "funnel.ever_used": "Of them, people with at least one session up to the window end (without "
    "a roster: people whose SCUs the role rules give mostly to the role).",
    "funnel.active_28d": "Of them, people with a session in the 28 days ending on the window end.",
    "funnel.habitual": "Of them, people active in at least 3 of the last 4 weeks.",
    "intensity.sessions_per_active_person": "Distinct sessions in the experience over the last "
    "28 days, per person active in it then (a row without a session id is a session of its own).",
    "intensity.prompts_per_active_person": "Export rows (one per prompt or promptbook run) in the "
    "experience over the last 28 days, per person active in it then.",
    "intensity.scu_per_active_person": "SCUs used in the experience over the last 28 days, per "
    "person active in it then.",
    "intensity.promptbook_share": "Share of people's prompts over the last 28 days whose category "
    "is Promptbook.",
    "intensity.plugin_share": "Share of people's prompts over the last 28 days that used the "
    "plugin (a prompt naming several plugins counts for each).",
    "agents.runs_per_day": "An agent's runs (distinct sessions) in the week divided by the week's "
    "days of data; agents are never counted as people.",
    "agents.scu_per_run": "An agent's SCUs in the week divided by its runs that week; a change "
    "from week to week is drift.",
    "short_window": "True when the data covers fewer days than the figure's window (e.g. a "
    "28-day figure on 20 days of data): the figure counts only the days there are.",
}


@dataclass(frozen=True)
class WeekRow:
    week_start: dt.date
    days_of_data: int  # days of the week inside the data (7 but at the edges)
    active_people: int
    new: int
    returning: int
    reactivated: int
    lapsed: int
    active_people_28d: int
    look_back_complete: bool  # the 28 days before Monday are inside the data

    def as_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "days_of_data": self.days_of_data,
            "active_people": self.active_people,
            "new": self.new,
            "returning": self.returning,
            "reactivated": self.reactivated,
            "lapsed": self.lapsed,
            "active_people_28d": self.active_people_28d,
            "look_back_complete": self.look_back_complete,
        }


@dataclass(frozen=True)
class FunnelRow:
    group: str  # a role id, a team name, or NOT_IN_ROSTER / UNASSIGNED
    in_roster: int | None
    ever_used: int
    active_28d: int
    habitual: int

    def as_dict(self, key: str) -> dict[str, Any]:
        return {
            key: self.group,
            "in_roster": self.in_roster,
            "ever_used": self.ever_used,
            "active_28d": self.active_28d,
            "habitual": self.habitual,
        }


@dataclass(frozen=True)
class IntensityRow:
    experience: str
    active_people: int
    sessions: int
    prompts: int
    units_scu: float

    def as_dict(self) -> dict[str, Any]:
        people = self.active_people
        return {
            "experience": self.experience,
            "active_people": people,
            "sessions": self.sessions,
            "prompts": self.prompts,
            "units_scu": _tidy(self.units_scu),
            "sessions_per_active_person": _tidy(self.sessions / people) if people else None,
            "prompts_per_active_person": _tidy(self.prompts / people) if people else None,
            "scu_per_active_person": _tidy(self.units_scu / people) if people else None,
        }


@dataclass(frozen=True)
class AgentWeek:
    agent: str
    week_start: dt.date
    days_of_data: int
    runs: int
    units_scu: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "week_start": self.week_start.isoformat(),
            "runs": self.runs,
            "units_scu": _tidy(self.units_scu),
            "runs_per_day": _tidy(self.runs / self.days_of_data),
            "scu_per_run": _tidy(self.units_scu / self.runs) if self.runs else None,
        }


@dataclass(frozen=True)
class Adoption:
    """Every adoption figure of one usage frame at one window end (see :data:`DEFINITIONS`)."""

    window_ends_on: dt.date
    first_day: dt.date
    people: int
    active_people_day: int
    active_people_week: int
    active_people_28d: int
    habitual_people: int
    lapsed_people: int
    time_to_habitual_days: tuple[int, ...]  # one per person who became habitual
    time_to_habitual_from: str  # "first session" or "roster start date, else first session"
    weekly: tuple[WeekRow, ...]
    daily: pd.DataFrame  # day, active_people, active_people_28d
    funnel: tuple[FunnelRow, ...]
    funnel_by_team: tuple[FunnelRow, ...]
    with_roster: bool
    intensity: tuple[IntensityRow, ...]  # per experience, then "All experiences"
    promptbook_share: float | None
    plugin_share: dict[str, float]
    agent_weeks: tuple[AgentWeek, ...]
    person_months: pd.DataFrame = field(repr=False)  # person, role, month (first day), active

    @property
    def days_of_data(self) -> int:
        return (self.window_ends_on - self.first_day).days + 1

    @property
    def short_window(self) -> bool:
        return self.days_of_data < WINDOW_28_DAYS

    @property
    def median_time_to_habitual_days(self) -> float | None:
        return float(np.median(self.time_to_habitual_days)) if self.time_to_habitual_days else None

    def flags(self) -> list[str]:
        """What the figures cannot yet say, in words (short windows, incomplete look-backs)."""
        notes = []
        if self.short_window:
            notes.append(
                f"only {self.days_of_data} days of data: the 28-day, habitual and lapsed figures "
                "count only those days"
            )
        partial = [w for w in self.weekly if not w.look_back_complete]
        if partial:
            notes.append(
                f"the first {len(partial)} week(s) have less than 28 days of data before them: their "
                "new people may be returning ones, and none can be reactivated"
            )
        return notes

    def as_dict(self) -> dict[str, Any]:
        """The ``copilot-roi adoption --json`` document (keys as :data:`DEFINITIONS` names them)."""
        days = [np.datetime64(d, "D") for d in self.daily["day"]] if len(self.daily) else []
        return {
            "window_ends_on": self.window_ends_on.isoformat(),
            "first_day": self.first_day.isoformat(),
            "days_of_data": self.days_of_data,
            "short_window": self.short_window,
            "flags": self.flags(),
            "people": self.people,
            "active_people_day": self.active_people_day,
            "active_people_week": self.active_people_week,
            "active_people_28d": self.active_people_28d,
            "habitual_people": self.habitual_people,
            "lapsed_people": self.lapsed_people,
            "time_to_habitual_days": {
                "from": self.time_to_habitual_from,
                "people": len(self.time_to_habitual_days),
                "median": self.median_time_to_habitual_days,
            },
            "weekly": [w.as_dict() for w in self.weekly],
            "daily": [
                {"day": str(d), "active_people": int(a), "active_people_28d": int(a28)}
                for d, a, a28 in zip(
                    days, self.daily["active_people"], self.daily["active_people_28d"], strict=True
                )
            ],
            "funnel": [row.as_dict("role") for row in self.funnel],
            "funnel_by_team": [row.as_dict("team") for row in self.funnel_by_team],
            "intensity": {
                "by_experience": [row.as_dict() for row in self.intensity],
                "promptbook_share": self.promptbook_share,
                "plugin_share": self.plugin_share,
            },
            "agents": {"weekly": [w.as_dict() for w in self.agent_weeks]},
            "definitions": dict(DEFINITIONS),
        }


def measure_adoption(
    frame: pd.DataFrame,
    as_of: dt.date | None = None,
    roster: Roster | None = None,
    rules: tuple[RoleRule, ...] | None = None,
) -> Adoption:
    """Every adoption figure of a usage frame (the ingest's ``UsageDataset.frame``).

    ``as_of`` ends the windows on that day (rows after it are left out); by default they end on
    the data's last day. People are mapped to roles by ``roster``, then ``rules`` (the case's
    role rules; the chargeback's defaults when None), as on the Chargeback page.
    """
    if len(frame) == 0:
        raise ValueError("no usage rows to measure adoption on")
    columns = {name: text_array(frame[name]) for name in TEXT_COLUMNS if name in frame.columns}
    raw = pa.table(
        {
            "started_at": pa.array(frame["started_at"]),
            "units_scu": pa.array(frame["units_scu"].to_numpy(dtype=np.float64)),
            **columns,
        }
    )
    return measure_adoption_table(raw, as_of, roster, rules)


TEXT_COLUMNS = ("user", "type", "session_id", "category", "experience", "plugins")


def measure_adoption_table(
    raw: pa.Table,
    as_of: dt.date | None = None,
    roster: Roster | None = None,
    rules: tuple[RoleRule, ...] | None = None,
) -> Adoption:
    """:func:`measure_adoption` on usage rows held in Arrow (a Parquet history reads into this without
    pandas): ``started_at`` (a timestamp in the export's zone; naive means local already),
    ``units_scu`` and the text columns ``user``, ``type`` (optional), ``session_id``, ``category``,
    ``experience``, ``plugins`` (plain or dictionary-encoded strings).

    Every row is touched a few times as integer codes (day, person, agent or not); the text of
    the rows is read only for the last 28 days and for agents' runs.
    """
    started = raw.column("started_at")
    if started.type.tz is not None:
        started = pc.local_timestamp(started)  # wall-clock time in the export's zone
    # Four bytes a row for each code (ten million rows: 40 MB each), so a year of history fits in
    # well under 2 GiB with its text.
    day = np.asarray(pc.cast(pc.cast(started, pa.date32()), pa.int32()).to_numpy(), dtype=np.int32)
    del started
    user_codes, users = _codes(raw.column("user"))
    if "type" in raw.column_names:
        kind_codes, kinds = _codes(raw.column("type"))
    else:
        kind_codes, kinds = np.zeros(raw.num_rows, dtype=np.int32), [""]
    is_agent = agent_row_mask_from_codes(kind_codes, kinds, user_codes, users)
    del kind_codes
    named_agent = np.array([is_agent_identity(u) for u in users], dtype=bool)
    if named_agent.any():
        is_agent |= named_agent[user_codes]
    end = _day_number(as_of) if as_of is not None else int(day.max())
    kept = day <= end
    if not kept.any():
        raise ValueError(f"no usage rows on or before {_date(end).isoformat()}")
    first = int(day[kept].min())
    people = kept & ~is_agent
    # People get dense codes 0..n-1 (agents and the rows after the window end have none).
    person_users = np.unique(user_codes[people])
    names = [users[c] for c in person_users]
    person_of_user = np.full(len(users), -1, dtype=np.int32)
    person_of_user[person_users] = np.arange(len(person_users), dtype=np.int32)
    person = person_of_user[user_codes[people]]
    del user_codes
    activity = _Activity(_person_days(person, day[people]), len(names), first, end)
    roles, teams, starts = _roles_of_people(raw, people, person, names, roster, rules)
    recent = _rows(raw, people & (day > end - WINDOW_28_DAYS), day)
    agent_rows = _rows(raw, kept & is_agent, day)
    return Adoption(
        window_ends_on=_date(end),
        first_day=_date(first),
        people=len(names),
        active_people_day=activity.active_between(end, end),
        active_people_week=activity.active_between(end - 6, end),
        active_people_28d=activity.active_between(end - WINDOW_28_DAYS + 1, end),
        habitual_people=int(activity.habitual_at_end().sum()),
        lapsed_people=activity.lapsed_at(end),
        time_to_habitual_days=activity.time_to_habitual(starts),
        time_to_habitual_from="roster start date, else first session"
        if starts is not None
        else "first session",
        weekly=activity.weeks(),
        daily=activity.daily(),
        funnel=_funnel(activity, roles, roster, "role"),
        funnel_by_team=_funnel(activity, teams, roster, "team") if roster is not None else (),
        with_roster=roster is not None,
        intensity=_intensity(recent),
        promptbook_share=_promptbook_share(recent),
        plugin_share=_plugin_share(recent),
        agent_weeks=_agent_weeks(agent_rows, first, end),
        person_months=activity.person_months(roles),
    )


def _codes(column: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int32], list[str]]:
    """Each row's index into the column's distinct values, and those values (a null is "")."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    # One dictionary for every chunk (Parquet files, or chunks encoded one by one, each have theirs).
    chunks = column.unify_dictionaries().chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return np.zeros(0, dtype=np.int32), []
    values = ["" if v is None else str(v) for v in chunks[0].dictionary.to_pylist()]
    codes = np.concatenate(
        [np.asarray(c.indices.to_numpy(zero_copy_only=False), dtype=np.int32) for c in chunks]
    )
    if any(c.null_count for c in chunks):
        null = len(values)
        values.append("")
        codes = np.where(np.concatenate([np.asarray(c.is_null()) for c in chunks]), null, codes).astype(
            np.int32
        )
    return codes, values


def _rows(raw: pa.Table, mask: npt.NDArray[np.bool_], day: npt.NDArray[np.int32]) -> pa.Table:
    """The few rows of ``mask`` with plain text columns (the last 28 days, or agents' runs)."""
    picked = raw.filter(pa.array(mask))
    columns = {"day": pa.array(day[mask].astype(np.int32)), "units_scu": picked.column("units_scu")}
    for name in ("user", "session_id", "category", "experience", "plugins"):
        column = picked.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        columns[name] = column.fill_null("") if column.null_count else column
    return pa.table(columns)


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _date(day_number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(day_number))


def _week_start(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return days - (days + 3) % 7


def _person_days(codes: npt.NDArray[np.int32], days: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Distinct (person, day) pairs as an (n, 2) int64 array, sorted by person then day."""
    grouped = pa.table({"p": codes, "d": np.asarray(days, dtype=np.int32)}).group_by(["p", "d"]).aggregate([])
    pairs = np.column_stack(
        [grouped.column("p").to_numpy().astype(np.int64), grouped.column("d").to_numpy().astype(np.int64)]
    )
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order]


def _group_starts(*keys: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True where a row starts a new group of equal ``keys`` (rows sorted by them); empty stays empty."""
    starts = np.ones(len(keys[0]), dtype=bool)
    if len(starts) > 1:
        starts[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    return starts


class _Activity:
    """People's active days (sorted by person, then day) and the counts every figure is made of."""

    def __init__(self, person_days: npt.NDArray[np.int64], people: int, first: int, end: int) -> None:
        self.person = person_days[:, 0]
        self.day = person_days[:, 1]
        self.people: int = people
        self.first: int = int(first)
        self.end: int = int(end)
        same_person = ~_group_starts(self.person)
        # The person's previous active day (a large negative number for their first).
        self.previous = np.where(same_person, np.r_[0, self.day[:-1]][: len(self.day)], -(10**9))
        self.first_day = np.full(people, end + 1, dtype=np.int64)
        np.minimum.at(self.first_day, self.person, self.day)

    def active_between(self, start: int, stop: int) -> int:
        mask = (self.day >= start) & (self.day <= stop)
        return int(np.unique(self.person[mask]).size)

    def rolling_28d(self) -> npt.NDArray[np.int64]:
        """Distinct people active in the 28 days ending on each day first..end (exact).

        Each active day counts for the days it keeps a person active, from itself (or 28 days
        after the person's previous active day, whichever is later) to 27 days on: per person
        these spans never overlap, so a difference array counts distinct people.
        """
        span = self.end - self.first + 1
        starts = np.maximum(self.day, self.previous + WINDOW_28_DAYS) - self.first
        stops = self.day + WINDOW_28_DAYS - self.first  # exclusive
        keep = starts < stops
        change = np.zeros(span + WINDOW_28_DAYS + 1, dtype=np.int64)
        np.add.at(change, starts[keep], 1)
        np.add.at(change, stops[keep], -1)
        return np.cumsum(change)[:span]

    def daily(self) -> pd.DataFrame:
        span = self.end - self.first + 1
        per_day = np.bincount(self.day - self.first, minlength=span)
        return pd.DataFrame(
            {
                "day": [_date(d) for d in range(self.first, self.end + 1)],
                "active_people": per_day,
                "active_people_28d": self.rolling_28d(),
            }
        )

    def lapsed_at(self, day: int) -> int:
        """People first active on or before ``day`` and not in the 28 days ending on it."""
        started = int((self.first_day <= day).sum())
        return started - self.active_between(day - WINDOW_28_DAYS + 1, day)

    def weeks(self) -> tuple[WeekRow, ...]:
        first_monday = int(_week_start(np.array([self.first]))[0])
        mondays = np.arange(first_monday, self.end + 1, 7, dtype=np.int64)
        week_of = (self.day - first_monday) // 7
        new_week = _group_starts(self.person, week_of)
        # The person's last active day before their first active day in each week.
        before = self.previous[new_week]
        weeks_index = week_of[new_week]
        week_monday = mondays[weeks_index]
        is_new = before < -(10**8)
        returning = ~is_new & (before >= week_monday - LAPSE_DAYS)
        reactivated = ~is_new & ~returning
        n = len(mondays)

        def per_week(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
            return np.bincount(weeks_index[mask], minlength=n)

        active = per_week(np.ones(len(weeks_index), dtype=bool))
        new, back, again = per_week(is_new), per_week(returning), per_week(reactivated)
        rolling = self.rolling_28d()
        started_by = np.cumsum(np.bincount(self.first_day - self.first, minlength=self.end - self.first + 2))
        rows = []
        for w in range(n):  # one iteration per week, not per row
            monday = int(mondays[w])
            last_day = min(monday + 6, self.end)
            active_28 = int(rolling[last_day - self.first])
            rows.append(
                WeekRow(
                    week_start=_date(monday),
                    days_of_data=last_day - max(monday, self.first) + 1,
                    active_people=int(active[w]),
                    new=int(new[w]),
                    returning=int(back[w]),
                    reactivated=int(again[w]),
                    lapsed=int(started_by[last_day - self.first]) - active_28,
                    active_people_28d=active_28,
                    look_back_complete=bool(monday - LAPSE_DAYS >= self.first),
                )
            )
        return tuple(rows)

    def habitual_at_end(self) -> npt.NDArray[np.bool_]:
        """Per person: active in at least 3 of the four 7-day blocks ending on the window end."""
        recent = self.day > self.end - HABITUAL_WEEKS * 7
        block = (self.end - self.day[recent]) // 7
        pairs = np.unique(self.person[recent] * HABITUAL_WEEKS + block)
        weeks_active = np.bincount(pairs // HABITUAL_WEEKS, minlength=self.people)
        return np.asarray(weeks_active >= HABITUAL_ACTIVE_WEEKS)

    def active_28d_people(self) -> npt.NDArray[np.bool_]:
        active = np.zeros(self.people, dtype=bool)
        active[self.person[self.day > self.end - WINDOW_28_DAYS]] = True
        return active

    def time_to_habitual(self, starts: npt.NDArray[np.int64] | None) -> tuple[int, ...]:
        """Days to habitual use per person who got there (see ``time_to_habitual_days``)."""
        week = _week_start(self.day)
        first_of_week = _group_starts(self.person, week)
        person, monday, day = self.person[first_of_week], week[first_of_week], self.day[first_of_week]
        # An active week completes the rule when at least 2 of the person's 3 weeks before it were
        # active: its active-week predecessors 1 and 2 back, if within 3 weeks (21 days).
        if len(monday) < HABITUAL_ACTIVE_WEEKS:
            return ()
        back2 = np.r_[-(10**9), -(10**9), monday[:-2]]
        same2 = np.r_[False, False, person[2:] == person[:-2]]
        completes = same2 & (monday - back2 <= 21)
        if not completes.any():
            return ()
        reached_person, reached_day = person[completes], day[completes]
        keep = _group_starts(reached_person)
        reached_person, reached_day = reached_person[keep], reached_day[keep]
        origin = self.first_day[reached_person]
        if starts is not None:
            given = starts[reached_person]
            origin = np.where(given >= 0, given, origin)
        return tuple(int(d) for d in np.maximum(reached_day - origin, 0))

    def person_months(self, roles: npt.NDArray[np.object_]) -> pd.DataFrame:
        """Which people were active in which calendar month (for the ramp per role)."""
        months = self.day.astype("datetime64[D]").astype("datetime64[M]")
        frame = pd.DataFrame({"person": self.person, "month": months}).drop_duplicates()
        frame["role"] = roles[frame["person"].to_numpy()]
        return frame.reset_index(drop=True)


def _roles_of_people(
    raw: pa.Table,
    people: npt.NDArray[np.bool_],
    person: npt.NDArray[np.int32],
    names: list[str],
    roster: Roster | None,
    rules: tuple[RoleRule, ...] | None,
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_], npt.NDArray[np.int64] | None]:
    """Per person: role, team and roster start day (-1 when not given; None without any).

    A person in the roster takes its role and team; anyone else the role most of their SCUs go
    to by the rules (a person is in one role's funnel, not several), and the team NOT_IN_ROSTER.
    """
    listed = roster.by_user() if roster is not None else {}
    if not names:  # agents only: no person to place in a role or team
        empty = np.array([], dtype=object)
        return empty, empty, None
    # The rules test plugins and experience: one row per person and distinct pair, not per usage row.
    plugin_codes, plugins = _codes(raw.column("plugins"))
    experience_codes, experiences = _codes(raw.column("experience"))
    units = np.asarray(raw.column("units_scu").to_numpy(), dtype=np.float64)
    pairs = (
        pa.table(
            {
                "person": person,
                "plugins": plugin_codes[people],
                "experience": experience_codes[people],
                "units_scu": units[people],
            }
        )
        .group_by(["person", "plugins", "experience"])
        .aggregate([("units_scu", "sum")])
    )
    frame = pd.DataFrame(
        {
            "user": np.asarray(names, dtype=object)[pairs.column("person").to_numpy()],
            "plugins": np.asarray(plugins, dtype=object)[pairs.column("plugins").to_numpy()],
            "experience": np.asarray(experiences, dtype=object)[pairs.column("experience").to_numpy()],
            "units_scu": pairs.column("units_scu_sum").to_numpy(),
            "type": "",
            "session_id": "",
        }
    )
    assigned = assign_roles(frame, None, rules if rules is not None else DEFAULT_RULES)
    per_role = (
        pd.DataFrame(
            {
                "person": pairs.column("person").to_numpy(),
                "role": assigned["role"].astype(str).to_numpy(),
                "u": frame["units_scu"],
            }
        )
        .groupby(["person", "role"], sort=False)["u"]
        .sum()
        .round(6)  # sums of 0.1 SCU carry float noise: equal SCUs tie, and the tie goes by role id
        .reset_index()
        .sort_values(["person", "u", "role"], ascending=[True, False, True])
        .drop_duplicates("person")
    )
    roles = np.full(len(names), UNASSIGNED, dtype=object)
    roles[per_role["person"].to_numpy()] = per_role["role"].to_numpy()
    teams = np.full(len(names), NOT_IN_ROSTER if roster is not None else NO_TEAM, dtype=object)
    starts = None
    if listed:
        entries = [listed.get(n) for n in names]
        for index, entry in enumerate(entries):  # one per person, not per row
            if entry is not None:
                roles[index] = entry.role
                teams[index] = entry.team or NO_TEAM
        if any(e is not None and e.start_date is not None for e in entries):
            starts = np.array(
                [_day_number(e.start_date) if e and e.start_date else -1 for e in entries], dtype=np.int64
            )
    if roster is not None:
        roles = np.array(
            [r if n in listed else NOT_IN_ROSTER for r, n in zip(roles, names, strict=True)], dtype=object
        )
    return roles, teams, starts


def _funnel(
    activity: _Activity, groups: npt.NDArray[np.object_], roster: Roster | None, key: str
) -> tuple[FunnelRow, ...]:
    """Per role (or team): people in the roster -> ever used -> active in 28 days -> habitual."""
    active = activity.active_28d_people()
    habitual = activity.habitual_at_end()
    frame = pd.DataFrame({"group": groups, "active": active, "habitual": habitual})
    used = frame.groupby("group", sort=True).agg(
        ever_used=("active", "size"), active_28d=("active", "sum"), habitual=("habitual", "sum")
    )
    in_roster: dict[str, int] = {}
    if roster is not None:
        for entry in roster.entries:
            name = entry.role if key == "role" else (entry.team or NO_TEAM)
            in_roster[name] = in_roster.get(name, 0) + 1
    names = sorted(set(used.index) | set(in_roster), key=lambda g: (g == NOT_IN_ROSTER, g == UNASSIGNED, g))
    rows = []
    for name in names:
        counts = [int(used.loc[name, c]) if name in used.index else 0 for c in used.columns]  # type: ignore[arg-type]
        rows.append(
            FunnelRow(
                group=str(name),
                in_roster=in_roster.get(name, 0) if roster is not None and name != NOT_IN_ROSTER else None,
                ever_used=counts[0],
                active_28d=counts[1],
                habitual=counts[2],
            )
        )
    return tuple(rows)


def _sessions_by(rows: pa.Table, keys: list[str]) -> pa.Table:
    """Per ``keys``: people, sessions (a blank session id is a session of its own), rows, SCUs."""
    blank = pc.equal(rows.column("session_id"), "")
    with_id = rows.filter(pc.invert(blank)).group_by(keys).aggregate([("session_id", "count_distinct")])
    totals = rows.group_by(keys).aggregate(
        [("user", "count_distinct"), ("units_scu", "sum"), ("units_scu", "count")]
    )
    no_id = rows.filter(blank).group_by(keys).aggregate([("units_scu", "count")])
    merged = totals.join(with_id, keys).join(no_id.rename_columns([*keys, "blank_rows"]), keys)
    return merged


def _intensity(recent: pa.Table) -> tuple[IntensityRow, ...]:
    if recent.num_rows == 0:
        return ()
    rows = recent.append_column("all", pa.array(["All experiences"] * recent.num_rows))
    out: list[IntensityRow] = []
    for key in ("experience", "all"):
        for r in sorted(_sessions_by(rows, [key]).to_pylist(), key=lambda r: str(r[key])):
            out.append(
                IntensityRow(
                    experience=str(r[key]) or BLANK_LABEL,
                    active_people=int(r["user_count_distinct"]),
                    sessions=_sessions(r),
                    prompts=int(r["units_scu_count"]),
                    units_scu=float(r["units_scu_sum"]),
                )
            )
    return tuple(out)


def _sessions(row: dict[str, Any]) -> int:
    """Distinct session ids plus rows without one (each its own session), from :func:`_sessions_by`."""
    return int(row["session_id_count_distinct"] or 0) + int(row["blank_rows"] or 0)


def _promptbook_share(recent: pa.Table) -> float | None:
    if recent.num_rows == 0:
        return None
    category = pc.utf8_lower(recent.column("category"))
    return _tidy(pc.sum(pc.equal(category, "promptbook").cast(pa.int64())).as_py() / recent.num_rows)


def _plugin_share(recent: pa.Table) -> dict[str, float]:
    if recent.num_rows == 0:
        return {}
    cells = recent.group_by("plugins").aggregate([("plugins", "count")])
    counts: dict[str, int] = {}
    for cell, count in zip(
        cells.column("plugins").to_pylist(), cells.column("plugins_count").to_pylist(), strict=True
    ):
        for name in set(plugin_names(str(cell))):  # one per distinct cell, not per row
            counts[name] = counts.get(name, 0) + int(count)
    total = recent.num_rows
    return {name: _tidy(n / total) for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _agent_weeks(rows: pa.Table, first: int, end: int) -> tuple[AgentWeek, ...]:
    if rows.num_rows == 0:
        return ()
    week = _week_start(rows.column("day").to_numpy().astype(np.int64))
    table = rows.append_column("week", pa.array(week))
    grouped = sorted(_sessions_by(table, ["user", "week"]).to_pylist(), key=lambda r: (r["user"], r["week"]))
    out = []
    for r in grouped:  # one per agent and week
        monday = int(r["week"])
        out.append(
            AgentWeek(
                agent=str(r["user"]),
                week_start=_date(monday),
                days_of_data=min(monday + 6, end) - max(monday, first) + 1,
                runs=_sessions(r),
                units_scu=float(r["units_scu_sum"]),
            )
        )
    return tuple(out)


def _tidy(value: float) -> float:
    # Sums of 0.1-unit rows carry float noise; six places is far below any figure shown.
    return float(round(float(value), 6))
