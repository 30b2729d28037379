"""Survey answers read and checked row by row: what each usable answer says, and why the rest were refused.

The file is read by the usage exports' readers (same content sniffing, zip-bomb and sheet-size
checks, encodings, delimiters, loose headers) with the survey's header spec; every row is then
checked here. A row is refused, never guessed, with its row number (as the user sees it in the
file), the column (its header in the file) and the reason; text is kept only with its control
characters removed, and exporters neutralise it again (``safe_cells``). A file whose rows are
mostly refused is refused whole, as a usage export is.

>>> data = b"role,minutes_saved_per_week,faster\\nSOC,90,Agree\\nSOC,-5,4\\njanitor,10,4\\n"
>>> answers = read_survey("s.csv", data)
>>> [(a.role, a.minutes_saved_per_week, a.statements["faster"]) for a in answers.answers]
[('soc', 90.0, 4)]
>>> [(r.row, r.column, r.reason) for r in answers.rejections][0]
(3, 'minutes_saved_per_week', 'negative minutes (-5); minutes saved are 0 or more')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from copilot_roi.roles import role_for, role_ids
from copilot_roi.safe_cells import strip_control
from copilot_roi.survey.questions import STATEMENTS, SURVEY_HEADERS, WORKING_MINUTES_PER_WEEK, agreement_level
from copilot_roi.survey.template import TASK_SEPARATOR
from copilot_roi.usage.csv_reader import read_text_export
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.raw import RawTable, RowIssue
from copilot_roi.usage.validate import MAX_REJECTED_SHARE
from copilot_roi.usage.xlsx_reader import read_workbook, sniff_kind

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
# A survey is a few hundred answers: a few MiB is generous and keeps a hostile file cheap.
MAX_SURVEY_BYTES = 10 * 2**20
MAX_SURVEY_ROWS = 50_000
MAX_TEXT_CHARS = 200
MAX_TASKS = 20
# Files this small are never refused whole for their share of bad rows: each bad row is listed.
REFUSE_FROM_ROWS = 20
_PLAIN_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_DECIMAL_COMMA = re.compile(r"^[0-9]+,[0-9]{1,2}$")  # "1,5" is 1.5; "1,200" is not read (ambiguous)
_NEGATIVE = re.compile(r"^-[0-9]+([.,][0-9]+)?$")
# ISO first; then Forms' en-US export (month first), with and without seconds.
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%d %b %Y",
)
ANONYMOUS = ("", "anonymous")


@dataclass(frozen=True)
class SurveyAnswer:
    """One respondent's usable answer (text without control characters)."""

    row: int
    respondent: str
    role: str
    submitted: dt.date | None
    minutes_saved_per_week: float
    tasks: tuple[str, ...]
    statements: dict[str, int | None]  # level 1-5 per statement; None: not answered


@dataclass(frozen=True)
class SurveyAnswers:
    """What one survey file held: usable answers, refused rows (row, column, reason), the header mapping."""

    file_name: str
    answers: tuple[SurveyAnswer, ...]
    rejections: tuple[RowIssue, ...]
    header_mapping: list[tuple[str, str]] = field(default_factory=list)
    blank_rows: int = 0

    @property
    def rows_rejected(self) -> int:
        return len({r.row for r in self.rejections})

    def rejection_records(self) -> list[dict[str, Any]]:
        return [{"row": r.row, "column": r.column, "reason": r.reason} for r in self.rejections]


def read_survey(file_name: str, data: bytes) -> SurveyAnswers:
    """Read and check a survey file (template CSV/XLSX or Forms' Excel export) by its content.

    Raises :class:`UntrustedFileError` for a file that cannot be trusted at all (wrong kind, too
    large, no survey header, mostly refused rows).
    """
    if not file_name.lower().endswith(ALLOWED_SUFFIXES):
        raise UntrustedFileError(file_name, "only .xlsx, .csv, .tsv and .txt survey files are accepted")
    if len(data) > MAX_SURVEY_BYTES:
        raise UntrustedFileError(
            file_name,
            f"{len(data) / 2**20:,.1f} MiB (a survey file is at most {MAX_SURVEY_BYTES // 2**20} MiB)",
        )
    kind = sniff_kind(data)
    if kind == "ole":
        raise UntrustedFileError(file_name, "a legacy .xls (or other Office binary) file; save it as .xlsx")
    if kind == "binary":
        raise UntrustedFileError(file_name, "a binary file (program or archive), not a survey")
    if kind != "xlsx" and file_name.lower().endswith(".xlsx"):
        raise UntrustedFileError(file_name, "named .xlsx but is not an Excel workbook")
    if kind == "xlsx":
        raw = read_workbook(file_name, data, SURVEY_HEADERS)
    else:
        raw = read_text_export(file_name, data, SURVEY_HEADERS)
    if raw.rows > MAX_SURVEY_ROWS:
        raise UntrustedFileError(
            file_name, f"{raw.rows:,} rows (a survey file holds at most {MAX_SURVEY_ROWS:,})"
        )
    return _checked(raw)


def _checked(raw: RawTable) -> SurveyAnswers:
    mapping = raw.mapping
    columns: dict[str, list[Any]] = {}
    headers: dict[str, str] = {}
    for name, original, mapped in zip(mapping.names, mapping.original, mapping.fields, strict=True):
        if mapped is not None:
            columns[mapped] = raw.columns[name].to_pylist()
            headers[mapped] = _shown(original, 60)
    all_columns = [raw.columns[name].to_pylist() for name in mapping.names]
    rejections: list[RowIssue] = list(raw.issues)
    answers: list[SurveyAnswer] = []
    seen: set[str] = set()
    blank = 0
    for index, row_number in enumerate(raw.row_numbers.tolist()):
        if all(_blank(column[index]) for column in all_columns):
            blank += 1
            continue
        values = {name: column[index] for name, column in columns.items()}
        answer, problems = _answer(row_number, values, headers)
        key = answer.respondent.casefold() if answer is not None else ""
        if answer is not None and key not in ANONYMOUS and key in seen:
            # No name in the message: it is shown on screen and in the CLI's output.
            reason = "this respondent answered twice; the first answer counts"
            problems.append(RowIssue(row_number, headers.get("respondent", "respondent"), reason))
        if problems or answer is None:
            rejections += problems
            continue
        seen.add(key)
        answers.append(answer)
    result = SurveyAnswers(raw.file_name, tuple(answers), tuple(rejections), mapping.rows(), blank)
    considered = len(answers) + result.rows_rejected
    if rejections and (
        not answers
        or (considered >= REFUSE_FROM_ROWS and result.rows_rejected > MAX_REJECTED_SHARE * considered)
    ):
        first = rejections[0]
        raise UntrustedFileError(
            raw.file_name,
            f"{result.rows_rejected:,} of {considered:,} rows cannot be used; first problem: {first.reason}",
            row=first.row,
            column=first.column,
        )
    return result


def _answer(
    row: int, values: dict[str, Any], headers: dict[str, str]
) -> tuple[SurveyAnswer | None, list[RowIssue]]:
    """One row's answer, or None with every problem found in it (row, column, reason)."""
    problems: list[RowIssue] = []

    def check(field_name: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(values.get(field_name))
        except ValueError as error:
            problems.append(RowIssue(row, headers.get(field_name, field_name), str(error)))
            return None

    role = check("role", _role)
    minutes = check("minutes_saved_per_week", _minutes)
    submitted = check("submitted", _date)
    statements = {s: check(s, agreement_level) for s in STATEMENTS}
    if problems:
        return None, problems
    respondent = _shown(_text(values.get("respondent")), MAX_TEXT_CHARS)
    tasks = _tasks(values.get("tasks"))
    return SurveyAnswer(row, respondent, role, submitted, minutes, tasks, statements), problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(text: str, limit: int) -> str:
    """Text as it may be kept and shown: no control characters, at most ``limit`` characters."""
    cleaned = strip_control(text).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _role(value: Any) -> str:
    if _blank(value):
        raise ValueError("no role given")
    role = role_for(_text(value))
    if role is None:
        raise ValueError(
            f"unknown role {_shown(_text(value), 40)!r} (use an id or a label: {', '.join(role_ids())})"
        )
    return role


def _minutes(value: Any) -> float:
    if _blank(value):
        raise ValueError("no minutes saved given (write 0 if it saves none)")
    if isinstance(value, bool | dt.datetime | dt.date):
        raise ValueError("not a number of minutes")
    if isinstance(value, int | float):
        minutes = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if _PLAIN_NUMBER.match(text):
            minutes = float(text)
        elif _DECIMAL_COMMA.match(text) or _NEGATIVE.match(text):
            minutes = float(text.replace(",", "."))
        else:
            raise ValueError(f"{_shown(text, 40)!r} is not a number of minutes")
    if not math.isfinite(minutes):
        raise ValueError("not a finite number of minutes")
    if minutes < 0:
        raise ValueError(f"negative minutes ({minutes:g}); minutes saved are 0 or more")
    if minutes > WORKING_MINUTES_PER_WEEK:
        raise ValueError(
            f"{minutes:,g} minutes is more than a working week "
            f"({WORKING_MINUTES_PER_WEEK:,} minutes, 40 hours)"
        )
    return minutes


def _date(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{_shown(text, 40)!r} is not a date (write YYYY-MM-DD)")


def _tasks(value: Any) -> tuple[str, ...]:
    if _blank(value):
        return ()
    parts = [_shown(part, MAX_TEXT_CHARS) for part in _text(value).split(TASK_SEPARATOR)]
    return tuple(part for part in parts if part)[:MAX_TASKS]
