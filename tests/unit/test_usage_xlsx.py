"""Workbooks: sheet choice, title and total rows, and every disguised or hostile archive."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from usage_builders import AS_OF, HEADER, rewrite_zip, sample_records, to_csv, to_xlsx

from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_files

OPTIONS = IngestOptions(as_of=AS_OF)
ROWS = sample_records(12)
TOTAL = round(sum(float(r[1]) for r in ROWS), 6)  # type: ignore[arg-type]


def ingest(data: bytes, name: str = "CapacityUsage.xlsx"):  # type: ignore[no-untyped-def]
    return ingest_files([(name, data)], OPTIONS)


def test_plain_workbook() -> None:
    dataset = ingest(to_xlsx({"Capacity usage": [HEADER, *ROWS]}))
    assert dataset.quality.rows_used == len(ROWS)
    assert round(dataset.total_units, 6) == TOTAL
    assert "sheet 'Capacity usage'" in dataset.quality.files[0].description
    assert int(dataset.frame["source_row"].min()) == 2


def test_the_sheet_with_the_usage_header_is_picked_with_title_rows_and_totals() -> None:
    data = to_xlsx(
        {
            "Summary": [["Security Copilot usage"], ["Total SCUs", 12.5]],
            "Usage": [
                ["Capacity usage export"],
                [],
                HEADER,
                *ROWS,
                [],
                ["Grand total", TOTAL],
            ],
        }
    )
    dataset = ingest(data)
    q = dataset.quality
    assert "sheet 'Usage'" in q.files[0].description
    assert (q.rows_used, q.rows_rejected, q.blank_rows, q.total_rows) == (len(ROWS), 0, 1, 1)
    # Excel row numbers: two title rows, the header on row 3, data from row 4.
    assert int(dataset.frame["source_row"].min()) == 4
    assert round(dataset.total_units, 6) == TOTAL


def test_real_excel_dates_with_a_year_are_used_as_they_are() -> None:
    rows = [[dt.datetime(2026, 10, 5, 14, 30), 1.5, "Ben"], [dt.datetime(2026, 10, 6, 9, 0), 0.5, "Ann"]]
    dataset = ingest(to_xlsx({"Sheet1": [["Date", "Units used", "Initiated by"], *rows]}))
    assert [t.isoformat() for t in dataset.frame["started_at"]] == [
        "2026-10-05T14:30:00+00:00",
        "2026-10-06T09:00:00+00:00",
    ]
    assert dataset.quality.inferred_years == ()


def test_no_sheet_with_a_usage_header() -> None:
    with pytest.raises(UntrustedFileError, match=r"no sheet has a usage header.*Notes"):
        ingest(to_xlsx({"Notes": [["hello", "world"]]}))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "binary file"),
        (b"\x7fELF" + b"\x00" * 200, "binary file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "legacy .xls"),
        (b"PK\x03\x04" + b"garbage" * 20, "damaged zip"),
        (b"Date,Units used\n", "named .xlsx but is not an Excel workbook"),
    ],
)
def test_disguised_files_are_refused_by_content(data: bytes, message: str) -> None:
    with pytest.raises(UntrustedFileError, match=message):
        ingest(data)


def test_macro_enabled_workbook_is_refused() -> None:
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    xlsm = rewrite_zip(good, {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    with pytest.raises(UntrustedFileError, match=r"macro-enabled workbook \(\.xlsm\)"):
        ingest(xlsm)
    types = (
        zipfile.ZipFile(io.BytesIO(good))
        .read("[Content_Types].xml")
        .replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    )
    with pytest.raises(UntrustedFileError, match="macro-enabled"):
        ingest(rewrite_zip(good, {"[Content_Types].xml": types}))


def test_other_office_formats_in_a_zip_are_refused() -> None:
    xlsb = io.BytesIO()
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("xl/workbook.bin", b"binary")
    with pytest.raises(UntrustedFileError, match=r"\.xlsb"):
        ingest(xlsb.getvalue())
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office/>")
    with pytest.raises(UntrustedFileError, match=r"\.ods"):
        ingest(ods.getvalue())
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UntrustedFileError, match=r"no xl/workbook\.xml"):
        ingest(other.getvalue())


def test_zip_bomb_is_refused_before_parsing() -> None:
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    bomb = rewrite_zip(good, {}, {"xl/media/padding.bin": b"\x00" * (50 * 2**20)})
    assert len(bomb) < 1_000_000
    with pytest.raises(UntrustedFileError, match="zip bomb"):
        ingest(bomb)


def _sheet_xml(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:XFD1048576"/><sheetData>{cells}</sheetData></worksheet>'
    ).encode()


@pytest.mark.parametrize(
    "cells",
    [
        # One far cell: calamine would allocate a 16384 x 1048576 grid.
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        # Far column, in a row that looks harmless.
        '<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1"><v>2</v></c></row>',
        # A cell claiming a row far beyond its row tag.
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="B900000"><v>2</v></c></row>',
        # Position hidden behind another attribute, or missing.
        '<row r="1"><c t="n" r="XFD1048576"><v>1</v></c></row>',
        '<row r="1"><c><v>1</v></c></row>',
    ],
)
def test_sheet_dimension_bombs_are_refused_before_calamine(cells: str) -> None:
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    bomb = rewrite_zip(good, {"xl/worksheets/sheet1.xml": _sheet_xml(cells)})
    with pytest.raises(UntrustedFileError, match=r"bounds|too large|rows reach"):
        ingest(bomb)


def test_dimension_bomb_does_not_exhaust_memory_in_a_fresh_process(tmp_path: Path) -> None:
    """The refusal happens before any large allocation (run under a 1 GiB address-space cap)."""
    good = to_xlsx({"Usage": [HEADER, *ROWS]})
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rewrite_zip(good, {"xl/worksheets/sheet1.xml": _sheet_xml(cells)}))
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))\n"
        "from copilot_roi.usage import UntrustedFileError, load_hourly_usage\n"
        "try:\n    load_hourly_usage([sys.argv[1]])\n"
        "except UntrustedFileError as e:\n    print('refused', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.startswith("refused")


def test_csv_content_named_csv_inside_a_zip_name_is_read_by_content() -> None:
    # A CSV saved with a .txt name is read as text; the name only has to be an allowed one.
    dataset = ingest(to_csv(ROWS), "export.txt")
    assert dataset.quality.rows_used == len(ROWS)
