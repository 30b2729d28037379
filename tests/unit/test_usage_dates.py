"""Dates without a year: spellings, year inference, year boundaries and daylight-saving changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from usage_builders import HEADER, record, to_csv

from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage.dates import infer_years


def read(dates: list[str], as_of: dt.date, timezone: str = "UTC"):  # type: ignore[no-untyped-def]
    rows = [[d, 1.0, "Ben", f"s{i}", "Prompt", "Prompt", "Standalone", "X"] for i, d in enumerate(dates)]
    return ingest_files(
        [("u.csv", to_csv(rows, header=HEADER))], IngestOptions(as_of=as_of, timezone=timezone)
    )


def stamps(dataset) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.isoformat() for t in dataset.frame.sort_values("source_row")["started_at"]]


def test_month_spellings_and_12_hour_clock() -> None:
    dataset = read(
        [
            "Sept 10, 08:30 AM",
            "Sep 10, 08:31 PM",
            "Sept 10, 12:00 AM",
            "Sept 10, 12:00 PM",
            "sept 9, 1:05 pm",
        ],
        dt.date(2026, 11, 21),
    )
    assert stamps(dataset) == [
        "2026-09-10T08:30:00+00:00",
        "2026-09-10T20:31:00+00:00",
        "2026-09-10T00:00:00+00:00",
        "2026-09-10T12:00:00+00:00",
        "2026-09-09T13:05:00+00:00",
    ]
    assert dataset.quality.inferred_years == (2026,)


def test_december_to_january_crosses_the_year() -> None:
    dataset = read(
        ["Dec 30, 11:00 PM", "Dec 31, 11:59 PM", "Jan 1, 12:01 AM", "Jan 3, 09:00 AM"], dt.date(2027, 1, 5)
    )
    assert stamps(dataset) == [
        "2026-12-30T23:00:00+00:00",
        "2026-12-31T23:59:00+00:00",
        "2027-01-01T00:01:00+00:00",
        "2027-01-03T09:00:00+00:00",
    ]
    assert dataset.quality.inferred_years == (2026, 2027)
    assert dataset.hourly.month_ids()[1] == ["2026-12", "2027-01"]


def test_no_record_lies_after_the_export_date() -> None:
    # Taken on 10 Sept: a 'Sept 11' record must be from last year, not tomorrow, and the
    # 'Sept 10' beside it belongs to the same export, so to the same year.
    dataset = read(["Sept 10, 08:00 AM", "Sept 11, 08:00 AM"], dt.date(2026, 9, 10))
    assert stamps(dataset) == ["2025-09-10T08:00:00+00:00", "2025-09-11T08:00:00+00:00"]
    # 11 Sept 2025 to 11 Sept 2026 is 365 days (no 29 Feb between), so one less to 10 Sept.
    [note] = dataset.quality.notes
    assert "ends 364 days before the export date 10 Sep 2026" in note


def test_february_29_forces_a_leap_year() -> None:
    ok = read(["Feb 29, 10:00 AM", "Mar 1, 10:00 AM"], dt.date(2028, 3, 10))
    assert stamps(ok) == ["2028-02-29T10:00:00+00:00", "2028-03-01T10:00:00+00:00"]
    # Taken in 2027 (no 29 Feb): the latest leap year before it is 2024.
    late = read(["Feb 28, 10:00 PM", "Feb 29, 10:00 AM", "Mar 1, 10:00 AM"], dt.date(2027, 3, 10))
    assert stamps(late) == [
        "2024-02-28T22:00:00+00:00",
        "2024-02-29T10:00:00+00:00",
        "2024-03-01T10:00:00+00:00",
    ]
    assert late.quality.rejection_records() == []
    # 1 Mar 2024 -> 1 Mar 2027 is 3 x 365 days, then 9 more to 10 Mar.
    [note] = late.quality.notes
    assert "01 Mar 2024, which ends 1,104 days before the export date 10 Mar 2027" in note
    # A December-to-leap-day export taken a few days later: one window across the new year.
    fresh = read(["Dec 15, 09:00 AM", "Feb 29, 11:00 PM"], dt.date(2028, 3, 5))
    assert stamps(fresh) == ["2027-12-15T09:00:00+00:00", "2028-02-29T23:00:00+00:00"]
    assert fresh.quality.notes == ()


def test_explicit_years_and_iso_dates_are_kept_but_never_in_the_future() -> None:
    dataset = read(["2026-11-20 13:00", "Sept 10, 2025, 08:30 AM", "2026-12-01 10:00"], dt.date(2026, 11, 21))
    assert stamps(dataset) == ["2026-11-20T13:00:00+00:00", "2025-09-10T08:30:00+00:00"]
    [rejection] = dataset.quality.rejection_records()
    assert "lies after the export date 2026-11-21" in rejection["reason"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sept 31, 08:00 AM", "no such date"),
        ("Sept 10, 13:30 PM", "hour out of range"),
        ("Sept 10, 08:61 AM", "no such date"),
        ("Smarch 10, 08:00 AM", "unknown month"),
        ("2026/09/10 8h30", "unrecognised date"),
        ("9999-01-01 08:30", "year 9999"),
        ("Sept 10, 1900, 08:30 AM", "year 1900"),
        ("", "missing date"),
    ],
)
def test_bad_dates_are_rejected_with_a_reason(text: str, reason: str) -> None:
    dataset = read(["Sept 10, 08:00 AM", text, "Sept 10, 09:00 AM"], dt.date(2026, 11, 21))
    [rejection] = dataset.quality.rejection_records()
    assert rejection["row"] == 3
    assert rejection["column"] == "Date"
    assert reason in rejection["reason"]


def test_spring_forward_gap_is_rejected_and_fall_back_overlap_is_counted() -> None:
    dataset = read(
        ["Mar 8, 01:30 AM", "Mar 8, 02:30 AM", "Mar 8, 03:30 AM", "Nov 1, 01:30 AM"],
        dt.date(2026, 11, 21),
        "America/New_York",
    )
    q = dataset.quality
    [rejection] = q.rejection_records()
    assert rejection["row"] == 3
    assert "does not exist in America/New_York" in rejection["reason"]
    assert q.ambiguous_times == 1
    assert stamps(dataset) == [
        "2026-03-08T01:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
        "2026-11-01T01:30:00-04:00",  # the first of the two 01:30s
    ]


def test_dst_days_have_23_and_25_clock_hours_and_units_land_in_their_start_hour() -> None:
    rows = [
        record(dt.datetime(2026, 3, 29, 1, 59), 1.0, session="a"),
        record(dt.datetime(2026, 3, 29, 3, 0), 2.0, session="b"),
        record(dt.datetime(2026, 10, 25, 2, 30), 4.0, session="c"),
    ]
    dataset = ingest_files(
        [("u.csv", to_csv(rows))], IngestOptions(as_of=dt.date(2026, 11, 1), timezone="Europe/Paris")
    )
    series = dataset.hourly
    hours_per_day = series.to_series().groupby(series.index.date).size()
    assert hours_per_day[dt.date(2026, 3, 29)] == 23
    assert hours_per_day[dt.date(2026, 10, 25)] == 25
    s = series.to_series()
    assert s[pd.Timestamp("2026-03-29 01:00", tz="Europe/Paris")] == 1.0
    assert s[pd.Timestamp("2026-03-29 03:00", tz="Europe/Paris")] == 2.0
    assert s.sum() == 7.0


@given(
    st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)),
    st.lists(st.tuples(st.integers(1, 12), st.integers(1, 28)), min_size=1, max_size=30),
)
def test_inferred_dates_fall_in_the_year_up_to_the_anchor(
    as_of: dt.date, days: list[tuple[int, int]]
) -> None:
    month = np.array([m for m, _ in days])
    day = np.array([d for _, d in days])
    years = infer_years(month, day, as_of)
    for y, m, d in zip(years, month, day, strict=True):
        date = dt.date(int(y), int(m), int(d))
        assert date <= as_of
        assert (as_of - date).days < 366


def numeric(dates: list[str], delimiter: str):  # type: ignore[no-untyped-def]
    rows = [[d, 1.0, "Ben", f"s{i}"] for i, d in enumerate(dates)]
    data = to_csv(rows, header=HEADER[:4], delimiter=delimiter)
    return ingest_files([("resaved.csv", data)], IngestOptions(as_of=dt.date(2026, 11, 21)))


def test_dates_excel_rewrote_with_a_year_are_read_in_the_files_order() -> None:
    day_first = numeric(["10/09/2026 08:30", "25/09/2026 14:05"], ",")
    assert stamps(day_first) == ["2026-09-10T08:30:00+00:00", "2026-09-25T14:05:00+00:00"]
    month_first = numeric(["9/10/2026 8:30 AM", "9/25/2026 2:05 PM"], ",")
    assert stamps(month_first) == ["2026-09-10T08:30:00+00:00", "2026-09-25T14:05:00+00:00"]
    assert day_first.quality.notes == () and month_first.quality.inferred_years == ()


def test_ambiguous_numeric_dates_follow_the_files_locale_and_say_so() -> None:
    european = numeric(["03/04/2026 08:30", "05/04/2026 09:00"], ";")
    assert stamps(european)[0] == "2026-04-03T08:30:00+00:00"
    assert "read as day/month" in european.quality.notes[0]
    us = numeric(["03/04/2026 08:30", "05/04/2026 09:00"], ",")
    assert stamps(us)[0] == "2026-03-04T08:30:00+00:00"
    assert "read as month/day" in us.quality.notes[0]


def test_numeric_dates_that_contradict_each_other_are_rejected() -> None:
    mixed = numeric(["25/09/2026 08:30", "09/26/2026 08:30", "10/10/2026 08:30"], ",")
    [rejection] = mixed.quality.rejection_records()
    assert rejection["row"] == 3 and "no such date" in rejection["reason"]
    assert "mix day-first and month-first" in mixed.quality.notes[0]
