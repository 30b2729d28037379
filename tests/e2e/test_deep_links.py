"""A link to a page works on a freshly started server, through the router.

Streamlit decides per process whether the app uses the legacy ``pages/`` directory (it does when
a folder of that name sits beside app.py): until some session runs app.py's ``st.navigation``, a
request for ``/usage`` would run ``pages/usage.py`` on its own,
without app.py (no page config, no shared sidebar, no prices or privacy switch, no query-parameter
restore) and lists every file in ``pages/`` plus "app" in the sidebar. After each deploy or restart
the first visitor with a bookmark or a shared link would get that. So the page scripts live in
``app_pages/`` and the router runs first for every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2ekit import Server, app_pages, open_page, page_url, start_streamlit, stop_process

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    server = start_streamlit("streamlit-fresh")
    try:
        yield server
    finally:
        stop_process(server.proc)


def test_deep_link_on_a_fresh_server_runs_the_router(fresh_server: Server, page: Any) -> None:
    target = next(p for p in app_pages() if not p.default)
    open_page(page, page_url(fresh_server.url, target))
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert target.title in nav, f"sidebar navigation is not the router's: {nav!r}"
    assert "Pseudonymise users" in sidebar, "the shared sidebar (app.py) did not run"
