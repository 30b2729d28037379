"""The remaining refusal paths: sizes, counts, broken encodings, zones, grids and swallowed lines."""

from __future__ import annotations

import datetime as dt

import pytest
from usage_builders import AS_OF, HEADER, record, rewrite_zip, sample_records, to_csv, to_text, to_xlsx

from copilot_roi.usage import IngestOptions, UntrustedFileError, csv_reader, ingest, ingest_files, raw

OPTIONS = IngestOptions(as_of=AS_OF)
ROWS = sample_records(6)


def read(data: bytes, name: str = "u.csv"):  # type: ignore[no-untyped-def]
    return ingest_files([(name, data)], OPTIONS)


def test_file_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    with pytest.raises(UntrustedFileError, match="at most 0 MiB"):
        read(to_csv(ROWS))


def test_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_reader, "MAX_ROWS", 3)
    with pytest.raises(UntrustedFileError, match="6 rows \\(at most 3\\)"):
        read(to_csv(ROWS))


def test_column_limit() -> None:
    header = [*HEADER, *[f"extra {i}" for i in range(raw.MAX_COLUMNS)]]
    with pytest.raises(UntrustedFileError, match="columns in the header"):
        read(to_csv([[*ROWS[0], *[""] * raw.MAX_COLUMNS]], header=header))


def test_too_many_files_and_no_files() -> None:
    data = to_csv(ROWS)
    with pytest.raises(ValueError, match="at most 20"):
        ingest_files([(f"f{i}.csv", data) for i in range(21)], OPTIONS)
    with pytest.raises(ValueError, match="no files"):
        ingest_files([], OPTIONS)


def test_unknown_time_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        IngestOptions(timezone="Mars/Olympus")


def test_broken_utf16_and_nul_characters_in_utf16() -> None:
    good = to_csv(ROWS, encoding="utf-16", delimiter="\t")
    with pytest.raises(UntrustedFileError, match="broken UTF-16"):
        read(good[:-1], "u.txt")  # an odd number of bytes
    with pytest.raises(UntrustedFileError, match="NUL characters"):
        read("\ufeffDate\tUnits used\n\x00\t1\n".encode("utf-16-le"), "u.txt")


def test_bytes_that_are_neither_utf8_nor_cp1252() -> None:
    text = to_text(sample_records(1500))  # more than the 64 KiB head, so the head looks like UTF-8
    data = text.encode() + b'"Nov 3, 09:00 AM",1,Bad\x81Name,s,Prompt,Prompt,Standalone,X\n'
    with pytest.raises(UntrustedFileError, match="unreadable text"):
        read(data)


def test_a_swallowed_line_that_still_has_the_right_field_count_is_caught() -> None:
    # The open quote runs to the next line's first quote: two rows merge into one of 8 fields.
    text = (
        "Date,Units used,Initiated by\n"
        '"Nov 2, 09:00 AM",1,"Ben\n'
        'Nov 2, 10:00 AM",2,Ann\n'
        '"Nov 2, 11:00 AM",3,Ann\n'
    )
    with pytest.raises(UntrustedFileError, match=r"row 2.*misplaced quote"):
        read(text.encode())


def test_a_tall_and_wide_sheet_is_refused_before_calamine() -> None:
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
        '<row r="1048576"><c r="AZ1048576"><v>1</v></c></row>'
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()
    with pytest.raises(UntrustedFileError, match=r"row 1048576, column 'AZ'.*1,048,576 rows x 12 columns"):
        read(rewrite_zip(good, {"xl/worksheets/sheet1.xml": xml}), "u.xlsx")


def test_a_namespace_prefixed_sheet_is_checked_too() -> None:
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="2"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    with pytest.raises(UntrustedFileError, match=r"cell XFD1048576 .*outside the grid"):
        read(rewrite_zip(good, {"xl/worksheets/sheet1.xml": xml}), "u.xlsx")


def test_excel_error_cells_in_units_are_rejected() -> None:
    rows = [record(dt.datetime(2026, 11, 2, 9 + i), 1.0, session=f"s{i}") for i in range(4)]
    rows[1][1] = float("nan")  # written as an Excel #NUM! error cell
    dataset = read(to_xlsx({"Usage": [HEADER, *rows]}), "u.xlsx")
    [rejection] = dataset.quality.rejection_records()
    assert (rejection["row"], rejection["column"]) == (3, "Units used")


def test_a_sheet_that_inflates_beyond_its_declared_size_is_refused() -> None:
    good = bytearray(to_xlsx({"Usage": [HEADER, *ROWS]}))
    # Shrink the declared (central directory) size of the sheet: a forged zip.
    position = good.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(good[position + 28 : position + 30], "little")
        name = bytes(good[position + 46 : position + 46 + name_length])
        if name == b"xl/worksheets/sheet1.xml":
            declared = int.from_bytes(good[position + 24 : position + 28], "little")
            good[position + 24 : position + 28] = (declared // 2).to_bytes(4, "little")
        position = good.find(b"PK\x01\x02", position + 4)
    with pytest.raises(UntrustedFileError, match="declared size"):
        read(bytes(good), "u.xlsx")
