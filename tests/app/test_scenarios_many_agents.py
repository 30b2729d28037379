"""AppTest: an export naming 10,000+ agents keeps the Value scenarios page and the rate card usable.

A button per agent drew 10,092 buttons in 11 s for 10,000 agents, and the rate card tab listed
every agent in its table, chart and picker (issue 23). Now a bounded number of buttons is drawn
(a search reaches any other agent) and the rate card pages its table, summing the rest in a row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from case_session import case_scenario
from streamlit.testing.v1 import AppTest

from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files
from copilot_roi.usage.agents import TOP_AGENTS, rate_card
from copilot_roi.value.agent_lines import line_from_rate
from ui.agent_lines_editor import RATE_BUTTONS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from many_agents import AS_OF, many_agents_export

APP = Path(__file__).resolve().parents[2] / "app.py"
AGENTS = 10_500


@pytest.fixture(scope="module")
def dataset() -> UsageDataset:
    return ingest_files([("agents.csv", many_agents_export(AGENTS))], IngestOptions(as_of=AS_OF))


def rate_buttons(at: AppTest) -> list[str]:
    return [str(b.proto.label) for b in at.button if str(b.proto.label).startswith("Use measured rate")]


def test_the_scenarios_page_draws_a_bounded_number_of_buttons(dataset: UsageDataset) -> None:
    card = rate_card(dataset.frame)
    assert len(card.agents) == AGENTS
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.session_state["usage_dataset"] = dataset
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception, at.exception
    shown = rate_buttons(at)
    assert len(shown) == RATE_BUTTONS
    assert shown[0].startswith(f"Use measured rate: {card.agents[0].agent} (")  # most SCUs first
    assert len(at.button) < 3 * RATE_BUTTONS  # the page's own buttons and these, not one per agent
    # Any agent is reachable: a search lists it, and its button takes its rate.
    wanted = card.agents[-1]
    at.text_input(key="scn_agent_find").input(wanted.agent.lower()).run()
    assert not at.exception, at.exception
    (button,) = [b for b in at.button if str(b.proto.label).startswith("Use measured rate")]
    button.click().run()
    assert not at.exception, at.exception
    (line,) = case_scenario(at).agents
    assert line == line_from_rate(wanted, card.days)


def rate_card_page(frame_csv: bytes) -> None:
    import datetime as dt

    from copilot_roi.usage import IngestOptions, ingest_files
    from ui.agent_rates import agent_rate_card_tab

    data = ingest_files([("agents.csv", frame_csv)], IngestOptions(as_of=dt.date(2026, 11, 21)))
    agent_rate_card_tab(data.frame, ())


def test_the_rate_card_tab_pages_its_table_and_sums_the_rest(dataset: UsageDataset) -> None:
    card = rate_card(dataset.frame)
    at = AppTest.from_function(rate_card_page, args=(many_agents_export(AGENTS),), default_timeout=120)
    at.session_state["shared_pseudonymise"] = False
    at.run()
    assert not at.exception, at.exception
    (table,) = [df.value for df in at.dataframe]
    assert len(table) == TOP_AGENTS + 1
    assert list(table["agent"][:TOP_AGENTS]) == [a.agent for a in card.agents[:TOP_AGENTS]]
    rest = card.agents[TOP_AGENTS:]
    assert table["agent"].iloc[-1] == f"other agents ({len(rest):,})"
    assert table["runs"].iloc[-1] == sum(a.runs for a in rest)
    assert table["total_units"].iloc[-1] == pytest.approx(sum(a.total_units for a in rest))
    assert len(at.selectbox(key="usage_agent_hours").options) == TOP_AGENTS
    # The second page lists the next agents; the summary row then holds all the others.
    at.number_input(key="usage_agent_page").set_value(2).run()
    (table,) = [df.value for df in at.dataframe]
    assert list(table["agent"][:TOP_AGENTS]) == [a.agent for a in card.agents[TOP_AGENTS : 2 * TOP_AGENTS]]
    assert table["agent"].iloc[-1] == f"other agents ({AGENTS - TOP_AGENTS:,})"
