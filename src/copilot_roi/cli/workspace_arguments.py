"""Workspaces on the command line: a plan per workspace, and the per-workspace JSON of price and optimize.

A usage export with a workspace column is billed per workspace, each on its own capacity
(``copilot_roi.usage.workspaces``). ``price`` and ``optimize`` do it with ``--per-workspace``, and
on their own when the usage holds more than one workspace (one capacity for all of them is not
something Microsoft sells). The plan given by ``--scu``/``--schedule``/``--overage`` applies to every
workspace; ``--workspace-plan NAME=SCU[:none|unlimited|CAP]`` (repeatable) gives one workspace a
flat 24x7 level of its own. The E5/E7 licences and pay-as-you-go are the tenant's, shared by all.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from copilot_roi.cli.errors import CliError
from copilot_roi.optimizer import Candidate
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices
from copilot_roi.usage.ingest import IngestOptions, UsageDataset
from copilot_roi.usage.workspaces import (
    WorkspaceUsage,
    bill_workspaces,
    optimize_workspaces,
    scaled,
    split_by_workspace,
)


def workspace_plans(args: argparse.Namespace, base: CapacityPlan) -> dict[str, CapacityPlan]:
    """The plans ``--workspace-plan`` gives, each with the tenant's E5/E7 settings of ``base``."""
    plans: dict[str, CapacityPlan] = {}
    for name, scu, (mode, cap) in args.workspace_plan:
        if name in plans:
            raise CliError(f"--workspace-plan {name!r} is given twice")
        plans[name] = CapacityPlan(
            provisioned_scu=scu,
            overage=mode,
            overage_cap_scu_per_hour=cap,
            e5_licences=base.e5_licences,
            e5_pay_as_you_go=base.e5_pay_as_you_go,
        )
    return plans


def usage_dataset(paths: Sequence[Path], options: IngestOptions) -> UsageDataset:
    from copilot_roi.usage import UntrustedFileError, ingest_paths

    for path in paths:
        if not path.is_file():
            raise CliError(f"{path}: no such file", exit_code=1)
    try:
        return ingest_paths(paths, options)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error


def per_workspace(args: argparse.Namespace, workspaces: Sequence[WorkspaceUsage]) -> bool:
    return bool(args.per_workspace or args.workspace_plan or len(workspaces) > 1)


def workspace_bills(
    workspaces: Sequence[WorkspaceUsage], plans: dict[str, CapacityPlan], prices: Prices, base: CapacityPlan
) -> dict[str, Any]:
    """``workspaces`` (one bill each) and ``total`` (their sum) as JSON-ready data."""
    try:
        return bill_workspaces(workspaces, plans, prices, base).as_dict()
    except ValueError as error:
        raise CliError(str(error)) from error


def workspace_sizing(
    args: argparse.Namespace,
    dataset: UsageDataset,
    prices: Prices,
    current: CapacityPlan | None,
    e5_licences: int,
) -> dict[str, Any]:
    """The optimizer's answer per workspace and the sums of the recommended and current plans."""
    workspaces = split_by_workspace(dataset)
    if args.growth:
        try:
            workspaces = scaled(workspaces, args.growth)
        except ValueError as error:
            raise CliError("--growth must be above -100 (percent)") from error
    base = current or CapacityPlan(provisioned_scu=1, e5_licences=e5_licences)
    own = workspace_plans(args, base)
    unknown = sorted(set(own) - {w.name for w in workspaces})
    if unknown:
        raise CliError(f"--workspace-plan: no workspace called {unknown[0]!r} in the usage")
    currents = {w.name: own.get(w.name, current) for w in workspaces}
    sizings = optimize_workspaces(
        workspaces,
        prices,
        current={name: plan for name, plan in currents.items() if plan is not None},
        throttle_budget_units=args.throttle_budget,
        e5_licences=e5_licences,
        allow_off_hours_deletion=args.allow_off_hours_deletion,
        e5_pay_as_you_go=args.e5_pay_as_you_go,
    )

    def total(candidates: list[Candidate | None]) -> float | None:
        if any(c is None for c in candidates):
            return None
        return round(sum(c.total_cost for c in candidates if c is not None), 2)

    return {
        "hours": dataset.hourly.hours,
        "currency": prices.currency,
        "throttle_budget_units_per_workspace": args.throttle_budget,
        "allow_off_hours_deletion": args.allow_off_hours_deletion,
        "workspaces": [
            {
                **s.workspace.as_dict(),
                "recommended": s.result.recommended.as_dict(),
                "current": s.result.current.as_dict() if s.result.current else None,
                "baseline": s.result.baseline.as_dict(),
            }
            for s in sizings
        ],
        "recommended_total_cost": total([s.result.recommended for s in sizings]),
        "current_total_cost": total([s.result.current for s in sizings]),
        "baseline_total_cost": total([s.result.baseline for s in sizings]),
    }
