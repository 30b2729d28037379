"""Two replicas appending to one customer at once: nothing lost, nothing counted twice.

The race is forced: each append lists the stored parts and then waits for the other before it
writes, so both anti-join against the same (empty) history and both store the overlap. Reads
must still count each record once. Run against a local folder here, and against Azurite in
``test_history_azurite``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from history_builders import export, records

from copilot_roi.history import HistoryStore, LocalFolder
from copilot_roi.history.backends import Backend


class RacingFolder(LocalFolder):
    """A folder whose first append waits, after reading the history, for the other replica's."""

    def __init__(self, root: Path, barrier: threading.Barrier) -> None:
        super().__init__(root)
        self.barrier: threading.Barrier | None = barrier

    @contextlib.contextmanager
    def local_copies(self, names: list[str]) -> Iterator[list[Path]]:
        with super().local_copies(names) as paths:
            barrier, self.barrier = self.barrier, None
            if barrier is not None:
                barrier.wait(timeout=60)
            yield paths


def append_at_once(make_backend: Callable[[threading.Barrier], Backend]) -> HistoryStore:
    """Two stores (replicas) on one backend append overlapping exports 0-150 and 100-250 at once."""
    barrier = threading.Barrier(2)
    replicas = [HistoryStore(make_backend(barrier)) for _ in range(2)]
    exports = [export("a.csv", records(0, 150)), export("b.csv", records(100, 250))]
    # The customer (and its key) exists first, as it would after any earlier append.
    HistoryStore(make_backend(threading.Barrier(1))).add("Contoso", export("seed.csv", records(0, 1)))
    errors: list[BaseException] = []

    def run(store: HistoryStore, dataset: object) -> None:
        try:
            store.add("Contoso", dataset)  # type: ignore[arg-type]
        except BaseException as error:  # reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(replicas, exports, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return HistoryStore(make_backend(threading.Barrier(1)))


def check_nothing_lost_or_doubled(store: HistoryStore) -> None:
    summary = store.summary("Contoso")
    assert summary.rows == 250  # records 0..249, each once
    assert summary.sessions == 125
    assert summary.total_units == pytest.approx(sum(round(0.1 * (i % 9 + 1), 1) for i in range(250)))
    loaded = store.load("Contoso")
    assert len(loaded.frame) == 250
    assert loaded.frame.duplicated(["session_id", "started_at", "units_scu", "user"]).sum() == 0


def test_two_replicas_appending_at_once_to_a_folder(tmp_path: Path) -> None:
    store = append_at_once(lambda barrier: RacingFolder(tmp_path, barrier))
    parts = sorted(tmp_path.rglob("parts/*.parquet"))
    stored = sum(pq.read_metadata(p).num_rows for p in parts)
    # The race happened: both replicas stored the 50 overlapping records (plus the seed row's part).
    assert len(parts) == 3 and stored == 1 + 149 + 150
    check_nothing_lost_or_doubled(store)
