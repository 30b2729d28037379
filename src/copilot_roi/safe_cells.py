"""Formula-injection neutralising for every exporter (CSV, XLSX): one rule, one place.

A spreadsheet runs text that starts with ``= + - @`` (or tab, CR, LF, NUL, which some readers
strip first) as a formula. Such text gets a leading ``'``; numbers stay numbers, so a negative
cost is still a negative number.

>>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("  +1"), neutralise_cell(-3.5)
('\\'=HYPERLINK("http://x")', "'  +1", -3.5)
>>> neutralise_cell("Ben Heppard"), neutralise_cell(None)
('Ben Heppard', None)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def neutralise_cell(value: Any) -> Any:
    """The value to write: text that a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, str):
        stripped = value.lstrip(" ")
        if stripped.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised; numbers untouched."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        out[column] = series.astype(object).map(neutralise_cell)
    out.columns = pd.Index([neutralise_cell(str(c)) for c in out.columns])
    return out
