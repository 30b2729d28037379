"""Usage analytics: filters, totals and KPIs, hour-of-week profile, daily trend and breakdowns.

Every figure the page and the CLI show comes from here, computed on the same typed frame.
Breakdowns by plugin split a row that lists several plugins equally between them, so each
breakdown sums to the total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.hourly import HourlySeries
from copilot_roi.usage.agent_names import agent_row_mask
from copilot_roi.usage.bucketing import hourly_series

Actor = Literal["all", "people", "agents"]
DIMENSIONS = ("user", "plugins", "experience", "category", "type", "actor")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BLANK_LABEL = "(not recorded)"


class UsageFilter(BaseModel):
    """Which rows count; empty selections mean everything."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    users: tuple[str, ...] = ()
    plugins: tuple[str, ...] = Field(default=(), description="rows using any of these plugins")
    experiences: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    actor: Actor = "all"
    workspaces: tuple[str, ...] = ()


def text_array(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as an Arrow string array (categoricals decoded), for vectorised work."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = pa.array(series.cat.codes.to_numpy(), mask=series.isna().to_numpy())
        categories = pa.array([str(c) for c in series.cat.categories], pa.string())
        array = pa.DictionaryArray.from_arrays(codes, categories)
    else:
        array = pa.array(series)
    if pa.types.is_dictionary(array.type):
        array = array.cast(pa.string())
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return array.fill_null("") if array.null_count else array


def actor_kind(frame: pd.DataFrame) -> pd.Series:
    """'Agent' for rows whose type says agent or whose initiator is a known agent, else 'Person'."""
    agent = agent_row_mask(text_array(frame["type"]), text_array(frame["user"]))
    kinds = pd.Categorical.from_codes(agent.astype(np.int8), categories=pd.Index(["Person", "Agent"]))
    return pd.Series(kinds, index=frame.index, name="actor")


def plugin_names(cell: str) -> list[str]:
    """Plugins listed in one cell ('A, B' or 'A; B').

    >>> plugin_names("Microsoft Defender XDR, Microsoft Sentinel")
    ['Microsoft Defender XDR', 'Microsoft Sentinel']
    """
    parts = [p.strip() for p in cell.replace(";", ",").split(",")]
    return [p for p in parts if p] or [BLANK_LABEL]


def apply_filter(frame: pd.DataFrame, usage_filter: UsageFilter) -> pd.DataFrame:
    """The rows ``usage_filter`` keeps."""
    keep = np.ones(len(frame), dtype=bool)
    f = usage_filter
    if f.first_day or f.last_day:
        days = frame["started_at"].dt.date
        if f.first_day:
            keep &= (days >= f.first_day).to_numpy()
        if f.last_day:
            keep &= (days <= f.last_day).to_numpy()
    for column, chosen in (
        ("user", f.users),
        ("experience", f.experiences),
        ("category", f.categories),
        ("workspace", f.workspaces),
    ):
        if chosen:
            keep &= frame[column].astype(str).isin(chosen).to_numpy()
    if f.plugins:
        wanted = set(f.plugins)
        cells = frame["plugins"].astype("category")
        hit = np.array([bool(wanted & set(plugin_names(str(c)))) for c in cells.cat.categories])
        keep &= hit[cells.cat.codes.to_numpy()] if len(hit) else False
    if f.actor != "all":
        keep &= (actor_kind(frame) == ("Agent" if f.actor == "agents" else "Person")).to_numpy()
    return frame.loc[keep]


def options(frame: pd.DataFrame, column: str) -> list[str]:
    """Distinct values of a column for a filter widget (plugins split per plugin)."""
    values = pc.unique(text_array(frame[column])).to_pylist()
    if column == "plugins":
        return sorted({p for c in values for p in plugin_names(str(c))})
    return sorted(str(v) for v in values)


def breakdown(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Units, rows and share per value of ``dimension`` (largest first)."""
    keys = actor_kind(frame) if dimension == "actor" else frame[dimension]
    table_in = pa.table(
        {"key": text_array(keys), "units": pa.array(frame["units_scu"].to_numpy(dtype=float))}
    )
    grouped_table = table_in.group_by("key").aggregate([("units", "sum"), ("units", "count")])
    grouped = pd.DataFrame(
        {
            "sum": grouped_table.column("units_sum").to_numpy(),
            "size": grouped_table.column("units_count").to_numpy(),
        },
        index=pd.Index(grouped_table.column("key").to_pylist(), dtype=object),
    )
    if dimension == "plugins":
        rows: dict[str, list[float]] = {}
        for cell, (units, count) in zip(grouped.index, grouped.to_numpy(), strict=True):
            names = plugin_names(str(cell))
            for name in names:
                entry = rows.setdefault(name, [0.0, 0.0])
                entry[0] += float(units) / len(names)
                entry[1] += float(count)
        table = pd.DataFrame(
            [(k, v[0], int(v[1])) for k, v in rows.items()], columns=["name", "units_scu", "rows"]
        )
    else:
        table = pd.DataFrame(
            {
                "name": [str(k) or BLANK_LABEL for k in grouped.index],
                "units_scu": grouped["sum"].to_numpy(dtype=float),
                "rows": grouped["size"].to_numpy(dtype=int),
            }
        )
    total = float(frame["units_scu"].sum())
    table["share"] = table["units_scu"] / total if total > 0 else 0.0
    return table.sort_values(["units_scu", "name"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class UsageSummary:
    """Totals and KPIs of a (possibly filtered) usage frame."""

    rows: int
    sessions: int
    users: int
    total_units: float
    units_per_session: float
    first: pd.Timestamp
    last: pd.Timestamp
    period_hours: int
    peak_hour_units: float
    peak_hour: pd.Timestamp
    by: dict[str, dict[str, float]]
    tables: dict[str, pd.DataFrame]  # the breakdown table of each dimension


def count_sessions(frame: pd.DataFrame) -> int:
    """Distinct session ids; a row without an id counts as its own session."""
    ids = text_array(frame["session_id"])
    blank = pc.equal(ids, "")
    distinct = pc.count_distinct(ids.filter(pc.invert(blank))).as_py()
    return int(distinct + pc.sum(blank.cast(pa.int64())).as_py()) if len(ids) else 0


def summarise(frame: pd.DataFrame, series: HourlySeries) -> UsageSummary:
    """Totals, per-dimension units and the peak hour (``series`` is the frame's hourly series)."""
    if len(frame) == 0:
        raise ValueError("no usage rows match")
    sessions = count_sessions(frame)
    total = _tidy(frame["units_scu"].sum())
    peak_position = int(np.argmax(series.units_scu))
    tables = {dimension: breakdown(frame, dimension) for dimension in DIMENSIONS}
    by = {
        dimension: {
            str(name): _tidy(units) for name, units in table[["name", "units_scu"]].itertuples(index=False)
        }
        for dimension, table in tables.items()
    }
    return UsageSummary(
        rows=len(frame),
        sessions=sessions,
        users=int(pc.count_distinct(text_array(frame["user"])).as_py()),
        total_units=total,
        units_per_session=_tidy(total / sessions) if sessions else 0.0,
        first=frame["started_at"].min(),
        last=frame["started_at"].max(),
        period_hours=series.hours,
        peak_hour_units=_tidy(series.units_scu[peak_position]),
        peak_hour=series.index[peak_position],
        by=by,
        tables=tables,
    )


def series_of(frame: pd.DataFrame, timezone: str) -> HourlySeries:
    """The hourly series of a (filtered) frame."""
    return hourly_series(pd.DatetimeIndex(frame["started_at"]), frame["units_scu"].to_numpy(), timezone)


@dataclass(frozen=True)
class CapacityKpis:
    """How the observed hours compare with a provisioned level."""

    provisioned_scu: float
    utilisation_7d: float | None
    hours_above_90pct: int
    hours_above_capacity: int
    busiest_hour: pd.Timestamp
    busiest_hour_units: float


def capacity_kpis(series: HourlySeries, provisioned_scu: float) -> CapacityKpis:
    """Average utilisation over the last 7 days (168 hours) and hours near or over capacity."""
    units = series.units_scu
    last_week = units[-168:]
    utilisation = (
        float(last_week.mean() / provisioned_scu) if provisioned_scu > 0 and len(last_week) else None
    )
    peak = int(np.argmax(units))
    return CapacityKpis(
        provisioned_scu=provisioned_scu,
        utilisation_7d=utilisation,
        hours_above_90pct=int((units > 0.9 * provisioned_scu).sum()) if provisioned_scu else 0,
        hours_above_capacity=int((units > provisioned_scu).sum()) if provisioned_scu else 0,
        busiest_hour=series.index[peak],
        busiest_hour_units=_tidy(units[peak]),
    )


def hour_of_week(series: HourlySeries) -> pd.DataFrame:
    """Mean SCUs per clock hour of the week: 7 rows (Mon..Sun) x 24 columns (0..23)."""
    index = series.index
    frame = pd.DataFrame({"day": index.day_of_week, "hour": index.hour, "units_scu": series.units_scu})
    table = frame.pivot_table(index="day", columns="hour", values="units_scu", aggfunc="mean", fill_value=0.0)
    table = table.reindex(index=range(7), columns=range(24), fill_value=0.0)
    table.index = pd.Index(DAY_NAMES, name="day")
    return table


def daily_trend(series: HourlySeries) -> pd.DataFrame:
    """SCUs per local day with a trailing 7-day mean."""
    daily = series.to_series().groupby(series.index.date).sum()
    frame = pd.DataFrame({"day": pd.to_datetime(daily.index), "units_scu": daily.to_numpy()})
    frame["mean_7d_scu"] = frame["units_scu"].rolling(7, min_periods=1).mean()
    return frame


def _tidy(value: float) -> float:
    # Sums of 0.1-unit rows carry float noise; six places is far below any billed unit.
    return float(round(float(value), 6))
