"""The business case's one palette: colours shared by the one-pager, the deck and the workbook.

Cost and value take the app's semantic chart colours (``charts.style``), so a reader sees the
same blue for cost and green for value on screen, on paper and on a slide; the tornado's low and
high ends are red and green everywhere.
"""

from __future__ import annotations

from copilot_roi.charts.style import (
    HIGH_END_COLOUR,
    LOW_END_COLOUR,
    NEUTRAL_COLOUR,
    PROVISIONED_COLOUR,
    THROTTLED_COLOUR,
    VALUE_COLOUR,
)

NAVY = "#0b2a4a"  # title bands and headings
INK = "#1b1b1b"  # body text
MUTED = "#605e5c"  # notes, footers
LINE = "#d2d0ce"  # rules and table borders
PALE = "#eef4fb"  # card and table-header fill
ON_NAVY = "#c9dcf0"  # secondary text on the navy band
COST = PROVISIONED_COLOUR
VALUE = VALUE_COLOUR
LOSS = THROTTLED_COLOUR
NEUTRAL = NEUTRAL_COLOUR
TORNADO_LOW, TORNADO_HIGH = LOW_END_COLOUR, HIGH_END_COLOUR  # one meaning in every file
GOOD_FILL, CAUTION_FILL, CAUTION_INK, STOP_FILL = "#dff6dd", "#fff4ce", "#8a5a00", "#fde7e9"
# Finance convention for spreadsheets: inputs in blue on a pale yellow fill.
INPUT_INK, INPUT_FILL = "#0000ff", "#fff2cc"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as an (r, g, b) tuple, for libraries that want numbers.

    >>> rgb("#0b2a4a")
    (11, 42, 74)
    """
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
