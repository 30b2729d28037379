"""Browser speed: from navigation to the capacity page's charts drawn, in headless Chromium.

Each run opens the capacity page in a fresh browser context (a new Streamlit session, a cold
browser cache) against `streamlit run app.py` on a free loopback port, and times two moments of
the same navigation: the bare Streamlit shell (``[data-testid=stApp]`` visible, the baseline) and
every chart of the page drawn (``CHARTS_DRAWN``: Plotly or Vega-Lite, its marks painted). The
difference is what the page itself costs: the script run, the websocket deltas and the chart
rendering.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchkit import BenchRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from e2ekit import (
    TALL_VIEWPORT,
    find_page,
    launch_chromium,
    page_url,
    start_streamlit,
    stop_process,
    wait_for_script,
)
from wsclient import StreamlitSession, run_async

RUNS = 7
# A chart counts as drawn once its marks are painted: Plotly's SVG, or for Streamlit's Vega-Lite
# element (SVG renderer) a mark with its geometry, which vega writes in one pass per render.
CHARTS_DRAWN = """n => {
    const plotly = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const vega = Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'));
    return plotly.length + vega.length >= n
        && plotly.every(c => c.querySelector('.main-svg'))
        && vega.every(c => c.querySelector('svg.marks .role-mark path[d]'));
}"""
CHART = '.js-plotly-plot, [data-testid="stVegaLiteChart"]'


def _one_navigation(browser: Any, url: str, charts: int) -> tuple[float, float]:
    """(ms to the app shell, ms to all charts drawn) for one fresh session."""
    context = browser.new_context(viewport=TALL_VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector('[data-testid="stApp"]', state="visible", timeout=60_000)
        shell = time.perf_counter()
        page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=120_000, polling="raf")
        drawn = time.perf_counter()
        return (shell - start) * 1000, (drawn - start) * 1000
    finally:
        context.close()


async def _visit_home(url: str) -> None:
    async with StreamlitSession(url) as session:
        await session.run()


def benchmarks() -> list[BenchRow]:
    from playwright.sync_api import sync_playwright

    capacity = find_page("capacity")
    if capacity is None:
        return []
    server = start_streamlit("bench-browser")
    try:
        run_async(_visit_home(server.url))  # imports done, st.navigation mode on
        url = page_url(server.url, capacity)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                # Warm-up: count the page's charts once the script has finished.
                context = browser.new_context(viewport=TALL_VIEWPORT)
                page = context.new_page()
                page.goto(url)
                wait_for_script(page)
                page.wait_for_selector(CHART)
                charts = page.locator(CHART).count()
                context.close()
                runs = [_one_navigation(browser, url, charts) for _ in range(RUNS)]
            finally:
                browser.close()
    finally:
        stop_process(server.proc)
    shell_ms = statistics.median(r[0] for r in runs)
    drawn_ms = statistics.median(r[1] for r in runs)
    return [
        BenchRow(
            f"browser: navigation to the capacity page's {charts} charts drawn",
            drawn_ms,
            baseline_name="navigation to the bare Streamlit shell (stApp visible)",
            baseline_ms=shell_ms,
            notes=f"headless Chromium, fresh session and cache each run, median of {RUNS}",
        )
    ]
