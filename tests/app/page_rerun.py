"""Helpers for the Value scenarios page's partial reruns in AppTest.

An input below the workspace fragment (the plan, the finance convention) reruns only that
fragment from its callback; AppTest's element tree then holds only what that rerun drew.
``whole_page`` runs the script again without a change, so the next step can find the page's other
widgets. Only the open role tab is drawn; ``open_role_tab`` switches tabs as a click would.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def whole_page(at: AppTest) -> AppTest:
    return at.run()


def open_role_tab(at: AppTest, label: str) -> AppTest:
    """Open the role tab ``label`` (the tabs rerun on a switch; only the open one is drawn)."""
    from ui.scenario_state import ROLE_TAB_KEY

    at.session_state[ROLE_TAB_KEY] = label
    return whole_page(at)
