"""Many distinct agents (issue 23): the rate card, its tab, the Value scenarios page, ``usage --json``.

* 50,000 agents (100,000 rows): the rate card and its first table page; the Usage page's rate card
  tab and the Value scenarios page in AppTest (before the fix: 109 s for the tab, and the page
  never finished in a browser).
* 200,000 agents: ``copilot-roi usage --json`` in a fresh process, its peak memory (VmHWM)
  and the bytes it writes (before: 447 MB in 21 s and 4.3 GB).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

from benchkit import BenchRow, median_ms

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "unit"))
from many_agents import AS_OF, many_agents_export  # noqa: E402

# The child reports VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child
# of the benchmark runner (grown large by other benchmarks) reported the runner's peak.
CHILD = """
import sys
from copilot_roi.cli import main
with open(sys.argv[1], "w") as out:
    sys.stdout = out
    code = main(["usage", "--json", "--as-of", sys.argv[2], sys.argv[3]])
sys.stdout = sys.__stdout__
peak_kib = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
print(peak_kib // 1024, code)
"""


def _rate_card_rows(export: bytes) -> list[BenchRow]:
    from copilot_roi.usage import IngestOptions, ingest_files
    from copilot_roi.usage.agents import TOP_AGENTS, rate_card, rate_card_table

    data = ingest_files([("agents.csv", export)], IngestOptions(as_of=AS_OF))

    def card_and_page() -> object:
        return rate_card_table(rate_card(data.frame), count=TOP_AGENTS)

    card_ms = median_ms(card_and_page, repeats=5)
    tracemalloc.start()
    card_and_page()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return [
        BenchRow(
            "agent rate card + first table page, 50,000 agents",
            card_ms,
            notes=f"100,000 rows; Python allocations at peak (tracemalloc) {peak / 2**20:.0f} MiB",
        )
    ]


def _tab(export: bytes) -> None:
    import datetime as dt

    from copilot_roi.usage import IngestOptions, ingest_files
    from ui.agent_rates import agent_rate_card_tab

    data = ingest_files([("agents.csv", export)], IngestOptions(as_of=dt.date(2026, 11, 21)))
    agent_rate_card_tab(data.frame, ())


def _page_rows(export: bytes) -> list[BenchRow]:
    from streamlit.testing.v1 import AppTest

    from copilot_roi.usage import IngestOptions, ingest_files

    def tab() -> None:
        at = AppTest.from_function(_tab, args=(export,), default_timeout=600)
        at.run()
        assert not at.exception, at.exception

    data = ingest_files([("agents.csv", export)], IngestOptions(as_of=AS_OF))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.session_state["usage_dataset"] = data
    at.switch_page("app_pages/scenarios.py").run()

    def page() -> None:
        at.run()
        assert not at.exception, at.exception

    return [
        BenchRow(
            "Usage page: agent rate card tab, 50,000 agents (AppTest)",
            median_ms(tab, repeats=3),
            target="< 10 s",
            notes="ingest of the 100,000 rows included; table page of 100 + summary row",
        ),
        BenchRow(
            "Value scenarios page rerun with 50,000 agents loaded (AppTest)",
            median_ms(page, repeats=3),
            target="< 10 s",
            notes=f"{sum(1 for b in at.button if 'measured rate' in str(b.proto.label))} rate buttons",
        ),
    ]


def _json_row() -> BenchRow:
    with tempfile.TemporaryDirectory() as folder:
        export, out = Path(folder) / "agents.csv", Path(folder) / "out.json"
        export.write_bytes(many_agents_export(200_000))
        peaks: list[int] = []

        def run() -> None:
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(out), AS_OF.isoformat(), str(export)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            peaks.append(int(done.stdout.split()[0]))

        ms = median_ms(run, repeats=3, warmup=0)
        size = out.stat().st_size
    return BenchRow(
        "usage --json, 200,000 agents (fresh process)",
        ms,
        notes=f"peak RSS {max(peaks)} MiB; writes {size / 2**20:.1f} MiB (top 100 agents + summary)",
    )


def benchmarks() -> list[BenchRow]:
    export = many_agents_export(50_000)
    return [*_rate_card_rows(export), *_page_rows(export), _json_row()]
