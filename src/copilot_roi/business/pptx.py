"""The business case as a short deck with native, editable charts, in the business-case palette.

Slides: title; recommendation; cost vs analyst time saved; value by role; sensitivity (tornado);
assumptions and sources; next steps. Chart series hold the engine's numbers, so a reader can
click a chart in PowerPoint and see (and edit) the data behind it. Every content slide has the
same navy title band and a footer naming the customer, the date and the slide number.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from copilot_roi.business import comparison_text, palette
from copilot_roi.business.agent_rows import AGENT_HEADERS, AGENT_NOTE, agent_rows
from copilot_roi.business.case import BusinessCase, evidence_authors, headline_figures, role_ids_with_people
from copilot_roi.business.deck_chart_data import SafeCategoryChartData
from copilot_roi.business.finance_view import finance_notes, finance_tables
from copilot_roi.charts.value_charts import COMPARISON_COLOURS
from copilot_roi.safe_cells import strip_control
from copilot_roi.value.comparison import Comparison
from copilot_roi.value.simulation_text import range_sentence, share_positive_sentence
from copilot_roi.wording import money, payback_sentence

SLIDE_TITLES = (
    "Security Copilot business case",
    "Recommendation",
    "Cost vs analyst time saved",
    "Realised value by role",
    "What moves the answer",
    "Assumptions and sources",
    "Finance view: discounted figures and other lines",
    "Next steps",
)
BLUE = RGBColor(*palette.rgb(palette.COST))
GREEN = RGBColor(*palette.rgb(palette.VALUE))
GREY = RGBColor(*palette.rgb(palette.NEUTRAL))
RED = RGBColor(*palette.rgb(palette.LOSS))
NAVY = RGBColor(*palette.rgb(palette.NAVY))
MUTED = RGBColor(*palette.rgb(palette.MUTED))
PALE = RGBColor(*palette.rgb(palette.PALE))
ON_NAVY = RGBColor(*palette.rgb(palette.ON_NAVY))
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BAND_HEIGHT = Inches(0.95)
FOOTER_TOP = Inches(7.05)
BODY_PT = 18
SMALL_PT = 12
WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
MAX_DECK_YEARS = 6  # rows of the annual table on the finance slide (year 0 to 5)
MAX_DECK_LINES = 8  # other lines listed on the finance slide
MAX_TEXT = 160  # characters of any one upload- or user-derived string on a slide
NO_PEOPLE = (
    "No role has people in this scenario (every headcount is 0), so no analyst time is valued: "
    "set the headcounts on the Value scenarios page to chart value by role."
)


def deck_bytes(case: BusinessCase) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = "Security Copilot business case"
    _title_slide(deck, case)
    _recommendation(deck, case)
    _cost_vs_time(deck, case)
    _value_by_role(deck, case)
    _tornado(deck, case)
    if case.comparison is not None:
        _comparison(deck, case.comparison)
    _assumptions(deck, case)
    _finance(deck, case)
    if case.result.agent_lines:
        _agents(deck, case)
    _next_steps(deck, case)
    for number, slide in enumerate(deck.slides, start=1):
        if number > 1:
            _footer(slide, case, number, len(deck.slides))
        _fonts_on_runs(slide)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _fonts_on_runs(slide: Slide) -> None:
    """Copy each paragraph's font settings onto its runs: PowerPoint honours run properties,
    while paragraph defaults are ignored by some viewers."""
    frames = []
    for shape in slide.shapes:
        if isinstance(shape, GraphicFrame) and shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        elif isinstance(shape, Shape) and shape.has_text_frame:
            frames.append(shape.text_frame)
    for frame in frames:
        for paragraph in frame.paragraphs:
            default = paragraph.font
            for run in paragraph.runs:
                if default.size is not None and run.font.size is None:
                    run.font.size = default.size
                if default.bold is not None and run.font.bold is None:
                    run.font.bold = default.bold
                if default.color.type is not None and run.font.color.type is None:
                    run.font.color.rgb = default.color.rgb


def _clip(text: str) -> str:
    """One line of at most MAX_TEXT characters, without the control characters XML cannot hold."""
    text = " ".join(strip_control(text).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _slide(deck: Deck, title: str) -> Slide:
    """A content slide: the title in white on a navy band across the top."""
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    band = _rectangle(slide, 0, 0, WIDTH, BAND_HEIGHT, NAVY)
    # Behind the title placeholder: shapes draw in document order.
    tree = slide.shapes._spTree
    tree.remove(band._element)
    tree.insert(2, band._element)
    shape = slide.shapes.title
    assert shape is not None  # layout 5 has a title placeholder
    shape.left, shape.top = Inches(0.6), Inches(0.05)
    shape.width, shape.height = Emu(WIDTH - Inches(1.2)), Emu(BAND_HEIGHT - Inches(0.1))
    shape.text = title
    shape.text_frame.word_wrap = True
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.font.size = Pt(30)
    paragraph.font.bold = True
    paragraph.font.color.rgb = WHITE
    paragraph.alignment = PP_ALIGN.LEFT
    return slide


def _rectangle(slide: Slide, left: int, top: int, width: int, height: int, fill: RGBColor) -> Shape:
    shape: Shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    shape.fill.solid()
    shape.fill.fore_color.rgb = fill
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _footer(slide: Slide, case: BusinessCase, number: int, total: int) -> None:
    """Who the deck is for and when, left; the slide number, right (small, muted)."""
    who = (
        f"Prepared for {_clip(case.customer_name)}"
        if case.customer_name
        else "Security Copilot business case"
    )
    if case.partner_name:
        who += f" by {_clip(case.partner_name)}"
    left_text = f"{who} · {case.prepared_on:%d %B %Y}"
    for text, left, width, align in (
        (left_text, Inches(0.6), Inches(9.5), PP_ALIGN.LEFT),
        (f"{number} / {total}", WIDTH - Inches(2.1), Inches(1.5), PP_ALIGN.RIGHT),
    ):
        box = slide.shapes.add_textbox(Emu(left), FOOTER_TOP, Emu(width), Inches(0.35))
        box.text_frame.word_wrap = True  # a fixed box: LibreOffice centres an auto-width one
        paragraph = box.text_frame.paragraphs[0]
        paragraph.text = text
        paragraph.font.size = Pt(11)
        paragraph.font.color.rgb = MUTED
        paragraph.alignment = align


def _bullets(
    slide: Slide,
    lines: list[str],
    left: int,
    top: int,
    width: int,
    height: int,
    size: int = BODY_PT,
) -> Shape:
    box: Shape = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = strip_control(line)
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(8)
    return box


def _title_slide(deck: Deck, case: BusinessCase) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = NAVY
    _rectangle(slide, Inches(0.9), Inches(3.55), Inches(1.6), Inches(0.08), GREEN)
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.9), Inches(1.6), Inches(11.5), Inches(1.9)
    title.text = SLIDE_TITLES[0]
    heading = title.text_frame.paragraphs[0]
    heading.font.size = Pt(44)
    heading.font.bold = True
    heading.font.color.rgb = WHITE
    heading.alignment = PP_ALIGN.LEFT
    who = []
    if case.customer_name:
        who.append(f"Prepared for {_clip(case.customer_name)}")
    if case.partner_name:
        who.append(f"by {_clip(case.partner_name)}")
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(0.9),
        Inches(3.9),
        Inches(11.5),
        Inches(1.6),
    )
    subtitle.text = " ".join(who) or "Value scenario"
    extra = subtitle.text_frame.add_paragraph()
    extra.text = f"{case.prepared_on:%d %B %Y}"
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.font.size = Pt(22)
        paragraph.font.color.rgb = ON_NAVY
        paragraph.alignment = PP_ALIGN.LEFT


def _recommendation(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, f"{SLIDE_TITLES[1]}: {case.verdict}")
    kpis = headline_figures(case)
    width = (WIDTH - Inches(1.2)) / len(kpis)
    for i, (label, value, note) in enumerate(kpis):
        left = Inches(0.6) + int(width * i)
        card = _rectangle(slide, left, Inches(1.25), int(width) - Inches(0.15), Inches(1.85), PALE)
        frame = card.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.12)
        frame.paragraphs[0].text = label
        frame.paragraphs[0].font.size = Pt(14)
        frame.paragraphs[0].font.color.rgb = MUTED
        p = frame.add_paragraph()
        p.text = value
        p.font.size = Pt(24)
        p.font.bold = True
        p.font.color.rgb = NAVY
        p = frame.add_paragraph()
        p.text = note
        p.font.size = Pt(SMALL_PT)
        p.font.color.rgb = MUTED
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
    lines = [case.recommendation, "What must be true:", *case.what_must_be_true[:3]]
    if case.throttling_warning:
        # Beside the verdict, at the cost of one "what must be true" line so the box still fits.
        lines = [
            case.recommendation,
            case.throttling_warning,
            "What must be true:",
            *case.what_must_be_true[:2],
        ]
    box = _bullets(slide, lines, Inches(0.6), Inches(3.3), WIDTH - Inches(1.2), Inches(3.6), size=16)
    for paragraph in box.text_frame.paragraphs[:2]:
        paragraph.font.bold = True
        paragraph.font.color.rgb = NAVY


def _chart_frame(slide: Slide, kind: XL_CHART_TYPE, data: SafeCategoryChartData) -> Chart:
    top = Inches(1.5)
    graphic: Any = slide.shapes.add_chart(
        kind, Inches(0.6), top, Emu(WIDTH - Inches(1.2)), Emu(FOOTER_TOP - top - Inches(0.1)), data
    )
    chart: Chart = graphic.chart
    chart.font.size = Pt(14)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    return chart


def _cost_vs_time(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[2])
    r, c = case.result, case.prices.currency
    data = SafeCategoryChartData(number_format="#,##0")
    data.categories = [str(m.month) for m in r.monthly]
    cumulative_cost, cumulative_value, running_cost, running_value = [], [], 0.0, 0.0
    for m in r.monthly:
        running_cost += m.cost
        running_value += m.value
        cumulative_cost.append(round(running_cost, 2))
        cumulative_value.append(round(running_value, 2))
    data.add_series(f"Cumulative cost ({c})", cumulative_cost)
    data.add_series(f"Cumulative realised value ({c})", cumulative_value)
    data.add_series(
        f"Cumulative hours freed x loaded cost, all counted ({c})",
        _cumulative_full_value(case),
    )
    chart = _chart_frame(slide, XL_CHART_TYPE.LINE, data)
    for series, colour in zip(chart.plots[0].series, (BLUE, GREEN, GREY), strict=True):
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(3)
        series.smooth = False
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if len(r.monthly) > 12:
        _label_every(chart, 3)  # 36 month numbers on one axis run into each other
    chart.value_axis.has_major_gridlines = True
    note = payback_sentence(r.payback_month, r.first_crossing_month)
    _bullets(
        slide,
        [f"{note} Grey: freed hours at full loaded cost, before the realisation rate."],
        Inches(0.6),
        Inches(1.02),
        WIDTH - Inches(1.2),
        Inches(0.4),
        size=SMALL_PT,
    )


def _no_chart(slide: Slide, sentence: str) -> None:
    """The sentence where the chart would be, when there is nothing to chart."""
    _bullets(slide, [sentence], Inches(0.6), Inches(1.5), WIDTH - Inches(1.2), Inches(1.0))


def _label_every(chart: Chart, step: int) -> None:
    """Label every ``step``-th category (``c:tickLblSkip``, which python-pptx does not expose).

    The element goes where the schema puts it (before ``tickMarkSkip``, ``noMultiLvlLbl`` or
    ``extLst``): PowerPoint repairs a file whose elements are out of order.
    """
    axis = chart.category_axis._element
    skip = axis.makeelement(qn("c:tickLblSkip"), {"val": str(step)})
    later = [axis.find(qn(f"c:{name}")) for name in ("tickMarkSkip", "noMultiLvlLbl", "extLst")]
    following = next((element for element in later if element is not None), None)
    if following is None:
        axis.append(skip)
    else:
        following.addprevious(skip)


def _cumulative_full_value(case: BusinessCase) -> list[float]:
    rate = case.result.realisation_rate
    out, running = [], 0.0
    for m in case.result.monthly:
        running += m.value / rate if rate > 0 else 0.0
        out.append(round(running, 2))
    return out


def _value_by_role(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[3])
    c = case.prices.currency
    roles = role_ids_with_people(case)
    if not roles:  # a chart needs a category: say why there is none instead
        _no_chart(slide, NO_PEOPLE)
        return
    data = SafeCategoryChartData(number_format="#,##0")
    data.categories = [case.role_label(r) for r in roles]
    values = [sum(case.result.value_by_role[r]) for r in roles]
    data.add_series(f"Realised value over the horizon ({c})", values)
    chart = _chart_frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "#,##0"
    plot.data_labels.number_format_is_linked = False
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = GREEN
    chart.category_axis.reverse_order = True
    hours = sum(sum(case.result.hours_freed_by_role[r]) for r in roles)
    _bullets(
        slide,
        [f"{hours:,.0f} analyst hours freed in total; value = hours x loaded cost x realisation rate."],
        Inches(0.6),
        Inches(1.02),
        WIDTH - Inches(1.2),
        Inches(0.4),
        size=SMALL_PT,
    )


def _tornado(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[4])
    c = case.prices.currency
    bars = case.top_assumptions
    base = case.result.npv
    if not bars:
        _no_chart(slide, "No input of this scenario has a range, so there is no sensitivity to chart.")
        return
    data = SafeCategoryChartData(number_format="#,##0")
    data.categories = [_clip(b.label) for b in bars]
    data.add_series(f"NPV at the low input, vs base ({c})", [round(b.npv_at_low - base, 2) for b in bars])
    data.add_series(f"NPV at the high input, vs base ({c})", [round(b.npv_at_high - base, 2) for b in bars])
    chart = _chart_frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.overlap = 100
    plot.gap_width = 40
    for series, colour in zip(plot.series, (RED, BLUE), strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        series.invert_if_negative = False
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _bullets(
        slide,
        [
            f"Base NPV {money(base, c)}; each bar moves one input to the low or high end of its range. "
            f"{range_sentence(money(case.range.p10, c), money(case.range.p90, c), case.range.draws)}; "
            f"{share_positive_sentence(case.range.share_npv_positive, case.range.draws)}."
        ],
        Inches(0.6),
        Inches(1.02),
        WIDTH - Inches(1.2),
        Inches(0.4),
        size=SMALL_PT,
    )


def _assumptions(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[5])
    roles = role_ids_with_people(case)
    s = case.scenario
    rows = [("Role", "People", "Hours/wk", "Time saved", "Cost/h", "Time saved from")]
    for r in roles:
        role = s.roles[r]
        basis = next(a.basis for a in case.assumptions if a.key == f"{r}.time_saved_share")
        rows.append(
            (
                case.role_label(r),
                f"{role.headcount:,}",
                f"{role.hours_per_week_on_assisted_tasks:g}",
                f"{role.time_saved_share:.1%}",
                f"{role.loaded_cost_per_hour:,.0f}",
                "study" if basis == "evidence" else "assumption",
            )
        )
    bottom = _table(slide, rows, Inches(0.6), Inches(1.2), [1.8, 0.85, 0.85, 0.9, 0.8, 1.4])
    significant = {"significant": "yes", "not significant": "NO", "significance not reported": "not reported"}
    studies = {
        (
            _clip(e.study),
            e.authors,
            e.measures.split(" (")[0],
            significant.get(e.significance, e.significance),
        ): 0
        for e in case.evidence
        if e.use == "cited"
    }
    study_rows = [("Study behind time saved", "Run by", "Measures", "Significant"), *studies]
    _table(slide, study_rows, Inches(7.25), Inches(1.2), [2.6, 1.0, 0.9, 1.15])
    lines = [
        f"Realisation rate {s.realisation_rate:.0%}; discount rate {s.discount_rate_annual:.1%} a year; "
        f"horizon {s.horizon_months} months; "
        f"one-off costs {money(s.one_off_costs.total, case.prices.currency)}.",
        f"Price book: {case.price_book_label()}.",
        *[_clip(x) for x in case.data_sources[2:]],
        f"Every study was run or funded by {evidence_authors(case)}; time saved cites task-time results "
        "only (elapsed-time results are context, not labour saved).",
    ]
    text_top = bottom + Inches(0.2)
    _bullets(slide, lines, Inches(0.6), text_top, Inches(6.6), FOOTER_TOP - text_top, size=SMALL_PT)


def _finance(deck: Deck, case: BusinessCase) -> None:
    """Discounted figures and (annual) the year table on the left; other lines and notes on the right."""
    slide = _slide(deck, SLIDE_TITLES[6])
    tables = finance_tables(case)
    figures, rest = tables[0], tables[1:]
    rows = [figures.headers[:2], *[row[:2] for row in figures.rows]]
    bottom = _table(slide, rows, Inches(0.6), Inches(1.2), [3.4, 1.8])
    left_top: int = bottom + Inches(0.25)
    right_top: int = Inches(1.2)
    for table in rest:
        if table.headers[0] == "Year":
            # Year 0..5 fit under the figures; a longer horizon's later years are in the workbook.
            years = [(r[0], r[1], r[2], r[3], r[5]) for r in table.rows[:MAX_DECK_YEARS]]
            year_rows = [("Year", "Costs", "Benefits", "Net", "PV of net"), *years]
            widths = [1.2, 1.1, 1.1, 1.1, 1.1]
            left_top = _table(slide, year_rows, Inches(0.6), left_top, widths) + Inches(0.2)
        else:
            lines = [
                (f"{r[0]}: {_clip(r[1])}", r[2], r[3].removesuffix(" (last repeated)").replace("year ", "y"),
                 _clip(r[4]))
                for r in table.rows[:MAX_DECK_LINES]
            ]  # fmt: skip
            line_rows = [("Other line", "One-off", "Per year", "Source"), *lines]
            widths = [2.1, 0.8, 1.6, 1.5]
            right_top = _table(slide, line_rows, Inches(6.9), right_top, widths) + Inches(0.45)  # rows wrap
    notes = finance_notes(case)
    if len(case.result.yearly) > MAX_DECK_YEARS:
        notes.append(f"Years {MAX_DECK_YEARS} on: see the workbook's Annual (TEI) sheet.")
    if sum(len(t.rows) for t in rest if t.headers[0] != "Year") > MAX_DECK_LINES:
        notes.append("More lines: see the workbook's Other lines sheet.")
    top = right_top
    _bullets(slide, notes, Inches(7.0), top, Inches(5.7), max(FOOTER_TOP - top, Inches(1.0)), size=SMALL_PT)


def _table(slide: Slide, rows: Sequence[Sequence[str]], left: int, top: int, widths_in: list[float]) -> int:
    """A table in the palette (navy header, banded pale rows) at ``top``; returns its bottom edge."""
    row_height = Inches(0.34)
    height = row_height * len(rows)
    shape = slide.shapes.add_table(
        len(rows), len(rows[0]), Emu(left), Emu(top), Inches(sum(widths_in)), Emu(height)
    )
    table = shape.table
    for j, width in enumerate(widths_in):
        table.columns[j].width = Inches(width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = strip_control(value)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.margin_left = cell.margin_right = Inches(0.06)
            fill: Any = cell.fill  # python-pptx leaves this property untyped
            fill.solid()
            fill.fore_color.rgb = NAVY if i == 0 else (PALE if i % 2 else WHITE)
            font = cell.text_frame.paragraphs[0].font
            font.size = Pt(SMALL_PT)
            font.bold = i == 0
            font.color.rgb = WHITE if i == 0 else NAVY
    return int(top + height)


def _next_steps(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[-1])
    steps = [
        "Replace placeholder headcounts, hours and loaded costs with your own figures.",
        "Run a 60 to 90 day pilot with the roles that carry most of the value; measure time saved per task.",
        "Upload the pilot's usage export to size capacity from measured SCUs instead of estimates.",
        "Agree how freed hours are reinvested (the realisation rate) and who tracks it.",
        "Revisit the case with the measured numbers before committing to the full horizon.",
    ]
    if case.scenario.capacity.usage_source == "usage":
        steps[2] = (
            "SCUs per person are measured from the uploaded usage; keep uploading monthly exports "
            "to track them."
        )
    numbered = [f"{i}.  {step}" for i, step in enumerate(steps, start=1)]
    _bullets(slide, numbered, Inches(0.6), Inches(1.4), WIDTH - Inches(1.2), Inches(5.5), size=20)


def _agents(deck: Deck, case: BusinessCase) -> None:
    """Per agent line: cost per alert processed against the same work by hand."""
    slide = _slide(deck, "Agents: cost per alert processed")
    rows = [list(AGENT_HEADERS), *([_clip(v) for v in row] for row in agent_rows(case)[:12])]
    bottom = _table(slide, rows, Inches(0.6), Inches(1.4), [4.1, 1.5, 1.4, 2.0, 2.0, 1.1])
    text_top = bottom + Inches(0.2)
    _bullets(
        slide, [AGENT_NOTE], Inches(0.6), text_top, WIDTH - Inches(1.2), FOOTER_TOP - text_top, size=SMALL_PT
    )


def _comparison(deck: Deck, comparison: Comparison) -> None:
    """Scenarios side by side: the figures in a table, the cumulative net of each in a native chart."""
    slide = _slide(deck, comparison_text.title(comparison).capitalize())
    headers = comparison_text.HEADERS
    rows = [headers, *[tuple(_clip(cell) for cell in row) for row in comparison_text.rows(comparison)]]
    bottom = _table(slide, rows, Inches(0.4), Inches(1.1), [1.7, 2.6, 0.9, 1.0, 0.9, 3.0, 0.7, 0.9, 0.7])
    months = max(len(r.cumulative_net) for r in comparison.rows)
    data = SafeCategoryChartData()
    data.categories = [str(m) for m in range(1, months + 1)]
    for row in comparison.rows:
        # A shorter horizon ends early: its later months are blank, not zero.
        data.add_series(_clip(row.name), [*row.cumulative_net, *[None] * (months - len(row.cumulative_net))])
    top = bottom + Inches(0.15)
    graphic: Any = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE, Inches(0.4), Emu(top), Emu(WIDTH - Inches(0.8)),
        Emu(FOOTER_TOP - top - Inches(0.5)), data,
    )  # fmt: skip
    chart: Chart = graphic.chart
    chart.font.size = Pt(SMALL_PT)
    chart.has_title = True
    chart.chart_title.text_frame.text = f"Cumulative net by month ({comparison.currency})"
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    for series, colour in zip(chart.series, COMPARISON_COLOURS, strict=False):
        series.format.line.color.rgb = RGBColor.from_string(colour.lstrip("#"))
        series.smooth = False
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    _bullets(
        slide, [comparison_text.intro(comparison)], Inches(0.4), FOOTER_TOP - Inches(0.45),
        WIDTH - Inches(0.8), Inches(0.4), size=SMALL_PT - 2,
    )  # fmt: skip
