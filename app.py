"""Copilot ROI: the router. Page config, the shared sidebar, and every page with a title and icon."""

import streamlit as st

from copilot_roi.threads import limit_native_threads
from ui.case_bar import case_bar
from ui.query_state import restore_scenario_from_url
from ui.sidebar import shared_sidebar
from ui.sign_in import require_sign_in

limit_native_threads()  # once per process, before any session's first matrix product
st.set_page_config(page_title="Copilot ROI", page_icon=":material/shield:", layout="wide")
require_sign_in()  # only when an [auth] section is configured (Entra ID)

pages = [
    st.Page("app_pages/capacity.py", title="Capacity & cost", icon=":material/payments:", default=True),
    st.Page("app_pages/scenarios.py", title="Value scenarios", icon=":material/insights:"),
    st.Page("app_pages/usage.py", title="Usage analytics", icon=":material/monitoring:"),
    st.Page("app_pages/chargeback.py", title="Chargeback", icon=":material/account_tree:"),
    st.Page("app_pages/rightsizing.py", title="Right-sizing from usage", icon=":material/tune:"),
    st.Page("app_pages/business_case.py", title="Business case", icon=":material/description:"),
]
page = st.navigation(pages)
shared_sidebar()
restore_scenario_from_url()
case_bar()
page.run()
