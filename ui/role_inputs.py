"""The Value scenarios page's team inputs, sized for a projector: one role at a time, full width.

Each role has a tab with its six inputs in two wide columns and its evidence behind an expander;
a last tab holds every role in one compact table for quick edits. Limits come from the scenario
model through ``ROLE_INPUTS`` (one source for every bound).
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st

from copilot_roi.roles import RoleId, role_ids, role_label
from copilot_roi.value.catalogue import load_catalogue
from copilot_roi.value.workshop import ROLE_INPUT, ROLE_INPUTS, RoleInput, evidence_markdown, role_key
from ui import scenario_state

TABLE_TAB = "All roles (table)"
# Sliders for the inputs people move in a workshop; typed numbers for counts and money, whose
# ranges are too wide for a slider to hit a value.
_SLIDERS = ("hours", "saved_pct", "start_pct", "months")
# Two columns: left what the team is, right what Copilot changes for it.
_LAYOUT = (("headcount", "hours", "start_pct"), ("cost", "saved_pct", "months"))
# The table's headers: short, so seven columns fit a 1280-pixel screen without scrolling.
_TABLE_HEADERS = {
    "headcount": "People",
    "hours": "Hours/week",
    "saved_pct": "Time saved %",
    "cost": "Cost/hour",
    "start_pct": "Month-1 use %",
    "months": "Months to full",
}
# A closed tab's inputs are not drawn; they keep their values (and show them when it opens again).
KEPT: Final = scenario_state.KEPT_WHILE_HIDDEN
# Slider numbers as a person reads them: 22.5 %, not 22.50.
_SLIDER_FORMAT = {"hours": "%.1f", "saved_pct": "%.1f", "start_pct": "%.0f", "months": "%d"}


def team_inputs(currency: str, brief_evidence: bool) -> None:
    """Draw a tab per role and the table of all roles; values land in the widgets' session keys.

    Only the open tab is drawn (the tabs rerun on a switch): a page with one role's inputs draws
    in a fraction of the time of one with every role, on every slider move."""
    roles = role_ids()
    labels = [*(role_label(r) for r in roles), TABLE_TAB]
    tabs = st.tabs(labels, key=scenario_state.ROLE_TAB_KEY, on_change="rerun")
    for tab, role_id in zip(tabs[:-1], roles, strict=True):
        if tab.open:
            with tab:
                _one_role(role_id, currency, brief_evidence)
    if tabs[-1].open:
        with tabs[-1]:
            _role_table(currency)


def _label(spec: RoleInput, currency: str) -> str:
    return f"{spec.label} ({currency})" if spec.field == "cost" else spec.label


def _header(spec: RoleInput, currency: str) -> str:
    header = _TABLE_HEADERS[spec.field]
    return f"{header} ({currency})" if spec.field == "cost" else header


def _widget(spec: RoleInput, role_id: RoleId, currency: str) -> None:
    key, label = scenario_state.key(role_key(role_id, spec.field)), _label(spec, currency)
    if spec.field in _SLIDERS:
        fmt = _SLIDER_FORMAT[spec.field]
        if spec.whole:
            low, high, step = int(spec.low), int(spec.high), int(spec.step)
            st.slider(label, low, high, step=step, format=fmt, key=key, persist_state=KEPT)
        else:
            st.slider(label, spec.low, spec.high, step=spec.step, format=fmt, key=key, persist_state=KEPT)
    elif spec.whole:
        st.number_input(
            label, int(spec.low), int(spec.high), step=int(spec.step), key=key, persist_state=KEPT
        )
    else:
        st.number_input(label, spec.low, spec.high, step=spec.step, key=key, persist_state=KEPT)


def _one_role(role_id: RoleId, currency: str, brief_evidence: bool) -> None:
    role = load_catalogue().roles[role_id]
    st.caption("Assisted tasks: " + "; ".join(role.tasks))
    for column, fields in zip(st.columns(2, gap="large"), _LAYOUT, strict=True):
        with column:
            for name in fields:
                _widget(ROLE_INPUT[name], role_id, currency)
    with st.expander("Evidence and assumptions behind these defaults"):
        # One element for all of a role's evidence (fewer elements make a cheaper rerun), in body
        # type: a caption's small grey text is lost on a projector.
        st.markdown(evidence_markdown(role_id, brief_evidence))


def _role_table(currency: str) -> None:
    rows = [
        {"Role": role_label(r)}
        | {
            _header(spec, currency): st.session_state.get(scenario_state.key(role_key(r, spec.field)))
            for spec in ROLE_INPUTS
        }
        for r in role_ids()
    ]
    columns: dict[str, Any] = {"Role": st.column_config.TextColumn("Role", disabled=True)}
    for spec in ROLE_INPUTS:
        name = _header(spec, currency)
        columns[name] = st.column_config.NumberColumn(
            name, help=_label(spec, currency), min_value=spec.low, max_value=spec.high, step=spec.step,
            required=True, format="%d" if spec.whole else "%g",
        )  # fmt: skip
    key = scenario_state.table_key()
    st.data_editor(
        pd.DataFrame(rows), key=key, hide_index=True, column_config=columns, num_rows="fixed",
        on_change=_apply_table_edits, args=(key, currency), width="stretch",
    )  # fmt: skip
    st.caption("Edit a cell and press Enter: the role's tab and the numbers follow.")


def _apply_table_edits(key: str, currency: str) -> None:
    """Copy the table's edited cells into the role widgets' values, then start a fresh table; the
    workspace fragment reruns with them."""
    st.session_state.update(values_from_edits(st.session_state[key].get("edited_rows", {}), currency))
    scenario_state.next_table_version()


def values_from_edits(edited_rows: dict[Any, dict[str, Any]], currency: str) -> dict[str, float | int]:
    """Role widget values (by session key) from ``st.data_editor``'s ``edited_rows``.

    Rows are roles in catalogue order; a cleared cell is ignored and a value is held within the
    input's limits (the editor enforces them too, but its state comes from the browser).
    """
    by_label = {_header(spec, currency): spec for spec in ROLE_INPUTS}
    values: dict[str, float | int] = {}
    for row, cells in edited_rows.items():
        role_id = role_ids()[int(row)]
        for name, value in cells.items():
            spec = by_label.get(name)
            if spec is None or value is None:
                continue
            number = min(max(float(value), spec.low), spec.high)
            values[scenario_state.key(role_key(role_id, spec.field))] = int(number) if spec.whole else number
    return values
