"""25 simultaneous sessions on one app process: every script run finishes without error, in bounds.

Each session is a real Streamlit session over its own websocket (``wsclient``): the server holds
25 sessions and runs their scripts concurrently, as it would for 25 open tabs. A real browser tab
opened during the load checks that the app still serves a person. The server's resident memory is
read after a warm-up session (imports done) and again with all 25 connected; the difference divided
by 25 is what a session costs.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from e2ekit import (
    ARTIFACTS,
    AppPage,
    Server,
    app_pages,
    page_errors,
    page_url,
    start_streamlit,
    stop_process,
    wait_for_script,
)
from wsclient import ScriptRun, StreamlitSession, run_async

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 25
TIME_BUDGET_S = 120.0  # 2 CPU cores; typically a small fraction of this
PER_SESSION_MEMORY_CEILING_MIB = 100.0


@pytest.fixture(scope="module")
def load_server() -> Iterator[Server]:
    server = start_streamlit("streamlit-load")
    try:
        yield server
    finally:
        stop_process(server.proc)


# The default page (capacity: estimate, billing, optimizer, charts) and the usage page, where each
# session also ingests the bundled sample exports into its own state (about 11,500 rows).
LOADED_PAGES = [p for p in app_pages() if p.default or p.slug == "usage"]


@pytest.mark.parametrize("app_page", LOADED_PAGES, ids=[p.slug for p in LOADED_PAGES])
def test_25_simultaneous_sessions(load_server: Server, browser: Any, app_page: AppPage) -> None:
    page_name = "" if app_page.default else app_page.url_path

    async def warm_up() -> ScriptRun:
        async with StreamlitSession(load_server.url) as session:
            return await session.run(page_name=page_name)

    warm = run_async(warm_up())
    charts = warm.elements["plotly_chart"] + warm.elements["vega_lite_chart"]
    assert warm.errors == [] and charts >= 1, warm
    # Earlier parametrised runs' sessions are gone; the server keeps what it imported and cached.
    rss_before = load_server.rss_bytes()

    async def load() -> tuple[list[ScriptRun], float, int]:
        async with AsyncExitStack() as stack:
            sessions = [
                await stack.enter_async_context(StreamlitSession(load_server.url)) for _ in range(SESSIONS)
            ]
            start = time.perf_counter()
            runs = await asyncio.wait_for(
                asyncio.gather(*(s.run(page_name=page_name) for s in sessions)), TIME_BUDGET_S
            )
            elapsed = time.perf_counter() - start
            return list(runs), elapsed, load_server.rss_bytes()  # all 25 still connected

    runs, elapsed, rss_during = run_async(load())

    # The app still serves a person in a real browser after the load.
    context = browser.new_context(viewport={"width": 1400, "height": 3600})
    try:
        page = context.new_page()
        page.goto(page_url(load_server.url, app_page), wait_until="domcontentloaded")
        wait_for_script(page)
        page.wait_for_selector('.js-plotly-plot, [data-testid="stVegaLiteChart"]')
        browser_errors = page_errors(page)
    finally:
        context.close()

    per_session_mib = (rss_during - rss_before) / SESSIONS / 2**20
    seconds = sorted(r.seconds for r in runs)
    report = (
        f"{app_page.title} page, {SESSIONS} simultaneous sessions: all scripts finished in {elapsed:.1f} s "
        f"(per session median {statistics.median(seconds):.1f} s, max {seconds[-1]:.1f} s; "
        f"warm-up single session {warm.seconds:.2f} s); server RSS {rss_before / 2**20:.0f} MiB before, "
        f"{rss_during / 2**20:.0f} MiB with {SESSIONS} connected = {per_session_mib:.1f} MiB per session"
    )
    print(report)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "load.txt").open("a") as record:
        record.write(report + "\n")

    assert [r.errors for r in runs if r.errors] == []
    assert all(r.status == 0 for r in runs), [r.status for r in runs]  # FINISHED_SUCCESSFULLY
    # Same elements as a lone session (progress updates depend on timing, so they are not counted).
    drawn = [{k: n for k, n in r.elements.items() if k != "progress"} for r in [warm, *runs]]
    assert all(d == drawn[0] for d in drawn), "a session under load drew a different page"
    assert browser_errors == []
    assert load_server.proc.poll() is None, "the server died under load"
    log = load_server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    if rss_before:  # /proc is there (Linux)
        assert per_session_mib < PER_SESSION_MEMORY_CEILING_MIB, report
