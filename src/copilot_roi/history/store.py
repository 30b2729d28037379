"""The per-customer usage history: append exports exactly once, read them back as a usage dataset.

Layout of one customer (``customers/<slug>/`` in the backend)::

    customer.json            the name as first given (for listing)
    key.bin                  32 random bytes: the HMAC key of the customer's aliases
    parts/<sha256>.parquet   usage rows, one immutable part per append, named by its content
    names/<sha256>.parquet   alias -> name of the people in a part (dropped by forget_names)
    names-forgotten          present once names were forgotten: later appends keep none

**Why immutable parts, deduplicated again when read** (and no lock): an append reads the keys
already stored, keeps only rows whose key is new (an anti-join in DuckDB) and writes them as a new
part whose name is its SHA-256. Appends never modify an object, so a crashed append leaves
nothing half-written, and two replicas appending at once (which cannot see each other's new
part) can at worst store a record twice in two parts. Reads pick one row per key
(``DISTINCT ON`` the row key, the part that sorts first winning), so nothing is lost and nothing
counts twice. A blob lease would serialise appends instead, but a lease held by a crashed replica
blocks every append until it expires, and local folders would need a second locking scheme.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from copilot_roi.history.backends import Backend, backend_from_env
from copilot_roi.history.customers import check_customer, customer_slug
from copilot_roi.history.rows import (
    DICTIONARY_COLUMNS,
    KEY_COLUMNS,
    STORED_SCHEMA,
    at_rest,
    names_table,
    occurrences,
)
from copilot_roi.usage.bucketing import hourly_series
from copilot_roi.usage.ingest import FileReport, QualityReport, UsageDataset
from copilot_roi.usage.validate import REJECTION_COLUMNS

CUSTOMERS = "customers/"
NO_NAMES = "names-forgotten"
KEY_BYTES = 32
_KEY_SQL = ", ".join(f'"{c}"' for c in KEY_COLUMNS)


@dataclass(frozen=True)
class AddResult:
    customer: str
    rows_offered: int
    rows_added: int
    part: str | None  # the new part's object name; None when every row was stored already


@dataclass(frozen=True)
class HistorySummary:
    """What ``history show`` prints: rows, distinct sessions, SCUs and the first and last start (UTC)."""

    customer: str
    rows: int
    sessions: int
    total_units: float
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    parts: int
    names_kept: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "customer": self.customer,
            "rows": self.rows,
            "sessions": self.sessions,
            "total_units": round(self.total_units, 6),
            "first": self.first.isoformat() if self.first is not None else None,
            "last": self.last.isoformat() if self.last is not None else None,
            "parts": self.parts,
            "names_kept": self.names_kept,
        }


class HistoryStore:
    """Every customer's history in one backend (a folder, or an Azure container)."""

    def __init__(self, backend: Backend | None = None) -> None:
        self.backend = backend if backend is not None else backend_from_env()

    # -- customers ---------------------------------------------------------------------------

    @staticmethod
    def _prefix(customer: str) -> str:
        return f"{CUSTOMERS}{customer_slug(customer)}/"

    def customers(self) -> list[str]:
        """The names of the customers that have a history, sorted."""
        names = []
        for name in self.backend.list_names(CUSTOMERS):
            if name.endswith("/customer.json"):
                names.append(str(json.loads(self.backend.read(name))["name"]))
        return sorted(names, key=str.casefold)

    def has(self, customer: str) -> bool:
        return bool(self._parts(customer))

    def _ensure_customer(self, customer: str) -> bytes:
        prefix = self._prefix(customer)
        record = json.dumps({"name": check_customer(customer)}, ensure_ascii=False).encode("utf-8")
        self.backend.create(prefix + "customer.json", record)
        # The first replica to create the key wins; every other one reads the winner's.
        self.backend.create(prefix + "key.bin", secrets.token_bytes(KEY_BYTES))
        return self.backend.read(prefix + "key.bin")

    def parts(self, customer: str) -> list[tuple[str, int, str]]:
        """The history's parts as (object name, size in bytes, SHA-256): what a case records."""
        sizes = self.backend.sizes(self._prefix(customer) + "parts/")
        return [(name, sizes[name], Path(name).stem) for name in self._parts(customer)]

    def _parts(self, customer: str) -> list[str]:
        names = self.backend.list_names(self._prefix(customer) + "parts/")
        return [n for n in names if n.endswith(".parquet")]

    # -- append ------------------------------------------------------------------------------

    def add(self, customer: str, dataset: UsageDataset) -> AddResult:
        """Append ``dataset``'s rows that the history does not hold yet (see ``rows`` for the key)."""
        return self.add_frame(customer, dataset.frame)

    def add_frame(self, customer: str, frame: pd.DataFrame) -> AddResult:
        """Like :meth:`add`, for a usage frame (``UsageDataset.frame``'s columns)."""
        check_customer(customer)
        key = self._ensure_customer(customer)
        table, people = at_rest(frame, key)
        prefix = self._prefix(customer)
        existing = self._parts(customer)
        folder = self.backend.temp_dir(prefix + "parts/")
        handle, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=folder)
        os.close(handle)  # the name reserves a unique path; the writer fills the file
        temp = Path(temp_name)
        try:
            with self.backend.local_copies(existing) as paths:
                added = _write_new_rows(table, paths, temp)
            if added == 0:
                return AddResult(customer, table.num_rows, 0, None)
            part = f"{prefix}parts/{_sha256_file(temp)}.parquet"
            self.backend.create_from_file(part, temp)
        finally:
            temp.unlink(missing_ok=True)
        if people and not self.backend.exists(prefix + NO_NAMES):
            data = names_table(people)
            self.backend.create(f"{prefix}names/{hashlib.sha256(data).hexdigest()}.parquet", data)
        return AddResult(customer, table.num_rows, added, part)

    # -- read --------------------------------------------------------------------------------

    def stored_rows(self, customer: str) -> pa.Table:
        """The history's rows as stored (aliases, UTC), one row per key."""
        parts = self._parts(customer)
        if not parts:
            return STORED_EMPTY
        with self.backend.local_copies(parts) as paths, duckdb.connect() as con:
            return con.sql(_deduplicated_sql(paths)).to_arrow_table()

    def summary(self, customer: str) -> HistorySummary:
        parts = self._parts(customer)
        names_kept = bool(self.backend.list_names(self._prefix(customer) + "names/"))
        if not parts:
            return HistorySummary(check_customer(customer), 0, 0, 0.0, None, None, 0, names_kept)
        with self.backend.local_copies(parts) as paths, duckdb.connect() as con:
            rows, sessions, units, first, last = con.execute(
                "SELECT count(*), count(DISTINCT session_id), coalesce(sum(units_scu), 0), "
                f"min(started_at), max(started_at) FROM ({_deduplicated_sql(paths)})"
            ).fetchone() or (0, 0, 0.0, None, None)
        return HistorySummary(
            customer=self._display_name(customer),
            rows=int(rows),
            sessions=int(sessions),
            total_units=float(units),
            first=_utc(first),
            last=_utc(last),
            parts=len(parts),
            names_kept=names_kept,
        )

    def _display_name(self, customer: str) -> str:
        try:
            return str(json.loads(self.backend.read(self._prefix(customer) + "customer.json"))["name"])
        except (OSError, KeyError, ValueError):
            return check_customer(customer)

    def names(self, customer: str) -> dict[str, str]:
        """Alias -> name, from the mapping objects still kept (empty once forgotten)."""
        mapping: dict[str, str] = {}
        for name in self.backend.list_names(self._prefix(customer) + "names/"):
            table = pq.read_table(pa.BufferReader(self.backend.read(name)))
            mapping.update(zip(table["alias"].to_pylist(), table["name"].to_pylist(), strict=True))
        return mapping

    def load(self, customer: str, timezone: str = "UTC", with_names: bool = True) -> UsageDataset:
        """The customer's history as the usage dataset every page and command works on.

        ``with_names``: people's names where the mapping is kept (a roster matches names), their
        aliases otherwise. Raises ``ValueError`` when the customer has no history.
        """
        table = self.stored_rows(customer)
        if table.num_rows == 0:
            raise ValueError(f"no history kept for customer {check_customer(customer)!r}")
        return dataset_of(table, timezone, self.names(customer) if with_names else {})

    # -- forget ------------------------------------------------------------------------------

    def forget(self, customer: str) -> int:
        """Delete everything stored for ``customer``; how many objects were deleted."""
        return self.backend.delete(self._prefix(customer))

    def forget_names(self, customer: str, drop_key: bool = False) -> int:
        """Drop the alias -> name mapping (the usage stays, under aliases).

        The key stays unless ``drop_key``: with it, the same person added later gets the same
        alias (adoption keeps counting one person), and a name can only be confirmed by someone
        who holds the key and guesses the name. Without it, no name can be recovered at all, and
        people added later get new aliases.
        """
        prefix = self._prefix(customer)
        # From now on appends keep no names either (the marker says so to every replica).
        self.backend.create(prefix + NO_NAMES, b"names forgotten\n")
        deleted = self.backend.delete(prefix + "names/")
        if drop_key:
            deleted += self.backend.delete(prefix + "key.bin")
        return deleted


STORED_EMPTY = STORED_SCHEMA.empty_table()


def _write_new_rows(table: pa.Table, existing: list[Path], target: Path) -> int:
    """Write ``table``'s rows whose key is not in ``existing`` parts to ``target``; how many.

    Only rows inside the stored period can be stored already. An export lists its rows in time
    order, so those rows are one slice of it (its start, where it overlaps the last export): the
    slice is looked up and filtered, the rest is written as it is, uncopied. Rows in any other
    order are still handled right (the slice is then most of the table).
    """
    keyed = table.append_column("occurrence", pa.array(occurrences(table), pa.int32()))
    if existing and keyed.num_rows:
        stored_first, stored_last = _period(existing)
        started = keyed["started_at"].cast(pa.int64()).to_numpy()
        inside = np.flatnonzero((started >= stored_first) & (started <= stored_last))
        if len(inside):
            low, high = int(inside[0]), int(inside[-1]) + 1
            window = keyed.slice(low, high - low)
            held = _stored_already(window, existing)
            keyed = pa.concat_tables([keyed.slice(0, low), window.filter(pc.invert(held)), keyed.slice(high)])
    if keyed.num_rows:
        # Statistics of the start alone: the time filters read them; min and max of every text
        # column would cost a third of the write and serve no query.
        pq.write_table(keyed, target, use_dictionary=DICTIONARY_COLUMNS, write_statistics=["started_at"])
    return int(keyed.num_rows)


def _stored_already(window: pa.Table, existing: list[Path]) -> pa.Array:
    """Which rows of ``window`` the ``existing`` parts hold (a semi-join in DuckDB), as a mask.

    Only stored rows inside the window's period are read: the parts' row-group statistics let
    DuckDB skip the rest of a long history.
    """
    started = window["started_at"]
    batch = window.select(list(KEY_COLUMNS)).append_column("row", pa.array(np.arange(window.num_rows)))
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.register("batch", batch)
        found = con.execute(
            f"SELECT b.row FROM batch b SEMI JOIN (SELECT {_KEY_SQL} "
            f"FROM read_parquet({_sql_list(existing)}) "
            f"WHERE started_at BETWEEN $first AND $last) h USING ({_KEY_SQL})",
            {"first": pc.min(started).as_py(), "last": pc.max(started).as_py()},
        ).fetchnumpy()["row"]
    held = np.zeros(window.num_rows, dtype=bool)
    held[np.asarray(found, dtype=np.int64)] = True
    return pa.array(held)


def _period(parts: list[Path]) -> tuple[int, int]:
    """The first and last start stored in ``parts`` (microseconds since the epoch), from their
    row-group statistics (no row is read)."""
    first, last = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    for path in parts:
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.names.index("started_at")
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(column).statistics
            if stats is None or not stats.has_min_max:
                return np.iinfo(np.int64).min, np.iinfo(np.int64).max  # unknown: look up every row
            first = min(first, _micros(stats.min))
            last = max(last, _micros(stats.max))
    return first, last


def _micros(value: object) -> int:
    """A statistics value (a datetime, or the raw integer) as microseconds since the epoch."""
    if isinstance(value, int):
        return value
    return int(pd.Timestamp(value).value) // 1000  # type: ignore[arg-type]  # .value: always ns


def _deduplicated_sql(paths: list[Path]) -> str:
    """One row per key across parts (two replicas may have stored a record in two parts)."""
    files = _sql_list(paths)
    if len(paths) == 1:
        return f"SELECT * EXCLUDE (occurrence) FROM read_parquet({files}, union_by_name = true)"
    return (
        f"SELECT * EXCLUDE (occurrence, filename) FROM (SELECT DISTINCT ON ({_KEY_SQL}) * "
        f"FROM read_parquet({files}, filename = true, union_by_name = true) ORDER BY {_KEY_SQL}, filename)"
    )


def _sql_path(path: Path) -> str:
    # Paths are generated (temp folders, slugs, hex names); quotes are doubled all the same.
    return str(path).replace("'", "''")


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(f"'{_sql_path(p)}'" for p in paths) + "]"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _utc(value: object) -> pd.Timestamp | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def dataset_of(table: pa.Table, timezone: str, names: dict[str, str]) -> UsageDataset:
    """Stored rows as a :class:`UsageDataset` in ``timezone`` (the frame the pages use)."""
    frame = table.to_pandas()
    frame["started_at"] = pd.DatetimeIndex(frame["started_at"]).tz_convert(timezone).as_unit("ns")
    frame = frame.sort_values(["started_at", "source_file", "source_row"], kind="stable").reset_index(
        drop=True
    )
    users = frame["user"].astype("category")
    if names:
        users = users.cat.rename_categories([names.get(str(c), str(c)) for c in users.cat.categories])
    frame["user"] = users.astype("string")
    for column in ("session_id", "category", "type", "experience", "plugins"):
        frame[column] = frame[column].astype("string")
    # Parts written before a column existed read as missing there (DuckDB's union by name).
    workspaces = frame["workspace"].astype("string").fillna("")
    if (workspaces == "").all():
        frame = frame.drop(columns="workspace")  # kept from exports that had no workspace column
    else:
        frame["workspace"] = workspaces.astype("category")
    frame["source_file"] = frame["source_file"].astype("category")
    frame["source_row"] = frame["source_row"].astype("int64")
    counts = frame["source_file"].value_counts(sort=False)
    first, last = frame["started_at"].min(), frame["started_at"].max()
    quality = QualityReport(
        files=[
            FileReport(
                file_name=str(name),
                description="kept in the customer's history",
                rows_read=int(count),
                rows_used=int(count),
                rows_rejected=0,
                blank_rows=0,
                total_rows=0,
                mapping=[],
            )
            for name, count in counts.items()
        ],
        rows_read=len(frame),
        rows_used=len(frame),
        rows_rejected=0,
        duplicates_removed=0,
        blank_rows=0,
        total_rows=0,
        ambiguous_times=0,
        first=first,
        last=last,
        inferred_years=(),
        as_of=last.date(),
        timezone=timezone,
        rejections=pd.DataFrame({c: pd.Series(dtype="object") for c in REJECTION_COLUMNS}),
    )
    series = hourly_series(pd.DatetimeIndex(frame["started_at"]), frame["units_scu"].to_numpy(), timezone)
    return UsageDataset(frame=frame, quality=quality, hourly=series)
