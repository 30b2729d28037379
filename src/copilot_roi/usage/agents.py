"""The agent rate card: per agent, runs, SCUs per run (median, P10, P90), runs a day, share, hours.

Computed from the ingested frame, after ingest (ingest speed is unchanged). An agent is the
`Initiated by` value of its runs; a run is one session (a row without a session id is a run of
its own), counted in the local hour of the week its first row started. Quantiles of SCUs per run
use the linear definition (numpy.percentile's default, Hyndman and Fan type 7). Runs a day
divide by the days of the export: local calendar days from the first usage row to the last,
inclusive (or the days the caller passes, such as a filter's range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.usage.agent_names import agent_row_mask, is_agent_identity
from copilot_roi.usage.analytics import BLANK_LABEL, DAY_NAMES, text_array

HOURS_PER_WEEK = 168
QUANTILE_METHOD = "linear (numpy.percentile default, Hyndman-Fan type 7)"


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
    runs_per_day: float
    share_of_units: float
    runs_by_hour_of_week: tuple[int, ...]  # 168 counts, Monday 00:00 first, local time

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


def export_days(frame: pd.DataFrame) -> int:
    """Local calendar days from the first row's day to the last row's day, inclusive."""
    if len(frame) == 0:
        return 0
    started = frame["started_at"]
    return int((started.max().normalize() - started.min().normalize()).days) + 1


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
    """
    total = _tidy(frame["units_scu"].sum()) if len(frame) else 0.0
    period_days = export_days(frame) if days is None else days
    if period_days <= 0 and len(frame):
        raise ValueError("the rate card needs a period of at least one day")
    users = text_array(frame["user"])
    mask = agent_row_mask(text_array(frame["type"]), users)
    if not mask.any():
        return RateCard(agents=(), days=period_days, total_units=total)
    keep = pa.array(mask)
    agent_codes, agent_dictionary = _encoded(users.filter(keep))
    agent_names = agent_dictionary.to_pylist()
    session_codes, session_ids = _encoded(text_array(frame["session_id"]).filter(keep))
    rows = len(agent_codes)
    # A row without a session id is a run of its own: it gets a session code no id can take.
    blank_row = np.asarray(pc.equal(session_ids, ""), dtype=bool)[session_codes]
    sessions = np.where(blank_row, len(session_ids) + np.arange(rows), session_codes)
    run_keys, run_of_row = np.unique(agent_codes * (len(session_ids) + rows) + sessions, return_inverse=True)
    run_agent = run_keys // (len(session_ids) + rows)
    run_units = np.asarray(
        np.bincount(run_of_row, weights=frame["units_scu"].to_numpy(dtype=float)[mask]), dtype=np.float64
    )
    # Each run counts in the local hour of the week of its earliest row.
    started = frame["started_at"][mask]
    row_hour = (started.dt.day_of_week * 24 + started.dt.hour).to_numpy(dtype=np.int64)
    by_run_then_time = np.lexsort((started.to_numpy(dtype="datetime64[ns]"), run_of_row))
    first_rows = by_run_then_time[np.r_[True, np.diff(run_of_row[by_run_then_time]) != 0]]
    run_hour = row_hour[first_rows]
    count = len(agent_names)
    runs_per_agent = np.bincount(run_agent, minlength=count)
    units_per_agent = np.bincount(run_agent, weights=run_units, minlength=count)
    hours = np.bincount(run_agent * HOURS_PER_WEEK + run_hour, minlength=count * HOURS_PER_WEEK)
    hours = hours.reshape(count, HOURS_PER_WEEK)
    p10, median, p90 = _grouped_quantiles(run_agent, run_units, runs_per_agent, (0.1, 0.5, 0.9))
    agents = []
    for code, raw_name in enumerate(agent_names):
        agent = str(raw_name) or BLANK_LABEL
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
            )
        )
    agents.sort(key=lambda a: (-a.total_units, a.agent))
    return RateCard(agents=tuple(agents), days=period_days, total_units=total)


def _encoded(values: pa.Array | pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], pa.Array]:
    """Codes (one per row) and the distinct values they index."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()  # one dictionary for every row
    encoded = pc.dictionary_encode(values)
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), encoded.dictionary


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
    ordered = values[np.lexsort((values, group))]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = []
    for q in quantiles:
        position = (sizes - 1) * q
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, sizes - 1)
        below, above = ordered[starts + low], ordered[starts + high]
        out.append(np.asarray(below + (position - low) * (above - below), dtype=np.float64))
    return out


def rate_card_table(card: RateCard, shown_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The rate card as a table (one row per agent); ``shown_names`` maps people to aliases."""
    names = shown_names or {}
    return pd.DataFrame(
        [
            {
                "agent": names.get(a.agent, a.agent) if a.is_person else a.agent,
                "runs": a.runs,
                "total_units": a.total_units,
                "units_per_run_median": a.units_per_run_median,
                "units_per_run_p10": a.units_per_run_p10,
                "units_per_run_p90": a.units_per_run_p90,
                "runs_per_day": a.runs_per_day,
                "share_of_units": a.share_of_units,
                "hours_of_week_active": a.hours_of_week_active,
            }
            for a in card.agents
        ],
        columns=[
            "agent",
            "runs",
            "total_units",
            "units_per_run_median",
            "units_per_run_p10",
            "units_per_run_p90",
            "runs_per_day",
            "share_of_units",
            "hours_of_week_active",
        ],
    )


def runs_by_hour_table(rate: AgentRate) -> pd.DataFrame:
    """One agent's runs per local hour of the week: 7 rows (Mon..Sun) x 24 columns (0..23)."""
    grid = np.asarray(rate.runs_by_hour_of_week, dtype=np.int64).reshape(7, 24)
    return pd.DataFrame(grid, index=pd.Index(DAY_NAMES, name="day"), columns=range(24))


def _tidy(value: float) -> float:
    # Sums of 0.1-unit rows carry float noise; six places is far below any billed unit.
    return float(round(float(value), 6))
