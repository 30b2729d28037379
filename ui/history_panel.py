"""The Usage analytics section that keeps an upload in a customer's history and uses the history.

Opt-in: nothing reaches the store until the user presses *Keep in <customer>'s history*. The
history is read back through ``copilot_roi.history`` and handed to every page through
``ui.case_state`` (the only module with session keys).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from copilot_roi.case import FileIdentity
from copilot_roi.history import HistoryStore, check_customer
from copilot_roi.usage import UsageDataset
from ui import case_state
from ui.usage_state import forget_held_files, plain

_AT_REST = (
    "Kept pseudonymised: people's names are replaced by aliases keyed by this customer's own "
    "secret; the list of who is who is kept apart and can be forgotten on its own."
)


def _store() -> HistoryStore | None:
    try:
        return HistoryStore()
    except ValueError as error:  # a misconfigured COPILOT_ROI_HISTORY_URL
        st.error(f"The usage history is not available: {plain(error)}")
        return None


def history_dataset(timezone: str) -> UsageDataset | None:
    """The kept history in use, read again when the page's time zone changed; None when not in use."""
    in_use = case_state.usage_history()
    if in_use is None:
        return None
    customer, zone = in_use
    if zone == timezone:
        return case_state.usage()
    store = _store()
    if store is None or not store.has(customer):
        return case_state.usage()
    return _use(store, customer, timezone)


def _use(store: HistoryStore, customer: str, timezone: str) -> UsageDataset:
    dataset = store.load(customer, timezone=timezone)
    parts = [
        FileIdentity(file_name=Path(name).name, size_bytes=size, sha256=sha)
        for name, size, sha in store.parts(customer)
    ]
    case_state.set_history_usage(dataset, customer, parts)
    forget_held_files()
    return dataset


def history_section(
    dataset: UsageDataset, uploaded: bool, timezone: str, empty_uploader: Callable[[], None]
) -> None:
    """Pick a customer, keep the loaded upload in its history, use, list and forget histories.

    ``empty_uploader``: the page's way to clear its file uploader, whose files would otherwise
    be read again (and replace the history) on the next run.
    """
    store = _store()
    if store is None:
        return
    kept = store.customers()
    in_use = case_state.usage_history()
    with st.expander(
        "Customer history: keep exports beyond the portal's 90 days", expanded=in_use is not None
    ):
        st.caption(
            "Opt-in, per customer: uploads stay in this session's memory unless you keep them. "
            f"Kept: {plain(', '.join(kept)) if kept else 'no customer yet'} "
            f"({plain(store.backend.describe())})."
        )
        default = in_use[0] if in_use else case_state.case().customer_name
        if "usage_history_customer" not in st.session_state and default:
            st.session_state["usage_history_customer"] = default
        typed = st.text_input("Customer", key="usage_history_customer", max_chars=120)
        if not typed.strip():
            return
        try:
            customer = check_customer(typed)
        except ValueError as error:
            st.error(plain(error))
            return
        shown = plain(customer)
        if uploaded:
            if st.button(f"Keep in {shown}'s history", key="usage_history_keep", icon=":material/save:"):
                result = store.add(customer, dataset)
                st.success(
                    f"{result.rows_added:,} of {result.rows_offered:,} rows added to {shown}'s history "
                    f"({result.rows_offered - result.rows_added:,} were kept already)."
                )
            st.caption(_AT_REST)
        if not store.has(customer):
            st.info(f"No history kept for {shown} yet.")
            return
        summary = store.summary(customer)
        st.write(
            f"**{shown}**: {summary.rows:,} rows, {summary.sessions:,} sessions, "
            f"{summary.total_units:,.1f} SCUs, {summary.first:%d %b %Y} to {summary.last:%d %b %Y} "
            f"(UTC); names {'kept apart' if summary.names_kept else 'forgotten'}."
        )
        c1, c2, c3 = st.columns(3)
        if c1.button(
            f"Use {shown}'s history as the usage", key="usage_history_use", icon=":material/history:"
        ):
            _use(store, customer, timezone)
            empty_uploader()
            st.rerun()
        if summary.names_kept and c2.button("Forget the names", key="usage_history_forget_names"):
            store.forget_names(customer)
            st.rerun()
        confirm = c3.checkbox(f"Delete everything kept for {shown}", key="usage_history_confirm")
        if c3.button("Forget this history", key="usage_history_forget", disabled=not confirm, type="primary"):
            store.forget(customer)
            if in_use and in_use[0] == customer:
                case_state.clear_usage()
            st.rerun()
