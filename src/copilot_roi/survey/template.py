"""The survey template: a CSV and an XLSX with the columns, and the questions ready for Microsoft Forms.

The tasks offered to each role come from its task list in ``data/roles.toml`` (the catalogue's
``tasks``); the agreement statements use Forms' five-point Likert words.

>>> csv_text = template_csv().decode("utf-8-sig")
>>> csv_text.splitlines()[0]
'respondent,role,submitted,minutes_saved_per_week,tasks,faster,better_quality,more_important_work,would_not_go_back'
>>> "Strongly agree" in forms_questions()
True
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from copilot_roi.roles import role_ids, role_label
from copilot_roi.survey.questions import (
    AGREEMENT_WORDS,
    COLUMNS,
    QUESTIONS,
    STATEMENTS,
    WORKING_MINUTES_PER_WEEK,
)
from copilot_roi.value.catalogue import load_catalogue

TEMPLATE_CSV_NAME = "survey-template.csv"
TEMPLATE_XLSX_NAME = "survey-template.xlsx"
FORMS_QUESTIONS_NAME = "survey-questions-for-forms.txt"
# Tasks chosen in Forms' multiple choice arrive joined with ";" (and so does the template).
TASK_SEPARATOR = ";"


def role_tasks() -> dict[str, tuple[str, ...]]:
    """Each role's assisted tasks, in roles.toml order (the choices the survey offers)."""
    catalogue = load_catalogue()
    return {r: catalogue.roles[r].tasks for r in role_ids() if r in catalogue.roles}


def example_rows() -> list[list[str | int]]:
    """Two made-up answers showing the accepted forms (a role by id or label, levels by number or word)."""
    first, second = role_ids()[0], role_ids()[-1]
    tasks = role_tasks()
    return [
        ["alias1", first, "2026-11-20", 90, TASK_SEPARATOR.join(tasks[first][:2]), 4, 4, 3, 5],
        ["alias2", role_label(second), "2026-11-21", 45, tasks[second][0], "Agree", "Neutral", "Agree",
         "Strongly agree"],
    ]  # fmt: skip


def template_csv() -> bytes:
    """The template as UTF-8 CSV with a BOM (Excel then reads accents right), header and two examples."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(example_rows())
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as a workbook: an ``Answers`` sheet (header, two examples) and a ``Questions`` sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    answers = book.add_worksheet("Answers")
    for col, name in enumerate(COLUMNS):
        answers.write_string(0, col, name, bold)
        answers.set_column(col, col, max(12, len(name) + 2))
    for row, values in enumerate(example_rows(), start=1):
        for col, value in enumerate(values):
            if isinstance(value, int):
                answers.write_number(row, col, value)
            else:
                answers.write_string(row, col, value)
    questions = book.add_worksheet("Questions")
    questions.set_column(0, 0, 110)
    for row, line in enumerate(forms_questions().splitlines()):
        questions.write_string(row, 0, line)
    book.close()
    return out.getvalue()


def forms_questions() -> str:
    """The question list to paste into Microsoft Forms, one question per block, with its choices."""
    tasks = role_tasks()
    roles = [role_label(r) for r in tasks]
    lines = [
        "Security Copilot: time saved (a 2-minute survey)",
        "",
        f"1. {QUESTIONS['respondent']} (text)",
        f"2. {QUESTIONS['role']} (choice): {'; '.join(roles)}",
        f"3. {QUESTIONS['minutes_saved_per_week']} (number, 0 to {WORKING_MINUTES_PER_WEEK:,}; "
        "0 if it saves you none)",
        f"4. {QUESTIONS['tasks']} (multiple choice; the options for your role):",
        *[f"   {role_label(r)}: {'; '.join(role_task_list)}" for r, role_task_list in tasks.items()],
        "   Other",
    ]
    scale = " / ".join(AGREEMENT_WORDS)
    for number, statement in enumerate(STATEMENTS, start=5):
        lines.append(f"{number}. {QUESTIONS[statement]} (Likert: {scale})")
    lines += [
        "",
        "Forms' Excel export (Responses > Open in Excel) can be uploaded as it is: its own columns "
        "(ID, Start time, Completion time, Email, Name) are recognised and the question texts are "
        "matched to the template's columns; 'Completion time' is the date submitted.",
    ]
    return "\n".join(lines) + "\n"
