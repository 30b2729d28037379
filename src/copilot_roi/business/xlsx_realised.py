"""The workbook's ``Realised to date`` sheet: each measured month beside the case's forecast for it.

Layout (fixed cells, so formulas and tests can rely on them): the title, the sentence that says
where the case runs ahead or behind and why, a note on what recalculates, then from
``REALISED_HEADER_ROW`` one row per measured month and a totals row.

* Month, case month, covered share, people active and assumed, actual cost, actual hours freed
  and actual value: the engine's figures from the measured usage (``value.realised``); they do not
  recalculate (an hourly bill and distinct people active have no compact spreadsheet form).
* Forecast cost, hours freed and value: the engine's forecast for the same months (the case's own
  month scaled by the covered share, the one-off costs whole in month 1), written as numbers.
* Actual and forecast net (value - cost), their cumulative nets (a running ``SUM``) and the gap
  (actual - forecast cumulative net): live formulas; the totals row sums the columns.

Text goes through ``xlsx_cells.write_text`` (formula-injection safe) like every other cell.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from copilot_roi.business.case import BusinessCase
from copilot_roi.business.xlsx_cells import Formats, write_note, write_text, write_title
from copilot_roi.value.realised import RealisedToDate, month_name

REALISED = "Realised to date"
REALISED_HEADER_ROW = 4  # zero-based; one row per measured month follows, then the totals row
# (heading, kind): the sheet's column map. Kinds: text, integer, share, people, money, hours, formula.
REALISED_COLUMNS = (
    ("Month", "text"),
    ("Case month", "integer"),
    ("Covered share", "share"),
    ("People active", "integer"),
    ("People assumed", "people"),
    ("Actual cost", "money"),
    ("Forecast cost", "money"),
    ("Actual hours freed", "hours"),
    ("Forecast hours freed", "hours"),
    ("Actual value", "money"),
    ("Forecast value", "money"),
    ("Actual net", "money"),
    ("Forecast net", "money"),
    ("Actual cumulative net", "money"),
    ("Forecast cumulative net", "money"),
    ("Cumulative gap (actual - forecast)", "money"),
)
REALISED_COL = {heading: i for i, (heading, _) in enumerate(REALISED_COLUMNS)}
WIDTHS = {"text": 9.0, "integer": 8.0, "share": 9.0, "people": 9.0, "money": 12.0, "hours": 10.0}
SUMMED = (  # columns the totals row sums
    "Actual cost",
    "Forecast cost",
    "Actual hours freed",
    "Forecast hours freed",
    "Actual value",
    "Forecast value",
    "Actual net",
    "Forecast net",
)


def realised_cell(month_index: int, heading: str) -> str:
    """The A1 cell of month ``month_index`` (0-based) in column ``heading`` (the totals row is
    ``month_index == len(months)``)."""
    return f"{xl_col_to_name(REALISED_COL[heading])}{REALISED_HEADER_ROW + 2 + month_index}"


def write_realised(ws: Worksheet, case: BusinessCase, f: Formats, cached: bool) -> None:
    """The sheet (see the module docstring); ``case.realised`` must be set."""
    realised = case.realised
    assert realised is not None
    c = realised.currency
    last_col = len(REALISED_COLUMNS) - 1
    for col, (_, kind) in enumerate(REALISED_COLUMNS):
        ws.set_column(col, col, WIDTHS.get(kind, 12.0))
    write_title(ws, f"Realised to date ({c}): the measured months beside the case's forecast", f, last_col)
    write_note(ws, 1, realised.sentence(), f.wrap, last_col)
    write_note(
        ws, 2,
        "People active, actual cost, hours freed and value are the engine's, from the measured usage "
        "(the bill under the case's plan; hours by the case's assumptions for the people measured); "
        "the forecast is the case's own month, scaled to the hours the usage covers. They do not "
        "recalculate. Net, cumulative net, the gap and the totals are formulas.",
        f.wrap, last_col,
    )  # fmt: skip
    ws.set_row(REALISED_HEADER_ROW, 45)
    for col, (heading, kind) in enumerate(REALISED_COLUMNS):
        unit = f" ({c})" if kind == "money" else ""
        write_text(ws, REALISED_HEADER_ROW, col, heading + unit, f.header)
    formats = {
        "integer": f.integer,
        "share": f.share,
        "people": f.hours,
        "money": f.money,
        "hours": f.hours,
    }
    actual_cum, forecast_cum = realised.actual_cumulative_net, realised.forecast_cumulative_net
    first = REALISED_HEADER_ROW + 2  # one-based row of the first month
    for i, m in enumerate(realised.months):
        row = REALISED_HEADER_ROW + 1 + i
        values: list[Any] = [
            month_name(m.month_label),
            m.case_month,
            m.covered_share,
            sum(m.people_active.values()),
            sum(m.people_forecast.values()),
            m.actual_cost,
            m.forecast_cost,
            m.actual_hours_freed,
            m.forecast_hours_freed,
            m.actual_value,
            m.forecast_value,
        ]
        for col, value in enumerate(values):
            kind = REALISED_COLUMNS[col][1]
            if kind == "text":
                write_text(ws, row, col, value, f.text)
            else:
                ws.write_number(row, col, float(value), formats[kind])

        def cell(heading: str, index: int = i) -> str:
            return realised_cell(index, heading)

        def column(heading: str) -> str:
            return str(xl_col_to_name(REALISED_COL[heading]))

        formulas: list[tuple[str, str, float]] = [
            ("Actual net", f"={cell('Actual value')}-{cell('Actual cost')}", m.actual_net),
            ("Forecast net", f"={cell('Forecast value')}-{cell('Forecast cost')}", m.forecast_net),
            (
                "Actual cumulative net",
                f"=SUM(${column('Actual net')}${first}:{cell('Actual net')})",
                actual_cum[i],
            ),
            (
                "Forecast cumulative net",
                f"=SUM(${column('Forecast net')}${first}:{cell('Forecast net')})",
                forecast_cum[i],
            ),
            (
                "Cumulative gap (actual - forecast)",
                f"={cell('Actual cumulative net')}-{cell('Forecast cumulative net')}",
                actual_cum[i] - forecast_cum[i],
            ),
        ]
        for heading, formula, value in formulas:
            ws.write_formula(row, REALISED_COL[heading], formula, f.money, value if cached else 0)
    _totals(ws, realised, f, cached)
    ws.freeze_panes(REALISED_HEADER_ROW + 1, 1)


def _totals(ws: Worksheet, realised: RealisedToDate, f: Formats, cached: bool) -> None:
    """The totals row: a SUM over the months for each additive column; the gap of the totals."""
    n = len(realised.months)
    row = REALISED_HEADER_ROW + 1 + n
    write_text(ws, row, 0, "Total", f.header)
    totals = realised.totals()
    engine = {
        "Actual cost": totals["actual_cost"],
        "Forecast cost": totals["forecast_cost"],
        "Actual hours freed": totals["actual_hours_freed"],
        "Forecast hours freed": totals["forecast_hours_freed"],
        "Actual value": totals["actual_value"],
        "Forecast value": totals["forecast_value"],
        "Actual net": totals["actual_value"] - totals["actual_cost"],
        "Forecast net": totals["forecast_value"] - totals["forecast_cost"],
    }
    for heading in SUMMED:
        name = xl_col_to_name(REALISED_COL[heading])
        first, last = REALISED_HEADER_ROW + 2, REALISED_HEADER_ROW + 1 + n
        fmt = f.hours if "hours" in heading else f.bold_money
        ws.write_formula(row, REALISED_COL[heading], f"=SUM({name}{first}:{name}{last})", fmt,
                         engine[heading] if cached else 0)  # fmt: skip
    gap = realised_cell(n, "Actual net"), realised_cell(n, "Forecast net")
    ws.write_formula(
        row,
        REALISED_COL["Cumulative gap (actual - forecast)"],
        f"={gap[0]}-{gap[1]}",
        f.bold_money,
        engine["Actual net"] - engine["Forecast net"] if cached else 0,
    )
