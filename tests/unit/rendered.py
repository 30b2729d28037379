"""Where text lands in a rendered file: every slide's text boxes tagged by colour, rendered by
LibreOffice, and each character found back in the box it belongs to (pdfplumber's positions).

A slide never grows a box to fit its text: text that does not fit runs over the box's edge (or
the slide's). To see it, each text frame (and each table cell) gets a colour of its own that
encodes its index; after rendering, every character of that colour must lie inside that frame's
box. Characters of other colours (chart text) are checked against the slide only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from libreoffice import convert
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu

EMU_PER_PT = 12700
TOLERANCE_PT = 1.5  # glyph boxes overhang their advance by a fraction of a point


@dataclass(frozen=True)
class Box:
    slide: int  # zero-based
    name: str
    text: str
    left: float  # points
    top: float
    right: float
    bottom: float

    def holds(self, char: dict[str, float]) -> bool:
        t = TOLERANCE_PT
        return (
            char["x0"] >= self.left - t
            and char["x1"] <= self.right + t
            and char["top"] >= self.top - t
            and char["bottom"] <= self.bottom + t
        )


@dataclass(frozen=True)
class Problem:
    slide: int
    box: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"slide {self.slide + 1}: {self.box} {self.text[:60]!r} {self.where}"


def _tag(index: int) -> RGBColor:
    return RGBColor(1, (index + 1) // 256, (index + 1) % 256)


def _untag(colour: object) -> int | None:
    if not isinstance(colour, tuple | list) or len(colour) != 3:
        return None
    r, g, b = (round(float(c) * 255) for c in colour)
    return g * 256 + b - 1 if r == 1 else None


def tagged_deck(data: bytes) -> tuple[bytes, list[Box]]:
    """The deck with each text frame and table cell in a colour of its own, and their boxes."""
    deck = Presentation(io.BytesIO(data))
    boxes: list[Box] = []

    def paint(frame: object, box: Box) -> None:
        for paragraph in frame.paragraphs:  # type: ignore[attr-defined]
            for run in paragraph.runs:
                run.font.color.rgb = _tag(len(boxes))
        boxes.append(box)

    for s, slide in enumerate(deck.slides):
        for shape in slide.shapes:
            left, top = Emu(shape.left or 0).pt, Emu(shape.top or 0).pt
            if shape.has_text_frame and shape.text_frame.text.strip():
                width, height = Emu(shape.width).pt, Emu(shape.height).pt
                paint(
                    shape.text_frame,
                    Box(s, shape.name, shape.text_frame.text, left, top, left + width, top + height),
                )
            elif getattr(shape, "has_table", False) and shape.has_table:
                table = shape.table
                y = top
                for row in table.rows:
                    x = left
                    for column, cell in zip(table.columns, row.cells, strict=True):
                        w, h = Emu(column.width).pt, Emu(row.height).pt
                        if cell.text_frame.text.strip():
                            paint(
                                cell.text_frame,
                                Box(s, f"{shape.name} cell", cell.text_frame.text, x, y, x + w, y + h),
                            )
                        x += w
                    y += Emu(row.height).pt
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue(), boxes


def deck_problems(data: bytes, tmp_path: Path, min_size_pt: float = 11.5) -> list[Problem]:
    """Text outside its box or the slide, text smaller than ``min_size_pt``, a box whose text
    never rendered: each as a problem naming the slide, the box and the text."""
    tagged, boxes = tagged_deck(data)
    source = tmp_path / "tagged.pptx"
    source.write_bytes(tagged)
    pdf = convert(source, "pdf", tmp_path, tmp_path / "profile")
    problems: list[Problem] = []
    seen: set[int] = set()
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            number = page.page_number - 1
            for char in page.chars:
                if not char["text"].strip():
                    continue
                inside_page = (
                    char["x0"] >= -TOLERANCE_PT and char["x1"] <= page.width + TOLERANCE_PT
                    and char["top"] >= -TOLERANCE_PT and char["bottom"] <= page.height + TOLERANCE_PT
                )  # fmt: skip
                if not inside_page:
                    problems.append(Problem(number, "slide", "", f"{char['text']!r} off the slide"))
                if char.get("upright", True) and char["size"] < min_size_pt:
                    problems.append(Problem(number, "text", "", f"{char['text']!r} at {char['size']:.1f} pt"))
                index = _untag(char.get("non_stroking_color"))
                if index is None or index >= len(boxes):
                    continue
                box = boxes[index]
                seen.add(index)
                if box.slide != number:
                    problems.append(Problem(number, box.name, box.text, f"rendered on slide {number + 1}"))
                elif not box.holds(char):
                    where = (
                        f"{char['text']!r} at ({char['x0']:.0f}, {char['top']:.0f})-({char['x1']:.0f}, "
                        f"{char['bottom']:.0f}) outside ({box.left:.0f}, {box.top:.0f})-({box.right:.0f}, "
                        f"{box.bottom:.0f})"
                    )
                    problems.append(Problem(number, box.name, box.text, where))
    problems += [
        Problem(b.slide, b.name, b.text, "never rendered") for i, b in enumerate(boxes) if i not in seen
    ]
    # One problem per box and kind is enough to read.
    unique: dict[tuple[int, str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.slide, problem.box, problem.text), problem)
    return list(unique.values())
