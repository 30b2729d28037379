"""The business case as an Excel workbook whose value, totals, NPV and payback are live formulas.

Layout (fixed cells, so formulas and tests can rely on them):

* ``Assumptions``: one input per row from row 5 (column D holds the value), with its unit,
  basis and source. Finance edits column D and the workbook recalculates.
* ``Hours by role`` / ``Value by role``: month x role formulas over the assumptions (adoption
  ramp, headcount, hours per week, 52/12 weeks per month, time saved, loaded cost, realisation).
* ``Cash flow``: per month the capacity cost and the served share of demanded SCUs (inputs
  computed by the engine's billing, since hourly metering and throttling have no compact
  spreadsheet form), one-off costs, cost, hours freed, value, net, cumulative net and the discount
  factor ``1 / (1 + annual rate) ^ (month / 12)`` (flows at the end of each month, as in
  ``copilot_roi.value.finance``); totals, NPV, ROI and payback above the table.
* ``Share of hours kept``: per month, role and agent line, the engine ledger's share of hours kept
  (its own served share x its role's working-hours cap scale); Hours by role and the agent lines
  multiply by it: throttled work frees no time and no role frees more hours than its people work.
* ``Scenarios compared`` (when several scenarios are compared): each scenario's figures, then
  each one's cumulative net by month, in columns named by ``COMPARISON_COLUMNS``.
* ``Sensitivity``, ``Evidence``, ``Sources`` and, with usage loaded, ``Usage`` and ``Chargeback``:
  values from the engine (they do not recalculate; the sheet says so).

Every text cell goes through ``copilot_roi.safe_cells.neutralise_cell`` and is written as a string
cell; numbers are written as numbers.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from copilot_roi.business import palette
from copilot_roi.business.case import BusinessCase, case_line, case_summary, evidence_authors
from copilot_roi.business.xlsx_cells import (
    CASH,
    CASH_HEADER_ROW,
    KEPT,
    KEPT_HEADER_ROW,
    LINE_PT,
    Formats,
    columns_width,
    formats,
    quoted,
    ref,
    row_height,
    write_note,
    write_text,
    write_title,
)
from copilot_roi.business.xlsx_finance import (
    ANNUAL,
    ANNUAL_HEADER_ROW,
    DISCOUNT_HEADER_ROW,
    DISCOUNTING,
    HEADLINE_ROWS,
    LineCells,
    write_discounting,
    write_lines,
)
from copilot_roi.safe_cells import strip_control
from copilot_roi.value.agent_lines import hours_if_all_served_by_line
from copilot_roi.value.comparison import Comparison
from copilot_roi.value.engine import hours_if_all_served, role_adoption
from copilot_roi.value.finance_text import convention_sentence, payback_years_text
from copilot_roi.value.simulation_text import INDEPENDENCE_CAVEAT, share_positive_sentence

ASSUMPTIONS = "Assumptions"
HOURS = "Hours by role"
VALUE = "Value by role"
CHARTS = "Charts"
AGENTS = "Agents"
# The Agents sheet: one input row per line, then one row per month (columns by name, not letter).
AGENT_INPUT_HEADER_ROW = 2
AGENT_INPUT_COLUMNS = (
    "Agent",
    "Runs a month",
    "SCUs per run",
    "Analyst minutes avoided per run",
    "Loaded cost per hour",
    "Cost per run (capacity, engine)",
    "Cost per alert by hand",
    "Hours freed (horizon)",
    "Source",
)
AGENT_COL = {name: i for i, name in enumerate(AGENT_INPUT_COLUMNS)}
FIRST_INPUT_ROW = 4  # zero-based: row 5 in Excel
RESULT_ROWS = {  # label -> zero-based row of the Cash flow results block (value in column B)
    "total_cost": 2,
    "total_hours_freed": 3,
    "total_value": 4,
    "net_benefit": 5,
    "roi": 6,
    "npv": 7,
    "payback_month": 8,
    "value_at_full_realisation": 9,
}
CASH_COLUMNS = (
    "Month",
    "Capacity cost (engine)",
    "One-off cost",
    "Cost",
    "Hours freed",
    "Realised value",
    "Net",
    "Cumulative net",
    "Cumulative cost",
    "Cumulative value",
    "Discount factor (monthly convention)",
    "Discounted net (monthly convention, unadjusted)",
    "Cumulative net below 0 (month)",
    "Served share (engine)",
)
SERVED_COLUMN = CASH_COLUMNS.index("Served share (engine)")
COMPARISON = "Scenarios compared"
COMPARISON_HEADER_ROW = 3  # zero-based; one scenario per row follows
COMPARISON_COLUMNS = (  # the sheet's column map: (heading, ComparedScenario field, format name)
    ("Scenario", "name", "text"),
    ("Plan", "plan_description", "text"),
    ("Cost", "total_cost", "money"),
    ("Realised value", "total_value", "money"),
    ("Hours freed", "total_hours_freed", "hours"),
    ("NPV", "npv", "money"),
    ("NPV P10", "npv_p10", "money"),
    ("NPV P90", "npv_p90", "money"),
    ("ROI", "roi", "share"),
    ("Payback month", "payback_month", "integer"),
    ("Served share", "served_share", "share"),
)
MONEY_COLUMNS = frozenset({"cost", "npv_at_low", "npv_at_high"})
SOURCE_WIDTH = 44
# Key, Section, Input, Value, Unit, Basis, Source: text columns wide enough for their longest
# fixed text (keys, units), sources wrapped.
ASSUMPTION_WIDTHS = (30, 14, 26, 13, 16, 12, SOURCE_WIDTH)


def write_frame(
    ws: Worksheet,
    row: int,
    frame: pd.DataFrame,
    headers: list[str],
    f: Formats,
    widths: list[float] | None = None,
) -> int:
    """Write a table: text cells neutralised, numbers numeric. Returns the next free row.

    ``widths`` (characters per column) sets the columns and grows rows to fit wrapped text.
    """
    for col, header in enumerate(headers):
        write_text(ws, row, col, header, f.header)
    for col, width in enumerate(widths or []):
        ws.set_column(col, col, width)
    for r, record in enumerate(frame.itertuples(index=False), start=row + 1):
        if widths:
            ws.set_row(r, row_height([(str(v), w) for v, w in zip(record, widths, strict=False)]))
        for col, value in enumerate(record):
            if isinstance(value, bool) or not isinstance(value, int | float):
                write_text(ws, r, col, value, f.wrap)
            else:
                name = str(frame.columns[col])
                fmt = f.share if name == "share" else f.money if name in MONEY_COLUMNS else f.plain
                ws.write_number(r, col, float(value), fmt)
    return row + len(frame) + 2


def workbook_bytes(case: BusinessCase, *, cached_values: bool = True) -> bytes:
    """The workbook as bytes.

    ``cached_values`` stores the engine's numbers as each formula's last result, so viewers that
    do not recalculate still show the right figures; False leaves them 0 (to prove a recalculation).
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": "Security Copilot business case", "comments": "Generated by copilot-roi"})
    book.set_calc_mode("auto")
    f = formats(book)
    summary = book.add_worksheet("Summary")
    charts = book.add_worksheet(CHARTS)
    cells = _assumptions(book.add_worksheet(ASSUMPTIONS), case, f)
    _role_sheets(book, case, cells, f, cached_values)
    # Local import: the finance sheets reuse this module's writers and formats.

    if case.result.agent_lines:
        _agents(book.add_worksheet(AGENTS), case, cells, f, cached_values)
    cash = book.add_worksheet(CASH)
    _kept(book.add_worksheet(KEPT), case, f)
    lines = write_lines(book, case, f, cached_values)
    _cash_flow(cash, case, cells, f, cached_values, lines)
    finance_cells = write_discounting(book, case, cells, lines, f, cached_values)
    notes_row = _summary(summary, case, f, cached_values)
    _finance_summary(summary, case, finance_cells, f, cached_values, notes_row)
    _charts(book, charts, case, f)
    _sensitivity(book.add_worksheet("Sensitivity"), case, f)
    if case.comparison is not None:
        _comparison(book.add_worksheet(COMPARISON), case.comparison, f)
    _evidence(book.add_worksheet("Evidence"), case, f)
    if case.usage is not None:
        _usage(book.add_worksheet("Usage"), case, f)
        _chargeback(book.add_worksheet("Chargeback"), case, f)
    _sources(book.add_worksheet("Sources"), case, f)
    _print_setup(book, case)
    book.close()
    return buffer.getvalue()


# Printing: the header row each sheet repeats on every printed page (sheets not named have none).
PRINT_TITLE_ROWS = {
    ASSUMPTIONS: FIRST_INPUT_ROW - 1,
    HOURS: 2,
    VALUE: 2,
    CASH: CASH_HEADER_ROW,
    DISCOUNTING: DISCOUNT_HEADER_ROW,
    ANNUAL: ANNUAL_HEADER_ROW,
    "Sensitivity": 9,
    "Evidence": 3,
    COMPARISON: COMPARISON_HEADER_ROW,
}
PORTRAIT_MAX_CHARS = 95  # wider than this prints landscape (A4 portrait holds about 95 at 100 %)
FOOTER_MAX_CHARS = 150  # one line beside the page number (Excel refuses over 255, codes included)


def footer_text(case: BusinessCase) -> str:
    """The printed footer: the case (customer, plan, price book, data) and the date, cut to what
    Excel accepts, left; the sheet and page, right.

    >>> from copilot_roi.business.case import build_case
    >>> from copilot_roi.value.scenario import scenario_template
    >>> footer = footer_text(build_case(scenario_template("expected"), customer_name="A&B", draws=50))
    >>> "A&&B" in footer and "Plan: 1 SCU 24x7" in footer and footer.endswith("&A, page &P")
    True
    """
    parts = case_summary(case)
    customer = parts.pop("Customer")
    customer = customer if len(customer) <= 50 else customer[:49] + "…"
    # The data part last: when the line is cut, the plan and the price book survive.
    order = ("Plan", "Price book", "Data")
    text = " · ".join([f"Customer: {customer}", *(f"{k}: {parts[k]}" for k in order)])
    date = f" · prepared {case.prepared_on:%d %b %Y}"
    room = FOOTER_MAX_CHARS - len(date)
    text = (text if len(text) <= room else text[: room - 1] + "…") + date
    # & starts a code in a header or footer; a font size code must not run into a digit.
    text = strip_control(text).replace("&", "&&")
    return f"&L&9 {text}&R&9 &A, page &P"


def _print_setup(book: Workbook, case: BusinessCase) -> None:
    """Printable as delivered: A4, every column on one page width (never fitted to one page tall,
    which shrinks a long sheet to nothing), landscape only where the columns need it, the header
    row on every page, the print area the table itself (a long note never widens it) and a footer
    naming the case and the date. The Summary and the Charts print on one page each."""
    footer = footer_text(case)
    for ws in book.worksheets():
        name = ws.get_name()
        last_row, last_col = ws.dim_rowmax or 0, ws.dim_colmax or 0
        if name == CHARTS:
            last_row, last_col = CHART_ROWS, CHART_COLS  # charts are not cells: their area, set here
        ws.set_paper(9)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        if columns_width(ws, last_col) > PORTRAIT_MAX_CHARS:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.print_area(0, 0, last_row, last_col)
        ws.fit_to_pages(1, 1 if name in ("Summary", CHARTS) else 0)
        if name in PRINT_TITLE_ROWS:
            ws.repeat_rows(PRINT_TITLE_ROWS[name])
        ws.set_footer(footer)


def _assumptions(ws: Worksheet, case: BusinessCase, f: Formats) -> dict[str, str]:
    """Write every input; return key -> absolute cell reference of its value."""
    for col, width in enumerate(ASSUMPTION_WIDTHS):
        ws.set_column(col, col, width)
    last = len(ASSUMPTION_WIDTHS) - 1
    write_title(ws, "Assumptions: every input of the case (edit the blue cells)", f, last)
    write_note(
        ws, 1,
        "Shares are fractions (22 % = 0.22). Hours by role, value, totals, NPV and payback recalculate "
        "from these cells. Capacity cost per month is computed by the engine's billing (Cash flow, "
        "column B) and does not follow headcount or SCU edits here.",
        f.wrap, last,
    )  # fmt: skip
    for col, header in enumerate(("Key", "Section", "Input", "Value", "Unit", "Basis", "Source")):
        write_text(ws, FIRST_INPUT_ROW - 1, col, header, f.header)
    cells: dict[str, str] = {}
    row = FIRST_INPUT_ROW
    for a in case.assumptions:
        write_text(ws, row, 0, a.key, f.wrap)
        write_text(ws, row, 1, a.section, f.wrap)
        fmt = f.share_input if a.unit.startswith("share") else f.number_input
        if a.unit == case.prices.currency or "per hour" in a.unit or "per SCU" in a.unit:
            fmt = f.money_input
        ws.write_number(row, 3, a.value, fmt)
        write_text(ws, row, 4, a.unit, f.wrap)
        write_text(ws, row, 5, a.basis, f.text)
        write_text(ws, row, 6, a.source, f.wrap)
        write_text(ws, row, 2, a.label, f.wrap)
        widths = ASSUMPTION_WIDTHS
        texts = [(a.key, widths[0]), (a.section, widths[1]), (a.label, widths[2]), (a.unit, widths[4])]
        ws.set_row(row, row_height([*texts, (a.source, SOURCE_WIDTH)]))
        cells[a.key] = ref(ASSUMPTIONS, row, 3)
        row += 1
    write_text(ws, row, 0, "weeks_per_month", f.text)
    write_text(ws, row, 1, "Constants", f.text)
    write_text(ws, row, 2, "Weeks per month", f.text)
    ws.write_formula(row, 3, "=52/12", f.factor, 52 / 12)
    write_text(ws, row, 4, "weeks", f.text)
    write_text(ws, row, 5, "convention", f.text)
    write_text(ws, row, 6, "52 weeks over 12 months, as in the engine", f.text)
    cells["weeks_per_month"] = ref(ASSUMPTIONS, row, 3)
    row += 1
    write_text(ws, row, 0, "capacity_cost_multiplier", f.text)
    write_text(ws, row, 1, "Prices", f.text)
    write_text(ws, row, 2, "Capacity cost multiplier", f.text)
    ws.write_number(row, 3, 1.0, f.number_input)
    write_text(ws, row, 4, "x engine's capacity cost", f.text)
    write_text(ws, row, 5, "assumption", f.text)
    multiplier_source = (
        "Scales the engine's billed capacity cost per month (Cash flow, column B): 0.9 models a further "
        "10 % price cut. 1 = the prices above."
    )
    write_text(ws, row, 6, multiplier_source, f.wrap)
    ws.set_row(row, row_height([(multiplier_source, SOURCE_WIDTH)]))
    cells["capacity_cost_multiplier"] = ref(ASSUMPTIONS, row, 3)
    ws.freeze_panes(FIRST_INPUT_ROW, 0)
    return cells


def _adoption_formula(cells: dict[str, str], role: str, month_cell: str) -> str:
    start = cells[f"{role}.adoption_starting_share"]
    full = cells[f"{role}.adoption_months_to_full"]
    # The engine's linear ramp (finance.adoption_curve): start in month 1, 1 from month `full`.
    return f"IF({full}<=1,1,MIN(1,{start}+(1-{start})*MIN(1,({month_cell}-1)/({full}-1))))"


def _role_sheets(book: Workbook, case: BusinessCase, cells: dict[str, str], f: Formats, cached: bool) -> None:
    roles = case.scenario.role_ids()
    result = case.result
    for sheet, title in (
        (
            HOURS,
            "Hours freed per month by role (headcount x hours/week x 52/12 x time saved x adoption "
            f"x the share kept, sheet '{KEPT}')",
        ),
        (VALUE, "Realised value per month by role (hours freed x loaded cost per hour x realisation rate)"),
    ):
        ws = book.add_worksheet(sheet)
        ws.set_column(0, 0, 8)
        ws.set_column(1, len(roles), 16)
        write_title(ws, title, f, len(roles))
        ws.set_row(2, 32)
        write_text(ws, 2, 0, "Month", f.header)
        for col, r in enumerate(roles, start=1):
            write_text(ws, 2, col, case.role_label(r), f.header)
        for m in range(result.horizon_months):
            row = 3 + m
            ws.write_number(row, 0, m + 1, f.integer)
            month_cell = f"$A{row + 1}"
            for col, r in enumerate(roles, start=1):
                if sheet == HOURS:
                    formula = (
                        f"={cells[f'{r}.headcount']}*{cells[f'{r}.hours_per_week_on_assisted_tasks']}"
                        f"*{cells['weeks_per_month']}*{cells[f'{r}.time_saved_share']}"
                        f"*{_adoption_formula(cells, r, month_cell)}*{_kept_cell(m, col - 1)}"
                    )
                    cached_value = result.hours_freed_by_role[r][m]
                    fmt = f.hours
                else:
                    hours_cell = f"{quoted(HOURS)}!{xl_rowcol_to_cell(row, col)}"
                    formula = (
                        f"={hours_cell}*{cells[f'{r}.loaded_cost_per_hour']}*{cells['realisation_rate']}"
                    )
                    cached_value = result.value_by_role[r][m]
                    fmt = f.money
                ws.write_formula(row, col, formula, fmt, cached_value if cached else 0)
        ws.freeze_panes(3, 1)


def kept_shares(case: BusinessCase) -> tuple[list[str], np.ndarray]:
    """Per month, the share of each role's and each agent line's hours the ledger keeps: its own
    served share (throttling charged to the demand it refuses, hour by hour) times its role's cap
    scale, as the engine computed them; (column labels, (months, roles + lines) array).

    A share is hours freed / hours if all were served and uncapped (1 where that is 0, so the
    formula's 0 stands); a line that takes over nobody's work keeps 0.
    """
    scenario, result = case.scenario, case.result
    uncapped = hours_if_all_served(scenario, role_adoption(scenario))
    columns: list[np.ndarray] = []
    for r in scenario.role_ids():
        kept, full = np.asarray(result.hours_freed_by_role[r]), uncapped[r]
        columns.append(np.divide(kept, full, out=np.ones_like(full), where=full > 0))
    full_lines = hours_if_all_served_by_line(scenario)
    for i, line in enumerate(result.agent_lines):
        kept, full = np.asarray(line.hours_freed), full_lines[i]
        columns.append(np.divide(kept, full, out=np.ones_like(full), where=full > 0))
    labels = [case.role_label(r) for r in scenario.role_ids()] + [line.agent for line in result.agent_lines]
    shares = np.column_stack(columns) if columns else np.zeros((result.horizon_months, 0))
    return labels, shares


def _kept(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    """The shares of hours kept, by month, role and agent line: engine inputs like the served share."""
    labels, shares = kept_shares(case)
    ws.set_column(0, 0, 8)
    ws.set_column(1, max(len(labels), 1), 16)
    write_title(
        ws, "Share of hours kept: served (own demand, hour by hour) x working-hours cap", f, len(labels)
    )
    write_note(
        ws, 1,
        "From the engine's ledger: each role's and agent line's served share of its own demand "
        "(throttling falls on the demand present in each refused hour) times its role's cap scale "
        "(hours freed never exceed what the role's people work). Inputs: they do not follow edits.",
        f.wrap, len(labels),
    )  # fmt: skip
    ws.set_row(KEPT_HEADER_ROW, 45)
    write_text(ws, KEPT_HEADER_ROW, 0, "Month", f.header)
    for col, label in enumerate(labels, start=1):
        write_text(ws, KEPT_HEADER_ROW, col, label, f.header)
    for m in range(case.result.horizon_months):
        row = KEPT_HEADER_ROW + 1 + m
        ws.write_number(row, 0, m + 1, f.integer)
        for col in range(len(labels)):
            ws.write_number(row, col + 1, float(shares[m, col]), f.share_input)
    ws.freeze_panes(KEPT_HEADER_ROW + 1, 1)


def _kept_cell(month_index: int, column: int) -> str:
    """The Share-of-hours-kept cell for month ``month_index`` (0-based) and column ``column``
    (roles in order, then agent lines)."""
    return ref(KEPT, KEPT_HEADER_ROW + 1 + month_index, 1 + column)


def _served_cell(month_index: int) -> str:
    """The Cash flow cell holding month ``month_index`` (0-based)'s served share."""
    return ref(CASH, CASH_HEADER_ROW + 1 + month_index, SERVED_COLUMN)


def _cash_flow(
    ws: Worksheet, case: BusinessCase, cells: dict[str, str], f: Formats, cached: bool, lines: LineCells
) -> None:
    result = case.result
    h = result.horizon_months
    first = CASH_HEADER_ROW + 1  # zero-based first month row
    last = first + h - 1
    n_roles = len(case.scenario.role_ids())
    last_role_col = xl_col_to_name(n_roles)
    # Whole units, columns of 12: fourteen columns print on an A4 width at about two thirds size.
    ws.set_column(0, 0, 15)
    ws.set_column(1, len(CASH_COLUMNS) - 1, 12)
    c = case.prices.currency
    last_col = len(CASH_COLUMNS) - 1
    write_title(ws, f"Cash flow by month ({c}; flows at the end of each month)", f, last_col)

    def col_range(col: int) -> str:
        name = xl_col_to_name(col)
        return f"${name}${first + 1}:${name}${last + 1}"

    totals = {
        "total_cost": (f"=SUM({col_range(3)})", result.total_cost, f.bold_whole, f"Total cost ({c})"),
        "total_hours_freed": (f"=SUM({col_range(4)})", result.total_hours_freed, f.hours, "Hours freed"),
        "total_value": (f"=SUM({col_range(5)})", result.total_value, f.bold_whole, f"Realised value ({c})"),
        "net_benefit": (f"=B{RESULT_ROWS['total_value'] + 1}+SUM({lines.benefits_range(h)})"
                        f"-B{RESULT_ROWS['total_cost'] + 1}",
                        result.net_benefit, f.bold_whole, f"Net benefit ({c})"),
        "roi": (f"=IF(B{RESULT_ROWS['total_cost'] + 1}>0,B{RESULT_ROWS['net_benefit'] + 1}"
                f"/B{RESULT_ROWS['total_cost'] + 1},\"n/a\")",
                result.roi if result.roi is not None else "n/a", f.share, "ROI (net benefit / cost)"),
        "npv": (f"={finance_ref('npv')}", result.npv, f.bold_whole, f"NPV ({c}, {result.convention})"),
        # Payback: the month after the last one below zero; none when the last month ends below.
        "payback_month": (f"=IF(H{last + 1}<-0.000000001,\"none\",MAX({col_range(12)})+1)",
                          result.payback_month if result.payback_month is not None else "none",
                          f.integer, "Payback month (cumulative net >= 0 from then on)"),
        "value_at_full_realisation": (f"=SUMPRODUCT({col_range(5)})/{cells['realisation_rate']}",
                                      result.value_at_full_realisation, f.whole,
                                      f"Value if every freed hour counted ({c})"),
    }  # fmt: skip
    if case.scenario.realisation_rate == 0:
        del totals["value_at_full_realisation"]
    for key, (formula, value, fmt, label) in totals.items():
        row = RESULT_ROWS[key]
        write_text(ws, row, 0, label, f.wrap)
        ws.write_formula(row, 1, formula, fmt, value if cached else 0)
        ws.set_row(row, row_height([(label, 15)]))
    npv_note = (
        f"From the Discounting sheet ({result.convention} convention, risk-adjusted there); column L "
        "discounts this sheet's net at (1 + annual rate) ^ (month / 12), unadjusted"
    )
    ws.merge_range(RESULT_ROWS["npv"], 2, RESULT_ROWS["npv"], last_col, None)
    write_text(ws, RESULT_ROWS["npv"], 2, npv_note, f.wrap)
    write_note(
        ws, CASH_HEADER_ROW - 1,
        "Columns B (billed capacity cost) and N (served share of demanded SCUs: throttled work frees "
        "no time) come from the engine's billing: inputs that do not follow edits to headcount or SCUs "
        "(scale cost with the capacity cost multiplier); every other column is a formula. Paid back "
        "(month): the month, once the cumulative net is at least zero; blank before.",
        f.wrap, last_col,
    )  # fmt: skip
    ws.set_row(CASH_HEADER_ROW, 45)
    for col, header in enumerate(CASH_COLUMNS):
        write_text(ws, CASH_HEADER_ROW, col, header, f.header)
    one_off = f"({cells['enablement']}+{cells['training']}+{lines.one_off_total})"
    rate = cells["discount_rate_annual"]
    for m, flow in enumerate(result.monthly):
        row = first + m
        r1 = row + 1  # one-based
        ws.write_number(row, 0, flow.month, f.integer)
        ws.write_number(row, 1, flow.capacity_cost, f.whole_input)
        ws.write_number(row, SERVED_COLUMN, flow.served_share, f.share_input)
        prev_cum = "0" if m == 0 else f"H{r1 - 1}"
        prev_cost = "0" if m == 0 else f"I{r1 - 1}"
        prev_value = "0" if m == 0 else f"J{r1 - 1}"
        hours_row = 3 + m + 1
        cum_cost = sum(x.cost for x in result.monthly[: m + 1])
        cum_value = sum(x.value for x in result.monthly[: m + 1])
        discount = (1 + case.scenario.discount_rate_annual) ** (-flow.month / 12)
        agent_hours, agent_value = _agent_term(case, m, "hours"), _agent_term(case, m, "value")
        formulas: list[tuple[int, str, float | str, Any]] = [
            (2, f"=IF(A{r1}=1,{one_off},0)", flow.one_off_cost, f.whole),
            (3, f"=B{r1}*{cells['capacity_cost_multiplier']}+C{r1}+{lines.costs(m)}", flow.cost, f.whole),
            (4, f"=SUM({quoted(HOURS)}!B{hours_row}:{last_role_col}{hours_row}){agent_hours}",
             flow.hours_freed, f.hours),
            (5, f"=SUM({quoted(VALUE)}!B{hours_row}:{last_role_col}{hours_row}){agent_value}",
             flow.value, f.whole),
            (6, f"=F{r1}+{lines.benefits(m)}-D{r1}", flow.net, f.whole),
            (7, f"={prev_cum}+G{r1}", flow.cumulative_net, f.whole),
            (8, f"={prev_cost}+D{r1}", cum_cost, f.whole),
            (9, f"={prev_value}+F{r1}", cum_value, f.whole),
            (10, f"=1/(1+{rate})^(A{r1}/12)", discount, f.factor),
            (11, f"=G{r1}*K{r1}", flow.net * discount, f.whole),
            # The month while the cumulative net is below zero, else blank (not a stand-in number).
            (12, f"=IF(H{r1}<-0.000000001,A{r1},\"\")",
             flow.month if flow.cumulative_net < -1e-9 else "", f.integer),
        ]  # fmt: skip
        for col, formula, value, fmt in formulas:
            # Text results ("" before payback) are cached as they are: 0 would read as month 0.
            ws.write_formula(row, col, formula, fmt, value if cached or isinstance(value, str) else 0)
    ws.freeze_panes(CASH_HEADER_ROW + 1, 1)


def _line_chart(book: Workbook, case: BusinessCase, title: str, series: list[tuple[int, str]]) -> Any:
    first = CASH_HEADER_ROW + 1
    last = first + case.result.horizon_months - 1
    chart = book.add_chart({"type": "line"})
    for col, colour in series:
        chart.add_series(
            {
                "name": [CASH, CASH_HEADER_ROW, col],
                "categories": [CASH, first, 0, last, 0],
                "values": [CASH, first, col, last, col],
                "line": {"color": colour, "width": 2.25},
            }
        )
    chart.set_title({"name": title, "name_font": {"size": 13}})
    chart.set_x_axis({"name": "Month", "interval_unit": 3})
    chart.set_y_axis(
        {"name": case.prices.currency, "num_format": "#,##0", "major_gridlines": {"visible": True}}
    )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 340})
    return chart


SUMMARY_WIDTHS = (34, 18, 46, 3, 34, 18)  # label, value, note | gap | discounted label, value
SUMMARY_LAST_COL = len(SUMMARY_WIDTHS) - 1
SUMMARY_LEFT_CHARS = sum(SUMMARY_WIDTHS[:3])


def _summary(ws: Worksheet, case: BusinessCase, f: Formats, cached: bool) -> int:
    """The headline block (live formulas), the NPV range and what must be true; returns the next
    free row. Rows 7 to 13 hold the figures in column B (cost in B7)."""
    result = case.result
    c = case.prices.currency
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    who = " for ".join(x for x in (case.partner_name, case.customer_name) if x)
    write_text(ws, 0, 0, "Security Copilot business case", f.title)
    ws.set_row(0, 21)
    write_note(
        ws, 1, f"{who + ', ' if who else ''}prepared {case.prepared_on:%d %B %Y}", f.wrap, SUMMARY_LAST_COL
    )
    write_note(ws, 2, case_line(case), f.wrap, SUMMARY_LAST_COL)
    write_text(ws, 3, 0, "Recommendation", f.header)
    ws.merge_range(3, 1, 3, 2, None)
    write_text(ws, 3, 1, case.verdict, f.verdict)
    ws.merge_range(4, 0, 4, 2, None)
    write_text(ws, 4, 0, case.recommendation, f.wrap)
    ws.set_row(4, row_height([(case.recommendation, SUMMARY_LEFT_CHARS)]))
    if case.throttling_warning:
        ws.merge_range(5, 0, 5, 2, None)
        write_text(ws, 5, 0, case.throttling_warning, f.warning)
        ws.set_row(5, row_height([(case.throttling_warning, SUMMARY_LEFT_CHARS)]))
    row = 6
    for key, label in (
        ("total_cost", f"Cost ({c})"),
        ("total_value", f"Realised value ({c})"),
        ("total_hours_freed", "Analyst hours freed"),
        ("net_benefit", f"Net benefit ({c})"),
        ("npv", f"NPV ({c})"),
        ("roi", "ROI"),
        ("payback_month", "Payback month"),
    ):
        write_text(ws, row, 0, label, f.text)
        fmt = f.share if key == "roi" else f.hours if key == "total_hours_freed" else f.bold_money
        fmt = f.integer if key == "payback_month" else fmt
        value = getattr(result, key)
        value = ("n/a" if key == "roi" else "none") if value is None else value
        ws.write_formula(row, 1, f"={ref(CASH, RESULT_ROWS[key], 1)}", fmt, value if cached else 0)
        row += 1
    write_text(ws, row, 0, "Live formulas over the Assumptions sheet.", f.text)
    row += 1
    rng = case.range
    # Two numbers, not one text cell: a range written as text cannot be summed or charted.
    write_text(ws, row, 0, f"NPV P10 ({c})", f.text)
    ws.write_number(row, 1, rng.p10, f.bold_money)
    write_text(ws, row + 1, 0, f"NPV P90 ({c})", f.text)
    ws.write_number(row + 1, 1, rng.p90, f.bold_money)
    note = (
        f"{share_positive_sentence(rng.share_npv_positive, rng.draws)}; {INDEPENDENCE_CAVEAT}. "
        "Engine values, not recalculated in Excel"
    )
    ws.merge_range(row, 2, row + 1, 2, None)
    write_text(ws, row, 2, note, f.wrap)
    height = row_height([(note, SUMMARY_WIDTHS[2])]) / 2
    ws.set_row(row, max(height, LINE_PT))
    ws.set_row(row + 1, max(height, LINE_PT))
    row += 3
    write_text(ws, row, 0, "What must be true", f.header)
    for line in case.what_must_be_true:
        row += 1
        ws.merge_range(row, 0, row, 2, None)
        write_text(ws, row, 0, line, f.wrap)
        ws.set_row(row, row_height([(line, SUMMARY_LEFT_CHARS)]))
    return row + 2


CHART_ROWS, CHART_COLS = 38, 11  # the two charts one above the other, 720 x 340 pixels each


def _charts(book: Workbook, ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    """Cost against realised value, cumulative and by month: native charts over the Cash flow sheet."""
    write_text(ws, 0, 0, "Cost vs realised value (charts of the Cash flow sheet)", f.title)
    blue, green = palette.COST, palette.VALUE
    cumulative = _line_chart(book, case, "Cumulative cost vs realised value", [(8, blue), (9, green)])
    ws.insert_chart(2, 0, cumulative)
    monthly = _line_chart(book, case, "Monthly cost vs realised value", [(3, blue), (5, green)])
    ws.insert_chart(20, 0, monthly)


def finance_ref(key: str) -> str:
    """The Discounting sheet's headline cell for ``key`` (npv, pv_benefits, pv_costs, roi_pv)."""
    return ref(DISCOUNTING, HEADLINE_ROWS[key], 1)


def _finance_summary(
    ws: Worksheet, case: BusinessCase, refs: dict[str, str], f: Formats, cached: bool, notes_row: int
) -> None:
    """Discounted figures right of the headline; the convention, the other lines and the FTE view
    below everything, across the page."""
    result, c = case.result, case.prices.currency
    tag = f"({result.convention})"
    write_text(ws, 3, 4, f"Discounted figures {tag}", f.header)
    rows: list[tuple[str, str, Any, Any]] = [
        (f"PV of benefits ({c})", refs["pv_benefits"], result.pv_benefits, f.bold_money),
        (f"PV of costs ({c})", refs["pv_costs"], result.pv_costs, f.bold_money),
        (f"NPV ({c})", refs["npv"], result.npv, f.bold_money),
        (
            "ROI on PV (NPV / PV of costs)",
            refs["roi_pv"],
            "n/a" if result.roi_pv is None else result.roi_pv,
            f.share,
        ),
    ]
    for i, (label, target, value, fmt) in enumerate(rows, start=4):
        write_text(ws, i, 4, label, f.text)
        ws.write_formula(i, 5, f"={target}", fmt, value if cached else 0)
    write_text(ws, 8, 4, "Discounted payback", f.text)
    write_text(ws, 8, 5, payback_years_text(result.discounted_payback_years), f.text)
    notes = [convention_sentence(result)]
    if result.total_other_benefits or result.total_other_costs:
        notes.append(
            f"Includes other benefit lines ({c} {result.total_other_benefits:,.0f} over the horizon) and "
            f"other cost lines ({c} {result.total_other_costs:,.0f}); see the Other lines sheet."
        )
    if result.fte is not None:
        notes.append(result.fte.sentence(c))
    notes += case.ledger_notes
    for i, note in enumerate(notes, start=notes_row):
        write_note(ws, i, note, f.wrap, SUMMARY_LAST_COL)


def _sensitivity(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    c = case.prices.currency
    ws.set_column(0, 0, 46)
    ws.set_column(1, 4, 16)
    write_title(ws, f"Sensitivity of NPV ({c}): engine values, not recalculated", f, 4)
    rng = case.range
    for i, (label, value) in enumerate(
        (("P10", rng.p10), ("P50", rng.p50), ("P90", rng.p90), ("Base NPV", case.result.npv))
    ):
        write_text(ws, 2 + i, 0, label, f.text)
        ws.write_number(2 + i, 1, value, f.money)
    write_text(ws, 6, 0, f"Share of the {rng.draws:,} simulated scenarios with NPV > 0", f.wrap)
    ws.set_row(6, row_height([(f"Share of the {rng.draws:,} simulated scenarios with NPV > 0", 46)]))
    ws.write_number(6, 1, rng.share_npv_positive, f.share)
    write_note(ws, 7, f"P10 to P90: {INDEPENDENCE_CAVEAT} when inputs move together", f.wrap, 4)
    frame = pd.DataFrame(
        [(b.label, b.low_input, b.high_input, b.npv_at_low, b.npv_at_high) for b in case.tornado],
        columns=["input", "low", "high", "npv_at_low", "npv_at_high"],
    )
    write_frame(
        ws, 9, frame, ["Input", "Low", "High", "NPV at low", "NPV at high"], f, widths=[46, 16, 16, 16, 16]
    )


def _evidence(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    title = f"Evidence behind time saved: every study run or funded by {evidence_authors(case)}"
    widths: list[float] = [13, 9, 20, 10, 12, 7, 11, 12, 28, 24, 16]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    write_title(ws, title, f, len(widths) - 1)
    write_note(
        ws, 1,
        "Use: cited (low end) = that end of time saved derives from it (task-time studies only); "
        "context = shown, not used (elapsed time: incidents resolved faster, not labour saved); "
        "assumption = no task-time study.",
        f.wrap, len(widths) - 1,
    )  # fmt: skip
    frame = pd.DataFrame([vars(e) for e in case.evidence])
    headers = [
        "Role", "Use", "Study", "Run by", "Measures", "Setting", "Significance", "Sample", "Result",
        "Caveat", "Reference",
    ]  # fmt: skip
    write_frame(ws, 3, frame, headers, f, widths=widths)


def _usage(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    u = case.usage
    assert u is not None
    ws.set_column(0, 0, 40)
    ws.set_column(1, 3, 14)
    write_title(ws, "Usage from the customer's exports", f, 3)
    facts = [
        ("Files", ", ".join(u.file_names)),
        ("Period", f"{u.first:%d %b %Y} to {u.last:%d %b %Y} ({u.timezone})"),
        ("Rows used", f"{u.rows:,}"),
        ("Users and agents", f"{u.users:,}"),
        ("SCUs consumed", f"{u.total_units_scu:,.1f}"),
        ("User names", "pseudonymised" if u.pseudonymised else "as in the export"),
    ]
    for i, (label, value) in enumerate(facts, start=2):
        write_text(ws, i, 0, label, f.text)
        ws.merge_range(i, 1, i, 3, None)
        write_text(ws, i, 1, value, f.wrap)
        ws.set_row(i, row_height([(value, 42)]))
    row = write_frame(ws, 9, u.by_user, ["User", "SCUs", "Rows", "Share"], f)
    write_frame(ws, row, u.by_plugin, ["Plugin", "SCUs", "Rows", "Share"], f)


def _chargeback(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    u = case.usage
    assert u is not None
    c = case.prices.currency
    ws.set_column(0, 3, 22)
    ws.set_column(4, 6, 14)
    write_title(ws, "Chargeback: the observed period's bill split pro rata by SCUs", f, 6)
    write_note(
        ws, 1,
        f"Blended cost {u.cost_per_scu:,.4f} {c} per SCU under the scenario's plan "
        f"({case.result.plan_description}).",
        f.wrap, 6,
    )  # fmt: skip
    row = write_frame(ws, 3, u.chargeback_by_role, ["Role", "SCUs", "Sessions", "Share", f"Cost ({c})"], f)
    write_frame(
        ws, row, u.chargeback_by_user,
        ["User", "Role", "Team", "SCUs", "Sessions", "Share", f"Cost ({c})"], f,
    )  # fmt: skip


def _sources(ws: Worksheet, case: BusinessCase, f: Formats) -> None:
    ws.set_column(0, 0, 40)
    ws.set_column(1, 3, 16)
    ws.set_column(4, 4, 50)
    write_title(ws, "Data sources and price book", f, 4)
    row = 2
    for line in case.data_sources:
        write_note(ws, row, line, f.wrap, 4)
        row += 1
    row += 1
    write_note(ws, row, case.price_book_label(), f.wrap, 4)
    row += 1
    for col, header in enumerate(("Entry", "Value", "Effective", "Confidence", "Source")):
        write_text(ws, row, col, header, f.header)
    for name, cited in case.price_book.citations():
        row += 1
        write_text(ws, row, 0, name, f.wrap)
        if isinstance(cited.value, str):
            write_text(ws, row, 1, cited.value, f.text)
        else:
            ws.write_number(row, 1, cited.value, f.text)
        write_text(ws, row, 2, cited.effective_date.isoformat(), f.text)
        write_text(ws, row, 3, cited.confidence, f.text)
        write_text(ws, row, 4, cited.source, f.wrap)
        ws.set_row(row, row_height([(cited.source, 50), (name, 40)]))


def _agent_month_header_row(case: BusinessCase) -> int:
    return AGENT_INPUT_HEADER_ROW + len(case.result.agent_lines) + 3


def _agent_term(case: BusinessCase, month_index: int, kind: str) -> str:
    """``+'Agents'!<total cell>`` for month ``month_index``'s agent hours or value ("" without lines)."""
    n = len(case.result.agent_lines)
    if not n:
        return ""
    row = _agent_month_header_row(case) + 1 + month_index
    col = 1 + n if kind == "hours" else 2 + n
    return f"+{ref(AGENTS, row, col)}"


def _agents(ws: Worksheet, case: BusinessCase, cells: dict[str, str], f: Formats, cached: bool) -> None:
    """Agent lines: their inputs (blue, editable) and per-month hours and value as live formulas.

    Hours(m) = runs x minutes / 60 x the line's share kept that month (sheet KEPT); value = hours x
    loaded cost x realisation rate. Cost per run is the engine's (marginal billing has no compact
    formula); cost by hand = minutes / 60 x loaded cost.
    """
    lines = case.result.agent_lines
    h = case.result.horizon_months
    c = case.prices.currency
    ws.set_column(0, 0, 34)
    ws.set_column(1, len(AGENT_INPUT_COLUMNS) - 2, 13)
    ws.set_column(len(AGENT_INPUT_COLUMNS) - 1, len(AGENT_INPUT_COLUMNS) - 1, 36)
    sheet_last_col = max(len(AGENT_INPUT_COLUMNS) - 1, 2 + len(lines))
    write_title(
        ws, f"Agent lines ({c}): blue cells are inputs; hours and value follow them", f, sheet_last_col
    )
    ws.set_row(AGENT_INPUT_HEADER_ROW, 32)
    for col, header in enumerate(AGENT_INPUT_COLUMNS):
        write_text(ws, AGENT_INPUT_HEADER_ROW, col, header, f.header)
    month_header = _agent_month_header_row(case)
    first_month, last_month = month_header + 2, month_header + 1 + h  # one-based rows

    def cell(row: int, name: str) -> str:
        return str(xl_rowcol_to_cell(row, AGENT_COL[name], row_abs=True, col_abs=True))

    for i, line in enumerate(lines):
        row = AGENT_INPUT_HEADER_ROW + 1 + i
        write_text(ws, row, AGENT_COL["Agent"], line.agent, f.wrap)
        ws.set_row(row, row_height([(line.agent, 34), (line.source, 36)]))
        ws.write_number(row, AGENT_COL["Runs a month"], line.runs_per_month, f.number_input)
        ws.write_number(row, AGENT_COL["SCUs per run"], line.scu_per_run, f.number_input)
        minutes_col = AGENT_COL["Analyst minutes avoided per run"]
        ws.write_number(row, minutes_col, line.analyst_minutes_avoided_per_run, f.number_input)
        ws.write_number(row, AGENT_COL["Loaded cost per hour"], line.loaded_cost_per_hour, f.money_input)
        if line.cost_per_run is None:
            write_text(ws, row, AGENT_COL["Cost per run (capacity, engine)"], "n/a", f.text)
        else:
            ws.write_number(row, AGENT_COL["Cost per run (capacity, engine)"], line.cost_per_run, f.money)
        minutes, cost = cell(row, "Analyst minutes avoided per run"), cell(row, "Loaded cost per hour")
        ws.write_formula(row, AGENT_COL["Cost per alert by hand"], f"={minutes}/60*{cost}", f.money,
                         line.manual_cost_per_run if cached else 0)  # fmt: skip
        hours_col = xl_col_to_name(1 + i)
        ws.write_formula(row, AGENT_COL["Hours freed (horizon)"],
                         f"=SUM({hours_col}{first_month}:{hours_col}{last_month})", f.hours,
                         line.total_hours_freed if cached else 0)  # fmt: skip
        write_text(ws, row, AGENT_COL["Source"], line.source, f.wrap)

    write_text(ws, month_header, 0, "Month", f.header)
    for i, line in enumerate(lines):
        write_text(ws, month_header, 1 + i, f"Hours freed: {line.agent}", f.header)
    write_text(ws, month_header, 1 + len(lines), "Agent hours freed", f.header)
    write_text(ws, month_header, 2 + len(lines), f"Agent realised value ({c})", f.header)
    ws.set_row(month_header, 32)
    for m in range(h):
        row = month_header + 1 + m
        ws.write_number(row, 0, m + 1, f.integer)
        value_terms = []
        for i, line in enumerate(lines):
            inputs = AGENT_INPUT_HEADER_ROW + 1 + i
            formula = (
                f"={cell(inputs, 'Runs a month')}*{cell(inputs, 'Analyst minutes avoided per run')}/60"
                f"*{_kept_cell(m, len(case.scenario.role_ids()) + i)}"
            )
            ws.write_formula(row, 1 + i, formula, f.hours, line.hours_freed[m] if cached else 0)
            value_terms.append(f"{xl_rowcol_to_cell(row, 1 + i)}*{cell(inputs, 'Loaded cost per hour')}")
        first_col, last_col = xl_col_to_name(1), xl_col_to_name(len(lines))
        ws.write_formula(row, 1 + len(lines), f"=SUM({first_col}{row + 1}:{last_col}{row + 1})", f.hours,
                         sum(line.hours_freed[m] for line in lines) if cached else 0)  # fmt: skip
        value_formula = f"=({'+'.join(value_terms)})*{cells['realisation_rate']}"
        ws.write_formula(row, 2 + len(lines), value_formula, f.money,
                         sum(line.value[m] for line in lines) if cached else 0)  # fmt: skip
    write_note(ws, last_month + 1, "Cost per run: the plan's extra capacity cost for the line over the "
               "horizon, per run (engine billing). Hours and value join the Cash flow's columns E and F.",
               f.wrap, sheet_last_col)  # fmt: skip
    ws.freeze_panes(AGENT_INPUT_HEADER_ROW + 1, 1)


def comparison_column(heading: str) -> int:
    """Zero-based column of ``heading`` on the comparison sheet (the map, never a letter)."""
    return [h for h, _, _ in COMPARISON_COLUMNS].index(heading)


def _comparison(ws: Worksheet, comparison: Comparison, f: Formats) -> None:
    """Scenarios side by side: engine values (they do not recalculate), then cumulative net by month."""
    c = comparison.currency
    formats = {"money": f.money, "hours": f.hours, "share": f.share, "integer": f.integer}
    for col, (heading, _, kind) in enumerate(COMPARISON_COLUMNS):
        unit = f" ({c})" if kind == "money" else ""
        write_text(ws, COMPARISON_HEADER_ROW, col, heading + unit, f.header)
        ws.set_column(col, col, 30 if kind == "text" else 14)
    ws.set_row(COMPARISON_HEADER_ROW, 32)
    last_col = len(COMPARISON_COLUMNS) - 1
    write_title(ws, f"Scenarios compared ({c}): engine values, not recalculated", f, last_col)
    write_note(
        ws, 1,
        f"Every scenario is priced like the case; NPV P10 to P90 from {comparison.draws:,} simulated "
        "scenarios each, "
        f"{INDEPENDENCE_CAVEAT} when inputs move together.",
        f.wrap, last_col,
    )  # fmt: skip
    for i, row in enumerate(comparison.rows, start=COMPARISON_HEADER_ROW + 1):
        for col, (_, field, kind) in enumerate(COMPARISON_COLUMNS):
            value = getattr(row, field)
            if kind == "text":
                write_text(ws, i, col, value, f.wrap)
            elif value is None:
                write_text(ws, i, col, "none" if field == "payback_month" else "n/a", f.text)
            else:
                ws.write_number(i, col, float(value), formats[kind])
    top = COMPARISON_HEADER_ROW + len(comparison.rows) + 2
    write_text(ws, top, 0, f"Cumulative net by month ({c})", f.header)
    write_text(ws, top + 1, 0, "Month", f.header)
    for j, row in enumerate(comparison.rows, start=1):
        write_text(ws, top + 1, j, row.name, f.header)
        for m, value in enumerate(row.cumulative_net, start=1):
            ws.write_number(top + 1 + m, 0, m, f.integer)
            ws.write_number(top + 1 + m, j, value, f.money)
