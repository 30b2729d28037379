"""The agent rate card: per agent, runs, SCUs per run (median, P10, P90), runs a day, share, hours.

Computed from the ingested frame, after ingest, on integer codes. An agent is the
`Initiated by` value of its runs; a run is one session (a row without a session id is a run of
its own), counted in the local hour of the week its first row started. Quantiles of SCUs per run
use the linear definition (numpy.percentile's default, Hyndman and Fan type 7). Runs a day
divide by the days of the export: local calendar days from the first usage row to the last,
inclusive (or the days the caller passes, such as a filter's range). Runs per active day divide
by the agent's own days: local calendar days from its first run to its last, inclusive; an agent
switched on late in the export runs at this rate, not at its export-wide average.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.usage.agent_names import agent_row_mask_from_codes, is_agent_identity
from copilot_roi.usage.analytics import BLANK_LABEL, DAY_NAMES, text_array

HOURS_PER_WEEK = 168
# Agents listed by name in a table page, a chart or ``usage --json``; the rest are one summary row.
# An export can name 50,000 agents: listing each made the page and the JSON unusable (issue 23).
TOP_AGENTS = 100
QUANTILE_METHOD = "linear (numpy.percentile default, Hyndman-Fan type 7)"
_HOUR_NS = 3_600_000_000_000
_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd multiplier (2**64 / golden ratio) spreads words


@dataclass(frozen=True)
class AgentRate:
    """One agent's measured rate. ``is_person`` marks an initiator that names a person."""

    agent: str
    is_person: bool
    runs: int
    total_units: float
    units_per_run_median: float
    units_per_run_p10: float
    units_per_run_p90: float
    runs_per_day: float  # over the export's days
    share_of_units: float
    runs_by_hour_of_week: tuple[int, ...]  # 168 counts, Monday 00:00 first, local time
    runs_per_active_day: float  # over the agent's days, its first run to its last, inclusive

    @property
    def hours_of_week_active(self) -> int:
        """Hours of the week in which the agent ran at least once."""
        return sum(1 for runs in self.runs_by_hour_of_week if runs)

    def as_dict(self, shown_name: str | None = None) -> dict[str, Any]:
        """The JSON object (``shown_name`` replaces a person's name with an alias)."""
        return {
            "agent": shown_name if shown_name is not None else self.agent,
            "is_person": self.is_person,
            "runs": self.runs,
            "total_units": self.total_units,
            "units_per_run_median": self.units_per_run_median,
            "units_per_run_p10": self.units_per_run_p10,
            "units_per_run_p90": self.units_per_run_p90,
            "runs_per_day": self.runs_per_day,
            "runs_per_active_day": self.runs_per_active_day,
            "share_of_units": self.share_of_units,
            "hours_of_week_active": self.hours_of_week_active,
            "runs_by_hour_of_week": list(self.runs_by_hour_of_week),
        }


@dataclass(frozen=True)
class RateCard:
    agents: tuple[AgentRate, ...]  # most SCUs first
    days: int
    total_units: float  # every row's SCUs, people and agents

    @property
    def agent_units(self) -> float:
        return _tidy(sum(a.total_units for a in self.agents))


@dataclass(frozen=True)
class OtherAgents:
    """The agents of a rate card left out of a listing, summed into one row."""

    count: int
    runs: int
    total_units: float
    runs_per_day: float
    share_of_units: float

    @property
    def label(self) -> str:
        return f"other agents ({self.count:,})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "runs": self.runs,
            "total_units": self.total_units,
            "runs_per_day": self.runs_per_day,
            "share_of_units": self.share_of_units,
        }


def listed_agents(
    card: RateCard, count: int | None = TOP_AGENTS, start: int = 0
) -> tuple[tuple[AgentRate, ...], OtherAgents | None]:
    """Agents ``start`` to ``start + count`` of the card (most SCUs first; all with ``count`` None)
    and every other agent summed into one row, or None when none is left out.

    >>> rate = AgentRate("A Agent", False, 2, 1.0, 0.5, 0.5, 0.5, 1.0, 0.5, (0,) * HOURS_PER_WEEK, 2.0)
    >>> card = RateCard(agents=(rate, rate, rate), days=2, total_units=2.0)
    >>> shown, rest = listed_agents(card, count=1)
    >>> len(shown), rest.label, rest.runs, rest.total_units, rest.share_of_units
    (1, 'other agents (2)', 4, 2.0, 1.0)
    """
    end = len(card.agents) if count is None else start + count
    shown = card.agents[start:end]
    rest = card.agents[:start] + card.agents[end:]
    if not rest:
        return shown, None
    return shown, OtherAgents(
        count=len(rest),
        runs=sum(a.runs for a in rest),
        total_units=_tidy(sum(a.total_units for a in rest)),
        runs_per_day=_tidy(sum(a.runs_per_day for a in rest)),
        share_of_units=_tidy(sum(a.share_of_units for a in rest)),
    )


def export_days(frame: pd.DataFrame) -> int:
    """Local calendar days from the first row's day to the last row's day, inclusive."""
    if len(frame) == 0:
        return 0
    return _days_spanned(_instants_ns(frame["started_at"]), frame["started_at"].dt.tz)


def rate_card(frame: pd.DataFrame, days: int | None = None) -> RateCard:
    """The rate card of the agent rows in ``frame`` (a usage dataset's frame, possibly filtered).

    >>> import datetime as dt
    >>> from copilot_roi.usage import IngestOptions, ingest_files
    >>> csv = (b"Date,Units used,Initiated by,Session ID,Type\\n"
    ...        b'"Nov 2, 09:00 AM",0.2,Phishing Triage Agent,a,Agent\\n'
    ...        b'"Nov 2, 09:01 AM",0.3,Phishing Triage Agent,a,Agent\\n'
    ...        b'"Nov 3, 10:00 AM",0.4,Phishing Triage Agent,b,Agent\\n'
    ...        b'"Nov 3, 11:00 AM",1.1,Ben,c,Prompt\\n')
    >>> data = ingest_files([("u.csv", csv)], IngestOptions(as_of=dt.date(2026, 11, 21)))
    >>> card = rate_card(data.frame)
    >>> a = card.agents[0]
    >>> a.agent, a.runs, a.total_units, a.units_per_run_median, a.runs_per_day, a.share_of_units
    ('Phishing Triage Agent', 2, 0.9, 0.45, 1.0, 0.45)
    >>> a.runs_per_active_day  # its runs on 2 and 3 Nov: 2 runs over 2 days
    1.0
    """
    # Every step works on integer codes of distinct values (a million rows hold a few hundred
    # initiators): text is hashed once per column and each name is tested once.
    total = _tidy(frame["units_scu"].sum()) if len(frame) else 0.0
    timezone = frame["started_at"].dt.tz
    instants_ns = _instants_ns(frame["started_at"])
    period_days = _days_spanned(instants_ns, timezone) if days is None else days
    if period_days <= 0 and len(frame):
        raise ValueError("the rate card needs a period of at least one day")
    user_codes, user_texts = _text_codes(frame["user"])
    kind_codes, kind_texts = _text_codes(frame["type"])
    users, kinds = user_texts.to_pylist(), kind_texts.to_pylist()
    rows = np.flatnonzero(agent_row_mask_from_codes(kind_codes, kinds, user_codes, users))
    if not len(rows):
        return RateCard(agents=(), days=period_days, total_units=total)
    agent_of_row, agent_users = _dense(user_codes[rows], len(users))
    runs = _runs(agent_of_row, frame["session_id"], rows)
    run_units = np.asarray(
        np.bincount(runs.of_row, weights=frame["units_scu"].to_numpy(dtype=np.float64)[rows]),
        dtype=np.float64,
    )
    # Each run counts in the local hour of the week of its earliest row.
    run_start_ns = np.full(len(runs.agent), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(run_start_ns, runs.of_row, instants_ns[rows])
    run_hour = _hour_of_week(run_start_ns, timezone)
    count = len(agent_users)
    runs_per_agent = np.bincount(runs.agent, minlength=count)
    units_per_agent = np.bincount(runs.agent, weights=run_units, minlength=count)
    hours = np.bincount(runs.agent * HOURS_PER_WEEK + run_hour, minlength=count * HOURS_PER_WEEK)
    hours = hours.reshape(count, HOURS_PER_WEEK)
    active_days = _active_days(runs.agent, run_start_ns, count, timezone)
    p10, median, p90 = _grouped_quantiles(runs.agent, run_units, runs_per_agent, (0.1, 0.5, 0.9))
    agents = []
    for code, user_code in enumerate(agent_users.tolist()):
        agent = users[user_code] or BLANK_LABEL
        agent_total = _tidy(units_per_agent[code])
        agents.append(
            AgentRate(
                agent=agent,
                is_person=agent != BLANK_LABEL and not is_agent_identity(agent),
                runs=int(runs_per_agent[code]),
                total_units=agent_total,
                units_per_run_median=_tidy(median[code]),
                units_per_run_p10=_tidy(p10[code]),
                units_per_run_p90=_tidy(p90[code]),
                runs_per_day=_tidy(runs_per_agent[code] / period_days),
                share_of_units=_tidy(agent_total / total) if total > 0 else 0.0,
                runs_by_hour_of_week=tuple(hours[code].tolist()),
                runs_per_active_day=_tidy(runs_per_agent[code] / active_days[code]),
            )
        )
    agents.sort(key=lambda a: (-a.total_units, a.agent))
    return RateCard(agents=tuple(agents), days=period_days, total_units=total)


@dataclass(frozen=True)
class _Runs:
    of_row: npt.NDArray[np.intp]  # each agent row's run
    agent: npt.NDArray[np.int64]  # each run's agent


def _runs(agent_of_row: npt.NDArray[np.intp], session_ids: pd.Series, rows: npt.NDArray[np.intp]) -> _Runs:
    """Runs of the agent rows ``rows``: one per agent and session id; a row without one is a run.

    Runs are numbered in order of their first row (sums over runs then add in row order).
    """
    sessions = _session_codes(session_ids, rows)
    if sessions.first_seen_order and sessions.blank_code is None:
        # The usual export: each session id belongs to one agent, so a session is a run.
        agent_of_session = np.zeros(sessions.count, dtype=np.int64)
        agent_of_session[sessions.of_row] = agent_of_row
        if np.array_equal(agent_of_session[sessions.of_row], agent_of_row):
            return _Runs(of_row=sessions.of_row, agent=agent_of_session)
    session_of_row = sessions.of_row.astype(np.int64)
    if sessions.blank_code is not None:
        blank = np.flatnonzero(session_of_row == sessions.blank_code)
        session_of_row[blank] = sessions.count + blank  # a code no session id can take
    span = sessions.count + len(rows)
    run_of_row, run_keys = pd.factorize(agent_of_row * span + session_of_row)
    return _Runs(of_row=run_of_row, agent=run_keys // span)


@dataclass(frozen=True)
class _SessionCodes:
    of_row: npt.NDArray[np.intp]  # each agent row's session id, as a code below ``count``
    count: int
    blank_code: int | None  # the code of a blank id (None when every row has one)
    first_seen_order: bool  # codes are 0, 1, 2... in order of first appearance, all in use


def _session_codes(session_ids: pd.Series, rows: npt.NDArray[np.intp]) -> _SessionCodes:
    """The session ids of the agent rows ``rows`` as integer codes."""
    if isinstance(session_ids.dtype, pd.CategoricalDtype):
        codes, sessions = _text_codes(session_ids, rows)
        ordered = False
    else:
        ids = text_array(session_ids)
        keep = np.zeros(len(ids), dtype=bool)
        keep[rows] = True
        ids = ids.filter(pa.array(keep))  # a filter, unlike a take, keeps the chunks as they are
        ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
        fixed = _equal_width_codes(ids)
        if fixed is not None:
            return _SessionCodes(of_row=fixed[0], count=fixed[1], blank_code=None, first_seen_order=True)
        encoded = pc.dictionary_encode(ids)
        codes, sessions = np.asarray(encoded.indices, dtype=np.intp), encoded.dictionary
        ordered = True
    blank_code = pc.index(sessions, "").as_py()
    return _SessionCodes(
        of_row=codes,
        count=len(sessions),
        blank_code=blank_code if blank_code >= 0 else None,
        first_seen_order=ordered,
    )


def _equal_width_codes(texts: pa.Array) -> tuple[npt.NDArray[np.intp], int] | None:
    """Codes of equal texts (first appearance order) and their count, when every text has the
    same non-zero byte length (session ids are GUIDs); else None.

    Hashing 200,000 distinct strings costs more than the rest of the rate card: instead each
    text's bytes are read as 64-bit words and mixed into one integer key. Keys are factorised,
    then every text is compared with one text of its key's group, so two ids whose keys collide
    are never merged (the caller then takes the exact, slower way).
    """
    count = len(texts)
    if not count or texts.null_count or not pa.types.is_string(texts.type):  # 32-bit offsets only
        return None
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset : texts.offset + count + 1]
    width = int(offsets[1] - offsets[0])
    if width == 0 or int(offsets[-1] - offsets[0]) != width * count:
        return None
    if not np.all(np.diff(offsets) == width):
        return None
    data = np.frombuffer(texts.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    words = np.zeros((count, -(-width // 8) * 8), dtype=np.uint8)
    words[:, :width] = data.reshape(count, width)
    packed = words.view(np.uint64)
    key = packed[:, 0].copy()
    for column in range(1, packed.shape[1]):
        key = key * _MIX + packed[:, column]  # wraps around: arithmetic modulo 2**64
    # Arrow's hash of 64-bit integers is faster than pandas' factorize (same first-seen order).
    encoded = pc.dictionary_encode(pa.array(key.view(np.int64)))
    codes, distinct = np.asarray(encoded.indices, dtype=np.intp), encoded.dictionary
    example = np.zeros(len(distinct), dtype=np.intp)
    example[codes] = np.arange(count)  # any row of each group will do
    if not np.array_equal(packed[example[codes]], packed):
        return None  # a collision: two ids share a key
    return codes, len(distinct)


def _text_codes(
    column: pd.Series, rows: npt.NDArray[np.intp] | None = None
) -> tuple[npt.NDArray[np.intp], pa.Array]:
    """Each row's code (of ``rows`` only, if given) and the distinct texts the codes index.

    A missing value reads as blank. A categorical column's codes are reused as they are;
    other text is dictionary-encoded once, in Arrow (the texts stay in Arrow: a column of
    session ids has as many as rows).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _categorical_codes(column, rows)
    values = text_array(column)
    if rows is not None:
        values = values.take(pa.array(rows))
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        chunks = encoded.unify_dictionaries().chunks
        if not chunks:
            return np.zeros(0, dtype=np.intp), pa.array([], pa.string())
        codes = np.concatenate([np.asarray(c.indices, dtype=np.intp) for c in chunks])
        return codes, chunks[0].dictionary
    return np.asarray(encoded.indices, dtype=np.intp), encoded.dictionary


def _categorical_codes(
    column: pd.Series, rows: npt.NDArray[np.intp] | None
) -> tuple[npt.NDArray[np.intp], pa.Array]:
    codes = np.asarray(column.cat.codes.to_numpy(), dtype=np.intp)
    if rows is not None:
        codes = codes[rows]
    texts = [str(c) for c in column.cat.categories]
    missing = codes < 0
    if missing.any():
        texts.append("")
        codes = np.where(missing, len(texts) - 1, codes)
    # Categories that read the same (1 and "1", a blank and a missing value) share one code.
    distinct: dict[str, int] = {}
    position = np.array([distinct.setdefault(text, len(distinct)) for text in texts], dtype=np.intp)
    if len(distinct) < len(texts):
        codes = position[codes]
    return codes, pa.array(list(distinct), pa.string())


def _dense(codes: npt.NDArray[np.intp], count: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``codes`` (each below ``count``) renumbered 0..k-1 in code order, and the code of each number."""
    present = np.flatnonzero(np.bincount(codes, minlength=count))
    renumber = np.zeros(count, dtype=np.intp)
    renumber[present] = np.arange(len(present))
    return renumber[codes], present


def _instants_ns(started_at: pd.Series) -> npt.NDArray[np.int64]:
    """Nanoseconds since the epoch: UTC for tz-aware times, the wall clock for naive ones."""
    return np.asarray(pd.DatetimeIndex(started_at).as_unit("ns").asi8, dtype=np.int64)


def _wall_clock_ns(instants_ns: npt.NDArray[np.int64], timezone: Any) -> npt.NDArray[np.int64]:
    if timezone is None:
        return instants_ns
    utc = pd.DatetimeIndex(instants_ns.view("M8[ns]")).tz_localize("UTC")
    return np.asarray(utc.tz_convert(timezone).tz_localize(None).asi8, dtype=np.int64)


def _hour_of_week(instants_ns: npt.NDArray[np.int64], timezone: Any) -> npt.NDArray[np.int64]:
    """Local hour of the week, Monday 00:00 = 0 (1970-01-01, day 0 of the epoch, was a Thursday).

    >>> monday_9am = np.array([pd.Timestamp("2026-11-02 09:30").value])
    >>> _hour_of_week(monday_9am, None).tolist()
    [9]
    """
    return (_wall_clock_ns(instants_ns, timezone) // _HOUR_NS + 3 * 24) % HOURS_PER_WEEK


def _active_days(
    agent_of_run: npt.NDArray[np.int64], run_start_ns: npt.NDArray[np.int64], count: int, timezone: Any
) -> npt.NDArray[np.int64]:
    """Each agent's local calendar days from its first run to its last, inclusive (at least 1)."""
    day = _wall_clock_ns(run_start_ns, timezone) // (24 * _HOUR_NS)
    first = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, agent_of_run, day)
    np.maximum.at(last, agent_of_run, day)
    return last - first + 1


def _days_spanned(instants_ns: npt.NDArray[np.int64], timezone: Any) -> int:
    """Local calendar days from the first instant's date to the last one's, inclusive."""
    if not len(instants_ns):
        return 0
    # Dates, not the time between local midnights: 1 March and 1 April in Paris are 31 days
    # less the spring-forward hour apart, and Timedelta.days would drop a day.
    first = _local_date(int(instants_ns.min()), timezone)
    last = _local_date(int(instants_ns.max()), timezone)
    return (last - first).days + 1


def _local_date(instant_ns: int, timezone: Any) -> dt.date:
    stamp = pd.Timestamp(instant_ns, unit="ns")
    return (stamp.tz_localize("UTC").tz_convert(timezone) if timezone is not None else stamp).date()


def _grouped_quantiles(
    group: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    sizes: npt.NDArray[np.int64],
    quantiles: tuple[float, ...],
) -> list[npt.NDArray[np.float64]]:
    """Linear quantiles of ``values`` within each group (numpy.percentile's default): for a group
    of n sorted values v, quantile q lies at position (n - 1) q between v[lo] and v[lo + 1].

    >>> _grouped_quantiles(np.array([0, 0, 0, 1]), np.array([3.0, 1.0, 2.0, 5.0]), np.array([3, 1]), (0.25,))
    [array([1.5, 5. ])]
    """
    value_of = _sorted_value_lookup(group, values, sizes)
    out = []
    for q in quantiles:
        position = (sizes - 1) * q
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, sizes - 1)
        below, above = value_of(low), value_of(high)
        out.append(np.asarray(below + (position - low) * (above - below), dtype=np.float64))
    return out


def _sorted_value_lookup(
    group: npt.NDArray[np.int64], values: npt.NDArray[np.float64], sizes: npt.NDArray[np.int64]
) -> Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float64]]:
    """A function giving, for each group g, the value at position p[g] of its sorted values."""
    encoded = pc.dictionary_encode(pa.array(values, pa.float64()))
    codes, distinct = np.asarray(encoded.indices, dtype=np.intp), np.asarray(encoded.dictionary)
    groups, width = len(sizes), len(distinct)
    if groups * width > 4 * len(values) + 2**16:
        # Many distinct values: sort by value, then stably by group. A float sort and a radix
        # sort of small integers are together twice as fast as one lexsort.
        by_value = np.argsort(values)
        small = np.int16 if groups <= np.iinfo(np.int16).max else np.int64
        ordered = values[by_value][np.argsort(group[by_value].astype(small), kind="stable")]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        return lambda position: np.asarray(ordered[starts + position], dtype=np.float64)
    # Few distinct values (SCUs come in tenths): count each group's values per distinct value
    # instead of sorting. Row g of the running counts is raised by g * (n + 1), so the rows laid
    # end to end rise throughout and one binary search finds every group's position.
    order = np.argsort(distinct)
    rank = np.empty(width, dtype=np.int64)
    rank[order] = np.arange(width)
    counts = np.bincount(group * width + rank[codes], minlength=groups * width).reshape(groups, width)
    lift = np.arange(groups, dtype=np.int64) * (len(values) + 1)
    running = (counts.cumsum(axis=1) + lift[:, None]).ravel()
    by_rank = np.asarray(distinct, dtype=np.float64)[order]

    def value_at(position: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        cell = np.searchsorted(running, position + lift, side="right")
        return np.asarray(by_rank[cell - np.arange(groups) * width], dtype=np.float64)

    return value_at


RATE_CARD_COLUMNS = [
    "agent",
    "runs",
    "total_units",
    "units_per_run_median",
    "units_per_run_p10",
    "units_per_run_p90",
    "runs_per_day",
    "runs_per_active_day",
    "share_of_units",
    "hours_of_week_active",
]


def rate_card_table(
    card: RateCard,
    shown_names: dict[str, str] | None = None,
    count: int | None = None,
    start: int = 0,
) -> pd.DataFrame:
    """The rate card as a table, one row per agent; ``shown_names`` maps people to aliases.

    With ``count``, only agents ``start`` to ``start + count`` (most SCUs first) have a row and a
    last row, ``other agents (k)``, sums the runs, SCUs, runs a day and share of the rest (its
    quantiles, runs per active day and hours are blank: they do not add up).
    """
    names = shown_names or {}
    shown, rest = listed_agents(card, count, start)
    rows: list[dict[str, Any]] = [
        {
            "agent": names.get(a.agent, a.agent) if a.is_person else a.agent,
            "runs": a.runs,
            "total_units": a.total_units,
            "units_per_run_median": a.units_per_run_median,
            "units_per_run_p10": a.units_per_run_p10,
            "units_per_run_p90": a.units_per_run_p90,
            "runs_per_day": a.runs_per_day,
            "runs_per_active_day": a.runs_per_active_day,
            "share_of_units": a.share_of_units,
            "hours_of_week_active": a.hours_of_week_active,
        }
        for a in shown
    ]
    if rest is not None:
        rows.append({"agent": rest.label} | rest.as_dict())
        del rows[-1]["count"]
    return pd.DataFrame(rows, columns=RATE_CARD_COLUMNS)


def runs_by_hour_table(rate: AgentRate) -> pd.DataFrame:
    """One agent's runs per local hour of the week: 7 rows (Mon..Sun) x 24 columns (0..23)."""
    grid = np.asarray(rate.runs_by_hour_of_week, dtype=np.int64).reshape(7, 24)
    return pd.DataFrame(grid, index=pd.Index(DAY_NAMES, name="day"), columns=range(24))


def _tidy(value: float) -> float:
    # Sums of 0.1-unit rows carry float noise; six places is far below any billed unit.
    return float(round(float(value), 6))
