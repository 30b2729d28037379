"""Builders for usage-export test files, made in memory (no fixtures on disk)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import xlsxwriter

HEADER = [
    "Date",
    "Units used",
    "Initiated by",
    "Session ID",
    "Category",
    "Type",
    "Copilot experience",
    "Plugins used",
]
AS_OF = dt.date(2026, 11, 21)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]


def portal_date(when: dt.datetime, sept: str = "Sept") -> str:
    month = MONTHS[when.month - 1] if when.month != 9 else sept
    half = "AM" if when.hour < 12 else "PM"
    return f"{month} {when.day}, {when.hour % 12 or 12:02d}:{when.minute:02d} {half}"


def record(
    when: dt.datetime,
    units: float,
    user: str = "Ben Heppard",
    session: str = "s-1",
    category: str = "Prompt",
    kind: str = "Prompt",
    experience: str = "Standalone",
    plugins: str = "Microsoft Defender XDR",
) -> list[object]:
    return [portal_date(when), units, user, session, category, kind, experience, plugins]


def sample_records(count: int = 20, start: dt.datetime | None = None) -> list[list[object]]:
    """A small, varied export: several users, plugins, an agent, sessions with follow-ups."""
    start = start or dt.datetime(2026, 11, 2, 8, 0)
    users = ["Ben Heppard", "NA", "null", "李伟", "Chloé Martin", "Phishing Triage Agent"]
    plugins = ["Microsoft Defender XDR", "Microsoft Entra", "Microsoft Defender XDR, Microsoft Sentinel"]
    out = []
    for i in range(count):
        user = users[i % len(users)]
        out.append(
            record(
                start + dt.timedelta(minutes=37 * i),
                round(0.1 * (i % 7 + 1), 1),
                user=user,
                session=f"s-{i // 2:04d}",
                category="Promptbook" if i % 5 == 0 else "Prompt",
                kind="Agent" if user.endswith("Agent") else "Prompt",
                experience="Embedded in Microsoft Defender XDR" if i % 3 else "Standalone",
                plugins=plugins[i % len(plugins)],
            )
        )
    return out


def to_text(
    rows: list[list[object]],
    header: list[str] = HEADER,
    delimiter: str = ",",
    decimal_comma: bool = False,
    title_rows: tuple[str, ...] = (),
    trailing_rows: tuple[list[object], ...] = (),
    line_end: str = "\n",
) -> str:
    buffer = io.StringIO()
    for title in title_rows:
        buffer.write(title + line_end)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    for row in [*rows, *trailing_rows]:
        cells = []
        for value in row:
            if isinstance(value, float):
                text = repr(value)
                cells.append(text.replace(".", ",") if decimal_comma else text)
            else:
                cells.append(value)
        writer.writerow(cells)
    return buffer.getvalue()


def to_csv(rows: list[list[object]], encoding: str = "utf-8", **kwargs: object) -> bytes:
    text = to_text(rows, **kwargs)  # type: ignore[arg-type]
    if encoding == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM, as Excel's "Unicode text"
    return text.encode(encoding)


def to_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


def rewrite_zip(
    data: bytes,
    replace: dict[str, bytes],
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a zip with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()
