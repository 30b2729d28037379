"""A scenario input's change reruns only the headline and the outputs (keyed fragments).

The browser keeps showing the rest of the page; AppTest's element tree then holds only what that
rerun drew. ``whole_page`` runs the script again without a change, so the next step can find the
page's other widgets.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def whole_page(at: AppTest) -> AppTest:
    return at.run()
