"""A case file and the files it was built on, for ``roi --case`` and ``report --case``.

The case names its usage exports and roster by content (SHA-256); the CLI reads the files the
user gives, refuses any whose content differs (exit 2, naming the file), and reads them exactly
as the app does, so the figures match the page's to the cent.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from copilot_roi.case import (
    MAX_CASE_BYTES,
    Case,
    FileIdentity,
    UsageIdentity,
    effective_scenario,
    open_case,
    price_book_changes,
    repriced,
    usage_mismatches,
    with_survey_time_saved,
)
from copilot_roi.cli.errors import CliError, describe_validation_error
from copilot_roi.cli.input_files import read_bounded
from copilot_roi.pricebook import load_price_book
from copilot_roi.survey.statistics import MIN_RESPONSES, summarise
from copilot_roi.usage import IngestOptions, UntrustedFileError, UsageDataset, ingest_paths
from copilot_roi.usage.chargeback import MAX_ROSTER_BYTES, Roster, read_roster
from copilot_roi.value.calibration import UsageMeasurement
from copilot_roi.value.scenario import Scenario
from copilot_roi.wording import counted


def add_case_arguments(parser: argparse.ArgumentParser) -> None:
    """``--case``, ``--roster``, ``--reprice``; ``--usage``, ``--as-of`` and ``--tz`` are the command's."""
    parser.add_argument(
        "--case",
        type=Path,
        metavar="case.json",
        help="a case saved from the Business case page or written by `report`: its plan, prices, "
        "scenario and calibration; give the usage exports and roster it records",
    )
    parser.add_argument("--roster", type=Path, metavar="FILE.csv", help="the roster the case records")
    parser.add_argument(
        "--survey",
        type=Path,
        metavar="FILE",
        help="the team's time-saved survey (.xlsx/.csv, the template or Forms' export): with "
        "--calibrate-time-saved, each role's time saved is taken from it, as the page's button does",
    )
    parser.add_argument(
        "--calibrate-time-saved",
        nargs="*",
        metavar="ROLE",
        help="with --survey: take time saved from the survey for these role ids (none given: every "
        f"role with at least {MIN_RESPONSES} answers); the case records the source",
    )
    parser.add_argument(
        "--reprice",
        action="store_true",
        help="price the case under today's price book (by default it keeps the book it was priced under)",
    )


@dataclass(frozen=True)
class CaseInputs:
    """A case with its data read: the scenario the numbers come from and what was measured."""

    case: Case
    usage: UsageDataset | None
    roster: Roster | None
    scenario: Scenario
    measured: UsageMeasurement | None


def read_case(args: argparse.Namespace) -> CaseInputs:
    """The case of ``--case`` with the files it records; a CliError names what does not match."""
    path: Path = args.case
    raw = read_bounded(path, MAX_CASE_BYTES, "a case")
    try:
        case = open_case(raw)
    except ValidationError as error:
        raise CliError(f"{path}: {describe_validation_error(error)}", exit_code=1) from error
    except ValueError as error:
        raise CliError(f"{path}: {error}", exit_code=1) from error
    changes = price_book_changes(case.price_book, load_price_book())
    if changes and args.reprice:
        case = repriced(case)
    elif changes:
        sys.stderr.write(
            f"copilot-roi: warning: {path.name} was priced under another price book than today's; its "
            f"figures keep that book (--reprice uses today's): {'; '.join(changes)}\n"
        )
    usage = _usage(case, args)
    roster = _roster(case, args.roster)
    case = _survey_calibration(case, args, roster)
    scenario, measured = effective_scenario(case, usage, roster)
    return CaseInputs(case, usage, roster, scenario, measured)


def _survey_calibration(case: Case, args: argparse.Namespace, roster: Roster | None) -> Case:
    """The case with time saved taken from ``--survey`` for the roles ``--calibrate-time-saved`` names."""
    wanted: list[str] | None = args.calibrate_time_saved
    if args.survey is None:
        if wanted is not None:
            raise CliError("--calibrate-time-saved needs --survey FILE")
        return case
    if wanted is None:
        raise CliError("--survey: add --calibrate-time-saved [ROLE ...] to take time saved from it")
    from copilot_roi.cli.survey_commands import read_survey_file

    path: Path = args.survey
    answers, identity = read_survey_file(path)
    updated, skipped = with_survey_time_saved(case, identity, summarise(answers, roster), wanted or None)
    for reason in skipped:
        sys.stderr.write(f"copilot-roi: warning: time saved not taken from the survey: {reason}\n")
    return updated


def _usage(case: Case, args: argparse.Namespace) -> UsageDataset | None:
    paths: list[Path] = args.usage or []
    if case.usage is None:
        if paths:
            raise CliError(
                "--usage: the case records no usage export (it was built on estimates); "
                "drop --usage, or load the exports in the app and save the case again"
            )
        return None
    if case.usage.history is not None:
        if paths:
            raise CliError(
                f"--usage: the case's usage is {case.usage.history}'s kept history, read from the "
                "history store; drop --usage"
            )
        return _history_usage(case.usage)
    if not paths:
        wanted = ", ".join(f.file_name for f in case.usage.files)
        raise CliError(f"--usage: the case was built on {wanted}; give those files")
    try:
        given = [FileIdentity.of_path(p) for p in paths]
    except OSError as error:
        raise CliError(f"{error.filename}: cannot read ({error.strerror})", exit_code=1) from error
    if problems := usage_mismatches(case, given):
        raise CliError("--usage: " + "; ".join(problems))
    options = IngestOptions(as_of=args.as_of or case.usage.as_of, timezone=args.tz or case.usage.timezone)
    try:
        return ingest_paths(paths, options)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error


MAX_RECORDED_PARTS = 100  # UsageIdentity.files holds at most this many


def _history_usage(identity: UsageIdentity) -> UsageDataset:
    """The kept history a case's usage is, as the app read it: the same parts, or an error.

    The store is the one the environment names (``COPILOT_ROI_HOME`` or the Azure container). A
    history that gained or lost parts since the case was saved is other data: the command says
    so rather than give other figures.
    """
    from copilot_roi.history.store import HistoryStore

    customer = identity.history
    assert customer is not None
    store = HistoryStore()
    parts = [sha for _, _, sha in store.parts(customer)]
    if not parts:
        raise CliError(f"the case's usage is {customer}'s kept history, but no such history is stored here")
    # A case records at most MAX_RECORDED_PARTS parts, the store's last ones (as the app does).
    stored = set(parts[-len(identity.files) :]) if len(parts) > MAX_RECORDED_PARTS else set(parts)
    recorded = {f.sha256 for f in identity.files}
    if stored != recorded:
        raise CliError(
            f"{customer}'s kept history has changed since the case was saved "
            f"({counted(len(recorded), 'part')} recorded, {len(parts):,} stored now): open it in the app "
            "and save the case again"
        )
    return store.load(customer, identity.timezone)


def _roster(case: Case, path: Path | None) -> Roster | None:
    if case.roster is None:
        if path is not None:
            raise CliError("--roster: the case records no roster; drop --roster")
        return None
    if path is None:
        raise CliError(f"--roster: the case was built with the roster {case.roster.file_name}; give it")
    data = read_bounded(path, MAX_ROSTER_BYTES, "a roster")
    if FileIdentity.of(path.name, data).sha256 != case.roster.sha256:
        raise CliError(f"--roster: {path.name}: its content differs from the roster the case records")
    try:
        return read_roster(path.name, data)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
