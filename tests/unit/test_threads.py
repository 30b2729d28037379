"""The app's and the CLI's processes start with one native (BLAS/OpenMP) thread each.

Each check runs in a fresh subprocess whose environment has none of the limit variables, and reads
the process's own thread pools with threadpoolctl after the real entry point ran: the CLI through
``python -m copilot_roi`` (an atexit hook reports once the command has exited), the app through
AppTest running app.py in that process, as a Streamlit server runs it for each session. A control
run in the same environment, without the entry point, must show more than one thread, so a test
that passes proves the limit came from the entry point, not from the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from copilot_roi.threads import NATIVE_THREADS_PER_PROCESS, THREAD_LIMIT_VARIABLES

REPO = Path(__file__).resolve().parents[2]

REPORT_POOLS = """
import json, os, sys, threadpoolctl
def report():
    pools = [(p["internal_api"], p["num_threads"]) for p in threadpoolctl.threadpool_info()]
    env = {name: os.environ.get(name) for name in VARIABLES}
    sys.stderr.write("POOLS=" + json.dumps({"pools": pools, "env": env}) + "\\n")
""".replace("VARIABLES", repr(THREAD_LIMIT_VARIABLES))

CONTROL = REPORT_POOLS + "import numpy\nreport()\n"

CLI = (
    REPORT_POOLS
    + """
import atexit, runpy
atexit.register(report)
sys.argv = ["copilot-roi", "price", "--scu", "1", "--months", "12", "--json"]
runpy.run_module("copilot_roi", run_name="__main__")
"""
)

APP = (
    REPORT_POOLS
    + """
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=120).run()
assert not at.exception, at.exception
report()
"""
)


def pools_after(code: str) -> dict[str, object]:
    """The thread pools and limit variables a fresh process reports after running ``code``."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_LIMIT_VARIABLES}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=240
    )
    assert run.returncode == 0, run.stderr[-3000:]
    line = next(x for x in run.stderr.splitlines() if x.startswith("POOLS="))
    return dict(json.loads(line.removeprefix("POOLS=")))


@pytest.fixture(scope="module")
def default_blas_threads() -> int:
    control = pools_after(CONTROL)
    threads = [n for api, n in control["pools"] if api == "openblas"]  # type: ignore[attr-defined]
    assert threads, f"numpy loaded no OpenBLAS here: {control}"
    if max(threads) <= NATIVE_THREADS_PER_PROCESS:
        pytest.skip("one core: the default already is one thread, so the limit cannot be seen")
    return max(threads)


@pytest.mark.parametrize("entry_point", [CLI, APP], ids=["cli", "app"])
def test_entry_point_limits_native_threads(default_blas_threads: int, entry_point: str) -> None:
    report = pools_after(entry_point)
    pools = report["pools"]
    assert any(api == "openblas" for api, _ in pools), report  # type: ignore[attr-defined]
    assert all(n == NATIVE_THREADS_PER_PROCESS for _, n in pools), (  # type: ignore[attr-defined]
        f"default {default_blas_threads} threads; after the entry point: {report}"
    )
    # Children and libraries loaded later read the same limit from the environment.
    assert report["env"] == dict.fromkeys(THREAD_LIMIT_VARIABLES, str(NATIVE_THREADS_PER_PROCESS))


def limit_assignments(text: str) -> dict[str, str]:
    return dict(re.findall(rf"\b({'|'.join(THREAD_LIMIT_VARIABLES)})=(\S+?)\b", text))


@pytest.mark.parametrize("start_up", ["Dockerfile", "deploy/copilot-roi@.service"])
def test_replica_start_up_sets_the_same_limits(start_up: str) -> None:
    """Containers and systemd replicas have the limit in their environment before Python starts."""
    text = (REPO / start_up).read_text(encoding="utf-8")
    uncommented = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert limit_assignments(uncommented) == dict.fromkeys(
        THREAD_LIMIT_VARIABLES, str(NATIVE_THREADS_PER_PROCESS)
    )
