"""``copilot-roi history``: keep usage exports in a customer's history, list, show and forget it.

Where it is kept: ``$COPILOT_ROI_HOME/history`` (default ``~/.copilot-roi``), or the Azure
container named by ``COPILOT_ROI_HISTORY_URL`` (see ``copilot_roi.history.backends``).
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
from copilot_roi.history.customers import check_customer


def register(sub: Any) -> None:
    history = sub.add_parser(
        "history",
        help="a usage history per customer: add exports (exactly once, pseudonymised), list, show, forget",
        description=__doc__,
    )
    commands = history.add_subparsers(dest="history_command", required=True, parser_class=type(history))

    add = commands.add_parser("add", help="keep usage exports in the customer's history")
    _customer_argument(add)
    add.add_argument("files", nargs="+", type=Path, metavar="FILE", help="usage export(s)")
    add.add_argument("--as-of", type=_date, help="date the export was taken (YYYY-MM-DD); default today")
    add_timezone_argument(add, "time zone of the export's clock times")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(handler=run_add)

    listing = commands.add_parser("list", help="the customers that have a history")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="what a customer's history holds")
    _customer_argument(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=run_show)

    forget = commands.add_parser("forget", help="delete everything kept for the customer")
    _customer_argument(forget)
    forget.set_defaults(handler=run_forget)

    names = commands.add_parser(
        "forget-names", help="drop the alias-to-name mapping; the usage stays under aliases"
    )
    _customer_argument(names)
    names.add_argument(
        "--drop-key",
        action="store_true",
        help="drop the alias key too: no name can ever be recovered, and people added later get new aliases",
    )
    names.set_defaults(handler=run_forget_names)


def _customer(text: str) -> str:
    try:
        return check_customer(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _customer_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer", required=True, type=_customer, metavar="NAME", help="the customer")


def _store() -> Any:
    from copilot_roi.history import HistoryStore

    try:
        return HistoryStore()
    except ValueError as error:
        raise CliError(str(error)) from None


def run_add(args: argparse.Namespace) -> None:
    from copilot_roi.usage import IngestOptions, UntrustedFileError, ingest_paths

    for path in args.files:
        if not path.is_file():
            raise CliError(f"{path}: no such file", exit_code=1)
    try:
        dataset = ingest_paths(args.files, IngestOptions(as_of=args.as_of, timezone=args.tz))
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    store = _store()
    result = store.add(args.customer, dataset)
    summary = store.summary(args.customer)
    payload = {
        "customer": summary.customer,
        "rows_offered": result.rows_offered,
        "rows_added": result.rows_added,
        "rows_rejected": dataset.quality.rows_rejected,
        "history": summary.as_dict(),
    }
    if args.json:
        emit_json(payload)
        return
    sys.stdout.write(
        f"{summary.customer}: {result.rows_added:,} of {result.rows_offered:,} rows added "
        f"({result.rows_offered - result.rows_added:,} were kept already); the history holds "
        f"{summary.rows:,} rows, pseudonymised, in {store.backend.describe()}.\n"
    )


def run_list(args: argparse.Namespace) -> None:
    store = _store()
    summaries = [store.summary(name).as_dict() for name in store.customers()]
    if args.json:
        emit_json({"customers": summaries})
        return
    if not summaries:
        sys.stdout.write(f"No customer has a history in {store.backend.describe()}.\n")
    for s in summaries:
        sys.stdout.write(f"{s['customer']}: {s['rows']:,} rows, {s['first']} to {s['last']}\n")


def run_show(args: argparse.Namespace) -> None:
    store = _store()
    if not store.has(args.customer):
        raise CliError(f"no history kept for customer {args.customer!r} (see `copilot-roi history list`)")
    summary = store.summary(args.customer).as_dict()
    if args.json:
        emit_json(summary)
        return
    sys.stdout.write(
        f"{summary['customer']}: {summary['rows']:,} rows, {summary['sessions']:,} sessions, "
        f"{summary['total_units']:,.1f} SCUs, {summary['first']} to {summary['last']} (UTC); "
        f"names {'kept apart' if summary['names_kept'] else 'forgotten'}.\n"
    )


def run_forget(args: argparse.Namespace) -> None:
    deleted = _store().forget(args.customer)
    sys.stdout.write(f"{args.customer}: {deleted:,} stored objects deleted; nothing of it is kept.\n")


def run_forget_names(args: argparse.Namespace) -> None:
    store = _store()
    if not store.has(args.customer):
        raise CliError(f"no history kept for customer {args.customer!r} (see `copilot-roi history list`)")
    store.forget_names(args.customer, drop_key=args.drop_key)
    sys.stdout.write(f"{args.customer}: names forgotten; the usage stays under aliases.\n")
