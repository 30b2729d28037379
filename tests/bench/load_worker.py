"""One engine workload in its own process, for the quiet / loaded benchmark (bench_loaded.py).

    python tests/bench/load_worker.py WORKLOAD --repeats 5    # prints {"times_ms": [...]} as JSON
    python tests/bench/load_worker.py WORKLOAD --forever      # prints READY, then runs until killed

The process starts as the app and the CLI do: ``limit_native_threads()`` first, unless
``--default-threads`` asks for the libraries' own defaults (the "before" figure).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CSV_ROWS = 200_000
BUSY_LOOP_STEPS = 2_000_000


def busy_loop() -> Callable[[], object]:
    """Pure Python, one thread, no native pools: what two processes on the cores cost by itself."""

    def run() -> int:
        total = 0
        for step in range(BUSY_LOOP_STEPS):
            total += step & 7
        return total

    return run


def memory_stream() -> Callable[[], object]:
    """numpy over arrays far larger than the caches: what two processes sharing memory bandwidth
    and the last-level cache cost by themselves (the engine's level x hour matrices are megabytes)."""
    import numpy as np

    a, b = np.ones(4_000_000), np.ones(4_000_000)
    out = np.empty_like(a)

    def run() -> None:
        for _ in range(10):
            np.multiply(a, b, out=out)
            np.add(out, a, out=out)

    return run


def optimizer() -> Callable[[], object]:
    from bench_optimizer import year_of_usage

    from copilot_roi.optimizer import optimize
    from copilot_roi.pricebook import list_prices

    series, prices = year_of_usage(), list_prices()
    return lambda: optimize(series, prices)


def recompute() -> Callable[[], object]:
    from copilot_roi.value.engine import compute
    from copilot_roi.value.scenario import scenario_template
    from copilot_roi.value.sensitivity import analyse

    scenario = scenario_template("expected")
    return lambda: analyse(scenario, result=compute(scenario))


def ingest() -> Callable[[], object]:
    from bench_ingest import _ingest, write_csv

    path = Path(tempfile.mkdtemp(prefix="bench-load-")) / "export.csv"
    write_csv(path, CSV_ROWS)
    return lambda: _ingest(path)


WORKLOADS: dict[str, Callable[[], Callable[[], object]]] = {
    "busy-loop": busy_loop,
    "memory-stream": memory_stream,
    "optimizer": optimizer,
    "recompute": recompute,
    "ingest": ingest,
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--forever", action="store_true")
    parser.add_argument("--default-threads", action="store_true")
    args = parser.parse_args()
    if not args.default_threads:
        from copilot_roi.threads import limit_native_threads

        limit_native_threads()
    run = WORKLOADS[args.workload]()
    run()  # warm-up: imports, caches, first allocations
    if args.forever:
        print("READY", flush=True)
        while True:
            run()
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"times_ms": times}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
