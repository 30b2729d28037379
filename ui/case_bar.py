"""The case bar: one line at the top of every page saying which case the page shows."""

from __future__ import annotations

import streamlit as st

from copilot_roi.case import case_parts
from ui import case_state
from ui.sidebar import pseudonymise_on
from ui.usage_state import plain, shown_file_name

# An icon per part instead of its label, so the bar fits one line at 1280 pixels; the labels
# are in the bar's help.
_ICONS = {
    "Customer": ":material/business:",
    "Data": ":material/database:",
    "Plan": ":material/dns:",
    "Price book": ":material/sell:",
}


def case_bar() -> None:
    """Customer, data, plan, price book and privacy, in one line; then any pending notice."""
    dataset = case_state.usage()
    first, last = (dataset.quality.first, dataset.quality.last) if dataset is not None else (None, None)
    parts = case_parts(case_state.case(), first, last, pseudonymise_on())
    if dataset is not None:  # a file name can carry a user's name
        parts["Data"] = shown_file_name(parts["Data"], dataset)
    icons = _ICONS | {"Names": ":material/visibility_off:" if pseudonymise_on() else ":material/visibility:"}
    # Text from the user (customer, file names) is shown literally, never as Markdown. Keyed, so a
    # reader (and a browser test) finds the bar as .st-key-case_bar.
    line = " \u2002 ".join(f"{icons[label]} {plain(text)}" for label, text in parts.items())
    st.container(key="case_bar").caption(
        line, help=" · ".join(f"{label}: {text}" for label, text in parts.items())
    )
    if text := case_state.take_notice():
        st.info(plain(text))
