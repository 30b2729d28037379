"""AppTest of the history section on Usage analytics: opt-in keep, use as the usage, forget."""

from __future__ import annotations

from pathlib import Path

import pytest
from case_session import session_case
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
HEADER = "Date,Units used,Initiated by,Session ID\n"
EXPORT_A = HEADER + '"Nov 2, 09:00 AM",1.5,Ben Heppard,s1\n"Nov 3, 10:00 AM",2,Ann Lee,s2\n'
EXPORT_B = HEADER + '"Nov 3, 10:00 AM",2,Ann Lee,s2\n"Nov 4, 11:00 AM",4,Ann Lee,s3\n'


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path))
    monkeypatch.delenv("COPILOT_ROI_HISTORY_URL", raising=False)
    return tmp_path


def open_usage() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("app_pages/usage.py")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, text: str) -> None:
    at.file_uploader(key="usage_uploads").set_value([(name, text.encode(), "text/csv")]).run()
    assert not at.exception, at.exception


def stored(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_nothing_is_written_until_the_user_keeps_the_upload(home: Path) -> None:
    at = open_usage()
    upload(at, "a.csv", EXPORT_A)
    at.text_input(key="usage_history_customer").set_value("Contoso").run()
    assert stored(home) == []
    keep = at.button(key="usage_history_keep")
    assert keep.label == "Keep in Contoso's history"
    assert any("pseudonymised" in c.value for c in at.caption)
    keep.click().run()
    assert not at.exception, at.exception
    assert any("2 of 2 rows added" in s.value for s in at.success)
    people = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in stored(home) if "parts" in p.parts)
    assert "Ben Heppard" not in people and "Ann Lee" not in people


def test_the_kept_history_becomes_every_pages_usage_and_can_be_forgotten(home: Path) -> None:
    at = open_usage()
    for name, text in (("a.csv", EXPORT_A), ("b.csv", EXPORT_B)):
        upload(at, name, text)
        at.text_input(key="usage_history_customer").set_value("Contoso").run()
        at.button(key="usage_history_keep").click().run()
    assert any("1 of 2 rows added" in s.value for s in at.success)  # the overlap counts once
    at.button(key="usage_history_use").click().run()
    assert not at.exception, at.exception
    # Records s1, s2 and s3: 1.5 + 2 + 4 SCUs, names restored from the kept mapping.
    assert metric(at, "SCUs used") == "7.5"
    assert metric(at, "Sessions") == "3"
    assert any("Using Contoso's kept history" in s.value for s in at.success)
    usage = session_case(at).usage
    assert usage is not None and usage.history == "Contoso"
    assert set(at.session_state["usage_dataset"].frame["user"]) == {"Ben Heppard", "Ann Lee"}
    # Another page reads the same usage.
    at.switch_page("app_pages/rightsizing.py").run()
    assert not at.exception, at.exception
    assert at.session_state["usage_dataset"].total_units == pytest.approx(7.5)
    at.switch_page("app_pages/usage.py").run()
    at.checkbox(key="usage_history_confirm").check().run()
    at.button(key="usage_history_forget").click().run()
    assert not at.exception, at.exception
    assert [p for p in stored(home) if "contoso" in str(p).lower()] == []
    assert any("bundled sample" in i.value for i in at.info)
