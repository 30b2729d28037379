"""Validation: a raw table becomes typed rows plus a reason for every row that could not be used.

Values are checked per distinct value (dates, units, names repeat heavily) and mapped back to rows
with vectorised takes. Nothing is dropped silently: a row is used, rejected with (file, row,
column, reason), or skipped as blank or as a trailing total row, and each count is reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.hourly import BoolArray, FloatArray
from copilot_roi.safe_cells import strip_control
from copilot_roi.usage.dates import parse_distinct
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.headers import DEFAULT_WORKSPACE, TEXT_FIELDS
from copilot_roi.usage.raw import RawTable

# One session using more than this is a broken export, not usage (sessions use a few SCUs).
MAX_UNITS_PER_ROW = 1000.0
MAX_REJECTED_SHARE = 0.5
REJECTION_COLUMNS = ["file", "row", "column", "reason"]
_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
_DECIMAL_COMMA = r"^[+-]?[0-9]*,[0-9]+$"
_TOTAL = r"(?i)^\s*(grand\s+)?(total|sum|totals)\b"


@dataclass(frozen=True)
class ValidatedFile:
    """Typed rows of one file and what happened to every other row."""

    file_name: str
    description: str
    mapping: list[tuple[str, str]]
    frame: pd.DataFrame
    rejections: pd.DataFrame
    rows_read: int
    rows_rejected: int
    blank_rows: int
    total_rows: int
    ambiguous_times: int
    inferred_years: tuple[int, ...]
    notes: tuple[str, ...] = ()


def validate(raw: RawTable, as_of: dt.date, timezone: str) -> ValidatedFile:
    """Type the rows of ``raw``; raise :class:`UntrustedFileError` when too much is wrong."""
    n = raw.rows
    date_name = raw.mapping.column_for("started_at")
    units_name = raw.mapping.column_for("units_scu")
    assert date_name is not None and units_name is not None

    date_codes, date_dict = _encode(_as_text(raw.columns[date_name]))
    # A semicolon-separated file comes from a European locale: ambiguous 03/04 reads as 3 April.
    parsed = parse_distinct(date_dict, as_of, timezone, day_first_hint=raw.delimiter == ";")
    # Row-level gathers only where some distinct value is bad (the common case has none).
    date_ok = np.ones(n, dtype=bool) if parsed.ok.all() else parsed.ok[date_codes]

    units, units_ok, units_reasons, units_codes = _units(raw.columns[units_name], raw.decimal_comma_allowed)

    # Blank rows and trailing totals are skipped (and counted), not rejected.
    # Only dates that failed to parse can be blank or a total row.
    failed = np.flatnonzero(~parsed.ok)
    failed_text = date_dict.take(pa.array(failed, pa.int64()))
    date_empty = np.zeros(len(date_dict), dtype=bool)
    date_empty[failed] = np.asarray(pc.equal(pc.utf8_trim_whitespace(failed_text), ""), dtype=bool)
    blank = np.zeros(n, dtype=bool)
    candidates = (
        np.flatnonzero(date_empty[date_codes]) if n and date_empty.any() else np.zeros(0, dtype=np.int64)
    )
    if len(candidates):
        blank[candidates] = _all_cells_empty(raw, candidates)
    is_total_value = np.zeros(len(date_dict), dtype=bool)
    is_total_value[failed] = np.asarray(pc.match_substring_regex(failed_text, _TOTAL), dtype=bool)
    total = np.zeros(n, dtype=bool)
    good = date_ok & units_ok
    if n and is_total_value.any():
        last_good = int(np.flatnonzero(good)[-1]) if good.any() else -1
        total = is_total_value[date_codes] & (np.arange(n) > last_good)
    skipped = blank | total
    used = good & ~skipped

    bad_date_rows = np.flatnonzero(~date_ok & ~skipped)
    bad_unit_rows = np.flatnonzero(~units_ok & ~skipped)
    # Reasons are held per distinct date and value: only rejected rows get theirs as an array.
    parts = []
    if len(bad_date_rows):
        parts.append(
            pd.DataFrame(
                {
                    "file": raw.file_name,
                    "row": raw.row_numbers[bad_date_rows],
                    "column": raw.mapping.original[raw.mapping.names.index(date_name)],
                    "reason": np.array(parsed.reasons, dtype=object)[date_codes[bad_date_rows]],
                }
            )
        )
    if len(bad_unit_rows):
        unit_keys = bad_unit_rows if units_codes is None else units_codes[bad_unit_rows]
        parts.append(
            pd.DataFrame(
                {
                    "file": raw.file_name,
                    "row": raw.row_numbers[bad_unit_rows],
                    "column": raw.mapping.original[raw.mapping.names.index(units_name)],
                    "reason": units_reasons[unit_keys],
                }
            )
        )
    if raw.issues:
        parts.append(
            pd.DataFrame(
                {
                    "file": raw.file_name,
                    "row": [i.row for i in raw.issues],
                    "column": [i.column for i in raw.issues],
                    "reason": [i.reason for i in raw.issues],
                }
            )
        )
    if parts:
        rejections = pd.concat(parts, ignore_index=True).astype({"row": np.int64})
        rejections = rejections.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    else:
        rejections = pd.DataFrame(
            {c: pd.Series(dtype=np.int64 if c == "row" else object) for c in REJECTION_COLUMNS}
        )

    rows_read = n + len(raw.issues)
    rows_rejected = int(np.count_nonzero(~good & ~skipped)) + len(raw.issues)
    considered = rows_read - int(np.count_nonzero(skipped))
    if considered == 0:
        raise UntrustedFileError(raw.file_name, "the file has a header but no usage rows")
    if rows_rejected > MAX_REJECTED_SHARE * considered or not used.any():
        first = rejections.iloc[0]
        raise UntrustedFileError(
            raw.file_name,
            f"{rows_rejected:,} of {considered:,} rows cannot be used; first problem: {first['reason']}",
            row=int(first["row"]),
            column=str(first["column"]),
        )

    all_used = bool(used.all())
    row_codes = date_codes if all_used else date_codes[used]
    frame = _frame(raw, used, parsed.utc_ns[row_codes], units if all_used else units[used], timezone)
    # A usable value's local time is the wall clock it was read as: its year is the parsed one.
    inferred_years = parsed.local_year[parsed.year_inferred]
    first_year = int(inferred_years.min()) if len(inferred_years) else 0
    inferred = np.flatnonzero(np.bincount(inferred_years - first_year)) + first_year
    return ValidatedFile(
        file_name=raw.file_name,
        description=raw.describe(),
        mapping=raw.mapping.rows(),
        frame=frame,
        rejections=rejections,
        rows_read=rows_read,
        rows_rejected=rows_rejected,
        blank_rows=int(np.count_nonzero(blank)),
        total_rows=int(np.count_nonzero(total)),
        ambiguous_times=int(parsed.ambiguous[row_codes].sum()) if parsed.ambiguous.any() else 0,
        inferred_years=tuple(int(y) for y in inferred),
        notes=parsed.notes,
    )


def _as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text values (dictionary-encoded columns stay encoded)."""
    kind = column.type
    if pa.types.is_dictionary(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.fill_null("") if column.null_count else column
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_timestamp(kind):
        return pc.strftime(array, format="%Y-%m-%d %H:%M:%S").fill_null("")
    return pc.cast(array, pa.string()).fill_null("")


def _encode(column: pa.Array | pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], pa.Array]:
    """Dictionary codes (one per row) and the values they point to, each checked once.

    The values are distinct, except that a value whose rows span two chunks of a time-ordered
    file may be listed once per chunk: a repeat costs one more check of a value and changes no
    result (every use goes through the codes), while unifying the chunks' dictionaries of
    ~130,000 minute stamps costs more.
    """
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    if isinstance(column, pa.ChunkedArray) and column.num_chunks > 1:
        indices = [np.asarray(c.indices, dtype=np.int64) for c in column.chunks]
        # Non-decreasing codes: each value's rows lie together in its chunk (rows in time order),
        # so a value can repeat only across chunks, not once per scattered row.
        if all(len(i) < 2 or bool(np.all(i[1:] >= i[:-1])) for i in indices):
            dictionaries = [c.dictionary for c in column.chunks]
            starts = np.cumsum([0] + [len(d) for d in dictionaries[:-1]])
            codes = np.concatenate([i + start for i, start in zip(indices, starts, strict=True)])
            return codes, _blank_nulls_of(pa.concat_arrays(dictionaries))
    chunks = column.unify_dictionaries().chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return np.zeros(0, dtype=np.int64), pa.array([], pa.string())
    codes = np.concatenate([np.asarray(c.indices, dtype=np.int64) for c in chunks])
    return codes, _blank_nulls_of(chunks[0].dictionary)


def _blank_nulls_of(values: pa.Array) -> pa.Array:
    return values.fill_null("") if values.null_count else values


def _units(
    column: pa.Array | pa.ChunkedArray, decimal_comma: bool
) -> tuple[FloatArray, BoolArray, npt.NDArray[np.object_], npt.NDArray[np.int64] | None]:
    """Units and usability per row; reasons per distinct value and each row's distinct value."""
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        values = np.asarray(pc.cast(array, pa.float64()).fill_null(np.nan), dtype=np.float64)
        ok = np.isfinite(values) & (values >= 0) & (values <= MAX_UNITS_PER_ROW)
        if ok.all():  # no row needs a reason: skip a million-entry object array
            return values, ok, np.zeros(0, dtype=object), None
        missing = np.asarray(array.is_null(), dtype=bool)
        reasons = np.full(len(values), None, dtype=object)
        for i in np.flatnonzero(~ok):
            text = "" if missing[i] else f"{values[i]:g}"
            reasons[i] = _units_reason(text, float(values[i]), decimal_comma)
        return values, ok, reasons, None  # one reason per row: no distinct values to map
    codes, dictionary = _encode(_as_text(column))
    trimmed = pc.utf8_trim_whitespace(dictionary)
    if decimal_comma:
        is_comma = pc.match_substring_regex(trimmed, _DECIMAL_COMMA)
        trimmed = pc.if_else(is_comma, pc.replace_substring(trimmed, ",", "."), trimmed)
    is_number = np.asarray(pc.match_substring_regex(trimmed, _NUMBER), dtype=bool)
    safe = pc.if_else(pa.array(is_number), trimmed, "0")
    distinct = np.where(is_number, np.asarray(pc.cast(safe, pa.float64()), dtype=np.float64), np.nan)
    ok_distinct = np.isfinite(distinct) & (distinct >= 0) & (distinct <= MAX_UNITS_PER_ROW)
    reasons = np.full(len(distinct), None, dtype=object)
    bad = np.flatnonzero(~ok_distinct)
    if len(bad):
        texts = dictionary.take(pa.array(bad)).to_pylist()
        for i, text in zip(bad, texts, strict=True):
            reasons[i] = _units_reason(str(text), float(distinct[i]), decimal_comma)
    row_ok = np.ones(len(codes), dtype=bool) if ok_distinct.all() else ok_distinct[codes]
    return distinct[codes], row_ok, reasons, codes


def _units_reason(text: str, value: float, decimal_comma: bool) -> str:
    stripped = text.strip()
    if stripped == "" or (np.isnan(value) and stripped.lower() in {"nan", "null", "none", "na"}):
        return "missing units" if stripped == "" else f"units {stripped!r} is not a number"
    if stripped.lower().lstrip("+-") in {"inf", "infinity"}:
        return f"units {stripped!r} is infinite"
    if np.isnan(value):
        if "," in stripped and not decimal_comma:
            return f"units {stripped!r}: a comma in a comma-separated file is ambiguous"
        shown = stripped if len(stripped) <= 30 else stripped[:30] + "..."
        return f"units {shown!r} is not a number"
    if np.isinf(value):
        return f"units {stripped!r} is infinite"
    if value < 0:
        return f"negative units {stripped!r}"
    return f"units {stripped!r} above {MAX_UNITS_PER_ROW:g} in one row is not credible"


def _all_cells_empty(raw: RawTable, rows: npt.NDArray[np.int64]) -> BoolArray:
    empty = np.ones(len(rows), dtype=bool)
    index = pa.array(rows)
    for column in raw.columns.values():
        taken = _as_text(column).take(index)
        if pa.types.is_dictionary(taken.type):
            taken = taken.cast(pa.string())
        empty &= np.asarray(pc.equal(pc.utf8_trim_whitespace(taken), ""), dtype=bool)
    return empty


def _frame(
    raw: RawTable,
    used: BoolArray,
    utc_ns: npt.NDArray[np.int64],
    units: FloatArray,
    timezone: str,
) -> pd.DataFrame:
    count = int(np.count_nonzero(used))
    started = pd.DatetimeIndex(np.asarray(utc_ns, dtype=np.int64).view("M8[ns]")).tz_localize("UTC")
    data: dict[str, object] = {
        "started_at": started.tz_convert(timezone),
        "units_scu": units,
    }
    all_used = bool(used.all())
    mask = pa.array(used)

    def text(name: str) -> pd.api.extensions.ExtensionArray:
        column = _as_text(raw.columns[name])
        if pa.types.is_dictionary(column.type):
            # Read encoded because few values repeat (initiators, types): kept as categories.
            return _categorical(column, None if all_used else used)
        return pd.arrays.ArrowExtensionArray(column if all_used else column.filter(mask))

    for field in TEXT_FIELDS:
        name = raw.mapping.column_for(field)
        data[field] = _one_value(count, "") if name is None else text(name)
    workspace_name = raw.mapping.column_for("workspace")
    workspace_id = raw.mapping.column_for("workspace_id")
    shown = workspace_name or workspace_id
    data["workspace"] = (
        _one_value(count, DEFAULT_WORKSPACE) if shown is None else _workspace_names(text(shown))
    )
    data["source_file"] = _one_value(count, raw.file_name)
    data["source_row"] = raw.row_numbers if all_used else raw.row_numbers[used]
    for name, mapped in zip(raw.mapping.names, raw.mapping.fields, strict=True):
        # With a workspace name, its ID is kept beside it as an extra column.
        if mapped is None or (mapped == "workspace_id" and workspace_name is not None):
            data[f"extra: {name}"] = pd.arrays.ArrowExtensionArray(_as_text(raw.columns[name]).filter(mask))
    return pd.DataFrame(data, copy=False)


def _workspace_names(values: pd.api.extensions.ExtensionArray) -> pd.Categorical:
    """Workspace names as shown: control characters removed, spaces trimmed, a blank cell in
    the default workspace. Cleaned per distinct name; names that clean alike become one."""
    names = values if isinstance(values, pd.Categorical) else pd.Categorical(values)
    cleaned = [" ".join(strip_control(str(c)).split()) or DEFAULT_WORKSPACE for c in names.categories]
    distinct = sorted({*cleaned, DEFAULT_WORKSPACE} if (names.codes < 0).any() else set(cleaned))
    index = {name: i for i, name in enumerate(distinct)}
    # A missing cell (code -1) takes the last entry: the default workspace.
    position = np.array([index[c] for c in cleaned] + [index.get(DEFAULT_WORKSPACE, 0)], dtype=np.int32)
    return pd.Categorical.from_codes(
        position[names.codes], categories=pd.Index(distinct, dtype=object), validate=False
    )


def _one_value(count: int, value: str) -> pd.Categorical:
    """``count`` rows of one value, as a categorical (int8 codes, built without a check)."""
    codes = np.zeros(count, dtype=np.int8)
    return pd.Categorical.from_codes(codes, categories=pd.Index([value], dtype=object), validate=False)


def _categorical(column: pa.Array | pa.ChunkedArray, used: BoolArray | None) -> pd.Categorical:
    """A dictionary-encoded text column (its ``used`` rows, if given) as a pandas Categorical.

    The categories are the distinct texts of those rows in sorted order, as ``astype("category")``
    of the decoded text would give; the codes are remapped, never decoded to text.
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    # A null in a dictionary reads as blank, like a "": both become the one category "".
    chunks = [
        c
        if not c.dictionary.null_count
        else pa.DictionaryArray.from_arrays(c.indices, c.dictionary.fill_null(""))
        for c in chunks
    ]
    if len(chunks) > 1:
        chunks = pa.chunked_array(chunks, column.type).unify_dictionaries().chunks
    dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
    categories = pc.unique(dictionary)
    categories = categories.take(pc.sort_indices(categories))
    small = np.int16 if len(categories) <= np.iinfo(np.int16).max else np.int32
    rank = np.asarray(pc.index_in(dictionary, value_set=categories), dtype=small)
    codes: npt.NDArray[np.integer[Any]] = np.empty(len(column), dtype=small)
    start = 0
    for chunk in chunks:
        np.take(rank, np.asarray(chunk.indices), out=codes[start : start + len(chunk)])
        start += len(chunk)
    texts = categories.to_pylist()
    if used is not None:
        codes = codes[used]
        present = np.bincount(codes, minlength=len(texts)) > 0
        if not present.all():  # values only rejected rows held are no category
            codes = (np.cumsum(present) - 1).astype(small)[codes]
            texts = [text for text, keep in zip(texts, present, strict=True) if keep]
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object), validate=False)
