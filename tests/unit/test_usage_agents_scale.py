"""Many distinct agents: ``usage --json`` and the rate card table list the top agents, sum the rest.

200,000 agent names made ``usage --json`` write 447 MB (a 168-count week per agent); the JSON now
lists the ``TOP_AGENTS`` with the most SCUs and one ``other_agents`` summary, or every agent with
``--all-agents``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from many_agents import AS_OF, many_agents_export

from copilot_roi.cli import main
from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files
from copilot_roi.usage.agents import TOP_AGENTS, rate_card, rate_card_table
from copilot_roi.usage.report import usage_payload
from copilot_roi.value.agent_lines import max_agent_lines
from copilot_roi.value.scenario import scenario_template

AGENTS = 20_000


@pytest.fixture(scope="module")
def export() -> bytes:
    return many_agents_export(AGENTS)


@pytest.fixture(scope="module")
def dataset(export: bytes) -> UsageDataset:
    return ingest_files([("agents.csv", export)], IngestOptions(as_of=AS_OF))


def test_the_payload_lists_the_top_agents_and_sums_the_rest(dataset: UsageDataset) -> None:
    card = rate_card(dataset.frame)
    payload = usage_payload(dataset)
    assert payload["agents_count"] == AGENTS
    assert [a["agent"] for a in payload["agents"]] == [a.agent for a in card.agents[:TOP_AGENTS]]
    rest = card.agents[TOP_AGENTS:]
    other = payload["other_agents"]
    assert other["count"] == AGENTS - TOP_AGENTS
    assert other["runs"] == sum(a.runs for a in rest)
    assert other["total_units"] == pytest.approx(sum(a.total_units for a in rest))
    listed = sum(a["total_units"] for a in payload["agents"])
    assert listed + other["total_units"] == pytest.approx(card.agent_units)
    # The rate card's part of the JSON no longer grows with the number of agents (44 MB before).
    assert len(json.dumps({k: payload[k] for k in ("agents", "other_agents")})) < 400_000


def test_all_agents_lists_every_one_and_no_summary(dataset: UsageDataset) -> None:
    payload = usage_payload(dataset, agent_limit=None)
    assert len(payload["agents"]) == AGENTS and payload["other_agents"] is None


def test_the_cli_flag_and_the_human_summary(
    export: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agents.csv"
    path.write_bytes(export)
    assert main(["usage", "--json", "--as-of", AS_OF.isoformat(), str(path)]) == 0
    assert len(json.loads(capsys.readouterr().out)["agents"]) == TOP_AGENTS
    assert main(["usage", "--json", "--all-agents", "--as-of", AS_OF.isoformat(), str(path)]) == 0
    assert len(json.loads(capsys.readouterr().out)["agents"]) == AGENTS
    assert main(["usage", "--as-of", AS_OF.isoformat(), str(path)]) == 0
    text = capsys.readouterr().out
    assert f"other agents ({AGENTS - TOP_AGENTS:,})" in text and "--all-agents lists them" in text


def test_a_table_page_sums_the_agents_before_and_after_it(dataset: UsageDataset) -> None:
    card = rate_card(dataset.frame)
    table = rate_card_table(card, count=10, start=30)
    assert list(table["agent"][:10]) == [a.agent for a in card.agents[30:40]]
    summary = table.iloc[-1]
    assert summary["agent"] == f"other agents ({AGENTS - 10:,})"
    others = card.agents[:30] + card.agents[40:]
    assert summary["runs"] == sum(a.runs for a in others)
    assert summary["share_of_units"] == pytest.approx(sum(a.share_of_units for a in others))
    assert table["units_per_run_median"].isna().iloc[-1]  # quantiles do not add up across agents
    assert len(rate_card_table(card)) == AGENTS  # without a count: every agent, no summary


def test_roi_refuses_more_agents_than_a_scenario_holds_before_making_lines(
    export: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, scenario = tmp_path / "agents.csv", tmp_path / "scenario.json"
    path.write_bytes(export)
    scenario.write_text(scenario_template().model_dump_json(), encoding="utf-8")
    started = time.monotonic()
    code = main(
        ["roi", "--scenario", str(scenario), "--agent-rates", str(path), "--as-of", AS_OF.isoformat()]
    )
    assert code == 2
    error = capsys.readouterr().err
    assert f"agents: the rate card and the scenario name {AGENTS:,} agents" in error
    assert f"at most {max_agent_lines()} lines" in error
    assert time.monotonic() - started < 30  # one line at a time took minutes before the refusal
