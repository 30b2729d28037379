"""Every page in app.py opens in a real browser without an exception or an error alert.

The pages come from parsing app.py, so a page added to the router is covered without editing this
file. Each page's screenshot is saved to test-artifacts/screenshots/<page>.png for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import (
    AppPage,
    Server,
    app_pages,
    open_page,
    page_errors,
    page_url,
    screenshot,
    wait_for_script,
    wait_until_drawn,
)

pytestmark = pytest.mark.e2e

PAGES = app_pages()


def test_router_lists_pages() -> None:
    assert PAGES, "app.py lists no st.Page"
    assert sum(p.default for p in PAGES) == 1


@pytest.mark.parametrize("app_page", PAGES, ids=[p.slug for p in PAGES])
def test_page_opens_without_error(app_server: Server, page: Any, app_page: AppPage) -> None:
    console_errors: list[str] = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    open_page(page, page_url(app_server.url, app_page))
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=30_000)
    wait_until_drawn(page)
    shot = screenshot(page, app_page.slug)

    assert page_errors(page) == [], f"{app_page.title}: errors on the page (screenshot {shot})"
    assert console_errors == [], f"{app_page.title}: JavaScript errors {console_errors}"
    # The page is reachable from the sidebar navigation under its title.
    nav = page.locator('[data-testid="stSidebarNav"]')
    if len(PAGES) > 1:
        assert nav.get_by_text(app_page.title, exact=True).count() >= 1


def test_sidebar_navigation_reaches_every_page(app_server: Server, page: Any) -> None:
    if len(PAGES) < 2:
        pytest.skip("only one page: Streamlit hides the navigation")
    open_page(page, f"{app_server.url}/")
    for app_page in PAGES:
        page.locator('[data-testid="stSidebarNav"]').get_by_text(app_page.title, exact=True).first.click()
        page.wait_for_url(page_url(app_server.url, app_page).rstrip("/") + "*")
        wait_for_script(page)
        errors = page_errors(page)
        assert errors == [], f"{app_page.title} via the sidebar: {errors}"
