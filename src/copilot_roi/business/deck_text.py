"""How much room text takes on a slide: line counts and heights for the deck's layout.

A slide does not grow its boxes, so the deck is laid out from estimates made here: each string is
wrapped word by word at the widths of DejaVu Sans, the font LibreOffice substitutes for the
theme's Calibri and the widest a viewer is likely to use (Calibri is about 15 % narrower, so a
layout that fits here fits in PowerPoint too). The rendering test converts the deck with
LibreOffice and checks every character landed inside its box.

>>> text_lines("Not within the horizon", width_in=2.2, size_pt=24, bold=True)
2
>>> text_lines("Month 18", width_in=2.2, size_pt=24, bold=True)
1
"""

from __future__ import annotations

import math

# Advance widths of DejaVu Sans in ems (regular); bold is about 10 % wider.
_NARROW = dict.fromkeys("ijl.,:;'|!", 0.30) | dict.fromkeys("ft()[]/ ·-", 0.38) | {"r": 0.42}
_WIDE = dict.fromkeys("mwMW%", 0.95) | dict.fromkeys("…—", 1.0)
_DIGIT = 0.64
_UPPER = 0.72
_LOWER = 0.61
_OTHER = 0.70
BOLD_FACTOR = 1.1
LINE_SPACING = 1.2  # a line's height in ems (ascent, descent and LibreOffice's leading)


def char_width_em(char: str) -> float:
    if char in _NARROW:
        return _NARROW[char]
    if char in _WIDE:
        return _WIDE[char]
    if char.isdigit():
        return _DIGIT
    if char.isupper():
        return _UPPER
    if char.islower():
        return _LOWER
    return _OTHER


def text_width_in(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of ``text`` on one line, in inches."""
    ems = sum(char_width_em(c) for c in text) * (BOLD_FACTOR if bold else 1.0)
    return ems * size_pt / 72


def text_lines(text: str, width_in: float, size_pt: float, bold: bool = False) -> int:
    """Lines ``text`` wraps to in a box ``width_in`` wide (greedy word wrap; a word longer than
    the line breaks inside, as LibreOffice and PowerPoint break it)."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        space = text_width_in(" ", size_pt, bold)
        for word in paragraph.split():
            width = text_width_in(word, size_pt, bold)
            if used and used + space + width <= width_in:
                used += space + width
                continue
            if used:
                lines += 1
            if width > width_in:  # broken across lines
                lines += math.ceil(width / width_in) - 1
                width = width % width_in
            used = width
    return lines


def text_height_in(text: str, width_in: float, size_pt: float, bold: bool = False) -> float:
    """The height ``text`` takes in a box ``width_in`` wide, in inches (no margins)."""
    return text_lines(text, width_in, size_pt, bold) * size_pt * LINE_SPACING / 72


def clip_to_width(text: str, width_in: float, size_pt: float, bold: bool = False) -> str:
    """``text`` cut (with an ellipsis) to fit one line ``width_in`` wide.

    >>> clip_to_width("Contoso " * 20, 2.0, 12).endswith("…")
    True
    """
    if text_width_in(text, size_pt, bold) <= width_in:
        return text
    while text and text_width_in(text + "…", size_pt, bold) > width_in:
        text = text[:-1]
    return text.rstrip() + "…"
