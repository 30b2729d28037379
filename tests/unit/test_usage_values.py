"""Units and row-level rejections: every bad value is reported with file, row, column and reason."""

from __future__ import annotations

import datetime as dt

import pytest
from usage_builders import AS_OF, HEADER, record, to_csv, to_xlsx

from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_files

OPTIONS = IngestOptions(as_of=AS_OF)
T0 = dt.datetime(2026, 11, 2, 9, 0)


def good_rows(count: int) -> list[list[object]]:
    return [record(T0 + dt.timedelta(minutes=i), 1.0, session=f"s{i}") for i in range(count)]


@pytest.mark.parametrize(
    ("units", "reason"),
    [
        ("inf", "units 'inf' is infinite"),
        ("-Infinity", "is infinite"),
        # Plain numbers are parsed while reading, so these two are reported by their value.
        ("1e309", "units 'inf' is infinite"),
        ("NaN", "units 'nan' is not a number"),
        ("-0.5", "negative units '-0.5'"),
        ("5000", "above 1000 in one row is not credible"),
        ("", "missing units"),
        ("   ", "missing units"),
        ("abc", "units 'abc' is not a number"),
        ("0x10", "is not a number"),
    ],
)
def test_each_bad_unit_value_is_rejected_with_its_row(units: str, reason: str) -> None:
    rows = good_rows(5)
    rows[2][1] = units
    dataset = ingest_files([("u.csv", to_csv(rows))], OPTIONS)
    q = dataset.quality
    assert (q.rows_read, q.rows_used, q.rows_rejected) == (5, 4, 1)
    [rejection] = q.rejection_records()
    assert rejection["file"] == "u.csv"
    assert rejection["row"] == 4  # header on line 1, the third record on line 4
    assert rejection["column"] == "Units used"
    assert reason in rejection["reason"]
    assert dataset.total_units == 4.0


def test_zero_units_are_usage_not_errors() -> None:
    rows = good_rows(3)
    rows[0][1] = 0.0
    dataset = ingest_files([("u.csv", to_csv(rows))], OPTIONS)
    assert dataset.quality.rows_used == 3
    assert dataset.total_units == 2.0


@pytest.mark.parametrize("text", [".6", "0.6", "0,6", " 0,6 ", "6e-1"])
def test_unit_spellings_in_a_semicolon_file(text: str) -> None:
    rows = good_rows(1)
    rows[0][1] = text
    dataset = ingest_files([("u.csv", to_csv(rows, delimiter=";"))], OPTIONS)
    assert dataset.total_units == pytest.approx(0.6)


def test_bad_values_in_a_workbook_carry_excel_row_numbers() -> None:
    rows = good_rows(6)
    rows[1][1] = float("inf")
    rows[3][1] = -2.0
    rows[4][0] = "yesterday"
    dataset = ingest_files([("w.xlsx", to_xlsx({"Usage": [["Report"], HEADER, *rows]}))], OPTIONS)
    records = dataset.quality.rejection_records()
    assert [(r["row"], r["column"]) for r in records] == [
        (4, "Units used"),
        (6, "Units used"),
        (7, "Date"),
    ]
    assert "unrecognised date 'yesterday'" in records[2]["reason"]
    assert dataset.quality.rows_used == 3


def test_a_row_with_two_bad_cells_is_listed_twice_but_counted_once() -> None:
    rows = good_rows(4)
    rows[0][0] = "soon"
    rows[0][1] = "lots"
    q = ingest_files([("u.csv", to_csv(rows))], OPTIONS).quality
    assert q.rows_rejected == 1
    assert [r["column"] for r in q.rejection_records()] == ["Date", "Units used"]


def test_too_many_bad_rows_reject_the_whole_file() -> None:
    rows = good_rows(10)
    for row in rows[:6]:
        row[1] = "n/a"
    with pytest.raises(UntrustedFileError) as caught:
        ingest_files([("u.csv", to_csv(rows))], OPTIONS)
    message = str(caught.value)
    assert "file 'u.csv'" in message
    assert "row 2" in message and "column 'Units used'" in message
    assert "6 of 10 rows cannot be used" in message
    assert isinstance(caught.value, ValueError)


def test_half_bad_is_still_accepted_and_reported() -> None:
    rows = good_rows(10)
    for row in rows[:5]:
        row[1] = "n/a"
    q = ingest_files([("u.csv", to_csv(rows))], OPTIONS).quality
    assert (q.rows_used, q.rows_rejected) == (5, 5)


def test_one_untrusted_file_among_several_names_that_file() -> None:
    with pytest.raises(UntrustedFileError, match=r"file 'bad\.csv'"):
        ingest_files([("good.csv", to_csv(good_rows(3))), ("bad.csv", b"\x7fELF")], OPTIONS)


def test_header_missing_units_column() -> None:
    data = to_csv([["Nov 2, 09:00 AM", "Ben"]], header=["Date", "Initiated by"])
    with pytest.raises(UntrustedFileError, match="no usage header"):
        ingest_files([("u.csv", data)], OPTIONS)
