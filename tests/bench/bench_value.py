"""Value engine speed: a full recompute of a 7-role, 36-month scenario, and the page's rerun.

* Right-size by NPV: every purchasable plan (1..100 SCU x overage off/unlimited) priced and valued
  in one numpy pass (``value.rightsize``), against 200 runs of the engine. Target < 1 s.
* Full recompute = the deterministic cash flows (billing engine over 26,280 hours) + a tornado
  (39 inputs x 2 ends) + 10,000 Monte Carlo draws. Target < 100 ms and within 10x the baseline
  (issue 10). Baseline: the deterministic cash flows alone (``engine.compute``), so the ratio is
  the price of the sensitivity analysis.
* The scenarios page's rerun after a slider move, driven by AppTest (``set_value(...).run()``):
  widgets, the recompute (session cache miss: each move is a new scenario) and the figures.
  Baseline: AppTest re-running the page with nothing changed (cache hit).
* The same move in a real browser (``streamlit run`` + Chromium, where only the fragment reruns):
  from the key press on the slider to the "Realised value" headline showing the new number.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

from benchkit import BenchRow, median_ms
from streamlit.testing.v1 import AppTest

from copilot_roi.roles import role_ids
from copilot_roi.value.engine import compute
from copilot_roi.value.rightsize import right_size
from copilot_roi.value.scenario import scenario_template
from copilot_roi.value.sensitivity import MONTE_CARLO_DRAWS, analyse

APP = Path(__file__).resolve().parents[2] / "app.py"


def _recompute_rows() -> list[BenchRow]:
    scenario = scenario_template("expected")
    assert len(scenario.roles) == len(role_ids()) and scenario.horizon_months == 36

    def full() -> None:
        result = compute(scenario)
        sensitivity = analyse(scenario, result=result)
        assert sensitivity.monte_carlo.draws == MONTE_CARLO_DRAWS

    cashflow = median_ms(lambda: compute(scenario), repeats=15, warmup=2)
    result = compute(scenario)
    return [
        BenchRow(
            f"value: full recompute ({len(role_ids())} roles, 36 months, tornado, 10k Monte Carlo)",
            median_ms(full, repeats=15, warmup=2),
            target="< 100 ms, <= 10x the baseline",
            baseline_name="deterministic cash flows alone",
            baseline_ms=cashflow,
        ),
        BenchRow(
            "value: tornado + 10k Monte Carlo only",
            median_ms(lambda: analyse(scenario, result=result), repeats=15, warmup=2),
            notes="given the cash flows",
        ),
        BenchRow(
            "value: right-size by NPV (200 purchasable plans, 36 months)",
            median_ms(lambda: right_size(scenario), repeats=7, warmup=1),
            target="< 1 s",
            baseline_name="200 x engine.compute",
            baseline_ms=200 * cashflow,
            notes="baseline extrapolated from one cash-flow run",
        ),
    ]


def _page_rows() -> list[BenchRow]:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception
    # Each move sets a value not seen before, so the session cache cannot answer it.
    values = itertools.cycle([v / 2 for v in range(20, 80)])

    def moves(repeats: int = 9, warmup: int = 2) -> float:
        """Median ms of a slider move as AppTest runs it: the whole page (AppTest does not run a
        widget's fragment alone; the browser row times that) after an untimed plain run."""
        times = []
        for i in range(warmup + repeats):
            at.run()
            slider = at.slider(key="scn_soc_saved_pct").set_value(next(values))
            start = time.perf_counter()
            slider.run()
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1000)
            assert not at.exception
        return statistics.median(times)

    def rerun() -> None:
        at.run()

    idle = median_ms(rerun, repeats=9, warmup=2)
    executive = moves()
    at.run()
    at.segmented_control(key="scn_view").set_value("Analyst").run()
    analyst = moves()
    return [
        BenchRow(
            "scenarios page: slider move, executive view (AppTest)",
            executive,
            target="no visible wait (< 500 ms)",
            baseline_name="rerun, nothing changed",
            baseline_ms=idle,
            notes="AppTest reruns the whole page for a move (in a browser the move reruns the "
            "workspace fragment alone), against the same rerun with nothing changed",
        ),
        BenchRow(
            "scenarios page: slider move, analyst view (AppTest)",
            analyst,
            target="no visible wait (< 500 ms)",
            baseline_name="rerun, nothing changed",
            baseline_ms=idle,
            notes="5 figures, 2 tables",
        ),
    ]


_HEADLINE_JS = """old => {
    const label = document.querySelector('h4#realised-value');
    const next = label && label.parentElement.nextElementSibling;
    const value = next && next.querySelector('h2');
    return value && value.innerText !== old;
}"""


def _browser_rows(moves: int = 9) -> list[BenchRow]:
    sys.path.insert(0, str(APP.parent / "tests" / "e2e"))
    try:
        from e2ekit import launch_chromium, start_streamlit, stop_process, wait_for_script
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        print(f"  (browser row skipped: {error})")
        return []
    server = start_streamlit("bench-value")
    try:
        with sync_playwright() as playwright:
            try:
                browser = launch_chromium(playwright)
            except Exception as error:  # Playwright's own Error: no usable Chromium here
                print(f"  (browser row skipped: {error})")
                return []
            page = browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{server.url}/scenarios", wait_until="domcontentloaded")
            wait_for_script(page)
            value = page.locator("xpath=//h4[@id='realised-value']/../following-sibling::*[1]//h2")
            thumb = page.get_by_role("slider", name="Time saved on those tasks (%)").first
            times = []
            for _ in range(moves + 1):
                before = value.inner_text()
                thumb.focus()
                start = time.perf_counter()
                page.keyboard.press("ArrowRight")
                page.wait_for_function(_HEADLINE_JS, arg=before, polling=10)
                times.append((time.perf_counter() - start) * 1000)
                wait_for_script(page)
            browser.close()
    finally:
        stop_process(server.proc)
    return [
        BenchRow(
            "scenarios page: slider move to new headline, real browser (fragment rerun)",
            statistics.median(times[1:]),
            target="no visible wait (< 500 ms)",
            notes=f"median of {moves} key presses; Chromium and the server share the machine",
        )
    ]


def benchmarks() -> list[BenchRow]:
    return _recompute_rows() + _page_rows() + _browser_rows()


if __name__ == "__main__":
    for row in benchmarks():
        print(row.line())
