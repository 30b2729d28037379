"""Reading ``.xlsx`` exports with calamine, after :mod:`workbook_check` has bounded them.

Checked by content before calamine sees a byte (see :func:`check_workbook`): a plain zip with
``xl/workbook.xml``, no macros or binary formats, bounded inflated sizes, and every sheet the
reader can reach inside a bounded grid, because calamine builds a dense grid from the furthest
cell and aborts the process when an allocation fails.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import python_calamine

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import USAGE_HEADERS, HeaderSpec, looks_like_header, map_headers
from copilot_roi.usage.raw import HEADER_SEARCH_ROWS, MAX_COLUMNS, Blob, RawTable
from copilot_roi.usage.workbook_check import check_workbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def read_workbook(file_name: str, blob: Blob, spec: HeaderSpec = USAGE_HEADERS) -> RawTable:
    """Read the first sheet that holds a header of ``spec`` (usage by default) into a :class:`RawTable`."""
    data = blob if isinstance(blob, bytes) else blob[:]
    check_workbook(file_name, data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_names = list(workbook.sheet_names)
        for sheet_name in sheet_names:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            header_index = _header_row(rows, spec)
            if header_index is not None:
                return _table(file_name, sheet_name, rows, header_index, spec)
    except python_calamine.CalamineError as error:
        raise UntrustedFileError(file_name, f"an unreadable workbook ({error})") from None
    except (ValueError, OSError) as error:
        raise UntrustedFileError(file_name, f"an unreadable workbook ({error})") from None
    raise UntrustedFileError(
        file_name,
        f"no sheet has a {spec.what} header in its first {HEADER_SEARCH_ROWS} rows "
        f"(sheets: {', '.join(sheet_names) or 'none'}; need {spec.needs})",
    )


def _header_row(rows: list[list[Any]], spec: HeaderSpec) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if looks_like_header([c for c in row if isinstance(c, str)], spec):
            return index
    return None


def _table(
    file_name: str, sheet: str, rows: list[list[Any]], header_index: int, spec: HeaderSpec
) -> RawTable:
    header = rows[header_index]
    # Trailing empty header cells are the sheet's padding, not columns.
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise UntrustedFileError(file_name, f"{len(header)} columns (at most {MAX_COLUMNS})")
    mapping = map_headers([_text(c) for c in header], spec)
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
