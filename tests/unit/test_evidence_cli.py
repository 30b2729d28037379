"""``copilot-roi evidence``: every study graded, with the defaults that cite it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from copilot_roi.cli import main

KEYS = {
    "id",
    "study",
    "measures",
    "authors",
    "setting",
    "significant",
    "sample",
    "result",
    "caveat",
    "used_by",
}


def studies(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["evidence", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert isinstance(payload, list)
    return payload


def test_every_study_has_the_graded_fields(capsys: pytest.CaptureFixture[str]) -> None:
    payload = studies(capsys)
    # evidence.md's seven studies (the professionals' script task apart) and the Defender FAQ's claim.
    assert len(payload) == 9
    assert [r["id"] for r in payload if r["kind"] == "claim"] == ["defender_faq_triage_claim"]
    for record in payload:
        assert set(record) >= KEYS
        assert record["measures"] in ("task_time", "elapsed_time", "accuracy", "throughput")
        assert record["setting"] in ("lab", "live")
        assert record["significant"] in (True, False, None)
        assert record["authors"] == "Microsoft"
        # role.field, or agents.<agent>.field for an agent preset
        assert all(
            isinstance(u, str) and u.count(".") == (2 if u.startswith("agents.") else 1)
            for u in record["used_by"]
        )


def test_no_time_saved_default_cites_an_elapsed_time_study(capsys: pytest.CaptureFixture[str]) -> None:
    payload = studies(capsys)
    elapsed = [r for r in payload if r["measures"] == "elapsed_time"]
    assert {r["id"] for r in elapsed} == {"live_soc_2411_03116", "live_ops_2504_08805"}
    for record in elapsed:
        assert not [u for u in record["used_by"] if u.endswith(".time_saved_share")]
    cited_for_time = {r["measures"] for r in payload for u in r["used_by"] if u.endswith(".time_saved_share")}
    assert cited_for_time == {"task_time"}


def test_used_by_names_the_citing_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    by_id = {r["id"]: r for r in studies(capsys)}
    assert by_id["rct_security_pros_2024"]["used_by"] == ["soc.time_saved_share"]
    assert by_id["rct_security_pros_2024_script_analysis"]["significant"] is False
    assert by_id["rct_security_pros_2024_script_analysis"]["used_by"] == ["soc.time_saved_share"]
    # The agent RCT backs the agent line only; the IAM band shows it as context (never both).
    assert by_id["rct_ca_agent_2511_13865"]["used_by"] == [
        "agents.conditional_access_optimization.analyst_minutes_avoided_per_run",
        "agents.conditional_access_optimization.minutes_factor",
    ]
    assert by_id["rct_phishing_agent_2511_13860"]["used_by"] == [
        "agents.phishing_triage.analyst_minutes_avoided_per_run",
        "agents.phishing_triage.minutes_factor",
    ]
    assert by_id["live_soc_2411_03116"]["context_for"] == ["soc.time_saved_share"]
    assert by_id["rct_novices_2024"]["significant"] is None


def test_the_readable_form_grades_each_study(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence"]) == 0
    text = capsys.readouterr().out
    assert "live_soc_2411_03116: Generative AI and SOC Productivity" in text
    assert "Run by Microsoft; elapsed time (wall clock); live, observational" in text
    assert "Context only for: soc.time_saved_share" in text
    assert "not significant" in text


def test_the_installed_command_prints_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "copilot_roi", "evidence", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)[0]["id"] == "rct_security_pros_2024"


def test_each_study_says_which_ends_it_backs(capsys: pytest.CaptureFixture[str]) -> None:
    """The claim that sets a band end is listed where it is used (it once showed as used by
    nothing), and the non-significant result is flagged on the end it backs."""
    by_id = {r["id"]: r for r in studies(capsys)}
    assert by_id["defender_faq_triage_claim"]["uses"] == [
        {
            "default": "agents.security_alert_triage.analyst_minutes_avoided_per_run",
            "ends": ["high"],
            "as": "claim",
            "not_significant": [],
        }
    ]
    assert by_id["rct_security_pros_2024_script_analysis"]["uses"][0]["not_significant"] == ["low"]
    phishing = by_id["rct_phishing_agent_2511_13860"]["uses"]
    assert [u["ends"] for u in phishing] == [["high"], ["high"]]
    for record in by_id.values():
        assert record["used_by"] == [u["default"] for u in record["uses"]]


def test_the_readable_form_names_ends_claims_and_significance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence"]) == 0
    text = capsys.readouterr().out
    assert "soc.time_saved_share (low end, not significant)" in text
    assert (
        "agents.security_alert_triage.analyst_minutes_avoided_per_run (high end, a claim, not a study)"
        in text
    )
