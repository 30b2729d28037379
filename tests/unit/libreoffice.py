"""LibreOffice headless for tests: convert a file as a real client would, count PDF pages.

``./run test`` installs LibreOffice when run as root and sets ``COPILOT_ROI_REQUIRE_LIBREOFFICE``,
so there a missing ``soffice`` fails the test instead of skipping it silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REQUIRE = "COPILOT_ROI_REQUIRE_LIBREOFFICE"
# Recalculate every formula on load: without it Calc keeps the results stored by the writer.
RECALCULATE_ON_LOAD = (
    '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry">'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
    'oor:op="fuse"><value>0</value></prop></item></oor:items>'
)


def soffice() -> str:
    """The soffice binary, or skip (fail when the run promised LibreOffice) naming what is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = "LibreOffice (soffice) is not installed; ./run test installs it when run as root"
    if os.environ.get(REQUIRE):
        pytest.fail(message)
    pytest.skip(message)


def convert(source: Path, target: str, out_dir: Path, profile: Path) -> Path:
    """``soffice --convert-to target`` in a private profile (so parallel runs never share one)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    extension = target.split(":")[0]
    converted = out_dir / f"{source.stem}.{extension}"
    assert converted.exists(), f"LibreOffice wrote no {converted.name}"
    return converted


def pdf_pages(pdf: Path) -> int:
    """Pages in ``pdf``: poppler's pdfinfo when installed, else the page objects in the file."""
    if pdfinfo := shutil.which("pdfinfo"):
        info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        assert match, info
        return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def pdf_text(pdf: Path) -> list[str] | None:
    """The text of each page (poppler's pdftotext), or None when poppler is not installed."""
    if not (pdftotext := shutil.which("pdftotext")):
        return None
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return text.stdout.split("\f")
