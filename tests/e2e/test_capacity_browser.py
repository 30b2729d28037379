"""The Capacity page in a real browser at projector sizes: its Vega-Lite charts drawn, legends whole,
the usage assumptions one click away (and run only then).

Screenshots at 1280x720 and 1366x768 go to test-artifacts/screenshots/capacity-*.png for a person
to look at: the top of the page, each chart, the opened assumptions.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page, shoot, wait_until_drawn

pytestmark = pytest.mark.e2e

CHART_TITLES = (
    "Monthly cost by component",
    "Cost against provisioned level",
    "Usage against capacity by hour of week",
)
# Legend entries the default plan must show: a legend cut or missing fails the test.
LEGENDS = {
    "Monthly cost by component": {"Provisioned", "Overage"},
    "Cost against provisioned level": {
        "With unlimited overage",
        "No overage (throttles nothing)",
        "No overage (throttles demand)",
    },
    "Usage against capacity by hour of week": {
        "Average demand",
        "Peak demand",
        "Provisioned",
        "90 % warning",
        "Overage used",
    },
}
# Axis and legend text smaller than this cannot be read from the back of a room.
MIN_TEXT_PX = 14


def test_charts_are_drawn_and_readable_at_projector_sizes(
    app_server: Server, projector_page: tuple[Any, str]
) -> None:
    page, size = projector_page
    open_page(page, page_url(app_server.url, require_page("capacity")))
    assert page_errors(page) == []
    shoot(page, f"capacity-{size}-top")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == len(CHART_TITLES)
    for index, title in enumerate(CHART_TITLES):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.locator("svg.marks .role-mark path[d]").first.wait_for()  # marks painted
        page.wait_for_timeout(300)  # let the smooth scroll settle before the screenshot
        shoot(page, f"capacity-{size}-chart{index + 1}")
        texts = chart.locator("svg.marks text")
        assert title in texts.all_text_contents()
        box = chart.bounding_box()
        legend = chart.locator(".role-legend-label text")
        labels = legend.all_text_contents()
        assert LEGENDS[title] <= set(labels), f"{title}: legend {labels}"
        for entry in legend.all():
            entry_box = entry.bounding_box()
            label = entry.text_content()
            assert entry_box["x"] + entry_box["width"] <= box["x"] + box["width"] + 1, f"legend {label!r} cut"
            assert "…" not in (label or ""), f"legend {label!r} truncated"
        sizes = chart.locator(".role-axis-label text, .role-legend-label text").evaluate_all(
            "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))"
        )
        assert min(sizes) >= MIN_TEXT_PX, f"{title}: text {min(sizes)} px"


def test_assumptions_open_on_click_and_reprice(app_server: Server, page: Any) -> None:
    open_page(page, page_url(app_server.url, require_page("capacity")))
    assert page.locator('[data-testid="stDataFrame"]').count() == 0  # closed: no editors sent
    total = page.locator('[data-testid="stMetricValue"]').first
    landing_total = total.inner_text()
    page.get_by_text("Usage assumptions (sample: a mid-size SOC)").click()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    wait_until_drawn(page)
    slider = page.get_by_role("slider", name="Busiest hour / average working hour")
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== before",
        arg=landing_total,
    )
    wait_until_drawn(page)
    shoot(page, "capacity-assumptions-open")
    edited_total = total.inner_text()
    assert edited_total != landing_total
    # Closed again, the edited assumptions still price the plan.
    page.get_by_text("Usage assumptions (sample: a mid-size SOC)").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stDataFrame\"]').length === 0")
    wait_until_drawn(page)
    assert total.inner_text() == edited_total
