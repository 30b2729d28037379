"""The comparison in the business case: one-pager section, slide, sheet and `copilot-roi report`."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from copilot_roi.business.bundle import HTML_NAME, PPTX_NAME, XLSX_NAME
from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.business.html import render
from copilot_roi.business.pptx import SLIDE_TITLES, deck_bytes
from copilot_roi.business.xlsx import COMPARISON, COMPARISON_HEADER_ROW, comparison_column, workbook_bytes
from copilot_roi.charts.value_charts import comparison_figure
from copilot_roi.cli import main
from copilot_roi.value.comparison import compare
from copilot_roi.value.scenario import Scenario, scenario_template

DRAWS = 300
HOSTILE = "=1+<img src=x onerror=alert(1)>"  # a formula and a tag, within the name limit


@pytest.fixture(scope="module")
def case() -> BusinessCase:
    expected, low = scenario_template("expected"), scenario_template("low")
    return build_case(expected, draws=DRAWS, compared=[("Expected", expected), (HOSTILE, low)])


def test_a_single_scenario_has_no_comparison() -> None:
    s = scenario_template("expected")
    assert build_case(s, draws=DRAWS, compared=[("Only", s)]).comparison is None
    assert "side by side" not in render(build_case(s, draws=DRAWS))


def test_case_rows_repeat_the_case_and_the_engine(case: BusinessCase) -> None:
    assert case.comparison is not None
    first, second = case.comparison.rows
    assert (first.npv, first.npv_p10, first.npv_p90) == (case.result.npv, case.range.p10, case.range.p90)
    alone = compare([("low", scenario_template("low"))], case.prices, draws=DRAWS).rows[0]
    assert (second.npv, second.npv_p10, second.total_cost) == (alone.npv, alone.npv_p10, alone.total_cost)


def test_one_pager_section_escapes_names(case: BusinessCase) -> None:
    page = render(case)
    assert "2 scenarios side by side" in page and 'id="bc-comparison"' in page
    assert "<img src=x" not in page
    assert html.escape(HOSTILE, quote=True) in page


def test_slide_has_the_table_and_a_native_line_chart(case: BusinessCase) -> None:
    deck = Presentation(io.BytesIO(deck_bytes(case)))
    slides = [s for s in deck.slides if s.shapes.title is not None and "side by side" in s.shapes.title.text]
    assert len(slides) == 1
    shapes = list(slides[0].shapes)
    table = next(s for s in shapes if s.has_table).table
    assert table.cell(1, 0).text == "Expected" and table.cell(2, 0).text == HOSTILE  # text, not markup
    chart = next(s for s in shapes if s.has_chart).chart
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == ["Expected", HOSTILE]
    assert case.comparison is not None
    assert list(series[1].values) == pytest.approx(case.comparison.rows[1].cumulative_net)
    assert len(deck.slides) == len(SLIDE_TITLES) + 1  # and the comparison


def test_sheet_columns_by_name_with_engine_values(case: BusinessCase) -> None:
    assert case.comparison is not None
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)))
    ws = book[COMPARISON]

    def cell(row: int, heading: str) -> object:
        return ws.cell(row=COMPARISON_HEADER_ROW + 2 + row, column=comparison_column(heading) + 1).value

    expected, hostile = case.comparison.rows
    assert cell(0, "Scenario") == "Expected"
    # The formula-looking name is stored as text, neutralised (never a live formula).
    assert isinstance(cell(1, "Scenario"), str) and not str(cell(1, "Scenario")).startswith("=")
    assert cell(0, "NPV") == pytest.approx(expected.npv)
    assert cell(1, "NPV P10") == pytest.approx(hostile.npv_p10)
    assert cell(0, "Payback month") == expected.payback_month
    assert cell(1, "Payback month") == "none"
    assert cell(0, "Served share") == pytest.approx(expected.served_share)


def test_chart_escapes_names_and_draws_one_error_bar_per_scenario(case: BusinessCase) -> None:
    assert case.comparison is not None
    figure = comparison_figure(case.comparison)
    markers = [t for t in figure.data if t.mode == "markers"]
    assert [t.y[0] for t in markers] == ["Expected", html.escape(HOSTILE)]
    row = case.comparison.rows[0]
    assert markers[0].error_x.array[0] == pytest.approx(max(row.npv_p90 - row.npv, 0))
    assert markers[0].error_x.arrayminus[0] == pytest.approx(max(row.npv - row.npv_p10, 0))


def write(tmp_path: Path, name: str, scenario: Scenario) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(scenario.model_dump_json(), encoding="utf-8")
    return path


def test_report_compares_the_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = (
        write(tmp_path, "pilot", scenario_template("low")),
        write(tmp_path, "rollout", scenario_template("high")),
    )
    out = tmp_path / "out"
    assert main(["report", "--scenario", str(a), "--scenario", str(b), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    expected = compare([("pilot", scenario_template("low")), ("rollout", scenario_template("high"))])
    for row in expected.rows:
        assert f"compared {row.name}: cost USD {row.total_cost:,.2f}, NPV USD {row.npv:,.2f}" in printed
    book = openpyxl.load_workbook(out / XLSX_NAME)
    assert COMPARISON in book.sheetnames
    assert "2 scenarios side by side" in (out / HTML_NAME).read_text(encoding="utf-8")
    assert len(Presentation(str(out / PPTX_NAME)).slides) == len(SLIDE_TITLES) + 1  # and the comparison
    # The case is the first file: its scenario.json is the pilot's.
    assert json.loads((out / "scenario.json").read_text())["preset"] == "low"


def test_report_refuses_too_many_or_same_named_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = scenario_template("expected")
    paths = [str(write(tmp_path, f"s{i}", s)) for i in range(5)]
    args = [x for p in paths for x in ("--scenario", p)]
    assert main(["report", *args, "--out", str(tmp_path / "o")]) == 2
    assert "at most 4 files" in capsys.readouterr().err
    other = tmp_path / "sub"
    other.mkdir()
    twin = write(other, "s0", s)
    assert (
        main(["report", "--scenario", paths[0], "--scenario", str(twin), "--out", str(tmp_path / "o")]) == 2
    )
    assert "share a name" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
