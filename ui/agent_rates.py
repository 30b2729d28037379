"""The Usage analytics page's agent rate card tab: table, SCUs-per-run chart, hours, download."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from copilot_roi.charts.usage_charts import agent_hours_figure, agent_rate_figure
from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.usage.agents import (
    QUANTILE_METHOD,
    TOP_AGENTS,
    RateCard,
    listed_agents,
    rate_card,
    rate_card_table,
    runs_by_hour_table,
)
from ui.tables import show_table
from ui.usage_state import shown_names

PAGE_KEY = "usage_agent_page"


def agent_rate_card_tab(rows: pd.DataFrame, days: tuple[dt.date, ...]) -> None:
    """Draw the rate card of ``rows`` (unaliased usage rows) inside the current container.

    ``days`` is the filter's day range: runs a day divide by its length when both ends are set.
    The table shows one page of ``TOP_AGENTS`` agents (most SCUs first) and sums the rest in one
    row; the chart and the hours picker take that page's agents: an export can name 50,000.
    """
    period = (days[1] - days[0]).days + 1 if len(days) > 1 else None
    card = rate_card(rows, period)
    if not card.agents:
        st.info("No agent runs in these rows (rows typed Agent, or started by a known agent).")
        return
    st.caption(
        f"{len(card.agents):,} agents, {card.agent_units:,.1f} SCUs over {card.days} days. A run is one "
        f"session; quantiles are {QUANTILE_METHOD}. People who start agent runs are aliased when "
        "pseudonymising; agents keep their names."
    )
    pages = -(-len(card.agents) // TOP_AGENTS)
    page = 1
    if pages > 1:
        page = int(
            st.number_input(f"Page ({TOP_AGENTS} agents a page, most SCUs first)", 1, pages, 1, key=PAGE_KEY)
        )
    start = (page - 1) * TOP_AGENTS
    shown, _ = listed_agents(card, TOP_AGENTS, start)
    names = shown_names([a.agent for a in shown if a.is_person])
    table = rate_card_table(card, names, count=TOP_AGENTS, start=start)
    show_table(table)
    st.plotly_chart(agent_rate_figure(table), key="usage_agent_rates")
    listed = list(table["agent"][: len(shown)])  # the page's agents, not the summary row
    picked = st.selectbox("Hours of the week it runs", listed, key="usage_agent_hours")
    rate = shown[listed.index(picked) if picked in listed else 0]
    label = str(picked if picked in listed else listed[0])
    st.plotly_chart(agent_hours_figure(runs_by_hour_table(rate), label), key="usage_agent_heatmap")
    people = shown_names([a.agent for a in card.agents if a.is_person])
    st.download_button(
        "Download the agent rate card (CSV)",
        partial(_card_csv, card, people),  # made on click: every agent, not only this page
        file_name="agent-rate-card.csv",
        mime="text/csv",
        key="usage_agent_csv",
        on_click="ignore",
    )


def _card_csv(card: RateCard, names: dict[str, str]) -> bytes:
    return neutralise_frame(rate_card_table(card, names)).to_csv(index=False).encode("utf-8")
