"""Reading text exports (CSV, TSV, Excel's UTF-16 "Unicode text"): encoding, delimiter, header row."""

from __future__ import annotations

import codecs
import csv
import io

import pyarrow as pa
import pyarrow.csv as pacsv

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import HeaderMapping, looks_like_header, map_headers
from copilot_roi.usage.raw import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
    RawTable,
    RowIssue,
    consecutive_rows,
)

DELIMITERS = (",", ";", "\t")
_HEAD_BYTES = 64 * 1024


def read_text_export(file_name: str, data: bytes) -> RawTable:
    """Read a delimited text export into a :class:`RawTable` (every value kept as text)."""
    body, encoding = _to_arrow_bytes(file_name, data)
    head_text = _head_text(body, encoding)
    header_index, delimiter, mapping = _find_header(file_name, head_text)
    return _read_body(file_name, body, encoding, header_index, delimiter, mapping)


def _to_arrow_bytes(file_name: str, data: bytes) -> tuple[bytes, str]:
    """Bytes pyarrow can read and their encoding ('utf8' or 'cp1252'); UTF-16 is transcoded."""
    if not data.strip():
        raise UntrustedFileError(file_name, "the file is empty")
    utf16 = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        utf16 = "utf-16"
    elif len(data) >= 4 and data[1:20:2].count(0) >= 8 and data[0:20:2].count(0) == 0:
        utf16 = "utf-16-le"
    elif len(data) >= 4 and data[0:20:2].count(0) >= 8 and data[1:20:2].count(0) == 0:
        utf16 = "utf-16-be"
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as error:
            raise UntrustedFileError(file_name, f"broken UTF-16 text ({error.reason})") from None
        if "\x00" in text:
            raise UntrustedFileError(file_name, "the text contains NUL characters")
        return text.lstrip("\ufeff").encode("utf-8"), "utf8"
    if b"\x00" in data:
        raise UntrustedFileError(file_name, "the file contains NUL bytes: it is binary, not a text export")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], "utf8"
    head = data[:_HEAD_BYTES]
    try:
        # Cut at the last newline so a multi-byte character is never split.
        head[: head.rfind(b"\n") + 1 or len(head)].decode("utf-8")
    except UnicodeDecodeError:
        return data, "cp1252"
    return data, "utf8"


def _head_text(body: bytes, encoding: str) -> str:
    head = body[:_HEAD_BYTES]
    if len(body) > _HEAD_BYTES:
        head = head[: head.rfind(b"\n") + 1 or len(head)]
    return head.decode("utf-8" if encoding == "utf8" else "cp1252", errors="replace")


def _find_header(file_name: str, head_text: str) -> tuple[int, str, HeaderMapping]:
    lines = head_text.splitlines()[:HEADER_SEARCH_ROWS]
    for index, line in enumerate(lines):
        for delimiter in DELIMITERS:
            if delimiter not in line:
                continue
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
            if not looks_like_header(cells):
                continue
            if len(cells) > MAX_COLUMNS:
                raise UntrustedFileError(
                    file_name, f"{len(cells)} columns in the header (at most {MAX_COLUMNS})", index + 1
                )
            mapping = map_headers(cells)
            if isinstance(mapping, str):
                raise UntrustedFileError(file_name, mapping, row=index + 1)
            return index, delimiter, mapping
    raise UntrustedFileError(
        file_name,
        f"no usage header in the first {HEADER_SEARCH_ROWS} rows "
        "(need at least a 'Date' and a 'Units used' column, separated by , ; or tab)",
    )


def _read_body(
    file_name: str,
    body: bytes,
    encoding: str,
    header_index: int,
    delimiter: str,
    mapping: HeaderMapping,
) -> RawTable:
    if body.count(b'"') % 2:
        raise UntrustedFileError(
            file_name, "a quote is opened and never closed; the rest of the file would be misread"
        )
    names = list(mapping.names)
    ragged: list[tuple[int | None, int, int]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        ragged.append((row.number, row.actual_columns, row.expected_columns))
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1,
                column_names=names,
                encoding=encoding,
                use_threads=use_threads,
                block_size=16 * 2**20,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                invalid_row_handler=on_invalid,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=True,
            ),
        )

    try:
        table = read(use_threads=True)
        if ragged and any(number is None for number, _, _ in ragged):
            # Multi-threaded reads do not number invalid rows; read again to report them exactly.
            ragged.clear()
            table = read(use_threads=False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        if encoding == "utf8" and "utf8" in str(error).lower().replace("-", ""):
            return _read_body(file_name, body, "cp1252", header_index, delimiter, mapping)
        raise UntrustedFileError(file_name, f"unreadable text ({_short(error)})") from None
    if table.num_rows > MAX_ROWS:
        raise UntrustedFileError(file_name, f"{table.num_rows:,} rows (at most {MAX_ROWS:,})")

    first_data_row = header_index + 2
    skipped = sorted(int(n) for n, _, _ in ragged if n is not None)
    row_numbers = consecutive_rows(first_data_row, table.num_rows, skipped)
    newline = b"\n" if b"\n" in body else b"\r"
    lines = body.count(newline) + (0 if body.endswith(newline) else 1)
    if table.num_rows + len(ragged) + header_index + 1 != lines:
        # A value swallowed a line break: misplaced quotes. Name the first affected row.
        row = _first_multiline_row(table, row_numbers)
        raise UntrustedFileError(
            file_name,
            "a quoted value runs across lines (misplaced quote); the rest of the file would be misread",
            row=row,
        )
    issues = [
        RowIssue(n, "(row)", f"{actual} fields where the header has {expected}; row skipped")
        for n, actual, expected in sorted(ragged, key=lambda r: r[0] or 0)
        if n is not None
    ]
    return RawTable(
        file_name=file_name,
        file_format="csv" if delimiter != "\t" else "tsv",
        mapping=mapping,
        columns={name: table.column(name) for name in names},
        row_numbers=row_numbers,
        decimal_comma_allowed=delimiter != ",",
        encoding="UTF-8" if encoding == "utf8" else "Windows-1252",
        delimiter=delimiter,
        issues=issues,
    )


def _first_multiline_row(table: pa.Table, row_numbers: object) -> int | None:
    import pyarrow.compute as pc

    for column in table.columns:
        hits = pc.match_substring_regex(column, r"[\r\n]")
        index = pc.index(hits, True).as_py()
        if index is not None and index >= 0:
            return int(row_numbers[index])  # type: ignore[index]
    return None


def _short(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
