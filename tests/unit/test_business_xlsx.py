"""The business-case workbook: its formulas, evaluated by a formula engine, reproduce the value engine.

The ``formulas`` package recalculates the workbook from its inputs (the cached results are written
as 0 so nothing is read back from the engine), and the totals, NPV and payback must equal
``compute()`` to the cent. Editing an input in the workbook model must move the case exactly as
editing the scenario moves the engine. LibreOffice Calc (headless) recalculates the same workbook
and an edited one, as the application people use would.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import formulas
import openpyxl
import pytest
from libreoffice import convert
from xlsxwriter.utility import xl_col_to_name

from copilot_roi.business.case import BusinessCase, build_case
from copilot_roi.business.xlsx import (
    CASH,
    CASH_COLUMNS,
    CASH_HEADER_ROW,
    RESULT_ROWS,
    SERVED_COLUMN,
    workbook_bytes,
)
from copilot_roi.business.xlsx_finance import ANNUAL, ANNUAL_HEADER_ROW, DISCOUNTING, HEADLINE_ROWS, LINES
from copilot_roi.value.engine import ScenarioResult, compute
from copilot_roi.value.scenario import Band, Scenario, scenario_template

CENT = 0.005


def custom_scenario() -> Scenario:
    """A scenario away from the template: other numbers, a slow ramp, a 24-month horizon."""
    base = scenario_template("expected")
    data = base.model_dump()
    data["horizon_months"] = 24
    data["discount_rate_annual"] = 0.1
    data["ranges"]["discount_rate_annual"] = {"low": 0.05, "high": 0.12}
    data["realisation_rate"] = 0.4
    soc = data["roles"]["soc"]
    soc.update(headcount=12, hours_per_week_on_assisted_tasks=18.5, time_saved_share=0.25)
    soc["adoption"] = {"starting_share": 0.2, "months_to_full": 9}
    soc["ranges"]["headcount"] = {"low": 8, "high": 14}
    soc["ranges"]["adoption_months_to_full"] = {"low": 3, "high": 12}
    data["roles"]["ciso"]["adoption"] = {"starting_share": 0.5, "months_to_full": 1}
    data["roles"]["ciso"]["ranges"]["adoption_months_to_full"] = {"low": 1, "high": 12}
    data["one_off_costs"] = {"enablement": 25_000.0, "training": 7_500.0}
    return Scenario.model_validate(data)


class Workbook:
    """A workbook recalculated by ``formulas``; cells addressed as (sheet, "B3")."""

    def __init__(self, data: bytes, directory: Path, name: str = "case.xlsx") -> None:
        self.path = directory / name
        self.path.write_bytes(data)
        self.name = name
        self.model = formulas.ExcelModel().loads(str(self.path)).finish()
        self.solution = self.model.calculate()
        self.book = openpyxl.load_workbook(io.BytesIO(data))

    def key(self, sheet: str, cell: str) -> str:
        return f"'[{self.name}]{sheet.upper()}'!{cell}"

    def value(self, sheet: str, cell: str, solution: Any = None) -> Any:
        found = (solution or self.solution)[self.key(sheet, cell)].value
        return found[0, 0] if hasattr(found, "shape") else found

    def result(self, name: str, solution: Any = None) -> Any:
        return self.value(CASH, f"B{RESULT_ROWS[name] + 1}", solution)

    def input_cell(self, key: str) -> str:
        sheet = self.book["Assumptions"]
        for row in sheet.iter_rows(min_row=1, max_col=4):
            if row[0].value == key:
                return f"D{row[0].row}"
        raise KeyError(key)

    def recalculate(self, **changes: float) -> Any:
        cells = {self.input_cell(k.replace("__", ".")): v for k, v in changes.items()}
        inputs = {self.key("Assumptions", cell): v for cell, v in cells.items()}
        return self.model.calculate(inputs=inputs)


def assert_matches(book: Workbook, result: ScenarioResult, solution: Any = None) -> None:
    for name in ("total_cost", "total_hours_freed", "total_value", "net_benefit", "npv"):
        assert book.result(name, solution) == pytest.approx(getattr(result, name), abs=CENT), name
    assert book.result("roi", solution) == pytest.approx(result.roi, abs=1e-9)
    payback = book.result("payback_month", solution)
    assert (None if payback == "none" else int(payback)) == result.payback_month
    first = CASH_HEADER_ROW + 2  # one-based first month row
    for m, flow in enumerate(result.monthly):
        row = first + m
        assert book.value(CASH, f"F{row}", solution) == pytest.approx(flow.value, abs=CENT)
        assert book.value(CASH, f"H{row}", solution) == pytest.approx(flow.cumulative_net, abs=CENT)


@pytest.fixture(scope="module")
def custom_case() -> BusinessCase:
    return build_case(custom_scenario(), draws=300)


@pytest.fixture(scope="module")
def custom_book(custom_case: BusinessCase, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    return Workbook(workbook_bytes(custom_case, cached_values=False), tmp_path_factory.mktemp("xlsx"))


def test_formulas_reproduce_the_engine_to_the_cent(custom_case: BusinessCase, custom_book: Workbook) -> None:
    assert_matches(custom_book, custom_case.result)


def test_template_scenario_too(tmp_path: Path) -> None:
    case = build_case(scenario_template("expected"), draws=200)
    assert_matches(Workbook(workbook_bytes(case, cached_values=False), tmp_path), case.result)


def test_editing_an_input_recalculates_like_the_engine(custom_book: Workbook) -> None:
    before = custom_book.result("total_value")
    solution = custom_book.recalculate(soc__headcount=20, realisation_rate=0.6, discount_rate_annual=0.05)
    after = custom_book.result("total_value", solution)
    assert after > before

    # The same edit in the scenario: value and NPV follow exactly; capacity cost is the engine's
    # input row, so it stays at the unedited scenario's figures (the workbook says so).
    data = custom_scenario().model_dump()
    data["roles"]["soc"]["headcount"] = 20
    data["roles"]["soc"]["ranges"]["headcount"] = {"low": 8, "high": 20}
    data["realisation_rate"] = 0.6
    data["discount_rate_annual"] = 0.05
    edited = compute(Scenario.model_validate(data))
    original = compute(custom_scenario())
    assert after == pytest.approx(edited.total_value, abs=CENT)
    hours = custom_book.result("total_hours_freed", solution)
    assert hours == pytest.approx(edited.total_hours_freed, abs=1e-6)
    assert custom_book.result("total_cost", solution) == pytest.approx(original.total_cost, abs=CENT)
    pairs = zip(edited.monthly, original.monthly, strict=True)
    expected_npv = sum((v.value - o.cost) / 1.05 ** (v.month / 12) for v, o in pairs)
    assert custom_book.result("npv", solution) == pytest.approx(expected_npv, abs=CENT)


def test_ramp_and_one_off_edits_flow_through(custom_book: Workbook) -> None:
    solution = custom_book.recalculate(
        soc__adoption_months_to_full=1, enablement=0, training=0, ciso__time_saved_share=0
    )
    data = custom_scenario().model_dump()
    data["roles"]["soc"]["adoption"]["months_to_full"] = 1
    data["roles"]["soc"]["ranges"]["adoption_months_to_full"] = {"low": 1, "high": 12}
    data["roles"]["ciso"]["time_saved_share"] = 0.0
    data["roles"]["ciso"]["ranges"]["time_saved_share"] = {"low": 0.0, "high": 0.2}
    data["one_off_costs"] = {"enablement": 0.0, "training": 0.0}
    edited = compute(Scenario.model_validate(data))
    original = compute(custom_scenario())
    assert custom_book.result("total_value", solution) == pytest.approx(edited.total_value, abs=CENT)
    # No one-off costs now; capacity cost stays the engine's input row.
    assert custom_book.result("total_cost", solution) == pytest.approx(original.total_capacity_cost, abs=CENT)
    # Payback by hand: the month after the last one whose cumulative net is below zero.
    cumulative, below = 0.0, 0
    for v, o in zip(edited.monthly, original.monthly, strict=True):
        cumulative += v.value - o.capacity_cost
        below = v.month if cumulative < 0 else below
    payback = None if cumulative < 0 else below + 1
    assert custom_book.result("payback_month", solution) == payback
    assert payback != original.payback_month


def test_capacity_cost_multiplier_scales_the_billed_cost(custom_book: Workbook) -> None:
    original = compute(custom_scenario())
    solution = custom_book.recalculate(capacity_cost_multiplier=0.9)
    expected = 0.9 * original.total_capacity_cost + original.total_one_off_cost
    assert custom_book.result("total_cost", solution) == pytest.approx(expected, abs=CENT)
    assert custom_book.result("total_value", solution) == pytest.approx(original.total_value, abs=CENT)


def test_no_payback_reads_none(tmp_path: Path) -> None:
    data = scenario_template("expected").model_dump()
    data["realisation_rate"] = 0.05
    data["ranges"]["realisation_rate"] = {"low": 0.05, "high": 0.7}
    case = build_case(Scenario.model_validate(data), draws=200)
    assert case.result.payback_month is None
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert book.result("payback_month") == "none"
    assert book.result("npv") == pytest.approx(case.result.npv, abs=CENT)


def test_a_case_that_crosses_and_falls_back_reads_none(tmp_path: Path) -> None:
    # USD 400,000 of other costs in year 3: the cumulative net is >= 0 from month 7 to about
    # month 26, then below zero to the end (net -275,714): the formula's payback is "none".
    data = scenario_template("expected").model_dump()
    data["other_costs"] = [{"name": "Renewal", "per_year": [0.0, 0.0, 400_000.0]}]
    case = build_case(Scenario.model_validate(data), draws=200)
    cumulative = [m.cumulative_net for m in case.result.monthly]
    assert cumulative[6] >= 0 > cumulative[-1]
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert book.result("net_benefit") == pytest.approx(-275_714, abs=1)
    assert book.result("payback_month") == "none"


def test_cached_values_are_the_engines(custom_case: BusinessCase) -> None:
    """Viewers that do not recalculate show the engine's numbers."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)), data_only=True)
    sheet = book[CASH]
    assert sheet[f"B{RESULT_ROWS['npv'] + 1}"].value == pytest.approx(custom_case.result.npv, abs=CENT)
    assert book["Summary"]["B7"].value == pytest.approx(custom_case.result.total_cost, abs=CENT)


def test_value_columns_are_formulas_over_the_assumptions(custom_case: BusinessCase) -> None:
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))
    cash, hours = book[CASH], book["Hours by role"]
    first = CASH_HEADER_ROW + 2
    assert isinstance(cash[f"B{first}"].value, float)  # capacity cost: the engine's input row
    for column in "CDEFGHIJKLM":
        assert str(cash[f"{column}{first}"].value).startswith("="), column
    formula = str(hours["B4"].value)
    for needed in ("Assumptions", "MIN(", "IF("):
        assert needed in formula
    assert str(book["Value by role"]["B4"].value).startswith("='Hours by role'!B4*")


def test_assumptions_list_every_input_with_a_source(custom_case: BusinessCase) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))["Assumptions"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=5) if r[0].value}
    for role in custom_case.scenario.role_ids():
        for field in ("headcount", "hours_per_week_on_assisted_tasks", "time_saved_share"):
            row = rows[f"{role}.{field}"]
            assert isinstance(row[3].value, int | float)
            assert row[5].value in ("evidence", "assumption", "customer data")
            assert row[6].value
    assert rows["soc.time_saved_share"][5].value == "evidence"
    assert rows["irm.time_saved_share"][5].value == "assumption"


def test_native_charts_reference_the_cash_flow(custom_case: BusinessCase) -> None:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(workbook_bytes(custom_case))) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = archive.read(charts[0]).decode()
    assert "'Cash flow'!$I$" in xml and "'Cash flow'!$J$" in xml


class Recalculated:
    """A workbook as LibreOffice Calc recalculated it (cached results written as 0 beforehand)."""

    def __init__(self, path: Path) -> None:
        self.book = openpyxl.load_workbook(path, data_only=True)

    def value(self, sheet: str, cell: str, solution: Any = None) -> Any:
        return self.book[sheet][cell].value

    def result(self, name: str, solution: Any = None) -> Any:
        return self.value(CASH, f"B{RESULT_ROWS[name] + 1}")


def libreoffice_recalculation(data: bytes, tmp_path: Path) -> Recalculated:
    source = tmp_path / "case.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    converted = convert(source, "xlsx:Calc MS Excel 2007 XML", out, tmp_path / "profile")
    return Recalculated(converted)


def test_libreoffice_recalculates_to_the_engine(custom_case: BusinessCase, tmp_path: Path) -> None:
    """Every total, ROI, NPV, payback and each month's value and cumulative net, to the cent."""
    book = libreoffice_recalculation(workbook_bytes(custom_case, cached_values=False), tmp_path)
    assert_matches(book, custom_case.result)  # type: ignore[arg-type]
    summary = book.book["Summary"]
    assert summary["B11"].value == pytest.approx(custom_case.result.npv, abs=CENT)


def test_an_input_edited_before_libreoffice_moves_the_case_like_the_engine(
    custom_case: BusinessCase, tmp_path: Path
) -> None:
    """Finance edits the realisation rate (a blue cell); Calc's answer is the engine's for that rate."""
    data = workbook_bytes(custom_case, cached_values=False)
    edited = openpyxl.load_workbook(io.BytesIO(data))
    sheet = edited["Assumptions"]
    row = next(r for r in sheet.iter_rows(min_row=1, max_col=4) if r[0].value == "realisation_rate")
    row[3].value = 0.65
    buffer = io.BytesIO()
    edited.save(buffer)
    book = libreoffice_recalculation(buffer.getvalue(), tmp_path)
    moved = custom_case.scenario.model_copy(update={"realisation_rate": 0.65})
    assert_matches(book, compute(moved, custom_case.prices))  # type: ignore[arg-type]


def test_a_throttled_case_recalculates_to_the_engine_with_its_served_share(tmp_path: Path) -> None:
    from copilot_roi.plans import CapacityPlan

    base = custom_scenario()
    plan = CapacityPlan(provisioned_scu=1, overage="none")  # refuses most of this demand
    scenario = base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})})
    case = build_case(scenario, draws=200)
    assert case.result.served_share < 0.9
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert_matches(book, case.result)
    first = CASH_HEADER_ROW + 2
    served_column = xl_col_to_name(SERVED_COLUMN)
    assert book.book[CASH].cell(CASH_HEADER_ROW + 1, SERVED_COLUMN + 1).value == "Served share (engine)"
    for m, flow in enumerate(case.result.monthly):
        assert book.value(CASH, f"{served_column}{first + m}") == pytest.approx(flow.served_share, abs=1e-12)
        # Hours freed: the unthrottled hours (recomputed here by hand) times the served share.
        adoption = min(1.0, 0.2 + 0.8 * m / 8)  # SOC: 20 % in month 1, full in month 9
        soc = scenario.roles["soc"]
        unthrottled = soc.headcount * soc.hours_per_week_on_assisted_tasks * 52 / 12 * soc.time_saved_share
        assert book.value("Hours by role", f"B{4 + m}") == pytest.approx(
            unthrottled * adoption * flow.served_share, abs=1e-6
        )
    # The Summary says so beside the verdict.
    summary = book.book["Summary"]
    assert summary["A6"].value == case.throttling_warning
    assert case.throttling_warning is not None and "value counts only served work" in case.throttling_warning


# --- finance conventions and other lines ----------------------------------------------------------


def lined_scenario(convention: str) -> Scenario:
    """The custom scenario (24 months) with a risk adjustment, a banded benefit line and a cost line."""
    data = custom_scenario().model_dump()
    data["finance"] = {"convention": convention, "risk_adjustment": {"benefits": 0.1, "costs": 0.15}}
    data["other_benefits"] = [
        {"name": "Retired SOAR licence", "per_year": [18_000.0, 30_000.0], "source": "Renewal quote",
         "band": {"low": 0.5, "high": 1.0}},
        {"name": "Fewer outsourced hours", "per_year": [9_600.0], "source": "MSSP invoice"},
    ]  # fmt: skip
    data["other_costs"] = [
        {"name": "Governance board", "one_off": 4_000.0, "per_year": [3_000.0, 4_200.0], "source": "Estimate"}
    ]
    return Scenario.model_validate(data)


def assert_finance_matches(book: Workbook | Recalculated, result: ScenarioResult) -> None:
    assert_matches(book, result)  # type: ignore[arg-type]
    for key in ("pv_benefits", "pv_costs", "npv", "roi_pv"):
        cell = f"B{HEADLINE_ROWS[key] + 1}"
        tolerance = 1e-9 if key == "roi_pv" else CENT
        assert book.value(DISCOUNTING, cell) == pytest.approx(getattr(result, key), abs=tolerance), key
    if result.convention == "annual":
        for y, year in enumerate(result.yearly):
            row = ANNUAL_HEADER_ROW + 2 + y
            assert book.value(ANNUAL, f"B{row}") == pytest.approx(year.costs, abs=CENT)
            assert book.value(ANNUAL, f"C{row}") == pytest.approx(year.benefits, abs=CENT)
            assert book.value(ANNUAL, f"E{row}") == pytest.approx(year.discount_factor, abs=1e-12)
            assert book.value(ANNUAL, f"G{row}") == pytest.approx(year.cumulative_pv_net, abs=CENT)


@pytest.mark.parametrize("convention", ["monthly", "annual"])
def test_formulas_follow_the_convention_and_the_lines(convention: str, tmp_path: Path) -> None:
    case = build_case(lined_scenario(convention), draws=200)
    assert case.result.total_other_benefits > 0 and bool(case.result.yearly) == (convention == "annual")
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert_finance_matches(book, case.result)
    assert (ANNUAL in book.book.sheetnames) == (convention == "annual")
    # Editing a line's year-2 amount and the risk share moves the case like the engine.
    lines = book.book[LINES]
    soar = next(r for r in lines.iter_rows() if r[1].value == "Retired SOAR licence")
    year_2 = f"{soar[5].column_letter}{soar[5].row}"
    risk_cell = book.input_cell("risk_adjustment.benefits")
    solution = book.model.calculate(
        inputs={book.key(LINES, year_2): 40_000.0, book.key("Assumptions", risk_cell): 0.2}
    )
    data = case.scenario.model_dump()
    data["other_benefits"][0]["per_year"] = [18_000.0, 40_000.0]
    data["finance"]["risk_adjustment"]["benefits"] = 0.2
    moved = compute(Scenario.model_validate(data), case.prices)
    assert book.value(DISCOUNTING, f"B{HEADLINE_ROWS['npv'] + 1}", solution) == pytest.approx(
        moved.npv, abs=CENT
    )
    assert book.result("net_benefit", solution) == pytest.approx(moved.net_benefit, abs=CENT)


@pytest.mark.parametrize("convention", ["monthly", "annual"])
def test_libreoffice_recalculates_both_conventions_to_the_cent(convention: str, tmp_path: Path) -> None:
    case = build_case(lined_scenario(convention), draws=200)
    book = libreoffice_recalculation(workbook_bytes(case, cached_values=False), tmp_path)
    assert_finance_matches(book, case.result)
    assert book.book["Summary"]["F7"].value == pytest.approx(case.result.npv, abs=CENT)


# --- finish: numbers as numbers, nothing clipped, printable (issue 24) ---------------------------


def test_the_npv_range_is_two_numbers(custom_case: BusinessCase) -> None:
    """It was one text cell, "'-38,817 to 168,669", that nothing could sum or chart."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))["Summary"]
    labels = {str(row[0].value): row for row in sheet.iter_rows() if row[0].value}
    assert labels["NPV P10 (USD)"][1].value == pytest.approx(custom_case.range.p10)
    assert labels["NPV P90 (USD)"][1].value == pytest.approx(custom_case.range.p90)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert " to " not in cell.value or not cell.value.lstrip("'-").replace(",", "")[:1].isdigit()


def test_not_paid_back_is_blank_not_9999(tmp_path: Path) -> None:
    """The payback column showed 9999 until payback. It now marks the months whose cumulative net
    is below zero (payback is the month after the last of them) and is blank from payback on."""
    data = scenario_template("expected").model_dump()
    data["one_off_costs"] = {"enablement": 60_000.0, "training": 20_000.0}
    case = build_case(Scenario.model_validate(data), draws=100)
    payback = case.result.payback_month
    assert payback is not None and payback > 1
    cash = openpyxl.load_workbook(io.BytesIO(workbook_bytes(case)), data_only=True)[CASH]
    column = CASH_COLUMNS.index("Cumulative net below 0 (month)") + 1
    first = CASH_HEADER_ROW + 2
    shown = [cash.cell(first + m, column).value for m in range(case.result.horizon_months)]
    assert shown[: payback - 1] == list(range(1, payback))
    assert all(value in ("", None) for value in shown[payback - 1 :])
    assert all(value != 9999 for value in shown)
    book = Workbook(workbook_bytes(case, cached_values=False), tmp_path)
    assert book.result("payback_month") == payback


def test_print_setup_reads_on_paper(custom_case: BusinessCase) -> None:
    """Every sheet was fitted whole onto one page: fit to the page width only (the Summary and the
    Charts on one page), landscape only where wide, header rows repeated, the table as the print
    area, and a footer naming the case and the date."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        one_page = sheet.title in ("Summary", "Charts")
        assert (setup.fitToHeight in (None, 1)) if one_page else setup.fitToHeight == 0, sheet.title
        assert setup.fitToWidth in (None, 1) and setup.paperSize == 9, sheet.title
        assert sheet.print_area, sheet.title
        footer = sheet.oddFooter.left.text
        assert "Customer: not named" in footer and "Plan: 1 SCU 24x7" in footer, sheet.title
        assert f"prepared {custom_case.prepared_on:%d %b %Y}" in footer, sheet.title
    assert book["Usage" if "Usage" in book.sheetnames else "Sensitivity"].page_setup.orientation in (
        "portrait",
        "landscape",
    )
    assert book[CASH].page_setup.orientation == "landscape"
    assert book[CASH].print_title_rows == f"${CASH_HEADER_ROW + 1}:${CASH_HEADER_ROW + 1}"
    for name in ("Assumptions", "Hours by role", "Value by role", DISCOUNTING, "Evidence"):
        assert book[name].print_title_rows, name


def test_long_notes_and_the_recommendation_wrap(custom_case: BusinessCase) -> None:
    """'Proceed with a' was all the verdict cell showed; notes ran far past the printed columns."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))["Summary"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "B4:C4" in merged and "A5:C5" in merged  # the verdict and the recommendation
    assert sheet["B4"].alignment.wrap_text and sheet["A5"].alignment.wrap_text
    assert sheet["B4"].value == custom_case.verdict
    assert sheet.row_dimensions[5].height >= 30  # two lines at least for the sentence
    for name in ("Assumptions", CASH, DISCOUNTING):
        other = openpyxl.load_workbook(io.BytesIO(workbook_bytes(custom_case)))[name]
        assert other["A2"].alignment.wrap_text or name == CASH, name


def test_the_ledger_recalculates_to_the_engine_per_role_and_line(tmp_path: Path) -> None:
    """Throttling charged to the demand it refuses and a binding working-hours cap (issue 19):
    the workbook's hours multiply by each role's and line's own share kept, so Calc and the
    `formulas` package both give the engine's figures, people and agent apart."""
    from test_value_ledger import issue_line, off_hours_deleted, soc_pair

    from copilot_roi.business.xlsx_cells import KEPT

    night = off_hours_deleted([issue_line("phishing_triage")])  # agents lose the night, people nothing
    capped_base = soc_pair([issue_line("phishing_triage")])
    soc = capped_base.roles["soc"]
    soc = soc.model_copy(
        update={
            "hours_per_week_on_assisted_tasks": 60.0,
            "time_saved_share": 0.9,
            "ranges": soc.ranges.model_copy(
                update={
                    "hours_per_week_on_assisted_tasks": Band(low=8, high=60),
                    "time_saved_share": Band(low=0.1, high=0.9),
                }
            ),
        }
    )
    capped = capped_base.model_copy(update={"roles": {"soc": soc}})
    for name, scenario in (("night", night), ("capped", capped)):
        case = build_case(scenario, draws=200)
        data = workbook_bytes(case, cached_values=False)
        directory = tmp_path / name
        directory.mkdir()
        book = Workbook(data, directory)
        assert_matches(book, case.result)
        assert book.book[KEPT]["A4"].value == "Month"
        first = 4  # one-based first month row of the Hours by role sheet
        for m in range(case.result.horizon_months):
            assert book.value("Hours by role", f"B{first + m}") == pytest.approx(
                case.result.hours_freed_by_role["soc"][m], abs=1e-6
            )
        assert_matches(libreoffice_recalculation(data, directory), case.result)  # type: ignore[arg-type]
        if name == "night":
            # People work in business hours and lose nothing; the 24x7 agent loses the night.
            kept = book.book[KEPT]
            agent_column = 1 + len(case.scenario.role_ids()) + 1  # one-based: Month, roles, then the line
            assert all(kept.cell(5 + m, 2).value == pytest.approx(1.0) for m in range(36))
            assert all(kept.cell(5 + m, agent_column).value < 0.5 for m in range(36))
    assert compute(capped).capped_roles  # the cap binds in the second case
