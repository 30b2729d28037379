"""The workbook's cells: its shared layout constants, formats and the writers every sheet uses.

Every text cell goes through ``copilot_roi.safe_cells.neutralise_cell`` and is written as a string
cell; rows grow to show wrapped text (viewers do not grow them on their own). ``business.xlsx``
and ``business.xlsx_finance`` both build on this module, so neither imports the other's cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from copilot_roi.business import palette
from copilot_roi.safe_cells import neutralise_cell

CASH = "Cash flow"
CASH_HEADER_ROW = 12  # zero-based header row of the monthly table; months follow
KEPT = "Share of hours kept"
KEPT_HEADER_ROW = 3  # zero-based header row; months follow, roles then agent lines as columns


def quoted(sheet: str) -> str:
    return f"'{sheet}'"


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference like ``'Cash flow'!$B$3`` (zero-based row and column)."""
    return f"{quoted(sheet)}!{xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)}"


@dataclass
class Formats:
    title: Any
    header: Any
    whole: Any  # money in whole units: the wide monthly tables print at a readable size
    bold_whole: Any
    whole_input: Any
    wrap: Any
    text: Any
    money: Any
    money_input: Any
    hours: Any
    share: Any
    share_input: Any
    number_input: Any
    factor: Any
    bold_money: Any
    integer: Any
    plain: Any
    warning: Any
    title_wrap: Any
    verdict: Any


def formats(book: Workbook) -> Formats:
    base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
    inp = {"font_color": palette.INPUT_INK, "bg_color": palette.INPUT_FILL}  # finance: inputs in blue
    return Formats(
        title=book.add_format({**base, "bold": True, "font_size": 16, "font_color": palette.NAVY}),
        header=book.add_format(
            {
                **base,
                "bold": True,
                "bg_color": palette.NAVY,
                "font_color": "#ffffff",
                "text_wrap": True,
                "border": 1,
                "border_color": palette.LINE,
            }
        ),
        wrap=book.add_format({**base, "text_wrap": True}),
        text=book.add_format(base),
        money=book.add_format({**base, "num_format": "#,##0.00"}),
        whole=book.add_format({**base, "num_format": "#,##0"}),
        bold_whole=book.add_format({**base, "bold": True, "num_format": "#,##0"}),
        whole_input=book.add_format({**base, **inp, "num_format": "#,##0"}),
        money_input=book.add_format({**base, **inp, "num_format": "#,##0.00"}),
        hours=book.add_format({**base, "num_format": "#,##0.0"}),
        share=book.add_format({**base, "num_format": "0.0%"}),
        share_input=book.add_format({**base, **inp, "num_format": "0.0%"}),
        number_input=book.add_format({**base, **inp, "num_format": "#,##0.####"}),
        factor=book.add_format({**base, "num_format": "0.000000"}),
        bold_money=book.add_format({**base, "bold": True, "num_format": "#,##0.00"}),
        integer=book.add_format({**base, "num_format": "0"}),
        plain=book.add_format({**base, "num_format": "#,##0.###"}),
        warning=book.add_format({**base, "text_wrap": True, "bold": True, "font_color": "#c50f1f"}),
        title_wrap=book.add_format(
            {**base, "bold": True, "font_size": 16, "font_color": palette.NAVY, "text_wrap": True}
        ),
        verdict=book.add_format(
            {**base, "bold": True, "bg_color": palette.NAVY, "font_color": "#ffffff", "text_wrap": True}
        ),
    )


def write_text(ws: Worksheet, row: int, col: int, value: object, fmt: Any = None) -> None:
    """Write ``value`` as a formula-safe string cell (the only way text reaches a sheet)."""
    ws.write_string(row, col, str(neutralise_cell(str(value))), fmt)


# A column N units wide (a unit is Calibri's digit width) holds about N / WIDE_FONT characters of
# running text: measured in LibreOffice with DejaVu Sans (its stand-in for Calibri) it held about
# 1.15 N; 1.0 keeps a margin for wider text (capitals, digits).
WIDE_FONT = 1.0
LINE_PT = 15.0  # one line of 11 pt text
DEFAULT_COLUMN_PX = 64  # a column whose width was never set (8.43 characters)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a cell ``width`` characters wide (greedy, word by word).

    >>> wrapped_lines("Proceed with a measured pilot", 20), wrapped_lines("", 10)
    (2, 1)
    >>> wrapped_lines("Proceed with a measured pilot", 29)
    1
    """
    room = max(width / WIDE_FONT, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= room:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            lines += math.ceil(len(word) / room) - 1 if len(word) > room else 0
            used = len(word) % room if len(word) > room else len(word)
    return max(lines, 1)


def row_height(texts_and_widths: list[tuple[str, float]], line_pt: float = LINE_PT) -> float:
    """A row height (points) that shows wrapped text whole: viewers do not grow rows on their own."""
    return line_pt * max(wrapped_lines(text, width) for text, width in texts_and_widths)


def columns_width(ws: Worksheet, last_col: int) -> float:
    """Characters across columns 0..``last_col`` as set on ``ws`` (xlsxwriter keeps pixels)."""
    info = ws.col_info
    pixels = sum(info[c].width if c in info else DEFAULT_COLUMN_PX for c in range(last_col + 1))
    return max((pixels - 5 * (last_col + 1)) / 7, 1.0)


def write_note(ws: Worksheet, row: int, text: str, fmt: Any, last_col: int, line_pt: float = LINE_PT) -> None:
    """A sentence across columns 0..``last_col``, wrapped, its row as tall as its lines: a long
    note in one cell would run past the printed columns or be cut at the next filled cell."""
    if last_col > 0:
        ws.merge_range(row, 0, row, last_col, None)
    write_text(ws, row, 0, text, fmt)
    scale = 11 / 16 if line_pt > LINE_PT else 1.0  # a 16 pt title fits fewer characters
    ws.set_row(row, row_height([(text, columns_width(ws, last_col) * scale)], line_pt))


def write_title(ws: Worksheet, text: str, f: Formats, last_col: int) -> None:
    write_note(ws, 0, text, f.title_wrap, last_col, line_pt=21.0)
