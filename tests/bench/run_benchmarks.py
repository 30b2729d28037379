"""Run every benchmark and rewrite BENCHMARKS.md with the figures and the machine they ran on.

Each ``tests/bench/bench_*.py`` module exposes ``benchmarks() -> list[BenchRow]``; a row is a
median over repeated runs and, where there is one, the baseline measured in the same run.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchkit import BenchRow  # noqa: E402

KEPT_SECTION = "## Measured once"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    only = sys.argv[1:]
    rows: list[BenchRow] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if only and not any(name in path.stem for name in only):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        for row in module.benchmarks():
            print("  " + row.line(), flush=True)
            rows.append(row)
    if not only:
        write_markdown(rows)
    return 0


def write_markdown(rows: list[BenchRow]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Regenerate with `./run bench` (the script is `tests/bench/run_benchmarks.py`).",
        "Each figure is a median over repeated runs; a ratio compares it with a baseline measured",
        "in the same run on the same machine.",
        "",
        f"Machine: {machine()}.",
        "",
        "| benchmark | median | baseline | baseline median | ratio | target | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [row.markdown() for row in rows]
    path = HERE.parent.parent / "BENCHMARKS.md"
    # Before-and-after figures of a fix are measured once: their section is kept as written.
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = existing[existing.index(KEPT_SECTION) :] if KEPT_SECTION in existing else ""
    path.write_text("\n".join(lines) + "\n" + (f"\n{kept}" if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
