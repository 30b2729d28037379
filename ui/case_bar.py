"""The case bar: one line at the top of every page saying which case the page shows."""

from __future__ import annotations

import streamlit as st

from copilot_roi.case import case_line
from ui import case_state
from ui.sidebar import pseudonymise_on
from ui.usage_state import plain


def case_bar() -> None:
    """Customer, data, plan, price book and privacy, in one line; then any pending notice."""
    dataset = case_state.usage()
    first, last = (dataset.quality.first, dataset.quality.last) if dataset is not None else (None, None)
    line = case_line(case_state.case(), first, last, pseudonymise_on())
    # The customer's and the files' names come from the user: shown literally, never as Markdown.
    st.caption(plain(line))
    if text := case_state.take_notice():
        st.info(plain(text))
