"""The four business-case files by name: what the CLI writes and the page offers for download."""

from __future__ import annotations

from collections.abc import Callable

from copilot_roi.business.case import BusinessCase
from copilot_roi.business.html import html_bytes
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes

XLSX_NAME = "business-case.xlsx"
PPTX_NAME = "business-case.pptx"
HTML_NAME = "business-case.html"
SCENARIO_NAME = "scenario.json"
MIME = {
    XLSX_NAME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PPTX_NAME: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    HTML_NAME: "text/html",
    SCENARIO_NAME: "application/json",
}


def scenario_json(case: BusinessCase) -> bytes:
    """The portable scenario (the value issue's JSON format), as ``Scenario.model_dump_json``."""
    return (case.scenario.model_dump_json(indent=2) + "\n").encode("utf-8")


RENDERERS: dict[str, Callable[[BusinessCase], bytes]] = {
    XLSX_NAME: workbook_bytes,
    PPTX_NAME: deck_bytes,
    HTML_NAME: html_bytes,
    SCENARIO_NAME: scenario_json,
}


def render_all(case: BusinessCase) -> dict[str, bytes]:
    """Every file of the business case, by file name."""
    return {name: render(case) for name, render in RENDERERS.items()}
