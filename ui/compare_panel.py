"""The Value scenarios page's comparison: save, rename and remove named scenarios; table and chart.

It reruns on its own (a fragment): moving a slider above does not redraw it, and saving here
does not rerun the inputs. The numbers come from ``copilot_roi.value.comparison``.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from copilot_roi.charts import value_charts as charts
from copilot_roi.pricebook import Prices
from copilot_roi.value.comparison import MAX_COMPARED, MAX_NAME_CHARS, Comparison, compare
from copilot_roi.value.scenario import Scenario
from ui import compare_state, scenario_state


def named_json(scenarios: dict[str, Scenario]) -> str:
    """The saved scenarios as one cache key: a JSON list of [name, scenario JSON], in order."""
    return json.dumps([[name, s.model_dump_json()] for name, s in scenarios.items()])


@st.cache_data(scope="session", max_entries=4, show_spinner="Comparing scenarios...")
def comparison(scenarios_json: str, prices_json: str) -> Comparison:
    prices = Prices.model_validate_json(prices_json)
    named = [(name, Scenario.model_validate_json(s)) for name, s in json.loads(scenarios_json)]
    return compare(named, prices)


def _save_current() -> None:
    scenario = scenario_state.session_scenario()
    if scenario is None:
        compare_state.set_message("Nothing to save yet: the scenario above has not been computed.")
        return
    try:
        compare_state.save(str(st.session_state.get(compare_state.NAME_KEY) or ""), scenario)
    except ValueError as error:
        compare_state.set_message(str(error).capitalize() + ".")
        return
    compare_state.set_message("Saved.")
    st.session_state[compare_state.NAME_KEY] = ""


def _rename() -> None:
    old = str(st.session_state.get(compare_state.PICK_KEY) or "")
    try:
        new = compare_state.rename(old, str(st.session_state.get(compare_state.NEW_NAME_KEY) or ""))
    except ValueError as error:
        compare_state.set_message(str(error).capitalize() + ".")
        return
    st.session_state[compare_state.PICK_KEY] = new
    st.session_state[compare_state.NEW_NAME_KEY] = ""
    compare_state.set_message("Renamed.")


def _remove() -> None:
    compare_state.remove(str(st.session_state.get(compare_state.PICK_KEY) or ""))
    st.session_state.pop(compare_state.PICK_KEY, None)
    compare_state.set_message("Removed.")


WHOLE_NUMBER_COLUMNS = ("Cost", "Realised value", "Hours freed", "NPV", "NPV P10", "NPV P90")


def money_columns(currency: str) -> dict[str, ColumnConfig]:
    return {
        "Scenario": st.column_config.TextColumn("Scenario", pinned=True),
        **{
            label: st.column_config.NumberColumn(label, format="localized", help=f"In {currency}")
            for label in ("Cost", "Realised value", "NPV", "NPV P10", "NPV P90")
        },
        "Hours freed": st.column_config.NumberColumn("Hours freed", format="localized"),
        "ROI": st.column_config.NumberColumn("ROI", format="percent"),
        "Served share": st.column_config.NumberColumn("Served share", format="percent"),
        "Payback month": st.column_config.NumberColumn("Payback month", format="%d"),
    }


@st.fragment
def comparison_panel(prices: Prices, big: bool) -> None:
    """Save the scenario above under a name, manage the saved ones, and compare them."""
    st.subheader("Compare scenarios")
    scenarios = compare_state.saved()
    full = len(scenarios) >= MAX_COMPARED
    st.caption(
        f"Save up to {MAX_COMPARED} versions of the scenario above under a name (in this browser "
        "session only) and compare them here and in the business case."
    )
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    a.text_input(
        "Name for the scenario above", key=compare_state.NAME_KEY, max_chars=MAX_NAME_CHARS,
        placeholder="e.g. SOC pilot, 3 SCU", disabled=full,
    )  # fmt: skip
    b.button(
        "Save for comparison", on_click=_save_current, key="cmp_save", icon=":material/bookmark_add:",
        disabled=full, help="Remove a saved scenario to save another." if full else None,
    )  # fmt: skip
    if note := compare_state.message():
        st.caption(note)
        compare_state.set_message(None)
    if not scenarios:
        return
    with st.expander("Rename or remove a saved scenario"):
        c, d, e, f = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
        c.selectbox("Saved scenario", list(scenarios), key=compare_state.PICK_KEY)
        d.text_input("New name", key=compare_state.NEW_NAME_KEY, max_chars=MAX_NAME_CHARS)
        e.button("Rename", on_click=_rename, key="cmp_rename")
        f.button("Remove", on_click=_remove, key="cmp_remove", icon=":material/delete:")
    try:
        compared = comparison(named_json(scenarios), prices.model_dump_json())
    except ValueError as error:
        st.error(str(error))
        return
    comparison_section(compared, big, key="cmp_fig")


def comparison_section(compared: Comparison, big: bool = False, key: str = "bc_fig_comparison") -> None:
    """The comparison table and chart (this page and the Business case page draw the same)."""
    table = compared.frame().round({label: 0 for label in WHOLE_NUMBER_COLUMNS})
    st.dataframe(table, hide_index=True, column_config=money_columns(compared.currency))
    st.plotly_chart(charts.comparison_figure(compared, big), key=key)
    st.caption(
        f"Money in {compared.currency}. P10 to P90: {compared.draws:,} simulated scenarios each, "
        "inputs drawn independently; prices from the sidebar apply to every scenario."
    )
