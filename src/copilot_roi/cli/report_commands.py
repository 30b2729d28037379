"""CLI command ``report``: the business case files (XLSX, PPTX, HTML, scenario JSON) in one go."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from copilot_roi.business.bundle import render_all
from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.case import Case, FileIdentity, UsageIdentity, new_case
from copilot_roi.cli.arguments import add_timezone_argument
from copilot_roi.cli.case_inputs import add_case_arguments, read_case
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.output_files import write_outputs
from copilot_roi.cli.value_commands import load_scenario
from copilot_roi.usage import IngestOptions, UntrustedFileError, UsageDataset, ingest_paths
from copilot_roi.value.calibration import calibrate_from_usage
from copilot_roi.value.comparison import MAX_COMPARED, clean_name
from copilot_roi.value.engine import scenario_prices
from copilot_roi.value.scenario import Scenario, scenario_template
from copilot_roi.wording import payback_fell_back_sentence, payback_phrase

MAX_NAME_CHARS = 120


def register(sub: Any) -> None:
    report = sub.add_parser(
        "report",
        help="write the business case: business-case.xlsx/.pptx/.html and scenario.json",
        description="Write the business case of a scenario (the expected template by default), "
        "with usage and chargeback sheets when usage exports are given.",
    )
    report.add_argument(
        "--scenario",
        type=Path,
        action="append",
        metavar="FILE.json",
        help="portable scenario JSON; repeat to compare (the first is the case, up to "
        f"{MAX_COMPARED} side by side, named by their file names)",
    )
    report.add_argument("--usage", type=Path, nargs="+", metavar="FILE", help="usage exports (.xlsx/.csv)")
    report.add_argument(
        "--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="day the exports were taken"
    )
    add_timezone_argument(report, "time zone of the exports' clock times (UTC, or the case's)", default=None)
    report.add_argument(
        "--no-calibrate",
        dest="calibrate",
        action="store_false",
        help="keep the scenario's SCUs per person; by default, with --usage, they are measured from "
        "the exports (users mapped to roles by the plugin rules)",
    )
    report.add_argument("--pseudonymise", action="store_true", help="replace user names with aliases")
    report.add_argument("--customer", default="", metavar="NAME", help="customer name for the title")
    report.add_argument("--partner", default="", metavar="NAME", help="partner name for the title")
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to write to")
    add_case_arguments(report)
    report.set_defaults(handler=run_report)


def _name(value: str, flag: str) -> str:
    if len(value) > MAX_NAME_CHARS:
        raise CliError(f"{flag}: at most {MAX_NAME_CHARS} characters")
    return value


def _usage(args: argparse.Namespace) -> UsageDataset | None:
    if not args.usage:
        return None
    options = IngestOptions(as_of=args.as_of, timezone=args.tz or "UTC")  # --tz was checked when parsed
    try:
        return ingest_paths(args.usage, options)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
    except ValueError as error:
        raise CliError(f"usage: {error}", exit_code=1) from error


def _scenarios(paths: list[Path] | None) -> list[tuple[str, Scenario]]:
    """(name, scenario) per file, the first being the case; the expected template without files."""
    if not paths:
        return [("Expected template", scenario_template("expected"))]
    if len(paths) > MAX_COMPARED:
        raise CliError(f"--scenario: at most {MAX_COMPARED} files can be compared, not {len(paths)}")
    try:
        names = [clean_name(path.stem) for path in paths]
    except ValueError as error:
        raise CliError(f"--scenario: {error}") from error
    if len(set(names)) < len(names):
        raise CliError("--scenario: two files share a name; each compared scenario is named by its file")
    # Every file is validated before anything is computed: a bad third file fails fast, naming it.
    return [(name, load_scenario(path)) for name, path in zip(names, paths, strict=True)]


def _case_report(args: argparse.Namespace) -> BusinessCase:
    """``report --case``: the business case of a case file, from the files it records."""
    if args.scenario or not args.calibrate or args.customer or args.partner:
        raise CliError("--case carries the scenario, the calibration and the names: drop --scenario, "
                       "--no-calibrate, --customer and --partner")  # fmt: skip
    inputs = read_case(args)
    case = inputs.case
    return build_case(
        inputs.scenario,
        case.prices(),
        inputs.usage,
        customer_name=case.customer_name,
        partner_name=case.partner_name,
        pseudonymise=args.pseudonymise,
        roster=inputs.roster,
        price_book=case.price_book,
        record=case,
    )


def run_report(args: argparse.Namespace) -> None:
    if args.case is not None:
        _write(args, _case_report(args), [])
        return
    if args.roster or args.reprice:
        raise CliError("--roster and --reprice go with --case")
    named = _scenarios(args.scenario)
    scenario = first = named[0][1]
    usage = _usage(args)
    notes: list[str] = []
    if usage is not None and args.calibrate:
        # One story per case: a case built on an export sizes demand from it, and says so.
        calibration = calibrate_from_usage(scenario, usage)
        scenario, measured = calibration.scenario, calibration.measurement
        # The compared scenarios are measured from the same export, so all tell one story.
        others = [(n, calibrate_from_usage(s, usage).scenario) for n, s in named[1:]]
        named = [(named[0][0], scenario), *others]
        notes = [
            f"SCUs per person measured from the usage (roles by {measured.roles_from}): {n}"
            for n in measured.notes
        ]
        if not measured.scu_per_person_month:
            notes = ["no role could be measured from the usage: SCUs per person stay estimates"]
    case = build_case(
        scenario,
        scenario_prices(scenario),
        usage,
        customer_name=_name(args.customer, "--customer"),
        partner_name=_name(args.partner, "--partner"),
        pseudonymise=args.pseudonymise,
        compared=named if len(named) > 1 else (),
        record=_record(args, first, usage),
    )
    _write(args, case, notes)


def _record(args: argparse.Namespace, scenario: Scenario, usage: UsageDataset | None) -> Case:
    """The case this report is (written as case.json): ``roi --case`` with the same exports
    reproduces its figures."""
    identity = None
    if usage is not None:
        identity = UsageIdentity(
            files=tuple(FileIdentity.of_path(p) for p in args.usage),
            as_of=usage.quality.as_of,
            timezone=usage.timezone,
        )
    return new_case(scenario).model_copy(
        update={
            "customer_name": args.customer.strip(),
            "partner_name": args.partner.strip(),
            "usage": identity,
            "calibrate_from_usage": bool(args.calibrate),
        }
    )


def _write(args: argparse.Namespace, case: BusinessCase, notes: list[str]) -> None:
    outputs = write_outputs(args.out, render_all(case))
    r, c = case.result, case.prices.currency
    payback = payback_phrase(r.payback_month)
    lines = [
        f"{case.verdict}: cost {c} {r.total_cost:,.2f}, realised value {c} {r.total_value:,.2f}, "
        f"NPV {c} {r.npv:,.2f} ({r.convention}), payback {payback}",
        *filter(None, [payback_fell_back_sentence(r.payback_month, r.first_crossing_month)]),
        *notes,
        *_compared_lines(case),
        *(w.line() for w in outputs),
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def _compared_lines(case: BusinessCase) -> list[str]:
    if case.comparison is None:
        return []
    c = case.comparison.currency
    return [
        f"compared {r.name}: cost {c} {r.total_cost:,.2f}, NPV {c} {r.npv:,.2f} "
        f"(P10 {c} {r.npv_p10:,.2f} to P90 {c} {r.npv_p90:,.2f}), payback " + payback_phrase(r.payback_month)
        for r in case.comparison.rows
    ]
