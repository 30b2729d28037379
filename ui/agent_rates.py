"""The Usage analytics page's agent rate card tab: table, SCUs-per-run chart, hours, download."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from copilot_roi.charts.usage_charts import agent_hours_figure, agent_rate_figure
from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.usage.agents import QUANTILE_METHOD, rate_card, rate_card_table, runs_by_hour_table
from ui.tables import show_table
from ui.usage_state import shown_names


def agent_rate_card_tab(rows: pd.DataFrame, days: tuple[dt.date, ...]) -> None:
    """Draw the rate card of ``rows`` (unaliased usage rows) inside the current container.

    ``days`` is the filter's day range: runs a day divide by its length when both ends are set.
    """
    period = (days[1] - days[0]).days + 1 if len(days) > 1 else None
    card = rate_card(rows, period)
    if not card.agents:
        st.info("No agent runs in these rows (rows typed Agent, or started by a known agent).")
        return
    names = shown_names([a.agent for a in card.agents if a.is_person])
    table = rate_card_table(card, names)
    st.caption(
        f"{len(card.agents)} agents, {card.agent_units:,.1f} SCUs over {card.days} days. A run is one "
        f"session; quantiles are {QUANTILE_METHOD}. People who start agent runs are aliased when "
        "pseudonymising; agents keep their names."
    )
    show_table(table)
    st.plotly_chart(agent_rate_figure(table), key="usage_agent_rates")
    shown = st.selectbox("Hours of the week it runs", list(table["agent"]), key="usage_agent_hours")
    rate = card.agents[list(table["agent"]).index(shown)]
    st.plotly_chart(agent_hours_figure(runs_by_hour_table(rate), str(shown)), key="usage_agent_heatmap")
    st.download_button(
        "Download the agent rate card (CSV)",
        neutralise_frame(table).to_csv(index=False).encode("utf-8"),
        file_name="agent-rate-card.csv",
        mime="text/csv",
        key="usage_agent_csv",
    )
