"""``copilot-roi handoff``: write the budget, capacity schedule and az script files for a plan."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.cli.arguments import single_line_argument
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.output_files import write_outputs
from copilot_roi.cli.pricing_commands import (
    _date,
    _friendly_validation,
    _plan_arguments,
    _price_arguments,
    _usage_arguments,
    add_workspace_arguments,
    plan_from_args,
    prices_from_args,
    usage_dataset_from_args,
)
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices
from copilot_roi.usage.ingest import UsageDataset
from copilot_roi.wording import counted

DEFAULT_BUDGET_NAME = "security-copilot-monthly"
# Per workspace, each budget is this prefix (or --budget-name) and the workspace's name.
WORKSPACE_BUDGET_PREFIX = "security-copilot"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "handoff",
        help="budget (ARM template), capacity schedule (CSV, JSON) and az script for a plan",
        description="Write hand-off files for a plan (same plan arguments as 'price'). "
        "Nothing contacts Azure; test the files on your side before use.",
    )
    _plan_arguments(parser, scu_required=True)
    _usage_arguments(parser)
    add_workspace_arguments(parser)
    _price_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write to")
    parser.add_argument(
        "--start-date", type=_date, help="budget start, the first of a month (default: next month)"
    )
    parser.add_argument(
        "--budget-name",
        type=single_line_argument,
        help=f"the budget's name (default {DEFAULT_BUDGET_NAME}); per workspace, the prefix of each "
        f"workspace's budget name (default {WORKSPACE_BUDGET_PREFIX})",
    )
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
    dataset = usage_dataset_from_args(args)
    if dataset is not None and _handoff_per_workspace(args, dataset, plan, prices):
        return
    result = hand_off(
        plan,
        prices,
        usage=None if dataset is None else dataset.hourly,
        start_date=args.start_date,
        budget_name=args.budget_name or DEFAULT_BUDGET_NAME,
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


def _handoff_per_workspace(
    args: argparse.Namespace, dataset: UsageDataset, plan: CapacityPlan, prices: Prices
) -> bool:
    """Write one hand-off per workspace capacity, each in its own sub-folder of ``--out``.

    Used when the usage is billed per workspace (as ``price`` does: ``--per-workspace``,
    ``--workspace-plan``, or an export with more than one workspace). Each workspace's budget
    prices its own capacity; the total is the sum of the budgets.
    """
    from copilot_roi.cli.output_files import write_output_folders
    from copilot_roi.cli.workspace_arguments import per_workspace, workspace_plans
    from copilot_roi.handoff import CHANGE_LEAD_MINUTES
    from copilot_roi.usage.workspaces import (
        bill_workspaces,
        budget_name_for,
        split_by_workspace,
        workspace_handoffs,
        workspace_slugs,
    )

    workspaces = split_by_workspace(dataset)
    if not per_workspace(args, workspaces):
        return False
    with _friendly_validation():
        own = workspace_plans(args, plan)
    try:
        billing = bill_workspaces(workspaces, own, prices, plan)
    except ValueError as error:
        raise CliError(str(error)) from error
    prefix = args.budget_name or WORKSPACE_BUDGET_PREFIX
    handoffs = workspace_handoffs(
        billing,
        prices,
        start_date=args.start_date,
        contact_emails=tuple(args.emails),
        today=dt.date.today(),
        budget_prefix=prefix,
    )
    money = prices.currency
    slugs = workspace_slugs([w.name for w in workspaces])
    scripts = frozenset(name for h in handoffs.values() for name in h.files if name.endswith(".sh"))
    written = write_output_folders(
        args.out, {slugs[name]: h.files for name, h in handoffs.items()}, executable=scripts
    )
    no_capacity = "no capacity of its own (the E5/E7 pool alone): nothing to budget or schedule"
    rows: list[dict[str, Any]] = []
    lines = [f"{counted(len(workspaces), 'workspace')}, each on its own capacity: one hand-off each"]
    for b in billing.bills:
        name = b.workspace.name
        result = handoffs.get(name)
        files = written.get(slugs[name], [])
        rows.append(
            {
                "workspace": name,
                "plan": b.plan.describe(),
                "folder": str(args.out / slugs[name]) if result else None,
                "budget_name": budget_name_for(slugs[name], prefix) if result else None,
                "budget_amount": result.budget_amount if result else None,
                "monthly_cost": result.monthly_cost if result else None,
                "budget_month": result.budget_month.month if result else None,
                "budget_basis": result.budget_basis if result else no_capacity,
                "schedule_not_offered": result.schedule_not_offered if result else None,
                "files": [str(w.path) for w in files],
            }
        )
        budget = f"budget {result.budget_amount:,} {money} a month: " if result else ""
        lines.append(f"{name}: {b.plan.describe()}: {budget}{result.budget_basis if result else no_capacity}")
        if result and result.schedule_not_offered:
            lines.append(f"  {result.schedule_not_offered}")
        lines.extend(f"  {w.line()}" for w in files)
    total_budget = sum(h.budget_amount for h in handoffs.values())
    lines.append(f"total: budgets of {total_budget:,} {money} a month")
    payload = {
        "plan": plan.describe(),
        "workspaces": rows,
        "total": {
            "budget_amount": total_budget,
            "monthly_cost": round(sum(h.monthly_cost for h in handoffs.values()), 2),
        },
        "lead_minutes": CHANGE_LEAD_MINUTES,
        "currency": money,
        "start_date": next(iter(handoffs.values())).start_date.isoformat() if handoffs else None,
    }
    if args.json:
        emit_json(payload)
    else:
        sys.stdout.write("".join(f"{line}\n" for line in lines))
    return True
