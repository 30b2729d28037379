"""The business-case deck: titled slides opening with the case, native charts holding the engine's numbers,
readable tables, nothing for the seller on a customer's slide."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from libreoffice import convert, pdf_pages, pdf_text
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from copilot_roi.business import palette
from copilot_roi.business.case import BusinessCase, build_case, case_summary, role_ids_with_people, run_rate
from copilot_roi.business.pptx import (
    LINES_TITLE,
    NO_PEOPLE,
    NO_PEOPLE_NOTE,
    SELLER_NOTES,
    SLIDE_TITLES,
    deck_bytes,
    month_label_step,
)
from copilot_roi.roles import role_ids
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


def slide_texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text on a slide: text boxes, table cells and chart categories and series names."""
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        elif getattr(shape, "has_table", False) and shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            plot = shape.chart.plots[0]
            texts += [str(c) for c in getattr(plot, "categories", [])] + [s.name for s in plot.series]
    return texts


def titled(deck, title: str):  # type: ignore[no-untyped-def]
    return [slide for slide in deck.slides if slide.shapes.title.text.startswith(title)]


def test_slides_and_titles(deck) -> None:  # type: ignore[no-untyped-def]
    assert len(deck.slides) == len(SLIDE_TITLES) == 9
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[0] == SLIDE_TITLES[0]
    for title, expected in zip(titles[1:], SLIDE_TITLES[1:], strict=True):
        assert title.startswith(expected)


def test_title_slide_opens_with_the_case(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    """Customer, partner, date, then the plan, the data and the price book, worded as on every page."""
    text = "\n".join(slide_texts(deck.slides[0]))
    assert "Contoso Bank" in text and "Fabrikam Partners" in text
    assert f"{case.prepared_on:%d %B %Y}" in text
    parts = case_summary(case)
    for label in ("Plan", "Data", "Price book"):
        assert f"{label}: {parts[label]}" in text
    assert "1 SCU 24x7" in text  # the plan priced, by name


def test_recommendation_slide_states_the_verdict(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[1]
    assert case.verdict in slide.shapes.title.text
    text = " ".join(slide_texts(slide))
    assert case.recommendation in text
    assert f"{case.result.total_hours_freed:,.0f} h" in text


def test_plan_and_run_rates_beside_the_horizon_totals(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[2]
    text = " ".join(slide_texts(slide))
    assert f"Plan priced: {case.result.plan_description}." in text
    assert "per SCU-hour" in text and "overage" in text
    table = next(s.table for s in slide.shapes if s.has_table)
    headers = [table.cell(0, j).text for j in range(4)]
    assert headers[1:] == [f"{case.result.horizon_months} months", "Per month", "Per year"]
    rows = {
        table.cell(i, 0).text: [table.cell(i, j).text for j in range(1, 4)] for i in range(1, len(table.rows))
    }
    rate = run_rate(case.result)
    assert rows["Cost"] == [
        f"{case.result.total_cost:,.0f}",
        f"{rate.cost_per_month:,.0f}",
        f"{12 * rate.cost_per_month:,.0f}",
    ]
    assert rows["Net benefit"][0] == f"{case.result.net_benefit:,.0f}"
    assert "NPV (monthly)" in text  # the discounted figures beside them


def test_cost_vs_time_chart_holds_the_engine_series(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[3])
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS
    series = {s.name: list(s.values) for s in chart.plots[0].series}
    cost = next(v for k, v in series.items() if k.startswith("Cumulative cost"))
    value = next(v for k, v in series.items() if k.startswith("Cumulative realised value"))
    r = case.result
    assert len(cost) == r.horizon_months
    assert cost[-1] == pytest.approx(r.total_cost, abs=0.01)
    assert value[-1] == pytest.approx(r.total_value, abs=0.01)
    assert cost[0] == pytest.approx(r.monthly[0].cost, abs=0.01)
    # A numeric month axis labelled every third month (36 labels ran into each other), with titles.
    assert chart.category_axis.major_unit == month_label_step(r.horizon_months) == 3
    assert chart.category_axis.axis_title.text_frame.text == "Month"
    assert chart.value_axis.axis_title.text_frame.text == "Cumulative USD"


def test_every_chart_has_axis_titles(deck) -> None:  # type: ignore[no-untyped-def]
    for number, slide in enumerate(deck.slides, start=1):
        for chart in charts(slide):
            for axis in (chart.category_axis, chart.value_axis):
                assert axis.has_title and axis.axis_title.text_frame.text, number


def test_value_by_role_is_a_native_bar_chart(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[4])
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    plot = chart.plots[0]
    roles = role_ids_with_people(case)
    assert "ciso" not in roles
    assert list(plot.categories) == [case.role_label(r) for r in roles]
    assert list(plot.series[0].values) == pytest.approx([sum(case.result.value_by_role[r]) for r in roles])


def test_tornado_is_a_native_bar_chart_of_npv_swings(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    (chart,) = charts(deck.slides[5])
    plot = chart.plots[0]
    bars = case.top_assumptions
    assert list(plot.categories) == [b.label for b in bars]
    low, high = (list(s.values) for s in plot.series)
    assert low == pytest.approx([b.npv_at_low - case.result.npv for b in bars], abs=0.01)
    assert high == pytest.approx([b.npv_at_high - case.result.npv for b in bars], abs=0.01)


def test_the_tornado_ends_have_one_colour_in_every_file(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    """The high end was blue in the deck and green in the one-pager and on the page."""
    from copilot_roi.business.html import _tornado
    from copilot_roi.charts.value_charts import tornado_figure

    (chart,) = charts(deck.slides[5])
    fills = [str(s.format.fill.fore_color.rgb) for s in chart.plots[0].series]
    expected = [palette.TORNADO_LOW, palette.TORNADO_HIGH]
    assert ["#" + f.lower() for f in fills] == expected
    assert palette.TORNADO_HIGH == palette.VALUE != palette.COST
    for figure in (_tornado(case), tornado_figure(case.top_assumptions, case.result.npv, "USD")):
        assert [t.marker.color for t in figure.data] == expected


def test_assumptions_slide_lists_roles_and_sources(deck, case: BusinessCase) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[6]
    table = next(s.table for s in slide.shapes if s.has_table)
    first_column = [table.cell(i, 0).text for i in range(1, len(table.rows))]
    assert first_column == [case.role_label(r) for r in role_ids_with_people(case)]
    text = " ".join(slide_texts(slide))
    assert case.price_book.name in text


def test_evidence_slide_grades_the_studies(deck) -> None:  # type: ignore[no-untyped-def]
    slide = deck.slides[7]
    assert "Every study was run or funded by Microsoft" in " ".join(slide_texts(slide))
    studies = next(s.table for s in slide.shapes if s.has_table)
    headers = [studies.cell(0, j).text for j in range(len(studies.columns))]
    assert headers == ["Study behind time saved", "Roles it backs", "Run by", "Measures", "Significant"]
    graded = [[studies.cell(i, j).text for j in range(5)] for i in range(1, len(studies.rows))]
    assert any(row[0].startswith("Microsoft RCT") for row in graded)
    # Who ran each study and what it measured; time saved rests on task time only.
    assert {row[2] for row in graded} == {"Microsoft"}
    assert {row[3] for row in graded} == {"task time"}
    assert "NO" in {row[4] for row in graded}  # the SOC low end's script-analysis result
    assert any("SOC analyst" in row[1] for row in graded)


def test_readable_font_sizes(deck) -> None:  # type: ignore[no-untyped-def]
    """Every run, in text boxes and in table cells, at 12 pt or more (tables were at 8 to 9 pt)."""
    frames = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            elif getattr(shape, "has_table", False) and shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
    sizes = [run.font.size.pt for f in frames for p in f.paragraphs for run in p.runs if run.font.size]
    assert sizes and min(sizes) >= 12


def test_no_role_ids_and_no_seller_instructions_on_a_slide(case: BusinessCase) -> None:
    """Role ids ("(soc, iam, dlp, it_admin)") and "Replace placeholder headcounts..." were on
    customer slides; the instructions now live in the speaker notes."""
    import datetime as dt

    from longest_case import SAMPLE

    from copilot_roi.usage import IngestOptions, ingest_paths
    from copilot_roi.value.calibration import calibrate_from_usage

    usage = ingest_paths([SAMPLE], IngestOptions(as_of=dt.date(2026, 10, 1)))
    calibrated = calibrate_from_usage(case.scenario, usage).scenario
    assert calibrated.capacity.measured_roles  # the sources line names the measured roles
    measured = build_case(calibrated, usage=usage, draws=50)
    deck = Presentation(io.BytesIO(deck_bytes(measured)))
    for number, slide in enumerate(deck.slides, start=1):
        text = " ".join(slide_texts(slide))
        ids = [r for r in role_ids() if re.search(rf"\b{r}\b", text)]
        assert ids == [], (number, ids)
        for instruction in ("eplace placeholder", "Value scenarios page", "Before presenting"):
            assert instruction not in text, (number, instruction)
    assert "SCUs per person per month: measured from the customer's usage (SOC analyst" in " ".join(
        t for slide in deck.slides for t in slide_texts(slide)
    )
    last = deck.slides[-1]
    assert last.has_notes_slide and last.notes_slide.notes_text_frame.text == SELLER_NOTES
    assert "replace placeholder headcounts" in SELLER_NOTES


def test_control_characters_in_names_do_not_break_the_deck() -> None:
    case = build_case(
        scenario_template("expected"), customer_name="A\x00B\x0bC", partner_name="\x1f", draws=50
    )
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    # Removed by the one function every exporter uses (copilot_roi.safe_cells.strip_control).
    assert "Prepared for ABC" in " ".join(slide_texts(deck.slides[0]))


def test_a_scenario_with_no_people_still_makes_a_deck() -> None:
    """Every headcount 0 validates; the deck says there is no value by role instead of failing
    (the page's Deck button downloaded nothing, issue 23); where to set them is a speaker note."""
    data = scenario_template("expected").model_dump()
    for role in data["roles"].values():
        role["headcount"] = 0
        role["ranges"]["headcount"] = {"low": 0.0, "high": 0.0}
    case = build_case(Scenario.model_validate(data), draws=50)
    assert role_ids_with_people(case) == []
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    assert len(deck.slides) == len(SLIDE_TITLES)
    by_role = deck.slides[4]
    texts = slide_texts(by_role)
    assert SLIDE_TITLES[4] in texts and NO_PEOPLE in texts
    assert not any(shape.has_chart for shape in by_role.shapes)
    assert by_role.notes_slide.notes_text_frame.text == NO_PEOPLE_NOTE


def test_long_tables_continue_on_the_next_slide() -> None:
    """Seven other lines with long names and sources do not fit one slide: the table continues
    under the same header, and every line is on a slide."""
    from longest_case import longest_case

    case = longest_case(draws=50)
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    slides = titled(deck, LINES_TITLE)
    assert len(slides) >= 2 and slides[1].shapes.title.text == f"{LINES_TITLE} (continued)"
    names = [line.name for line in (*case.scenario.other_benefits, *case.scenario.other_costs)]
    texts = [t for slide in slides for t in slide_texts(slide)]
    assert all(name in texts for name in names)
    for slide in slides:
        table = next(s.table for s in slide.shapes if s.has_table)
        assert table.cell(0, 1).text == "Line"


def test_libreoffice_renders_every_slide(case: BusinessCase, tmp_path: Path) -> None:
    source = tmp_path / "deck.pptx"
    source.write_bytes(deck_bytes(case))
    pdf = convert(source, "pdf", tmp_path, tmp_path / "profile")
    assert pdf_pages(pdf) == len(SLIDE_TITLES) == 9
    pages = pdf_text(pdf)
    if pages is None:
        return  # no poppler: the page count above is the check
    for number, (page, title) in enumerate(zip(pages, SLIDE_TITLES, strict=False), start=1):
        flat = " ".join(page.split())
        assert title in flat, f"slide {number} lacks its title {title!r}"
        if number > 1:
            # The footer, on every content slide (pdftotext may drop the spaces around the slash).
            assert re.search(rf"{number}\s*/\s*{len(SLIDE_TITLES)}", flat), f"slide {number} lacks its footer"
    assert "NPV > 0 in" in " ".join(pages[5].split())  # the tornado slide's simulated share
