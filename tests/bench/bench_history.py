"""History append speed and memory (issue 20 item 5).

A 10,000,000-row history (a year: four 2,500,000-row parts, as four quarterly appends write
them) takes a new 2,500,000-row export covering the last 90 days, a third of which the history
holds already. The append (pseudonymise, number repeats, anti-join against the stored keys in
DuckDB, write the new rows as a content-named Parquet part) is compared with writing the same
2,500,000 rows, from the same in-memory frame, with bare pyarrow (``Table.from_pandas`` and
``parquet.write_table``); target <= 2x. Peak memory: VmHWM
of a fresh process that builds the export in memory and appends it; target < 2 GiB.

Rows are generated (numpy and Arrow), not parsed from a file: ingest has its own benchmark.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from benchkit import BenchRow

from copilot_roi.history import HistoryStore, LocalFolder
from copilot_roi.history.rows import at_rest
from copilot_roi.history.store import _write_new_rows

ROOT = Path(__file__).resolve().parents[2]
HISTORY_ROWS = 10_000_000
EXPORT_ROWS = 2_500_000
DAYS = 360
START = np.datetime64("2025-12-01T00:00", "s")
CUSTOMER = "Bench tenant"
PEOPLE = 4_000


def usage_frame(first_row: int, rows: int, seed: int) -> pd.DataFrame:
    """Rows ``first_row`` .. of one year's usage, evenly spread, three rows per session, to the minute.

    The same row number always gives the same record (session, time, units, user), so two
    ranges that overlap hold the same records, as two overlapping exports do.
    """
    rng = np.random.default_rng(seed)
    number = np.arange(first_row, first_row + rows, dtype=np.int64)
    # The portal's stamps are to the minute: about 19 rows share each minute of the year.
    seconds = number * (DAYS * 86_400 // HISTORY_ROWS) // 60 * 60
    started = (START + seconds.astype("timedelta64[s]")).astype("datetime64[ns]")
    session = number // 3
    users = pc.binary_join_element_wise("Person ", pa.array(session % PEOPLE).cast(pa.string()), "")
    sessions = pc.binary_join_element_wise(
        "0a1b2c3d-", pa.array(session).cast(pa.string()), "-4e5f-9a8b-7c6d5e4f3a2b", ""
    )
    pick = rng.integers(0, 4, rows)
    return pd.DataFrame(
        {
            "started_at": pd.DatetimeIndex(started).tz_localize("UTC"),
            "units_scu": ((number * 7919) % 30 + 1) / 10.0,
            "user": pd.array(users, dtype="string[pyarrow]"),
            "session_id": pd.array(sessions, dtype="string[pyarrow]"),
            "category": pd.Categorical.from_codes(pick % 2, ["Prompt", "Promptbook"]).astype("string"),
            "type": pd.Categorical.from_codes(pick // 3, ["Prompt", "Agent"]).astype("string"),
            "experience": pd.Categorical.from_codes(
                pick, ["Standalone", "Defender", "Entra", "Intune"]
            ).astype("string"),
            "plugins": pd.Categorical.from_codes(
                pick, ["Microsoft Defender XDR", "Microsoft Sentinel", "Microsoft Entra", "Microsoft Intune"]
            ).astype("string"),
            "source_file": pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), ["CapacityUsage.xlsx"]),
            "source_row": number - first_row + 2,
        }
    )


def build_history(root: Path) -> HistoryStore:
    """Four quarterly parts of 2.5M rows, written by the store's own writer."""
    store = HistoryStore(LocalFolder(root))
    key = store._ensure_customer(CUSTOMER)
    parts = root / "customers" / store._prefix(CUSTOMER).split("/")[1] / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    quarter = HISTORY_ROWS // 4
    for number in range(4):
        table, _ = at_rest(usage_frame(number * quarter, quarter, seed=number), key)
        _write_new_rows(table, [], parts / f"quarter{number}.parquet")
    return store


def new_export() -> pd.DataFrame:
    """The last 90 days of usage, whose first third the history holds already."""
    first = HISTORY_ROWS - EXPORT_ROWS // 3
    return usage_frame(first, EXPORT_ROWS, seed=9)


RUN_SCRIPT = """
import sys, time
sys.path.insert(0, {bench!r})
from pathlib import Path
import pyarrow as pa
import pyarrow.parquet as pq
from bench_history import CUSTOMER, new_export
from copilot_roi.history import HistoryStore, LocalFolder
frame = new_export()
store = HistoryStore(LocalFolder(Path({root!r})))
start = time.perf_counter()
if {append!r}:
    added = store.add_frame(CUSTOMER, frame).rows_added
else:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), {bare!r})
    added = len(frame)
elapsed = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec (the runner's peak, not ours).
peak_kib = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
print(peak_kib / 1024, elapsed * 1000, added)
"""


def in_fresh_process(root: Path, append: bool) -> tuple[float, float, int]:
    """(peak RSS MiB, ms, rows written) of a process that builds the export, then appends it to
    the history or writes it with bare pyarrow. A fresh process each time: neither pays for the
    other's memory, and the peak is the append's own."""
    script = RUN_SCRIPT.format(
        bench=str(Path(__file__).parent),
        root=str(root),
        append=append,
        bare=str(root.parent / "bare.parquet"),
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def drop_new_parts(root: Path) -> None:
    for part in root.rglob("parts/*.parquet"):
        if not part.name.startswith("quarter"):
            part.unlink()


def benchmarks() -> list[BenchRow]:
    with tempfile.TemporaryDirectory(prefix="bench-history-") as folder:
        root = Path(folder) / "home"
        store = build_history(root)
        append_ms: list[float] = []
        bare_ms: list[float] = []
        peaks: list[float] = []
        added = 0
        # Alternate the two, so a busy neighbour on the machine slows both alike.
        for _ in range(5):
            bare_ms.append(in_fresh_process(root, append=False)[1])
            peak_mib, elapsed_ms, added = in_fresh_process(root, append=True)
            append_ms.append(elapsed_ms)
            peaks.append(peak_mib)
            drop_new_parts(root)
        summary = store.summary(CUSTOMER)
        assert summary.rows == HISTORY_ROWS and added == EXPORT_ROWS - EXPORT_ROWS // 3
    return [
        BenchRow(
            name=f"history: add a {EXPORT_ROWS:,}-row export to a {HISTORY_ROWS:,}-row history",
            median_ms=statistics.median(append_ms),
            target="<= 2x; peak RSS < 2048 MiB",
            baseline_name="pyarrow: Table.from_pandas + parquet.write_table of the same rows",
            baseline_ms=statistics.median(bare_ms),
            notes=(
                f"{added:,} new rows (a third was stored already); peak RSS {max(peaks):,.0f} MiB "
                "(VmHWM of a fresh process that builds the export in memory and appends it); "
                "each run in a fresh process, median of 5 alternating"
            ),
        )
    ]


if __name__ == "__main__":
    print(json.dumps([row.line() for row in benchmarks()], indent=2))
