"""The roles catalogue: every role present, evidence defaults pinned, assumptions labelled."""

from __future__ import annotations

from importlib import resources

import pytest
from pydantic import ValidationError

from copilot_roi.value.catalogue import ROLE_IDS, load_catalogue

CATALOGUE_TEXT = resources.files("copilot_roi").joinpath("data/roles.toml").read_text("utf-8")


def test_every_role_id_is_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.roles) == {"soc", "iam", "dlp", "irm", "ediscovery", "ciso", "it_admin"}
    assert ROLE_IDS == ("soc", "iam", "dlp", "irm", "ediscovery", "ciso", "it_admin")


@pytest.mark.parametrize(
    ("role", "expected", "high", "study_fragment"),
    [
        ("soc", 0.22, 0.30, "RCT, experienced security professionals"),
        ("it_admin", 0.2979, 0.50, "IT admins in Entra and Intune"),
        ("iam", 0.30, 0.43, "Conditional Access Optimization agent"),
        ("dlp", 0.184, 0.30, "Defender, Purview and Intune"),
    ],
)
def test_time_saved_defaults_follow_the_cited_studies(
    role: str, expected: float, high: float, study_fragment: str
) -> None:
    catalogue = load_catalogue()
    default = catalogue.roles[role].time_saved_share  # type: ignore[index]
    assert default.basis == "evidence"
    assert default.expected == expected
    assert default.high == high
    studies = [e.study for e in catalogue.evidence_for(default)]
    assert any(study_fragment in s for s in studies)
    for evidence in catalogue.evidence_for(default):
        assert evidence.sample and evidence.caveat and evidence.reference


def test_soc_evidence_carries_the_slower_task_caveat() -> None:
    catalogue = load_catalogue()
    rct = catalogue.evidence["rct_security_pros_2024"]
    assert "147" in rct.sample
    assert "26.3 % SLOWER" in rct.result
    assert "30.13 %" in catalogue.evidence["live_soc_2411_03116"].result


@pytest.mark.parametrize("role", ["irm", "ediscovery", "ciso"])
def test_roles_without_a_study_are_labelled_assumptions(role: str) -> None:
    default = load_catalogue().roles[role].time_saved_share  # type: ignore[index]
    assert default.basis == "assumption"
    assert default.evidence == ()
    assert "No published measurement" in default.reason
    # Conservative: below every studied role's expected figure.
    assert default.expected <= 0.184


@pytest.mark.parametrize("role", ROLE_IDS)
def test_hours_costs_and_usage_are_assumptions(role: str) -> None:
    entry = load_catalogue().roles[role]
    for field in (entry.hours_per_week, entry.loaded_cost_per_hour, entry.scu_per_person_month):
        assert field.basis == "assumption"
        assert field.reason
    assert entry.tasks


def test_realisation_default_is_below_full_and_explained() -> None:
    default = load_catalogue().defaults.realisation_rate
    assert default.expected == 0.5
    assert default.high < 1
    assert "Forrester" in default.reason


def test_an_evidence_basis_without_evidence_is_rejected() -> None:
    broken = CATALOGUE_TEXT.replace(
        'basis = "evidence", evidence = ["live_ops_2504_08805"]', 'basis = "evidence"', 1
    )
    assert broken != CATALOGUE_TEXT
    with pytest.raises(ValidationError, match="must name its evidence"):
        load_catalogue(broken)


def test_citing_unknown_evidence_is_rejected() -> None:
    broken = CATALOGUE_TEXT.replace('evidence = ["live_ops_2504_08805"]', 'evidence = ["nope"]')
    with pytest.raises(ValidationError, match="unknown evidence"):
        load_catalogue(broken)


def test_a_missing_role_is_rejected() -> None:
    start = CATALOGUE_TEXT.index("[roles.ciso]")
    end = CATALOGUE_TEXT.index("[roles.it_admin]")
    with pytest.raises(ValidationError, match="lacks roles: ciso"):
        load_catalogue(CATALOGUE_TEXT[:start] + CATALOGUE_TEXT[end:])


def test_an_expected_value_outside_its_range_is_rejected() -> None:
    broken = CATALOGUE_TEXT.replace("low = 0.10, expected = 0.22", "low = 0.25, expected = 0.22")
    with pytest.raises(ValidationError, match="between low and high"):
        load_catalogue(broken)


def test_a_time_saved_share_above_the_ceiling_is_rejected() -> None:
    broken = CATALOGUE_TEXT.replace("expected = 0.22, high = 0.30", "expected = 0.22, high = 0.95")
    with pytest.raises(ValidationError, match=r"time_saved_share defaults must lie in \[0.0, 0.9\]"):
        load_catalogue(broken)
