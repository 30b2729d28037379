"""Feedback speed as ratios to bare Streamlit, both measured in one run on the same machine.

* Slider move: from the key press on the Value scenarios page's "Time saved" slider to the
  "Realised value" headline showing the new number, against the same gesture on a trivial
  fragment page (``bare_apps/fragment.py``: one slider, one headline) served the same way.
  Target: <= 1.5x.
* Navigation: from ``goto`` to every chart of the Capacity page drawn, against ``goto`` to an
  empty page (``bare_apps/empty.py``) finishing its script run. Target: <= 1.5x. Twice: with a
  cold browser cache (a fresh context each time: every script chunk the page uses is fetched
  and compiled) and with a warm one (a new tab in a context that loaded the page
  before, as a returning user); each tab is a new Streamlit session.

Measurements alternate between the app and its baseline, so load from other work on the
machine falls on both. The bytes the browser received over the websocket are reported too
(what the server sends per move and per navigation).
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

MOVES = 15
NAVIGATIONS = 7
HERE = Path(__file__).resolve().parent
BARE_FRAGMENT = str((HERE / "bare_apps" / "fragment.py").relative_to(HERE.parents[1]))
BARE_SHELL = str((HERE / "bare_apps" / "empty.py").relative_to(HERE.parents[1]))
SLIDER_LABEL = "Time saved on those tasks (%)"
HEADLINE_CHANGED = """old => {
    const label = document.querySelector('h4#realised-value');
    const next = label && label.parentElement.nextElementSibling;
    const value = next && next.querySelector('h2');
    return value && value.innerText !== old;
}"""
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
SCRIPT_DONE = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
)


class _Received:
    """Bytes received over the page's websockets since the last ``take``."""

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        page.on("websocket", self._watch)

    def _watch(self, socket: Any) -> None:
        socket.on("framereceived", lambda payload: self._add(payload))

    def _add(self, payload: Any) -> None:
        self.bytes += len(payload)

    def take(self) -> int:
        taken, self.bytes = self.bytes, 0
        return taken


class _SliderPage:
    """A page with the headline slider, opened once; ``move`` times one key press to new headline."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1600, "height": 1200})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.received = _Received(self.page)
        self.page.goto(url, wait_until="domcontentloaded")
        wait_for_script(self.page)
        self.value = self.page.locator("xpath=//h4[@id='realised-value']/../following-sibling::*[1]//h2")
        self.thumb = self.page.get_by_role("slider", name=SLIDER_LABEL).first
        self.received.take()

    def move(self) -> tuple[float, int, float]:
        """(ms to the new headline, bytes received, ms until the whole rerun has finished)."""
        before = self.value.inner_text()
        self.thumb.focus()
        start = time.perf_counter()
        self.page.keyboard.press("ArrowRight")
        self.page.wait_for_function(HEADLINE_CHANGED, arg=before, polling=10)
        elapsed_ms = (time.perf_counter() - start) * 1000
        wait_for_script(self.page)
        return elapsed_ms, self.received.take(), (time.perf_counter() - start) * 1000


def _navigate(browser: Any, url: str, charts: int, context: Any = None) -> tuple[float, int]:
    """(ms from goto to the page drawn, bytes received) in a new tab: of a fresh context (a cold
    cache) unless ``context`` is given (its cache warm). A new tab is a new session either way.
    ``charts`` = 0: an empty page, drawn when its script run has finished."""
    own = context is None
    context = context or browser.new_context(viewport=TALL_VIEWPORT)
    try:
        page = context.new_page()
        received = _Received(page)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        if charts:
            page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=120_000, polling="raf")
        else:
            page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
        elapsed_ms = (time.perf_counter() - start) * 1000
        wait_for_script(page)
        page.close()
        return elapsed_ms, received.take()
    finally:
        if own:
            context.close()


def _chart_count(browser: Any, url: str) -> int:
    context = browser.new_context(viewport=TALL_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_script(page)
        page.wait_for_selector(CHART)
        return int(page.locator(CHART).count())
    finally:
        context.close()


def _kib(values: list[int]) -> str:
    return f"{statistics.median(values) / 1024:,.1f} KiB"


def benchmarks() -> list[BenchRow]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        print(f"  (browser rows skipped: {error})")
        return []
    capacity = find_page("capacity")
    scenarios = find_page("scenarios")
    if capacity is None or scenarios is None:
        return []
    servers = [
        start_streamlit("bench-speed-app"),
        start_streamlit("bench-speed-fragment", script=BARE_FRAGMENT),
        start_streamlit("bench-speed-shell", script=BARE_SHELL),
    ]
    app, fragment, shell = servers
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                app_page = _SliderPage(browser, page_url(app.url, scenarios))
                bare_page = _SliderPage(browser, fragment.url)
                app_page.move(), bare_page.move()  # warm-up: element code loaded, caches primed
                app_moves, bare_moves = [], []
                for _ in range(MOVES):
                    app_moves.append(app_page.move())
                    bare_moves.append(bare_page.move())
                app_page.context.close()
                bare_page.context.close()

                capacity_url = page_url(app.url, capacity)
                charts = _chart_count(browser, capacity_url)
                _navigate(browser, shell.url, 0)
                app_navs, shell_navs = [], []
                for _ in range(NAVIGATIONS):
                    app_navs.append(_navigate(browser, capacity_url, charts))
                    shell_navs.append(_navigate(browser, shell.url, 0))
                warm_app = browser.new_context(viewport=TALL_VIEWPORT)
                warm_shell = browser.new_context(viewport=TALL_VIEWPORT)
                _navigate(browser, capacity_url, charts, warm_app)
                _navigate(browser, shell.url, 0, warm_shell)
                warm_app_navs, warm_shell_navs = [], []
                for _ in range(NAVIGATIONS):
                    warm_app_navs.append(_navigate(browser, capacity_url, charts, warm_app))
                    warm_shell_navs.append(_navigate(browser, shell.url, 0, warm_shell))
                warm_app.close()
                warm_shell.close()
            finally:
                browser.close()
    finally:
        for server in servers:
            stop_process(server.proc)
    return [
        BenchRow(
            "browser: slider move to new headline, Value scenarios page",
            statistics.median(t for t, _, _ in app_moves),
            target="<= 1.5x",
            baseline_name="the same move on a bare fragment page (one slider, one headline)",
            baseline_ms=statistics.median(t for t, _, _ in bare_moves),
            notes=f"median of {MOVES} alternating key presses; received per move "
            f"{_kib([b for _, b, _ in app_moves])} (bare {_kib([b for _, b, _ in bare_moves])}); "
            f"until the whole rerun has finished (NPV range, charts): "
            f"{statistics.median(t for _, _, t in app_moves):.0f} ms "
            f"(bare {statistics.median(t for _, _, t in bare_moves):.0f} ms)",
        ),
        BenchRow(
            f"browser: navigation to the Capacity page's {charts} charts drawn",
            statistics.median(t for t, _ in app_navs),
            target="<= 1.5x",
            baseline_name="navigation to an empty page (script run finished)",
            baseline_ms=statistics.median(t for t, _ in shell_navs),
            notes=f"cold cache: a fresh context each, median of {NAVIGATIONS} alternating; received "
            f"{_kib([b for _, b in app_navs])} (empty page {_kib([b for _, b in shell_navs])})",
        ),
        BenchRow(
            f"browser: navigation to the Capacity page's {charts} charts drawn, warm cache",
            statistics.median(t for t, _ in warm_app_navs),
            target="<= 1.5x",
            baseline_name="navigation to an empty page (script run finished), warm cache",
            baseline_ms=statistics.median(t for t, _ in warm_shell_navs),
            notes=f"a new tab (new session) in a context that loaded the page before, median of "
            f"{NAVIGATIONS} alternating",
        ),
    ]


if __name__ == "__main__":
    for row in benchmarks():
        print(row.line())
