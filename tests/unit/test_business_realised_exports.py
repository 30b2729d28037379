"""Value realised to date in the exports (issue 21 item 3): the workbook's sheet, the deck's slide
and the one-pager's section, on the hand-worked export of ``test_value_realised``.

The workbook is written with its formulas' cached results 0 and recalculated by LibreOffice
(headless): each month's net, the cumulative nets, the gap and the totals must equal
``RealisedToDate`` to the cent. A case without usage has none of the three.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from test_business_xlsx import libreoffice_recalculation
from test_value_realised import HEADER, ROSTER, case_scenario, export

from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.business.html import REALISED_MONTHS_SHOWN, render
from copilot_roi.business.pptx import REALISED_TITLE, deck_bytes, realised_lines
from copilot_roi.business.xlsx import workbook_bytes
from copilot_roi.business.xlsx_realised import REALISED, REALISED_HEADER_ROW, realised_cell
from copilot_roi.usage.chargeback import read_roster
from copilot_roi.usage.ingest import IngestOptions, ingest_files
from copilot_roi.value.realised import RealisedToDate, month_name

CENT = 0.005
MONTHS = ["2026-09", "2026-10", "2026-11"]
SHOWN = ["Sep 2026", "Oct 2026", "Nov 2026"]  # as a reader says them (value.realised.month_name)


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    usage = ingest_files([("usage.csv", export())], IngestOptions(as_of=dt.date(2026, 11, 20)))
    roster = read_roster("roster.csv", ROSTER)
    return build_case(case_scenario(), usage=usage, roster=roster, customer_name="Contoso Bank", draws=200)


@pytest.fixture(scope="module")
def plain() -> BusinessCase:
    return build_case(case_scenario(), customer_name="Contoso Bank", draws=200)


def realised_of(case: BusinessCase) -> RealisedToDate:
    assert case.realised is not None
    return case.realised


def test_the_fixture_case_has_three_measured_months(case: BusinessCase, plain: BusinessCase) -> None:
    assert [m.month_label for m in realised_of(case).months] == MONTHS
    assert plain.realised is None


# --- workbook ---------------------------------------------------------------------------------------


def month_value(sheet: openpyxl.worksheet.worksheet.Worksheet, index: int, heading: str) -> object:
    return sheet[realised_cell(index, heading)].value


def test_the_sheet_lists_the_months_with_the_sentence_above(case: BusinessCase) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))
    assert REALISED in book.sheetnames
    sheet = book[REALISED]
    realised = realised_of(case)
    assert sheet["A2"].value == realised.sentence()
    headers = [c.value for c in sheet[REALISED_HEADER_ROW + 1]]
    assert headers[:3] == ["Month", "Case month", "Covered share"]
    assert [month_value(sheet, i, "Month") for i in range(3)] == SHOWN
    assert month_value(sheet, 3, "Month") == "Total"
    for i, m in enumerate(realised.months):
        assert month_value(sheet, i, "People active") == sum(m.people_active.values())
        assert month_value(sheet, i, "Actual cost") == pytest.approx(m.actual_cost)
        assert month_value(sheet, i, "Forecast value") == pytest.approx(m.forecast_value)


def test_nets_cumulative_nets_gap_and_totals_are_formulas(case: BusinessCase) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))[REALISED]
    assert (
        month_value(sheet, 0, "Actual net")
        == f"={realised_cell(0, 'Actual value')}-{realised_cell(0, 'Actual cost')}"
    )
    column = realised_cell(0, "Actual net").rstrip("0123456789")
    first = f"${column}${REALISED_HEADER_ROW + 2}"
    assert month_value(sheet, 2, "Actual cumulative net") == f"=SUM({first}:{realised_cell(2, 'Actual net')})"
    assert str(month_value(sheet, 1, "Forecast cumulative net")).startswith("=SUM(")
    assert str(month_value(sheet, 2, "Cumulative gap (actual - forecast)")).startswith("=")
    for heading in ("Actual cost", "Forecast cost", "Actual value", "Forecast value", "Actual net"):
        assert str(month_value(sheet, 3, heading)).startswith("=SUM(")


def test_libreoffice_recalculates_the_cumulative_nets_to_the_cent(case: BusinessCase, tmp_path: Path) -> None:
    book = libreoffice_recalculation(workbook_bytes(case, cached_values=False), tmp_path)
    sheet = book.book[REALISED]
    realised = realised_of(case)
    actual, forecast = realised.actual_cumulative_net, realised.forecast_cumulative_net
    for i, m in enumerate(realised.months):
        assert month_value(sheet, i, "Actual net") == pytest.approx(m.actual_net, abs=CENT)
        assert month_value(sheet, i, "Forecast net") == pytest.approx(m.forecast_net, abs=CENT)
        assert month_value(sheet, i, "Actual cumulative net") == pytest.approx(actual[i], abs=CENT)
        assert month_value(sheet, i, "Forecast cumulative net") == pytest.approx(forecast[i], abs=CENT)
        gap = month_value(sheet, i, "Cumulative gap (actual - forecast)")
        assert gap == pytest.approx(actual[i] - forecast[i], abs=CENT)
    totals = realised.totals()
    n = len(realised.months)
    assert month_value(sheet, n, "Actual cost") == pytest.approx(totals["actual_cost"], abs=CENT)
    assert month_value(sheet, n, "Forecast value") == pytest.approx(totals["forecast_value"], abs=CENT)
    assert month_value(sheet, n, "Actual net") == pytest.approx(actual[-1], abs=CENT)
    assert month_value(sheet, n, "Forecast net") == pytest.approx(forecast[-1], abs=CENT)
    gap_total = month_value(sheet, n, "Cumulative gap (actual - forecast)")
    assert gap_total == pytest.approx(actual[-1] - forecast[-1], abs=CENT)


def test_cached_values_are_the_engines(case: BusinessCase) -> None:
    """Viewers that do not recalculate show the engine's figures."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)), data_only=True)[REALISED]
    realised = realised_of(case)
    for i in range(len(realised.months)):
        assert month_value(sheet, i, "Actual cumulative net") == pytest.approx(
            realised.actual_cumulative_net[i]
        )
        assert month_value(sheet, i, "Forecast cumulative net") == pytest.approx(
            realised.forecast_cumulative_net[i]
        )


# --- deck -------------------------------------------------------------------------------------------


def test_the_slide_has_its_chart_and_sentence(case: BusinessCase) -> None:
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    slides = [s for s in deck.slides if s.shapes.title.text == REALISED_TITLE]
    assert len(slides) == 1
    slide = slides[0]
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    chart = charts[0]
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    plot = chart.plots[0]
    assert list(plot.categories) == SHOWN
    realised = realised_of(case)
    by_name = {s.name: list(s.values) for s in plot.series}
    assert by_name["Actual cumulative net (USD)"] == pytest.approx(realised.actual_cumulative_net, abs=CENT)
    assert by_name["Forecast cumulative net (USD)"] == pytest.approx(
        realised.forecast_cumulative_net, abs=CENT
    )
    texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    flat = " ".join(texts.split())
    assert all(line in flat for line in realised_lines(realised))
    assert " ".join(realised_lines(realised)) == realised.sentence()
    sizes = [
        run.font.size.pt
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
        if run.font.size is not None
    ]
    assert min(sizes) >= 12


def test_the_slide_renders_inside_its_boxes(case: BusinessCase, tmp_path: Path) -> None:
    from rendered import deck_problems

    problems = deck_problems(deck_bytes(case), tmp_path, min_size_pt=11.5)
    assert problems == [], "\n".join(str(p) for p in problems[:20])


# --- one-pager --------------------------------------------------------------------------------------


def test_the_one_pager_section_shows_the_sentence_and_the_months(case: BusinessCase) -> None:
    page = render(case)
    realised = realised_of(case)
    section = page.split('<section class="realised">', 1)[1].split("</section>", 1)[0]
    assert html.escape(realised.sentence(), quote=True) in section
    for label in SHOWN[:2]:
        assert f'<td class="">{label}</td>' in section
    assert '<td class="">Nov 2026 (33%)</td>' in section  # a partly covered month shows its share
    last = realised.months[-1]
    cumulative = f"{realised.actual_cumulative_net[-1]:,.0f} / {realised.forecast_cumulative_net[-1]:,.0f}"
    assert cumulative in section
    assert f"{sum(last.people_active.values())} / {sum(last.people_forecast.values()):,.1f}" in section
    assert "Total" not in section  # three months: every one is shown
    assert len(realised.months) <= REALISED_MONTHS_SHOWN


def long_export() -> bytes:
    """Fourteen months of usage (3 Jan 2025 to 4 Feb 2026): Ann (SOC) and Cat (IAM) each month."""
    rows = []
    for year, months in ((2025, range(1, 13)), (2026, range(1, 3))):
        for month in months:
            name = dt.date(year, month, 1).strftime("%b")
            rows.append(f'"{name} 3, {year} 9:00 AM",0.4,Ann,a{year}{month},Prompt,Prompt,Standalone,')
            rows.append(f'"{name} 4, {year} 9:00 AM",0.4,Cat,c{year}{month},Prompt,Prompt,Standalone,')
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_a_long_history_shows_the_last_months_and_the_totals_and_says_so() -> None:
    usage = ingest_files([("long.csv", long_export())], IngestOptions(as_of=dt.date(2026, 3, 1)))
    case = build_case(case_scenario(), usage=usage, roster=read_roster("roster.csv", ROSTER), draws=100)
    realised = realised_of(case)
    assert len(realised.months) == 14
    section = render(case).split('<section class="realised">', 1)[1].split("</section>", 1)[0]
    shown = [month_name(m.month_label) for m in realised.months[-REALISED_MONTHS_SHOWN:]]
    hidden = [month_name(m.month_label) for m in realised.months[:-REALISED_MONTHS_SHOWN]]
    cells = [f'<td class="">{label}' for label in (*shown, *hidden)]
    assert [cell in section for cell in cells] == [True] * len(shown) + [False] * len(hidden)
    assert "Total, 14 months" in section
    assert f"The last {REALISED_MONTHS_SHOWN} of 14 measured months are shown" in section
    t = realised.totals()
    assert f"{t['actual_cost']:,.0f} / {t['forecast_cost']:,.0f}" in section
    # The workbook keeps every month.
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))[REALISED]
    assert [month_value(sheet, i, "Month") for i in range(14)] == [
        month_name(m.month_label) for m in realised.months
    ]


# --- without usage ----------------------------------------------------------------------------------


def test_a_case_without_usage_has_none_of_them(plain: BusinessCase) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plain)))
    assert REALISED not in book.sheetnames
    deck = Presentation(io.BytesIO(deck_bytes(plain)))
    assert REALISED_TITLE not in [s.shapes.title.text for s in deck.slides]
    page = render(plain)
    assert 'class="realised"' not in page and "Realised to date" not in page
