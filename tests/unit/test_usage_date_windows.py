"""Export date windows: a file's dates without a year read as one run of <= 92 days.

Expected dates and day counts are worked out by hand in the comments, not taken from the code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from usage_builders import HEADER, record, to_csv

from copilot_roi.cli import main
from copilot_roi.usage import IngestOptions, ingest_files, ingest_paths
from copilot_roi.usage.dates import place_in_window
from copilot_roi.usage.report import usage_payload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
NOV_TO_FEB = ["Nov 15, 09:00 AM", "Dec 31, 11:00 PM", "Jan 1, 01:00 AM", "Feb 10, 05:00 PM"]
NOV_TO_FEB_DATED = [
    "2026-11-15T09:00:00+00:00",
    "2026-12-31T23:00:00+00:00",
    "2027-01-01T01:00:00+00:00",
    "2027-02-10T17:00:00+00:00",
]


def read(dates: list[str], as_of: dt.date, name: str = "u.csv"):  # type: ignore[no-untyped-def]
    rows = [[d, 1.0, "Ben", f"s{i}", "Prompt", "Prompt", "Standalone", "X"] for i, d in enumerate(dates)]
    return ingest_files([(name, to_csv(rows, header=HEADER))], IngestOptions(as_of=as_of))


def stamps(dataset) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.isoformat() for t in dataset.frame.sort_values("source_row")["started_at"]]


def test_november_to_february_export_taken_in_march_is_one_window() -> None:
    dataset = read(NOV_TO_FEB, dt.date(2027, 3, 10))
    assert stamps(dataset) == NOV_TO_FEB_DATED
    # 15 Nov 00:00 to 11 Feb 00:00: 16 + 31 + 31 + 10 days = 88 days of 24 hours.
    assert dataset.hourly.month_ids()[1] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert len(dataset.hourly.units_scu) == 88 * 24
    # 10 Feb -> 10 Mar 2027 is 28 days: more than a week, so the user is told.
    [note] = dataset.quality.notes
    assert note.startswith("u.csv: its dates read as 15 Nov 2026 to 10 Feb 2027")
    assert "ends 28 days before the export date 10 Mar 2027" in note


def test_same_export_taken_the_next_december_is_not_spread_over_a_year() -> None:
    # The old rule put 15 Nov in 2027 (before 1 Dec 2027) and 31 Dec in 2026: a year apart.
    dataset = read(NOV_TO_FEB, dt.date(2027, 12, 1))
    assert stamps(dataset) == NOV_TO_FEB_DATED
    assert len(dataset.hourly.units_scu) == 88 * 24
    assert dataset.quality.inferred_years == (2026, 2027)
    # 10 Feb -> 10 Mar (28) -> 10 Dec (31+30+31+30+31+31+30+31+30 = 275), less 9 days: 294.
    [note] = dataset.quality.notes
    assert "ends 294 days before the export date 01 Dec 2027" in note


def test_december_to_january_export_taken_days_later_has_no_note() -> None:
    dataset = read(["Dec 20, 10:00 AM", "Jan 15, 03:00 PM", "Dec 24, 12:00 PM"], dt.date(2027, 1, 18))
    assert stamps(dataset) == [
        "2026-12-20T10:00:00+00:00",
        "2027-01-15T15:00:00+00:00",
        "2026-12-24T12:00:00+00:00",
    ]
    assert dataset.quality.notes == ()


def test_window_may_end_on_the_export_date_or_a_week_before_without_a_note() -> None:
    on_the_day = read(["Sept 1, 08:00 AM", "Nov 21, 08:00 PM"], dt.date(2026, 11, 21))
    assert stamps(on_the_day) == ["2026-09-01T08:00:00+00:00", "2026-11-21T20:00:00+00:00"]
    week = read(["Nov 14, 08:00 AM"], dt.date(2026, 11, 21))  # 7 days before
    assert week.quality.notes == ()
    eight = read(["Nov 13, 08:00 AM"], dt.date(2026, 11, 21))
    assert "ends 8 days before" in eight.quality.notes[0]


def test_92_days_is_one_window_and_93_falls_back_to_the_latest_year_per_record() -> None:
    # 1 Nov .. 31 Jan: 30 + 31 + 31 = 92 days, one window ending 31 Jan 2027.
    fits = read(["Nov 1, 09:00 AM", "Jan 31, 09:00 AM"], dt.date(2027, 11, 15))
    assert stamps(fits) == ["2026-11-01T09:00:00+00:00", "2027-01-31T09:00:00+00:00"]
    # 31 Oct .. 31 Jan: 93 days. Each record takes the latest year on or before 15 Nov 2027.
    spread = read(["Oct 31, 09:00 AM", "Jan 31, 09:00 AM"], dt.date(2027, 11, 15))
    assert stamps(spread) == ["2027-10-31T09:00:00+00:00", "2027-01-31T09:00:00+00:00"]
    [note] = spread.quality.notes
    assert "cover more than 92 days" in note and "15 Nov 2027" in note


def test_file_spanning_most_of_a_year_falls_back_with_a_note() -> None:
    dataset = read(["Mar 8, 01:30 AM", "Jul 4, 12:00 PM", "Nov 1, 01:30 AM"], dt.date(2026, 11, 21))
    assert stamps(dataset) == [
        "2026-03-08T01:30:00+00:00",
        "2026-07-04T12:00:00+00:00",
        "2026-11-01T01:30:00+00:00",
    ]
    assert ["more than 92 days" in n for n in dataset.quality.notes] == [True]


def test_explicit_years_are_kept_and_only_yearless_dates_are_placed() -> None:
    dataset = read(["2025-06-01 10:00", "Dec 30, 10:00 AM", "Jan 2, 10:00 AM"], dt.date(2027, 1, 3))
    assert stamps(dataset) == [
        "2025-06-01T10:00:00+00:00",
        "2026-12-30T10:00:00+00:00",
        "2027-01-02T10:00:00+00:00",
    ]
    assert dataset.quality.notes == ()


def test_impossible_dates_are_still_rejected_and_do_not_stretch_the_window() -> None:
    dataset = read(["Nov 20, 10:00 AM", "Sept 31, 10:00 AM", "Nov 21, 09:00 AM"], dt.date(2026, 11, 21))
    assert stamps(dataset) == ["2026-11-20T10:00:00+00:00", "2026-11-21T09:00:00+00:00"]
    [rejection] = dataset.quality.rejection_records()
    assert rejection["row"] == 3 and "no such date 'Sept 31, 10:00 AM'" in rejection["reason"]
    assert dataset.quality.notes == ()


def weekly(first: dt.datetime, last: dt.date) -> list[list[object]]:
    out = []
    when = first
    while when.date() <= last:
        out.append(record(when, 0.5, session=f"s-{when:%m%d}"))
        when += dt.timedelta(days=7)
    return out


def test_two_files_are_dated_each_on_its_own_then_merged() -> None:
    # Older export: Sundays 15 Nov 2026 .. 7 Feb 2027 (13 records, 85 days).
    # Newer export: Sundays 24 Jan .. 11 Apr 2027 (12 records, 78 days); 24 Jan, 31 Jan and
    # 7 Feb are in both. Taken on 1 Dec 2027, the old rule put 15-29 Nov in 2027.
    older = weekly(dt.datetime(2026, 11, 15, 9, 0), dt.date(2027, 2, 10))
    newer = weekly(dt.datetime(2027, 1, 24, 9, 0), dt.date(2027, 4, 15))
    assert (len(older), len(newer)) == (13, 12)
    dataset = ingest_files(
        [("older.csv", to_csv(older)), ("newer.csv", to_csv(newer))],
        IngestOptions(as_of=dt.date(2027, 12, 1)),
    )
    q = dataset.quality
    assert (q.rows_read, q.duplicates_removed, q.rows_used) == (25, 3, 22)
    assert q.first.isoformat() == "2026-11-15T09:00:00+00:00"
    assert q.last.isoformat() == "2027-04-11T09:00:00+00:00"
    started = sorted(t.date() for t in dataset.frame["started_at"])
    assert started == [dt.date(2026, 11, 15) + dt.timedelta(weeks=k) for k in range(22)]
    assert [n.split(":")[0] for n in q.notes] == ["older.csv", "newer.csv"]
    assert "07 Feb 2027" in q.notes[0] and "11 Apr 2027" in q.notes[1]


def _portal_rows_2026(texts: list[str]) -> list[str]:
    """The sample's dates read independently: all are 2026 ('Sept' is Python's 'Sep')."""
    return [
        dt.datetime.strptime(f"2026 {t.replace('Sept', 'Sep')}", "%Y %b %d, %I:%M %p").isoformat() + "+00:00"
        for t in texts
    ]


def test_bundled_samples_read_the_same_as_before() -> None:
    xlsx, eu = SAMPLES / "CapacityUsage.xlsx", SAMPLES / "CapacityUsage_2026-10-01_EU.csv"
    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    header_at = next(i for i, row in enumerate(sheet) if row and row[0] == "Date")
    xlsx_texts = [str(row[0]) for row in sheet[header_at + 1 :] if row and row[0]]
    with eu.open(encoding="utf-8-sig", newline="") as handle:
        eu_texts = [row[0] for row in csv.reader(io.StringIO(handle.read()), delimiter=";")][1:]
    options = IngestOptions(as_of=dt.date(2026, 11, 21))
    for path, texts in ((xlsx, xlsx_texts), (eu, eu_texts)):
        alone = ingest_paths([path], options)
        assert alone.quality.rows_rejected == 0
        assert stamps(alone) == _portal_rows_2026(texts)
    merged = ingest_paths([xlsx, eu], options)
    assert merged.quality.inferred_years == (2026,)
    # The earlier export was taken on 1 Oct: its last record (30 Sept) is 52 days before 21 Nov.
    [note] = merged.quality.notes
    assert note.startswith("CapacityUsage_2026-10-01_EU.csv: its dates read as 17 Aug 2026 to 30 Sep 2026")
    assert "ends 52 days before" in note
    assert usage_payload(merged)["notes"] == [note]


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 9, 30)),
    span_days=st.integers(1, 92),
    offsets=st.lists(st.floats(0, 1), min_size=0, max_size=20),
    as_of_after_days=st.integers(0, 364),
)
def test_any_window_of_up_to_92_days_gets_its_true_years(
    first: dt.date, span_days: int, offsets: list[float], as_of_after_days: int
) -> None:
    # The window's own first and last days are records; others fall anywhere inside it.
    last = first + dt.timedelta(days=span_days - 1)
    dates = [first, last, *(first + dt.timedelta(days=round(f * (span_days - 1))) for f in offsets)]
    # Less than a year after the last record: a later export date names a later year.
    as_of = last + dt.timedelta(days=as_of_after_days)
    placed = place_in_window(np.array([d.month for d in dates]), np.array([d.day for d in dates]), as_of)
    assert placed.years.tolist() == [d.year for d in dates]
    assert len(placed.notes) == (1 if as_of_after_days > 7 else 0)


@settings(max_examples=25, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2030, 12, 31)),
    span_days=st.integers(1, 92),
    as_of_after_days=st.integers(0, 364),
)
def test_ingest_dates_a_window_of_up_to_92_days_truly(
    first: dt.date, span_days: int, as_of_after_days: int
) -> None:
    last = first + dt.timedelta(days=span_days - 1)
    days = sorted({first, last, first + dt.timedelta(days=span_days // 2)})
    rows = [record(dt.datetime.combine(d, dt.time(13, 45)), 1.0, session=f"s{d}") for d in days]
    as_of = last + dt.timedelta(days=as_of_after_days)
    dataset = ingest_files([("w.csv", to_csv(rows))], IngestOptions(as_of=as_of))
    assert [t.date() for t in dataset.frame.sort_values("source_row")["started_at"]] == days


@pytest.mark.parametrize(
    ("month", "day", "as_of", "years"),
    [
        # One record: the latest year that keeps it on or before the export date.
        ([12], [31], dt.date(2027, 1, 15), [2026]),
        ([1], [15], dt.date(2027, 1, 15), [2027]),
        # Nothing at all but 31 Sept: no window; the old rule's year, the date is rejected later.
        ([9], [31], dt.date(2026, 11, 21), [2026]),
    ],
)
def test_place_in_window_small_cases(
    month: list[int], day: list[int], as_of: dt.date, years: list[int]
) -> None:
    assert place_in_window(np.array(month), np.array(day), as_of).years.tolist() == years


def test_cli_json_and_text_carry_the_window_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Date,Units used\n" + "".join(f'"{d}",1\n' for d in NOV_TO_FEB))
    assert main(["usage", str(path), "--as-of", "2027-12-01", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["first"], payload["last"]) == (NOV_TO_FEB_DATED[0], NOV_TO_FEB_DATED[-1])
    assert payload["period_hours"] == 88 * 24
    [note] = payload["notes"]
    assert note.startswith("export.csv: its dates read as 15 Nov 2026 to 10 Feb 2027, which ends 294 days")
    assert main(["usage", str(path), "--as-of", "2027-12-01"]) == 0
    assert f"Note: {note}" in capsys.readouterr().out
