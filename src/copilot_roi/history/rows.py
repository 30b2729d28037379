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

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from copilot_roi.usage.agent_names import is_agent_identity
from copilot_roi.usage.pseudonymise import without_names

KEY_COLUMNS = ("session_id", "started_at", "units_scu", "user", "occurrence")
TEXT_COLUMNS = ("user", "session_id", "category", "type", "experience", "plugins")
STORED_SCHEMA = pa.schema(
    [
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("units_scu", pa.float64()),
        ("user", pa.string()),
        ("session_id", pa.string()),
        ("category", pa.string()),
        ("type", pa.string()),
        ("experience", pa.string()),
        ("plugins", pa.string()),
        ("source_file", pa.string()),
        ("source_row", pa.int64()),
    ]
)
NAMES_SCHEMA = pa.schema([("alias", pa.string()), ("name", pa.string())])
# 48 bits: among 100,000 people the chance that two share an alias is about 2 in 100 million
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


def at_rest(frame: pd.DataFrame, key: bytes) -> tuple[pa.Table, dict[str, str]]:
    """A usage frame (``UsageDataset.frame``) as the stored table, and alias -> name of its people.

    Only the documented columns are kept: an unknown column ("extra: ...") may hold anything
    personal, and nothing downstream reads it.
    """
    users = frame["user"].astype("string").fillna("").astype("category")
    names = [str(c) for c in users.cat.categories]
    aliases = alias_people(names, key)
    people = {n: a for n, a in aliases.items() if n != a}
    files = frame["source_file"].astype("string").fillna("").astype("category")
    shown_files = [without_names(str(f), people) for f in files.cat.categories]
    started = pd.DatetimeIndex(frame["started_at"]).tz_convert("UTC").as_unit("us")
    columns: dict[str, pa.Array] = {
        "started_at": pa.array(started, pa.timestamp("us", tz="UTC")),
        "units_scu": pa.array(frame["units_scu"].to_numpy(dtype="float64")),
        "user": pa.array(users.cat.rename_categories([aliases[n] for n in names]).astype(str), pa.string()),
    }
    for column in TEXT_COLUMNS[1:]:
        values = frame[column] if column in frame.columns else pd.Series([""] * len(frame))
        columns[column] = pa.array(values.astype("string").fillna(""), pa.string())
    columns["source_file"] = pa.array(files.cat.rename_categories(shown_files).astype(str), pa.string())
    columns["source_row"] = pa.array(frame["source_row"].to_numpy(dtype="int64"))
    table = pa.table(columns, schema=STORED_SCHEMA)
    return table, {a: n for n, a in people.items()}


def names_table(mapping: dict[str, str]) -> bytes:
    """The alias -> name mapping of one part as Parquet bytes (sorted, so equal maps give equal bytes)."""
    pairs = sorted(mapping.items())
    table = pa.table({"alias": [a for a, _ in pairs], "name": [n for _, n in pairs]}, schema=NAMES_SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
