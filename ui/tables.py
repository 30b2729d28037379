"""Engine frames shown as tables people read: plain column names, units and grouped thousands."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.column_types import ColumnConfig

# Engine column -> (label, number format). Formats are Streamlit NumberColumn formats.
_KNOWN: dict[str, tuple[str, str | None]] = {
    "name": ("Name", None),
    "user": ("User", None),
    "role": ("Role id", None),
    "role_label": ("Role", None),
    "team": ("Team", None),
    "seniority": ("Seniority", None),
    "source": ("Assigned by", None),
    "units_scu": ("SCUs", "%.1f"),
    "rows": ("Rows", "localized"),
    "sessions": ("Sessions", "localized"),
    "share": ("Share", "percent"),
    "agent": ("Agent", None),
    "total_units": ("SCUs", "%.1f"),
    "units_per_run_median": ("SCUs per run (median)", "%.2f"),
    "units_per_run_p10": ("P10", "%.2f"),
    "units_per_run_p90": ("P90", "%.2f"),
    "runs_per_day": ("Runs a day", "%.1f"),
    "runs_per_active_day": ("Runs per active day (first to last run)", "%.1f"),
    "share_of_units": ("Share of all SCUs", "percent"),
    "hours_of_week_active": ("Hours of the week it runs", "localized"),
    "runs_per_month": ("Runs a month", "localized"),
    "scu_per_run": ("SCUs per run", "%.2f"),
    "cost_per_run": ("Cost per run (capacity)", "%.2f"),
    "manual_cost_per_run": ("Cost per alert by hand", "%.2f"),
    "hours_freed": ("Hours freed", "localized"),
}


def show_table(
    frame: pd.DataFrame, currency: str | None = None, target: DeltaGenerator | None = None
) -> None:
    """Draw ``frame`` with readable headers; a ``cost`` column is money in ``currency``."""
    config: dict[str, ColumnConfig] = {}
    for column in frame.columns:
        if column == "cost":
            config[column] = st.column_config.NumberColumn(f"Cost ({currency or 'USD'})", format="localized")
        elif column in _KNOWN:
            label, number_format = _KNOWN[column]
            config[column] = (
                st.column_config.NumberColumn(label, format=number_format)
                if number_format
                else st.column_config.TextColumn(label)
            )
    if "cost" in frame.columns:
        frame = frame.assign(cost=frame["cost"].round(0))  # whole money units on screen; CSV keeps cents
    (target or st).dataframe(frame, hide_index=True, column_config=config)  # a tab, a column or the page
