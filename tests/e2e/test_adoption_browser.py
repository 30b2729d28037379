"""The Adoption section of Usage analytics in a real browser at 1280x720, screenshots for a person to read.

Screenshots go to test-artifacts/screenshots/adoption-*.png: the headline figures, the weekly chart,
the funnel, on the bundled sample and on the hand-worked team of the unit tests (people appearing,
lapsing and coming back across two overlapping exports).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from e2ekit import (
    Server,
    metric,
    open_page,
    page_errors,
    page_url,
    require_page,
    shoot,
    upload,
    wait_until_drawn,
)
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from adoption_fixture import exports

pytestmark = pytest.mark.e2e
VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture
def small_page(browser: Any) -> Any:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def show(page: Any, locator: Any, name: str) -> None:
    """Scroll ``locator`` to the top of the viewport and save what the room sees."""
    locator.scroll_into_view_if_needed()
    locator.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)  # let the scroll and the chart's resize settle
    shoot(page, name)


def walk_section(page: Any, prefix: str) -> None:
    heading = page.locator("h2", has_text="Adoption")
    expect(heading).to_be_visible()
    show(page, heading, f"{prefix}-headline")
    chart = page.locator(".js-plotly-plot").filter(has_text="People active each week")
    expect(chart).to_have_count(1)
    show(page, chart, f"{prefix}-weekly")
    funnel = page.locator("h3", has_text="Funnel per role")
    show(page, funnel, f"{prefix}-funnel")
    assert not page_errors(page), page_errors(page)


def test_adoption_section_on_the_sample(app_server: Server, small_page: Any) -> None:
    open_page(small_page, page_url(app_server.url, require_page("usage")))
    walk_section(small_page, "adoption-sample-1280x720")
    expect(metric(small_page, "People")).to_have_text("24")


def test_adoption_section_on_people_coming_and_going(
    app_server: Server, small_page: Any, tmp_path: Path
) -> None:
    paths = []
    for name, data in exports():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    open_page(small_page, page_url(app_server.url, require_page("usage")))
    # The fixture's dates have no year: they are read as the 92 days up to the export's day.
    for segment, value in (("year", "2026"), ("month", "11"), ("day", "20")):
        field = small_page.get_by_role("spinbutton", name=f"{segment}, Export taken on")
        field.click()
        small_page.keyboard.type(value)
    # Out of the field by a click elsewhere (a Tab left it half-edited, and the app ignored the
    # sidebar's links from then on).
    small_page.locator("h1").first.click()
    expect(small_page.get_by_role("spinbutton", name="day, Export taken on")).to_have_attribute(
        "aria-valuenow", "20"
    )
    wait_until_drawn(small_page)
    upload(small_page, paths)
    expect(small_page.get_by_text("Loaded for this session")).to_be_visible()
    wait_until_drawn(small_page)
    expect(metric(small_page, "Active in 28 days")).to_have_text("3")
    expect(metric(small_page, "Habitual")).to_have_text("2")
    walk_section(small_page, "adoption-team-1280x720")

    # Value scenarios with the export loaded: the measured months beside the assumed ramp, then fitted.
    # Through the app's navigation: a new page load would be a new session, without the export.
    small_page.locator('[data-testid="stSidebarNav"]').get_by_text("Value scenarios", exact=True).click()
    small_page.locator("h1").filter(has_text="Value scenarios").first.wait_for()
    wait_until_drawn(small_page)
    heading = small_page.locator("h3", has_text="Adoption: measured against the assumed ramp")
    expect(heading).to_be_visible(timeout=60_000)
    show(small_page, heading, "adoption-team-1280x720-ramp")
    small_page.get_by_role("button", name="Fit adoption to measured months").click()
    expect(small_page.get_by_text("The ramps below are fitted")).to_be_visible()
    wait_until_drawn(small_page)
    show(small_page, small_page.locator("h3", has_text="Adoption: measured against the assumed ramp"),
         "adoption-team-1280x720-ramp-fitted")  # fmt: skip
