"""The business-case deck: seven slides, titled, with native charts holding the engine's numbers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from libreoffice import convert, pdf_pages, pdf_text
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from copilot_roi.business.case import BusinessCase, build_case, role_ids_with_people
from copilot_roi.business.pptx import NO_PEOPLE, SLIDE_TITLES, deck_bytes
from copilot_roi.value.scenario import Scenario, scenario_template


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    data = scenario_template("expected").model_dump()
    data["roles"]["ciso"]["headcount"] = 0  # a role without people has no bar
    data["roles"]["ciso"]["ranges"]["headcount"] = {"low": 0, "high": 1}
    return build_case(
        Scenario.model_validate(data),
        customer_name="Contoso Bank",
        partner_name="Fabrikam Partners",
        draws=500,
    )


@pytest.fixture(scope="module")
def deck(case: BusinessCase):  # type: ignore[no-untyped-def]
    return Presentation(io.BytesIO(deck_bytes(case)))


def charts(slide):  # type: ignore[no-untyped-def]
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_slides_and_titles(deck) -> None:  # type: ignore[no-untyped-def]
    assert len(deck.slides) == len(SLIDE_TITLES) == 8
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[0] == SLIDE_TITLES[0]
    for title, expected in zip(titles[1:], SLIDE_TITLES[1:], strict=True):
        assert title.startswith(expected)


def test_title_slide_names_customer_partner_and_date(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "Contoso Bank" in text and "Fabrikam Partners" in text
    assert f"{case.prepared_on:%d %B %Y}" in text


def test_recommendation_slide_states_the_verdict(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[1]
    assert case.verdict in slide.shapes.title.text
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert case.recommendation in text
    assert f"{case.result.total_hours_freed:,.0f} h" in text


def test_cost_vs_time_chart_holds_the_engine_series(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[2])
    assert chart.chart_type == XL_CHART_TYPE.LINE
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    cost = next(v for k, v in series.items() if k.startswith("Cumulative cost"))
    value = next(v for k, v in series.items() if k.startswith("Cumulative realised value"))
    r = case.result
    assert len(cost) == r.horizon_months
    assert cost[-1] == pytest.approx(r.total_cost, abs=0.01)
    assert value[-1] == pytest.approx(r.total_value, abs=0.01)
    assert cost[0] == pytest.approx(r.monthly[0].cost, abs=0.01)
    # Every third month labelled, the element where the schema wants it (before noMultiLvlLbl).
    axis = chart.category_axis._element
    tags = [child.tag.split("}")[1] for child in axis]
    assert axis.find(qn("c:tickLblSkip")).get("val") == "3"
    assert tags.index("tickLblSkip") < tags.index("noMultiLvlLbl")


def test_value_by_role_is_a_native_bar_chart(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[3])
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    plot = chart.plots[0]
    roles = role_ids_with_people(case)
    assert "ciso" not in roles
    assert list(plot.categories) == [case.role_label(r) for r in roles]
    assert list(plot.series[0].values) == pytest.approx([sum(case.result.value_by_role[r]) for r in roles])


def test_tornado_is_a_native_bar_chart_of_npv_swings(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[4])
    plot = chart.plots[0]
    bars = case.top_assumptions
    assert list(plot.categories) == [b.label for b in bars]
    low, high = (list(s.values) for s in plot.series)
    assert low == pytest.approx([b.npv_at_low - case.result.npv for b in bars], abs=0.01)
    assert high == pytest.approx([b.npv_at_high - case.result.npv for b in bars], abs=0.01)


def test_assumptions_slide_lists_roles_and_sources(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[5]
    table = next(s.table for s in slide.shapes if s.has_table)
    first_column = [table.cell(i, 0).text for i in range(1, len(table.rows))]
    assert first_column == [case.role_label(r) for r in role_ids_with_people(case)]
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert case.price_book.name in text
    assert "Every study was run or funded by Microsoft" in text
    studies = [s.table for s in slide.shapes if s.has_table][1]
    graded = [[studies.cell(i, j).text for j in range(4)] for i in range(1, len(studies.rows))]
    assert any(row[0].startswith("Microsoft RCT") for row in graded)
    # Who ran each study and what it measured; time saved rests on task time only.
    assert {row[1] for row in graded} == {"Microsoft"}
    assert {row[2] for row in graded} == {"task time"}
    assert "NO" in {row[3] for row in graded}  # the SOC low end's script-analysis result


def test_readable_font_sizes(deck) -> None:  # type: ignore[no-untyped-def]
    sizes = [
        run.font.size.pt
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.font.size is not None
    ]
    assert sizes and min(sizes) >= 11


def test_control_characters_in_names_do_not_break_the_deck() -> None:
    case = build_case(
        scenario_template("expected"), customer_name="A\x00B\x0bC", partner_name="\x1f", draws=50
    )
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    # Removed by the one function every exporter uses (copilot_roi.safe_cells.strip_control).
    assert "Prepared for ABC" in deck.slides[0].placeholders[1].text_frame.text


def test_a_scenario_with_no_people_still_makes_a_deck() -> None:
    """Every headcount 0 validates; the deck says there is no value by role instead of failing
    (the page's Deck button downloaded nothing, issue 23)."""
    data = scenario_template("expected").model_dump()
    for role in data["roles"].values():
        role["headcount"] = 0
        role["ranges"]["headcount"] = {"low": 0.0, "high": 0.0}
    case = build_case(Scenario.model_validate(data), draws=50)
    assert role_ids_with_people(case) == []
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    assert len(deck.slides) == len(SLIDE_TITLES)
    by_role = deck.slides[3]
    texts = [shape.text_frame.text for shape in by_role.shapes if shape.has_text_frame]
    assert SLIDE_TITLES[3] in texts and NO_PEOPLE in texts
    assert not any(shape.has_chart for shape in by_role.shapes)


def test_libreoffice_renders_every_slide(case: BusinessCase, tmp_path: Path) -> None:
    source = tmp_path / "deck.pptx"
    source.write_bytes(deck_bytes(case))
    pdf = convert(source, "pdf", tmp_path, tmp_path / "profile")
    assert pdf_pages(pdf) == len(SLIDE_TITLES) == 8
    pages = pdf_text(pdf)
    if pages is None:
        return  # no poppler: the page count above is the check
    for number, (page, title) in enumerate(zip(pages, SLIDE_TITLES, strict=False), start=1):
        flat = " ".join(page.split())
        assert title in flat, f"slide {number} lacks its title {title!r}"
        if number > 1:
            # The footer, on every content slide (pdftotext may drop the spaces around the slash).
            assert re.search(rf"{number}\s*/\s*{len(SLIDE_TITLES)}", flat), f"slide {number} lacks its footer"
    assert "NPV > 0 in" in " ".join(pages[4].split())  # the tornado slide's simulated share
