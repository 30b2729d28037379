"""Chargeback: roster parsing, rules, allocation per role/team/seniority, safe CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from usage_builders import AS_OF, record, to_csv

from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_files
from copilot_roi.usage.chargeback import DEFAULT_RULES, RoleRule, chargeback, chargeback_csv, read_roster

T0 = dt.datetime(2026, 11, 2, 9, 0)
ROWS = [
    record(T0, 2.0, user="Ben", session="a", plugins="Microsoft Defender XDR"),
    record(T0, 1.0, user='=HYPERLINK("x")', session="b", plugins="Microsoft Entra"),
    record(T0, 0.5, user="Ann", session="c", plugins="Microsoft Intune"),
    record(T0, 0.5, user="Bot", session="d", plugins="Something else", experience="Standalone"),
]


@pytest.fixture(scope="module")
def frame():  # type: ignore[no-untyped-def]
    return ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF)).frame


def test_roster_parsing_reports_bad_rows() -> None:
    text = (
        "User;Role;Team;Seniority\n"
        "Ben;SOC;Tier 1;junior\n"
        "Ann;it admin;Endpoint;senior\n"
        "Ann;soc;;\n"
        "Eve;hacker;;\n"
        ";soc;;\n"
        "\n"
    )
    roster = read_roster("r.csv", ("\ufeff" + text).encode())
    assert [(e.user, e.role, e.team) for e in roster.entries] == [
        ("Ben", "soc", "Tier 1"),
        ("Ann", "it_admin", "Endpoint"),
    ]
    reasons = dict(roster.rejections)
    assert "listed twice" in reasons[4] and "Ann" not in reasons[4]
    assert "unknown role 'hacker'" in reasons[5]
    assert 6 in reasons


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"name,team\nBen,x\n", "needs 'user' and 'role'"), (b"user,role\x00\n", "binary")],
)
def test_unusable_rosters(data: bytes, message: str) -> None:
    with pytest.raises(UntrustedFileError, match=message):
        read_roster("r.csv", data)


def test_roster_first_then_rules_then_unassigned(frame) -> None:  # type: ignore[no-untyped-def]
    roster = read_roster("r.csv", b"user,role,team,seniority\nBen,ciso,Office,executive\n")
    result = chargeback(frame, roster, cost_per_scu=10.0, currency="EUR")
    by_role = dict(zip(result.by_role["role"], result.by_role["units_scu"], strict=True))
    assert by_role == {"ciso": 2.0, "iam": 1.0, "it_admin": 0.5, "unassigned": 0.5}
    assert result.by_role["cost"].sum() == pytest.approx(40.0)
    assert dict(zip(result.by_team["team"], result.by_team["units_scu"], strict=True)) == {
        "Office": 2.0,
        "(no team)": 2.0,
    }
    sources = result.assigned.groupby("source")["units_scu"].sum().to_dict()
    assert sources == {"roster": 2.0, "rule": 1.5, "none": 0.5}


def test_custom_rules_in_order(frame) -> None:  # type: ignore[no-untyped-def]
    rules = (
        RoleRule(field="experience", contains="standalone", role="irm"),
        *DEFAULT_RULES,
    )
    result = chargeback(frame, None, 1.0, rules=rules)
    roles = dict(zip(result.by_role["role"], result.by_role["units_scu"], strict=True))
    assert roles["irm"] == 4.0  # every sample row is Standalone, and the first rule wins


def test_csv_export_is_neutralised_and_pseudonymised(frame) -> None:  # type: ignore[no-untyped-def]
    result = chargeback(frame, None, 2.0)
    data = chargeback_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    users = {r["user"] for r in rows}
    assert '\'=HYPERLINK("x")' in users
    assert all(not u.startswith(("=", "+", "-", "@")) for u in users)
    assert sum(float(r["cost_usd"]) for r in rows) == pytest.approx(8.0)
    aliases = {u: f"User {i}" for i, u in enumerate(sorted(result.by_user["user"]))}
    hidden = chargeback_csv(result, aliases).decode("utf-8-sig")
    assert "Ben" not in hidden and "HYPERLINK" not in hidden and "User 0" in hidden


def test_negative_or_infinite_cost_is_refused(frame) -> None:  # type: ignore[no-untyped-def]
    for bad in (-1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="cost per SCU"):
            chargeback(frame, None, bad)
