"""Header mapping: the export's column names (loosely matched, with known aliases) to canonical fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Canonical field -> normalised aliases (lower case, no spaces, underscores, hyphens or dots).
ALIASES: dict[str, tuple[str, ...]] = {
    "started_at": ("date", "timegenerated", "datetime", "timestamp", "starttime", "time"),
    "units_scu": ("unitsused", "units", "scusused", "scuused", "unitsusedscu", "scus", "scu"),
    "user": ("initiatedby", "user", "username", "userprincipalname", "upn"),
    "session_id": ("sessionid", "session"),
    "category": ("category",),
    "type": ("type", "operationtype"),
    "experience": ("copilotexperience", "experience"),
    "plugins": ("pluginsused", "pluginused", "plugins", "plugin"),
}
REQUIRED_FIELDS = ("started_at", "units_scu")
TEXT_FIELDS = ("user", "session_id", "category", "type", "experience", "plugins")
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_STRIP = re.compile(r"[\s_\-.()]+")


def normalise(header: str) -> str:
    return _STRIP.sub("", header.strip().lstrip("\ufeff")).lower()


def field_for(header: str) -> str | None:
    """The canonical field a header stands for, or None for a column we keep as is."""
    return _LOOKUP.get(normalise(header))


def looks_like_header(cells: list[str]) -> bool:
    """True when a row holds at least the date and units columns."""
    fields = {field_for(c) for c in cells if isinstance(c, str)}
    return all(f in fields for f in REQUIRED_FIELDS)


@dataclass(frozen=True)
class HeaderMapping:
    """Original header of each column, the unique name we read it under, and its canonical field."""

    original: tuple[str, ...]
    names: tuple[str, ...]
    fields: tuple[str | None, ...]

    def column_for(self, field: str) -> str | None:
        for name, mapped in zip(self.names, self.fields, strict=True):
            if mapped == field:
                return name
        return None

    def rows(self) -> list[tuple[str, str]]:
        """(header in the file, what it became) for the data-quality panel."""
        return [
            (orig, mapped or f"kept as extra column {name!r}")
            for orig, name, mapped in zip(self.original, self.names, self.fields, strict=True)
        ]


def map_headers(cells: list[str]) -> HeaderMapping | str:
    """Map a header row; returns a reason string when the header is unusable (duplicates, blanks)."""
    original = tuple(str(c).strip().lstrip("\ufeff") for c in cells)
    names: list[str] = []
    fields: list[str | None] = []
    seen_fields: dict[str, str] = {}
    seen_names: dict[str, int] = {}
    for position, header in enumerate(original, start=1):
        field = field_for(header) if header else None
        if field is not None:
            if field in seen_fields:
                return (
                    f"columns {seen_fields[field]!r} and {header!r} (column {position}) both look "
                    f"like {field}; keep one and re-export"
                )
            seen_fields[field] = header
        base = header or f"column {position}"
        count = seen_names.get(base.lower(), 0) + 1
        seen_names[base.lower()] = count
        names.append(base if count == 1 else f"{base} ({count})")
        fields.append(field)
    missing = [f for f in REQUIRED_FIELDS if f not in seen_fields]
    if missing:
        return "no usage header found (need at least a 'Date' and a 'Units used' column)"
    return HeaderMapping(tuple(original), tuple(names), tuple(fields))
