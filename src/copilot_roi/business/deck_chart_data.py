"""Chart data for the deck whose embedded workbook (PowerPoint's "Edit Data") is formula-safe.

python-pptx writes each chart's labels into an embedded workbook with xlsxwriter's generic
``write()``, which turns text starting with ``=`` into a live formula (and ``http://...`` into a
link): an agent named ``=HYPERLINK("http://evil.example/","Click")&"`` became one. Here every
text label is a string cell, cleaned and neutralised by ``copilot_roi.safe_cells`` like every
other spreadsheet cell; the chart itself keeps the label as written (a chart label is not run).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.util import lazyproperty
from xlsxwriter import Workbook

from copilot_roi.safe_cells import neutralise_cell

# No conversion of text at all, should a label ever reach write() again.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


class _StringCellWorkbook:
    """What both writers share: the chart data, and a workbook that never converts text."""

    def __init__(self, chart_data: Any) -> None:
        # What the bases' (unannotated) constructors do.
        self._chart_data = chart_data

    @contextmanager
    def _open_worksheet(self, xlsx_file: io.BytesIO) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class StringCellWorkbookWriter(_StringCellWorkbook, CategoryWorkbookWriter):
    """python-pptx's category layout (same cells, so the chart's references hold), text as text."""

    def _write_cat_column(self, worksheet: Any, col: int, level: Any, num_format: Any) -> None:
        worksheet.set_column(col, col, 10)
        for offset, name in level:
            _write_label(worksheet, offset + 1, col, name, num_format)

    def _write_series(self, workbook: Any, worksheet: Any) -> None:
        col_offset = self._chart_data.categories.depth
        for idx, series in enumerate(self._chart_data):
            num_format = workbook.add_format({"num_format": series.number_format})
            series_col = idx + col_offset
            _write_label(worksheet, 0, series_col, series.name, None)
            worksheet.write_column(1, series_col, series.values, num_format)


class StringCellXyWorkbookWriter(_StringCellWorkbook, XyWorkbookWriter):
    """python-pptx's XY layout (a two-column table per series), the series name as text."""

    def _populate_worksheet(self, workbook: Any, worksheet: Any) -> None:
        chart_format = workbook.add_format({"num_format": self._chart_data.number_format})
        for series in self._chart_data:
            series_format = workbook.add_format({"num_format": series.number_format})
            # python-pptx's own layout (leaves the method unannotated): the chart's references rely on it.
            offset: int = self.series_table_row_offset(series)  # type: ignore[no-untyped-call]
            worksheet.write_column(offset + 1, 0, series.x_values, chart_format)
            _write_label(worksheet, offset, 1, series.name, None)
            worksheet.write_column(offset + 1, 1, series.y_values, series_format)


def _write_label(worksheet: Any, row: int, col: int, label: object, cell_format: Any) -> None:
    if isinstance(label, str):
        worksheet.write_string(row, col, neutralise_cell(label), cell_format)
    else:  # a number or date category stays one
        worksheet.write(row, col, label, cell_format)


class SafeCategoryChartData(CategoryChartData):
    """``CategoryChartData`` whose embedded workbook holds its labels as string cells."""

    @lazyproperty
    def _workbook_writer(self) -> StringCellWorkbookWriter:
        return StringCellWorkbookWriter(self)


class SafeXyChartData(XyChartData):
    """``XyChartData`` (a numeric x axis, e.g. months) whose embedded workbook holds series names
    as string cells."""

    @lazyproperty
    def _workbook_writer(self) -> StringCellXyWorkbookWriter:
        return StringCellXyWorkbookWriter(self)
