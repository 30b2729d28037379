"""Safe text for every exporter: control characters removed, and formulas neutralised (CSV, XLSX).

A spreadsheet runs text that starts with ``= + - @`` (or tab, CR, LF, NUL, which some readers
strip first) as a formula. Such text gets a leading ``'``; numbers stay numbers, so a negative
cost is still a negative number. Control characters (NUL, BEL, ESC, the rest of C0 but tab and
newline, DEL, C1) are removed first, by ``strip_control``, which the HTML, the deck and the
deck's chart data call too: a terminal or viewer may act on them, and XML cannot hold most.

>>> neutralise_cell("=HYPERLINK(\\"http://x\\")"), neutralise_cell("  +1"), neutralise_cell(-3.5)
('\\'=HYPERLINK("http://x")', "'  +1", -3.5)
>>> neutralise_cell("Ben Heppard"), neutralise_cell(None), neutralise_cell("\\x00=1+1")
('Ben Heppard', None, "'=1+1")
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# C0 but tab and newline, DEL, C1, and what no XML or UTF-8 text can hold (surrogates, U+FFFE/F).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control(text: str) -> str:
    """``text`` without control characters; tab and newline stay (a CR goes: CRLF becomes LF).

    >>> strip_control("Ben\\x00 \\x07Hep\\x1b[31mpard\\r\\n\\tok")
    'Ben Hep[31mpard\\n\\tok'
    """
    return _CONTROL.sub("", text)


def neutralise_cell(value: Any) -> Any:
    """The value to write: control characters removed, then text a spreadsheet would run gets a
    leading ``'``."""
    if isinstance(value, str):
        value = strip_control(value)
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
