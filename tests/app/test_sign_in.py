"""Optional Entra ID sign-in: off without an [auth] secret; with one, nothing shows before sign-in."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_without_auth_secrets_the_app_opens_directly() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "auth_sign_in"]
    assert at.title[0].value == "Capacity & cost"


def test_with_auth_secrets_only_the_sign_in_screen_shows() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-long-random-string-for-tests-only",
        "client_id": "00000000-0000-0000-0000-000000000000",
        "client_secret": "not-a-secret",
        "server_metadata_url": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [b.label for b in at.button if b.key == "auth_sign_in"] == ["Sign in with Microsoft"]
    assert [t.value for t in at.title] == ["Copilot ROI"]
    assert not at.metric  # no page content, no numbers
