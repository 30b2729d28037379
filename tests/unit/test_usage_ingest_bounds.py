"""Ingest that cannot be made to explode: workbooks checked as the reader sees them, and text
files whose malformed rows are counted, bounded and stop the read early.

Every hostile file is built here. The workbook cases call the check directly: a case the check
missed would otherwise reach calamine and abort the test process (the CLI test in
test_usage_hostile_cli.py runs them end to end, in a separate process under a memory limit).
Each layout is also shown, with a harmless sheet, to be one calamine really reads.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from usage_builders import AS_OF, HEADER, rewrite_zip, sample_records, to_csv, to_xlsx

from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_files
from copilot_roi.usage.raw import MALFORMED_GRACE_LINES, MAX_MALFORMED_ROWS
from copilot_roi.usage.workbook_check import MAX_GRID_CELLS, check_workbook

OPTIONS = IngestOptions(as_of=AS_OF)
ROWS = sample_records(6)
WORKSHEET = "worksheets/sheet1.xml"


def sheet_xml(far_cell: str, attributes: str = "", prefix: str = "") -> bytes:
    """A usage header and one data row, plus one cell at ``far_cell`` (positioned by ``attributes``
    when given, e.g. ``t="n" r='xfd1'``)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns{':' + prefix if prefix else ''}"
    header = "".join(
        f'<{p}c r="{chr(65 + i)}1" t="inlineStr"><{p}is><{p}t>{name}</{p}t></{p}is></{p}c>'
        for i, name in enumerate(HEADER[:2])
    )
    data = (
        f'<{p}c r="A2" t="inlineStr"><{p}is><{p}t>Nov 3, 9:00 AM</{p}t></{p}is></{p}c>'
        f'<{p}c r="B2"><{p}v>1.5</{p}v></{p}c>'
    )
    far = attributes or f'r="{far_cell}"'
    row = "".join(ch for ch in far_cell if ch.isdigit()) or "3"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}='
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<{p}sheetData><{p}row r="1">{header}</{p}row><{p}row r="2">{data}</{p}row>'
        f'<{p}row r="{row}"><{p}c {far}><{p}v>7</{p}v></{p}c></{p}row></{p}sheetData></{p}worksheet>'
    ).encode()


def workbook(sheet: bytes, entry: str = "xl/" + WORKSHEET, target: str = WORKSHEET) -> bytes:
    """A real workbook whose only sheet is stored at ``entry`` and listed with ``target``."""
    good = zipfile.ZipFile(io.BytesIO(to_xlsx({"Usage": [HEADER, *ROWS]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            content = good.read(info)
            if info.filename == "xl/" + WORKSHEET:
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(f'Target="{WORKSHEET}"'.encode(), f'Target="{target}"'.encode())
            z.writestr(info.filename, content)
        if entry:
            z.writestr(entry, sheet)
    return out.getvalue()


LAYOUTS = {
    "another folder": ("xl/data/sheet1.xml", "data/sheet1.xml"),
    "upper-case extension": ("xl/worksheets/sheet1.XML", WORKSHEET),
    "absolute target": ("xl/data/sheet1.xml", "/xl/data/sheet1.xml"),
    "absolute target in another case": ("xl/data/sheet1.xml", "/XL/Data/Sheet1.xml"),
}


@pytest.mark.parametrize(("entry", "target"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_each_layout_is_one_the_reader_reads(entry: str, target: str) -> None:
    # A far cell inside the bounds (J20): the reader finds the sheet and pads it to 20 x 10.
    dataset = ingest_files([("u.xlsx", workbook(sheet_xml("J20"), entry, target))], OPTIONS)
    assert dataset.quality.rows_used == 1
    # Rows 2..20 were read (the far cell lies beyond the header's columns: rows 3..20 are blank).
    assert (dataset.quality.rows_read, dataset.quality.blank_rows) == (19, 18)


@pytest.mark.parametrize(("entry", "target"), LAYOUTS.values(), ids=LAYOUTS.keys())
@pytest.mark.parametrize("far", ["XFD1048576", "xfd1048576", "xFd1048576"])
def test_a_far_cell_is_refused_wherever_the_sheet_lives(entry: str, target: str, far: str) -> None:
    with pytest.raises(UntrustedFileError, match=rf"cell {far} \(column 16,384\) lies outside") as caught:
        check_workbook("u.xlsx", workbook(sheet_xml(far), entry, target))
    assert (caught.value.row, caught.value.column) == (1_048_576, "XFD")
    assert entry in caught.value.reason


def test_a_row_beyond_any_sheet_is_refused() -> None:
    with pytest.raises(UntrustedFileError, match=r"rows reach 4,000,000 \(at most 1,048,576\)") as caught:
        check_workbook("u.xlsx", workbook(sheet_xml("cz4000000")))
    assert caught.value.row == 4_000_000


@pytest.mark.parametrize(
    ("attributes", "why"),
    [
        ('t="n" r="xfd3"', "position after another attribute"),
        ("r='XFD3'", "single quotes"),
        ('r = "XFD3"', "spaces around ="),
        ('r="A3" r="XFD3"', "the reader keeps the last of two positions"),
        ('s="1"', "no position: the reader would count one"),
        ('r="XFD03"', "a leading zero"),
        ('r="$A$3"', "not a position"),
        ('r="A3"s="1"', "attributes run together"),
        ('r="A3" t', "an attribute without a value"),
    ],
)
def test_every_way_of_writing_a_position_is_checked(attributes: str, why: str) -> None:
    with pytest.raises(UntrustedFileError, match=r"outside|position"):
        check_workbook("u.xlsx", workbook(sheet_xml("A3", attributes)))


def test_a_namespace_prefix_on_cells_does_not_hide_them() -> None:
    with pytest.raises(UntrustedFileError, match="cell XFD3 "):
        check_workbook("u.xlsx", workbook(sheet_xml("XFD3", prefix="q")))


def test_the_grid_is_bounded_by_height_times_width() -> None:
    # 1,048,576 rows: 12 columns at most; column M (13) is refused, column L is not.
    tall = sheet_xml("L1048576")
    check_workbook("u.xlsx", workbook(tall))
    with pytest.raises(UntrustedFileError, match=r"1,048,576 rows x 12 columns"):
        check_workbook("u.xlsx", workbook(tall.replace(b'r="A2"', b'r="M2"')))
    assert MAX_GRID_CELLS == 1_048_576 * 12
    # 100 rows: 100 columns (CV) at most.
    check_workbook("u.xlsx", workbook(sheet_xml("CV100")))
    with pytest.raises(UntrustedFileError, match=r"cell CW100 \(column 101\)"):
        check_workbook("u.xlsx", workbook(sheet_xml("CW100")))


def test_a_cell_out_of_row_order_is_refused() -> None:
    # The height comes from the sheet's last rows (here 3..5002, 200 KB); a far row earlier in the
    # sheet lands outside it.
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(3, 5003))
    sheet = sheet_xml("A3").replace(b'<c r="B2">', b'<c r="B900000">')
    sheet = sheet.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
    with pytest.raises(UntrustedFileError, match="cell B900000 ") as caught:
        check_workbook("u.xlsx", workbook(sheet))
    assert "5,002 rows x 100 columns" in caught.value.reason


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "a1:xfd1", "A1:B1048577", "A0:B2", "A1:B2 "])
def test_a_dimension_beyond_the_sheet_limits_is_refused(ref: str) -> None:
    sheet = sheet_xml("B3").replace(b"<sheetData>", f'<dimension ref="{ref}"/><sheetData>'.encode())
    with pytest.raises(UntrustedFileError, match="dimension"):
        check_workbook("u.xlsx", workbook(sheet))
    fine = sheet_xml("B3").replace(b"<sheetData>", b'<dimension ref="A1:B3"/><sheetData>')
    check_workbook("u.xlsx", workbook(fine))


def test_a_listed_sheet_the_file_lacks_is_refused() -> None:
    with pytest.raises(UntrustedFileError, match=r"sheet 'Usage' is listed at 'data/sheet1\.xml'"):
        ingest_files([("u.xlsx", workbook(b"", entry="", target="data/sheet1.xml"))], OPTIONS)


def test_a_sheet_without_a_resolvable_reference_is_refused() -> None:
    data = workbook(sheet_xml("B3"))
    book = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    for broken in (book.replace(b'r:id="rId1"', b""), book.replace(b'r:id="rId1"', b'r:id="rId99"')):
        with pytest.raises(UntrustedFileError, match="points to no relationship"):
            ingest_files([("u.xlsx", rewrite_zip(data, {"xl/workbook.xml": broken}))], OPTIONS)


def test_an_entry_holding_cells_is_checked_even_when_nothing_lists_it() -> None:
    data = rewrite_zip(to_xlsx({"Usage": [HEADER, *ROWS]}), {}, {"xl/spare/part.bin": sheet_xml("xfd1")})
    with pytest.raises(UntrustedFileError, match=r"xl/spare/part\.bin: cell xfd1 "):
        check_workbook("u.xlsx", data)


def test_the_workbook_part_named_by_the_package_relationships_is_followed() -> None:
    # calamine opens the workbook _rels/.rels names: here other/workbook.xml, its sheet under other/.
    source = zipfile.ZipFile(io.BytesIO(to_xlsx({"Usage": [HEADER, *ROWS]})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "_rels/.rels":
                content = content.replace(b'Target="xl/workbook.xml"', b'Target="other/workbook.xml"')
            z.writestr(info.filename, content)
        z.writestr("other/workbook.xml", source.read("xl/workbook.xml"))
        z.writestr("other/_rels/workbook.xml.rels", source.read("xl/_rels/workbook.xml.rels"))
        z.writestr("other/worksheets/sheet1.xml", sheet_xml("J20"))
    data = out.getvalue()
    assert ingest_files([("u.xlsx", data)], OPTIONS).quality.rows_read == 19  # the sheet under other/
    far = rewrite_zip(data, {"other/worksheets/sheet1.xml": sheet_xml("XFD20")})
    with pytest.raises(UntrustedFileError, match=r"other/worksheets/sheet1\.xml: cell XFD20 "):
        check_workbook("u.xlsx", far)


def test_entries_named_alike_in_another_case_are_refused() -> None:
    data = rewrite_zip(to_xlsx({"Usage": [HEADER, *ROWS]}), {}, {"XL/Worksheets/Sheet1.xml": b"<x/>"})
    with pytest.raises(UntrustedFileError, match="two zip entries named"):
        check_workbook("u.xlsx", data)


def test_an_oversized_part_is_refused_from_its_declared_size() -> None:
    big = b"<worksheet><sheetData/></worksheet>" + b" " * (700 * 2**20)
    data = rewrite_zip(to_xlsx({"Usage": [HEADER, *ROWS]}), {}, {"xl/padding.xml": big})
    del big
    with pytest.raises(UntrustedFileError, match=r"expands to 700 MiB \(at most 640 MiB per part\)"):
        check_workbook("u.xlsx", data)


# --- text files with malformed rows ---------------------------------------------------------


def ragged_csv(megabytes: float) -> bytes:
    """A header, one valid row, then ``x`` on every line (the hang found in review)."""
    head = to_csv(ROWS[:1])
    return head + b"x\n" * int((megabytes * 2**20 - len(head)) / 2)


@pytest.mark.parametrize("megabytes", [4, 32])
def test_a_file_of_malformed_lines_stops_early(megabytes: int) -> None:
    data = ragged_csv(megabytes)
    start = time.monotonic()
    with pytest.raises(UntrustedFileError) as caught:
        ingest_files([("u.csv", data)], OPTIONS)
    elapsed = time.monotonic() - start
    assert caught.value.row == 3  # the first malformed row: header on 1, the valid row on 2
    assert f"{MALFORMED_GRACE_LINES:,} of the first {MALFORMED_GRACE_LINES + 1:,} rows" in caught.value.reason
    assert "1 where the header has 8" in caught.value.reason
    assert elapsed < 2.0, f"{elapsed:.1f} s: the read did not stop early"


def test_malformed_rows_are_bounded_even_after_many_valid_rows() -> None:
    valid = sample_records(MAX_MALFORMED_ROWS + 5000)
    data = to_csv(valid) + b"x\n" * (MAX_MALFORMED_ROWS + 1)
    with pytest.raises(
        UntrustedFileError, match=f"more than {MAX_MALFORMED_ROWS:,} rows have the wrong"
    ) as caught:
        ingest_files([("u.csv", data)], OPTIONS)
    assert caught.value.row == len(valid) + 2


def test_a_few_malformed_rows_are_listed_and_the_rest_is_used() -> None:
    rows = sample_records(3000)
    lines = to_csv(rows).splitlines(keepends=True)
    broken = [5, 1200, 2999]
    for n in broken:
        lines[n - 1] = b"x\n"  # line n of the file
    dataset = ingest_files([("u.csv", b"".join(lines))], OPTIONS)
    records = dataset.quality.rejection_records()
    assert [r["row"] for r in records] == broken
    assert all(r["reason"] == "1 fields where the header has 8; row skipped" for r in records)
    assert dataset.quality.rows_used == len(rows) - len(broken)


def test_malformed_rows_up_to_the_grace_lines_still_leave_the_decision_to_validation() -> None:
    # Two lines in three malformed, within the first lines: validation refuses the file whole.
    body = to_csv(ROWS * 50).splitlines(True)[1:]
    lines = b"".join(line if i % 3 == 0 else b"x\n" for i, line in enumerate(body))
    assert len(body) < MALFORMED_GRACE_LINES
    data = to_csv([], header=HEADER) + lines
    with pytest.raises(UntrustedFileError, match="rows cannot be used"):
        ingest_files([("u.csv", data)], OPTIONS)
