"""``copilot-roi usage``: read usage exports and print what they hold (same numbers as the page)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.cli.arguments import add_e5_pay_as_you_go_argument, add_timezone_argument
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.pricing_commands import (
    _non_negative_int,
    _price_arguments,
    add_workspace_arguments,
    prices_from_args,
)
from copilot_roi.usage.agents import TOP_AGENTS


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "usage",
        help="read usage exports (xlsx/csv): totals, breakdowns, rejected rows",
        description="Read, merge and de-duplicate usage exports and report what they hold.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="usage export(s)")
    parser.add_argument(
        "--as-of",
        type=_date,
        help="date the export was taken (YYYY-MM-DD); anchors the year; default today",
    )
    add_timezone_argument(parser, "time zone of the export's clock times")
    parser.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace user names with aliases (random per run)",
    )
    pool = parser.add_argument_group("E5/E7 pool forecast (the 'pool' key)")
    pool.add_argument(
        "--e5-licenses",
        type=_non_negative_int,
        default=0,
        dest="e5_licences",
        help="E5/E7 licences: forecast the monthly pool (min(10000, 0.4 x licences) SCUs)",
    )
    pool.add_argument(
        "--growth", type=float, default=0.0, metavar="PCT", help="next month's usage growth, percent"
    )
    add_e5_pay_as_you_go_argument(pool)
    _price_arguments(parser)
    # The 'workspaces' key bills each workspace under the default plan or its --workspace-plan.
    add_workspace_arguments(parser, per_workspace_flag=False)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--all-agents",
        action="store_true",
        help=f"list every agent of the rate card (default: the {TOP_AGENTS} with the most SCUs, "
        "the rest summed as other agents)",
    )
    parser.set_defaults(handler=run_usage)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def run_usage(args: argparse.Namespace) -> None:
    from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_paths
    from copilot_roi.usage.pseudonymise import new_key
    from copilot_roi.usage.report import usage_payload

    for path in args.files:
        if not path.is_file():
            raise CliError(f"{path}: no such file", exit_code=1)
    options = IngestOptions(as_of=args.as_of, timezone=args.tz)
    try:
        dataset = ingest_paths(args.files, options)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    from copilot_roi.cli.workspace_arguments import workspace_plans
    from copilot_roi.plans import DEFAULT_PLAN

    # Each workspace is billed on its own capacity: the case's default plan with the tenant's
    # E5/E7 settings, or its --workspace-plan.
    switch = {} if args.e5_pay_as_you_go is None else {"e5_pay_as_you_go": args.e5_pay_as_you_go}
    plan = DEFAULT_PLAN.model_copy(update={"e5_licences": args.e5_licences, **switch})
    try:
        payload = usage_payload(
            dataset,
            new_key() if args.pseudonymise else None,
            agent_limit=None if args.all_agents else TOP_AGENTS,
            workspace_plans=workspace_plans(args, plan),
            plan=plan,
            prices=prices_from_args(args),
        )
    except ValueError as error:  # a --workspace-plan for a workspace the usage does not hold
        raise CliError(str(error)) from error
    if args.e5_licences:
        from copilot_roi.usage.burndown import pool_forecast

        forecast = pool_forecast(
            dataset.hourly,
            args.e5_licences,
            prices_from_args(args),
            growth_pct=args.growth,
            e5_pay_as_you_go=args.e5_pay_as_you_go,
        )
        payload["pool"] = forecast.as_dict()
    if args.json:
        emit_json(payload)
    else:
        sys.stdout.write(_human(payload))


def _human(p: dict[str, Any]) -> str:
    lines = [
        f"Files: {', '.join(p['files'])} (time zone {p['timezone']}, "
        f"export taken on {p['as_of']}, year {'/'.join(map(str, p['inferred_years'])) or 'given'})",
        f"Rows: {p['rows_read']:,} read, {p['rows_used']:,} used, {p['rows_rejected']:,} rejected, "
        f"{p['duplicates_removed']:,} duplicates removed",
        f"Period: {p['first']} to {p['last']} ({p['period_hours']:,} clock hours)",
        f"Usage: {p['total_units']:,.1f} SCUs in {p['sessions']:,} sessions by {p['users']:,} users "
        f"({p['units_per_session']:.2f} SCUs per session)",
        f"Busiest hour: {p['peak_hour']} with {p['peak_hour_units']:,.1f} SCUs",
    ]
    for title, key in (
        ("By category", "by_category"),
        ("By plugin", "by_plugin"),
        ("By experience", "by_experience"),
        ("By user", "by_user"),
    ):
        lines.append(f"{title}:")
        lines += [f"  {name or '(not recorded)'}: {units:,.1f}" for name, units in p[key].items()]
    if p["agents"]:
        lines.append(f"Agents (SCUs per run: median, P10 to P90; over {p['agent_days']} days):")
        lines += [
            f"  {a['agent']}: {a['runs']:,} runs, {a['total_units']:,.1f} SCUs "
            f"({a['share_of_units']:.1%}), {a['units_per_run_median']:.2f} "
            f"({a['units_per_run_p10']:.2f} to {a['units_per_run_p90']:.2f}) per run, "
            f"{a['runs_per_day']:,.1f} runs a day"
            for a in p["agents"]
        ]
        if p["other_agents"]:
            o = p["other_agents"]
            lines.append(
                f"  other agents ({o['count']:,}): {o['runs']:,} runs, {o['total_units']:,.1f} SCUs "
                f"({o['share_of_units']:.1%}), {o['runs_per_day']:,.1f} runs a day (--all-agents lists them)"
            )
    if "pool" in p:
        pool = p["pool"]
        past = "billed" if pool["e5_pay_as_you_go"] else "throttled"
        lines.append(
            f"E5/E7 pool: {pool['allowance_units']:,.1f} SCUs a month ({pool['licences']:,} licences); "
            f"current rate {pool['rate_units_per_day']:,.1f} SCUs a day, "
            f"next month {pool['growth_pct']:+g} %:"
        )
        for m in pool["months"]:
            out = f"runs out {m['runs_out_on']}" if m["runs_out_on"] else "lasts the month"
            partial = "" if m["complete"] or m["kind"] == "forecast" else f", {m['observed_days']} days seen"
            lines.append(
                f"  {m['month']} ({m['kind']}{partial}): {m['used_units']:,.1f} used, {out}, "
                f"{m['units_past_pool']:,.1f} past the pool ({past}), "
                f"{m['cost_past_pool']:,.2f} {pool['currency']}"
            )
            if m["projected_used_units"] is not None:
                ends = m["projected_runs_out_on"] or "not before the month ends"
                lines.append(
                    f"    at the current rate by its end: {m['projected_used_units']:,.1f} used, "
                    f"runs out {ends}, {m['projected_units_past_pool']:,.1f} past the pool"
                )
    if len(p["workspaces"]) > 1:
        lines.append("Workspaces (each on its own capacity):")
        lines += [
            f"  {w['workspace']}: {w['units']:,.1f} SCUs in {w['rows']:,} rows; {w['plan']}: "
            f"{w['total_cost']:,.2f}"
            for w in p["workspaces"]
        ]
    lines += [f"Note: {note}" for note in p["notes"]]
    if p["rejections"]:
        lines.append(f"Rejected rows (first {p['rejections_listed']}):")
        lines += [f"  {r['file']} row {r['row']}, {r['column']}: {r['reason']}" for r in p["rejections"]]
    return "\n".join(lines) + "\n"
