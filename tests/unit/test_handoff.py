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
    DELETION_NOT_OFFERED,
    FILE_NAMES,
    budget_months,
    budget_template,
    carried_out_units,
    hand_off,
    schedule_changes,
    weekly_units,
)
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import CapacityPlan, Schedule, billed_units_per_hour
from copilot_roi.pricebook import list_prices

PRICES = list_prices()
# 3 SCU Mon-Fri 08-18 UTC, 1 SCU off-hours: a schedule that can be carried out as priced.
BUSINESS = CapacityPlan(
    provisioned_scu=3,
    schedule=Schedule(timezone="UTC", business_scu=3, off_hours_scu=1),
    overage="unlimited",
)
# The same hours with the capacity deleted off-hours.
DELETING = BUSINESS.model_copy(update={"schedule": Schedule(timezone="UTC", business_scu=3, off_hours_scu=0)})
ARM_TYPES = {"string", "securestring", "int", "bool", "object", "secureObject", "array"}
CAPACITY = (
    "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-soc"
    "/providers/Microsoft.SecurityCopilot/capacities/soc-capacity"
)


def test_the_budget_covers_the_dearest_calendar_month_by_hand() -> None:
    # 1 SCU 24x7 from 1 Jan 2027: a 31-day month is 744 h x $4 = $2,976 (not a 730-hour $2,920),
    # February 672 h x $4 = $2,688, a 30-day month $2,880; no month of the twelve costs more
    # than the budget, so an idle month never fires the 100 % alert.
    flat = hand_off(CapacityPlan(provisioned_scu=1), PRICES, start_date=dt.date(2027, 1, 1))
    assert (flat.budget_month.month, flat.budget_amount, flat.monthly_cost) == ("2027-01", 2976, 2976.0)
    assert [m.cost for m in flat.months[:4]] == [2976.0, 2688.0, 2976.0, 2880.0]
    assert len(flat.months) == 12 and all(m.cost <= flat.budget_amount for m in flat.months)
    assert "dearest calendar month" in flat.budget_basis and "2027-01 (744 h, UTC)" in flat.budget_basis
    # 3 SCU Mon-Fri 08-18, 1 SCU off-hours: each weekday bills 24 x 1 + 10 x 2 more in business
    # hours + 2 more at 07:00, where the 07:30 rise lands (an hour bills every SCU provisioned in
    # it); the 17:30 fall lands before 18:00. January 2027 has 21 weekdays: (744 + 21 x 22) x $4 =
    # $4,824; February 20: (672 + 440) x $4 = $4,448; March (from Monday the 1st) 23:
    # (744 + 506) x $4 = $5,000, the dearest (December, also 23, comes later).
    months = budget_months(BUSINESS, PRICES, dt.date(2027, 1, 1))
    assert [m.cost for m in months[:3]] == [4824.0, 4448.0, 5000.0]
    assert max(m.cost for m in months) == 5000.0 and months[11].cost == 5000.0
    assert hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1)).budget_month.month == "2027-03"
    # With usage: 10 days at 1 SCU and one hour of 5 SCU, 4 SCU of overage ($24) over 240 h, $0.10
    # an hour: January 2027 is 2,976 + 744 x 0.10 = 3,050.40, budget 3,051.
    units = np.zeros(240)
    units[30] = 5.0
    usage = HourlySeries(pd.Timestamp("2026-11-02", tz="UTC"), units)
    plan = CapacityPlan(provisioned_scu=1, overage="unlimited")
    with_usage = hand_off(plan, PRICES, usage=usage, start_date=dt.date(2027, 1, 1))
    assert with_usage.monthly_cost == pytest.approx(3050.4) and with_usage.budget_amount == 3051


def test_carried_out_units_are_the_billing_rule_on_the_changes_applied_early() -> None:
    # The fast rule (a rise bills the hour it lands in) against plans.billed_units_per_hour on
    # each change applied 30 minutes before its hour, over two weeks of a schedule with deletion.
    start = pd.Timestamp("2027-03-01", tz="UTC")
    levels = DELETING.provisioned_levels(HourlySeries(start, np.zeros(24 * 14 + 1)))
    events = [
        (start + pd.Timedelta(hours=h) - pd.Timedelta(minutes=30), int(levels[h]))
        for h in range(1, len(levels))
        if levels[h] != levels[h - 1]
    ]
    reference = billed_units_per_hour(events, start, 24 * 14, initial_scu=int(levels[0]))
    assert carried_out_units(levels).tolist() == reference.tolist()


def test_a_deletion_schedule_is_not_offered_and_says_why() -> None:
    result = hand_off(DELETING, PRICES, start_date=dt.date(2027, 1, 1))
    assert result.schedule_not_offered == DELETION_NOT_OFFERED
    assert "re-creating it" in DELETION_NOT_OFFERED and "1 SCU off-hours" in DELETION_NOT_OFFERED
    assert list(result.files) == [FILE_NAMES["budget"]]
    # The budget still covers the plan: 11 hours at 3 SCU a weekday (07:00, where the 07:30
    # re-creation lands, to 17:00), 23 weekdays in March 2027: 23 x 33 x $4 = $3,036.
    assert (result.budget_month.month, result.budget_amount) == ("2027-03", 3036)
    assert hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1)).schedule_not_offered is None


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
    assert parameters["amount"] == {**parameters["amount"], "type": "int", "defaultValue": 5000}
    assert "dearest calendar month" in parameters["amount"]["metadata"]["description"]
    assert "2027-03" in template["metadata"]["description"]
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
    assert len(units) == 168 and sum(units) == 5 * 10 * 3 + 118 * 1
    assert units[8] == 3 and units[7] == 1 and units[17] == 3 and units[18] == 1 and units[5 * 24 + 9] == 1
    changes = schedule_changes(units)
    assert len(changes) == 10
    # Each change is applied 30 minutes before its hour, so it lands before the hour it is priced for.
    assert changes[0] == {
        "day": "Mon",
        "time": "08:00",
        "hour_of_week": 8,
        "number_of_units": 3,
        "action": "set",
        "apply_at": {"day": "Mon", "time": "07:30"},
    }
    assert changes[1]["time"] == "18:00" and changes[1]["apply_at"] == {"day": "Mon", "time": "17:30"}
    assert changes[1]["number_of_units"] == 1
    # A change at Monday 00:00 is applied on Sunday at 23:30 (the week wraps).
    early = schedule_changes(tuple([3] * 8 + [1] * 160))[0]
    assert (early["time"], early["apply_at"]) == ("00:00", {"day": "Sun", "time": "23:30"})
    assert schedule_changes(weekly_units(DELETING))[1]["action"] == "delete"
    assert schedule_changes(weekly_units(CapacityPlan(provisioned_scu=2))) == []
    result = hand_off(BUSINESS, PRICES, start_date=dt.date(2027, 1, 1))
    rows = list(csv.DictReader(io.StringIO(result.files[FILE_NAMES["schedule_csv"]].decode())))
    assert len(rows) == 168
    assert rows[8] == {
        "hour_of_week": "8",
        "day": "Mon",
        "local_time": "08:00",
        "number_of_units": "3",
        "billed_units": "3",
        "timezone": "UTC",
    }
    # 07:00 is priced at 1 SCU but bills 3: the rise applied at 07:30 lands in it.
    assert (rows[7]["number_of_units"], rows[7]["billed_units"]) == ("1", "3")
    document = json.loads(result.files[FILE_NAMES["schedule_json"]])
    assert document["resource_type"] == "Microsoft.SecurityCopilot/capacities"
    assert document["hour_of_week_units"] == list(units) and document["timezone"] == "UTC"
    assert document["lead_minutes"] == 30
    # The overage the plan was priced with is part of the schedule.
    assert document["overage"] == {"mode": "unlimited", "cap_scu_per_hour": None, "set_to": "unlimited"}
    assert any("set the capacity's overage to unlimited" in note for note in document["notes"])
    # The week as carried out bills 2 SCU-hours more each weekday than priced: 07:00 at 3, not 1.
    assert sum(document["hour_of_week_billed_units"]) == sum(units) + 5 * 2
    capped = hand_off(
        BUSINESS.model_copy(update={"overage": "capped", "overage_cap_scu_per_hour": 2.5}),
        PRICES,
        start_date=dt.date(2027, 1, 1),
    )
    overage = json.loads(capped.files[FILE_NAMES["schedule_json"]])["overage"]
    assert overage == {"mode": "capped", "cap_scu_per_hour": 2.5, "set_to": "at most 2.5 SCU per hour"}


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
    code = main(["handoff", "--scu", "3", "--schedule", "mon-fri,08-18", "--off-hours-scu", "1",
                 "--overage", "unlimited",
                 "--start-date", "2027-02-01", "--email", "soc@contoso.com",
                 "--out", str(out), "--json"])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    # February 2027 to January 2028: March 2027 is the dearest ($5,000, see the budget test).
    assert printed["budget_amount"] == 5000 and printed["monthly_cost"] == 5000.0
    assert printed["budget_month"] == "2027-03" and printed["lead_minutes"] == 30
    assert printed["schedule_not_offered"] is None and len(printed["months"]) == 12
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES.values())
    assert (out / FILE_NAMES["script"]).stat().st_mode & 0o111
    template = json.loads((out / FILE_NAMES["budget"]).read_text())
    assert template["parameters"]["startDate"]["defaultValue"] == "2027-02-01"
    # A deletion schedule: the budget alone, and the reason.
    gone = tmp_path / "deleting"
    assert main(["handoff", "--scu", "3", "--schedule", "mon-fri,08-18", "--off-hours-scu", "0",
                 "--start-date", "2027-02-01", "--out", str(gone)]) == 0  # fmt: skip
    assert DELETION_NOT_OFFERED in capsys.readouterr().out
    assert [p.name for p in gone.iterdir()] == [FILE_NAMES["budget"]]


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
