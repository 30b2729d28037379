"""Add an agent preset on the Value scenarios page in a real browser: the per-run table and chart appear."""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page, screenshot, wait_for_script

pytestmark = pytest.mark.e2e


def test_adding_an_agent_shows_cost_per_alert(app_server: Server, page: Any) -> None:
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    page.wait_for_selector(".js-plotly-plot")
    main = page.locator('[data-testid="stMain"]')
    assert "Cost per alert processed" not in main.inner_text()
    page.get_by_role("button", name="Add agent").click()
    page.get_by_text("Agents: cost per alert processed").first.wait_for(timeout=90_000)
    wait_for_script(page)
    # The grouped bar chart: the agent's capacity cost per run against the analyst's cost by hand.
    traces = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => p.data.map(t => t.name))"
    )
    assert ["Agent: capacity cost per run", "By hand: analyst cost per alert"] in traces
    page.get_by_text("Agents: cost per alert processed").first.scroll_into_view_if_needed()
    screenshot(page, "scenarios-agents")
    assert page_errors(page) == []
