"""Builders for history tests: overlapping exports with known records, and what a history holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from usage_builders import AS_OF, record, to_csv

from copilot_roi.history import HistoryStore
from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files

OPTIONS = IngestOptions(as_of=AS_OF)
T0 = dt.datetime(2026, 9, 1, 8, 0)
PEOPLE = ("Ben Heppard", "Chloé Martin", "李伟", "NA")
AGENT = "Phishing Triage Agent"


def records(first: int, last: int) -> list[list[object]]:
    """Records ``first`` .. ``last - 1``: one every 7 hours, several people, one agent, repeats."""
    out = []
    for i in range(first, last):
        user = AGENT if i % 5 == 4 else PEOPLE[i % len(PEOPLE)]
        out.append(
            record(
                T0 + dt.timedelta(hours=7 * i),
                round(0.1 * (i % 9 + 1), 1),
                user=user,
                session=f"s-{i // 2:04d}",
                kind="Agent" if user == AGENT else "Prompt",
            )
        )
    return out


def export(name: str, rows: list[list[object]]) -> UsageDataset:
    return ingest_files([(name, to_csv(rows))], OPTIONS)


def three_overlapping() -> dict[str, UsageDataset]:
    """Exports A (0-120), B (80-200) and C (150-260, with record 170 held twice)."""
    c_rows = records(150, 260)
    c_rows.append(c_rows[20])  # a real repeat inside one file: kept twice
    return {
        "A": export("CapacityUsage_Ben Heppard_A.csv", records(0, 120)),
        "B": export("CapacityUsage_B.csv", records(80, 200)),
        "C": export("CapacityUsage_C.csv", c_rows),
    }


def content(store: HistoryStore, customer: str) -> list[tuple[object, ...]]:
    """The history's records without where they came from (which export brought a row first)."""
    table = store.stored_rows(customer).drop_columns(["source_file", "source_row"])
    return sorted(tuple(r.values()) for r in table.to_pylist())


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def every_stored_text(root: Path) -> str:
    """Every text cell of every Parquet file under ``root`` and every other file's bytes, as text."""
    texts = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            for column in table.columns:
                kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
                if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                    texts += [str(v) for v in column.to_pylist()]
        texts.append(path.read_bytes().decode("utf-8", "replace"))
        texts.append(path.as_posix())
    return "\n".join(texts)
