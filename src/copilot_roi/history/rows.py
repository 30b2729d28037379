"""Usage rows at rest: the stored columns, the row key that makes appends exactly-once, and aliases.

**Row key**: ``session_id``, ``started_at`` (the instant, UTC, to the second), ``units_scu``,
``user`` (the alias) and ``occurrence``. The first four are the session merge's key
(``usage.merge.DEDUPE_KEY``): overlapping exports list the same record with those values.
``occurrence`` numbers the exact repeats of a record inside one batch (0, 1, ...): two prompts in
one session and minute can use the same units, and such repeats are real. A history therefore
keeps a record as many times as the export holding it most often holds it, never more, whatever
the order the exports arrive in, as ``drop_overlap`` does within one session.

**Pseudonymised at rest**: ``user`` holds ``User <12 hex digits>``, the HMAC-SHA256 of the name
under the customer's own random key; agents keep their product names (they are not people). File
names, which can carry a person's name, are stored with the names replaced. The alias -> name
mapping is written apart (``names`` objects) so it can be dropped on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import io

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from copilot_roi.usage.agent_names import is_agent_identity
from copilot_roi.usage.pseudonymise import without_names

KEY_COLUMNS = ("session_id", "started_at", "units_scu", "user", "occurrence")
MERGE_KEY = KEY_COLUMNS[:-1]
TEXT_COLUMNS = ("user", "session_id", "category", "type", "experience", "plugins")
# People and files are dictionary-encoded in memory: an alias is computed once per person and
# written as 4-byte indices. (Encoding the other labels too costs more than the writer saves.)
_LABELS = pa.dictionary(pa.int32(), pa.string())
# Parquet dictionary pages pay off for labels; a session id is nearly unique per row, and trying
# a dictionary for it first costs the writer a hash of every value for nothing.
DICTIONARY_COLUMNS = ["user", "category", "type", "experience", "plugins", "workspace", "source_file"]
STORED_SCHEMA = pa.schema(
    [
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("units_scu", pa.float64()),
        ("user", _LABELS),
        ("session_id", pa.string()),
        ("category", pa.string()),
        ("type", pa.string()),
        ("experience", pa.string()),
        ("plugins", pa.string()),
        # Each workspace has its own capacity; "" where the frame had no workspace column.
        ("workspace", _LABELS),
        ("source_file", _LABELS),
        ("source_row", pa.int64()),
    ]
)
NAMES_SCHEMA = pa.schema([("alias", pa.string()), ("name", pa.string())])
# 48 bits: among 100,000 people two share an alias about 2 times in 100 million tenants
# (the session aliases' 32 bits would merge two people about once per 10,000-person tenant).
_ALIAS_HEX_DIGITS = 12


def stored_alias(name: str, key: bytes) -> str:
    """The alias a person is stored under, for one customer's key.

    >>> stored_alias("Ben Heppard", b"k" * 32)
    'User 55382215B4B1'
    """
    digest = hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"User {digest[:_ALIAS_HEX_DIGITS].upper()}"


def alias_people(names: list[str], key: bytes) -> dict[str, str]:
    """Name -> alias for people; agents map to themselves."""
    return {n: n if is_agent_identity(n) else stored_alias(n, key) for n in names}


def _text(frame: pd.DataFrame, column: str) -> pa.Array:
    """A text column as Arrow strings, missing as "" (an empty cell), zero-copy where it can be."""
    if column not in frame.columns:
        return pc.fill_null(pa.nulls(len(frame), pa.string()), "")
    values = pa.array(frame[column], from_pandas=True)
    if pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    return pc.fill_null(values.cast(pa.string()), "")


def _labels(indices: pa.Array, values: list[str]) -> pa.DictionaryArray:
    """A dictionary column from indices and the (possibly repeated) values they point to.

    Two names can share a value (an alias collision is not expected, but a file name aliased the
    same way is): the dictionary is made unique again, which pyarrow requires of nothing but
    DuckDB and equality tests expect.
    """
    unique, positions = np.unique(np.array(values, dtype=object), return_inverse=True)
    remapped = pa.array(positions.astype(np.int32)).take(indices)
    return pa.DictionaryArray.from_arrays(remapped, pa.array(unique.tolist(), pa.string()))


def _labels_of(values: pa.Array) -> pa.DictionaryArray:
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return encoded.cast(_LABELS)


def at_rest(frame: pd.DataFrame, key: bytes) -> tuple[pa.Table, dict[str, str]]:
    """A usage frame (``UsageDataset.frame``) as the stored table, and alias -> name of its people.

    Only the documented columns are kept: an unknown column ("extra: ...") may hold anything
    personal, and nothing downstream reads it. Names are aliased per distinct value (a few
    thousand people), never per row.
    """
    users = _labels_of(_text(frame, "user"))
    names = [str(n) for n in users.dictionary.to_pylist()]
    aliases = alias_people(names, key)
    people = {n: a for n, a in aliases.items() if n != a}
    files = _labels_of(_text(frame, "source_file"))
    shown_files = [without_names(str(f), people) for f in files.dictionary.to_pylist()]
    started = pd.DatetimeIndex(frame["started_at"]).tz_convert("UTC").as_unit("us")
    columns: dict[str, pa.Array] = {
        "started_at": pa.array(started, pa.timestamp("us", tz="UTC")),
        "units_scu": pa.array(frame["units_scu"].to_numpy(dtype="float64")),
        "user": _labels(users.indices, [aliases[n] for n in names]),
        "session_id": _text(frame, "session_id"),
    }
    for column in ("category", "type", "experience", "plugins"):
        columns[column] = _text(frame, column)
    columns["workspace"] = (
        _labels_of(_text(frame, "workspace"))
        if "workspace" in frame.columns
        else _labels(pa.array(np.zeros(len(frame), dtype=np.int32)), [""])
    )
    columns["source_file"] = _labels(files.indices, shown_files)
    columns["source_row"] = pa.array(frame["source_row"].to_numpy(dtype="int64"))
    table = pa.table(columns, schema=STORED_SCHEMA)
    return table, {a: n for n, a in people.items()}


def occurrences(table: pa.Table) -> npt.NDArray[np.int32]:
    """Each row's number among the exact repeats of its record in ``table`` (0 for the first).

    Repeats are rare, so rows are first screened on numbers alone (start, units and user mixed
    into 64 bits, a hash-table pass); only rows that share those are compared in full.
    """
    started = table["started_at"].cast(pa.int64()).to_numpy()
    units = table["units_scu"].to_numpy().view(np.int64)
    users = table["user"].combine_chunks().indices.to_numpy().astype(np.int64)
    screen = _mix(started) ^ _mix(units + 0x51ED27) ^ _mix(users + 0x2545F491)
    candidates = pd.Series(screen).duplicated(keep=False).to_numpy()
    out = np.zeros(table.num_rows, dtype=np.int32)
    if candidates.any():
        rows = np.flatnonzero(candidates)
        subset = table.take(pa.array(rows)).select(list(MERGE_KEY)).to_pandas()
        out[rows] = subset.groupby(list(MERGE_KEY), sort=False, dropna=False).cumcount().to_numpy()
    return out


def _mix(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """SplitMix64's finaliser: spreads the bits of each value (wrapping arithmetic on purpose)."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))).view(np.int64)


def names_table(mapping: dict[str, str]) -> bytes:
    """The alias -> name mapping of one part as Parquet bytes (sorted, so equal maps give equal bytes)."""
    pairs = sorted(mapping.items())
    table = pa.table({"alias": [a for a, _ in pairs], "name": [n for _, n in pairs]}, schema=NAMES_SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
