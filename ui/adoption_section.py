"""The Adoption section of Usage analytics: the engine's figures, each with its definition beside it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from copilot_roi.charts.adoption_charts import agent_drift_figure, weekly_adoption_figure
from copilot_roi.roles import role_for
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.adoption import DEFINITIONS, NOT_IN_ROSTER, Adoption, measure_adoption
from copilot_roi.usage.chargeback import RoleRule, Roster, chargeback_role_label, read_roster
from ui import case_state
from ui.usage_state import SAMPLE_DIR, SAMPLE_ROSTER, is_sample

_MEMO_KEY = "usage_adoption_memo"  # (dataset, roster, rules, the figures): they read every usage row


def adoption_of(dataset: UsageDataset, roster: Roster | None, rules: tuple[RoleRule, ...]) -> Adoption:
    """The dataset's adoption, measured once per loaded export, roster and rules (not on every rerun)."""
    kept = st.session_state.get(_MEMO_KEY)
    if isinstance(kept, tuple) and kept[0] is dataset and kept[1] is roster and kept[2] == rules:
        return kept[3]  # type: ignore[no-any-return]
    found = measure_adoption(dataset.frame, roster=roster, rules=rules)
    st.session_state[_MEMO_KEY] = (dataset, roster, rules, found)
    return found


def roster_for(dataset: UsageDataset) -> tuple[Roster | None, str]:
    """The roster the funnel uses and where roles come from, in words (as on Chargeback)."""
    roster = case_state.roster()
    if roster is None and is_sample(dataset):
        roster = read_roster(SAMPLE_ROSTER, (SAMPLE_DIR / SAMPLE_ROSTER).read_bytes())
        return roster, "the bundled sample roster"
    if roster is None:
        return None, "the plugin rules (most of each person's SCUs)"
    return roster, "the Chargeback roster (people it does not list are shown apart)"


def _group_label(group: str) -> str:
    if group == NOT_IN_ROSTER:
        return "Not in the roster"
    return chargeback_role_label(group) if role_for(group) is not None or group == "unassigned" else group


def _column(label: str, key: str, number_format: str = "localized") -> Any:
    return st.column_config.NumberColumn(label, help=DEFINITIONS[key], format=number_format)


def adoption_section(dataset: UsageDataset) -> None:
    """Draw the section: headline figures, the weekly chart and table, the funnel, intensity, agents."""
    roster, roster_source = roster_for(dataset)
    a = adoption_of(dataset, roster, case_state.case().role_rules)
    st.header("Adoption", anchor="adoption")
    st.caption(
        f"People only: agent runs are never a person (agents are measured apart below). Every window "
        f"ends on **{a.window_ends_on:%a %d %b %Y}**, the last day of the data; days are local days in "
        f"{dataset.timezone}; weeks start on Monday. Sidebar filters do not apply here. Hover over a "
        "figure or a column for its definition."
    )
    for flag in a.flags():
        st.warning(flag[0].upper() + flag[1:] + ".", icon=":material/info:")
    k = list(st.columns(4))
    k[0].metric("People", f"{a.people:,}", help=DEFINITIONS["people"])
    k[1].metric("Active in 28 days", f"{a.active_people_28d:,}", help=DEFINITIONS["active_people_28d"])
    k[2].metric("Habitual", f"{a.habitual_people:,}", help=DEFINITIONS["habitual_people"])
    k[3].metric("Lapsed", f"{a.lapsed_people:,}", help=DEFINITIONS["lapsed_people"])
    k = list(st.columns(4))
    k[0].metric("Active on the last day", f"{a.active_people_day:,}", help=DEFINITIONS["active_people_day"])
    k[1].metric("Active in 7 days", f"{a.active_people_week:,}", help=DEFINITIONS["active_people_week"])
    median = a.median_time_to_habitual_days
    k[2].metric(
        "Median days to habitual",
        "n/a" if median is None else f"{median:g}",
        help=DEFINITIONS["time_to_habitual_days"] + f" Counted from the {a.time_to_habitual_from}.",
    )
    k[3].metric("Reached habitual use", f"{len(a.time_to_habitual_days):,}", help="People who ever did.")

    st.plotly_chart(weekly_adoption_figure(a.weekly), key="usage_adoption_weekly")
    weekly = pd.DataFrame([w.as_dict() for w in a.weekly])
    weekly["week_start"] = pd.to_datetime(weekly["week_start"])
    st.dataframe(
        weekly[
            ["week_start", "active_people", "new", "returning", "reactivated", "lapsed", "active_people_28d"]
        ],
        hide_index=True,
        column_config={
            "week_start": st.column_config.DateColumn(
                "Week starting", help=DEFINITIONS["weekly.week_start"], format="ddd D MMM YYYY"
            ),
            "active_people": _column("Active", "weekly.active_people"),
            "new": _column("New", "weekly.new"),
            "returning": _column("Returning", "weekly.returning"),
            "reactivated": _column("Reactivated", "weekly.reactivated"),
            "lapsed": _column("Lapsed", "weekly.lapsed"),
            "active_people_28d": _column("Active in 28 days", "weekly.active_people_28d"),
        },
        key="usage_adoption_weekly_table",
    )
    _funnel(a, roster_source)
    _intensity(a)
    if a.agent_weeks:
        st.subheader("Agents (apart from people)")
        st.plotly_chart(agent_drift_figure(a.agent_weeks), key="usage_adoption_agents")
        st.caption(f"Runs a day: {DEFINITIONS['agents.runs_per_day']} {DEFINITIONS['agents.scu_per_run']}")
    with st.expander("Definitions of every adoption figure"):
        st.markdown("\n".join(f"- **{key}**: {text}" for key, text in DEFINITIONS.items()))


def _funnel(a: Adoption, roster_source: str) -> None:
    st.subheader("Funnel per role")
    st.caption(
        f"Roles from {roster_source}. People in the role -> ever used -> active in the last 28 days -> "
        "habitual."
        + ("" if a.with_roster else " Without a roster the first stage is unknown, never guessed.")
    )
    by_team = a.with_roster and st.toggle("Per team", key="usage_adoption_by_team")
    rows = a.funnel_by_team if by_team else a.funnel
    table = pd.DataFrame(
        {
            "group": [_group_label(r.group) for r in rows],
            # Unknown without a roster: said in words, not as an empty cell or a zero.
            "in_roster": ["unknown" if r.in_roster is None else f"{r.in_roster:,}" for r in rows],
            "ever_used": [r.ever_used for r in rows],
            "active_28d": [r.active_28d for r in rows],
            "habitual": [r.habitual for r in rows],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "group": st.column_config.TextColumn("Team" if by_team else "Role"),
            "in_roster": st.column_config.TextColumn(
                "In the roster", help=DEFINITIONS["funnel.in_roster"], alignment="right"
            ),
            "ever_used": _column("Ever used", "funnel.ever_used"),
            "active_28d": _column("Active in 28 days", "funnel.active_28d"),
            "habitual": _column("Habitual", "funnel.habitual"),
        },
        key="usage_adoption_funnel",
    )
    if not a.with_roster:
        st.caption("In the roster: unknown (load a roster on Chargeback).")


def _intensity(a: Adoption) -> None:
    st.subheader("Intensity by experience (last 28 days)")
    rows = pd.DataFrame([r.as_dict() for r in a.intensity])
    if rows.empty:
        st.info("No person used Security Copilot in the last 28 days.")
        return
    st.dataframe(
        rows[
            [
                "experience",
                "active_people",
                "sessions_per_active_person",
                "prompts_per_active_person",
                "scu_per_active_person",
            ]
        ],
        hide_index=True,
        column_config={
            "experience": st.column_config.TextColumn("Experience"),
            "active_people": st.column_config.NumberColumn("Active people"),
            "sessions_per_active_person": _column(
                "Sessions per person", "intensity.sessions_per_active_person", "%.1f"
            ),
            "prompts_per_active_person": _column(
                "Prompts per person", "intensity.prompts_per_active_person", "%.1f"
            ),
            "scu_per_active_person": _column("SCUs per person", "intensity.scu_per_active_person", "%.2f"),
        },
        key="usage_adoption_intensity",
    )
    c1, c2 = st.columns([1, 2])
    share = a.promptbook_share
    c1.metric(
        "Promptbook share",
        "n/a" if share is None else f"{share:.0%}",
        help=DEFINITIONS["intensity.promptbook_share"],
    )
    plugins = pd.DataFrame({"plugin": list(a.plugin_share), "share": list(a.plugin_share.values())})
    c2.dataframe(
        plugins,
        hide_index=True,
        column_config={
            "plugin": st.column_config.TextColumn("Plugin"),
            "share": _column("Share of prompts", "intensity.plugin_share", "percent"),
        },
        key="usage_adoption_plugins",
    )
