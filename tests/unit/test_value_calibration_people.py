"""Calibration measures people: agent runs are never a person's usage (issue 19, item 3).

The export below is built so the Phishing Triage Agent is its largest consumer (50 of 60.5 SCU).
Every expected figure is worked out by hand from the rows, never read back from the engine.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files
from copilot_roi.usage.agents import rate_card
from copilot_roi.usage.chargeback import Roster, RosterEntry, assign_roles
from copilot_roi.value.agent_lines import preset_line
from copilot_roi.value.calibration import agent_rows, calibrate_from_usage, measure_roles, measure_usage
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import scenario_template

# Two days (Nov 2 and 3): the ingest's period is 48 clock hours, 48 / 730 of a billing month.
CSV = (
    b"Date,Units used,Initiated by,Session ID,Type,Plugins used\n"
    b'"Nov 2, 09:00 AM",4.0,Ann,s1,Prompt,Microsoft Defender XDR\n'
    b'"Nov 2, 10:00 AM",2.0,Ann,s2,Prompt,Microsoft Sentinel\n'
    b'"Nov 3, 11:00 AM",3.0,Ben,s3,Prompt,Microsoft Sentinel\n'
    b'"Nov 3, 11:30 AM",1.5,Cleo,s4,Prompt,Microsoft Entra\n'
    # The agent's runs name a Defender plugin, so the plugin rules alone would make it a SOC user.
    b'"Nov 2, 03:00 AM",20.0,Phishing Triage Agent,a1,Agent,Microsoft Defender for Office 365\n'
    b'"Nov 3, 03:00 AM",30.0,Phishing Triage Agent,a2,Agent,Microsoft Defender for Office 365\n'
)
HOURS = 48
MONTHS = HOURS / 730


@pytest.fixture(scope="module")
def usage() -> UsageDataset:
    return ingest_files([("usage.csv", CSV)], IngestOptions(as_of=dt.date(2026, 11, 21)))


def test_the_agent_is_the_largest_consumer_of_the_export(usage: UsageDataset) -> None:
    assert usage.hourly.hours == HOURS
    [agent] = rate_card(usage.frame).agents
    assert (agent.agent, agent.total_units) == ("Phishing Triage Agent", 50.0)
    by_user = usage.frame.groupby("user", observed=True)["units_scu"].sum()
    assert by_user.idxmax() == "Phishing Triage Agent"


def test_the_agent_is_not_one_of_socs_users_nor_in_its_scu_per_person(usage: UsageDataset) -> None:
    measured = measure_usage(usage.frame, usage.hourly.hours)
    # SOC: Ann 6 + Ben 3 = 9 SCU over 2 people and 48 / 730 months = 68.4375 -> 68.44.
    # With the agent it would have been (9 + 50) / 3 / (48 / 730) = 299.07.
    assert measured.scu_per_person_month["soc"] == round(9.0 / 2 / MONTHS, 2) == 68.44
    # IAM: Cleo 1.5 SCU / 1 person / (48 / 730) = 22.8125 -> 22.81.
    assert measured.scu_per_person_month["iam"] == 22.81
    soc_note = next(n for n in measured.notes if n.startswith("SOC"))
    assert "(2 users)" in soc_note
    # 50 of 60.5 SCU = 82.6 % of the export, by one agent.
    assert measured.notes[-1].startswith("agent runs left out: 50.0 SCU (83% of the export) by 1 agent,")
    assert "unassigned (no roster entry or rule, measured for no role): 0% of people's SCUs (0 users)" in (
        measured.notes
    )


def test_measure_roles_leaves_agents_out_of_an_assigned_frame(usage: UsageDataset) -> None:
    # The chargeback's assignment puts the agent in SOC by its Defender plugin; measuring skips it.
    assigned = assign_roles(usage.frame, None)
    agent_role = assigned.loc[assigned["user"] == "Phishing Triage Agent", "role"].astype(str)
    assert set(agent_role) == {"soc"}
    soc = measure_roles(assigned, HOURS)["soc"]
    assert (soc.users, soc.units_scu, soc.sessions) == (2, 9.0, 3)


def test_the_roster_sets_roles_and_rules_only_fill_in_with_the_unassigned_share_reported(
    usage: UsageDataset,
) -> None:
    frame = pd.concat(
        [usage.frame, usage.frame.iloc[[3]].assign(user="Dan", plugins="Microsoft 365", units_scu=2.5)],
        ignore_index=True,
    )
    # The roster names Ben an IT admin and even lists the agent as SOC: an agent is still no person.
    roster = Roster(
        entries=(
            RosterEntry(user="Ben", role="it_admin"),
            RosterEntry(user="Phishing Triage Agent", role="soc"),
        ),
        rejections=[],
    )
    measured = measure_usage(frame, HOURS, roster=roster)
    # SOC: Ann alone (6 SCU, by rule); IT admin: Ben (3 SCU, roster); IAM: Cleo (1.5, by rule).
    assert measured.scu_per_person_month == {
        "soc": round(6.0 / MONTHS, 2),
        "iam": round(1.5 / MONTHS, 2),
        "it_admin": round(3.0 / MONTHS, 2),
    }
    # People's SCUs: 6 + 3 + 1.5 + 2.5 (Dan, no rule matches "Microsoft 365") = 13.
    # Roster: Ben 3 / 13 = 23 %; rules: Ann and Cleo 7.5 / 13 = 58 %; unassigned: Dan 2.5 / 13 = 19 %.
    roster_note = (
        "from the roster: 23% of people's SCUs (1 users); by plugin rules: 58% of people's SCUs (2 users)"
    )
    assert roster_note in measured.notes
    assert "unassigned (no roster entry or rule, measured for no role): 19% of people's SCUs (1 users)" in (
        measured.notes
    )
    assert measured.roles_from == "the Chargeback roster, plugin rules for people it does not list"


def test_an_agent_with_a_line_is_counted_once(usage: UsageDataset) -> None:
    base = scenario_template("expected")
    scenario = base.model_copy(update={"agents": [preset_line("phishing_triage")]})
    calibrated = calibrate_from_usage(scenario, usage).scenario
    assert calibrated.capacity.scu_per_person_month["soc"] == 68.44
    result = compute(calibrated)
    # Demand = people (headcount x measured SCU x adoption) + the agent line's runs x SCU per run,
    # each month: the agent's SCUs come in once, through its line.
    line = calibrated.agents[0]
    soc = calibrated.roles["soc"]
    people_soc = np.array(result.demand_by_role_scu["soc"])
    ramp = np.minimum(
        soc.adoption.starting_share
        + (1 - soc.adoption.starting_share) * np.arange(36) / max(soc.adoption.months_to_full - 1, 1),
        1.0,
    )
    assert people_soc == pytest.approx(soc.headcount * 68.44 * ramp)
    people = sum(np.array(v) for v in result.demand_by_role_scu.values())
    agent = line.runs_per_month * line.scu_per_run
    assert [m.demand_units for m in result.monthly] == pytest.approx(people + agent)


def test_agent_rows_without_a_type_column_go_by_name() -> None:
    frame = pd.DataFrame({"user": ["Ann", "DLP Alert Triage Agent (Purview)", "Contoso Mail Agent"]})
    assert agent_rows(frame).tolist() == [False, True, True]
