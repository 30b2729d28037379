"""Hand-off files: the budget ARM template's structure and amount, the weekly schedule, the az script."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from copilot_roi.cli import main
from copilot_roi.handoff import (
    FILE_NAMES,
    budget_template,
    expected_monthly_cost,
    hand_off,
    schedule_changes,
    weekly_units,
)
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan, Schedule
from copilot_roi.pricebook import list_prices

PRICES = list_prices()
BUSINESS = CapacityPlan(
    provisioned_scu=3,
    schedule=Schedule(timezone="UTC", business_scu=3, off_hours_scu=0),
    overage="unlimited",
)
ARM_TYPES = {"string", "securestring", "int", "bool", "object", "secureObject", "array"}
CAPACITY = (
    "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-soc"
    "/providers/Microsoft.SecurityCopilot/capacities/soc-capacity"
)


def test_budget_amount_is_the_expected_month_by_hand() -> None:
    # 1 SCU 24x7: 730 h x $4 = $2,920.
    assert expected_monthly_cost(CapacityPlan(provisioned_scu=1), PRICES) == 2920.0
    # Mon-Fri 08-18 at 3 SCU over 730 h from Monday 4 Jan 2027 00:00 UTC: 30 days and 10 hours,
    # 22 business days (4 weeks, then Mon 1 and Tue 2 Feb) x 10 h + Wed 3 Feb 08:00-10:00 = 222 h.
    assert expected_monthly_cost(BUSINESS, PRICES) == 222 * 3 * 4.0
    # With usage: 10 days at 1 SCU ($960) and one hour of 5 SCU (4 SCU overage, $24), scaled to 730 h.
    units = np.zeros(240)
    units[30] = 5.0
    usage = HourlySeries(pd.Timestamp("2026-11-02", tz="UTC"), units)
    plan = CapacityPlan(provisioned_scu=1, overage="unlimited")
    assert expected_monthly_cost(plan, PRICES, usage) == pytest.approx((960 + 24) * 730 / 240, abs=0.01)


def test_arm_template_structure() -> None:
    result = hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1), contact_emails=("soc@contoso.com",))
    template = json.loads(result.files[FILE_NAMES["budget"]])
    assert template["$schema"].startswith("https://schema.management.azure.com/schemas/")
    assert template["$schema"].endswith("deploymentTemplate.json#")
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", template["contentVersion"])
    parameters = template["parameters"]
    assert all(p["type"] in ARM_TYPES for p in parameters.values())
    assert parameters["contactEmails"]["type"] == "array"
    assert parameters["contactEmails"]["defaultValue"] == ["soc@contoso.com"]
    assert parameters["amount"] == {**parameters["amount"], "type": "int", "defaultValue": 2664}
    assert parameters["startDate"]["defaultValue"] == "2027-01-01"
    (budget,) = template["resources"]
    assert budget["type"] == "Microsoft.Consumption/budgets"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(-preview)?", budget["apiVersion"])
    props = budget["properties"]
    assert props["category"] == "Cost" and props["timeGrain"] == "Monthly"
    assert props["amount"] == "[parameters('amount')]"
    assert props["timePeriod"] == {"startDate": "[parameters('startDate')]"}
    alerts = sorted((n["thresholdType"], n["threshold"]) for n in props["notifications"].values())
    assert alerts == [("Actual", 50), ("Actual", 80), ("Actual", 100), ("Forecasted", 100)]
    for n in props["notifications"].values():
        assert n["enabled"] is True and n["contactEmails"] == "[parameters('contactEmails')]"
        assert n["operator"] in ("GreaterThan", "GreaterThanOrEqualTo")
    # Every parameter an expression names is declared.
    used = set(re.findall(r"parameters\('([^']+)'\)", json.dumps(template)))
    assert used <= set(parameters) and used


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start_date": dt.date(2027, 1, 2)}, "first day of a month"),
        ({"contact_emails": ("not an address",)}, "is not an e-mail address"),
        ({"contact_emails": ('a@b.c", "x',)}, "is not an e-mail address"),
        ({"budget_name": "x'); drop"}, "budget name"),
    ],
)
def test_budget_inputs_are_checked(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"start_date": dt.date(2027, 1, 1)}
    with pytest.raises(ValueError, match=message):
        budget_template(100, "USD", "plan", **{**base, **kwargs})  # type: ignore[arg-type]


def test_weekly_schedule_csv_and_json() -> None:
    units = weekly_units(BUSINESS)
    assert len(units) == 168 and sum(units) == 5 * 10 * 3
    assert units[8] == 3 and units[7] == 0 and units[17] == 3 and units[18] == 0 and units[5 * 24 + 9] == 0
    changes = schedule_changes(units)
    assert len(changes) == 10
    assert changes[0] == {
        "day": "Mon",
        "time": "08:00",
        "hour_of_week": 8,
        "number_of_units": 3,
        "action": "set",
    }
    assert changes[1]["action"] == "delete" and changes[1]["time"] == "18:00"
    assert schedule_changes(weekly_units(CapacityPlan(provisioned_scu=2))) == []
    result = hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1))
    rows = list(csv.DictReader(io.StringIO(result.files[FILE_NAMES["schedule_csv"]].decode())))
    assert len(rows) == 168
    assert rows[8] == {
        "hour_of_week": "8",
        "day": "Mon",
        "local_time": "08:00",
        "number_of_units": "3",
        "timezone": "UTC",
    }
    document = json.loads(result.files[FILE_NAMES["schedule_json"]])
    assert document["resource_type"] == "Microsoft.SecurityCopilot/capacities"
    assert document["hour_of_week_units"] == list(units) and document["timezone"] == "UTC"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_script_applies_one_change_and_refuses_bad_input(tmp_path: Path) -> None:
    script = tmp_path / "apply.sh"
    script.write_bytes(hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1)).files[FILE_NAMES["script"]])
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0

    def dry(*argv: str) -> subprocess.CompletedProcess[str]:
        env = {"DRY_RUN": "1", "PATH": "/usr/bin:/bin"}
        return subprocess.run(
            ["bash", str(script), *argv], capture_output=True, text=True, env=env, check=False
        )

    ok = dry(CAPACITY)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == [
        "az",
        "resource",
        "update",
        "--ids",
        CAPACITY,
        "--set",
        "properties.numberOfUnits=3",
    ]
    assert dry(CAPACITY, "7").stdout.split()[-1] == "properties.numberOfUnits=7"
    for argv in ([], [CAPACITY + ";touch pwned"], [CAPACITY, "0"], [CAPACITY, "101"], [CAPACITY, "2;x"]):
        assert dry(*argv).returncode == 2
    assert not (tmp_path / "pwned").exists()


def test_cli_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "handoff"
    code = main(["handoff", "--scu", "3", "--schedule", "mon-fri,08-18", "--off-hours-scu", "0",
                 "--overage", "unlimited",
                 "--start-date", "2027-02-01", "--email", "soc@contoso.com",
                 "--out", str(out), "--json"])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["budget_amount"] == 2664 and printed["monthly_cost"] == 2664.0
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES.values())
    assert (out / FILE_NAMES["script"]).stat().st_mode & 0o111
    template = json.loads((out / FILE_NAMES["budget"]).read_text())
    assert template["parameters"]["startDate"]["defaultValue"] == "2027-02-01"
    # The same plan priced by `price` for one 730-hour month gives the same amount.
    assert main(["price", "--scu", "3", "--schedule", "mon-fri,08-18", "--off-hours-scu", "0",
                 "--overage", "unlimited",
                 "--months", "1", "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["total_cost"] == printed["monthly_cost"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--scu", "3", "--schedule", "mon-fri,18-08", "--off-hours-scu", "1"],
            "business hours must end after they start",
        ),
        (["--scu", "3", "--start-date", "2027-02-03"], "first day of a month"),
        (["--scu", "3", "--email", "nobody"], "not an e-mail address"),
    ],
)
def test_cli_errors_are_one_line(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["handoff", *argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert not (tmp_path / "x").exists()


# --- hostile hand-off inputs (issue 23 item 7) ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget_name": "security-copilot-monthly\n"}, "budget name"),
        ({"budget_name": "monthly\x1b[31m"}, "budget name"),
        ({"contact_emails": ("soc@contoso.com\n",)}, "is not an e-mail address"),
        ({"contact_emails": ("soc\x1b[2J@contoso.com",)}, "is not an e-mail address"),
        ({"contact_emails": ("soc@contoso.com\x00",)}, "is not an e-mail address"),
    ],
)
def test_a_trailing_newline_or_control_character_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        budget_template(100, "USD", "plan", dt.date(2027, 1, 1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "start", [dt.date(1, 1, 1), dt.date(2017, 5, 1), dt.date(2028, 1, 1), dt.date(9999, 12, 1)]
)
def test_budget_start_outside_what_azure_accepts_is_refused(start: dt.date) -> None:
    with pytest.raises(ValueError, match=r"start date .*between 2017-06-01 and 2027-12-01"):
        hand_off(BUSINESS, PRICES, start_date=start, today=dt.date(2026, 12, 6))


def test_budget_start_at_either_end_of_the_range_is_kept() -> None:
    for start in (dt.date(2017, 6, 1), dt.date(2027, 12, 1)):
        assert hand_off(BUSINESS, PRICES, start_date=start, today=dt.date(2026, 12, 6)).start_date == start


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--budget-name", "security-copilot-monthly\n"], "--budget-name"),
        (["--email", "soc@contoso.com\n"], "--email"),
        (["--email", "ok@contoso.com", "--email", "soc\x07@contoso.com"], "--email"),
        (["--start-date", "0001-01-01"], "start date 0001-01-01"),
        (["--start-date", "9999-12-01"], "start date 9999-12-01"),
    ],
)
def test_cli_refuses_hostile_budget_inputs_in_one_line(
    argv: list[str], flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x"
    try:
        code = main(["handoff", "--scu", "1", *argv, "--out", str(out)])
    except SystemExit as stop:  # argparse refuses a bad argument while parsing
        code = int(stop.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and flag in err and "Traceback" not in err
    assert not out.exists()
