"""Text exports: encodings, delimiters, decimal commas, title and total rows, hostile CSV shapes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from usage_builders import AS_OF, HEADER, record, sample_records, to_csv, to_text

from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_files

OPTIONS = IngestOptions(as_of=AS_OF)
ROWS = sample_records(20)
EXPECTED_UNITS = round(sum(float(r[1]) for r in ROWS), 6)  # type: ignore[arg-type]


def ingest(data: bytes, name: str = "usage.csv", options: IngestOptions = OPTIONS):  # type: ignore[no-untyped-def]
    return ingest_files([(name, data)], options)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "decimal_comma", "label"),
    [
        ("utf-8", ",", False, "UTF-8"),
        ("utf-8-bom", ",", False, "UTF-8 with BOM"),
        ("utf-8-bom", ";", True, "UTF-8 with BOM"),
        ("utf-16", "\t", False, "UTF-16"),
        ("utf-16", "\t", True, "UTF-16"),
    ],
)
def test_encodings_delimiters_and_decimal_commas_give_the_same_numbers(
    encoding: str, delimiter: str, decimal_comma: bool, label: str
) -> None:
    data = to_csv(ROWS, encoding=encoding, delimiter=delimiter, decimal_comma=decimal_comma)
    dataset = ingest(data, "usage.txt" if encoding == "utf-16" else "usage.csv")
    assert dataset.quality.rows_used == len(ROWS)
    assert dataset.quality.rows_rejected == 0
    assert round(dataset.total_units, 6) == EXPECTED_UNITS
    assert label in dataset.quality.files[0].description
    assert sorted(set(dataset.frame["user"].astype(str))) == sorted(
        {"Ben Heppard", "NA", "null", "李伟", "Chloé Martin", "Phishing Triage Agent"}
    )


def test_cp1252_export_is_detected_and_accented_names_survive() -> None:
    rows = [r for r in ROWS if r[2] != "李伟"]  # cp1252 has no CJK
    dataset = ingest(to_csv(rows, encoding="cp1252", delimiter=";", decimal_comma=True))
    assert "Windows-1252" in dataset.quality.files[0].description
    assert "Chloé Martin" in set(dataset.frame["user"].astype(str))
    assert dataset.quality.rows_used == len(rows)


def test_names_like_na_null_none_stay_names_and_formulas_stay_text() -> None:
    rows = [
        record(dt.datetime(2026, 11, 2, 9), 0.5, user=name, session=f"s{i}")
        for i, name in enumerate(["NA", "null", "None", "N/A", "=cmd|'/c calc'!A1", ""])
    ]
    dataset = ingest(to_csv(rows))
    users = list(dataset.frame["user"].astype(str))
    assert users == ["NA", "null", "None", "N/A", "=cmd|'/c calc'!A1", ""]
    assert dataset.quality.rows_used == 6


def test_title_rows_blank_rows_and_trailing_totals() -> None:
    text = to_text(
        ROWS[:5],
        title_rows=("Security Copilot capacity usage", "Exported by Ben", ""),
        trailing_rows=([""] * 8, ["Total", 1.5, "", "", "", "", "", ""]),
    )
    dataset = ingest(text.encode())
    q = dataset.quality
    assert q.rows_used == 5
    assert q.blank_rows == 1
    assert q.total_rows == 1
    assert q.rows_rejected == 0
    assert q.rows_read == 7
    # Row numbers count the title rows: the first record is on line 5.
    assert int(dataset.frame["source_row"].min()) == 5


def test_a_total_row_in_the_middle_is_rejected_not_skipped() -> None:
    rows = [*ROWS[:3], ["Total", 1.0, "", "", "", "", "", ""], *ROWS[3:6]]
    dataset = ingest(to_csv(rows))
    assert dataset.quality.rows_rejected == 1
    assert dataset.quality.rejection_records()[0]["row"] == 5


def test_header_aliases_and_extra_columns_are_mapped_and_kept() -> None:
    header = [
        "TimeGenerated",
        "UnitsUsed",
        "InitiatedBy",
        "SessionID",
        "Category",
        "Type",
        "CopilotExperience",
        "PluginsUsed",
        "Workspace",
        "Region",
    ]
    rows = [[*r, "Default", "EU"] for r in ROWS[:4]]
    dataset = ingest(to_csv(rows, header=header))
    mapping = dict(dataset.quality.files[0].mapping)
    assert mapping["UnitsUsed"] == "units_scu"
    # The workspace is a field since issue 20 (each workspace has its own capacity).
    assert mapping["Workspace"] == "workspace"
    assert list(dataset.frame["workspace"]) == ["Default"] * 4
    assert mapping["Region"].startswith("kept as extra column")
    assert list(dataset.frame["extra: Region"]) == ["EU"] * 4


def test_leading_zero_session_ids_stay_text() -> None:
    rows = [record(dt.datetime(2026, 11, 2, 9), 0.5, session="000123")]
    dataset = ingest(to_csv(rows))
    assert list(dataset.frame["session_id"]) == ["000123"]


def test_ragged_rows_are_reported_with_their_line_numbers() -> None:
    text = to_text(ROWS[:4]) + "Nov 3,extra,fields,x,y,z,w,v,u,t\n" + to_text(ROWS[4:6]).split("\n", 1)[1]
    dataset = ingest(text.encode())
    records = dataset.quality.rejection_records()
    assert [(r["row"], r["column"]) for r in records] == [(6, "(row)")]
    assert "10 fields where the header has 8" in records[0]["reason"]
    assert dataset.quality.rows_used == 6
    assert sorted(dataset.frame["source_row"].tolist()) == [2, 3, 4, 5, 7, 8]


def test_unbalanced_quote_rejects_the_file_naming_the_row() -> None:
    text = (
        to_text(ROWS[:3])
        + '"Nov 3, 09:00 AM",0.5,"Ben,s,Prompt,Prompt,Standalone,X\n'
        + to_text(ROWS[3:6]).split("\n", 1)[1]
    )
    with pytest.raises(UntrustedFileError, match=r"row 5.*misplaced quote"):
        ingest(text.encode())


def test_unbalanced_quote_on_the_last_line_is_caught() -> None:
    text = to_text(ROWS[:3]) + '"Nov 3, 09:00 AM",0.5,"Ben\n'
    with pytest.raises(UntrustedFileError, match="misplaced quote"):
        ingest(text.encode())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        ((",".join(HEADER) + "\n").encode(), "no usage rows"),
        (b"name,value\na,1\n", "no usage header"),
        (b"Date,Units used\x00,x\n", "NUL"),
    ],
)
def test_files_without_usable_content_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(UntrustedFileError, match=message):
        ingest(data)


def test_nul_bytes_deep_in_the_file_are_refused() -> None:
    text = to_text(sample_records(3000))
    data = text.encode()
    data = data[:-200] + b"\x00" + data[-199:]
    with pytest.raises(UntrustedFileError, match="NUL"):
        ingest(data)


def test_duplicate_headers() -> None:
    header = ["Date", "Units used", "Units Used", "Initiated by"]
    with pytest.raises(UntrustedFileError, match="both look like units_scu"):
        ingest(to_csv([["Nov 2, 09:00 AM", 1.0, 2.0, "Ben"]], header=header))
    header = ["Date", "Units used", "Note", "note"]
    dataset = ingest(to_csv([["Nov 2, 09:00 AM", 1.0, "a", "b"]], header=header))
    assert list(dataset.frame["extra: Note"]) == ["a"]
    assert list(dataset.frame["extra: note (2)"]) == ["b"]


def test_comma_in_units_of_a_comma_separated_file_is_ambiguous() -> None:
    rows = [record(dt.datetime(2026, 11, 2, 9), 1.0), record(dt.datetime(2026, 11, 2, 10), 1.0)]
    rows[1][1] = "1,5"
    dataset = ingest(to_csv(rows))
    assert dataset.quality.rejection_records()[0]["reason"].endswith("is ambiguous")


def test_only_allowed_file_names() -> None:
    data = to_csv(ROWS[:2])
    for name in ("usage.exe", "usage.csv.exe", "usage.xlsm", "usage.ods", "usage"):
        with pytest.raises(UntrustedFileError, match=r"only \.xlsx"):
            ingest(data, name)


def test_crlf_line_endings() -> None:
    dataset = ingest(to_csv(ROWS, line_end="\r\n"))
    assert dataset.quality.rows_used == len(ROWS)


def test_cp1252_detected_late_in_a_large_file_with_a_ragged_row() -> None:
    # The first 64 KiB are plain ASCII, so the head looks like UTF-8; a later accented name in
    # cp1252 fails the UTF-8 read and the file is read again as cp1252, row numbers intact.
    ascii_rows = [
        record(dt.datetime(2026, 11, 2, 8) + dt.timedelta(minutes=i), 0.1, session=f"a{i}")
        for i in range(1200)
    ]
    text = (
        to_text(ascii_rows)
        + "Nov 3,1\n"
        + to_text([record(dt.datetime(2026, 11, 3, 9), 0.5, user="Zoë Müller")]).split("\n", 1)[1]
    )
    dataset = ingest(text.encode("cp1252"))
    assert "Windows-1252" in dataset.quality.files[0].description
    assert "Zoë Müller" in set(dataset.frame["user"].astype(str))
    assert [r["row"] for r in dataset.quality.rejection_records()] == [1202]
    assert int(dataset.frame["source_row"].max()) == 1203


@pytest.mark.parametrize("time_ordered", [True, False])
def test_a_file_read_in_several_chunks_gives_every_row_its_own_time(time_ordered: bool) -> None:
    """Past 4 MiB a file is read in chunks: in a time-ordered file a minute can span two of them
    (its text is then checked once per chunk); out of order, the chunks' values are unified."""
    start = dt.datetime(2026, 9, 1)
    minutes = [i // 11 for i in range(60_000)]  # 11 rows a minute: one minute spans the chunks
    if not time_ordered:
        minutes = minutes[::2] + minutes[1::2]
    rows = [
        record(start + dt.timedelta(minutes=m), 0.1 * (1 + n % 7), session=f"s-{n}", plugins="P" * 20)
        for n, m in enumerate(minutes)
    ]
    data = to_csv(rows)
    assert len(data) > 5 * 2**20
    frame = ingest(data, options=IngestOptions(as_of=AS_OF, timezone="Europe/Paris")).frame
    expected = [pd.Timestamp(start + dt.timedelta(minutes=m), tz="Europe/Paris") for m in minutes]
    assert frame["started_at"].tolist() == expected
    assert frame["source_row"].tolist() == list(range(2, len(rows) + 2))
