"""The business-case files by name: what the CLI writes and the page offers for download."""

from __future__ import annotations

from collections.abc import Callable

from copilot_roi.business.case import BusinessCase
from copilot_roi.business.html import html_bytes
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.case import CASE_FILE_NAME, case_json, new_case

XLSX_NAME = "business-case.xlsx"
PPTX_NAME = "business-case.pptx"
HTML_NAME = "business-case.html"
SCENARIO_NAME = "scenario.json"
CASE_NAME = CASE_FILE_NAME
MIME = {
    XLSX_NAME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PPTX_NAME: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    HTML_NAME: "text/html",
    SCENARIO_NAME: "application/json",
    CASE_NAME: "application/json",
}


def scenario_json(case: BusinessCase) -> bytes:
    """The portable scenario (the value issue's JSON format), as ``Scenario.model_dump_json``."""
    return (case.scenario.model_dump_json(indent=2) + "\n").encode("utf-8")


def case_file(case: BusinessCase) -> bytes:
    """The case (``copilot-roi roi --case`` reproduces its figures): the one the business case was
    built from, named as in the files, or a new case around the scenario."""
    record = case.record or new_case(case.scenario)
    named = record.model_copy(update={"customer_name": case.customer_name, "partner_name": case.partner_name})
    return (case_json(named) + "\n").encode("utf-8")


RENDERERS: dict[str, Callable[[BusinessCase], bytes]] = {
    XLSX_NAME: workbook_bytes,
    PPTX_NAME: deck_bytes,
    HTML_NAME: html_bytes,
    SCENARIO_NAME: scenario_json,
    CASE_NAME: case_file,
}


def render_all(case: BusinessCase) -> dict[str, bytes]:
    """Every file of the business case, by file name."""
    return {name: render(case) for name, render in RENDERERS.items()}
