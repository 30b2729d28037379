"""Fixtures for the real-browser tests: one Streamlit server per session, one Chromium per module.

Every test gets a fresh browser context (its own cookies, so its own Streamlit session) with a tall
viewport. The helpers live in ``e2ekit`` so the browser benchmark can use them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from e2ekit import (
    PROJECTORS,
    TALL_VIEWPORT,
    Server,
    launch_chromium,
    screenshot,
    start_streamlit,
    stop_process,
)
from wsclient import StreamlitSession, run_async


async def visit_home(url: str) -> None:
    async with StreamlitSession(url) as session:
        run = await session.run()
        assert run.status == 0 and not run.errors, run


E2E_TEST_TIMEOUT_S = 300


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Bound every browser test in time (pytest-timeout), so a hung page cannot stall CI."""
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TEST_TIMEOUT_S))


@pytest.fixture(scope="session")
def app_server() -> Iterator[Server]:
    server = start_streamlit("streamlit-e2e")
    try:
        # One visit to the home page first, so the first test does not pay for the imports
        # (a deep link on a fresh server is tested on its own in test_deep_links.py).
        run_async(visit_home(server.url))
        yield server
    finally:
        stop_process(server.proc)


# Playwright and Chromium live per test module, not per session: Playwright's sync API allows one
# instance per thread, and other test directories start their own after these tests.
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance: Any) -> Iterator[Any]:
    try:
        chromium = launch_chromium(playwright_instance)
    except Exception as exc:  # Playwright's own Error: no usable browser on this machine
        pytest.skip(f"no Chromium could be launched (set COPILOT_ROI_CHROMIUM): {exc}")
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """Make pages, each in its own browser context (its own Streamlit session).

    When the test fails, every page is saved as test-artifacts/screenshots/failed-<test>-<n>.png.
    """
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport=TALL_VIEWPORT, accept_downloads=True)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
        if request.node.stash.get(CALL_FAILED, False):
            for number, context in enumerate(contexts):
                for tab in context.pages:
                    screenshot(tab, f"failed-{request.node.name}-{number}")
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


@pytest.fixture(params=PROJECTORS, ids=lambda v: f"{v['width']}x{v['height']}")
def projector_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, str]]:
    """A page at each projector size, with its size as text ("1280x720")."""
    viewport = request.param
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(60_000)
    try:
        yield context.new_page(), f"{viewport['width']}x{viewport['height']}"
    finally:
        context.close()
