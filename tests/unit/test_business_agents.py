"""Agent lines in the business case exports: per-run figures in HTML, PPTX and XLSX, live workbook
formulas that reproduce the engine with agents, and hostile agent names kept inert everywhere."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from test_business_xlsx import Workbook, assert_matches

from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.business.html import render
from copilot_roi.business.pptx import SLIDE_TITLES, deck_bytes
from copilot_roi.business.xlsx import AGENTS, workbook_bytes
from copilot_roi.value.agent_lines import preset_line
from copilot_roi.value.scenario import Scenario, scenario_template

HOSTILE = '=HYPERLINK("http://evil")<script>alert(1)</script> Agent'


def scenario_with_agents(name: str = "Phishing Triage Agent") -> Scenario:
    phishing = preset_line("phishing_triage").model_copy(update={"agent": name})
    access = preset_line("conditional_access_optimization").model_copy(update={"loaded_cost_per_hour": 90.0})
    data = scenario_template("expected").model_dump() | {
        "agents": [phishing.model_dump(), access.model_dump()],
        "horizon_months": 12,
    }
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    return build_case(scenario_with_agents(), draws=200)


@pytest.fixture(scope="module")
def hostile_case() -> BusinessCase:
    return build_case(scenario_with_agents(HOSTILE), draws=200)


def test_the_workbook_recalculates_agent_hours_like_the_engine(case: BusinessCase, tmp_path: Path) -> None:
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert_matches(book, case.result)
    assert case.result.agent_hours_freed > 0
    # Per-run figures on the Agents sheet: 12.9 min / 60 x 90 = 19.35 by hand for the CA agent.
    assert book.value(AGENTS, "G5") == pytest.approx(19.35)
    assert book.value(AGENTS, "H4") == pytest.approx(case.result.agent_lines[0].total_hours_freed)


def test_html_and_deck_show_the_per_run_figures(case: BusinessCase) -> None:
    page = render(case)
    phishing = case.result.agent_lines[0]
    assert "Agents: cost per alert processed" in page
    # 6.92 min (derived from the RCT's throughput, catalogue) / 60 x USD 75 = 8.65.
    assert "USD 8.65" in page
    assert f"USD {phishing.cost_per_run:,.2f}" in page
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    texts = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert "USD 8.65" in texts and "USD 19.35" in texts


def test_a_case_without_agents_has_no_agents_slide_or_sheet() -> None:
    plain = build_case(scenario_template("expected"), draws=100)
    assert len(Presentation(io.BytesIO(deck_bytes(plain))).slides) == len(SLIDE_TITLES)
    assert AGENTS not in openpyxl.load_workbook(io.BytesIO(workbook_bytes(plain))).sheetnames
    assert "Agents: cost per alert" not in render(plain)


def test_hostile_agent_names_stay_inert_in_every_export(hostile_case: BusinessCase) -> None:
    page = render(hostile_case)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(hostile_case)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    assert cell.data_type == "s" and not cell.value.startswith("="), (
                        sheet.title,
                        cell.coordinate,
                    )
    names = [c.value for c in book[AGENTS]["A"] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(n.startswith("'") for n in names)
    deck = Presentation(io.BytesIO(deck_bytes(hostile_case)))
    assert len(deck.slides) == len(SLIDE_TITLES) + 1  # and the agents slide
