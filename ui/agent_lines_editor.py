"""The Value scenarios page's agent lines: add a preset, edit lines, take rates from the export."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from copilot_roi.roles import role_ids
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.agents import AgentRate, rate_card
from copilot_roi.value.agent_lines import lines_with_rate, preset_line
from copilot_roi.value.agent_table import EDITOR_COLUMNS, NOBODY, lines_from_table, lines_table
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.catalogue import load_catalogue
from copilot_roi.value.scenario import AgentLine, Scenario

LINES_KEY = "scn_agent_lines"  # the lines the editor was last filled with
ORIGIN_KEY = "scn_agent_origin"  # the base scenario's lines (JSON) they came from
VERSION_KEY = "scn_agent_version"  # bumped when the editor is refilled (a preset, a rate)
PRESET_KEY = "scn_agent_preset"
EDITED_KEY = "scn_agent_edited"  # the lines as last edited (what the buttons add to)
FIND_KEY = "scn_agent_find"
# Measured-rate buttons drawn at once. An export can name 50,000 agents: a button each took
# 11 s for 10,000 and never finished for 50,000 (issue 23); a search reaches any other agent.
RATE_BUTTONS = 10


def _lines(key: str = LINES_KEY) -> list[AgentLine]:
    return list(st.session_state.get(key) or [])


def _add_preset() -> None:
    preset = st.session_state.get(PRESET_KEY)
    current = _lines(EDITED_KEY)
    if preset is None:
        return
    named = {line.agent.strip().casefold() for line in current}
    if load_catalogue().agents[preset].agent.casefold() not in named:
        _refill([*current, preset_line(preset)])


def _take_rate(rate: AgentRate, days: int) -> None:
    _refill(lines_with_rate(_lines(EDITED_KEY), rate, days))


def _refill(lines: list[AgentLine]) -> None:
    st.session_state[LINES_KEY] = lines
    st.session_state[VERSION_KEY] = int(st.session_state.get(VERSION_KEY, 0)) + 1


def _column_config() -> dict[str, Any]:
    def number(label: str, name: str) -> Any:
        low, high = field_bounds(AgentLine, name)
        return st.column_config.NumberColumn(label, min_value=low, max_value=high)

    return {
        "agent": st.column_config.TextColumn(EDITOR_COLUMNS["agent"], required=True, max_chars=120),
        "runs_per_month": number(EDITOR_COLUMNS["runs_per_month"], "runs_per_month"),
        "scu_per_run": number(EDITOR_COLUMNS["scu_per_run"], "scu_per_run"),
        "scu_per_run_low": number(EDITOR_COLUMNS["scu_per_run_low"], "scu_per_run"),
        "scu_per_run_high": number(EDITOR_COLUMNS["scu_per_run_high"], "scu_per_run"),
        "analyst_minutes_avoided_per_run": number(
            EDITOR_COLUMNS["analyst_minutes_avoided_per_run"], "analyst_minutes_avoided_per_run"
        ),
        "minutes_low": number(EDITOR_COLUMNS["minutes_low"], "analyst_minutes_avoided_per_run"),
        "minutes_high": number(EDITOR_COLUMNS["minutes_high"], "analyst_minutes_avoided_per_run"),
        "loaded_cost_per_hour": number(EDITOR_COLUMNS["loaded_cost_per_hour"], "loaded_cost_per_hour"),
        "takes_over": st.column_config.SelectboxColumn(
            EDITOR_COLUMNS["takes_over"], options=[*role_ids(), NOBODY], default="soc"
        ),
        "runs_during": st.column_config.SelectboxColumn(
            EDITOR_COLUMNS["runs_during"], options=["all_hours", "working_hours"], default="all_hours"
        ),
        "source": st.column_config.TextColumn(EDITOR_COLUMNS["source"], max_chars=500),
    }


def agent_lines_section(base: Scenario, dataset: UsageDataset | None) -> list[AgentLine] | None:
    """Draw the agent lines editor; the edited lines, or None (after an error) when a row is invalid."""
    origin = base.model_dump_json(include={"agents"})
    if st.session_state.get(ORIGIN_KEY) != origin:  # a preset, a file or a link was loaded
        st.session_state[ORIGIN_KEY] = origin
        _refill(list(base.agents))
    st.subheader("Agents")
    st.caption(
        "Each agent line adds runs x SCUs per run to demand (around the clock unless set to working "
        "hours), billed with the people's, and frees the analyst minutes a run avoids (throttled runs "
        "free nothing). Cost per run is the plan's extra capacity cost for the line, per run."
    )
    catalogue = load_catalogue()
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    a.selectbox(
        "Add a Microsoft agent (catalogue preset, evidence graded)",
        list(catalogue.agents),
        format_func=lambda agent_id: catalogue.agents[agent_id].agent,
        key=PRESET_KEY,
    )
    b.button("Add agent", key="scn_agent_add", on_click=_add_preset)
    if dataset is not None:
        _rate_card_buttons(dataset)
    edited = st.data_editor(
        lines_table(_lines()),
        key=f"scn_agent_editor_{int(st.session_state.get(VERSION_KEY, 0))}",
        num_rows="dynamic",
        hide_index=True,
        column_config=_column_config(),
    )
    try:
        lines = lines_from_table(pd.DataFrame(edited))
    except ValueError as error:
        st.error(str(error))
        return None
    st.session_state[EDITED_KEY] = lines
    return lines


def _rate_card_buttons(dataset: UsageDataset) -> None:
    card = rate_card(dataset.frame)
    agents = [a for a in card.agents if not a.is_person and a.runs > 0]
    if not agents:
        return
    st.caption(
        f"From the usage export ({card.days} days): take an agent's runs a month and mean SCUs per "
        "run (band P10 to P90) into its line."
    )
    matches = agents
    if len(agents) > RATE_BUTTONS:
        wanted = st.text_input(
            f"Find an agent ({len(agents):,} in the export; those with the most SCUs first)",
            key=FIND_KEY,
            max_chars=120,
        )
        wanted = wanted.strip().casefold()
        matches = [a for a in agents if wanted in a.agent.casefold()] if wanted else agents
    for i, rate in enumerate(matches[:RATE_BUTTONS]):
        label = f"Use measured rate: {rate.agent} ({rate.runs_per_active_day:.1f} runs per active day)"
        st.button(label, key=f"scn_agent_rate_{i}", on_click=_take_rate, args=(rate, card.days))
    if len(matches) > RATE_BUTTONS:
        st.caption(f"{len(matches) - RATE_BUTTONS:,} more agents match: type more of a name to list them.")
    elif not matches:
        st.caption("No agent of the export matches that name.")
