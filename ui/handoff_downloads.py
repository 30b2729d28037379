"""Hand-off downloads for a chosen plan: budget ARM template, capacity schedule (CSV, JSON), az script.

The section is an expander that runs only when open (``on_change="rerun"``): closed, a page
neither builds the files (billing the plan again) nor sends their widgets, which made a new
session's first run of the Capacity page, the app's landing page, markedly slower. The choices
made inside are kept while it is closed.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from copilot_roi.handoff import CHANGE_LEAD_MINUTES, first_of_next_month, hand_off
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices
from ui.usage_state import plain

_MIME = {".json": "application/json", ".csv": "text/csv", ".sh": "text/x-shellscript"}


def handoff_downloads(
    prefix: str, plans: dict[str, CapacityPlan], prices: Prices, usage: HourlySeries | None
) -> None:
    """Pick one of ``plans`` and offer its hand-off files; ``usage`` prices the expected month."""
    keys = [f"{prefix}_handoff_{name}" for name in ("plan", "start", "emails")]
    for key in keys:  # kept while the expander is closed: Streamlit forgets widgets not drawn
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    expander = st.expander(
        "Hand-off: budget and capacity schedule (Azure budget template, schedule CSV and JSON, az script)",
        key=f"{prefix}_handoff_open", on_change="rerun", icon=":material/output:",
    )  # fmt: skip
    if not expander.open:
        return
    with expander:
        _handoff_files(prefix, plans, prices, usage)


def _handoff_files(
    prefix: str, plans: dict[str, CapacityPlan], prices: Prices, usage: HourlySeries | None
) -> None:
    choice = st.radio("Plan to hand off", list(plans), horizontal=True, key=f"{prefix}_handoff_plan")
    c1, c2 = st.columns(2)
    # The default goes through the session, not ``value=``: the key is re-set while the section is
    # closed, and a widget may not have both.
    st.session_state.setdefault(f"{prefix}_handoff_start", first_of_next_month(dt.date.today()))
    start = c1.date_input("Budget starts on (the first of a month)", key=f"{prefix}_handoff_start")
    emails = c2.text_input(
        "Budget alert e-mails (comma-separated; or pass them when deploying)", key=f"{prefix}_handoff_emails"
    )
    try:
        result = hand_off(
            plans[choice],
            prices,
            usage=usage,
            start_date=start if isinstance(start, dt.date) else None,
            contact_emails=tuple(e.strip() for e in emails.split(",") if e.strip()),
        )
    except ValueError as error:
        st.error(plain(error))
        return
    st.caption(
        f"Budget of {result.budget_amount:,} {result.currency} a month from {result.start_date:%d %b %Y}: "
        f"{result.budget_basis}. The schedule applies each change {CHANGE_LEAD_MINUTES} minutes before "
        "its hour and sets the overage the plan was priced with; the script runs `az resource update` "
        "on the Microsoft.SecurityCopilot/capacities resource. Nothing here contacts Azure: test the "
        "files on your side first."
    )
    if result.schedule_not_offered:
        st.warning(result.schedule_not_offered)
    columns = st.columns(len(result.files))
    for column, (name, data) in zip(columns, result.files.items(), strict=True):
        column.download_button(
            name,
            data,
            file_name=name,
            mime=_MIME[name[name.rfind(".") :]],
            key=f"{prefix}_handoff_{name}",
        )
