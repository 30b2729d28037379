"""One time-zone check: every model, command and loader refuses a bad zone with one clean line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from copilot_roi.cli import main
from copilot_roi.estimate import EstimateInputs
from copilot_roi.handoff import hand_off
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan, Schedule
from copilot_roi.pricebook import list_prices
from copilot_roi.timezones import check_timezone
from copilot_roi.usage import IngestOptions
from copilot_roi.value.scenario import scenario_template

REPO = Path(__file__).resolve().parents[2]
SAMPLE_XLSX = str(REPO / "sample_data" / "CapacityUsage.xlsx")
# Each fails differently when handed to ZoneInfo as it is: a folder, a file name too long for the
# file system, no such file, an empty key, a path out of the database, a non-TZif file, a NUL.
BAD_ZONES = (
    "Europe",
    "America",
    "Z" * 300,
    "Europe/" + "x" * 250,
    "Nowhere/Zone",
    "",
    "../../../../etc/passwd",
    "/etc/localtime",
    "Europe/../Europe/Paris",
    "zone.tab",
    "tzdata.zi",
    "__init__.py",
    "Europe/Paris\x00",
    "Europe/Paris\n",
    "europe/paris",
    "localtime",
)


@pytest.mark.parametrize("name", BAD_ZONES)
def test_check_timezone_refuses_with_one_short_sentence(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone") as caught:
        check_timezone(name)
    message = str(caught.value)
    assert "\n" not in message and "\x00" not in message and len(message) < 160
    assert "site-packages" not in message and "/usr/share" not in message  # no server paths


def test_check_timezone_refuses_what_is_not_text() -> None:
    for value in (None, 3, True, b"UTC"):
        with pytest.raises(ValueError, match="time zone"):
            check_timezone(value)


@pytest.mark.parametrize("name", ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/GMT+5"])
def test_check_timezone_keeps_iana_names(name: str) -> None:
    assert check_timezone(name) == name


@pytest.mark.parametrize("name", ["Europe", "Z" * 300, "Nowhere/Zone", "", "../etc/passwd", "a\x00b"])
def test_every_model_that_holds_a_zone_refuses_it(name: str) -> None:
    for build in (
        lambda: Schedule(timezone=name),
        lambda: EstimateInputs(timezone=name),
        lambda: IngestOptions(timezone=name),
    ):
        with pytest.raises(ValidationError, match="unknown time zone"):
            build()
    with pytest.raises(ValueError, match="unknown time zone"):
        HourlySeries.zeros(24, timezone=name)
    with pytest.raises(ValueError, match="unknown time zone"):
        hand_off(CapacityPlan(provisioned_scu=1), list_prices(), timezone=name, today=dt.date(2026, 12, 6))


def exit_code(argv: list[str]) -> int:
    """The command's exit code, whether argparse refused the arguments (SystemExit) or the handler."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)


COMMANDS = (
    ["usage", SAMPLE_XLSX],
    ["price", "--scu", "1"],
    ["price", "--scu", "2", "--schedule", "mon-fri,08-18", "--off-hours-scu", "0"],
    ["optimize"],
    ["roi", "--scenario", "missing.json", "--agent-rates", SAMPLE_XLSX],
    ["report", "--usage", SAMPLE_XLSX],
    ["handoff", "--scu", "1"],
)


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: argv[0])
@pytest.mark.parametrize("zone", ["Europe", "Z" * 300, "Nowhere/Zone", "", "../../etc/passwd"])
def test_every_command_refuses_a_bad_tz_with_one_line(
    argv: list[str], zone: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    extra = ["--out", str(out)] if argv[0] in ("report", "handoff") else []
    assert exit_code([*argv, *extra, "--tz", zone]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "--tz" in captured.err and "unknown time zone" in captured.err
    assert not out.exists()  # handoff no longer writes UTC files for a zone it cannot read


def test_handoff_writes_the_zone_it_was_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["handoff", "--scu", "1", "--tz", "Europe/Paris", "--out", str(tmp_path), "--json"]) == 0
    schedule = json.loads((tmp_path / "capacity-schedule.json").read_text())
    assert schedule["timezone"] == "Europe/Paris"
    assert "Europe/Paris" in (tmp_path / "capacity-schedule.csv").read_text()


@pytest.mark.parametrize("zone", ["Europe", "Nowhere/Zone", "Z" * 300])
def test_a_scenario_file_with_a_bad_schedule_zone_is_one_line(
    zone: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(scenario_template("expected").model_dump_json())
    data["capacity"]["plan"]["schedule"] = {"timezone": zone, "business_scu": 2}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))
    report = ["report", "--scenario", str(path), "--out", str(tmp_path / "r")]
    for argv in (["roi", "--scenario", str(path)], report):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "capacity.plan.schedule.timezone: unknown time zone" in err
    assert not (tmp_path / "r").exists()


def test_every_zone_a_page_offers_passes_the_one_check() -> None:
    from ui.plan_inputs import TIMEZONES

    assert TIMEZONES and all(check_timezone(zone) == zone for zone in TIMEZONES)
