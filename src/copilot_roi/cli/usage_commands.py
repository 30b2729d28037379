"""``copilot-roi usage``: read usage exports and print what they hold (same numbers as the page)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.cli.errors import CliError


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
    parser.add_argument("--tz", default="UTC", help="time zone of the export's clock times")
    parser.add_argument(
        "--pseudonymise",
        action="store_true",
        help="replace user names with aliases (random per run)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_usage)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def run_usage(args: argparse.Namespace) -> None:
    from copilot_roi.cli import emit_json
    from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_paths
    from copilot_roi.usage.pseudonymise import new_key
    from copilot_roi.usage.report import usage_payload

    for path in args.files:
        if not path.is_file():
            raise CliError(f"{path}: no such file", exit_code=1)
    try:
        options = IngestOptions(as_of=args.as_of, timezone=args.tz)
    except ValueError as error:
        raise CliError(f"--tz: unknown time zone {args.tz!r}", exit_code=2) from error
    try:
        dataset = ingest_paths(args.files, options)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    payload = usage_payload(dataset, new_key() if args.pseudonymise else None)
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
    lines += [f"Note: {note}" for note in p["notes"]]
    if p["rejections"]:
        lines.append(f"Rejected rows (first {p['rejections_listed']}):")
        lines += [f"  {r['file']} row {r['row']}, {r['column']}: {r['reason']}" for r in p["rejections"]]
    return "\n".join(lines) + "\n"
