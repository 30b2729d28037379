"""Reading text exports (CSV, TSV, Excel's UTF-16 "Unicode text"): encoding, delimiter, header row."""

from __future__ import annotations

import codecs
import csv
import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import USAGE_HEADERS, HeaderMapping, HeaderSpec, looks_like_header, map_headers
from copilot_roi.usage.raw import (
    HEADER_SEARCH_ROWS,
    MALFORMED_GRACE_LINES,
    MAX_COLUMNS,
    MAX_MALFORMED_ROWS,
    MAX_ROWS,
    Blob,
    RawTable,
    RowIssue,
    consecutive_rows,
)

DELIMITERS = (",", ";", "\t")
_NUL_REASON = "the file contains NUL bytes: it is binary, not a text export"
_HEAD_BYTES = 64 * 1024
# Fields read dictionary-encoded (besides units read as text): see _column_type.
_DICTIONARY_FIELDS = ("started_at", "user", "type")


def read_text_export(file_name: str, data: Blob, spec: HeaderSpec = USAGE_HEADERS) -> RawTable:
    """Read a delimited text export into a :class:`RawTable` (every value kept as text)."""
    body, encoding, label = _arrow_body(file_name, data)
    head_text = _head_text(body, encoding)
    header_index, delimiter, mapping = _find_header(file_name, head_text, spec)
    return _read_body(file_name, body, encoding, label, header_index, delimiter, mapping)


def _arrow_body(file_name: str, data: Blob) -> tuple[pa.Buffer, str, str]:
    """A zero-copy buffer pyarrow can read, its encoding ('utf8'/'cp1252') and a label.

    UTF-16 is transcoded to UTF-8 (Excel's "Unicode text"); other files are not copied.
    """
    head = bytes(data[:_HEAD_BYTES])
    if not head or (len(data) <= _HEAD_BYTES and head.isspace()):
        raise UntrustedFileError(file_name, "the file is empty")
    utf16 = None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    elif len(head) >= 4 and head[1:20:2].count(0) >= 8 and head[0:20:2].count(0) == 0:
        utf16 = "utf-16-le"
    elif len(head) >= 4 and head[0:20:2].count(0) >= 8 and head[1:20:2].count(0) == 0:
        utf16 = "utf-16-be"
    if utf16:
        try:
            text = bytes(data).decode(utf16)
        except UnicodeDecodeError as error:
            raise UntrustedFileError(file_name, f"broken UTF-16 text ({error.reason})") from None
        if "\x00" in text:
            raise UntrustedFileError(file_name, "the text contains NUL characters")
        return pa.py_buffer(text.lstrip("\ufeff").encode("utf-8")), "utf8", "UTF-16"
    # NUL bytes past the head are caught in the parsed values (_control_bytes), without a scan.
    if b"\x00" in head:
        raise UntrustedFileError(file_name, _NUL_REASON)
    buffer = pa.py_buffer(data)
    if head.startswith(codecs.BOM_UTF8):
        return buffer.slice(len(codecs.BOM_UTF8)), "utf8", "UTF-8 with BOM"
    try:
        # Cut at the last newline so a multi-byte character is never split.
        head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return buffer, "cp1252", "Windows-1252"
    return buffer, "utf8", "UTF-8"


def _head_text(body: pa.Buffer, encoding: str) -> str:
    head = body.slice(0, min(body.size, _HEAD_BYTES)).to_pybytes()
    if body.size > _HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1 or len(head)]
    return str(head.decode("utf-8" if encoding == "utf8" else "cp1252", errors="replace"))


def _find_header(file_name: str, head_text: str, spec: HeaderSpec) -> tuple[int, str, HeaderMapping]:
    lines = head_text.splitlines()[:HEADER_SEARCH_ROWS]
    for index, line in enumerate(lines):
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
            if not looks_like_header(cells, spec):
                continue
            if len(cells) > MAX_COLUMNS:
                raise UntrustedFileError(
                    file_name, f"{len(cells)} columns in the header (at most {MAX_COLUMNS})", index + 1
                )
            mapping = map_headers(cells, spec)
            if isinstance(mapping, str):
                raise UntrustedFileError(file_name, mapping, row=index + 1)
            return index, delimiter, mapping
    raise UntrustedFileError(
        file_name,
        f"no {spec.what} header in the first {HEADER_SEARCH_ROWS} rows "
        f"(need {spec.needs}, separated by , ; or tab)",
    )


def _read_body(
    file_name: str,
    body: pa.Buffer,
    encoding: str,
    label: str,
    header_index: int,
    delimiter: str,
    mapping: HeaderMapping,
) -> RawTable:
    names = list(mapping.names)
    malformed = _MalformedRows(file_name, first_line=header_index + 2)

    def read(use_threads: bool, numeric_units: bool) -> pa.Table:
        malformed.start(numbered=not use_threads)
        return pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1,
                column_names=names,
                encoding=encoding,
                use_threads=use_threads,
                block_size=4 * 2**20,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                invalid_row_handler=malformed.on_invalid,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: _column_type(n, mapping, numeric_units) for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                # Only an empty, unquoted units cell becomes null ("missing units"); text never.
                null_values=[""] if numeric_units else [],
                decimal_point="," if delimiter != "," else ".",
                # Checked after the read instead, only where a value holds a non-ASCII byte.
                check_utf8=False,
            ),
        )

    try:
        # Units are parsed as numbers while reading; a file with any unit that is not a plain
        # number is read again with units as text, so each bad value gets its row and reason.
        # The parallel read stops at the first malformed row (it cannot number rows, and each
        # callback there costs ~16 us against ~1 us in one thread); the file is then read in one
        # thread, where the malformed-row bounds apply as the rows come.
        numeric, threads = True, True
        while True:
            try:
                table = read(use_threads=threads, numeric_units=numeric)
                break
            except pa.ArrowInvalid as error:
                if malformed.refusal is not None:
                    raise malformed.refusal from None
                if threads and malformed.rows:
                    threads = False
                elif numeric and "conversion error to double" in str(error):
                    numeric = False
                else:
                    raise
        if encoding == "utf8" and not _text_is_utf8(table):
            raise pa.ArrowInvalid("CSV conversion error to string: invalid UTF8 data")
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        if encoding == "utf8" and not _valid_utf8(body):
            return _read_body(file_name, body, "cp1252", "Windows-1252", header_index, delimiter, mapping)
        raise UntrustedFileError(file_name, f"unreadable text ({_short(error)})") from None
    if table.num_rows > MAX_ROWS:
        raise UntrustedFileError(file_name, f"{table.num_rows:,} rows (at most {MAX_ROWS:,})")

    if malformed.swallowed is not None:
        raise UntrustedFileError(
            file_name,
            "a quoted value runs across lines (misplaced quote); the rest of the file would be misread",
            row=malformed.swallowed,
        )
    first_data_row = header_index + 2
    skipped = sorted(n for n, _, _ in malformed.rows)
    row_numbers = consecutive_rows(first_data_row, table.num_rows, skipped)
    control = _control_bytes(table)
    if 0 in control:
        raise UntrustedFileError(file_name, _NUL_REASON)
    if control & {10, 13} or _last_line_quote_open(body):
        # A value swallowed a line break: a misplaced quote. Name the first affected row.
        row = _first_multiline_row(table, row_numbers)
        raise UntrustedFileError(
            file_name,
            "a quoted value runs across lines (misplaced quote); the rest of the file would be misread",
            row=row if row is not None else (int(row_numbers[-1]) if len(row_numbers) else None),
        )
    issues = [
        RowIssue(n, "(row)", f"{actual} fields where the header has {expected}; row skipped")
        for n, actual, expected in sorted(malformed.rows)
    ]
    return RawTable(
        file_name=file_name,
        file_format="csv" if delimiter != "\t" else "tsv",
        mapping=mapping,
        columns={name: table.column(name) for name in names},
        row_numbers=row_numbers,
        decimal_comma_allowed=delimiter != ",",
        encoding=label,
        delimiter=delimiter,
        issues=issues,
    )


class _MalformedRows:
    """Rows with the wrong number of fields, counted as the parser meets them, and the bounds.

    In a parallel read rows are not numbered: the first malformed row stops that read (the file
    is read again in one thread). In a one-thread read each row has its line number, and the
    read stops with a refusal as soon as there are more than ``MAX_MALFORMED_ROWS`` malformed rows
    or, past the first ``MALFORMED_GRACE_LINES`` data lines, more malformed rows than well-formed.
    """

    def __init__(self, file_name: str, first_line: int) -> None:
        self.file_name = file_name
        self.first_line = first_line
        self.numbered = False
        self.rows: list[tuple[int, int, int]] = []
        self.swallowed: int | None = None
        self.refusal: UntrustedFileError | None = None

    def start(self, numbered: bool) -> None:
        self.numbered = numbered
        self.rows = []
        self.swallowed = None
        self.refusal = None

    def on_invalid(self, row: pacsv.InvalidRow) -> str:
        if not self.numbered or row.number is None:
            self.rows.append((0, row.actual_columns, row.expected_columns))
            return "error"
        number = int(row.number)
        if ("\n" in row.text or "\r" in row.text) and self.swallowed is None:
            self.swallowed = number  # a quote ran over line ends: rows merged
        self.rows.append((number, row.actual_columns, row.expected_columns))
        malformed = len(self.rows)
        lines = number - self.first_line + 1
        if malformed > MAX_MALFORMED_ROWS or (
            lines > MALFORMED_GRACE_LINES and malformed > lines - malformed
        ):
            first, actual, expected = self.rows[0]
            rule = (
                f"more than {MAX_MALFORMED_ROWS:,} rows"
                if malformed > MAX_MALFORMED_ROWS
                else f"{malformed:,} of the first {lines:,} rows"
            )
            self.refusal = UntrustedFileError(
                self.file_name,
                f"{rule} have the wrong number of fields (the first, here, has {actual} where the "
                f"header has {expected}); reading stopped at line {number:,}: the file is mostly "
                "not a usage export, or its delimiter or quoting is broken",
                row=first,
            )
            return "error"
        return "skip"


def _text_is_utf8(table: pa.Table) -> bool:
    """Whether every text value is UTF-8: values of ASCII bytes only are, the others are validated.

    Checking here, on the values' buffers, is cheaper than Arrow's per-value check in the parse.
    """
    for column in table.columns:
        for chunk in column.chunks:
            array = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if not pa.types.is_string(array.type):
                continue
            data = array.buffers()[2]
            if data is None or data.size == 0 or np.frombuffer(data, dtype=np.uint8).max() < 128:
                continue
            try:
                array.validate(full=True)
            except pa.ArrowInvalid:
                return False
    return True


def _valid_utf8(body: pa.Buffer) -> bool:
    """Whether the whole buffer is UTF-8 (checked only after a read failed)."""
    offsets = pa.py_buffer(np.array([0, body.size], dtype=np.int32))
    try:
        pa.Array.from_buffers(pa.string(), 1, [None, offsets, body]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _control_bytes(table: pa.Table) -> set[int]:
    """Which of NUL, LF and CR occur inside any value (scans the value buffers, not the rows).

    A line break inside a value means a quote swallowed the rows after it.
    """
    found: set[int] = set()
    for column in table.columns:
        for chunk in column.chunks:
            array = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
            if not pa.types.is_string(array.type):
                continue  # numbers read as numbers hold no text
            data = array.buffers()[2]
            if data is None or data.size == 0:
                continue
            raw = np.frombuffer(data, dtype=np.uint8)
            if raw.min() > 13:  # fast path: no control byte at all
                continue
            found |= {byte for byte in (0, 10, 13) if np.count_nonzero(raw == byte)}
    return found


def _last_line_quote_open(body: pa.Buffer) -> bool:
    """An odd number of quotes on the last line: a quote opened there never closes."""
    tail = body.slice(max(0, body.size - _HEAD_BYTES)).to_pybytes().rstrip(b"\r\n")
    cut = max(tail.rfind(b"\n"), tail.rfind(b"\r"))
    return bool(tail[cut + 1 :].count(b'"') % 2 == 1)


def _column_type(name: str, mapping: HeaderMapping, numeric_units: bool) -> pa.DataType:
    # Dates (and units read as text) repeat heavily: reading them dictionary-encoded lets
    # validation parse each distinct value once, and the encoding happens in the parallel parse.
    # Initiators and types (a few hundred values in a million rows) become categoricals in the
    # frame, so the rate card and the breakdowns work on codes instead of hashing the text.
    if mapping.column_for("units_scu") == name:
        return pa.float64() if numeric_units else pa.dictionary(pa.int32(), pa.string())
    if name in (mapping.column_for(field) for field in _DICTIONARY_FIELDS):
        return pa.dictionary(pa.int32(), pa.string())
    return pa.string()


def _first_multiline_row(table: pa.Table, row_numbers: object) -> int | None:
    import pyarrow.compute as pc

    for column in table.columns:
        text = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
        if not pa.types.is_string(text.type):
            continue
        hits = pc.match_substring_regex(text, r"[\r\n]")
        index = pc.index(hits, True).as_py()
        if index is not None and index >= 0:
            return int(row_numbers[index])  # type: ignore[index]
    return None


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
