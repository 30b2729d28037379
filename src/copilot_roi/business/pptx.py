"""The business case as a short deck with native, editable charts, in the business-case palette.

Slides: the title with the case (customer, plan, data period, price book); the recommendation;
the plan priced, run rates and discounted figures; cost vs analyst time saved; value by role;
sensitivity (tornado); scenarios compared (when several); assumptions; evidence; the annual cash
flow and other lines (when the case has them); agents (when it has lines); next steps. Chart
series hold the engine's numbers, so a reader can click a chart in PowerPoint and see (and edit)
the data behind it. Every content slide has the same navy title band and a footer naming the
customer, the date and the slide number.

Every box is sized from its text (``deck_text``) and every text is at least 12 pt: a table too
long for one slide continues on the next, under the same header. Instructions for the person
presenting (what to replace, where to set an input) go to the speaker notes, never on a slide.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pptx import Presentation
from pptx.chart.axis import _BaseAxis
from pptx.chart.chart import Chart
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from copilot_roi.business import comparison_text, palette
from copilot_roi.business.agent_rows import AGENT_HEADERS, AGENT_NOTE, agent_rows
from copilot_roi.business.case import (
    BusinessCase,
    case_line,
    case_summary,
    evidence_authors,
    evidence_backs,
    headline_figures,
    role_ids_with_people,
    run_rate,
)
from copilot_roi.business.deck_chart_data import SafeCategoryChartData, SafeXyChartData
from copilot_roi.business.deck_text import clip_to_width, text_height_in, text_lines, text_width_in
from copilot_roi.business.finance_view import finance_notes, finance_tables
from copilot_roi.charts.value_charts import COMPARISON_COLOURS
from copilot_roi.safe_cells import strip_control
from copilot_roi.value.comparison import Comparison
from copilot_roi.value.simulation_text import range_sentence, share_positive_sentence
from copilot_roi.wording import money, payback_sentence

SLIDE_TITLES = (  # the slides every deck has, in order; others join when the case has their content
    "Security Copilot business case",
    "Recommendation",
    "Plan, run rate and discounted figures",
    "Cost vs analyst time saved",
    "Realised value by role",
    "What moves the answer",
    "Assumptions",
    "Evidence behind time saved",
    "Next steps",
)
ANNUAL_TITLE = "Annual cash flow (TEI convention)"
LINES_TITLE = "Other benefit and cost lines"
AGENTS_TITLE = "Agents: cost per alert processed"
CONTINUED = " (continued)"
BLUE = RGBColor(*palette.rgb(palette.COST))
GREEN = RGBColor(*palette.rgb(palette.VALUE))
GREY = RGBColor(*palette.rgb(palette.NEUTRAL))
NAVY = RGBColor(*palette.rgb(palette.NAVY))
MUTED = RGBColor(*palette.rgb(palette.MUTED))
PALE = RGBColor(*palette.rgb(palette.PALE))
ON_NAVY = RGBColor(*palette.rgb(palette.ON_NAVY))
LOSS = RGBColor(*palette.rgb(palette.LOSS))
TORNADO_LOW = RGBColor(*palette.rgb(palette.TORNADO_LOW))
TORNADO_HIGH = RGBColor(*palette.rgb(palette.TORNADO_HIGH))
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
WIDTH_IN, HEIGHT_IN = 13.333, 7.5
WIDTH, HEIGHT = Inches(WIDTH_IN), Inches(HEIGHT_IN)
MARGIN_IN = 0.6
BODY_WIDTH_IN = WIDTH_IN - 2 * MARGIN_IN
BAND_HEIGHT = Inches(0.95)
BODY_TOP_IN = 1.15
FOOTER_TOP_IN = 7.05
BODY_BOTTOM_IN = FOOTER_TOP_IN - 0.1
FOOTER_TOP = Inches(FOOTER_TOP_IN)
BODY_PT = 16
TABLE_PT = 12  # the smallest text on any slide
FOOTER_PT = 12
TITLE_PT, MIN_TITLE_PT = 28, 20
PAD_IN = 0.05  # a text box's inner margin on every side
CELL_PAD_X_IN, CELL_PAD_Y_IN = 0.06, 0.04
GAP_IN = 0.15  # between blocks
MAX_TEXT = 160  # characters of any one upload- or user-derived string on a slide
MAX_DECK_ROWS = 20  # agent or other lines listed in the deck; the workbook has every one
LABELLED_MONTHS = 12  # month labels on a time axis: more run into each other
NO_PEOPLE = "No role has people in this scenario (every headcount is 0), so no analyst time is valued."
NO_PEOPLE_NOTE = "Set the headcounts on the Value scenarios page to chart value by role."
SELLER_NOTES = (
    "Before presenting: replace placeholder headcounts, hours and loaded costs with the customer's own "
    "figures (Value scenarios page), and load their usage export so SCUs are measured, not estimated."
)


def deck_bytes(case: BusinessCase) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = "Security Copilot business case"
    _title_slide(deck, case)
    _recommendation(deck, case)
    _plan_and_run_rate(deck, case)
    _cost_vs_time(deck, case)
    _value_by_role(deck, case)
    _tornado(deck, case)
    if case.comparison is not None:
        _comparison(deck, case.comparison)
    _assumptions(deck, case)
    _evidence(deck, case)
    _annual_and_lines(deck, case)
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


# --- building blocks ------------------------------------------------------------------------------


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


def _fixed(frame: TextFrame) -> None:
    """A box that neither grows nor shrinks its text: the layout sized it."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(PAD_IN)
    frame.margin_top = frame.margin_bottom = Inches(PAD_IN)


def _slide(deck: Deck, title: str) -> Slide:
    """A content slide: the title in white on a navy band across the top, one line, sized to fit."""
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    band = _rectangle(slide, 0, 0, WIDTH, BAND_HEIGHT, NAVY)
    # Behind the title placeholder: shapes draw in document order.
    tree = slide.shapes._spTree
    tree.remove(band._element)
    tree.insert(2, band._element)
    shape = slide.shapes.title
    assert shape is not None  # layout 5 has a title placeholder
    shape.left, shape.top = Inches(MARGIN_IN), Inches(0.05)
    shape.width, shape.height = Inches(BODY_WIDTH_IN), Emu(BAND_HEIGHT - Inches(0.1))
    shape.text = title
    _fixed(shape.text_frame)
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    size = TITLE_PT
    while size > MIN_TITLE_PT and text_width_in(title, size, bold=True) > BODY_WIDTH_IN - 2 * PAD_IN:
        size -= 1
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.font.size = Pt(size)
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
    """Who the deck is for and when, left (cut to one line); the slide number, right."""
    who = (
        f"Prepared for {_clip(case.customer_name)}"
        if case.customer_name
        else "Security Copilot business case"
    )
    if case.partner_name:
        who += f" by {_clip(case.partner_name)}"
    date = f" · {case.prepared_on:%d %B %Y}"
    width_in = 10.0
    left_text = clip_to_width(who, width_in - 2 * PAD_IN - text_width_in(date, FOOTER_PT), FOOTER_PT) + date
    for text, left_in, box_in, align in (
        (left_text, MARGIN_IN, width_in, PP_ALIGN.LEFT),
        (f"{number} / {total}", WIDTH_IN - MARGIN_IN - 1.5, 1.5, PP_ALIGN.RIGHT),
    ):
        _text_box(slide, [text], left_in, FOOTER_TOP_IN, box_in, 0.4, FOOTER_PT, colour=MUTED, align=align)


def _text_box(
    slide: Slide,
    lines: Sequence[str],
    left_in: float,
    top_in: float,
    width_in: float,
    height_in: float,
    size: int,
    *,
    bold: bool = False,
    colour: RGBColor = NAVY,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    space_after: int = 6,
) -> Shape:
    box: Shape = slide.shapes.add_textbox(
        Inches(left_in), Inches(top_in), Inches(width_in), Inches(height_in)
    )
    frame = box.text_frame
    _fixed(frame)
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = strip_control(line)
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = colour
        paragraph.alignment = align
        paragraph.space_after = Pt(space_after)
    return box


def _lines_height_in(
    lines: Sequence[str], width_in: float, size: int, bold: bool = False, space_after: int = 6
) -> float:
    """The height a text box needs for ``lines`` (its margins and paragraph spacing included)."""
    inner = width_in - 2 * PAD_IN
    text = sum(text_height_in(strip_control(line), inner, size, bold) for line in lines)
    return text + len(lines) * space_after / 72 + 2 * PAD_IN + 0.02


def _notes(slide: Slide, text: str) -> None:
    """Speaker notes: for the person presenting, never shown on the slide."""
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None
    frame.text = strip_control(text)


@dataclass
class _Column:
    heading: str
    width_in: float
    numeric: bool = False


def _row_height_in(row: Sequence[str], columns: Sequence[_Column], size: int, bold: bool) -> float:
    lines = max(
        text_lines(strip_control(text), c.width_in - 2 * CELL_PAD_X_IN, size, bold)
        for text, c in zip(row, columns, strict=True)
    )
    return lines * size * 1.2 / 72 + 2 * CELL_PAD_Y_IN + 0.04


def _table(
    slide: Slide, columns: Sequence[_Column], rows: Sequence[Sequence[str]], left_in: float, top_in: float,
    size: int = TABLE_PT,
) -> float:  # fmt: skip
    """A table in the palette (navy header, banded pale rows), each row as tall as its text
    needs; returns its bottom edge in inches."""
    all_rows = [tuple(c.heading for c in columns), *rows]
    heights = [_row_height_in(row, columns, size, bold=i == 0) for i, row in enumerate(all_rows)]
    shape = slide.shapes.add_table(
        len(all_rows), len(columns), Inches(left_in), Inches(top_in),
        Inches(sum(c.width_in for c in columns)), Inches(sum(heights)),
    )  # fmt: skip
    table = shape.table
    for j, column in enumerate(columns):
        table.columns[j].width = Inches(column.width_in)
    for i, (row, height) in enumerate(zip(all_rows, heights, strict=True)):
        table.rows[i].height = Inches(height)
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = strip_control(value)
            cell.margin_top = cell.margin_bottom = Inches(CELL_PAD_Y_IN)
            cell.margin_left = cell.margin_right = Inches(CELL_PAD_X_IN)
            fill: Any = cell.fill  # python-pptx leaves this property untyped
            fill.solid()
            fill.fore_color.rgb = NAVY if i == 0 else (PALE if i % 2 else WHITE)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if columns[j].numeric and i else PP_ALIGN.LEFT
            font = paragraph.font
            font.size = Pt(size)
            font.bold = i == 0
            font.color.rgb = WHITE if i == 0 else NAVY
    return top_in + sum(heights)


class _Flow:
    """Blocks (paragraphs, tables) laid out down the slide, continued on a new slide, under the
    same title and the same table header, when the next one does not fit."""

    def __init__(self, deck: Deck, title: str) -> None:
        self.deck, self.title = deck, title
        self.slide = _slide(deck, title)
        self.top = BODY_TOP_IN

    def _next_slide(self) -> None:
        self.slide = _slide(self.deck, self.title + CONTINUED)
        self.top = BODY_TOP_IN

    def room(self) -> float:
        return BODY_BOTTOM_IN - self.top

    def text(
        self, lines: Sequence[str], size: int = BODY_PT, *, bold: bool = False, colour: RGBColor = NAVY
    ) -> None:
        pending: list[str] = []
        for line in lines:
            if pending and _lines_height_in([*pending, line], BODY_WIDTH_IN, size, bold) > self.room():
                self._place(pending, size, bold, colour)
                self._next_slide()
                pending = []
            pending.append(line)
        if pending:
            if _lines_height_in(pending, BODY_WIDTH_IN, size, bold) > self.room() and self.top > BODY_TOP_IN:
                self._next_slide()
            self._place(pending, size, bold, colour)

    def _place(self, lines: list[str], size: int, bold: bool, colour: RGBColor) -> None:
        height = _lines_height_in(lines, BODY_WIDTH_IN, size, bold)
        _text_box(
            self.slide, lines, MARGIN_IN, self.top, BODY_WIDTH_IN, height, size, bold=bold, colour=colour
        )
        self.top += height + GAP_IN

    def table(self, columns: Sequence[_Column], rows: Sequence[Sequence[str]]) -> None:
        header = _row_height_in([c.heading for c in columns], columns, TABLE_PT, bold=True)
        pending: list[Sequence[str]] = []
        used = header
        for row in rows:
            height = _row_height_in(row, columns, TABLE_PT, bold=False)
            if used + height > self.room():
                if pending:
                    self.top = _table(self.slide, columns, pending, MARGIN_IN, self.top) + GAP_IN
                self._next_slide()
                pending, used = [], header
            pending.append(row)
            used += height
        if pending:
            self.top = _table(self.slide, columns, pending, MARGIN_IN, self.top) + GAP_IN


def _scaled(columns: Sequence[_Column], width_in: float = BODY_WIDTH_IN) -> list[_Column]:
    """``columns`` with their widths scaled to fill ``width_in``."""
    total = sum(c.width_in for c in columns)
    return [_Column(c.heading, c.width_in * width_in / total, c.numeric) for c in columns]


# --- slides --------------------------------------------------------------------------------------


def _title_slide(deck: Deck, case: BusinessCase) -> None:
    """The title, who it is for, and the case: plan, data period, price book, names."""
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = NAVY
    title = slide.shapes.title
    assert title is not None
    width_in = WIDTH_IN - 1.8
    title.left, title.top, title.width, title.height = Inches(0.9), Inches(0.7), Inches(width_in), Inches(1.1)
    title.text = SLIDE_TITLES[0]
    _fixed(title.text_frame)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    heading = title.text_frame.paragraphs[0]
    heading.font.size = Pt(40)
    heading.font.bold = True
    heading.font.color.rgb = WHITE
    heading.alignment = PP_ALIGN.LEFT
    _rectangle(slide, Inches(0.9), Inches(1.95), Inches(1.6), Inches(0.08), GREEN)
    who = []
    if case.customer_name:
        who.append(f"Prepared for {_clip(case.customer_name)}")
    if case.partner_name:
        who.append(f"by {_clip(case.partner_name)}")
    who = [*(who or ["Value scenario"]), f"{case.prepared_on:%d %B %Y}"]
    # The subtitle placeholder is not used: its layout autofits (shrinks) text, a plain box does not.
    subtitle = slide.placeholders[1]
    subtitle._element.getparent().remove(subtitle._element)
    top = 2.2
    height = _lines_height_in(who, width_in, 20, space_after=4)
    _text_box(slide, who, 0.9, top, width_in, height, 20, colour=ON_NAVY, space_after=4)
    parts = case_summary(case)
    parts.pop("Customer")  # named above
    lines = [f"{label}: {text}" for label, text in parts.items()]
    top += height + 0.25
    height = _lines_height_in(lines, width_in, BODY_PT, space_after=4)
    _text_box(slide, lines, 0.9, top, width_in, height, BODY_PT, colour=WHITE, space_after=4)
    _notes(slide, f"The case: {case_line(case)}")


def _recommendation(deck: Deck, case: BusinessCase) -> None:
    """The verdict, the recommendation, five headline cards and what must be true."""
    slide = _slide(deck, f"{SLIDE_TITLES[1]}: {case.verdict}")
    top = BODY_TOP_IN
    lead = [case.recommendation]
    height = _lines_height_in(lead, BODY_WIDTH_IN, BODY_PT, bold=True)
    _text_box(slide, lead, MARGIN_IN, top, BODY_WIDTH_IN, height, BODY_PT, bold=True)
    top += height
    if case.throttling_warning or case.ledger_notes:
        warning = [w for w in (case.throttling_warning, *case.ledger_notes) if w]
        height = _lines_height_in(warning, BODY_WIDTH_IN, 14, bold=True)
        _text_box(slide, warning, MARGIN_IN, top, BODY_WIDTH_IN, height, 14, bold=True, colour=LOSS)
        top += height
    top = _cards(slide, headline_figures(case), top + 0.1) + GAP_IN
    lines = ["What must be true:", *case.what_must_be_true]
    size = 14
    while len(lines) > 2 and _lines_height_in(lines, BODY_WIDTH_IN, size) > BODY_BOTTOM_IN - top:
        lines.pop()  # the rest are in the one-pager and the workbook's Summary
    box = _text_box(slide, lines, MARGIN_IN, top, BODY_WIDTH_IN, BODY_BOTTOM_IN - top, size)
    box.text_frame.paragraphs[0].font.bold = True


def _cards(slide: Slide, kpis: list[tuple[str, str, str]], top_in: float) -> float:
    """Five headline cards of one height (the tallest text's); returns their bottom edge."""
    gap = 0.15
    width = (BODY_WIDTH_IN - gap * (len(kpis) - 1)) / len(kpis)
    inner = width - 2 * 0.12
    value_pt = 24
    while value_pt > 18 and any(text_width_in(v, value_pt, bold=True) > inner for _, v, _ in kpis):
        value_pt -= 2  # "Not within the horizon" wraps at any size: 18 pt keeps it to two lines
    height = max(
        text_height_in(label, inner, 14) + text_height_in(value, inner, value_pt, bold=True)
        + text_height_in(note, inner, TABLE_PT) + 3 * 4 / 72
        for label, value, note in kpis
    ) + 2 * 0.08 + 0.05  # fmt: skip
    for i, (label, value, note) in enumerate(kpis):
        left = MARGIN_IN + i * (width + gap)
        card = _rectangle(slide, Inches(left), Inches(top_in), Inches(width), Inches(height), PALE)
        frame = card.text_frame
        _fixed(frame)
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.12)
        frame.margin_top = frame.margin_bottom = Inches(0.08)
        for j, (text, size, bold, colour) in enumerate(
            ((label, 14, False, MUTED), (value, value_pt, True, NAVY), (note, TABLE_PT, False, MUTED))
        ):
            paragraph = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            paragraph.text = strip_control(text)
            paragraph.font.size = Pt(size)
            paragraph.font.bold = bold
            paragraph.font.color.rgb = colour
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.space_after = Pt(4)
    return top_in + height


def _plan_and_run_rate(deck: Deck, case: BusinessCase) -> None:
    """Left: the plan priced and the run rates beside the horizon totals; right: discounted figures."""
    slide = _slide(deck, SLIDE_TITLES[2])
    r, p, c = case.result, case.prices, case.prices.currency
    left_width = 6.6
    plan = [
        f"Plan priced: {r.plan_description}.",
        f"Prices from {case.price_book.name}: provisioned {c} {p.provisioned_per_scu_hour:,.2f} "
        f"per SCU-hour, overage {c} {p.overage_per_scu:,.2f} per SCU"
        + (f", negotiated discount {p.discount_share:.0%}" if p.discount_share else ", list prices")
        + ".",
    ]
    top = BODY_TOP_IN
    height = _lines_height_in(plan, left_width, BODY_PT)
    _text_box(slide, plan, MARGIN_IN, top, left_width, height, BODY_PT)
    top += height + 0.05
    rate = run_rate(r)
    rows = [
        ("Cost", r.total_cost, rate.cost_per_month),
        ("Realised value", r.total_value, rate.value_per_month),
    ]
    if r.total_other_benefits:
        rows.append(("Other benefits", r.total_other_benefits, rate.other_benefits_per_month))
    rows.append(("Net benefit", r.net_benefit, rate.net_per_month))
    columns = [
        _Column(f"{c}, undiscounted", 1.75),
        _Column(f"{r.horizon_months} months", 1.65, numeric=True),
        _Column("Per month", 1.55, numeric=True),
        _Column("Per year", 1.65, numeric=True),
    ]
    cells = [(name, f"{total:,.0f}", f"{month:,.0f}", f"{12 * month:,.0f}") for name, total, month in rows]
    top = _table(slide, columns, cells, MARGIN_IN, top, size=14) + 0.05
    note = [
        f"Run rate: the average month of the last {rate.months} months (adoption ramped up), without "
        "one-off costs; a year is 12 such months. Horizon totals include the one-offs and the ramp."
    ]
    _text_box(slide, note, MARGIN_IN, top, left_width, _lines_height_in(note, left_width, TABLE_PT), TABLE_PT,
              colour=MUTED)  # fmt: skip
    figures = finance_tables(case)[0]
    right = MARGIN_IN + left_width + 0.4
    right_width = WIDTH_IN - MARGIN_IN - right
    figure_columns = [_Column(figures.headers[0], right_width - 1.9), _Column(figures.headers[1], 1.9, True)]
    bottom = _table(slide, figure_columns, [row[:2] for row in figures.rows], right, BODY_TOP_IN, size=14)
    notes = finance_notes(case)
    top = bottom + GAP_IN
    _text_box(slide, notes, right, top, right_width, BODY_BOTTOM_IN - top, TABLE_PT, colour=MUTED)


def _axis_title(axis: _BaseAxis, text: str) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    font = frame.paragraphs[0].font
    font.size = Pt(14)
    font.bold = False
    font.color.rgb = MUTED


def _chart_frame(
    slide: Slide, kind: XL_CHART_TYPE, data: SafeCategoryChartData | SafeXyChartData, top_in: float
) -> Chart:
    graphic: Any = slide.shapes.add_chart(
        kind, Inches(MARGIN_IN), Inches(top_in), Inches(BODY_WIDTH_IN), Inches(BODY_BOTTOM_IN - top_in), data
    )
    chart: Chart = graphic.chart
    chart.font.size = Pt(14)
    chart.has_title = False  # the slide's title says what it is
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.tick_labels.number_format = "#,##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    return chart


def _lead(slide: Slide, text: str) -> float:
    """The sentence between the title and the chart; returns where the chart starts."""
    height = _lines_height_in([text], BODY_WIDTH_IN, TABLE_PT)
    _text_box(slide, [text], MARGIN_IN, BODY_TOP_IN - 0.1, BODY_WIDTH_IN, height, TABLE_PT, colour=MUTED)
    return BODY_TOP_IN - 0.1 + height


def _cost_vs_time(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[3])
    r, c = case.result, case.prices.currency
    months = [m.month for m in r.monthly]
    cumulative_cost, cumulative_value, running_cost, running_value = [], [], 0.0, 0.0
    for m in r.monthly:
        running_cost += m.cost
        running_value += m.value
        cumulative_cost.append(round(running_cost, 2))
        cumulative_value.append(round(running_value, 2))
    data = SafeXyChartData(number_format="#,##0")
    for name, values in (
        (f"Cumulative cost ({c})", cumulative_cost),
        (f"Cumulative realised value ({c})", cumulative_value),
        (f"Cumulative hours freed x loaded cost, all counted ({c})", _cumulative_full_value(case)),
    ):
        series = data.add_series(name, number_format="#,##0")
        for month, value in zip(months, values, strict=True):
            series.add_data_point(month, value)
    note = payback_sentence(r.payback_month, r.first_crossing_month)
    top = _lead(slide, f"{note} Grey: freed hours at full loaded cost, before the realisation rate.")
    chart = _month_chart(slide, data, top, len(months), f"Cumulative {c}")
    for series, colour in zip(chart.plots[0].series, (BLUE, GREEN, GREY), strict=True):
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(3)


def _month_chart(slide: Slide, data: SafeXyChartData, top_in: float, months: int, value_title: str) -> Chart:
    """Lines over a numeric month axis labelled every few months (a category axis of 36 to 120
    months crowds its labels, and not every viewer honours a label skip)."""
    chart = _chart_frame(slide, XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS, data, top_in)
    for series in chart.plots[0].series:
        series.smooth = False
    x_axis = chart.category_axis  # the x value axis of an XY chart
    x_axis.minimum_scale = 0
    x_axis.maximum_scale = months
    x_axis.major_unit = month_label_step(months)
    x_axis.has_major_gridlines = False
    x_axis.tick_labels.number_format = "0"
    x_axis.tick_labels.number_format_is_linked = False
    x_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _axis_title(x_axis, "Month")
    _axis_title(chart.value_axis, value_title)
    chart.value_axis.has_major_gridlines = True
    return chart


def month_label_step(months: int) -> int:
    """Label every n-th month so at most ``LABELLED_MONTHS`` labels share the axis (1, 4, 7, ...).

    >>> month_label_step(12), month_label_step(36), month_label_step(60), month_label_step(120)
    (1, 3, 5, 10)
    """
    return max(1, math.ceil(months / LABELLED_MONTHS))


def _no_chart(slide: Slide, sentence: str) -> None:
    """The sentence where the chart would be, when there is nothing to chart."""
    height = _lines_height_in([sentence], BODY_WIDTH_IN, BODY_PT)
    _text_box(slide, [sentence], MARGIN_IN, BODY_TOP_IN + 0.35, BODY_WIDTH_IN, height, BODY_PT)


def _cumulative_full_value(case: BusinessCase) -> list[float]:
    rate = case.result.realisation_rate
    out, running = [], 0.0
    for m in case.result.monthly:
        running += m.value / rate if rate > 0 else 0.0
        out.append(round(running, 2))
    return out


def _value_by_role(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[4])
    c = case.prices.currency
    roles = role_ids_with_people(case)
    if not roles:  # a chart needs a category: say why there is none instead
        _no_chart(slide, NO_PEOPLE)
        _notes(slide, NO_PEOPLE_NOTE)
        return
    data = SafeCategoryChartData(number_format="#,##0")
    data.categories = [case.role_label(r) for r in roles]
    values = [sum(case.result.value_by_role[r]) for r in roles]
    data.add_series(f"Realised value over the horizon ({c})", values)
    hours = sum(sum(case.result.hours_freed_by_role[r]) for r in roles)
    top = _lead(
        slide, f"{hours:,.0f} analyst hours freed in total; value = hours x loaded cost x realisation rate."
    )
    chart = _chart_frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, top)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "#,##0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(14)
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = GREEN
    chart.category_axis.reverse_order = True
    _axis_title(chart.value_axis, f"Realised value over the horizon ({c})")
    _axis_title(chart.category_axis, "Role")


def _tornado(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[5])
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
    top = _lead(
        slide,
        f"Base NPV {money(base, c)}; each bar moves one input to the low or high end of its range. "
        f"{range_sentence(money(case.range.p10, c), money(case.range.p90, c), case.range.draws)}; "
        f"{share_positive_sentence(case.range.share_npv_positive, case.range.draws)}.",
    )
    chart = _chart_frame(slide, XL_CHART_TYPE.BAR_CLUSTERED, data, top)
    plot = chart.plots[0]
    plot.overlap = 100
    plot.gap_width = 40
    # The same pair of colours as the page and the one-pager (palette.TORNADO_LOW / _HIGH).
    for series, colour in zip(plot.series, (TORNADO_LOW, TORNADO_HIGH), strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
        series.invert_if_negative = False
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _axis_title(chart.value_axis, f"Change in NPV from the base ({c})")
    _axis_title(chart.category_axis, "Input")


def _assumptions(deck: Deck, case: BusinessCase) -> None:
    """The roles' inputs, then the scenario's, the price book and the data sources."""
    flow = _Flow(deck, SLIDE_TITLES[6])
    s, c = case.scenario, case.prices.currency
    columns = _scaled([
        _Column("Role", 2.6), _Column("People", 1.1, True), _Column("Hours a week", 1.4, True),
        _Column("Time saved", 1.3, True), _Column(f"Cost per hour ({c})", 1.7, True),
        _Column("Time saved from", 1.9),
    ])  # fmt: skip
    rows = [
        (
            case.role_label(r),
            f"{s.roles[r].headcount:,}",
            f"{s.roles[r].hours_per_week_on_assisted_tasks:g}",
            f"{s.roles[r].time_saved_share:.1%}",
            f"{s.roles[r].loaded_cost_per_hour:,.0f}",
            case.time_saved_from(r),
        )
        for r in role_ids_with_people(case)
    ]
    if rows:
        flow.table(columns, rows)
    flow.text(
        [
            f"Realisation rate {s.realisation_rate:.0%}; discount rate {s.discount_rate_annual:.1%} a year; "
            f"horizon {s.horizon_months} months; one-off costs {money(s.one_off_costs.total, c)}.",
            f"Price book: {case.price_book_label()}.",
            *[_clip(x) for x in case.data_sources[2:]],
        ],
        size=14,
    )


def _evidence(deck: Deck, case: BusinessCase) -> None:
    """The studies behind time saved: who ran them, what they measured, whether it was significant."""
    flow = _Flow(deck, SLIDE_TITLES[7])
    significant = {"significant": "yes", "not significant": "NO", "significance not reported": "not reported"}
    studies: dict[tuple[str, str, str, str], list[str]] = {}
    for e in case.evidence:
        if e.use.startswith("cited"):
            key = (
                _clip(e.study),
                e.authors,
                e.measures.split(" (")[0],
                significant.get(e.significance, e.significance),
            )
            studies.setdefault(key, []).append(evidence_backs(e))
    columns = _scaled([
        _Column("Study behind time saved", 5.0), _Column("Roles it backs", 2.6), _Column("Run by", 1.4),
        _Column("Measures", 1.5), _Column("Significant", 1.5),
    ])  # fmt: skip
    rows = [
        (study, ", ".join(roles), by, measures, sig) for (study, by, measures, sig), roles in studies.items()
    ]
    if rows:
        flow.table(columns, rows)
    flow.text(
        [
            f"Every study was run or funded by {evidence_authors(case)}; time saved cites task-time results "
            "only (elapsed-time results are context, not labour saved). A role without a task-time study "
            "uses a labelled assumption."
        ],
        size=14,
    )


def _annual_and_lines(deck: Deck, case: BusinessCase) -> None:
    """The year 0..N table (annual convention) and the other lines, when the case has them."""
    for table in finance_tables(case)[1:]:
        if table.headers[0] == "Year":
            flow = _Flow(deck, ANNUAL_TITLE)
            widths = [1.5, 1.7, 1.7, 1.7, 1.5, 1.7, 1.9]
            columns = _scaled(
                [_Column(h, w, i > 0) for i, (h, w) in enumerate(zip(table.headers, widths, strict=True))]
            )
            flow.table(columns, table.rows)
            flow.text(
                [f"{case.prices.currency}, risk-adjusted; year 0 holds the one-off costs, undiscounted."],
                TABLE_PT,
            )
        else:
            flow = _Flow(deck, LINES_TITLE)
            columns = _scaled([
                _Column("Kind", 1.0), _Column("Line", 3.6), _Column("One-off", 1.4, True),
                _Column("Per year", 2.4), _Column("Source", 3.6),
            ])  # fmt: skip
            rows = [tuple(_clip(v) for v in row) for row in table.rows[:MAX_DECK_ROWS]]
            flow.table(columns, rows)
            more = len(table.rows) - MAX_DECK_ROWS
            extra = [f"{more} more lines: see the workbook's Other lines sheet."] if more > 0 else []
            flow.text([f"{case.prices.currency} as stated, before risk adjustment.", *extra], TABLE_PT)


def _next_steps(deck: Deck, case: BusinessCase) -> None:
    slide = _slide(deck, SLIDE_TITLES[-1])
    steps = [
        "Run a 60 to 90 day pilot with the roles that carry most of the value; measure time saved per task.",
        "Upload the pilot's usage export to size capacity from measured SCUs instead of estimates.",
        "Agree how freed hours are reinvested (the realisation rate) and who tracks it.",
        "Revisit the case with the measured numbers before committing to the full horizon.",
    ]
    if case.scenario.capacity.usage_source == "usage":
        steps[1] = (
            "SCUs per person are measured from the uploaded usage; keep uploading monthly exports "
            "to track them."
        )
    numbered = [f"{i}.  {step}" for i, step in enumerate(steps, start=1)]
    height = _lines_height_in(numbered, BODY_WIDTH_IN, 20, space_after=10)
    _text_box(slide, numbered, MARGIN_IN, BODY_TOP_IN + 0.25, BODY_WIDTH_IN, height, 20, space_after=10)
    _notes(slide, SELLER_NOTES)


def _agents(deck: Deck, case: BusinessCase) -> None:
    """Per agent line: cost per alert processed against the same work by hand."""
    flow = _Flow(deck, AGENTS_TITLE)
    widths = [4.4, 1.5, 1.4, 1.8, 1.8, 1.3]
    columns = _scaled(
        [_Column(h, w, i > 0) for i, (h, w) in enumerate(zip(AGENT_HEADERS, widths, strict=True))]
    )
    rows = [[_clip(v) for v in row] for row in agent_rows(case)]
    flow.table(columns, rows[:MAX_DECK_ROWS])
    more = len(rows) - MAX_DECK_ROWS
    extra = [f"{more} more agent lines: see the workbook's Agents sheet."] if more > 0 else []
    flow.text([AGENT_NOTE, *extra], TABLE_PT)


def _comparison(deck: Deck, comparison: Comparison) -> None:
    """Scenarios side by side: the figures in a table, the cumulative net of each in a native chart."""
    slide = _slide(deck, comparison_text.title(comparison).capitalize())
    widths = [1.5, 2.6, 1.1, 1.2, 1.1, 2.6, 0.8, 1.1, 1.1]
    columns = _scaled([
        _Column(h, w, i in comparison_text.NUMERIC_COLUMNS)
        for i, (h, w) in enumerate(zip(comparison_text.HEADERS, widths, strict=True))
    ])  # fmt: skip
    rows = [tuple(_clip(cell) for cell in row) for row in comparison_text.rows(comparison)]
    bottom = _table(slide, columns, rows, MARGIN_IN, BODY_TOP_IN - 0.1)
    intro = [comparison_text.intro(comparison)]
    height = _lines_height_in(intro, BODY_WIDTH_IN, TABLE_PT)
    _text_box(slide, intro, MARGIN_IN, bottom + 0.05, BODY_WIDTH_IN, height, TABLE_PT, colour=MUTED)
    top = bottom + 0.05 + height
    months = max(len(r.cumulative_net) for r in comparison.rows)
    data = SafeXyChartData(number_format="#,##0")
    for row in comparison.rows:  # a shorter horizon's line ends early
        series = data.add_series(_clip(row.name), number_format="#,##0")
        for month, value in enumerate(row.cumulative_net, start=1):
            series.add_data_point(month, value)
    chart = _month_chart(slide, data, top, months, f"Cumulative net ({comparison.currency})")
    for series, colour in zip(chart.plots[0].series, COMPARISON_COLOURS, strict=False):
        series.format.line.color.rgb = RGBColor.from_string(colour.lstrip("#"))
