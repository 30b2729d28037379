"""``copilot-roi adoption``: who uses Security Copilot and how that changes, each figure with its definition.

The same engine as the Adoption section of Usage analytics (``copilot_roi.usage.adoption``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from copilot_roi.cli.arguments import add_timezone_argument
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.usage_commands import _date


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "adoption",
        help="adoption measured from usage exports: active people, cohorts, habitual use, funnel, agents",
        description="Measure adoption (people only; agent runs apart) from usage exports. Every "
        "figure's definition is printed beside it, and under 'definitions' with --json.",
    )
    # Where the usage comes from: exports now; a customer's stored history is one more option here.
    source = parser.add_mutually_exclusive_group(required=True)
    # default=[]: argparse then counts an empty FILE list as not given, so --history alone is allowed.
    source.add_argument("files", nargs="*", type=Path, default=[], metavar="FILE", help="usage export(s)")
    source.add_argument(
        "--history", metavar="NAME", help="the customer's usage history (see `copilot-roi history list`)"
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        help="the day the windows end (YYYY-MM-DD; also the day the export was taken, which anchors "
        "its year); default: the last day of the data",
    )
    add_timezone_argument(parser, "time zone of the export's clock times (days are local days)")
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="FILE.csv",
        help="roster (user, role[, team][, start date]): the funnel's first stage and start dates",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_adoption)


def run_adoption(args: argparse.Namespace) -> None:
    from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_paths
    from copilot_roi.usage.adoption import measure_adoption

    files: list[Path] = args.files or []
    for path in files:
        if not path.is_file():
            raise CliError(f"{path}: no such file", exit_code=1)
    roster = _roster(args.roster) if args.roster is not None else None
    if args.history:
        dataset = _history(args.history, args.tz)
    else:
        try:
            dataset = ingest_paths(files, IngestOptions(as_of=args.as_of, timezone=args.tz))
        except UntrustedFileError as error:
            raise CliError(str(error), exit_code=1) from error
    # The year comes from the as-of day when given; the windows end on it only then.
    adoption = measure_adoption(dataset.frame, as_of=args.as_of, roster=roster)
    source = {"history": args.history} if args.history else {"files": [p.name for p in files]}
    payload = {**source, "timezone": dataset.timezone, **adoption.as_dict()}
    if args.json:
        emit_json(payload)
    else:
        sys.stdout.write(human(payload))


def _history(customer: str, timezone: str) -> Any:
    """The customer's stored history (names where kept, so a roster matches them)."""
    from copilot_roi.history import HistoryStore

    try:
        store = HistoryStore()
        if not store.has(customer):
            raise CliError(f"no history kept for customer {customer!r} (see `copilot-roi history list`)")
        return store.load(customer, timezone)
    except ValueError as error:
        raise CliError(str(error)) from None


def _roster(path: Path) -> Any:
    from copilot_roi.cli.input_files import read_roster_path

    roster = read_roster_path(path)
    for row, reason in roster.rejections[:5]:
        sys.stderr.write(f"copilot-roi: warning: {path.name} row {row}: {reason}\n")
    return roster


def human(p: dict[str, Any]) -> str:
    """The readable summary: each figure, then its definition."""
    d = p["definitions"]
    ends = p["window_ends_on"]
    lines = [
        f"Adoption from {p['history'] + ' history' if 'history' in p else ', '.join(p['files'])} "
        f"({p['timezone']}), {p['first_day']} to {ends} "
        f"({p['days_of_data']} days); people only, agent runs apart.",
    ]
    lines += [f"Note: {flag}" for flag in p["flags"]]
    for key in (
        "people",
        "active_people_day",
        "active_people_week",
        "active_people_28d",
        "habitual_people",
        "lapsed_people",
    ):
        lines.append(f"{key}: {p[key]:,}  ({d[key]})")
    habit = p["time_to_habitual_days"]
    median = "n/a" if habit["median"] is None else f"{habit['median']:g} days"
    lines.append(
        f"time_to_habitual_days: median {median} over {habit['people']} people, from {habit['from']}  "
        f"({d['time_to_habitual_days']})"
    )
    lines.append("Weekly (week_start: active, new, returning, reactivated, lapsed):")
    lines += [
        f"  {w['week_start']}: {w['active_people']}, {w['new']}, {w['returning']}, {w['reactivated']}, "
        f"{w['lapsed']}" + ("" if w["look_back_complete"] else "  (less than 28 days before it)")
        for w in p["weekly"]
    ]
    lines.append("Funnel per role (in roster -> ever used -> active 28 days -> habitual):")
    lines += [
        f"  {r['role']}: {'unknown' if r['in_roster'] is None else r['in_roster']} -> {r['ever_used']} -> "
        f"{r['active_28d']} -> {r['habitual']}"
        for r in p["funnel"]
    ]
    lines.append("Intensity over the last 28 days (per active person: sessions, prompts, SCUs):")
    lines += [
        f"  {r['experience']}: {r['active_people']} people, {r['sessions_per_active_person']:.1f}, "
        f"{r['prompts_per_active_person']:.1f}, {r['scu_per_active_person']:.2f}"
        for r in p["intensity"]["by_experience"]
    ]
    share = p["intensity"]["promptbook_share"]
    if share is not None:
        lines.append(f"  promptbook share {share:.1%}")
    if p["agents"]["weekly"]:
        lines.append("Agents (apart), per week: runs a day, SCUs per run:")
        lines += [
            f"  {a['agent']} {a['week_start']}: {a['runs_per_day']:.2f}, {a['scu_per_run']:.2f}"
            for a in p["agents"]["weekly"]
        ]
    return "\n".join(lines) + "\n"
