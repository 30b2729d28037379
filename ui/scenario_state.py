"""Session state of the Value scenarios page: every page-level key, behind typed accessors.

Widget keys of the role and scenario inputs (``scn_<role>_<field>``, ``scn_realisation_pct``...)
are the schema of ``copilot_roi.value.workshop`` (the link codec shares it); the keys here are
the page's own: the scenario the widgets started from, the usage calibration and the plan mode.
The session's current scenario (read by the Business case page) lives under ``scenario``.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import streamlit as st

from copilot_roi.value.calibration import UsageMeasurement
from copilot_roi.value.finance_inputs import finance_widget_values
from copilot_roi.value.scenario import AgentLine, Scenario
from copilot_roi.value.workshop import MEASURED_KEY, widget_values

PlanMode = Literal["As set here", "Right-size for this demand"]
PLAN_MODES: tuple[PlanMode, ...] = ("As set here", "Right-size for this demand")

SCENARIO_KEY = "scenario"  # the session's current scenario, shared with the Business case page
BASE_KEY = "scn_base"  # the scenario the widgets were last filled from (a preset, a file, a link)
PRESET_KEY = "scn_preset"
VIEW_KEY = "scn_view"
PLAN_MODE_KEY = "scn_plan_mode"
CALIBRATE_KEY = "scn_calibrate"
MEASURED_NOTES_KEY = "scn_measured_notes"
ROLES_FROM_KEY = "scn_roles_from"
TABLE_VERSION_KEY = "scn_roles_table_version"
HEADLINE_JSON_KEY = "scn_headline_json"  # the scenario the headline cards were drawn from
# The fragment holding the headline, the team and money inputs and the outputs: a move of one of
# its inputs reruns it alone, in one script run (see ``refresh_outputs`` for the inputs outside).
WORKSPACE_FRAGMENT = "scn_workspace"
ROLE_TAB_KEY = "scn_role_tab"  # the open role tab: only its inputs are drawn
EDITED_LINES_KEY = "scn_edited_lines"  # the line tables' output in the last run, with its base

# Agent lines, other benefit rows, other cost rows, as the page's tables returned them (None: the
# base's own lines).
EditedLines = tuple[list[AgentLine] | None, list[dict[str, Any]] | None, list[dict[str, Any]] | None]


def values() -> dict[str, Any]:
    """Every session value by key, as ``scenario_from_values`` reads the page's widgets."""
    return {str(key): st.session_state[key] for key in st.session_state}


def base() -> Scenario | None:
    value = st.session_state.get(BASE_KEY)
    return value if isinstance(value, Scenario) else None


def show(scenario: Scenario, plan_mode: PlanMode = "As set here") -> None:
    """Fill every widget of the page from ``scenario`` and remember it as the base."""
    st.session_state[BASE_KEY] = scenario
    st.session_state.update(widget_values(scenario))
    st.session_state.update(finance_widget_values(scenario))
    st.session_state[PLAN_MODE_KEY] = plan_mode


def needs_filling() -> bool:
    """True on a first visit, or after another page replaced the session's scenario."""
    return base() is None or not set(widget_values(cast(Scenario, base()))) <= set(st.session_state)


def session_scenario() -> Scenario | None:
    value = st.session_state.get(SCENARIO_KEY)
    return value if isinstance(value, Scenario) else None


def set_session_scenario(scenario: Scenario) -> None:
    st.session_state[SCENARIO_KEY] = scenario


def calibrating() -> bool:
    return bool(st.session_state.get(CALIBRATE_KEY))


def set_calibration(calibration: UsageMeasurement | None) -> None:
    """Store what the usage export measured (None: nothing measured)."""
    if calibration is None:
        st.session_state.update({MEASURED_KEY: {}, MEASURED_NOTES_KEY: []})
        st.session_state.pop(ROLES_FROM_KEY, None)
        return
    st.session_state.update(
        {
            MEASURED_KEY: dict(calibration.scu_per_person_month),
            MEASURED_NOTES_KEY: list(calibration.notes),
            ROLES_FROM_KEY: calibration.roles_from,
        }
    )


def measured_notes() -> list[str]:
    return list(st.session_state.get(MEASURED_NOTES_KEY) or [])


def roles_from() -> str:
    return str(st.session_state.get(ROLES_FROM_KEY, "plugin rules"))


def refresh_outputs() -> None:
    """``on_change`` of an input outside the workspace fragment (plan, finance convention): rerun
    the workspace only; the inputs below it are not drawn again. Inputs inside the fragment need
    no callback: their change reruns it directly, which saves the browser a second script run
    (a keyed rerun from a callback ends the first run and starts another)."""
    st.rerun(WORKSPACE_FRAGMENT)


def keep_values(keys: list[str]) -> None:
    """Keep the values of widgets not drawn in this run (a closed role tab's): Streamlit drops a
    widget's state once a run no longer draws it, and the scenario reads every role's values.
    Written back as session values, they survive and fill the widgets when drawn again."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def headline_json() -> str | None:
    value = st.session_state.get(HEADLINE_JSON_KEY)
    return value if isinstance(value, str) else None


def set_headline_json(scenario_json: str) -> None:
    st.session_state[HEADLINE_JSON_KEY] = scenario_json


def plan_mode() -> PlanMode:
    mode = st.session_state.get(PLAN_MODE_KEY)
    return mode if mode in PLAN_MODES else PLAN_MODES[0]


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


def set_plan_mode(mode: PlanMode) -> None:
    st.session_state[PLAN_MODE_KEY] = mode


def table_key() -> str:
    """The role table's widget key; a new one after each applied edit, so the table redraws
    from the widgets' values instead of replaying its old edits."""
    return f"scn_roles_table_{int(st.session_state.get(TABLE_VERSION_KEY, 0))}"


def next_table_version() -> None:
    st.session_state[TABLE_VERSION_KEY] = int(st.session_state.get(TABLE_VERSION_KEY, 0)) + 1
