"""Timing helpers shared by the benchmark modules: medians over repeats, rows for BENCHMARKS.md."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


def median_ms(run: Callable[[], object], repeats: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``run`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@dataclass
class BenchRow:
    name: str
    median_ms: float
    target: str = ""
    baseline_name: str = ""
    baseline_ms: float | None = None
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.baseline_ms if self.baseline_ms else None

    def line(self) -> str:
        text = f"{self.name}: {self.median_ms:.1f} ms"
        if self.baseline_ms:
            text += f" (baseline {self.baseline_name}: {self.baseline_ms:.1f} ms, ratio {self.ratio:.2f})"
        if self.target:
            text += f" target {self.target}"
        return text + (f" [{self.notes}]" if self.notes else "")

    def markdown(self) -> str:
        baseline = f"{self.baseline_ms:.1f} ms" if self.baseline_ms else ""
        ratio = f"{self.ratio:.2f}x" if self.ratio else ""
        return (
            f"| {self.name} | {self.median_ms:.1f} ms | {self.baseline_name} | {baseline} | "
            f"{ratio} | {self.target} | {self.notes} |"
        )
