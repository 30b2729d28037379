"""Survey files: the template, Forms' export, every accepted spelling, and hostile or malformed files."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from usage_builders import rewrite_zip, to_xlsx

from copilot_roi.survey.answers import MAX_SURVEY_BYTES, read_survey
from copilot_roi.survey.questions import COLUMNS, QUESTIONS
from copilot_roi.survey.template import template_csv, template_xlsx
from copilot_roi.usage.errors import UntrustedFileError

HEADER = ",".join(COLUMNS)
GOOD = "a1,soc,2026-11-20,90,Incident reports,4,4,3,5"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def rejections(data: bytes, name: str = "s.csv") -> list[tuple[int, str, str]]:
    return [(r.row, r.column, r.reason) for r in read_survey(name, data).rejections]


def test_the_template_files_read_back_as_two_answers() -> None:
    for name, data in (("t.csv", template_csv()), ("t.xlsx", template_xlsx())):
        answers = read_survey(name, data)
        assert [(a.role, a.minutes_saved_per_week) for a in answers.answers] == [
            ("soc", 90.0),
            ("it_admin", 45.0),
        ]
        assert answers.answers[1].statements == {
            "faster": 4, "better_quality": 3, "more_important_work": 4, "would_not_go_back": 5,
        }  # fmt: skip
        assert answers.rejections == ()


def test_a_forms_excel_export_is_matched_by_its_question_texts() -> None:
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        *[QUESTIONS[c] for c in COLUMNS if c in QUESTIONS],
    ]
    when = dt.datetime(2026, 11, 20, 9, 30)
    rows = [
        [1, when, when, "anonymous", "", "", "SOC analyst", 120, "Incident reports;Threat hunting queries;",
         "Strongly agree", "Agree", "Neither agree nor disagree", "Strongly disagree"],
        [2, when, dt.datetime(2026, 11, 24, 8), "anonymous", "", "", "Identity", 30.0, "", "Disagree", "", "",
         ""],
    ]  # fmt: skip
    answers = read_survey("Forms.xlsx", to_xlsx({"Sheet1": [header, *rows]}))
    first, second = answers.answers
    assert (first.role, first.minutes_saved_per_week, first.submitted) == (
        "soc",
        120.0,
        dt.date(2026, 11, 20),
    )
    assert first.tasks == ("Incident reports", "Threat hunting queries")
    assert first.statements == {
        "faster": 5,
        "better_quality": 4,
        "more_important_work": 3,
        "would_not_go_back": 1,
    }
    assert (second.role, second.submitted, second.statements["better_quality"]) == (
        "iam",
        dt.date(2026, 11, 24),
        None,
    )
    # Anonymous answers are never taken for the same respondent twice.
    assert answers.rejections == ()


@pytest.mark.parametrize(
    ("minutes", "reason"),
    [
        ("-5", "negative minutes (-5); minutes saved are 0 or more"),
        ("2401", "2,401 minutes is more than a working week (2,400 minutes, 40 hours)"),
        ("inf", "'inf' is not a number of minutes"),
        ("NaN", "'NaN' is not a number of minutes"),
        ("1e309", "'1e309' is not a number of minutes"),
        ('"1,200"', "'1,200' is not a number of minutes"),
        ("", "no minutes saved given (write 0 if it saves none)"),
        ("ninety", "'ninety' is not a number of minutes"),
    ],
)
def test_minutes_outside_a_working_week_or_not_numbers_are_refused_with_the_reason(
    minutes: str, reason: str
) -> None:
    data = csv_bytes(GOOD, GOOD.replace("a1", "a2"), f"a3,soc,2026-11-20,{minutes},,4,4,3,5")
    assert rejections(data) == [(4, "minutes_saved_per_week", reason)]


def test_accepted_spellings_of_minutes_levels_roles_and_dates() -> None:
    data = csv_bytes(
        'a1,SOC Analyst,11/20/2026 14:03:12,"1,5",,Strongly Agree,agree,NEUTRAL,1',
        "a2,it-admin,,0,,,,,",
        "a3,Identity,2026-11-20T08:00:00,2400,,5,5,5,5",
    )
    answers = read_survey("s.csv", data)
    assert [(a.role, a.minutes_saved_per_week, a.submitted) for a in answers.answers] == [
        ("soc", 1.5, dt.date(2026, 11, 20)), ("it_admin", 0.0, None), ("iam", 2400.0, dt.date(2026, 11, 20)),
    ]  # fmt: skip
    assert answers.answers[0].statements == {"faster": 5, "better_quality": 4, "more_important_work": 3,
                                             "would_not_go_back": 1}  # fmt: skip


def test_every_problem_of_a_row_is_named_and_the_row_counted_once() -> None:
    data = csv_bytes(
        GOOD, GOOD.replace("a1", "a2"), GOOD.replace("a1", "a4"), "a3,janitor,20-11-2026,30,,7,Maybe,3,5"
    )
    answers = read_survey("s.csv", data)
    assert answers.rows_rejected == 1
    assert [(r.row, r.column) for r in answers.rejections] == [
        (5, "role"), (5, "submitted"), (5, "faster"), (5, "better_quality"),
    ]  # fmt: skip
    assert answers.rejections[0].reason.startswith("unknown role 'janitor' (use an id or a label: soc, iam")
    assert answers.rejections[2].reason == "7 is not a level from 1 to 5"


def test_the_same_respondent_twice_keeps_the_first_answer_without_naming_them() -> None:
    data = csv_bytes(GOOD, GOOD.replace("a1", "a2"), GOOD.replace(",90,", ",600,"))
    answers = read_survey("s.csv", data)
    assert [a.minutes_saved_per_week for a in answers.answers] == [90.0, 90.0]
    assert rejections(data) == [(4, "respondent", "this respondent answered twice; the first answer counts")]


def test_hostile_text_is_kept_without_control_characters_and_never_echoed_raw() -> None:
    data = csv_bytes(
        '=HYPERLINK("http://evil"),soc,2026-11-20,60,"@SUM(1);\x1b[31mIncident reports\x07",4,4,4,4',
        "b,soc,2026-11-20,60,,4,4,4,4",
        "c,\x1b[2J=cmd|' /C calc'!A0,2026-11-20,60,,4,4,4,4",
    )
    answers = read_survey("s.csv", data)
    first = answers.answers[0]
    assert first.respondent == '=HYPERLINK("http://evil")'  # kept as data; exporters neutralise it
    assert first.tasks == ("@SUM(1)", "[31mIncident reports")
    ((row, column, reason),) = rejections(data)
    assert (row, column) == (4, "role") and "\x1b" not in reason


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "s.csv", "the file is empty"),
        (csv_bytes(header="name,value"), "s.csv", "no survey header in the first 30 rows"),
        (b"role,minutes_saved_per_week\nsoc,\x0060\n", "s.csv", "NUL"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "s.xlsx", "legacy .xls"),
        (b"MZ\x90\x00" + b"\x00" * 100, "s.csv", "a binary file"),
        (b"role,minutes\nsoc,1\n", "s.xlsm", "only .xlsx, .csv, .tsv and .txt survey files"),
        (b"role,minutes_saved_per_week\nsoc,60\n", "s.xlsx", "named .xlsx but is not an Excel workbook"),
        (b"x" * (MAX_SURVEY_BYTES + 1), "s.csv", "a survey file is at most 10 MiB"),
        (csv_bytes('a,soc,2026-11-20,"60,,4,4,4,4', GOOD), "s.csv", "misplaced quote"),
    ],
)
def test_files_that_cannot_be_trusted_are_refused_whole(data: bytes, name: str, message: str) -> None:
    with pytest.raises(UntrustedFileError, match=message):
        read_survey(name, data)


def test_a_zip_bomb_and_a_sheet_dimension_bomb_are_refused_before_reading() -> None:
    good = template_xlsx()
    with pytest.raises(UntrustedFileError, match="zip bomb"):
        read_survey("s.xlsx", rewrite_zip(good, {}, {"xl/media/padding.bin": b"\x00" * (50 * 2**20)}))
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" '
        b't="inlineStr"><is><t>role</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    with pytest.raises(UntrustedFileError):
        read_survey("s.xlsx", rewrite_zip(good, {"xl/worksheets/sheet1.xml": sheet}))


def test_a_file_of_mostly_bad_rows_is_refused_with_its_first_problem() -> None:
    bad = [f"r{i},soc,2026-11-20,-1,,4,4,4,4" for i in range(15)]
    good = [f"g{i},soc,2026-11-20,30,,4,4,4,4" for i in range(10)]
    with pytest.raises(UntrustedFileError, match=r"row 2, column 'minutes_saved_per_week': 15 of 25 rows"):
        read_survey("s.csv", csv_bytes(*bad, *good))
    with pytest.raises(UntrustedFileError, match="1 of 1 rows cannot be used"):
        read_survey("s.csv", csv_bytes("a,soc,,-1,,,,,"))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF16_LE + t.replace(",", "\t").encode("utf-16-le"),
        lambda t: t.replace(",", ";").encode("cp1252"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    ],
)
def test_excel_text_encodings_and_delimiters(encode) -> None:  # type: ignore[no-untyped-def]
    text = f"Survey export\n\n{HEADER}\na1,Analyste SOC é,2026-11-20,45,,4,4,4,4\n{GOOD}\n"
    answers = read_survey("s.csv", encode(text))
    assert [a.minutes_saved_per_week for a in answers.answers] == [90.0]
    assert [(r.row, r.column) for r in answers.rejections] == [(4, "role")]


def test_ragged_rows_and_blank_rows() -> None:
    answers = read_survey(
        "s.csv", csv_bytes(GOOD, ",,,,,,,,", "a2,soc,2026-11-20,60", GOOD.replace("a1", "a3"))
    )
    assert answers.blank_rows == 1
    assert [(r.row, r.column) for r in answers.rejections] == [(4, "(row)")]
    assert len(answers.answers) == 2
