"""A role's time saved taken from the survey is cited in every export: workbook, deck and one-pager."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation
from test_survey_statistics import SOC_MINUTES, answers_of

from copilot_roi.business.case import build_case
from copilot_roi.business.html import render
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.case import FileIdentity, new_case, with_survey_time_saved
from copilot_roi.survey.statistics import summarise

SOURCE = "survey, n=11, Nov 2026"


def calibrated_business_case():  # type: ignore[no-untyped-def]
    survey = FileIdentity.of("survey.csv", b"answers")
    case, _ = with_survey_time_saved(new_case(), survey, summarise(answers_of({"soc": SOC_MINUTES})))
    return build_case(case.scenario, case.prices(), draws=100, record=case)


def test_the_assumption_row_is_graded_self_report_with_its_source() -> None:
    business = calibrated_business_case()
    row = next(a for a in business.assumptions if a.key == "soc.time_saved_share")
    assert row.basis == "self_report" and row.source.startswith(f"{SOURCE} (self-reported")
    assert business.time_saved_from("soc") == SOURCE and business.time_saved_from("iam") == "study"
    assert any(SOURCE in line for line in business.data_sources)


def test_workbook_deck_and_one_pager_cite_the_survey() -> None:
    business = calibrated_business_case()
    assert SOURCE in render(business)
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(business))) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert SOURCE in strings and "self_report" in strings
    deck = Presentation(io.BytesIO(deck_bytes(business)))
    texts = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert SOURCE in texts


def test_a_case_without_a_survey_cites_the_studies_as_before() -> None:
    case = new_case()
    business = build_case(case.scenario, case.prices(), draws=100, record=case)
    assert business.time_saved_from("soc") == "study"
    assert not any("survey" in line for line in business.data_sources)
