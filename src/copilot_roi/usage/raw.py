"""The raw table a reader hands to validation: columns as read, with the row numbers a user sees."""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from copilot_roi.hourly import IntArray
from copilot_roi.usage.headers import HeaderMapping

# Parser-side limits; the Streamlit upload limit is enforced separately (config.toml).
MAX_FILE_BYTES = 300 * 2**20
MAX_ROWS = 5_000_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 30
# Rows with the wrong number of fields ("malformed"): a text file is refused as soon as it has more
# than MAX_MALFORMED_ROWS of them, or, past its first MALFORMED_GRACE_LINES data lines, as soon as
# they outnumber the well-formed rows read so far. Each one costs a Python callback in the parser,
# so the bound is also what keeps a file of broken lines from taking minutes.
MAX_MALFORMED_ROWS = 10_000
MALFORMED_GRACE_LINES = 1_000
# File content: bytes from an upload, or a read-only memory map of a file on disk (no copy).
Blob = bytes | mmap.mmap


@dataclass(frozen=True)
class RowIssue:
    """One row that a reader skipped or rejected before validation."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class RawTable:
    """Columns of one file under their unique header names, before any value is trusted.

    ``row_numbers[i]`` is the row of record ``i`` as the user sees it: the line number in a text
    file, the Excel row number in a workbook (both 1-based, counting title and header rows).
    """

    file_name: str
    file_format: str
    mapping: HeaderMapping
    columns: dict[str, pa.Array | pa.ChunkedArray]
    row_numbers: IntArray
    decimal_comma_allowed: bool
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    issues: list[RowIssue] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def describe(self) -> str:
        parts = [self.file_format.upper()]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter:
            parts.append({",": "comma", ";": "semicolon", "\t": "tab"}[self.delimiter] + "-separated")
        return ", ".join(parts)


def consecutive_rows(first_row: int, count: int, skipped: list[int]) -> IntArray:
    """Row numbers of ``count`` records read from ``first_row`` on, skipping ``skipped`` rows."""
    if not skipped:
        return np.arange(first_row, first_row + count, dtype=np.int64)
    candidates = np.arange(first_row, first_row + count + len(skipped), dtype=np.int64)
    keep = ~np.isin(candidates, np.asarray(skipped, dtype=np.int64))
    return candidates[keep][:count]
