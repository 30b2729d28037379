"""CLI commands ``price`` and ``optimize``: quote a plan, or right-size one, with the billing engine."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from copilot_roi.billing import bill
from copilot_roi.cli.arguments import add_e5_pay_as_you_go_argument, add_timezone_argument
from copilot_roi.cli.errors import CliError, describe_validation_error
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.model_files import load_model
from copilot_roi.estimate import EstimateInputs, build_profile
from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, HourlySeries
from copilot_roi.optimizer import optimize
from copilot_roi.plans import CapacityPlan, OverageMode, Schedule
from copilot_roi.pricebook import PriceOverrides, Prices, effective_prices, load_price_book
from copilot_roi.usage.ingest import UsageDataset

DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def register(sub: Any) -> None:
    price = sub.add_parser("price", help="what a capacity plan costs")
    _plan_arguments(price, scu_required=True)
    price.add_argument("--months", type=_positive_int, default=12, help="billing months of 730 h")
    _usage_arguments(price)
    add_workspace_arguments(price)
    _price_arguments(price)
    price.add_argument("--json", action="store_true", help="print JSON")
    price.set_defaults(handler=run_price)

    opt = sub.add_parser("optimize", help="recommend the cheapest plan for the usage")
    _plan_arguments(opt, scu_required=False)
    _usage_arguments(opt)
    opt.add_argument(
        "--estimate",
        type=Path,
        help="JSON of estimate assumptions (see EstimateInputs); default: the bundled sample profile",
    )
    opt.add_argument("--throttle-budget", type=_non_negative_float, default=0.0, metavar="SCU")
    opt.add_argument("--growth", type=float, default=0.0, metavar="PCT", help="scale usage by +PCT %%")
    opt.add_argument(
        "--allow-off-hours-deletion",
        action="store_true",
        help="also consider schedules that delete the capacity off-hours (nothing served then "
        "except from the E5/E7 pool; the rest is throttled and counts against --throttle-budget)",
    )
    add_workspace_arguments(opt)
    _price_arguments(opt)
    opt.add_argument("--json", action="store_true", help="print JSON")
    opt.set_defaults(handler=run_optimize)


def _plan_arguments(parser: argparse.ArgumentParser, scu_required: bool) -> None:
    parser.add_argument(
        "--scu",
        type=_scu_level,
        required=scu_required,
        help="provisioned SCUs 24x7 (1..100; 0 = none, only with --e5-licenses); "
        "with --schedule, the business-hours level",
    )
    parser.add_argument(
        "--overage",
        type=_overage,
        default=("none", 0.0),
        metavar="none|unlimited|CAP",
        help="overage off, unlimited, or capped at CAP SCUs per hour",
    )
    parser.add_argument("--e5-licenses", type=_non_negative_int, default=0, dest="e5_licences")
    add_e5_pay_as_you_go_argument(parser)
    parser.add_argument(
        "--schedule",
        metavar="DAYS,HH-HH",
        help="business hours, e.g. 'mon-fri,08-18'; other hours use --off-hours-scu",
    )
    parser.add_argument(
        "--off-hours-scu",
        type=_scu_level,
        help="with --schedule: SCUs outside business hours (1..100), or 0 to delete the capacity "
        "off-hours (nothing served then except from the E5/E7 pool)",
    )
    add_timezone_argument(parser, "time zone of the schedule and the usage export")


def add_workspace_arguments(parser: argparse.ArgumentParser, per_workspace_flag: bool = True) -> None:
    if per_workspace_flag:
        parser.add_argument(
            "--per-workspace",
            action="store_true",
            help="bill each workspace of the usage on its own capacity (automatic with more than one)",
        )
    parser.add_argument(
        "--workspace-plan",
        action="append",
        default=[],
        type=workspace_plan_argument,
        metavar="NAME=SCU[:none|unlimited|CAP]",
        help="a flat 24x7 plan for one workspace (repeatable); the others take the command's plan",
    )


def workspace_plan_argument(text: str) -> tuple[str, int, tuple[str, float]]:
    """``NAME=SCU[:OVERAGE]``: a workspace name, its SCUs (0..100) and its overage setting."""
    name, equals, spec = text.rpartition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME=SCU[:none|unlimited|CAP], e.g. 'SOC=2:unlimited'"
        )
    scu_text, _, overage_text = spec.partition(":")
    return name.strip(), _scu_level(scu_text.strip()), _overage(overage_text or "none")


def _usage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--usage", nargs="+", type=Path, metavar="FILE", help="usage export(s)")
    parser.add_argument(
        "--as-of",
        type=_date,
        help="date the export was taken (YYYY-MM-DD); anchors the year; default today",
    )


def _price_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--price-per-scu-hour", type=_non_negative_float, metavar="USD")
    parser.add_argument("--overage-price", type=_non_negative_float, metavar="USD")
    parser.add_argument("--discount", type=_non_negative_float, default=0.0, metavar="PCT")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--fx-rate", type=float, default=1.0, help="units of --currency per USD")


def prices_from_args(args: argparse.Namespace) -> Prices:
    overrides = PriceOverrides(
        provisioned_price_per_scu_hour_usd=args.price_per_scu_hour,
        overage_price_per_scu_usd=args.overage_price,
        discount_share=args.discount / 100,
        currency=args.currency.upper(),
        usd_to_currency_rate=args.fx_rate,
    )
    return effective_prices(load_price_book(), overrides)


def plan_from_args(args: argparse.Namespace, scu: int) -> CapacityPlan:
    mode, cap = args.overage
    schedule = None
    if args.schedule:
        days, start, end = _parse_schedule(args.schedule)
        if scu == 0:
            raise CliError("--scu with --schedule is the business-hours level: 1..100 SCUs")
        if args.off_hours_scu is None:
            # Deleting the capacity each evening refuses off-hours work: the user must say so.
            raise CliError(
                "--schedule needs --off-hours-scu: 1..100 SCUs, or 0 to delete the capacity "
                "off-hours (nothing served then except from the E5/E7 pool)"
            )
        schedule = Schedule(
            timezone=args.tz,
            business_days=days,
            business_start_hour=start,
            business_end_hour=end,
            business_scu=scu,
            off_hours_scu=args.off_hours_scu,
        )
    elif args.off_hours_scu is not None:
        raise CliError("--off-hours-scu applies only with --schedule")
    # Not given: the plan's default, the price book's status.
    switch = {} if args.e5_pay_as_you_go is None else {"e5_pay_as_you_go": args.e5_pay_as_you_go}
    return CapacityPlan(
        provisioned_scu=scu,
        schedule=schedule,
        overage=mode,
        overage_cap_scu_per_hour=cap,
        e5_licences=args.e5_licences,
        **switch,
    )


def usage_from_args(args: argparse.Namespace) -> HourlySeries | None:
    dataset = usage_dataset_from_args(args)
    return None if dataset is None else dataset.hourly


def usage_dataset_from_args(args: argparse.Namespace) -> UsageDataset | None:
    """The ``--usage`` exports read, merged and bucketed (None without ``--usage``)."""
    if not args.usage:
        if getattr(args, "per_workspace", False) or getattr(args, "workspace_plan", None):
            raise CliError("--per-workspace and --workspace-plan need --usage (an export's workspaces)")
        return None
    from copilot_roi.cli.workspace_arguments import usage_dataset
    from copilot_roi.usage import IngestOptions

    return usage_dataset(args.usage, IngestOptions(as_of=args.as_of, timezone=args.tz))


def run_price(args: argparse.Namespace) -> None:

    with _friendly_validation():
        prices = prices_from_args(args)
        plan = plan_from_args(args, args.scu)
        dataset = usage_dataset_from_args(args)
        series = (
            dataset.hourly
            if dataset
            else HourlySeries.zeros(args.months * HOURS_PER_BILLING_MONTH, timezone=args.tz)
        )
    if dataset is not None and _price_per_workspace(args, dataset, plan, prices):
        return
    totals = bill(series, plan, prices).totals
    payload = {
        "plan": plan.describe(),
        "e5_pay_as_you_go": plan.e5_pay_as_you_go,
        "hours": totals.hours,
        "months": totals.months,
        "consumed_units": totals.consumed_units,
        "pool_allowance_units": totals.pool_allowance_units,
        "pool_units_used": totals.pool_units_used,
        "provisioned_scu_hours": totals.provisioned_scu_hours,
        "provisioned_cost": round(totals.provisioned_cost, 2),
        "overage_units": round(totals.overage_units, 1),
        "overage_cost": round(totals.overage_cost, 2),
        "throttled_units": round(totals.throttled_units, 3),
        "total_cost": round(totals.total_cost, 2),
        "currency": totals.currency,
    }
    if args.json:
        emit_json(payload)
        return
    print(f"{payload['plan']} over {totals.hours:,} hours ({totals.months} billing months)")
    print(f"  provisioned  {totals.provisioned_cost:>14,.2f} {totals.currency}")
    print(
        f"  overage      {totals.overage_cost:>14,.2f} {totals.currency}  ({totals.overage_units:,.1f} SCU)"
    )
    print(f"  total        {totals.total_cost:>14,.2f} {totals.currency}")
    if totals.throttled_units:
        print(f"  throttled    {totals.throttled_units:>14,.1f} SCU of demand refused")


def run_optimize(args: argparse.Namespace) -> None:

    with _friendly_validation():
        prices = prices_from_args(args)
        current = plan_from_args(args, args.scu) if args.scu is not None else None
        dataset = usage_dataset_from_args(args)
        series = dataset.hourly if dataset else build_profile(_estimate_inputs(args))
    if dataset is not None and _optimize_per_workspace(args, dataset, prices, current):
        return
    if args.growth:
        if args.growth <= -100:
            raise CliError("--growth must be above -100 (percent)")
        series = HourlySeries(series.start, series.units_scu * (1 + args.growth / 100), series.month_basis)
    result = optimize(
        series,
        prices,
        current_plan=current,
        throttle_budget_units=args.throttle_budget,
        e5_licences=args.e5_licences,
        allow_off_hours_deletion=args.allow_off_hours_deletion,
        e5_pay_as_you_go=args.e5_pay_as_you_go,
    )
    payload = {
        "hours": series.hours,
        "currency": prices.currency,
        "throttle_budget_units": args.throttle_budget,
        "allow_off_hours_deletion": args.allow_off_hours_deletion,
        "e5_pay_as_you_go": result.recommended.plan.e5_pay_as_you_go,
        "plans_considered": result.plans_considered,
        "recommended": result.recommended.as_dict(),
        "current": result.current.as_dict() if result.current else None,
        "baseline": result.baseline.as_dict(),
        "candidates": [c.as_dict() for c in result.candidates],
    }
    if args.json:
        emit_json(payload)
        return
    rec = result.recommended
    print(f"Recommended: {rec.description}")
    print(
        f"  total {rec.total_cost:,.2f} {prices.currency} over {series.hours:,} hours, "
        f"throttled {rec.throttled_units:,.1f} SCU"
    )
    if result.current:
        print(f"Current:     {result.current.description}: {result.current.total_cost:,.2f}")
    print(f"24x7 peak baseline: {result.baseline.description}: {result.baseline.total_cost:,.2f}")


def _price_per_workspace(
    args: argparse.Namespace, dataset: UsageDataset, plan: CapacityPlan, prices: Prices
) -> bool:
    """Print each workspace's bill and the total when the usage is billed per workspace."""
    from copilot_roi.cli.workspace_arguments import per_workspace, workspace_bills, workspace_plans
    from copilot_roi.usage.workspaces import split_by_workspace

    workspaces = split_by_workspace(dataset)
    if not per_workspace(args, workspaces):
        return False
    with _friendly_validation():
        own = workspace_plans(args, plan)
    billed = workspace_bills(workspaces, own, prices, plan)
    payload = {
        "plan": plan.describe(),
        "e5_pay_as_you_go": plan.e5_pay_as_you_go,
        "hours": dataset.hourly.hours,
        **billed["total"],
        "workspaces": billed["workspaces"],
    }
    if args.json:
        emit_json(payload)
        return True
    money = payload["currency"]
    print(f"{len(workspaces)} workspaces, each on its own capacity, over {dataset.hourly.hours:,} hours")
    for w in billed["workspaces"]:
        print(f"  {w['workspace']}: {w['plan']}: {w['total_cost']:>14,.2f} {money}")
    print(f"  total {payload['total_cost']:>14,.2f} {money}")
    return True


def _optimize_per_workspace(
    args: argparse.Namespace, dataset: UsageDataset, prices: Prices, current: CapacityPlan | None
) -> bool:
    """Print each workspace's right-sized plan and the sums when the usage is sized per workspace."""
    from copilot_roi.cli.workspace_arguments import per_workspace, workspace_sizing
    from copilot_roi.usage.workspaces import split_by_workspace

    if not per_workspace(args, split_by_workspace(dataset)):
        return False
    with _friendly_validation():
        payload = workspace_sizing(args, dataset, prices, current, args.e5_licences)
    if args.json:
        emit_json(payload)
        return True
    for w in payload["workspaces"]:
        rec = w["recommended"]
        print(f"{w['workspace']}: {rec['description']}: {rec['total_cost']:,.2f} {prices.currency}")
    print(f"Total recommended: {payload['recommended_total_cost']:,.2f} {prices.currency}")
    return True


def _estimate_inputs(args: argparse.Namespace) -> EstimateInputs:
    if args.estimate is None:
        return EstimateInputs(timezone=args.tz)
    return load_model(args.estimate, EstimateInputs, "estimate assumptions")


@contextmanager
def _friendly_validation() -> Iterator[None]:
    """Turn a pydantic error in argument-built models into one CLI line (exit code 2)."""
    try:
        yield
    except ValidationError as error:
        raise CliError(describe_validation_error(error)) from error


def _parse_schedule(text: str) -> tuple[tuple[int, ...], int, int]:
    try:
        days_text, hours_text = text.lower().replace(" ", "").split(",")
        start_text, end_text = hours_text.split("-")
        if "-" in days_text:
            first, last = (DAY_INDEX[d] for d in days_text.split("-"))
            days = tuple(range(first, last + 1)) if first <= last else ()
        else:
            days = tuple(DAY_INDEX[d] for d in days_text.split("+"))
        start, end = int(start_text), int(end_text)
    except (ValueError, KeyError) as error:
        raise CliError(
            f"--schedule {text!r}: expected DAYS,HH-HH such as 'mon-fri,08-18' or 'sat+sun,10-16'"
        ) from error
    if not days:
        raise CliError(f"--schedule {text!r}: no business days")
    return days, start, end


def _overage(text: str) -> tuple[OverageMode, float]:
    lowered = text.strip().lower()
    if lowered in ("none", "off"):
        return ("none", 0.0)
    if lowered == "unlimited":
        return ("unlimited", 0.0)
    cap = _non_negative_float(text)
    return ("capped", cap) if cap > 0 else ("none", 0.0)


def _scu_level(text: str) -> int:
    value = _non_negative_int(text)
    if value > 100:
        raise argparse.ArgumentTypeError("provisioned SCUs are 0..100 per capacity")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from error
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0 or value > 1200:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 1 and 1200")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from error
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number >= 0")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error
