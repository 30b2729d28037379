"""The agent rate card: runs, SCUs per run and their spread, runs a day, share, hours of the week."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from usage_builders import AS_OF, record, to_csv

from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage import analytics as ua
from copilot_roi.usage.agent_names import is_agent_identity, is_known_agent
from copilot_roi.usage.agents import rate_card, rate_card_table, runs_by_hour_table
from copilot_roi.usage.report import usage_payload

MON = dt.datetime(2026, 11, 2)  # a Monday
PHISH = "Phishing Triage Agent"
CA = "Conditional Access Optimization Agent"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return MON + dt.timedelta(days=day, hours=hour, minutes=minute)


ROWS = [
    # Phishing Triage Agent, typed "Agent": runs 0.5 (two rows), 0.1, 0.4, 1.0 and two rows
    # without a session id (each a run: 0.2 and 0.3).
    record(at(0, 9), 0.2, user=PHISH, session="s1", kind="Agent"),
    record(at(0, 9, 4), 0.3, user=PHISH, session="s1", kind="Agent"),
    record(at(0, 9, 30), 0.1, user=PHISH, session="s2", kind="Agent"),
    record(at(1, 14), 0.4, user=PHISH, session="s3", kind="Agent"),
    record(at(2, 2), 1.0, user=PHISH, session="s4", kind="Agent"),
    record(at(2, 2, 30), 0.2, user=PHISH, session="", kind="Agent"),
    record(at(2, 2, 40), 0.3, user=PHISH, session="", kind="Agent"),
    # A known agent with no Type recorded: recognised by its product name.
    record(at(3, 23), 0.6, user=CA, session="s5", kind=""),
    record(at(3, 23, 10), 0.6, user=CA, session="s6", kind=""),
    # A customer-built agent, and an agent run a person started.
    record(at(4, 8), 0.3, user="Contoso Mail Agent", session="s7", kind="Agent"),
    record(at(4, 9), 0.2, user="Ben Heppard", session="s8", kind="Agent run"),
    # People.
    record(at(0, 10), 3.0, user="Ann", session="s9"),
    record(at(4, 10), 1.8, user="Ben Heppard", session="s10"),
]
TOTAL = 9.0  # 2.5 + 1.2 + 0.3 + 0.2 + 3.0 + 1.8
DAYS = 5  # Monday 2 to Friday 6 November


@pytest.fixture(scope="module")
def card():  # type: ignore[no-untyped-def]
    return rate_card(ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF)).frame)


def test_rate_card_is_exact_on_a_hand_built_export(card) -> None:  # type: ignore[no-untyped-def]
    assert card.days == DAYS and card.total_units == TOTAL
    assert [a.agent for a in card.agents] == [PHISH, CA, "Contoso Mail Agent", "Ben Heppard"]
    phish = card.agents[0]
    assert (phish.runs, phish.total_units) == (6, 2.5)
    # Per-run SCUs sorted: 0.1 0.2 0.3 0.4 0.5 1.0. Linear quantiles at (n - 1) p = 0.5, 2.5, 4.5:
    # P10 = 0.1 + 0.5 x 0.1, median = 0.3 + 0.5 x 0.1, P90 = 0.5 + 0.5 x 0.5.
    assert phish.units_per_run_p10 == pytest.approx(0.15)
    assert phish.units_per_run_median == pytest.approx(0.35)
    assert phish.units_per_run_p90 == pytest.approx(0.75)
    assert [phish.units_per_run_p10, phish.units_per_run_median, phish.units_per_run_p90] == pytest.approx(
        np.percentile([0.5, 0.1, 0.4, 1.0, 0.2, 0.3], [10, 50, 90])
    )
    assert phish.runs_per_day == pytest.approx(6 / 5)
    assert phish.runs_per_active_day == pytest.approx(6 / 3)  # its runs fall Monday to Wednesday
    assert phish.share_of_units == pytest.approx(2.5 / 9, abs=1e-6)
    # Mon 09:00 (two runs), Tue 14:00, Wed 02:00 (three runs); Monday 00:00 is hour 0.
    assert {h: n for h, n in enumerate(phish.runs_by_hour_of_week) if n} == {9: 2, 38: 1, 50: 3}
    assert phish.hours_of_week_active == 3
    assert runs_by_hour_table(phish).loc["Wed", 2] == 3


def test_known_agents_count_without_a_type_and_people_are_flagged(card) -> None:  # type: ignore[no-untyped-def]
    ca, custom, person = card.agents[1:]
    assert (ca.runs, ca.total_units, ca.units_per_run_median, ca.units_per_run_p90) == (2, 1.2, 0.6, 0.6)
    assert ca.runs_per_day == pytest.approx(0.4)
    assert ca.runs_per_active_day == 2.0  # both runs on Thursday: one active day
    assert not ca.is_person and not custom.is_person
    assert person.is_person and person.total_units == 0.2


def test_actor_breakdown_agrees_with_the_rate_card(card) -> None:  # type: ignore[no-untyped-def]
    frame = ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF)).frame
    assert ua.breakdown(frame, "actor").set_index("name")["units_scu"]["Agent"] == pytest.approx(
        card.agent_units
    )


def test_names_of_agents_and_people() -> None:
    assert is_known_agent("  phishing triage  agent ") and is_known_agent("DLP Alert Triage Agent (Purview)")
    assert not is_known_agent("Ben Heppard")
    assert is_agent_identity("Contoso Mail Agent") and not is_agent_identity("Agent")
    assert not is_agent_identity("ben.agent@contoso.com")


def test_an_export_without_agents_has_an_empty_card() -> None:
    rows = [record(at(0, 9), 1.0, user="Ann", session="a")]
    card = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame)
    assert card.agents == () and card.days == 1
    assert list(rate_card_table(card).columns)[:2] == ["agent", "runs"]


def test_payload_pseudonymises_people_but_keeps_agent_names() -> None:
    data = ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF))
    plain = usage_payload(data)
    hidden = usage_payload(data, b"k" * 32)
    assert [a["agent"] for a in plain["agents"]] == [PHISH, CA, "Contoso Mail Agent", "Ben Heppard"]
    shown = [a["agent"] for a in hidden["agents"]]
    assert shown[:3] == [PHISH, CA, "Contoso Mail Agent"]
    assert shown[3].startswith("User ") and shown[3] in hidden["by_user"]
    assert "Ben Heppard" not in json.dumps(hidden["agents"])
    first = plain["agents"][0]
    assert set(first) >= {
        "agent",
        "runs",
        "total_units",
        "units_per_run_median",
        "units_per_run_p10",
        "units_per_run_p90",
        "runs_per_day",
        "runs_per_active_day",
        "share_of_units",
    }
    assert (first["runs"], first["units_per_run_p90"]) == (6, 0.75)


def test_payload_by_user_aliases_people_only() -> None:
    data = ingest_files([("u.csv", to_csv(ROWS))], IngestOptions(as_of=AS_OF))
    plain, hidden = usage_payload(data)["by_user"], usage_payload(data, b"k" * 32)["by_user"]
    agents = [PHISH, CA, "Contoso Mail Agent"]
    assert {name: hidden[name] for name in agents} == {name: plain[name] for name in agents}
    people = sorted(set(hidden) - set(agents))
    assert len(people) == 2 and all(name.startswith("User ") for name in people)
    assert sorted(hidden[name] for name in people) == sorted([plain["Ann"], plain["Ben Heppard"]])
    # The person who started an agent run has one alias, in by_user and in the rate card.
    shown = usage_payload(data, b"k" * 32)["agents"]
    assert next(a["agent"] for a in shown if a["is_person"]) in people


def test_hostile_agent_names_are_neutralised_in_the_table_csv() -> None:
    rows = [record(at(0, 9), 0.5, user='=HYPERLINK("http://x") Agent', session="a", kind="Agent")]
    card = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame)
    csv = neutralise_frame(rate_card_table(card)).to_csv(index=False)
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 23), st.integers(1, 30), st.integers(0, 4)),
        min_size=1,
        max_size=40,
    )
)
def test_runs_and_units_add_up(draws: list[tuple[int, int, int, int]]) -> None:
    rows = [
        record(at(day, hour), tenths / 10, user=PHISH, session=f"s{run}-{day}", kind="Agent")
        for day, hour, tenths, run in draws
    ]
    rows.append(record(at(0, 0), 1.0, user="Ann", session="person"))
    card = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame)
    (rate,) = card.agents
    sessions = {(run, day) for day, _, _, run in draws}
    assert rate.runs == len(sessions) == sum(rate.runs_by_hour_of_week)
    assert rate.total_units == pytest.approx(sum(t for _, _, t, _ in draws) / 10)
    assert rate.units_per_run_p10 <= rate.units_per_run_median <= rate.units_per_run_p90
    assert rate.runs_per_day * card.days == pytest.approx(rate.runs, abs=1e-4)  # rounded to 6 places
    assert 0 < rate.share_of_units < 1


def test_session_ids_whose_keys_collide_stay_two_runs() -> None:
    """Equal-width session ids are grouped by a 64-bit key of their bytes; these two ids share
    one (w0 * mix + w1 wraps to the same value), and must still count as two runs."""
    first, second = 'session-"Hw7EB56', "{ession-zg#=ytyD"
    rows = [
        record(at(0, 9), 0.2, user=PHISH, session=first, kind="Agent"),
        record(at(0, 10), 0.3, user=PHISH, session=second, kind="Agent"),
        record(at(0, 11), 0.4, user=PHISH, session=first, kind="Agent"),
    ]
    (rate,) = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame).agents
    assert (rate.runs, rate.units_per_run_median) == (2, 0.45)
    assert sum(rate.runs_by_hour_of_week[9:12]) == 2


def test_equal_width_session_ids_are_one_run_per_id_and_agent() -> None:
    """The same id under two agents is two runs; ids of one width take the keyed path."""
    rows = [
        record(at(0, 9), 0.2, user=PHISH, session="aaaa", kind="Agent"),
        record(at(0, 10), 0.3, user=CA, session="aaaa", kind="Agent"),
        record(at(0, 11), 0.4, user=PHISH, session="bbbb", kind="Agent"),
        record(at(0, 12), 0.5, user=PHISH, session="aaaa", kind="Agent"),
    ]
    card = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame)
    runs = {a.agent: (a.runs, a.total_units) for a in card.agents}
    assert runs == {PHISH: (2, 1.1), CA: (1, 0.3)}


@pytest.mark.parametrize("agents, kind", [(5, "tenths"), (5, "continuous"), (3000, "continuous")])
def test_grouped_quantiles_equal_numpy_percentile(agents: int, kind: str) -> None:
    """Few distinct values are counted, many are sorted (3,000 agents x 6,000 distinct values):
    both ways give numpy.percentile's linear quantiles per agent."""
    from copilot_roi.usage.agents import _grouped_quantiles

    rng = np.random.default_rng(agents)
    runs = 6000
    group = np.concatenate([np.arange(agents), rng.integers(0, agents, runs - agents)])
    values = rng.integers(0, 40, runs) / 10 if kind == "tenths" else rng.random(runs)
    sizes = np.bincount(group, minlength=agents)
    p10, median, p90 = _grouped_quantiles(group, values, sizes, (0.1, 0.5, 0.9))
    for agent in range(0, agents, max(1, agents // 50)):
        expected = np.percentile(values[group == agent], [10, 50, 90])
        assert [p10[agent], median[agent], p90[agent]] == pytest.approx(expected, abs=1e-12)


def test_runs_per_active_day_count_from_the_agents_first_run_to_its_last() -> None:
    # A 90-day export (a person on 24 Aug and on 21 Nov) in which an agent ran 24 times a day,
    # once an hour, only on the last 10 days (12 to 21 Nov): 240 runs.
    first = dt.datetime(2026, 8, 24, 9)
    rows = [
        record(first, 1.0, user="Ann", session="p1"),
        record(first + dt.timedelta(days=89), 1.0, user="Ann"),
    ]
    late = dt.datetime(2026, 11, 12)
    rows += [
        record(
            late + dt.timedelta(days=day, hours=hour), 0.5, user=PHISH, session=f"r{day}-{hour}", kind="Agent"
        )
        for day in range(10)
        for hour in range(24)
    ]
    card = rate_card(ingest_files([("u.csv", to_csv(rows))], IngestOptions(as_of=AS_OF)).frame)
    (agent,) = [a for a in card.agents if a.agent == PHISH]
    assert card.days == 90 and agent.runs == 240
    assert agent.runs_per_day == pytest.approx(240 / 90)  # 2.67: the export's days
    assert agent.runs_per_active_day == 24.0  # 240 runs over its own 10 days
