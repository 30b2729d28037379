"""Dependency audit: pip-audit over the installed environment, as part of the test command.

A known vulnerability in any installed package fails the test. When the audit service cannot be
reached, or can audit none of the installed packages (e.g. they come from a private mirror PyPI does
not know), the test is skipped with the reason: "no advisory found" must never be reported when
nothing was checked.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

NETWORK_ERROR = re.compile(
    r"ConnectionError|NameResolutionError|Max retries exceeded|timed out|Temporary failure in name"
    r"|Network is unreachable|ServiceError|ProxyError|SSLError|Connection refused",
)
AUDIT_TIMEOUT_S = 300


@dataclass
class Audit:
    audited: list[str] = field(default_factory=list)
    unaudited: dict[str, str] = field(default_factory=dict)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)
    unreachable: str = ""
    failure: str = ""


def read_audit(returncode: int, report: str | None, stderr: str) -> Audit:
    """Classify one pip-audit run from its exit code, JSON report (if written) and stderr."""
    audit = Audit()
    if report:
        for dependency in json.loads(report).get("dependencies", []):
            name = f"{dependency['name']} {dependency.get('version', '')}".strip()
            if "skip_reason" in dependency:
                audit.unaudited[name] = dependency["skip_reason"]
                continue
            audit.audited.append(name)
            ids = [v["id"] for v in dependency.get("vulns", [])]
            if ids:
                audit.vulnerable[name] = ids
        return audit
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if NETWORK_ERROR.search(stderr):
        audit.unreachable = lines[-1] if lines else "network error"
    else:
        audit.failure = f"pip-audit exited {returncode}: " + "\n".join(lines[-15:])
    return audit


def pip_audit_executable() -> str:
    executable = Path(sys.executable).with_name("pip-audit")
    found = str(executable) if executable.exists() else shutil.which("pip-audit")
    if found is None:
        pytest.skip("pip-audit is not installed (it is in the dev extras)")
    return found


def test_no_known_vulnerabilities_in_installed_packages(tmp_path: Path) -> None:
    report = tmp_path / "audit.json"
    command = [
        pip_audit_executable(),
        "--local",
        "--skip-editable",  # the project itself is not on PyPI
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
        "--output",
        str(report),
    ]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip(f"the audit service did not answer within {AUDIT_TIMEOUT_S} s")
    audit = read_audit(run.returncode, report.read_text() if report.exists() else None, run.stderr)

    if audit.unreachable:
        pytest.skip(f"the vulnerability service is unreachable: {audit.unreachable}")
    assert not audit.failure, audit.failure
    assert audit.vulnerable == {}, f"known vulnerabilities: {audit.vulnerable}"
    if not audit.audited:
        example = next(iter(audit.unaudited.values()), "no packages listed")
        pytest.skip(f"the audit service could audit none of {len(audit.unaudited)} packages ({example})")
    print(f"pip-audit: {len(audit.audited)} packages audited, {len(audit.unaudited)} not on PyPI")


def test_a_found_vulnerability_is_reported() -> None:
    report = json.dumps(
        {
            "dependencies": [
                {
                    "name": "streamlit",
                    "version": "1.30.0",
                    "vulns": [{"id": "GHSA-xxxx", "fix_versions": []}],
                },
                {"name": "plotly", "version": "6.0.0", "vulns": []},
                {"name": "private", "skip_reason": "Dependency not found on PyPI"},
            ]
        }
    )
    audit = read_audit(1, report, "")
    assert audit.vulnerable == {"streamlit 1.30.0": ["GHSA-xxxx"]}
    assert audit.audited == ["streamlit 1.30.0", "plotly 6.0.0"]
    assert list(audit.unaudited) == ["private"]


def test_an_unreachable_service_is_told_apart_from_a_failure() -> None:
    unreachable = read_audit(
        1, None, "Traceback...\nrequests.exceptions.ConnectionError: Max retries exceeded"
    )
    assert unreachable.unreachable and not unreachable.failure
    broken = read_audit(2, None, "pip-audit: error: unrecognized arguments: --nope")
    assert broken.failure and not broken.unreachable
