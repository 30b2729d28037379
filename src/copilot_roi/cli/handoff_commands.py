"""``copilot-roi handoff``: write the budget, capacity schedule and az script files for a plan."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.cli.arguments import single_line_argument
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.output_files import write_outputs
from copilot_roi.cli.pricing_commands import (
    _date,
    _friendly_validation,
    _plan_arguments,
    _price_arguments,
    _usage_arguments,
    plan_from_args,
    prices_from_args,
    usage_from_args,
)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "handoff",
        help="budget (ARM template), capacity schedule (CSV, JSON) and az script for a plan",
        description="Write hand-off files for a plan (same plan arguments as 'price'). "
        "Nothing contacts Azure; test the files on your side before use.",
    )
    _plan_arguments(parser, scu_required=True)
    _usage_arguments(parser)
    _price_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write to")
    parser.add_argument(
        "--start-date", type=_date, help="budget start, the first of a month (default: next month)"
    )
    parser.add_argument("--budget-name", default="security-copilot-monthly", type=single_line_argument)
    parser.add_argument(
        "--email",
        type=single_line_argument,
        action="append",
        default=[],
        dest="emails",
        help="budget alert recipient (repeat); else pass contactEmails when deploying",
    )
    parser.add_argument("--json", action="store_true", help="print what was written as JSON")
    parser.set_defaults(handler=run_handoff)


def run_handoff(args: argparse.Namespace) -> None:
    from copilot_roi.handoff import CHANGE_LEAD_MINUTES, hand_off

    with _friendly_validation():
        prices = prices_from_args(args)
        plan = plan_from_args(args, args.scu)
    usage = usage_from_args(args)
    result = hand_off(
        plan,
        prices,
        usage=usage,
        start_date=args.start_date,
        budget_name=args.budget_name,
        contact_emails=tuple(args.emails),
        today=dt.date.today(),
        timezone=args.tz,
    )
    scripts = frozenset(name for name in result.files if name.endswith(".sh"))
    outputs = write_outputs(args.out, result.files, executable=scripts)
    written = [str(w.path) for w in outputs]
    payload = {
        "plan": plan.describe(),
        "monthly_cost": result.monthly_cost,
        "budget_amount": result.budget_amount,
        "budget_month": result.budget_month.month,
        "budget_basis": result.budget_basis,
        "months": [{"month": m.month, "hours": m.hours, "cost": m.cost} for m in result.months],
        "lead_minutes": CHANGE_LEAD_MINUTES,
        "schedule_not_offered": result.schedule_not_offered,
        "currency": result.currency,
        "start_date": result.start_date.isoformat(),
        "files": written,
    }
    if args.json:
        emit_json(payload)
        return
    not_offered = f"  {result.schedule_not_offered}\n" if result.schedule_not_offered else ""
    sys.stdout.write(
        f"{payload['plan']}: budget {result.budget_amount:,} {result.currency} a month from "
        f"{payload['start_date']}: {result.budget_basis}\n"
        + not_offered
        + "".join(f"  {w.line()}\n" for w in outputs)
    )
