"""The Capacity page's usage assumptions, kept in the session while their expander is closed.

The expander runs its content only when open (``on_change="rerun"``): closed, the page sends no
data editors, sliders or popover, so a new session's browser loads neither the data grid's code
nor draws it. Streamlit forgets the state of widgets that were not drawn, so the assumptions last
read are kept here, and the editors reopen on them.
"""

from __future__ import annotations

import streamlit as st

from copilot_roi.estimate import EstimateInputs
from ui.plan_inputs import estimate_inputs

OPEN_KEY = "cap_est_open"
_KEPT_KEY = "cap_est_kept"  # the assumptions last read from the editors
_START_KEY = "cap_est_start"  # what the editors open on, fixed while they are open


def usage_assumptions(timezone: str) -> EstimateInputs | None:
    """The assumptions in an expander that runs only when open; None (reason shown) if invalid."""
    kept = st.session_state.get(_KEPT_KEY)
    if not isinstance(kept, EstimateInputs):
        kept = EstimateInputs()
    kept = kept.model_copy(update={"timezone": timezone})
    expander = st.expander("Usage assumptions (sample: a mid-size SOC)", key=OPEN_KEY, on_change="rerun")
    if not expander.open:
        st.session_state[_START_KEY] = kept
        return kept
    start = st.session_state.get(_START_KEY)
    with expander:
        inputs = estimate_inputs("cap_est", timezone, start if isinstance(start, EstimateInputs) else kept)
    if inputs is not None:
        st.session_state[_KEPT_KEY] = inputs
    return inputs
