"""Move a role slider on the scenarios page and see the numbers and the chart change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2ekit import Server, open_page, page_errors, page_url, require_page, wait_for_script

pytestmark = pytest.mark.e2e

CHART_DATA = "document.querySelector('.js-plotly-plot').data.map(t => Array.from(t.y || []))"


def realised_value(page: Any) -> str:
    """The figure under the "Realised value" headline."""
    text = page.locator('[data-testid="stMain"]').inner_text()
    match = re.search(r"Realised value\s*\n\s*(\S[^\n]*)", text)
    assert match, "no Realised value headline"
    return match.group(1)


def test_moving_a_role_slider_redraws_numbers_and_chart(app_server: Server, page: Any) -> None:
    scenarios = require_page("scenarios")
    open_page(page, page_url(app_server.url, scenarios))
    page.wait_for_selector(".js-plotly-plot")
    before_text = page.locator('[data-testid="stMain"]').inner_text()
    before_chart = page.evaluate(CHART_DATA)
    before_value = realised_value(page)

    widget = page.locator('[data-testid="stSlider"]').filter(has_text="Time saved on those tasks").first
    slider = widget.get_by_role("slider")
    shown_value = widget.locator('[data-testid="stSliderThumbValue"]')
    value_before = shown_value.inner_text()
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('[data-testid=\"stMain\"]').innerText !== before", arg=before_text
    )
    wait_for_script(page)
    page.wait_for_function(
        f"before => JSON.stringify({CHART_DATA}) !== JSON.stringify(before)", arg=before_chart
    )

    assert float(shown_value.inner_text()) == pytest.approx(float(value_before) + 5.0)  # 10 steps of 0.5
    assert page.evaluate(CHART_DATA) != before_chart, "the cost vs value chart did not change"
    assert realised_value(page) != before_value, "more time saved must mean more realised value"
    assert page_errors(page) == []


def test_a_slider_move_adds_one_history_entry_with_the_new_link(app_server: Server, page: Any) -> None:
    """The URL follows the inputs, and Back undoes one move, not one of a dozen URL parameters."""
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    wait_for_script(page)
    slider = page.get_by_role("slider", name="Time saved on those tasks (%)").first
    entries_before = page.evaluate("history.length")
    soc_before = page.evaluate("new URL(location.href).searchParams.get('soc')")
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function(
        "before => new URL(location.href).searchParams.get('soc') !== before", arg=soc_before
    )
    wait_for_script(page)
    assert page.evaluate("history.length") == entries_before + 1
    assert page_errors(page) == []


def test_a_role_slider_move_is_answered_in_one_script_run(app_server: Server, page: Any) -> None:
    """The slider sits in the workspace fragment with the headline and the outputs, with no
    callback: its move is one fragment run. (A keyed ``st.rerun`` from a callback first ends one
    run and then starts another, and the browser redraws the whole page for each.)"""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kinds: list[str] = []

    def received(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            kinds.append(str(message.WhichOneof("type")))

    page.on("websocket", lambda socket: socket.on("framereceived", received))
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    wait_for_script(page)
    before = realised_value(page)
    kinds.clear()
    slider = page.get_by_role("slider", name="Time saved on those tasks (%)").first
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function(
        "before => !document.querySelector('[data-testid=\"stMain\"]').innerText.includes(before)", arg=before
    )
    wait_for_script(page)
    assert kinds.count("new_session") == 1, kinds
    assert kinds.count("script_finished") == 1, kinds
    assert "delta" in kinds and page_errors(page) == []


def test_an_input_below_the_workspace_moves_the_headline(app_server: Server, page: Any) -> None:
    """The plan inputs sit below the outputs, outside the workspace fragment: their callback
    reruns the fragment, so the cost headline follows them."""
    open_page(page, page_url(app_server.url, require_page("scenarios")))
    wait_for_script(page)
    main = page.locator('[data-testid="stMain"]')
    cost_before = re.search(r"Cost\s*\n\s*(\S[^\n]*)", main.inner_text())
    assert cost_before
    field = page.get_by_label("Provisioned SCUs", exact=True)  # the case's plan (ui/plan_inputs.py)
    field.fill("5")
    field.press("Enter")
    page.wait_for_function(
        "before => !document.querySelector('[data-testid=\"stMain\"]').innerText.includes(before)",
        arg=f"Cost\n{cost_before.group(1)}",
    )
    wait_for_script(page)
    cost_after = re.search(r"Cost\s*\n\s*(\S[^\n]*)", main.inner_text())
    assert cost_after and cost_after.group(1) != cost_before.group(1)
    assert page_errors(page) == []
