"""The workbook's other lines and discounting sheets: live formulas that follow the finance convention.

* ``Other lines``: each other benefit and cost line as an input row (name and source as text,
  one-off and one amount per year of the horizon, the stated list's last amount repeated, all
  editable), then per month the lines' amounts (a year's amount / 12) for the Cash flow sheet.
* ``Discounting``: per month the benefits (realised value + other benefits), recurring costs
  (capacity x multiplier + other costs) and one-offs from the Cash flow sheet, risk-adjusted
  (benefits x (1 - share), costs x (1 + share)) and discounted by ``1 / (1 + r) ^ (month / 12)``;
  the headline PVs, NPV and ROI on PV above them.
* ``Annual (TEI)``, in the annual convention only: year 0 = the one-off costs, not discounted;
  years 1..N = sums of the Discounting sheet's months of that year (``SUMIF``), discounted by
  ``1 / (1 + r) ^ year``; the headline then reads this sheet.

Text goes through ``xlsx.write_text`` (formula-injection safe) like every other cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from copilot_roi.business.case import BusinessCase
from copilot_roi.business.xlsx_cells import (
    CASH,
    CASH_HEADER_ROW,
    Formats,
    row_height,
    write_note,
    write_text,
    write_title,
)
from copilot_roi.value.extra_lines import horizon_years
from copilot_roi.value.finance_text import convention_sentence, payback_years_text
from copilot_roi.wording import other_convention_npv

LINES = "Other lines"
DISCOUNTING = "Discounting"
ANNUAL = "Annual (TEI)"
LINE_HEADER_ROW = 3  # zero-based; the year numbers sit in this row from column YEAR_COLUMN
YEAR_COLUMN = 4  # Kind, Name, Source, One-off, then Year 1..N
HEADLINE_ROWS = {"pv_benefits": 3, "pv_costs": 4, "npv": 5, "roi_pv": 6, "discounted_payback_years": 7}
OTHER_CONVENTION_ROW = 8
DISCOUNT_HEADER_ROW = 10
DISCOUNT_COLUMNS = (
    "Month",
    "Year",
    "Benefits",
    "Recurring costs",
    "One-off costs",
    "Benefits (risk-adjusted)",
    "Costs (risk-adjusted)",
    "Discount factor",
    "PV of benefits",
    "PV of costs",
)
ANNUAL_HEADER_ROW = 3
ANNUAL_COLUMNS = (
    "Year",
    "Costs",
    "Benefits",
    "Net",
    "Discount factor",
    "PV of net",
    "Cumulative PV of net",
    "PV of benefits",
    "PV of costs",
)


@dataclass(frozen=True)
class LineCells:
    """Where the Cash flow sheet finds the lines: per-month cells and the one-off total."""

    first_month_row: int  # zero-based row of month 1 on the Other lines sheet
    one_off_total: str  # absolute reference

    def benefits(self, month_index: int) -> str:
        return f"'{LINES}'!$C${self.first_month_row + month_index + 1}"

    def costs(self, month_index: int) -> str:
        return f"'{LINES}'!$D${self.first_month_row + month_index + 1}"

    def benefits_range(self, horizon_months: int) -> str:
        first = self.first_month_row + 1
        return f"'{LINES}'!$C${first}:$C${first + horizon_months - 1}"


def _ref(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!${xl_col_to_name(col)}${row + 1}"


def write_lines(book: Workbook, case: BusinessCase, f: Formats, cached: bool) -> LineCells:
    """The Other lines sheet (see the module docstring)."""

    ws: Worksheet = book.add_worksheet(LINES)
    scenario, result = case.scenario, case.result
    years = horizon_years(scenario.horizon_months)
    c = case.prices.currency
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 36)
    ws.set_column(3, YEAR_COLUMN + years - 1, 14)
    last_col = YEAR_COLUMN + years - 1
    write_title(ws, f"Other benefit and cost lines ({c} per year; edit the blue cells)", f, last_col)
    write_note(
        ws, 1,
        "A year's amount is spread evenly over its 12 months; a list shorter than the horizon repeats "
        "its last amount (written out here). One-off costs fall with the other one-offs (month 1, or "
        "year 0 in the annual convention).",
        f.wrap, last_col,
    )  # fmt: skip
    for col, header in enumerate(("Kind", "Name", "Source", "One-off")):
        write_text(ws, LINE_HEADER_ROW, col, header, f.header)
    for y in range(years):
        ws.write_number(LINE_HEADER_ROW, YEAR_COLUMN + y, y + 1, f.header)
    row = LINE_HEADER_ROW + 1
    blocks: dict[str, tuple[int, int]] = {}
    for kind, lines in (("Benefit", scenario.other_benefits), ("Cost", scenario.other_costs)):
        start = row
        for line in lines:
            write_text(ws, row, 0, kind, f.text)
            write_text(ws, row, 1, line.name, f.wrap)
            write_text(ws, row, 2, line.source or "not stated", f.wrap)
            ws.set_row(row, row_height([(line.name, 34), (line.source or "not stated", 36)]))
            one_off = getattr(line, "one_off", None)
            if one_off is not None:
                ws.write_number(row, 3, one_off, f.money_input)
            amounts = list(line.per_year) or [0.0]
            amounts += [amounts[-1]] * (years - len(amounts))
            for y, amount in enumerate(amounts[:years]):
                ws.write_number(row, YEAR_COLUMN + y, amount, f.money_input)
            row += 1
        blocks[kind] = (start, row)
    if row == LINE_HEADER_ROW + 1:
        write_text(ws, row, 1, "No other lines in this scenario", f.text)
        row += 1
    one_off_row = row + 1
    write_text(ws, one_off_row, 1, "One-off costs of the lines", f.text)
    cost_start, cost_end = blocks["Cost"]
    one_off_formula = f"=SUM(D{cost_start + 1}:D{cost_end})" if cost_end > cost_start else "=0"
    cost_one_offs = sum(line.one_off for line in scenario.other_costs)
    ws.write_formula(one_off_row, 3, one_off_formula, f.bold_money, cost_one_offs if cached else 0)

    month_header = one_off_row + 2
    for col, text in enumerate(("Month", "Year", "Other benefits", "Other recurring costs")):
        write_text(ws, month_header, col, text, f.header)
    first_year, last_year = xl_col_to_name(YEAR_COLUMN), xl_col_to_name(YEAR_COLUMN + years - 1)
    year_row = f"${first_year}${LINE_HEADER_ROW + 1}:${last_year}${LINE_HEADER_ROW + 1}"

    def month_sum(kind: str, year_cell: str) -> str:
        start, end = blocks[kind]
        if end == start:
            return "=0"
        block = f"${first_year}${start + 1}:${last_year}${end}"
        return f"=SUMPRODUCT(({year_row}={year_cell})*{block})/12"

    for m, flow in enumerate(result.monthly):
        r = month_header + 1 + m
        ws.write_number(r, 0, flow.month, f.integer)
        ws.write_formula(
            r, 1, f"=ROUNDUP(A{r + 1}/12,0)", f.integer, (flow.month + 11) // 12 if cached else 0
        )
        ws.write_formula(
            r, 2, month_sum("Benefit", f"$B{r + 1}"), f.money, flow.other_benefits if cached else 0
        )
        ws.write_formula(r, 3, month_sum("Cost", f"$B{r + 1}"), f.money, flow.other_costs if cached else 0)
    return LineCells(first_month_row=month_header + 1, one_off_total=_ref(LINES, one_off_row, 3))


def write_discounting(
    book: Workbook, case: BusinessCase, cells: dict[str, str], lines: LineCells, f: Formats, cached: bool
) -> dict[str, str]:
    """The Discounting (and, in annual, Annual (TEI)) sheets; return the headline cells by name."""

    ws: Worksheet = book.add_worksheet(DISCOUNTING)
    result = case.result
    c = case.prices.currency
    h = result.horizon_months
    rate, rb, rc = (
        cells["discount_rate_annual"],
        cells["risk_adjustment.benefits"],
        cells["risk_adjustment.costs"],
    )
    ws.set_column(0, 0, 26)
    ws.set_column(1, len(DISCOUNT_COLUMNS) - 1, 14)
    last_col = len(DISCOUNT_COLUMNS) - 1
    write_title(ws, f"Discounted figures ({c}), {result.convention} convention", f, last_col)
    write_note(ws, 1, convention_sentence(result), f.wrap, last_col)
    first = DISCOUNT_HEADER_ROW + 1
    for col, header in enumerate(discount_headers(result.convention)):
        write_text(ws, DISCOUNT_HEADER_ROW, col, header, f.header)
    ws.set_row(DISCOUNT_HEADER_ROW, 32)
    risk = result.risk_adjustment
    for m, flow in enumerate(result.monthly):
        row, r1 = first + m, first + m + 1
        cash = CASH_HEADER_ROW + 2 + m  # one-based row of this month on the Cash flow sheet
        recurring = flow.cost - flow.one_off_cost
        benefits = flow.value + flow.other_benefits
        factor = (1 + result.discount_rate_annual) ** (-flow.month / 12)
        adj_b, adj_c = benefits * (1 - risk.benefits), (recurring + flow.one_off_cost) * (1 + risk.costs)
        formulas: list[tuple[int, str, float, Any]] = [
            (0, f"='{CASH}'!A{cash}", flow.month, f.integer),
            (1, f"=ROUNDUP(A{r1}/12,0)", (flow.month + 11) // 12, f.integer),
            (2, f"='{CASH}'!F{cash}+{lines.benefits(m)}", benefits, f.money),
            (3, f"='{CASH}'!D{cash}-'{CASH}'!C{cash}", recurring, f.money),
            (4, f"='{CASH}'!C{cash}", flow.one_off_cost, f.money),
            (5, f"=C{r1}*(1-{rb})", adj_b, f.money),
            (6, f"=(D{r1}+E{r1})*(1+{rc})", adj_c, f.money),
            (7, f"=1/(1+{rate})^(A{r1}/12)", factor, f.factor),
            (8, f"=F{r1}*H{r1}", adj_b * factor, f.money),
            (9, f"=G{r1}*H{r1}", adj_c * factor, f.money),
        ]  # fmt: skip
        for col, formula, value, fmt in formulas:
            ws.write_formula(row, col, formula, fmt, value if cached else 0)

    def col_range(col: int) -> str:
        name = xl_col_to_name(col)
        return f"${name}${first + 1}:${name}${first + h}"

    if result.convention == "annual":
        pv_b, pv_c = _annual_sheet(book, case, rate, rc, f, cached, col_range)
    else:
        pv_b, pv_c = f"SUM({col_range(8)})", f"SUM({col_range(9)})"
    head = HEADLINE_ROWS
    tag = f"({result.convention})"
    headline: list[tuple[str, str, str, Any, Any]] = [
        ("pv_benefits", f"PV of benefits {tag}", f"={pv_b}", result.pv_benefits, f.bold_money),
        ("pv_costs", f"PV of costs {tag}", f"={pv_c}", result.pv_costs, f.bold_money),
        (
            "npv",
            f"NPV {tag}",
            f"=B{head['pv_benefits'] + 1}-B{head['pv_costs'] + 1}",
            result.npv,
            f.bold_money,
        ),
        (
            "roi_pv",
            f"ROI on PV {tag}: NPV / PV of costs",
            f'=IF(B{head["pv_costs"] + 1}>0,B{head["npv"] + 1}/B{head["pv_costs"] + 1},"n/a")',
            result.roi_pv if result.roi_pv is not None else "n/a",
            f.share,
        ),
    ]
    refs: dict[str, str] = {}
    for key, label, formula, value, fmt in headline:
        write_text(ws, head[key], 0, label, f.wrap)
        ws.set_row(head[key], row_height([(label, 26)]))
        ws.write_formula(head[key], 1, formula, fmt, value if cached else 0)
        refs[key] = _ref(DISCOUNTING, head[key], 1)
    write_text(ws, head["discounted_payback_years"], 0, f"Discounted payback {tag}", f.wrap)
    write_text(
        ws, head["discounted_payback_years"], 1, payback_years_text(result.discounted_payback_years), f.text
    )
    ws.merge_range(head["discounted_payback_years"], 2, head["discounted_payback_years"], 4, None)
    write_text(
        ws, head["discounted_payback_years"], 2, "engine value (interpolated inside its period)", f.wrap
    )
    other = other_convention_npv(result.npv_by_convention, result.convention, c)
    write_text(ws, OTHER_CONVENTION_ROW, 0, "NPV in the other convention", f.text)
    write_text(ws, OTHER_CONVENTION_ROW, 1, other, f.text)
    write_text(
        ws, OTHER_CONVENTION_ROW, 2, "engine value, for comparison; the headline above is the case's", f.text
    )
    ws.freeze_panes(first, 1)
    return refs


# Columns discounted month by month: in an annual workbook they are the monthly convention's.
MONTHLY_DISCOUNTED = frozenset({"Discount factor", "PV of benefits", "PV of costs"})


def discount_headers(convention: str) -> tuple[str, ...]:
    """The Discounting sheet's headers; in the annual convention the monthly-discounted ones say so.

    >>> discount_headers("annual")[-1], discount_headers("monthly")[-1]
    ('PV of costs (monthly convention, not the headline)', 'PV of costs')
    """
    if convention == "monthly":
        return DISCOUNT_COLUMNS
    return tuple(
        f"{h} (monthly convention, not the headline)" if h in MONTHLY_DISCOUNTED else h
        for h in DISCOUNT_COLUMNS
    )


def _annual_sheet(
    book: Workbook, case: BusinessCase, rate: str, rc: str, f: Formats, cached: bool, monthly: Any
) -> tuple[str, str]:
    """Year 0..N table; returns the PV of benefits and PV of costs formulas (without ``=``)."""

    ws: Worksheet = book.add_worksheet(ANNUAL)
    result = case.result
    last_col = len(ANNUAL_COLUMNS) - 1
    ws.set_column(0, last_col, 15)
    write_title(ws, f"Annual cash flow, TEI convention ({case.prices.currency})", f, last_col)
    write_note(
        ws, 1,
        "Year 0 = one-off costs, not discounted; years 1..N = sums of the Discounting sheet's months "
        "(risk-adjusted), at each year's end, discounted by 1 / (1 + r) ^ year.",
        f.wrap, last_col,
    )  # fmt: skip
    ws.set_row(ANNUAL_HEADER_ROW, 32)
    for col, header in enumerate(ANNUAL_COLUMNS):
        write_text(ws, ANNUAL_HEADER_ROW, col, header, f.header)
    first = ANNUAL_HEADER_ROW + 1
    d = f"'{DISCOUNTING}'!"
    for y, year in enumerate(result.yearly):
        row, r1 = first + y, first + y + 1
        if y == 0:
            costs = f"=SUM({d}{monthly(4)})*(1+{rc})"
            benefits = "=0"
            factor = "=1"
        else:
            costs = f"=SUMIF({d}{monthly(1)},A{r1},{d}{monthly(3)})*(1+{rc})"
            benefits = f"=SUMIF({d}{monthly(1)},A{r1},{d}{monthly(5)})"
            factor = f"=1/(1+{rate})^A{r1}"
        previous = "0" if y == 0 else f"G{r1 - 1}"
        ws.write_number(row, 0, year.year, f.integer)
        formulas: list[tuple[int, str, float, Any]] = [
            (1, costs, year.costs, f.money),
            (2, benefits, year.benefits, f.money),
            (3, f"=C{r1}-B{r1}", year.net, f.money),
            (4, factor, year.discount_factor, f.factor),
            (5, f"=D{r1}*E{r1}", year.pv_net, f.money),
            (6, f"={previous}+F{r1}", year.cumulative_pv_net, f.money),
            (7, f"=C{r1}*E{r1}", year.benefits * year.discount_factor, f.money),
            (8, f"=B{r1}*E{r1}", year.costs * year.discount_factor, f.money),
        ]
        for col, formula, value, fmt in formulas:
            ws.write_formula(row, col, formula, fmt, value if cached else 0)
    last = first + len(result.yearly)
    a = f"'{ANNUAL}'!"
    return f"SUM({a}$H${first + 1}:$H${last})", f"SUM({a}$I${first + 1}:$I${last})"
