"""LibreOffice checks cannot silently vanish: ./run test installs it, and then a missing one fails."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import libreoffice
import pytest

RUN = Path(__file__).resolve().parents[2] / "run"


def test_run_test_installs_libreoffice_and_requires_it() -> None:
    script = RUN.read_text(encoding="utf-8")
    body = script[
        script.index("setup_libreoffice() {") : script.index("\n}\n", script.index("setup_libreoffice() {"))
    ]
    for package in ("libreoffice-calc-nogui", "libreoffice-impress-nogui", "poppler-utils"):
        assert package in body
    assert f"export {libreoffice.REQUIRE}=1" in body
    test_branch = script[script.index("  test)") :]
    assert re.search(r"setup_libreoffice\n.*== pytest", test_branch, re.DOTALL)


def test_a_missing_soffice_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv(libreoffice.REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        libreoffice.soffice()


def test_a_missing_soffice_fails_when_the_run_promised_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv(libreoffice.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="not installed"):
        libreoffice.soffice()
