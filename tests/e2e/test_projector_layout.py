"""The Value scenarios page at projector sizes: role inputs wide enough to read and move, legends whole.

Screenshots at 1280x720 and 1366x768 go to test-artifacts/screenshots/projector-*.png for a person
to look at: the top of the page (headlines and one role's inputs), the role table, the charts.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import (
    Server,
    open_page,
    page_errors,
    page_url,
    require_page,
    shoot,
    wait_until_drawn,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# A slider narrower than this cannot be read from the back of a room or moved in steps of 0.5.
MIN_SLIDER_PX = 300


def scroll_to(page: Any, locator: Any) -> None:
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the smooth scroll settle before the screenshot


def test_role_inputs_are_readable_at_projector_sizes(
    app_server: Server, projector_page: tuple[Any, str]
) -> None:
    page, size = projector_page
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    page.wait_for_selector(".js-plotly-plot")
    shoot(page, f"projector-{size}-top")

    # One role at a time: the visible tab's sliders are wide; the other roles' are hidden.
    panel = page.get_by_role("tabpanel").locator("visible=true")
    assert panel.count() == 1, "exactly one role's inputs are shown at a time"
    widths = [s.bounding_box()["width"] for s in panel.locator('[data-testid="stSlider"]').all()]
    assert len(widths) == 4 and min(widths) >= MIN_SLIDER_PX, f"role sliders {widths} px wide at {size}"

    # Another role is one click away (its inputs are drawn when its tab opens).
    page.get_by_role("tab", name="eDiscovery analyst").click()
    visible = page.locator('[data-testid="stSlider"]').filter(has_text="Time saved").locator("visible=true")
    expect(visible).to_have_count(1)
    expect(page.get_by_role("tabpanel").locator("visible=true")).to_contain_text("KeyQL")

    # Evidence on demand, in full sentences.
    expander = (
        page.locator('[data-testid="stExpander"]')
        .filter(has_text="Evidence and assumptions")
        .locator("visible=true")
    )
    expander.get_by_text("Evidence and assumptions").click()
    assert "assumption" in expander.inner_text()
    scroll_to(page, expander)
    shoot(page, f"projector-{size}-evidence")

    # Every role in one table.
    page.get_by_role("tab", name="All roles (table)").click()
    table = page.get_by_role("tabpanel").locator("visible=true").locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    scroll_to(page, table)
    assert table.bounding_box()["width"] >= 0.8 * page.viewport_size["width"] - 400
    shoot(page, f"projector-{size}-table")

    # Legends whole: every role's name is drawn inside its chart.
    chart = page.locator(".js-plotly-plot").nth(1)
    scroll_to(page, chart)
    shoot(page, f"projector-{size}-charts")
    box = chart.bounding_box()
    for entry in chart.locator(".legend .legendtext").all():
        text, entry_box = entry.text_content(), entry.bounding_box()
        assert entry_box["x"] + entry_box["width"] <= box["x"] + box["width"] + 1, f"legend {text!r} cut"
    names = [e.text_content() for e in chart.locator(".legend .legendtext").all()]
    assert "eDiscovery analyst" in names

    # The analyst view's charts (smaller type, legends in four columns) at the same size.
    page.locator('[data-testid="stButtonGroup"]').get_by_text("Analyst", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5")
    wait_until_drawn(page)
    for index in (1, 3):  # hours by month (role legend), the tornado (long input names)
        chart = page.locator(".js-plotly-plot").nth(index)
        scroll_to(page, chart)
        shoot(page, f"projector-{size}-analyst-{index}")
        box = chart.bounding_box()
        for label in chart.locator(".legend .legendtext, .ytick text").all():
            label_box = label.bounding_box()
            assert label_box["x"] >= box["x"] - 1, f"{label.text_content()!r} cut on the left"
            assert label_box["x"] + label_box["width"] <= box["x"] + box["width"] + 1, "cut on the right"
    assert page_errors(page) == []


def test_an_edit_in_the_role_table_reaches_the_role_tab(app_server: Server, page: Any) -> None:
    """Edit SOC's People in the role table, open the SOC tab: 37, and still 37 after another tab.

    Each step waits for what the previous one shows, not for the script to be idle: right after a
    click or an edit the browser may not have started its rerun yet, so "not running" still holds
    from the run before (that is how this test used to flake)."""
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    value = headline_card(page, "Realised value")
    value_before = value.inner_text()
    page.get_by_role("tab", name="All roles (table)").click()
    # The page has other grids below: wait for the role table inside the open tab, which the
    # tab's rerun draws.
    grid = open_tab(page).locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    wait_until_drawn(page)
    box = grid.bounding_box()
    # The grid is drawn on a canvas: select the SOC row's first cell, step right to People, type.
    page.mouse.click(box["x"] + 40, box["y"] + 52)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # open the cell's editor (glide's overlay input)
    editor = page.locator("input.gdg-input")
    editor.fill("37")
    editor.press("Enter")
    expect(value).not_to_have_text(value_before, timeout=30_000)  # the edit's run drew the headline
    page.get_by_role("tab", name="SOC analyst").click()
    people = open_tab(page).get_by_label("People")
    expect_value(people, "37")
    # Another role and back: the reopened tab's inputs are handed their values again.
    page.get_by_role("tab", name="IAM admin").click()
    expect_value(people, "3")  # IAM's own People (the expected preset's)
    page.get_by_role("tab", name="SOC analyst").click()
    expect_value(people, "37")
    assert page_errors(page) == []


def open_tab(page: Any) -> Any:
    """The open tab's panel (a closed tab's panel is hidden)."""
    return page.get_by_role("tabpanel").locator("visible=true")


def headline_card(page: Any, label: str) -> Any:
    """The headline card headed ``label`` (one markdown: the label, the figure, a sentence)."""
    heading = page.get_by_role("heading", name=label, exact=True)
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has=heading).first


def expect_value(locator: Any, value: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_value(value, timeout=15_000)
