"""The history in an Azure Blob Storage container, against the Azurite emulator.

Two app replicas (two processes of the command line) append overlapping exports to one customer
at once; ``forget`` leaves no blob of the customer in the container.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from azurite import running_azurite
from history_builders import export, records
from test_history_replicas import append_at_once, check_nothing_lost_or_doubled
from usage_builders import to_csv

from copilot_roi.history import AzureContainer, HistoryStore, backend_from_env
from copilot_roi.history.backends import CONNECTION_ENV, HISTORY_URL_ENV


@pytest.fixture(scope="module")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_azurite(tmp_path_factory.mktemp("azurite")) as connection:
        yield connection


def container(connection: str, name: str) -> AzureContainer:
    return backend_from_env({HISTORY_URL_ENV: f"azure://{name}", CONNECTION_ENV: connection})  # type: ignore[return-value]


class RacingContainer(AzureContainer):
    def __init__(self, connection: str, name: str, barrier: threading.Barrier) -> None:
        super().__init__(connection, name)
        self.barrier: threading.Barrier | None = barrier

    @contextlib.contextmanager
    def local_copies(self, names: list[str]) -> Iterator[list[Path]]:
        with super().local_copies(names) as paths:
            barrier, self.barrier = self.barrier, None
            if barrier is not None:
                barrier.wait(timeout=60)
            yield paths


def test_two_replicas_racing_on_one_container(azurite: str) -> None:
    container(azurite, "race").ensure_container()
    store = append_at_once(lambda barrier: RacingContainer(azurite, "race", barrier))
    parts = [n for n in store.backend.list_names("customers/") if "/parts/" in n]
    assert len(parts) == 3  # the seed's, and one per replica holding the overlap twice
    check_nothing_lost_or_doubled(store)


def test_two_processes_append_to_one_container_at_once(azurite: str, tmp_path: Path) -> None:
    env = {**os.environ, HISTORY_URL_ENV: "azure://replicas", CONNECTION_ENV: azurite}
    files = []
    for name, first, last in (("a.csv", 0, 150), ("b.csv", 100, 250), ("c.csv", 200, 300)):
        path = tmp_path / name
        path.write_bytes(to_csv(records(first, last)))
        files.append(path)
    command = [sys.executable, "-m", "copilot_roi", "history", "add", "--customer", "Contoso", "--as-of"]
    for _round in range(2):  # the second round re-uploads everything: it must add nothing
        replicas = [
            # Taken on 10 Dec: records 200-299 run to 3 Dec, so each file's run ends before it.
            subprocess.Popen([*command, "2026-12-10", str(p)], env=env, stderr=subprocess.PIPE, text=True)
            for p in files
        ]
        for replica in replicas:
            _, err = replica.communicate(timeout=180)
            assert replica.returncode == 0, err
    store = HistoryStore(container(azurite, "replicas"))
    summary = store.summary("Contoso")
    assert (summary.rows, summary.sessions) == (300, 150)
    assert summary.total_units == pytest.approx(sum(round(0.1 * (i % 9 + 1), 1) for i in range(300)))


def test_forget_leaves_no_blob_of_the_customer(azurite: str) -> None:
    backend = container(azurite, "forget")
    store = HistoryStore(backend)
    store.add("Contoso", export("a.csv", records(0, 50)))
    store.add("Fabrikam", export("b.csv", records(0, 50)))
    assert store.customers() == ["Contoso", "Fabrikam"]
    contoso = [n for n in backend.list_names("") if "contoso" in n]
    assert len(contoso) == 4
    assert store.forget("Contoso") == 4
    remaining = backend.list_names("")
    assert remaining and not [n for n in remaining if "contoso" in n.lower()]
    assert store.customers() == ["Fabrikam"]
    assert store.load("Fabrikam").quality.rows_used == 50
