"""Header mapping: the export's column names (loosely matched, with known aliases) to canonical fields.

The readers (``csv_reader``, ``xlsx_reader``) find and map a header through a :class:`HeaderSpec`:
usage exports by default (:data:`USAGE_HEADERS`); the time-saved survey passes its own, so both
files share one reader, one set of limits and one rejection format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    # Newer portals show the workspace; its export header is undocumented: a name or an ID.
    "workspace": ("workspace", "workspacename", "workspacedisplayname"),
    "workspace_id": ("workspaceid",),
}
REQUIRED_FIELDS = ("started_at", "units_scu")
TEXT_FIELDS = ("user", "session_id", "category", "type", "experience", "plugins")
# Each workspace has its own capacity. An export without a workspace column (or a blank cell)
# is one workspace, as before workspaces existed: every row goes under this name.
DEFAULT_WORKSPACE = "Default workspace"
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_STRIP = re.compile(r"[\s_\-.()]+")


def normalise(header: str) -> str:
    return _STRIP.sub("", header.strip().lstrip("\ufeff")).lower()


def field_for(header: str) -> str | None:
    """The canonical field a header stands for, or None for a column we keep as is."""
    return _LOOKUP.get(normalise(header))


@dataclass(frozen=True)
class HeaderSpec:
    """What a kind of file calls its columns: a header's field and the fields a header must hold;
    ``what`` names the kind of file and ``needs`` its required columns in the refusal."""

    field_for: Callable[[str], str | None]
    required: tuple[str, ...]
    what: str
    needs: str


USAGE_HEADERS = HeaderSpec(
    field_for=field_for,
    required=REQUIRED_FIELDS,
    what="usage",
    needs="at least a 'Date' and a 'Units used' column",
)


def looks_like_header(cells: list[str], spec: HeaderSpec = USAGE_HEADERS) -> bool:
    """True when a row holds at least the required columns (usage: date and units)."""
    fields = {spec.field_for(c) for c in cells if isinstance(c, str)}
    return all(f in fields for f in spec.required)


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


def map_headers(cells: list[str], spec: HeaderSpec = USAGE_HEADERS) -> HeaderMapping | str:
    """Map a header row; returns a reason string when the header is unusable (duplicates, blanks)."""
    original = tuple(str(c).strip().lstrip("\ufeff") for c in cells)
    names: list[str] = []
    fields: list[str | None] = []
    seen_fields: dict[str, str] = {}
    seen_names: dict[str, int] = {}
    for position, header in enumerate(original, start=1):
        field = spec.field_for(header) if header else None
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
    missing = [f for f in spec.required if f not in seen_fields]
    if missing:
        return f"no {spec.what} header found (need {spec.needs})"
    return HeaderMapping(tuple(original), tuple(names), tuple(fields))
