"""Session state of the Value scenarios page: every page-level key, behind typed accessors.

Widget keys of the role and scenario inputs (``scn_<role>_<field>``, ``scn_realisation_pct``...)
are the schema of ``copilot_roi.value.workshop`` (the link codec shares it); the keys here are
the page's own: the scenario the widgets started from and what the page last drew. The scenario
itself, its plan and the calibration choice are the case's (``ui.case_state``).
"""

from __future__ import annotations

from typing import Any, Final, cast

import streamlit as st

from copilot_roi.value.finance_inputs import finance_widget_values
from copilot_roi.value.scenario import AgentLine, Scenario
from copilot_roi.value.workshop import widget_values
from ui import case_state

BASE_KEY = "scn_base"  # the scenario the widgets were last filled from (a preset, a file, a link)
_BASE_GENERATION_KEY = "scn_base_generation"  # the case generation the widgets were filled in
PRESET_KEY = "scn_preset"
VIEW_KEY = "scn_view"
CALIBRATE_KEY = "scn_calibrate"
RIGHT_SIZE_KEY = "scn_right_size"
TABLE_VERSION_KEY = "scn_roles_table_version"
HEADLINE_JSON_KEY = "scn_headline_json"  # the scenario the headline cards were drawn from
# The fragment holding the headline, the team and money inputs and the outputs: a move of one of
# its inputs reruns it alone, in one script run (see ``refresh_outputs`` for the inputs outside).
WORKSPACE_FRAGMENT = "scn_workspace"
ROLE_TAB_KEY = "scn_role_tab"  # the open role tab: only its inputs are drawn
EDITED_LINES_KEY = "scn_edited_lines"  # the line tables' output in the last run, with its base
# How long an input keeps its value while it is not drawn (a closed role tab's, a measured role's
# SCUs): the scenario reads every role's values, and an input drawn again must show the kept value.
# Streamlit's persist_state does both: the value moves to the key when the widget goes, and the
# widget that comes back is sent with it. Writing the value back by hand each run did not: the
# next run stored the copy under the widget's id, so a reopened tab's inputs went to the browser
# without their values, drew their minimum (0 People) and sent it back on the next click.
# "session", not "page": a page-scoped value is reset when its input is first drawn after the user
# came back from another page, even once the page has filled it from the case again.
KEPT_WHILE_HIDDEN: Final = "session"

# Agent lines, other benefit rows, other cost rows, as the page's tables returned them (None: the
# base's own lines).
EditedLines = tuple[list[AgentLine] | None, list[dict[str, Any]] | None, list[dict[str, Any]] | None]


INPUT_PREFIX = "scn_"  # the page's keys: "scn_" + the engine's input name (scn_soc_headcount)


def key(input_name: str) -> str:
    """The session key of one of the engine's scenario inputs (``workshop.role_key``...)."""
    return INPUT_PREFIX + input_name


def values() -> dict[str, Any]:
    """The page's input values by the engine's input names, as ``scenario_from_values`` reads them."""
    return {
        str(k).removeprefix(INPUT_PREFIX): st.session_state[k]
        for k in st.session_state
        if str(k).startswith(INPUT_PREFIX)
    }


def base() -> Scenario | None:
    value = st.session_state.get(BASE_KEY)
    return value if isinstance(value, Scenario) else None


def show(scenario: Scenario) -> None:
    """Fill every widget of the page from ``scenario`` and remember it as the base."""
    st.session_state[BASE_KEY] = scenario
    st.session_state[_BASE_GENERATION_KEY] = case_state.generation()
    shown = widget_values(scenario) | finance_widget_values(scenario)
    st.session_state.update({key(name): value for name, value in shown.items()})


def needs_filling() -> bool:
    """True on a first visit, after the page was left (its widgets' values are gone), or after
    the case was replaced (a file, a link, a reset)."""
    return (
        base() is None
        or st.session_state.get(_BASE_GENERATION_KEY) != case_state.generation()
        or not {key(name) for name in widget_values(cast(Scenario, base()))} <= set(st.session_state)
    )


def session_scenario() -> Scenario:
    """The case's scenario as the user set it (before any measurement from usage)."""
    return case_state.scenario()


def set_session_scenario(scenario: Scenario) -> None:
    case_state.set_scenario(scenario)


def calibrating() -> bool:
    """True when the value case measures SCUs per person from a loaded export."""
    return case_state.usage() is not None and case_state.case().calibrate_from_usage


def set_calibrating(on: bool) -> None:
    case = case_state.case()
    if case.calibrate_from_usage != on:
        case_state.set_case(case.model_copy(update={"calibrate_from_usage": on}))


def right_sizing_shown() -> bool:
    return bool(st.session_state.get(RIGHT_SIZE_KEY))


def refresh_outputs() -> None:
    """``on_change`` of an input outside the workspace fragment (plan, finance convention): rerun
    the workspace only; the inputs below it are not drawn again. Inputs inside the fragment need
    no callback: their change reruns it directly, which saves the browser a second script run
    (a keyed rerun from a callback ends the first run and starts another)."""
    st.rerun(WORKSPACE_FRAGMENT)


def headline_json() -> str | None:
    value = st.session_state.get(HEADLINE_JSON_KEY)
    return value if isinstance(value, str) else None


def set_headline_json(scenario_json: str) -> None:
    st.session_state[HEADLINE_JSON_KEY] = scenario_json


def edited_lines(scenario_base: Scenario) -> EditedLines:
    """What the line tables returned in the last run from this same base (else the base's lines):
    the page reads the scenario with them before the tables are drawn again."""
    stored = st.session_state.get(EDITED_LINES_KEY)
    if isinstance(stored, tuple) and stored[0] is scenario_base:
        return cast(EditedLines, stored[1:])
    return None, None, None


def set_edited_lines(
    scenario_base: Scenario,
    agents: list[AgentLine] | None,
    benefit_rows: list[dict[str, Any]] | None,
    cost_rows: list[dict[str, Any]] | None,
) -> None:
    st.session_state[EDITED_LINES_KEY] = (scenario_base, agents, benefit_rows, cost_rows)


def table_key() -> str:
    """The role table's widget key; a new one after each applied edit, so the table redraws
    from the widgets' values instead of replaying its old edits."""
    return f"scn_roles_table_{int(st.session_state.get(TABLE_VERSION_KEY, 0))}"


def next_table_version() -> None:
    st.session_state[TABLE_VERSION_KEY] = int(st.session_state.get(TABLE_VERSION_KEY, 0)) + 1
