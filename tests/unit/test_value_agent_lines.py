"""Agent lines in a scenario: SCUs joining demand hour by hour, freed minutes, per-run figures.

Worked cases derived by hand (list prices: $4 per provisioned SCU-hour, $6 per overage SCU metered
per hour to 0.1 SCU, 730-hour months):

* Agent alone: 2,000 runs a month x 1 SCU = 2,000 SCU a month, around the clock = 2,000 / 730 =
  2.739726 SCU an hour. On 1 SCU with unlimited overage each hour's overage is 1.739726, metered
  to 1.7 SCU: 1.7 x 730 x $6 = $7,446 a month on top of the $2,920 capacity, so a run costs
  $7,446 / 2,000 = $3.723 at the margin. 6 minutes avoided per run = 200 hours a month; at $60
  an hour a run done by hand costs 6 / 60 x 60 = $6; realised at 50 %: $6,000 a month.
* On 1 SCU without overage, each hour serves 1 of 2.739726 SCU: served share 730 / 2,000 =
  0.365, so the line frees 200 x 0.365 = 73 hours a month.
* People: 10 SOC analysts x 10 h/week x 52/12 x 20 % = 86.667 hours a month, 200 SCU a month.
* The line takes over SOC work, so its hours are SOC hours, within the SOC analysts' 1,800 h a
  year each (150 h a month a head): "agent alone" has 2 analysts who use no Copilot themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from copilot_roi.cli import main
from copilot_roi.plans import CapacityPlan
from copilot_roi.usage.agents import AgentRate
from copilot_roi.value.agent_lines import line_from_rate, preset_line
from copilot_roi.value.agent_table import lines_from_table, lines_table
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import AgentLine, AgentRanges, Band, Scenario
from copilot_roi.value.sensitivity import analyse, parameters


def agent(**changes: Any) -> dict[str, Any]:
    line = {
        "agent": "Phishing Triage Agent",
        "runs_per_month": 2000.0,
        "scu_per_run": 1.0,
        "analyst_minutes_avoided_per_run": 6.0,
        "loaded_cost_per_hour": 60.0,
        "ranges": {
            "scu_per_run": {"low": 0.5, "high": 2.0},
            "analyst_minutes_avoided_per_run": {"low": 3.0, "high": 12.0},
        },
        "source": "test",
    }
    return line | changes


def scenario(
    headcount: int = 0,
    agents: list[dict[str, Any]] | None = None,
    people_hours_per_week: float = 10.0,
    scu_per_person: float = 20.0,
    **plan: Any,
) -> Scenario:
    band = {"low": 0.0, "high": 100.0}
    return Scenario.model_validate(
        {
            "roles": {
                "soc": {
                    "headcount": headcount,
                    "loaded_cost_per_hour": 100.0,
                    "hours_per_week_on_assisted_tasks": people_hours_per_week,
                    "time_saved_share": 0.2,
                    "adoption": {"starting_share": 1.0, "months_to_full": 1},
                    "ranges": {
                        "headcount": {"low": 0.0, "high": 20.0},
                        "hours_per_week_on_assisted_tasks": {"low": 0.0, "high": 80.0},
                        "time_saved_share": {"low": 0.1, "high": 0.3},
                        "loaded_cost_per_hour": band,
                        "adoption_months_to_full": {"low": 1.0, "high": 3.0},
                    },
                }
            },
            "capacity": {
                "plan": CapacityPlan(provisioned_scu=1, overage="unlimited").model_dump() | plan,
                "scu_per_person_month": {"soc": scu_per_person},
            },
            "realisation_rate": 0.5,
            "horizon_months": 2,
            "one_off_costs": {"enablement": 0.0, "training": 0.0},
            "agents": [agent()] if agents is None else agents,
        }
    )


def agent_alone(**plan: Any) -> Scenario:
    """The agent's SCUs alone, taking over the work of 2 SOC analysts who use no Copilot
    themselves: their 2 x 1,800 / 12 = 300 h a month is the line's ceiling (above its 200 h)."""
    return scenario(2, people_hours_per_week=0.0, scu_per_person=0.0, **plan)


def test_an_agent_alone_costs_its_metered_overage_per_run() -> None:
    result = compute(agent_alone())
    (line,) = result.agent_lines
    assert result.total_capacity_cost == pytest.approx(2 * (2920 + 7446))
    assert line.cost_per_run == pytest.approx(3.723)
    assert line.manual_cost_per_run == pytest.approx(6.0)
    assert line.hours_freed == pytest.approx((200.0, 200.0))
    assert line.value == pytest.approx((6000.0, 6000.0))
    assert result.demand_units == pytest.approx(4000.0)
    assert result.agent_hours_freed == pytest.approx(400.0)


def test_throttling_scales_the_agents_hours() -> None:
    result = compute(agent_alone(overage="none"))
    assert result.served_share == pytest.approx(0.365)
    assert result.agent_lines[0].hours_freed == pytest.approx((73.0, 73.0))
    assert result.agent_lines[0].cost_per_run == 0.0  # throttled runs cost nothing (and earn nothing)


def test_an_agent_line_costs_more_scus_and_frees_more_hours() -> None:
    without, with_agent = compute(scenario(10, agents=[])), compute(scenario(10))
    assert without.demand_units == pytest.approx(2 * 200.0)
    assert with_agent.demand_units == pytest.approx(2 * (200.0 + 2000.0))
    assert without.total_hours_freed == pytest.approx(2 * 86.6667, abs=1e-3)
    assert with_agent.total_hours_freed == pytest.approx(2 * (86.6667 + 200.0), abs=1e-3)
    # People's hours stay visible apart from the agents'.
    assert sum(with_agent.hours_freed_by_role["soc"]) == pytest.approx(without.total_hours_freed)
    assert with_agent.total_capacity_cost > without.total_capacity_cost
    assert with_agent.total_value == pytest.approx(without.total_value + 2 * 6000.0)


def test_a_line_without_a_cost_takes_the_soc_roles() -> None:
    result = compute(scenario(agents=[agent(loaded_cost_per_hour=None)]))
    assert result.agent_lines[0].loaded_cost_per_hour == 100.0
    assert result.agent_lines[0].manual_cost_per_run == pytest.approx(10.0)  # 6 / 60 x 100


def test_working_hours_lines_keep_their_scus() -> None:
    result = compute(scenario(agents=[agent(runs_during="working_hours")]))
    assert result.demand_units == pytest.approx(4000.0)
    # Crowded into working hours, more of it is overage than around the clock.
    assert result.total_capacity_cost > compute(scenario()).total_capacity_cost


def test_roi_json_reports_each_agent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(scenario(10).model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    (line,) = payload["agents"]
    assert line["agent"] == "Phishing Triage Agent"
    assert line["runs_per_month"] == 2000.0 and line["scu_per_run"] == 1.0
    assert line["manual_cost_per_run"] == 6.0
    assert line["hours_freed"] == 400.0
    assert payload["agent_hours_freed"] == 400.0
    assert line["cost_per_run"] > 0


def test_the_tornado_and_monte_carlo_include_the_agent_bands() -> None:
    s = scenario(10)
    keys = [p.key for p in parameters(s)]
    assert keys[-2:] == ["agents[0].scu_per_run", "agents[0].analyst_minutes_avoided_per_run"]
    result = compute(s)
    sensitivity = analyse(s, result=result, draws=500)
    bars = {b.key: b for b in sensitivity.tornado}
    # Value is linear in minutes and capacity does not move: exact against the engine.
    high_minutes = s.model_copy(
        update={"agents": [s.agents[0].model_copy(update={"analyst_minutes_avoided_per_run": 12.0})]}
    )
    assert bars["agents[0].analyst_minutes_avoided_per_run"].npv_at_high == pytest.approx(
        compute(high_minutes).npv
    )
    # SCUs per run move the bill; variants keep the base mix of hourly shapes and skip metering:
    # close to the engine, not exact.
    heavy = s.model_copy(update={"agents": [s.agents[0].model_copy(update={"scu_per_run": 2.0})]})
    assert bars["agents[0].scu_per_run"].npv_at_high == pytest.approx(compute(heavy).npv, rel=0.02)
    assert bars["agents[0].scu_per_run"].npv_at_high < sensitivity.base_npv
    assert sensitivity.monte_carlo.p10 < sensitivity.monte_carlo.p90


def test_bad_lines_name_the_field() -> None:
    with pytest.raises(ValidationError, match="scu_per_run"):
        scenario(agents=[agent(scu_per_run=-1.0)])
    with pytest.raises(
        ValidationError, match=r"ranges.analyst_minutes_avoided_per_run \[3, 12\] must contain"
    ):
        scenario(agents=[agent(analyst_minutes_avoided_per_run=20.0)])
    with pytest.raises(ValidationError, match="has several"):
        scenario(agents=[agent(), agent(agent=" phishing triage agent")])
    with pytest.raises(ValidationError, match="agent needs a name"):
        scenario(agents=[agent(agent="   ")])


def test_presets_and_the_rate_card_fill_a_line() -> None:
    phishing = preset_line("phishing_triage")
    assert phishing.ranges.scu_per_run.low == 0.2 and phishing.ranges.scu_per_run.high == 1.5
    # 2 runs a day over a 730-hour month: 2 x 730 / 24 = 60.8333 runs; 27 SCU / 60 runs = 0.45.
    # 60 runs over the export's 30 days (2 a day), all of them in its last 10: 6 per active day,
    # and the line runs at the agent's own pace: 6 x 730 / 24 = 182.5 runs a month.
    rate = AgentRate("Phishing Triage Agent", False, 60, 27.0, 0.4, 0.2, 0.9, 2.0, 0.1, (0,) * 168, 6.0)
    line = line_from_rate(rate, days=30, current=phishing)
    assert line.runs_per_month == pytest.approx(182.5)
    assert "6 per active day" in line.source
    assert line.scu_per_run == 0.45
    assert line.analyst_minutes_avoided_per_run == phishing.analyst_minutes_avoided_per_run
    again = line_from_rate(rate, days=30, current=line)
    assert again.source == line.source  # taking the rate twice does not nest the sources
    unknown = line_from_rate(
        AgentRate("Contoso Agent", False, 3, 3.0, 1.0, 1.0, 1.0, 0.1, 1.0, (0,) * 168, 3.0), 30
    )
    assert unknown.analyst_minutes_avoided_per_run == 0.0 and "not set" in unknown.source


@st.composite
def agent_lines(draw: st.DrawFn) -> list[AgentLine]:
    """Up to three lines anywhere in the model's limits, any names (unique), bands around values."""

    def number(name: str) -> st.SearchStrategy[float]:
        low, high = field_bounds(AgentLine, name)
        return st.one_of(st.sampled_from([low, high]), st.floats(low, high, allow_nan=False))

    lines = []
    names = draw(st.lists(st.text(min_size=1, max_size=120).filter(str.strip), max_size=3,
                          unique_by=lambda n: n.strip().casefold()))  # fmt: skip
    for name in names:
        scu, minutes = draw(number("scu_per_run")), draw(number("analyst_minutes_avoided_per_run"))
        scu_low, scu_high = sorted((scu, draw(number("scu_per_run"))))
        lines.append(
            AgentLine(
                agent=name,
                runs_per_month=draw(number("runs_per_month")),
                scu_per_run=scu,
                analyst_minutes_avoided_per_run=minutes,
                loaded_cost_per_hour=draw(st.one_of(st.none(), number("loaded_cost_per_hour"))),
                runs_during=draw(st.sampled_from(["all_hours", "working_hours"])),
                ranges=AgentRanges(
                    scu_per_run=Band(low=min(scu_low, scu), high=max(scu_high, scu)),
                    analyst_minutes_avoided_per_run=Band(low=0.0, high=max(minutes, 0.0)),
                ),
                source=draw(st.text(max_size=60)),
            )
        )
    return lines


@settings(max_examples=60, deadline=None)
@given(lines=agent_lines())
def test_agent_lines_round_trip_through_json_and_the_editor_table(lines: list[AgentLine]) -> None:
    s = Scenario.model_validate(
        scenario(agents=[]).model_dump() | {"agents": [a.model_dump() for a in lines]}
    )
    assert Scenario.model_validate_json(s.model_dump_json()) == s
    assert lines_from_table(lines_table(lines)) == lines


def test_editor_rows_with_problems_name_the_row_and_column() -> None:
    table = lines_table([preset_line("phishing_triage"), preset_line("conditional_access_optimization")])
    bad = table.astype({"scu_per_run": object})
    bad.loc[1, "scu_per_run"] = "lots"
    with pytest.raises(ValueError, match=r"agent row 2, SCUs per run: 'lots' is not a number"):
        lines_from_table(bad)
    bad = table.copy()
    bad.loc[0, "runs_per_month"] = -5.0
    with pytest.raises(
        ValueError, match=r"agent row 1, runs_per_month: Input should be greater than or equal to 0"
    ):
        lines_from_table(bad)
    # A value outside its band widens the band, as a role's widgets do.
    wide = table.copy()
    wide.loc[0, "analyst_minutes_avoided_per_run"] = 40.0
    assert lines_from_table(wide)[0].ranges.analyst_minutes_avoided_per_run.high == 40.0


def test_roi_takes_agent_rates_from_usage_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from copilot_roi.usage import IngestOptions, ingest_paths
    from copilot_roi.usage.agents import rate_card

    export = Path(__file__).resolve().parents[2] / "sample_data" / "CapacityUsage.xlsx"
    path = tmp_path / "s.json"
    path.write_text(scenario(10, agents=[]).model_dump_json(), encoding="utf-8")
    args = ["roi", "--scenario", str(path), "--agent-rates", str(export), "--as-of", "2026-11-21", "--json"]
    assert main(args) == 0
    lines = {a["agent"]: a for a in json.loads(capsys.readouterr().out)["agents"]}
    card = rate_card(ingest_paths([export], IngestOptions(as_of=dt.date(2026, 11, 21))).frame)
    agents = [a for a in card.agents if not a.is_person]
    assert set(lines) == {a.agent for a in agents}
    for rate in agents:
        per_day = rate.runs_per_active_day  # its first run to its last, not the export's days
        assert lines[rate.agent]["runs_per_month"] == pytest.approx(per_day * 730 / 24, abs=1e-5)
        assert lines[rate.agent]["scu_per_run"] == pytest.approx(rate.total_units / rate.runs, abs=1e-6)
    # Known agents keep their preset's minutes: 6.92 / 60 x the SOC role's 100 an hour.
    assert lines["Phishing Triage Agent"]["manual_cost_per_run"] == pytest.approx(6.92 / 60 * 100, abs=1e-4)


def test_roi_refuses_an_unreadable_rate_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(scenario().model_dump_json(), encoding="utf-8")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"not,a,usage\nexport,at,all\n")
    assert main(["roi", "--scenario", str(path), "--agent-rates", str(junk)]) == 1
    assert "copilot-roi" in capsys.readouterr().err


def test_agent_rates_take_the_agents_own_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Issue 19: in a 90-day export an agent ran 24 times a day on the last 10 days only. Its
    # line runs at 24 a day (24 x 730 / 24 = 730 runs a month), not 240 / 90 = 2.67 a day (81.1).
    import datetime as dt

    from usage_builders import record, to_csv

    first = dt.datetime(2026, 8, 24, 9)
    rows = [
        record(first, 1.0, user="Ann", session="p1"),
        record(first + dt.timedelta(days=89), 1.0, user="Ann"),
    ]
    late = dt.datetime(2026, 11, 12)
    rows += [
        record(
            late + dt.timedelta(days=d, hours=h), 0.5, user="Contoso Agent", session=f"r{d}-{h}", kind="Agent"
        )
        for d in range(10)
        for h in range(24)
    ]
    export = tmp_path / "usage.csv"
    export.write_bytes(to_csv(rows))
    path = tmp_path / "s.json"
    path.write_text(scenario(10, agents=[]).model_dump_json(), encoding="utf-8")
    args = ["roi", "--scenario", str(path), "--agent-rates", str(export), "--as-of", "2026-11-21", "--json"]
    assert main(args) == 0
    (line,) = json.loads(capsys.readouterr().out)["agents"]
    assert line["agent"] == "Contoso Agent" and line["runs_per_month"] == pytest.approx(730.0)
