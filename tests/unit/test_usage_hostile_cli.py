"""`copilot-roi usage` on each hostile export of issue 23, in its own process under a 2.5 GiB
address-space limit: refused within 30 s with one clean line on stderr, never a crash.

Without the bounds these files abort the reader (a 512 GiB allocation, exit 134), take minutes,
or exhaust the limit; with them each is refused before anything large is allocated.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_usage_ingest_bounds import ragged_csv, sheet_xml, workbook
from usage_builders import HEADER, rewrite_zip, sample_records, to_xlsx

ADDRESS_SPACE_BYTES = int(2.5 * 2**30)
REFUSAL_BUDGET_S = 30.0
# Exit code of the CLI for a usage file that cannot be trusted (README, "Command line").
UNTRUSTED_EXIT_CODE = 1


def limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))


def zip_bomb() -> bytes:
    good = to_xlsx({"Usage": [HEADER, *sample_records(3)]})
    return rewrite_zip(good, {}, {"xl/media/padding.bin": b"\0" * (64 * 2**20)})


HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "sheet-in-another-folder": (
        "u.xlsx",
        lambda: workbook(sheet_xml("XFD1048576"), "xl/data/sheet1.xml", "data/sheet1.xml"),
    ),
    "sheet-named-XML": ("u.xlsx", lambda: workbook(sheet_xml("XFD1048576"), "xl/worksheets/sheet1.XML")),
    "absolute-target": (
        "u.xlsx",
        lambda: workbook(sheet_xml("XFD1048576"), "xl/data/sheet1.xml", "/xl/data/sheet1.xml"),
    ),
    "lower-case-xfd1048576": ("u.xlsx", lambda: workbook(sheet_xml("xfd1048576"))),
    "cz4000000": ("u.xlsx", lambda: workbook(sheet_xml("cz4000000"))),
    "zip-bomb": ("u.xlsx", zip_bomb),
    "ragged-4MB": ("u.csv", lambda: ragged_csv(4)),
    "ragged-32MB": ("u.csv", lambda: ragged_csv(32)),
    "ragged-290MiB": ("u.csv", lambda: ragged_csv(290)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE.keys())
def test_hostile_export_is_refused_in_bounded_time_and_memory(case: str, tmp_path: Path) -> None:
    name, make = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(make())
    start = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "copilot_roi", "usage", str(path), "--as-of", "2026-11-21"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_address_space,
    )
    elapsed = time.monotonic() - start
    lines = run.stderr.splitlines()
    assert run.returncode == UNTRUSTED_EXIT_CODE, (run.returncode, run.stderr[-2000:])
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert lines[0].startswith(f"copilot-roi: error: file '{name}'"), lines[0]
    assert elapsed < REFUSAL_BUDGET_S, f"{elapsed:.1f} s"
    assert run.stdout == ""
