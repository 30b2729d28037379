"""CLI command ``survey``: the team's time-saved survey summarised per role, or its template written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from copilot_roi.case import FileIdentity
from copilot_roi.cli.errors import CliError
from copilot_roi.cli.input_files import read_bounded, read_roster_path
from copilot_roi.cli.json_output import emit_json
from copilot_roi.cli.output_files import write_outputs
from copilot_roi.roles import role_label
from copilot_roi.survey.answers import MAX_SURVEY_BYTES, SurveyAnswers, read_survey
from copilot_roi.survey.questions import STATEMENT_LABELS
from copilot_roi.survey.statistics import BOOTSTRAP_RESAMPLES, MIN_RESPONSES, SurveySummary, summarise
from copilot_roi.survey.template import (
    FORMS_QUESTIONS_NAME,
    TEMPLATE_CSV_NAME,
    TEMPLATE_XLSX_NAME,
    forms_questions,
    template_csv,
    template_xlsx,
)
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.wording import counted


def register(sub: Any) -> None:
    survey = sub.add_parser(
        "survey",
        help="summarise the team's time-saved survey per role (n, median, mean and its bootstrap "
        "interval, the statements), or write its template with --template DIR",
    )
    survey.add_argument("file", nargs="?", type=Path, metavar="FILE", help="answers (.xlsx/.csv/.tsv/.txt)")
    survey.add_argument("--roster", type=Path, metavar="FILE.csv", help="a roster: response rate per role")
    survey.add_argument("--json", action="store_true", help="print JSON")
    survey.add_argument(
        "--template",
        type=Path,
        metavar="DIR",
        help=f"write {TEMPLATE_CSV_NAME}, {TEMPLATE_XLSX_NAME} and {FORMS_QUESTIONS_NAME} into DIR",
    )
    survey.set_defaults(handler=run_survey)


def run_survey(args: argparse.Namespace) -> None:
    if args.template is not None:
        if args.file is not None:
            raise CliError("--template DIR writes the template; give FILE without it")
        files = {
            TEMPLATE_CSV_NAME: template_csv(),
            TEMPLATE_XLSX_NAME: template_xlsx(),
            FORMS_QUESTIONS_NAME: forms_questions().encode("utf-8"),
        }
        for written in write_outputs(args.template, files):
            sys.stderr.write(written.line() + "\n")
        return
    if args.file is None:
        raise CliError("give the survey FILE, or --template DIR")
    answers, _ = read_survey_file(args.file)
    roster = read_roster_path(args.roster) if args.roster is not None else None
    summary = summarise(answers, roster)
    if args.json:
        emit_json(survey_payload(answers, summary))
        return
    sys.stdout.write("\n".join(_lines(answers, summary)) + "\n")


def read_survey_file(path: Path) -> tuple[SurveyAnswers, FileIdentity]:
    """The checked answers of a survey file and its identity; a CliError (exit 1) when untrusted."""
    data = read_bounded(path, MAX_SURVEY_BYTES, "a survey")
    try:
        return read_survey(path.name, data), FileIdentity.of(path.name, data)
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error


def survey_payload(answers: SurveyAnswers, summary: SurveySummary) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "file": answers.file_name,
        "answers_used": len(answers.answers),
        "rows_rejected": answers.rows_rejected,
        "rejections": answers.rejection_records(),
        "evidence_grade": "self_report",
        "method": f"median and mean of minutes saved per week; 95 % percentile bootstrap interval of the "
        f"mean ({BOOTSTRAP_RESAMPLES:,} seeded resamples); no figure below {MIN_RESPONSES} answers",
        "roles": [role.to_json() for role in summary.roles],
    }
    if summary.roster_given:
        payload["response_rate"] = summary.response_rate
    return payload


def _lines(answers: SurveyAnswers, summary: SurveySummary) -> list[str]:
    lines = [
        f"{answers.file_name}: {counted(len(answers.answers), 'answer')} used, "
        f"{counted(answers.rows_rejected, 'row')} rejected "
        "(self-reported: grade self_report)"
    ]
    lines += [f"  row {r.row}, column {r.column!r}: {r.reason}" for r in answers.rejections[:20]]
    for role in summary.roles:
        rate = "" if role.response_rate is None else f", response rate {role.response_rate:.0%}"
        if role.enough:
            assert role.interval_low_minutes is not None and role.interval_high_minutes is not None
            figure = (
                f"median {role.median_minutes_per_week:,.0f}, mean {role.mean_minutes_per_week:,.0f} "
                f"min a week (95 % interval {role.interval_low_minutes:,.0f}"
                f"-{role.interval_high_minutes:,.0f})"
            )
        else:
            figure = role.note()
        lines.append(f"{role_label(role.role)}: n={role.n}{rate}; {figure}")
        for statement, counts in role.statements.items():
            shown = " ".join(f"{level}:{count}" for level, count in counts.items())
            lines.append(f"  {STATEMENT_LABELS[statement]}: {shown}")
    if summary.response_rate is not None:
        lines.append(f"Response rate against the roster: {summary.response_rate:.0%}")
    return lines
