"""Save two scenarios on the Value scenarios page and see them side by side in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page, screenshot, wait_for_script

pytestmark = pytest.mark.e2e

COMPARISON_TRACES = """() => {
    const plot = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(p => (p.layout.title.text || '').includes('side by side'));
    return plot ? plot.data.filter(t => t.mode === 'lines').map(t => t.name) : null;
}"""


def save_as(page: Any, name: str) -> None:
    box = page.get_by_label("Name for the scenario above")
    box.fill(name)
    box.press("Enter")  # commit the text before the click
    wait_for_script(page)
    page.get_by_role("button", name="Save for comparison").click()
    wait_for_script(page)


def test_two_saved_scenarios_show_side_by_side(app_server: Server, page: Any) -> None:
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    page.wait_for_selector(".js-plotly-plot")
    save_as(page, "Expected <b>bold</b>")
    widget = page.locator('[data-testid="stSlider"]').filter(has_text="Time saved on those tasks").first
    slider = widget.get_by_role("slider")
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    wait_for_script(page)
    save_as(page, "More time saved")
    page.wait_for_function(f"() => ({COMPARISON_TRACES})() && ({COMPARISON_TRACES})().length === 2")
    names = page.evaluate(COMPARISON_TRACES)
    # The name is shown as typed, never interpreted: plotly receives it escaped.
    assert names == ["Expected &lt;b&gt;bold&lt;/b&gt;", "More time saved"]
    # By its key: while the fragment reruns, the outgoing copy of the chart can still be in the page.
    chart = page.locator(".st-key-cmp_fig .js-plotly-plot").filter(has_text="Scenarios side by side")
    chart.wait_for()
    assert "Expected <b>bold</b>" in chart.inner_text()
    # The grid fills its accessible cells once on screen: the comparison sits at the page's end.
    chart.scroll_into_view_if_needed()
    page.mouse.wheel(0, 4000)
    table = page.locator('[data-testid="stDataFrame"]').filter(has_text="NPV")
    table.first.wait_for(timeout=15_000)
    screenshot(page, "scenarios-compare")
    assert page_errors(page) == []
