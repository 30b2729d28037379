"""Every export says who ran the studies, carries the independent-inputs caveat beside P10/P90 and
speaks of the share of simulated scenarios with NPV > 0, never of a chance or probability."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from copilot_roi.business.case import BusinessCase, build_case, headline_figures
from copilot_roi.business.html import render
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.value.scenario import scenario_template
from copilot_roi.value.simulation_text import INDEPENDENCE_CAVEAT

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = re.compile(r"chance|probabilit", re.IGNORECASE)


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    return build_case(scenario_template("expected"), draws=400)


def deck_text(case: BusinessCase) -> str:
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(parts)


def workbook_text(case: BusinessCase) -> str:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_the_headline_puts_the_caveat_beside_p10_p90(case: BusinessCase) -> None:
    figures = {label: note for label, _, note in headline_figures(case)}
    assert figures["NPV"].startswith("P10 ") and INDEPENDENCE_CAVEAT in figures["NPV"]
    share = f"{case.range.share_npv_positive:.0%}"
    assert figures["Payback"].startswith(f"NPV > 0 in {share} of 400 simulated scenarios; ")
    assert "ROI on PV" in figures["Payback"] and "(monthly)" in figures["Payback"]  # the discounted view


def html_text(case: BusinessCase) -> str:
    """The one-pager without the inlined plotly.js (whose own source mentions probability)."""
    return html.unescape(render(case).replace(_plotly_bundle(), ""))


@pytest.mark.parametrize("render_text", [html_text, deck_text, workbook_text], ids=["html", "pptx", "xlsx"])
def test_every_export_names_who_ran_the_studies_and_words_the_simulation(
    case: BusinessCase, render_text: object
) -> None:
    text = " ".join(render_text(case).split())  # type: ignore[operator]
    assert "run or funded by Microsoft" in text
    assert INDEPENDENCE_CAVEAT in text
    assert re.search(r"NPV > 0 in \d+% of 400 simulated scenarios|simulated scenarios with NPV > 0", text)
    assert not FORBIDDEN.search(text)


def test_the_evidence_rows_are_graded(case: BusinessCase) -> None:
    cited = [e for e in case.evidence if e.use.startswith("cited (")]
    assert cited and {e.authors for e in cited} == {"Microsoft"}
    assert {e.measures for e in cited} == {"task time (labour minutes)"}
    context = [e for e in case.evidence if e.use == "context"]
    assert {e.measures for e in context} == {"elapsed time (wall clock)"}
    assert {e.role for e in context} == {"SOC analyst", "DLP analyst", "IT admin"}
    html = render(case)
    assert "Context, not labour saved: Generative AI and SOC Productivity" in html
    assert "Run by Microsoft; task time; lab; not significant" in html
    # Each study names the end of the band it backs: the non-significant one backs only the low end.
    assert "for SOC analyst (low end)" in html
    assert {e.use for e in cited if "script analysis" in e.study} == {"cited (low end)"}


def test_no_source_or_page_speaks_of_a_chance_or_probability() -> None:
    hits = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("src", "app_pages", "ui")
        for path in (REPO / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]
    assert hits == []


def _plotly_bundle() -> str:
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())
