"""Analytics: totals, breakdowns that sum to the total, filters, KPIs, heatmap and daily trend."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from usage_builders import AS_OF, record, to_csv

from copilot_roi.hourly import HourlySeries
from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage import analytics as ua
from copilot_roi.usage.pseudonymise import alias, alias_map, pseudonymise_frame

T0 = dt.datetime(2026, 11, 2, 9, 0)  # a Monday
ROWS = [
    record(T0, 1.0, user="Ben", session="s1", plugins="Microsoft Defender XDR"),
    record(T0 + dt.timedelta(minutes=5), 0.5, user="Ben", session="s1", plugins="Microsoft Entra"),
    record(
        T0 + dt.timedelta(hours=2),
        2.0,
        user="Ann",
        session="s2",
        category="Promptbook",
        plugins="Microsoft Defender XDR, Microsoft Sentinel",
    ),
    record(
        T0 + dt.timedelta(days=1),
        3.0,
        user="Triage Agent",
        session="s3",
        kind="Agent",
        experience="Embedded in Microsoft Defender XDR",
    ),
    record(T0 + dt.timedelta(days=1, minutes=1), 0.5, user="Ann", session="", plugins=""),
]


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    return ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF))


def test_summary_numbers(dataset) -> None:  # type: ignore[no-untyped-def]
    s = ua.summarise(dataset.frame, dataset.hourly)
    assert (s.rows, s.sessions, s.users) == (5, 4, 3)  # s1 twice, s2, s3, and one row without an id
    assert s.total_units == 7.0
    assert s.units_per_session == 1.75
    assert s.period_hours == 48
    assert s.peak_hour_units == 3.5  # 3.0 at 09:00 and 0.5 at 09:01 on the 3rd
    assert s.peak_hour == pd.Timestamp("2026-11-03 09:00", tz="UTC")
    assert s.by["category"] == {"Prompt": 5.0, "Promptbook": 2.0}
    assert s.by["user"] == {"Triage Agent": 3.0, "Ann": 2.5, "Ben": 1.5}
    assert s.by["actor"] == {"Person": 4.0, "Agent": 3.0}


def test_plugin_breakdown_splits_multi_plugin_rows_and_sums_to_the_total(dataset) -> None:  # type: ignore[no-untyped-def]
    table = ua.breakdown(dataset.frame, "plugins")
    units = dict(zip(table["name"], table["units_scu"], strict=True))
    assert units == {
        "Microsoft Defender XDR": 1.0 + 1.0 + 3.0,
        "Microsoft Sentinel": 1.0,
        "Microsoft Entra": 0.5,
        ua.BLANK_LABEL: 0.5,
    }
    assert table["units_scu"].sum() == pytest.approx(7.0)
    assert table["share"].sum() == pytest.approx(1.0)


def test_filters_apply_to_every_figure(dataset) -> None:  # type: ignore[no-untyped-def]
    frame = dataset.frame
    only_sentinel = ua.apply_filter(frame, ua.UsageFilter(plugins=("Microsoft Sentinel",)))
    assert only_sentinel["units_scu"].tolist() == [2.0]
    people = ua.apply_filter(frame, ua.UsageFilter(actor="people"))
    assert people["units_scu"].sum() == 4.0
    agents = ua.apply_filter(frame, ua.UsageFilter(actor="agents"))
    assert agents["user"].astype(str).tolist() == ["Triage Agent"]
    day_two = ua.apply_filter(frame, ua.UsageFilter(first_day=dt.date(2026, 11, 3)))
    assert day_two["units_scu"].sum() == 3.5
    ann_promptbook = ua.apply_filter(frame, ua.UsageFilter(users=("Ann",), categories=("Promptbook",)))
    assert len(ann_promptbook) == 1
    series = ua.series_of(day_two, "UTC")
    assert series.start == pd.Timestamp("2026-11-03", tz="UTC") and series.hours == 24
    assert ua.options(frame, "plugins") == sorted(
        ["Microsoft Defender XDR", "Microsoft Entra", "Microsoft Sentinel", ua.BLANK_LABEL]
    )


def test_capacity_kpis() -> None:
    units = np.zeros(24 * 10)
    units[-168:] = 1.5  # the last week runs at half of 3 SCU
    units[-5:] = [2.8, 2.7, 3.5, 0.0, 2.71]
    series = HourlySeries(pd.Timestamp("2026-11-01", tz="UTC"), units)
    kpis = ua.capacity_kpis(series, 3.0)
    assert kpis.utilisation_7d == pytest.approx(units[-168:].mean() / 3.0)
    assert kpis.hours_above_90pct == 3  # 2.8, 3.5 and 2.71 exceed 2.7; 2.7 itself does not
    assert kpis.hours_above_capacity == 1
    assert kpis.busiest_hour_units == 3.5
    assert kpis.busiest_hour == series.index[-3]
    assert ua.capacity_kpis(series, 0).utilisation_7d is None


def test_hour_of_week_and_daily_trend() -> None:
    units = np.zeros(24 * 14)
    units[9] = 7.0  # Monday 2 Nov 09:00
    units[24 * 7 + 9] = 3.0  # the next Monday 09:00
    series = HourlySeries(pd.Timestamp("2026-11-02", tz="UTC"), units)
    table = ua.hour_of_week(series)
    assert table.shape == (7, 24)
    assert table.loc["Mon", 9] == 5.0
    assert table.to_numpy().sum() == 5.0
    daily = ua.daily_trend(series)
    assert len(daily) == 14
    assert daily["units_scu"].iloc[0] == 7.0
    assert daily["mean_7d_scu"].iloc[6] == pytest.approx(1.0)


def test_aliases_are_stable_keyed_and_unique() -> None:
    key = b"k" * 32
    assert alias("Ben", key) == alias("Ben", key)
    assert alias("Ben", key) != alias("Ben", b"j" * 32)
    assert alias("Ben", key).startswith("User ")
    names = [f"user{i}" for i in range(2000)]
    mapping = alias_map(names, key)
    assert len(set(mapping.values())) == 2000
    assert all("user" not in a for a in mapping.values())


def test_pseudonymised_frame_hides_every_name(dataset) -> None:  # type: ignore[no-untyped-def]
    shown = pseudonymise_frame(dataset.frame, b"k" * 32)
    text = shown.to_csv()
    for name in ("Ben", "Ann"):
        assert name not in text
    # An agent is not a person: it keeps its product name (issue 12).
    assert "Triage Agent" in shown["user"].astype(str).tolist()
    assert ua.breakdown(shown, "user")["units_scu"].sum() == pytest.approx(7.0)
    assert dataset.frame["user"].astype(str).tolist()[0] == "Ben", "the original is untouched"
