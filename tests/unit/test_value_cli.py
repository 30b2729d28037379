"""CLI scenario-template and roi: the portable JSON, the engine's numbers, clean failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from copilot_roi.cli import main
from copilot_roi.value.engine import compute
from copilot_roi.value.scenario import Scenario, scenario_template


@pytest.mark.parametrize("preset", ["low", "expected", "high"])
def test_scenario_template_prints_the_preset(preset: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario-template", "--preset", preset]) == 0
    printed = Scenario.model_validate_json(capsys.readouterr().out)
    assert printed == scenario_template(preset)  # type: ignore[arg-type]


def test_scenario_template_defaults_to_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario-template"]) == 0
    assert Scenario.model_validate_json(capsys.readouterr().out).preset == "expected"


def test_roi_json_equals_the_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = scenario_template("low")
    path = tmp_path / "s.json"
    path.write_text(scenario.model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    result = compute(scenario)
    assert set(payload) >= {
        "horizon_months", "total_cost", "total_hours_freed", "total_value", "net_benefit", "roi",
        "npv", "discount_rate_annual", "payback_month", "break_even", "monthly",
    }  # fmt: skip
    assert payload["horizon_months"] == 36
    assert payload["total_cost"] == pytest.approx(result.total_cost, abs=0.01)
    assert payload["total_value"] == pytest.approx(result.total_value, abs=0.01)
    assert payload["npv"] == pytest.approx(result.npv, abs=0.01)
    assert payload["roi"] == pytest.approx(result.roi, abs=1e-6)
    assert payload["discount_rate_annual"] == scenario.discount_rate_annual
    assert payload["payback_month"] is None  # the pessimistic preset does not pay back
    assert payload["break_even"]["realisation_rate"] == pytest.approx(result.break_even.realisation_rate)
    assert [m["month"] for m in payload["monthly"]] == list(range(1, 37))
    first = payload["monthly"][0]
    assert set(first) == {
        "month", "cost", "hours_freed", "value", "net", "cumulative_net",
        "demand_units", "throttled_units", "served_share",
    }  # fmt: skip
    assert first["demand_units"] == pytest.approx(result.monthly[0].demand_units, abs=1e-3)
    assert payload["served_share"] == pytest.approx(result.served_share, abs=1e-6)
    assert payload["throttled_units"] == pytest.approx(result.throttled_units, abs=1e-3)
    assert first["cost"] == pytest.approx(result.monthly[0].cost, abs=0.01)
    assert payload["monthly"][-1]["cumulative_net"] == pytest.approx(result.net_benefit, abs=0.01)


def test_roi_reports_a_payback_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(scenario_template("expected").model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["payback_month"] == compute(scenario_template("expected")).payback_month
    assert isinstance(payload["payback_month"], int)


def test_roi_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(scenario_template("expected").model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Total cost:" in out and "Payback month:" in out and "Break-even" in out


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda t: t.replace('"realisation_rate":0.5', '"realisation_rate":NaN'), "realisation_rate"),
        (lambda t: t.replace('"horizon_months":36', '"horizon_months":1e309'), "horizon_months"),
        (lambda t: t.replace('"horizon_months":36', '"horizon_months":500'), "horizon_months"),
        (lambda t: t.replace('"preset":"expected"', '"preset":"expected","x":1'), "x: Extra inputs"),
        (lambda t: t.replace('"headcount":10', '"headcount":"ten"'), "roles.soc.headcount"),
        (lambda t: t[:-5], "Invalid JSON"),
    ],
)
def test_invalid_scenarios_exit_1_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: object, fragment: str
) -> None:
    text = scenario_template().model_dump_json()
    broken = edit(text)  # type: ignore[operator]
    assert broken != text
    path = tmp_path / "bad.json"
    path.write_text(broken, encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert fragment in captured.err
    assert "Traceback" not in captured.err


def test_missing_and_oversized_files_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roi", "--scenario", str(tmp_path / "nope.json")]) == 1
    assert "cannot read" in capsys.readouterr().err
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1_000_001)
    assert main(["roi", "--scenario", str(big)]) == 1
    assert "too large" in capsys.readouterr().err


def test_the_installed_command_runs_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"roles": {}}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "copilot_roi", "roi", "--scenario", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "roles" in done.stderr and "Traceback" not in done.stderr


def test_roi_compares_several_scenarios_as_a_list_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    presets = ("high", "low", "expected")
    paths = []
    for preset in presets:
        path = tmp_path / f"{preset}.json"
        path.write_text(scenario_template(preset).model_dump_json(), encoding="utf-8")
        paths += ["--scenario", str(path)]
    assert main(["roi", *paths, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert isinstance(payload, list) and len(payload) == 3
    for item, preset in zip(payload, presets, strict=True):
        alone_path = tmp_path / f"{preset}.json"
        assert item["scenario_file"] == alone_path.name
        assert main(["roi", "--scenario", str(alone_path), "--json"]) == 0
        alone = json.loads(capsys.readouterr().out)
        assert isinstance(alone, dict)  # one file keeps the single object
        assert {k: v for k, v in item.items() if k != "scenario_file"} == alone
        assert item["npv"] == pytest.approx(compute(scenario_template(preset)).npv, abs=0.01)
    # A bad file anywhere in the list fails before anything is printed, naming that file's field.
    (tmp_path / "bad.json").write_text('{"horizon_months": "36"}', encoding="utf-8")
    assert main(["roi", *paths, "--scenario", str(tmp_path / "bad.json"), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "bad.json" in captured.err
