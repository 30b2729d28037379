"""AppTest of the Value scenarios page's agent lines: presets, per-run figures, rate card, hostile names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from case_session import case_scenario, put_scenario
from streamlit.testing.v1 import AppTest

from copilot_roi.usage.agents import rate_card
from copilot_roi.value.agent_lines import line_from_rate, preset_line
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Band, Scenario, scenario_template

APP = Path(__file__).resolve().parents[2] / "app.py"
HOSTILE = '=HYPERLINK("http://x")<img src=x onerror=alert(1)> Agent'


def open_scenarios(scenario: Scenario | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    if scenario is not None:
        put_scenario(at, scenario)  # as the Business case page or a file leaves it
    at.switch_page("app_pages/scenarios.py").run()
    assert not at.exception, at.exception
    return at


def per_run_frame(at: AppTest) -> object:
    for frame in at.dataframe:
        if "manual_cost_per_run" in frame.value.columns:
            return frame.value
    raise AssertionError("no per-run table")


def with_agents(*lines: dict[str, object]) -> Scenario:
    return Scenario.model_validate(scenario_template("expected").model_dump() | {"agents": list(lines)})


def test_adding_a_preset_shows_the_engines_per_run_figures() -> None:
    at = open_scenarios()
    assert not case_scenario(at).agents
    at.selectbox(key="scn_agent_preset").set_value("conditional_access_optimization").run()
    at.button(key="scn_agent_add").click().run()
    assert not at.exception, at.exception
    scenario = case_scenario(at)
    assert [a.agent for a in scenario.agents] == ["Conditional Access Optimization Agent"]
    assert scenario.agents[0] == preset_line("conditional_access_optimization")
    (line,) = compute(scenario).agent_lines
    table = per_run_frame(at)
    row = table.iloc[0]  # type: ignore[attr-defined]
    assert row["agent"] == "Conditional Access Optimization Agent"
    # The agent takes over IAM work: 12.9 minutes / 60 x the IAM role's USD 85 an hour = USD 18.275.
    assert row["manual_cost_per_run"] == pytest.approx(18.275)
    assert row["cost_per_run"] == pytest.approx(line.cost_per_run)
    assert row["hours_freed"] == pytest.approx(line.total_hours_freed)
    assert len(at.get("plotly_chart")) == 3  # the executive view's two charts and the agents'
    monthly = json.loads(at.get("plotly_chart")[1].proto.spec)
    agents_bar = next(t for t in monthly["data"] if t.get("name") == "Agents")
    assert agents_bar["y"] == pytest.approx([sum(lines) for lines in zip(line.hours_freed, strict=True)])


def test_a_scenario_with_agent_lines_reopens_with_them() -> None:
    scenario = with_agents(preset_line("phishing_triage").model_dump())
    at = open_scenarios(scenario)
    assert case_scenario(at).agents == scenario.agents
    assert per_run_frame(at).iloc[0]["scu_per_run"] == 0.5  # type: ignore[attr-defined]


def test_the_rate_card_fills_a_line_with_one_click() -> None:
    from copilot_roi.usage import IngestOptions, ingest_files
    from ui.usage_state import SAMPLE_EXPORT_TAKEN_ON, sample_files

    dataset = ingest_files(sample_files(), IngestOptions(as_of=SAMPLE_EXPORT_TAKEN_ON))
    at = open_scenarios()
    at.session_state["usage_dataset"] = dataset
    at.run()
    card = rate_card(dataset.frame)
    phishing = next(a for a in card.agents if a.agent == "Phishing Triage Agent")
    button = next(b for b in at.button if "Phishing Triage Agent" in str(b.proto.label))
    button.click().run()
    assert not at.exception, at.exception
    (line,) = case_scenario(at).agents
    assert line == line_from_rate(phishing, card.days)
    # runs a day x 730 / 24; mean SCUs per run = total / runs (the rate card's own figures).
    assert line.runs_per_month == pytest.approx(phishing.runs_per_day * 730 / 24, abs=1e-5)
    assert line.scu_per_run == pytest.approx(phishing.total_units / phishing.runs, abs=1e-6)


def test_hostile_agent_names_are_text_everywhere_on_the_page() -> None:
    line = preset_line("phishing_triage").model_copy(update={"agent": HOSTILE})
    at = open_scenarios(with_agents(line.model_dump()))
    assert per_run_frame(at).iloc[0]["agent"] == HOSTILE  # type: ignore[attr-defined]
    at.segmented_control(key="scn_view").set_value("Analyst").run()
    assert not at.exception, at.exception
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    text = json.dumps(figures)
    assert "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_a_preset_keeps_the_agent_lines() -> None:
    scenario = with_agents(preset_line("phishing_triage").model_dump())
    at = open_scenarios(scenario)
    at.segmented_control(key="scn_preset").set_value("Pessimistic").run()
    assert not at.exception, at.exception
    shown = case_scenario(at)
    assert shown.roles["soc"].time_saved_share == scenario_template("low").roles["soc"].time_saved_share
    assert shown.agents == scenario.agents


def test_a_binding_cap_is_said_on_the_page() -> None:
    # 2 SOC analysts and the three presets: the Conditional Access agent takes over IAM work and
    # the case has no IAM admin, so IAM's cap (0 h a month) binds in every month.
    base = scenario_template("expected")
    soc = base.roles["soc"]
    pair = soc.model_copy(
        update={"headcount": 2, "ranges": soc.ranges.model_copy(update={"headcount": Band(low=1, high=3)})}
    )
    presets = ("phishing_triage", "security_alert_triage", "conditional_access_optimization")
    scenario = base.model_copy(
        update={
            "roles": {"soc": pair},
            "capacity": base.capacity.model_copy(update={"scu_per_person_month": {"soc": 40.0}}),
            "agents": [preset_line(p) for p in presets],
        }
    )
    at = open_scenarios(scenario)
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith(
            "IAM admin: hours freed capped at 0 h a month (no one in the case does this work) in 36 months"
        )
        for w in warnings
    ), warnings
