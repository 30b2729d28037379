"""Hand-off files for a chosen plan: an Azure budget (ARM template), the weekly capacity schedule
(CSV and JSON) and an az CLI script that applies one scheduled change. Nothing here contacts Azure.

* Budget: a Microsoft.Consumption/budgets resource deployed at resource-group scope (the group
  that holds the Security Copilot capacity), monthly, amount = the plan's expected monthly cost
  from the billing engine over a 730-hour month (rounded up to a whole currency unit), alerts at
  50, 80 and 100 % of actual cost and 100 % of forecast cost to the e-mail addresses passed as a
  parameter. The amount is in the plan's currency; Azure reads it in the billing currency.
* Schedule: SCUs for each local hour of the week (Monday 00:00 = hour 0), and the changes an
  automation applies. 0 SCUs means no capacity: a capacity holds 1..100 SCUs, so that hour the
  capacity is deleted and created again before the next business window.
* Script: `az security-copilot` is not an az command group; the script uses the generic
  `az resource update --ids <capacity id> --set properties.numberOfUnits=N` on the
  Microsoft.SecurityCopilot/capacities resource. It was not run against Azure here: test it on
  the customer side first (DRY_RUN=1 prints the command).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from copilot_roi.billing import bill
from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, HourlySeries
from copilot_roi.plans import DAY_NAMES, CapacityPlan
from copilot_roi.pricebook import Prices
from copilot_roi.safe_cells import neutralise_frame
from copilot_roi.timezones import check_timezone

HOURS_PER_WEEK = 168
BUDGET_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
BUDGET_API_VERSION = "2023-05-01"
CAPACITY_RESOURCE_TYPE = "Microsoft.SecurityCopilot/capacities"
# (key, threshold %, threshold type, operator): Cost Management sends one e-mail per crossing.
BUDGET_ALERTS = (
    ("actual_50_percent", 50, "Actual", "GreaterThanOrEqualTo"),
    ("actual_80_percent", 80, "Actual", "GreaterThanOrEqualTo"),
    ("actual_100_percent", 100, "Actual", "GreaterThanOrEqualTo"),
    ("forecasted_100_percent", 100, "Forecasted", "GreaterThan"),
)
FILE_NAMES = {
    "budget": "budget.json",
    "schedule_csv": "capacity-schedule.csv",
    "schedule_json": "capacity-schedule.json",
    "script": "apply-capacity-change.sh",
}
EARLIEST_BUDGET_START = dt.date(2017, 6, 1)
# Matched with ``fullmatch``: ``$`` alone also matches before a trailing newline. No control
# characters in an address either (they would land in the template's default value).
_BUDGET_NAME = re.compile(r"[A-Za-z0-9_-]{1,63}")
_ADDRESS_PART = r"[^@\s\"'<>,;\x00-\x1f\x7f-\x9f]+"
_EMAIL = re.compile(rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}")


@dataclass(frozen=True)
class HandOff:
    plan: CapacityPlan
    currency: str
    monthly_cost: float  # the billing engine's expected cost of a 730-hour month
    budget_amount: int  # monthly_cost rounded up to a whole unit (at least 1)
    start_date: dt.date
    hour_of_week_units: tuple[int, ...]  # 168 levels, Monday 00:00 local first
    files: dict[str, bytes]  # file name -> content


def expected_monthly_cost(plan: CapacityPlan, prices: Prices, usage: HourlySeries | None = None) -> float:
    """The plan's expected cost of a 730-hour month.

    Without usage: the plan billed on an idle 730-hour month (provisioned SCUs only). With usage:
    the bill of the observed hours scaled to 730 hours (overage included).

    >>> from copilot_roi.pricebook import list_prices
    >>> expected_monthly_cost(CapacityPlan(provisioned_scu=1), list_prices())
    2920.0
    """
    if usage is None:
        return bill(HourlySeries.zeros(HOURS_PER_BILLING_MONTH), plan, prices).totals.total_cost
    if usage.hours == 0:
        raise ValueError("the usage has no hours to bill")
    total = bill(usage, plan, prices).totals.total_cost
    return round(total * HOURS_PER_BILLING_MONTH / usage.hours, 2)


def weekly_units(plan: CapacityPlan) -> tuple[int, ...]:
    """SCUs provisioned in each local hour of the week (168 values, Monday 00:00 first).

    Holidays are not in a weekly table; the schedule JSON lists them.
    """
    schedule = plan.schedule
    if schedule is None:
        return tuple([plan.provisioned_scu] * HOURS_PER_WEEK)
    return tuple(
        schedule.business_scu
        if day in schedule.business_days and schedule.business_start_hour <= hour < schedule.business_end_hour
        else schedule.off_hours_scu
        for day in range(7)
        for hour in range(24)
    )


def schedule_changes(units: tuple[int, ...]) -> list[dict[str, Any]]:
    """The hours of the week where the level changes (the week wraps), as automation steps.

    >>> schedule_changes(tuple([0] * 8 + [3] * 10 + [0] * 150))[0]
    {'day': 'Mon', 'time': '08:00', 'hour_of_week': 8, 'number_of_units': 3, 'action': 'set'}
    """
    changes = []
    for hour in range(HOURS_PER_WEEK):
        if units[hour] != units[hour - 1]:  # hour 0 compares with Sunday 23:00
            changes.append(
                {
                    "day": DAY_NAMES[hour // 24],
                    "time": f"{hour % 24:02d}:00",
                    "hour_of_week": hour,
                    "number_of_units": units[hour],
                    "action": "set" if units[hour] > 0 else "delete",
                }
            )
    return changes


def budget_template(
    amount: int,
    currency: str,
    plan_description: str,
    start_date: dt.date,
    budget_name: str = "security-copilot-monthly",
    contact_emails: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An ARM template with one monthly Microsoft.Consumption/budgets resource (see the module)."""
    if amount < 1:
        raise ValueError("the budget amount must be at least 1")
    if start_date.day != 1:
        raise ValueError(f"start date {start_date.isoformat()}: a budget starts on the first day of a month")
    if not _BUDGET_NAME.fullmatch(budget_name):
        raise ValueError(f"budget name {budget_name!r}: use 1 to 63 letters, digits, '-' or '_'")
    for email in contact_emails:
        if not _EMAIL.fullmatch(email):
            raise ValueError(f"contact e-mail {email!r} is not an e-mail address")
    emails: dict[str, Any] = {
        "type": "array",
        "minLength": 1,
        "metadata": {"description": "E-mail addresses that receive the budget alerts"},
    }
    if contact_emails:
        emails["defaultValue"] = list(contact_emails)
    return {
        "$schema": BUDGET_SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": {
            "description": "Monthly Cost Management budget for the resource group that holds the "
            f"Security Copilot capacity. Plan: {plan_description}. Amount in {currency}; Azure reads "
            "it in the billing currency. Made by Copilot ROI; review before deploying.",
        },
        "parameters": {
            "budgetName": {"type": "string", "defaultValue": budget_name, "maxLength": 63},
            "amount": {
                "type": "int",
                "defaultValue": amount,
                "minValue": 1,
                "metadata": {"description": f"Monthly budget ({currency}): the plan's expected month"},
            },
            "startDate": {
                "type": "string",
                "defaultValue": start_date.isoformat(),
                "metadata": {"description": "First day of a month, YYYY-MM-DD"},
            },
            "contactEmails": emails,
        },
        "resources": [
            {
                "type": "Microsoft.Consumption/budgets",
                "apiVersion": BUDGET_API_VERSION,
                "name": "[parameters('budgetName')]",
                "properties": {
                    "category": "Cost",
                    "amount": "[parameters('amount')]",
                    "timeGrain": "Monthly",
                    "timePeriod": {"startDate": "[parameters('startDate')]"},
                    "notifications": {
                        key: {
                            "enabled": True,
                            "operator": operator,
                            "threshold": threshold,
                            "thresholdType": kind,
                            "contactEmails": "[parameters('contactEmails')]",
                        }
                        for key, threshold, kind, operator in BUDGET_ALERTS
                    },
                },
            }
        ],
    }


def schedule_csv(units: tuple[int, ...], timezone: str) -> bytes:
    """The weekly table: one row per local hour of the week (168 rows), formula-safe."""
    frame = pd.DataFrame(
        {
            "hour_of_week": range(HOURS_PER_WEEK),
            "day": [DAY_NAMES[h // 24] for h in range(HOURS_PER_WEEK)],
            "local_time": [f"{h % 24:02d}:00" for h in range(HOURS_PER_WEEK)],
            "number_of_units": list(units),
            "timezone": timezone,
        }
    )
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def schedule_document(plan: CapacityPlan, units: tuple[int, ...], timezone: str) -> dict[str, Any]:
    """The schedule as JSON for a scheduled automation (Logic App, Automation runbook, pipeline)."""
    holidays = [d.isoformat() for d in plan.schedule.holidays] if plan.schedule else []
    return {
        "format_version": 1,
        "resource_type": CAPACITY_RESOURCE_TYPE,
        "property": "properties.numberOfUnits",
        "timezone": timezone,
        "plan": plan.describe(),
        "overage": {"mode": plan.overage, "cap_scu_per_hour": plan.overage_cap_scu_per_hour},
        "changes": schedule_changes(units),
        "hour_of_week_units": list(units),
        "holidays_at_off_hours_level": holidays,
        "notes": [
            "Hour 0 is Monday 00:00 in the time zone above; apply each change at the top of the hour "
            "(changes take effect within about 30 minutes).",
            "0 units means no capacity: a capacity holds 1 to 100 SCUs, so delete it and create it "
            "again before the next business window.",
            "Not tested against Azure by Copilot ROI: test the automation on your side first.",
        ],
    }


def apply_script(default_units: int, plan_description: str) -> bytes:
    """A bash script that sets a capacity's SCUs once: ``apply-capacity-change.sh ID [UNITS]``."""
    # The description comes from a validated plan; printable ASCII only, so a comment stays one line.
    described = re.sub(r"[^ -~]", "?", plan_description)
    text = f"""#!/usr/bin/env bash
# Apply one scheduled change of the Copilot ROI capacity schedule: set a Security Copilot
# capacity to NUMBER_OF_UNITS SCUs (default {default_units}, the plan's business-hours level).
# Plan: {described}
#
# `az security-copilot` is not an az command group: this uses the generic
#   az resource update --ids <capacity id> --set properties.numberOfUnits=N
# on the {CAPACITY_RESOURCE_TYPE} resource. It has not been run against Azure by
# Copilot ROI: test it on your side first (DRY_RUN=1 prints the command without running it).
#
# Usage: ./apply-capacity-change.sh CAPACITY_RESOURCE_ID [NUMBER_OF_UNITS]
set -euo pipefail
shopt -s nocasematch

capacity_id="${{1:-}}"
units="${{2:-{default_units}}}"
if [[ -z "$capacity_id" ]]; then
  echo "usage: $0 CAPACITY_RESOURCE_ID [NUMBER_OF_UNITS]" >&2
  exit 2
fi
id_pattern='^/subscriptions/[0-9a-f-]+/resourceGroups/[-a-z0-9._()]+/providers/'
id_pattern+='Microsoft\\.SecurityCopilot/capacities/[-a-z0-9_.]+$'
if [[ ! "$capacity_id" =~ $id_pattern ]]; then
  echo "not a {CAPACITY_RESOURCE_TYPE} resource id: $capacity_id" >&2
  exit 2
fi
if [[ ! "$units" =~ ^[0-9]+$ ]] || (( units < 1 || units > 100 )); then
  echo "NUMBER_OF_UNITS must be a whole number from 1 to 100 (0 means no capacity: delete it" >&2
  echo "with 'az resource delete --ids' and create it again before the next business window)" >&2
  exit 2
fi

command=(az resource update --ids "$capacity_id" --set "properties.numberOfUnits=$units")
if [[ "${{DRY_RUN:-0}}" == "1" ]]; then
  printf '%q ' "${{command[@]}}"
  printf '\\n'
  exit 0
fi
"${{command[@]}}"
"""
    return text.encode("utf-8")


def check_budget_start(start: dt.date, today: dt.date) -> None:
    """Refuse a start Azure would refuse: Cost Management budgets start on or after 1 June 2017
    and at most twelve months ahead (``BudgetTimePeriod.startDate``), so year 1 or 9999 is a typo.

    >>> check_budget_start(dt.date(9999, 12, 1), dt.date(2026, 12, 6))
    Traceback (most recent call last):
    ...
    ValueError: start date 9999-12-01: an Azure budget starts between 2017-06-01 and 2027-12-01 ...
    """
    latest = _add_months(today.replace(day=1), 12)
    if not EARLIEST_BUDGET_START <= start <= latest:
        raise ValueError(
            f"start date {start.isoformat()}: an Azure budget starts between "
            f"{EARLIEST_BUDGET_START.isoformat()} and {latest.isoformat()} (twelve months ahead)"
        )


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def first_of_next_month(today: dt.date) -> dt.date:
    """The default budget start: the first day of the month after ``today``."""
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def hand_off(
    plan: CapacityPlan,
    prices: Prices,
    usage: HourlySeries | None = None,
    start_date: dt.date | None = None,
    budget_name: str = "security-copilot-monthly",
    contact_emails: tuple[str, ...] = (),
    today: dt.date | None = None,
    timezone: str | None = None,
) -> HandOff:
    """Every hand-off file of ``plan`` (see the module docstring), in memory.

    The schedule's clock is the plan's schedule zone, else ``timezone``, else the usage's, else UTC.
    """
    today = today or dt.date.today()
    start = start_date or first_of_next_month(today)
    check_budget_start(start, today)
    monthly = expected_monthly_cost(plan, prices, usage)
    amount = max(1, math.ceil(round(monthly, 2)))
    units = weekly_units(plan)
    if plan.schedule is not None:
        timezone = plan.schedule.timezone
    else:
        fallback = usage.timezone if usage is not None else "UTC"
        timezone = check_timezone(fallback if timezone is None else timezone)
    template = budget_template(amount, prices.currency, plan.describe(), start, budget_name, contact_emails)
    business_units = max(units) if max(units) > 0 else 1
    files = {
        FILE_NAMES["budget"]: _json_bytes(template),
        FILE_NAMES["schedule_csv"]: schedule_csv(units, timezone),
        FILE_NAMES["schedule_json"]: _json_bytes(schedule_document(plan, units, timezone)),
        FILE_NAMES["script"]: apply_script(business_units, plan.describe()),
    }
    return HandOff(
        plan=plan,
        currency=prices.currency,
        monthly_cost=monthly,
        budget_amount=amount,
        start_date=start,
        hour_of_week_units=units,
        files=files,
    )


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, allow_nan=False) + "\n").encode("utf-8")
