"""The role registry: one label per role everywhere, roster spellings, refusals, and the file in use."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from copilot_roi.roles import ROLES_FILE_VARIABLE, Role, RoleRegistry, role_for, role_ids, role_label
from copilot_roi.usage.chargeback import UNASSIGNED_LABEL, RosterEntry, chargeback, chargeback_roles
from copilot_roi.value.catalogue import clear_cache, load_catalogue

BUNDLED = resources.files("copilot_roi").joinpath("data/roles.toml").read_text("utf-8")


def _role(role_id: str, label: str, *spellings: str) -> Role:
    return Role(id=role_id, label=label, spellings=spellings, colour="#123456")


@pytest.mark.parametrize(
    ("cell", "role"),
    [
        ("SOC", "soc"),
        ("soc analyst", "soc"),
        ("Security-Operations", "soc"),
        ("Identity", "iam"),
        ("Identity (IAM)", "iam"),  # chargeback's old label still reads
        ("IAM admin", "iam"),
        ("Insider Risk Management", "irm"),
        ("Legal", "ediscovery"),
        ("it", "it_admin"),
        ("\ufeffIT admin", "it_admin"),
    ],
)
def test_a_roster_may_spell_a_role_by_id_label_or_a_listed_spelling(cell: str, role: str) -> None:
    assert role_for(cell) == role
    assert RosterEntry(user="a", role=cell).role == role


def test_an_unknown_spelling_is_refused_naming_the_roles() -> None:
    assert role_for("janitor") is None
    with pytest.raises(ValidationError, match=r"unknown role 'janitor' \(use one of soc, iam"):
        RosterEntry(user="a", role="janitor")


def test_chargeback_and_the_value_case_show_one_label_per_role() -> None:
    # The one-pager once printed "IAM admin" (value) and "Identity (IAM)" (chargeback) for one team.
    frame = pd.DataFrame(
        {
            "user": ["a", "b", "c"],
            "plugins": ["Microsoft Entra", "Microsoft Sentinel", ""],
            "experience": ["", "", ""],
            "units_scu": [1.0, 2.0, 0.5],
            "session_id": ["s1", "s2", "s3"],
        }
    )
    by_role = chargeback(frame, None, 1.0).by_role
    labels = dict(zip(by_role["role"], by_role["role_label"], strict=True))
    assert labels == {"iam": "IAM admin", "soc": "SOC analyst", "unassigned": UNASSIGNED_LABEL}
    assert chargeback_roles() == [*role_ids(), "unassigned"]


@pytest.mark.parametrize(
    ("registry_roles", "message"),
    [
        ((_role("soc", "SOC analyst"), _role("soc", "Other")), "declared twice"),
        ((_role("soc", "SOC analyst"), _role("blue", "soc analyst")), "share the label"),
        ((_role("soc", "SOC analyst", "analyst"), _role("hunt", "Hunter", "Analyst")), "names both"),
        ((_role("soc", "SOC analyst", "--"),), "no letters or digits"),
    ],
)
def test_ambiguous_registries_are_refused(registry_roles: tuple[Role, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RoleRegistry(roles=registry_roles)


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"id": "Threat Intel"}, "id"),  # ids become session keys and link parameters
        ({"colour": "blue"}, "colour"),
        ({"label": ""}, "label"),
    ],
)
def test_a_role_needs_a_plain_id_a_label_and_a_hex_colour(fields: dict[str, str], where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Role(**({"id": "hunt", "label": "Hunter", "colour": "#123456"} | fields))
    assert caught.value.errors()[0]["loc"] == (where,)


def test_the_roles_file_variable_switches_the_registry_and_the_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renamed = tmp_path / "roles.toml"
    renamed.write_text(BUNDLED.replace('label = "CISO"', 'label = "Security leader"'), "utf-8")
    monkeypatch.setenv(ROLES_FILE_VARIABLE, str(renamed))
    try:
        assert role_label("ciso") == "Security leader"
        assert load_catalogue().registry["ciso"].label == "Security leader"
        # An edit to the same file is read again: the caches are keyed by size and mtime too.
        renamed.write_text(BUNDLED.replace('label = "CISO"', 'label = "Chief security officer"'), "utf-8")
        assert role_label("ciso") == "Chief security officer"
    finally:
        monkeypatch.delenv(ROLES_FILE_VARIABLE)
        clear_cache()
    assert role_label("ciso") == "CISO"


def test_a_missing_roles_file_is_named() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROLES_FILE_VARIABLE, "/nonexistent/roles.toml")
        with pytest.raises(ValueError, match=r"/nonexistent/roles\.toml"):
            role_ids()
