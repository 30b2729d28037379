"""The three files as a customer sees them: rendered by LibreOffice (the deck and the workbook) and
read back from the PDF, at the longest values a case can hold (issue 24).

Every character of every slide must land inside the box it belongs to (``rendered``), at 12 pt or
more; the deck has one page per slide; the workbook prints its Summary on one page, every sheet
fitted to the page width only, at a size that can be read, its recommendation whole.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from libreoffice import convert, pdf_pages, pdf_text
from longest_case import CUSTOMER, longest_case
from pptx import Presentation
from rendered import deck_problems

from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.business.pptx import deck_bytes
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.value.scenario import scenario_template

MIN_PRINTED_PT = 6.25  # the smallest body text on a printed workbook page (11 pt fitted to width)
MAX_WORKBOOK_PAGES = 36  # the longest case: 60 months, agents, lines, usage, chargeback


@pytest.fixture(scope="module")
def longest() -> BusinessCase:
    return longest_case(draws=200)


@pytest.fixture(scope="module")
def template() -> BusinessCase:
    return build_case(
        scenario_template("expected"), customer_name="Contoso Bank", partner_name="Fabrikam", draws=200
    )


def compared() -> BusinessCase:
    low, high = scenario_template("low"), scenario_template("high")
    named = [
        ("Expected", scenario_template("expected")),
        ("Low " + "x" * 50, low),
        ("High " + "y" * 50, high),
    ]
    return build_case(named[0][1], customer_name=CUSTOMER, compared=named, draws=100)


@pytest.mark.parametrize("which", ["longest", "template", "compared"])
def test_no_slide_text_leaves_its_box(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """'Not within the horizon' spilled out of its card, headers broke out of their cells, tables
    ran into the text below, titles over the band: each would be a problem here."""
    case = compared() if which == "compared" else request.getfixturevalue(which)
    problems = deck_problems(deck_bytes(case), tmp_path, min_size_pt=11.5)
    assert problems == [], "\n".join(str(p) for p in problems[:20])


def test_the_longest_case_has_its_cards_and_a_page_per_slide(longest: BusinessCase, tmp_path: Path) -> None:
    assert longest.result.payback_month is None and longest.result.npv < -1_000_000  # seven figures
    data = deck_bytes(longest)
    slides = len(Presentation(io.BytesIO(data)).slides)
    source = tmp_path / "deck.pptx"
    source.write_bytes(data)
    pdf = convert(source, "pdf", tmp_path, tmp_path / "profile")
    assert pdf_pages(pdf) == slides <= 16
    pages = pdf_text(pdf)
    assert pages is not None
    recommendation = " ".join(pages[1].split())
    assert "Not within the" in recommendation and "horizon" in recommendation  # the card, whole
    assert "-9,620,997" in " ".join(pages[2].split())  # the net benefit over the horizon, in full


@pytest.mark.parametrize("which", ["longest", "template"])
def test_the_workbook_prints_readably(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """It printed 18 pages of unreadable text: each sheet fitted whole onto one page, wide notes
    columns included; the recommendation cell showed 'Proceed with a'."""
    case: BusinessCase = request.getfixturevalue(which)
    source = tmp_path / "book.xlsx"
    source.write_bytes(workbook_bytes(case))
    pdf = convert(source, "pdf", tmp_path, tmp_path / "profile")
    pages = pdf_text(pdf)
    assert pages is not None
    pages = [page for page in pages if page.strip()]
    assert len(pages) == pdf_pages(pdf) <= MAX_WORKBOOK_PAGES
    summary = [i for i, page in enumerate(pages) if re.search(r"Summary,\s*page", page)]
    assert len(summary) == 1, "the Summary prints on one page"
    assert f"prepared {case.prepared_on:%d %b %Y}" in " ".join(pages[summary[0]].split())  # the footer
    with pdfplumber.open(pdf) as document:
        page = document.pages[summary[0]]
        # Columns A to C (the discounted figures sit to their right): the verdict and the sentence whole.
        left = " ".join(page.crop((0, 0, page.width * 0.62, page.height)).extract_text().split())
        assert case.verdict in left and case.recommendation in left
        for page in document.pages:
            body = [
                c["size"]
                for c in page.chars
                if c["text"].strip() and c.get("upright", True) and c["bottom"] < page.height - 40
            ]
            assert not body or min(body) >= MIN_PRINTED_PT, (page.page_number, min(body))
