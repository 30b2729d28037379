"""Every export names the finance convention and carries the other lines with their sources and the FTEs."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from pptx import Presentation

from copilot_roi.business.case import BusinessCase, build_case, headline_figures
from copilot_roi.business.html import render
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.value.scenario import Scenario, scenario_template


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    data = json.loads(scenario_template("expected").model_dump_json())
    data["finance"] = {"convention": "annual", "risk_adjustment": {"benefits": 0.1, "costs": 0.05}}
    data["other_benefits"] = [
        {"name": "Retired SOAR licence", "per_year": [18_000.0], "source": "Renewal quote Q3"}
    ]
    data["other_costs"] = [
        {"name": "Governance board", "one_off": 4_000.0, "per_year": [], "source": "PMO estimate"}
    ]
    return build_case(Scenario.model_validate(data), draws=300)


def test_html_names_the_convention_and_lists_lines_and_years(case: BusinessCase) -> None:
    page = render(case).split("</script>", 1)[1]
    assert "Annual (TEI) convention" in page and "Risk-adjusted: benefits -10%, costs +5%" in page
    assert "Annual cash flow, risk-adjusted" in page and "Initial (0)" in page
    assert "Retired SOAR licence" in page and "Renewal quote Q3" in page and "PMO estimate" in page
    assert case.result.fte is not None and f"{case.result.fte.ftes:,.1f} analyst FTEs a year" in page
    notes = {label: note for label, _, note in headline_figures(case)}
    assert "ROI on PV" in notes["Payback"] and "(annual)" in notes["Payback"]


def test_deck_has_a_finance_slide_with_sources(case: BusinessCase) -> None:
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    texts = []
    titles = ("Plan, run rate", "Annual cash flow", "Other benefit and cost lines")
    finance = [s for s in deck.slides if s.shapes.title.text.startswith(titles)]
    for shape in [shape for slide in finance for shape in slide.shapes]:
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
        elif shape.has_text_frame:
            texts.append(shape.text_frame.text)
    flat = " ".join(texts)
    assert "ROI on PV (annual)" in flat and "Initial (0)" in flat
    assert "Renewal quote Q3" in flat and "Governance board" in flat
    assert "hours-weighted" in flat or "weighted by hours freed" in flat  # how the hiring cost is computed


def test_workbook_lists_lines_as_inputs_and_names_the_convention(case: BusinessCase) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))
    lines = [[c.value for c in row] for row in book["Other lines"].iter_rows()]
    soar = next(row for row in lines if row[1] == "Retired SOAR licence")
    assert soar[:3] == ["Benefit", "Retired SOAR licence", "Renewal quote Q3"] and soar[4:7] == [18_000.0] * 3
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value)
    assert "annual (TEI)" in summary and "analyst FTEs" in summary and "ROI on PV" in summary
    keys = [row[0].value for row in book["Assumptions"].iter_rows()]
    assert {"risk_adjustment.benefits", "risk_adjustment.costs", "hours_per_fte_year"} <= set(keys)
