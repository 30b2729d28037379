"""Optional sign-in with Microsoft Entra ID through Streamlit's built-in OIDC login.

Off unless ``.streamlit/secrets.toml`` (or the deployment's secrets) has an ``[auth]`` section;
README "Deploying" shows the Entra ID settings. When on, no page runs before sign-in.
"""

from __future__ import annotations

import streamlit as st


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def require_sign_in() -> None:
    """Stop the run with a sign-in screen until the visitor has signed in (when configured)."""
    if not sign_in_configured():
        return
    if not st.user.get("is_logged_in", False):
        st.title("Copilot ROI")
        st.write("Sign in with your Microsoft Entra ID work account to continue.")
        st.button("Sign in with Microsoft", on_click=st.login, icon=":material/login:", key="auth_sign_in")
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {st.user.get('name') or st.user.get('email') or 'you'}")
        st.button("Sign out", on_click=st.logout, key="auth_sign_out")
