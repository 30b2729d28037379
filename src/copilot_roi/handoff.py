"""Hand-off files for a chosen plan: an Azure budget (ARM template), the weekly capacity schedule
(CSV and JSON) and an az CLI script that applies one scheduled change. Nothing here contacts Azure.

* Budget: a Microsoft.Consumption/budgets resource deployed at resource-group scope (the group
  that holds the Security Copilot capacity), monthly. Azure budgets run on calendar months, so
  the amount is the plan's dearest calendar month (UTC) of the twelve from the start date, as
  the schedule is carried out (a 31-day month of 1 SCU is $2,976, not a 730-hour month's
  $2,920), rounded up to a whole currency unit. Alerts at 50, 80 and 100 % of actual cost and
  100 % of forecast cost of that amount go to the e-mail addresses passed as a parameter, so an
  idle month never fires the 100 % alert. The amount is in the plan's currency; Azure reads it
  in the billing currency. With usage, the observed overage cost per hour is added to each
  month's hours.
* Schedule: SCUs for each local hour of the week (Monday 00:00 = hour 0), and the changes an
  automation applies, each ``CHANGE_LEAD_MINUTES`` before its hour: a change takes effect within
  about 30 minutes, so it lands before the hour it is priced for. An hour bills every SCU
  provisioned at any time in it (``plans.billed_units_per_hour``), so a rise also bills its new
  level in the hour it lands in; the budget prices the schedule that way. The overage setting
  the plan was priced with is part of the schedule. A plan that deletes the capacity off-hours
  gets no schedule (see ``DELETION_NOT_OFFERED``): re-creating a capacity needs what Copilot
  ROI does not know.
* Script: `az security-copilot` is not an az command group; the script uses the generic
  `az resource update --ids <capacity id> --set properties.numberOfUnits=N` on the
  Microsoft.SecurityCopilot/capacities resource. It was not run against Azure here: test it on
  the customer side first (DRY_RUN=1 prints the command).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from copilot_roi.billing import bill
from copilot_roi.hourly import FloatArray, HourlySeries
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
# A change takes effect within about 30 minutes (pricing.md section 1): applied this long before
# its hour, it lands before the hour it is priced for.
CHANGE_LEAD_MINUTES = 30
BUDGET_MONTHS = 12
DELETION_NOT_OFFERED = (
    "No capacity schedule is offered for this plan: it deletes the capacity off-hours, and "
    "re-creating it each morning needs its name, resource group, region, geo and cross-geo "
    "compute setting, which Copilot ROI does not know, and its overage setting, which no "
    "published Azure property sets. Keep at least 1 SCU off-hours for a schedule that can be "
    "carried out as priced, or re-create the capacity with your own automation."
)
# Matched with ``fullmatch``: ``$`` alone also matches before a trailing newline. No control
# characters in an address either (they would land in the template's default value).
_BUDGET_NAME = re.compile(r"[A-Za-z0-9_-]{1,63}")
_ADDRESS_PART = r"[^@\s\"'<>,;\x00-\x1f\x7f-\x9f]+"
_EMAIL = re.compile(rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}")


@dataclass(frozen=True)
class BudgetMonth:
    """One calendar month (UTC) of the budget's first year: the plan's cost as carried out."""

    month: str  # "2027-03"
    hours: int
    cost: float


@dataclass(frozen=True)
class HandOff:
    plan: CapacityPlan
    currency: str
    monthly_cost: float  # the dearest calendar month's cost (``budget_month``)
    budget_amount: int  # monthly_cost rounded up to a whole unit (at least 1)
    budget_month: BudgetMonth  # the dearest of ``months`` (the first, on a tie)
    months: tuple[BudgetMonth, ...]  # the twelve from the start date
    start_date: dt.date
    hour_of_week_units: tuple[int, ...]  # 168 levels, Monday 00:00 local first
    files: dict[str, bytes]  # file name -> content
    schedule_not_offered: str | None = None  # why no schedule files, when there are none

    @property
    def budget_basis(self) -> str:
        """One sentence on what the budget covers (the template, the page and the CLI say it)."""
        m = self.budget_month
        return (
            f"the plan's dearest calendar month of the {len(self.months)} from "
            f"{self.start_date.isoformat()}, {m.month} ({m.hours} h, UTC): {m.cost:,.2f} "
            f"{self.currency} with each change applied {CHANGE_LEAD_MINUTES} minutes before its "
            "hour; alerts at 50, 80 and 100 % of it and at 100 % of forecast"
        )


def carried_out_units(levels: FloatArray) -> FloatArray:
    """SCUs billed in each hour when every change is applied ``CHANGE_LEAD_MINUTES`` before its
    hour: ``levels`` holds one more hour than is billed (a change at the next hour lands in the
    last one). A rise lands in the hour before its own and that hour bills the new level too; a
    fall lands before its hour, which bills the lower level. The same as
    ``plans.billed_units_per_hour`` on those change times (a test pins the two together).

    >>> carried_out_units(np.array([1.0, 1.0, 3.0, 3.0, 1.0, 1.0])).tolist()
    [1.0, 3.0, 3.0, 3.0, 1.0]
    """
    return np.maximum(levels[:-1], levels[1:])


def budget_months(
    plan: CapacityPlan, prices: Prices, start_date: dt.date, usage: HourlySeries | None = None
) -> tuple[BudgetMonth, ...]:
    """The plan's cost in each of the twelve calendar months (UTC, as Cost Management counts
    them) from ``start_date``, as the schedule is carried out (:func:`carried_out_units`).

    With usage, each month adds the observed overage cost per hour times its hours.

    >>> from copilot_roi.pricebook import list_prices
    >>> months = budget_months(CapacityPlan(provisioned_scu=1), list_prices(), dt.date(2027, 1, 1))
    >>> [(m.month, m.hours, m.cost) for m in months[:2]]  # 744 h x $4, then 672 h x $4
    [('2027-01', 744, 2976.0), ('2027-02', 672, 2688.0)]
    """
    start = pd.Timestamp(start_date, tz="UTC")
    hours = int((start + pd.DateOffset(months=BUDGET_MONTHS) - start) / pd.Timedelta(hours=1))
    # One hour past the year: a change at its first hour lands in the year's last one.
    levels = plan.provisioned_levels(HourlySeries(start, np.zeros(hours + 1)))
    billed = carried_out_units(levels)
    overage_per_hour = 0.0
    if usage is not None:
        if usage.hours == 0:
            raise ValueError("the usage has no hours to bill")
        overage_per_hour = bill(usage, plan, prices).totals.overage_cost / usage.hours
    month_ids, labels = HourlySeries(start, np.zeros(hours)).month_ids()
    scu_hours = np.bincount(month_ids, weights=billed, minlength=len(labels)).tolist()
    month_hours = np.bincount(month_ids, minlength=len(labels)).tolist()
    return tuple(
        BudgetMonth(
            month=label,
            hours=int(month_hours[i]),
            cost=round(
                float(scu_hours[i]) * prices.provisioned_per_scu_hour + overage_per_hour * month_hours[i], 2
            ),
        )
        for i, label in enumerate(labels)
    )


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
    """The hours of the week where the level changes (the week wraps), as automation steps: each
    applied ``CHANGE_LEAD_MINUTES`` before the hour it is priced for (``apply_at``).

    >>> step = schedule_changes(tuple([1] * 8 + [3] * 10 + [1] * 150))[0]
    >>> step["day"], step["time"], step["number_of_units"], step["action"], step["apply_at"]
    ('Mon', '08:00', 3, 'set', {'day': 'Mon', 'time': '07:30'})
    """
    changes = []
    for hour in range(HOURS_PER_WEEK):
        if units[hour] != units[hour - 1]:  # hour 0 compares with Sunday 23:00
            applied = (hour * 60 - CHANGE_LEAD_MINUTES) % (HOURS_PER_WEEK * 60)
            changes.append(
                {
                    "day": DAY_NAMES[hour // 24],
                    "time": f"{hour % 24:02d}:00",
                    "hour_of_week": hour,
                    "number_of_units": units[hour],
                    "action": "set" if units[hour] > 0 else "delete",
                    "apply_at": {
                        "day": DAY_NAMES[applied // (24 * 60)],
                        "time": f"{applied // 60 % 24:02d}:{applied % 60:02d}",
                    },
                }
            )
    return changes


def weekly_billed_units(units: tuple[int, ...]) -> tuple[int, ...]:
    """SCUs billed in each hour of the week as the schedule is carried out (the week wraps)."""
    levels = np.array([*units, units[0]], dtype=np.float64)
    return tuple(int(u) for u in carried_out_units(levels))


def budget_template(
    amount: int,
    currency: str,
    plan_description: str,
    start_date: dt.date,
    budget_name: str = "security-copilot-monthly",
    contact_emails: tuple[str, ...] = (),
    basis: str = "the plan's expected month",
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
            f"Security Copilot capacity. Plan: {plan_description}. Amount: {basis}. Amount in "
            f"{currency}; Azure reads it in the billing currency. Made by Copilot ROI; review before "
            "deploying.",
        },
        "parameters": {
            "budgetName": {"type": "string", "defaultValue": budget_name, "maxLength": 63},
            "amount": {
                "type": "int",
                "defaultValue": amount,
                "minValue": 1,
                "metadata": {"description": f"Monthly budget ({currency}): {basis}"},
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
    """The weekly table: one row per local hour of the week (168 rows), formula-safe.

    ``billed_units``: what the hour bills as the schedule is carried out (a rise lands in the hour
    before its own)."""
    frame = pd.DataFrame(
        {
            "hour_of_week": range(HOURS_PER_WEEK),
            "day": [DAY_NAMES[h // 24] for h in range(HOURS_PER_WEEK)],
            "local_time": [f"{h % 24:02d}:00" for h in range(HOURS_PER_WEEK)],
            "number_of_units": list(units),
            "billed_units": list(weekly_billed_units(units)),
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
        "format_version": 2,
        "resource_type": CAPACITY_RESOURCE_TYPE,
        "property": "properties.numberOfUnits",
        "timezone": timezone,
        "plan": plan.describe(),
        "lead_minutes": CHANGE_LEAD_MINUTES,
        "overage": {
            "mode": plan.overage,
            "cap_scu_per_hour": plan.overage_cap_scu_per_hour if plan.overage == "capped" else None,
            "set_to": _overage_setting(plan),
        },
        "changes": schedule_changes(units),
        "hour_of_week_units": list(units),
        "hour_of_week_billed_units": list(weekly_billed_units(units)),
        "holidays_at_off_hours_level": holidays,
        "notes": [
            "Hour 0 is Monday 00:00 in the time zone above. Apply each change at its apply_at time, "
            f"{CHANGE_LEAD_MINUTES} minutes before its hour: a change takes effect within about 30 "
            "minutes, so it lands before the hour it is priced for.",
            "An hour bills every SCU provisioned at any time in it, so a rise also bills its new "
            "level in the hour it lands in (hour_of_week_billed_units); the budget includes it.",
            f"Before the first change, set the capacity's overage to {_overage_setting(plan)} (the "
            "capacity's overage setting, in Security Copilot's owner settings): the plan was "
            "priced with it, and it stays set while the capacity exists.",
            "Not tested against Azure by Copilot ROI: test the automation on your side first.",
        ],
    }


def _overage_setting(plan: CapacityPlan) -> str:
    if plan.overage == "unlimited":
        return "unlimited"
    if plan.overage == "capped":
        return f"at most {plan.overage_cap_scu_per_hour:g} SCU per hour"
    return "off"


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
# Run it {CHANGE_LEAD_MINUTES} minutes before the hour a change is priced for (the schedule's apply_at): a
# change takes effect within about 30 minutes. The overage setting the plan was priced with is set
# once on the capacity (see the schedule's "overage"); this script does not change it.
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
    months = budget_months(plan, prices, start, usage)
    dearest = max(months, key=lambda m: m.cost)  # the first of equals
    amount = max(1, math.ceil(round(dearest.cost, 2)))
    units = weekly_units(plan)
    if plan.schedule is not None:
        timezone = plan.schedule.timezone
    else:
        fallback = usage.timezone if usage is not None else "UTC"
        timezone = check_timezone(fallback if timezone is None else timezone)
    result = HandOff(
        plan=plan,
        currency=prices.currency,
        monthly_cost=dearest.cost,
        budget_amount=amount,
        budget_month=dearest,
        months=months,
        start_date=start,
        hour_of_week_units=units,
        files={},
        schedule_not_offered=DELETION_NOT_OFFERED if plan.deletes_capacity_off_hours else None,
    )
    template = budget_template(
        amount, prices.currency, plan.describe(), start, budget_name, contact_emails, result.budget_basis
    )
    files = {FILE_NAMES["budget"]: _json_bytes(template)}
    if result.schedule_not_offered is None:
        business_units = max(units) if max(units) > 0 else 1
        files |= {
            FILE_NAMES["schedule_csv"]: schedule_csv(units, timezone),
            FILE_NAMES["schedule_json"]: _json_bytes(schedule_document(plan, units, timezone)),
            FILE_NAMES["script"]: apply_script(business_units, plan.describe()),
        }
    return dataclasses.replace(result, files=files)


def _json_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, allow_nan=False) + "\n").encode("utf-8")
