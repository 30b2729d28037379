"""Checking an ``.xlsx`` the way calamine will read it, before calamine allocates anything.

calamine (the Rust reader) builds a dense grid from the furthest cell of a sheet, and a failed
allocation in Rust aborts the whole process: every Streamlit session with it. So what must be
bounded is the reader's view of the workbook, not its file names:

- every zip entry is inflated once here, bounded (per entry and in total) and checked against
  its declared size, since the reader trusts declared sizes;
- the sheets are found as the reader finds them: ``_rels/.rels`` names the workbook part, its
  relationships name each sheet (relative or absolute targets, any folder, names matched in any
  case); a sheet listed but missing, or a reference that cannot be resolved, is refused;
- every entry that holds a ``sheetData`` element is checked, listed or not, so no path
  resolution detail can hide a sheet from the check;
- in such an entry every cell tag (any namespace prefix) must carry one ``r`` position, read in
  any case as calamine reads it, inside a grid of at most :data:`MAX_GRID_CELLS` cells, and every
  ``<dimension ref>`` must lie inside the sheet limits. One RE2 scan (linear time) finds any tag
  that is not provably inside; a well-formed file never matches, so the scan costs one pass.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.raw import MAX_COLUMNS

ZIP_MAGIC = b"PK\x03\x04"
# A full-height sheet written with inline strings (xlsxwriter's constant-memory mode) is ~520 MiB.
MAX_ENTRY_BYTES = 640 * 2**20
MAX_UNCOMPRESSED_BYTES = 1 * 2**30
MAX_COMPRESSION_RATIO = 200.0
# Excel's own sheet height; a grid of this many rows may be at most 12 columns wide. calamine and
# the table built from it cost about 41 bytes per empty cell (measured), so the sparse worst
# case is ~0.5 GiB; see the README's memory ceiling.
MAX_SHEET_ROWS = 1_048_576
MAX_GRID_CELLS = MAX_SHEET_ROWS * 12
# Parts read to find the sheets (workbook, relationships) are small in any real file.
MAX_PART_BYTES = 8 * 2**20
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
_WORKBOOK_DEFAULT = "xl/workbook.xml"
_OFFICE_DOCUMENT = "/officeDocument"


@dataclass(frozen=True)
class SheetRef:
    """A sheet as the workbook lists it: its name and the zip entries its target can mean."""

    name: str
    target: str
    entries: tuple[str, ...]


def check_workbook(file_name: str, data: bytes) -> list[SheetRef]:
    """Refuse anything that is not a plain, bounded ``.xlsx``; the sheets the workbook lists."""
    archive = _open_zip(file_name, data)
    entries = {info.filename.lower(): info for info in archive.infolist()}
    sheets = _listed_sheets(file_name, archive, entries)
    listed = {entry for sheet in sheets for entry in sheet.entries}
    for info in archive.infolist():
        content = _inflate(file_name, archive, info)
        if info.filename.lower() in listed or b"sheetData" in content:
            check_sheet_bounds(file_name, info.filename, content)
        del content  # one entry in memory at a time
    return sheets


def _open_zip(file_name: str, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UntrustedFileError(file_name, f"a damaged zip, not a workbook ({error})") from None
    names = [info.filename for info in infos]
    lowered = [n.lower() for n in names]
    if len(set(lowered)) != len(lowered):
        twice = sorted({n for n in names if lowered.count(n.lower()) > 1})
        raise UntrustedFileError(
            file_name, f"two zip entries named {twice[0]!r} (in some case): a forged workbook"
        )
    if any(n.endswith("vbaproject.bin") for n in lowered):
        raise UntrustedFileError(file_name, "a macro-enabled workbook (.xlsm); save it as .xlsx")
    if "xl/workbook.bin" in lowered:
        raise UntrustedFileError(file_name, "a binary workbook (.xlsb); save it as .xlsx")
    if "mimetype" in lowered or "content.xml" in lowered:
        raise UntrustedFileError(file_name, "an OpenDocument file (.ods); save it as .xlsx")
    if _WORKBOOK_DEFAULT not in names:
        raise UntrustedFileError(file_name, "a zip that is not an Excel workbook (no xl/workbook.xml)")
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")[:1_000_000].lower()
        if b"macroenabled" in types:
            raise UntrustedFileError(file_name, "a macro-enabled workbook; save it as .xlsx")
    total = 0
    for info in infos:
        if info.compress_type not in (_STORED, _DEFLATED):
            raise UntrustedFileError(
                file_name,
                f"{info.filename} uses zip compression method {info.compress_type}, which Excel never writes",
            )
        if info.file_size > MAX_ENTRY_BYTES:
            raise UntrustedFileError(
                file_name,
                f"{info.filename} expands to {info.file_size / 2**20:,.0f} MiB "
                f"(at most {MAX_ENTRY_BYTES // 2**20} MiB per part)",
            )
        total += info.file_size
        if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise UntrustedFileError(
                file_name,
                f"{info.filename} expands {info.file_size / max(info.compress_size, 1):,.0f}x "
                f"(at most {MAX_COMPRESSION_RATIO:.0f}x): a zip bomb",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UntrustedFileError(
            file_name, f"expands to {total / 2**20:,.0f} MiB (at most {MAX_UNCOMPRESSED_BYTES // 2**20} MiB)"
        )
    return archive


def _inflate(file_name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, inflated directly (zipfile's CRC pass costs as much as inflating).

    The output is bounded by the declared size; an entry that inflates beyond it is refused,
    because calamine's zip reader trusts the declared size.
    """
    if info.flag_bits & 0x1:
        raise UntrustedFileError(file_name, f"{info.filename} is encrypted: not a plain workbook")
    raw = archive.fp
    if info.compress_type != _DEFLATED or raw is None:
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as error:
            raise UntrustedFileError(file_name, f"a damaged zip entry ({info.filename}: {error})") from None
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise UntrustedFileError(file_name, f"a damaged zip entry ({info.filename})")
    name_length = int.from_bytes(header[26:28], "little")
    extra_length = int.from_bytes(header[28:30], "little")
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(raw.read(info.compress_size), info.file_size + 1)
    except zlib.error as error:
        raise UntrustedFileError(file_name, f"a damaged zip entry ({info.filename}: {error})") from None
    if len(data) != info.file_size:
        raise UntrustedFileError(
            file_name, f"{info.filename} does not inflate to its declared size: a damaged or forged zip"
        )
    return data


# --- which sheets the workbook lists ---------------------------------------------------------

_TAG = r"<(?:[^\s<>/:]+:)?{name}[\s/>][^>]*"
_ATTRIBUTE = re.compile(rb"""([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _listed_sheets(
    file_name: str, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]
) -> list[SheetRef]:
    """Each ``<sheet>`` of the workbook part, resolved to zip entries as calamine resolves it."""
    workbook = _workbook_part(file_name, archive, entries)
    folder, base = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name.lower() not in entries:
        raise UntrustedFileError(file_name, f"the workbook has no {rels_name}: a damaged workbook")
    targets = {
        attrs.get("Id", ""): attrs.get("Target", "")
        for attrs in _tags(file_name, archive, entries[rels_name.lower()], "Relationship")
        if attrs.get("TargetMode", "").lower() != "external"
    }
    sheets = []
    for attrs in _tags(file_name, archive, entries[workbook.lower()], "sheet"):
        name = attrs.get("name", "?")
        ids = [value for key, value in attrs.items() if key.rpartition(":")[2] == "id"]
        if not ids or not all(i in targets and targets[i] for i in ids):
            raise UntrustedFileError(
                file_name, f"sheet {name!r} points to no relationship in {rels_name}: a damaged workbook"
            )
        for rel_id in ids:
            target = targets[rel_id]
            candidates = {_resolve(folder, t) for t in (target, _unescape(target))}
            found = tuple(sorted(c.lower() for c in candidates if c.lower() in entries))
            if not found:
                raise UntrustedFileError(
                    file_name, f"sheet {name!r} is listed at {target!r}, which the file does not contain"
                )
            sheets.append(SheetRef(name, target, found))
    return sheets


def _workbook_part(file_name: str, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> str:
    """The workbook part ``_rels/.rels`` names (the reader follows it), else xl/workbook.xml."""
    root = entries.get("_rels/.rels")
    if root is None:
        return _WORKBOOK_DEFAULT
    for attrs in _tags(file_name, archive, root, "Relationship"):
        if attrs.get("Type", "").endswith(_OFFICE_DOCUMENT):
            path = attrs.get("Target", "").lstrip("/")
            if path.lower() not in entries:
                raise UntrustedFileError(
                    file_name, f"_rels/.rels names the workbook {path!r}, which the file does not contain"
                )
            return str(entries[path.lower()].filename)
    return _WORKBOOK_DEFAULT


def _resolve(folder: str, target: str) -> str:
    """A relationship target as calamine opens it: absolute without its '/', else in ``folder``."""
    if target.startswith("/"):
        return target[1:]
    return f"{folder}/{target}" if folder else target


def _unescape(text: str) -> str:
    return re.sub(
        r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);",
        lambda m: (
            _ENTITY.get(m.group(1))
            or chr(int(m.group(1)[2:], 16) if m.group(1)[1:2] in "xX" else int(m.group(1)[1:]))
        ),
        text,
    )


_ENTITY = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _tags(file_name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> list[dict[str, str]]:
    """Attributes of every ``<name>`` tag (any prefix) of a small part, without an XML parser.

    No entities are expanded, so an entity bomb in these parts costs nothing.
    """
    if info.file_size > MAX_PART_BYTES:
        raise UntrustedFileError(
            file_name, f"{info.filename} is {info.file_size / 2**20:,.0f} MiB: not a real workbook part"
        )
    xml = _inflate(file_name, archive, info)
    found = []
    for tag in re.finditer(_TAG.format(name=name).encode(), xml):
        attrs = {}
        for match in _ATTRIBUTE.finditer(tag.group(0)):
            value = match.group(2) if match.group(2) is not None else match.group(3)
            attrs[match.group(1).decode("utf-8", "replace")] = value.decode("utf-8", "replace")
        found.append(attrs)
    return found


# --- the grid each sheet asks for -------------------------------------------------------------

_S = r"[ \t\r\n]"
_NAME = r"""[^\s=<>/"']+"""
_NAME_NOT_R = r"""(?:[^\s=<>/"'r][^\s=<>/"']*|r[^\s=<>/"']+)"""
_VALUE = r"""(?:"[^"<]*"|'[^'<]*')"""
_ATTR = rf"{_S}+{_NAME}{_S}*={_S}*{_VALUE}"
_ATTR_NOT_R = rf"{_S}+{_NAME_NOT_R}{_S}*={_S}*{_VALUE}"
_PREFIX = r"<(?:[^\s<>/]*:)?"
# A cell tag's attribute list that does not parse: the reader either fails or reads it in a way
# this check cannot vouch for, so it is refused too.
_BROKEN = (
    rf"(?:{_ATTR})*(?:"
    rf"""{_S}+[=<"']"""  # whitespace, then no name
    rf"|{_S}+{_NAME}{_S}*[<>/\"']"  # a name without '='
    rf"|{_S}+{_NAME}{_S}+[^\s=]"  # two names in a row
    rf"|{_S}+{_NAME}{_S}*={_S}*[^\s\"']"  # an unquoted value
    rf"""|{_S}+{_NAME}{_S}*={_S}*(?:"[^"<]*|'[^'<]*)<"""  # '<' inside a value
    rf"|{_S}*/[^>]"  # '/' not closing the tag
    rf"|(?:{_ATTR})[^ \t\r\n/>])"  # attributes run together
)
_CELL_TAG = re.compile(rb"<(?:[^\s<>/]*:)?(c|dimension)[\s/>][^<>]*>?")
_REF = re.compile(rb"""\s(r|ref)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_POSITION = re.compile(r"([A-Za-z]{1,3})([1-9][0-9]{0,6})")


def check_sheet_bounds(file_name: str, entry: str, xml: bytes) -> None:
    """Refuse a sheet any of whose cells calamine would place outside a bounded grid.

    The sheet's height is taken from the last cells of its ``sheetData`` (rows come in order in
    every real file); every cell must then lie within that height and within as many columns as
    keep the grid under :data:`MAX_GRID_CELLS`. A cell out of order lands outside and is refused.
    """
    height = _last_row(xml)
    if height > MAX_SHEET_ROWS:
        raise UntrustedFileError(
            file_name, f"{entry}: sheet rows reach {height:,} (at most {MAX_SHEET_ROWS:,})", row=height
        )
    width = min(MAX_COLUMNS, MAX_GRID_CELLS // max(height, 1))
    pattern = _outside_pattern(height, width)
    if not _matches(xml, pattern):
        return
    reason, row, column = _describe_outside(entry, xml, pattern, height, width)
    raise UntrustedFileError(file_name, reason, row=row, column=column)


def _last_row(xml: bytes) -> int:
    """The highest row among the cells nearest the end of the sheet (0 when it has none)."""
    position = re.compile(rb"<(?:[^\s<>/]*:)?c\s(?:[^<>]*?\s)?r\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,9})[\"']")
    window = 2**16
    while True:
        rows = [int(m.group(2)) for m in position.finditer(xml, max(0, len(xml) - window))]
        if rows or window >= len(xml):
            return max(rows, default=0)
        window *= 16


def _outside_pattern(height: int, width: int) -> str:
    """RE2 pattern matching any cell or dimension tag not provably inside the grid.

    A cell position must be letters then digits (calamine reads either case), naming a column
    up to ``width`` and a row up to ``height``; a dimension's corners must lie within the sheet
    limits. Written without look-arounds or back-references, so RE2 runs it in linear time.
    """
    return (
        f"{_PREFIX}c(?:"
        f"(?:{_ATTR_NOT_R})*{_S}*/?>"  # no position: the reader would count one on its own
        f"|(?:{_ATTR})*{_S}+r{_S}*={_S}*(?:{_bad_position(height, width)})"
        f"|{_BROKEN})"
        f"|{_PREFIX}dimension(?:"
        f"(?:{_ATTR})*{_S}+ref{_S}*={_S}*(?:{_bad_dimension()})"
        f"|{_BROKEN})"
    )


def _bad_position(height: int, width: int) -> str:
    """A quoted cell position that is not letters-then-digits inside ``height`` x ``width``."""
    inside, outside, letters = _column_patterns(width)
    rows_over = _greater_than(height)
    options = []
    for q in "\"'":
        rest = f"[^{q}<]*"
        options.append(
            f"{q}(?:[^A-Za-z]"  # empty, or no column letters first
            f"|{rest}[^A-Za-z0-9{q}<]"  # something that is neither a letter nor a digit
            f"|{rest}[0-9][A-Za-z]"  # letters after the row
            f"|{rest}[A-Za-z]{q}"  # no row
            f"|[A-Za-z]{{{letters + 1}}}"  # more column letters than the grid has
            f"|(?:{outside})[^A-Za-z]"  # a column beyond the grid
            f"|(?:{inside})0"  # a row with a leading zero
            f"|(?:{inside})(?:{rows_over})[^0-9])"  # a row below the grid
        )
    return "|".join(options)


def _bad_dimension() -> str:
    """A quoted ``<dimension ref>`` with a corner outside the sheet limits or not a position."""
    _, outside, letters = _column_patterns(MAX_COLUMNS)
    rows_over = _greater_than(MAX_SHEET_ROWS)
    options = []
    for q in "\"'":
        rest = f"[^{q}<]*"
        options.append(
            f"{q}(?:{q}"
            f"|{rest}[^A-Za-z0-9:{q}<]"
            f"|{rest}[A-Za-z]{{{letters + 1}}}"
            f"|(?:{rest}:)?(?:{outside})[^A-Za-z]"
            f"|{rest}[A-Za-z]0"
            f"|{rest}[A-Za-z](?:{rows_over})[^0-9])"
        )
    return "|".join(options)


def _column_patterns(width: int) -> tuple[str, str, int]:
    """Letters (any case) naming columns 1..width, those naming columns beyond it (with as many
    letters), and that number of letters."""
    letters = 1 if width < 26 else 2
    names = [_column_name(n) for n in range(1, 26 * 27 + 1) if len(_column_name(n)) <= letters]
    inside = [n for n in names if _column_number(n) <= width]
    outside = [n for n in names if _column_number(n) > width]
    return _letters_alternation(inside), _letters_alternation(outside), letters


def _letters_alternation(names: list[str]) -> str:
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[:-1], []).append(name[-1])
    parts = []
    for first, lasts in by_first.items():
        head = "".join(f"[{c}{c.lower()}]" for c in first)
        parts.append(head + "[" + "".join(c + c.lower() for c in lasts) + "]")
    return "|".join(parts)


def _column_name(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def _greater_than(n: int) -> str:
    """A regex alternation matching decimal integers greater than ``n`` (no leading zeros)."""
    digits = str(n)
    width = len(digits)
    options = [f"[1-9][0-9]{{{width},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{width - i - 1}}}")
    return "|".join(options)


def _binary_view(data: bytes, cuts: list[int]) -> pa.Array:
    """``data`` cut at ``cuts`` as an Arrow binary array: zero-copy, one element per piece."""
    offsets = pa.py_buffer(np.asarray(cuts, dtype=np.int64))
    return pa.Array.from_buffers(pa.large_binary(), len(cuts) - 1, [None, offsets, pa.py_buffer(data)])


def _matches(data: bytes, pattern: str) -> bool:
    """Whether ``pattern`` occurs in ``data``: one RE2 pass over a zero-copy Arrow view."""
    return bool(pc.match_substring_regex(_binary_view(data, [0, len(data)]), pattern).to_pylist()[0])


def _describe_outside(
    entry: str, xml: bytes, pattern: str, height: int, width: int
) -> tuple[str, int | None, str | None]:
    """Name the first offending tag. It is looked for in 1 MiB pieces, cut twice half a piece
    apart so any tag shorter than half a piece lies whole in one of them; RE2 again, since a
    backtracking regex over a hostile file can take exponential time."""
    piece = 2**20
    first: tuple[int, bytes] | None = None
    for shift in (0, piece // 2):
        cuts = sorted({0, *range(shift or piece, len(xml), piece), len(xml)})
        hits = pc.extract_regex(_binary_view(xml, cuts), f"(?P<tag>{pattern})").to_pylist()
        for start, hit in zip(cuts, hits, strict=False):
            if hit is not None:
                tag = bytes(hit["tag"])
                at = xml.find(tag, start)
                if first is None or at < first[0]:
                    first = (at, tag)
                break
    # The match stops where the tag went wrong: show the whole tag (up to 200 bytes).
    tag = xml[first[0] : first[0] + 200].split(b">")[0] + b">" if first else b""
    shown = tag[:60].decode("utf-8", "replace")
    kind = _CELL_TAG.match(tag)
    ref = _REF.search(tag)
    if kind is None or ref is None:
        reason = f"{entry}: a cell without a readable position ({shown}): a damaged or forged sheet"
        return reason, None, None
    value = (ref.group(2) if ref.group(2) is not None else ref.group(3) or b"").decode("utf-8", "replace")
    position = _CELL_POSITION.fullmatch(value)
    if kind.group(1) == b"c" and position:
        column, row = _column_number(position.group(1)), int(position.group(2))
        reason = (
            f"{entry}: cell {value} (column {column:,}) lies outside the grid this sheet is read "
            f"as ({height:,} rows x {width} columns; at most {MAX_GRID_CELLS:,} cells and "
            f"{MAX_COLUMNS} columns): a sheet-dimension bomb or a damaged workbook"
        )
        return reason, row, position.group(1).upper()
    what = "dimension" if kind.group(1) == b"dimension" else "cell position"
    reason = (
        f"{entry}: {what} {value[:40]!r} is outside the sheet's bounds or not a position "
        f"(at most {MAX_SHEET_ROWS:,} rows and {MAX_COLUMNS} columns): "
        "a sheet-dimension bomb or a damaged workbook"
    )
    return reason, None, None
