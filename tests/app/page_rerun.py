"""A scenario input's change reruns only the workspace fragment (headline, team and money
inputs, outputs), and only the open role tab is drawn.

The browser keeps showing the rest of the page; AppTest's element tree then holds only what that
rerun drew. ``whole_page`` runs the script again without a change, so the next step can find the
page's other widgets; ``open_role_tab`` switches the role tabs as a click would.
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
