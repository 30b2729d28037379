"""Reading ``.xlsx`` exports with calamine, after checking the zip is a plain, bounded workbook.

Checked by content before calamine sees a byte: the zip magic and ``xl/workbook.xml``; no macros
(``vbaProject.bin``), no ``.xlsb``/``.xls``/``.ods``; total uncompressed size and compression
ratio (zip bombs); every cell position inside bounded rows and columns, because calamine builds
a dense grid from the furthest cell and one cell at ``XFD1048576`` would ask for hundreds of GiB.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import looks_like_header, map_headers
from copilot_roi.usage.raw import HEADER_SEARCH_ROWS, MAX_COLUMNS, MAX_ROWS, Blob, RawTable

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED_BYTES = 1 * 2**30
MAX_COMPRESSION_RATIO = 200.0
MAX_GRID_CELLS = 30_000_000
_MAX_COLUMN_LETTERS = "[D-Z][A-Z]"  # column DA = 105 and beyond are refused (MAX_COLUMNS = 100)
_ROW_TAG = re.compile(rb'<(?:\w+:)?row r="(\d{1,7})"')
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")


def sniff_kind(data: Blob) -> str:
    """'xlsx' (a zip), 'ole' (legacy Office), 'binary' (programs, archives) or 'text'."""
    head = bytes(data[:16])
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith((b"MZ", b"\x7fELF", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return "binary"
    return "text"


def check_workbook_zip(file_name: str, data: bytes) -> zipfile.ZipFile:
    """Open the zip and refuse anything that is not a plain, bounded ``.xlsx`` workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UntrustedFileError(file_name, f"a damaged zip, not a workbook ({error})") from None
    names = {info.filename for info in infos}
    lowered = {n.lower() for n in names}
    if any(n.endswith("vbaproject.bin") for n in lowered):
        raise UntrustedFileError(file_name, "a macro-enabled workbook (.xlsm); save it as .xlsx")
    if "xl/workbook.bin" in lowered:
        raise UntrustedFileError(file_name, "a binary workbook (.xlsb); save it as .xlsx")
    if "mimetype" in lowered or "content.xml" in lowered:
        raise UntrustedFileError(file_name, "an OpenDocument file (.ods); save it as .xlsx")
    if "xl/workbook.xml" not in names:
        raise UntrustedFileError(file_name, "a zip that is not an Excel workbook (no xl/workbook.xml)")
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")[:1_000_000].lower()
        if b"macroenabled" in types:
            raise UntrustedFileError(file_name, "a macro-enabled workbook; save it as .xlsx")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UntrustedFileError(
                file_name,
                f"{info.filename} expands {info.file_size / max(info.compress_size, 1):,.0f}x "
                f"(at most {MAX_COMPRESSION_RATIO:.0f}x): a zip bomb",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UntrustedFileError(
            file_name, f"expands to {total / 2**20:,.0f} MiB (at most {MAX_UNCOMPRESSED_BYTES // 2**20} MiB)"
        )
    return archive


def _greater_than(n: int) -> bytes:
    """A regex alternation matching decimal integers greater than ``n`` (no leading zeros)."""
    digits = str(n)
    width = len(digits)
    options = [f"[1-9][0-9]{{{width},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{width - i - 1}}}")
    return "|".join(options).encode()


def check_sheet_bounds(file_name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a worksheet whose cells would make calamine allocate an enormous grid."""
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        xml = _member_bytes(file_name, archive, info)
        found = _SHEET_DATA.search(xml)
        if found is None:
            continue
        prefix = re.escape(found.group(1) or b"")
        # The last <row> tag bounds the sheet; any cell placed beyond it is refused below.
        last = _ROW_TAG.match(xml, max(xml.rfind(b"<" + (found.group(1) or b"") + b"row "), 0))
        max_row = int(last.group(1)) if last else 0
        if max_row > MAX_ROWS:
            raise UntrustedFileError(file_name, f"sheet rows reach {max_row:,} (at most {MAX_ROWS:,})")
        cell = b"<" + prefix + b"c"
        odd = _odd_cell_pattern(cell, max_row)
        if _matches(xml, odd):
            hit = re.search(odd, xml)
            start = hit.start() if hit else 0
            ref = xml[start : start + 40].split(b">")[0].decode("ascii", "replace")
            raise UntrustedFileError(
                file_name,
                f"a cell outside the sheet's bounds or without a position ({ref}>): "
                "a sheet-dimension bomb or a damaged workbook",
            )
        if max_row * 52 > MAX_GRID_CELLS:
            letters = set(re.findall(cell + rb' r="([A-Z]{1,2})', xml))
            width = max((_column_number(c) for c in letters), default=0)
            if max_row * width > MAX_GRID_CELLS:
                raise UntrustedFileError(
                    file_name, f"a sheet of {max_row:,} rows x {width} columns is too large"
                )


def _odd_cell_pattern(cell: bytes, max_row: int) -> bytes:
    """A cell positioned oddly: no r attribute first, a column past the limit (3 letters or
    from DA on), a leading-zero row, or a row beyond the sheet's last <row> tag.

    Written without look-arounds so RE2 (linear time, via pyarrow) and Python's re agree.
    """
    return (
        cell
        + rb'(?:>|/|\s+(?:[^r\s]|r[^=]|r=[^"]|r="(?:[A-Z]{3}|'
        + _MAX_COLUMN_LETTERS.encode()
        + rb"|[A-Z]{1,2}(?:0|"
        + _greater_than(max_row)
        + rb')")))'
    )


def _matches(data: bytes, pattern: bytes) -> bool:
    """Whether ``pattern`` occurs in ``data``: one RE2 pass over a zero-copy Arrow view."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    view = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    return bool(pc.match_substring_regex(view, pattern.decode("ascii")).to_pylist()[0])


def _member_bytes(file_name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated directly (zipfile's CRC pass costs as much as inflating).

    The output is bounded by the declared size; a member that inflates beyond it is refused.
    """
    raw = archive.fp
    if info.compress_type != zipfile.ZIP_DEFLATED or raw is None:
        return archive.read(info)
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise UntrustedFileError(file_name, f"a damaged zip entry ({info.filename})")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(raw.read(info.compress_size), info.file_size + 1)
    except zlib.error as error:
        raise UntrustedFileError(file_name, f"a damaged zip entry ({info.filename}: {error})") from None
    if len(data) != info.file_size:
        raise UntrustedFileError(
            file_name, f"{info.filename} does not inflate to its declared size: a damaged or forged zip"
        )
    return data


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def read_workbook(file_name: str, blob: Blob) -> RawTable:
    """Read the first sheet that holds a usage header into a :class:`RawTable`."""
    data = blob if isinstance(blob, bytes) else blob[:]
    archive = check_workbook_zip(file_name, data)
    check_sheet_bounds(file_name, archive)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(workbook.sheet_names)
        for sheet_name in sheet_names:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            header_index = _header_row(rows)
            if header_index is not None:
                return _table(file_name, sheet_name, rows, header_index)
    except python_calamine.CalamineError as error:
        raise UntrustedFileError(file_name, f"an unreadable workbook ({error})") from None
    except (ValueError, OSError) as error:
        raise UntrustedFileError(file_name, f"an unreadable workbook ({error})") from None
    raise UntrustedFileError(
        file_name,
        f"no sheet has a usage header in its first {HEADER_SEARCH_ROWS} rows "
        f"(sheets: {', '.join(sheet_names) or 'none'}; need 'Date' and 'Units used' columns)",
    )


def _header_row(rows: list[list[Any]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if looks_like_header([c for c in row if isinstance(c, str)]):
            return index
    return None


def _table(file_name: str, sheet: str, rows: list[list[Any]], header_index: int) -> RawTable:
    header = rows[header_index]
    # Trailing empty header cells are the sheet's padding, not columns.
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise UntrustedFileError(file_name, f"{len(header)} columns (at most {MAX_COLUMNS})")
    mapping = map_headers([_text(c) for c in header])
    if isinstance(mapping, str):
        raise UntrustedFileError(file_name, mapping, row=header_index + 1)
    body = rows[header_index + 1 :]
    width = len(header)
    if not body:
        grid = np.empty((width, 0), dtype=object)
    else:
        if min(map(len, body)) < width or len(set(map(len, body))) > 1:
            body = [(list(r) + [""] * width)[:width] for r in body]
        # One C-level copy into a 2-D object grid, then contiguous columns (no Python loop).
        grid = np.array(body, dtype=object)[:, :width].T.copy()
    columns = {name: _to_arrow(grid[i]) for i, name in enumerate(mapping.names)}
    first_row = header_index + 2
    return RawTable(
        file_name=file_name,
        file_format="xlsx",
        mapping=mapping,
        columns=columns,
        row_numbers=np.arange(first_row, first_row + len(body), dtype=np.int64),
        decimal_comma_allowed=True,
        sheet=sheet,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_arrow(values: npt.NDArray[np.object_]) -> pa.Array:
    """Typed when the column is uniformly text, numeric or datetime; mixed columns become text.

    Each attempt fails on the first value of another type, so a uniform column costs one pass.
    """
    for kind in (pa.string(), pa.float64(), pa.timestamp("us")):
        try:
            array = pa.array(values, kind)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            continue
        if kind != pa.float64() or not any(type(v) is bool for v in values[:1]):
            return array
    return pa.array([v if isinstance(v, str) else _cell_text(v) for v in values], pa.string())


def _cell_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return str(value).upper()
    return _text(value)
