"""The role registry: each role's id, label, roster spellings and chart colour, read from roles.toml.

Every layer takes roles from here: chargeback (roster spellings, rule options, labels), the value
catalogue and scenario (which ids exist, in which order), the charts (one colour per role) and the
exports (one label per role). Adding a role is a ``[roles.<id>]`` table in ``data/roles.toml``
with its identity (below) and its catalogue defaults (``value/catalogue.py``); no module lists
role ids, labels or colours of its own.

A role's table in roles.toml carries, besides the catalogue's defaults::

    [roles.soc]
    label = "SOC analyst"                              # the one name every page and export shows
    spellings = ["SOC", "security operations"]         # more names a roster CSV may use
    colour = "#0f6cbd"                                 # its colour in every chart

A roster's role matches when, lower-cased and without spaces or punctuation, it equals the id,
the label or a spelling: ``SOC``, ``soc analyst`` and ``Security Operations`` are all ``soc``.

Which file: the bundled ``data/roles.toml``, unless the environment variable named by
``ROLES_FILE_VARIABLE`` gives the path of another (a deployment's own catalogue, or a test's
temporary role). The variable is read on every call, not at import, so a test can set it for
one test and unset it after; each file is parsed once per process, keyed by its path, size and
modification time, so an edited or different file is never served from another's cache.

>>> registry = role_registry()
>>> registry.ids[:3]
('soc', 'iam', 'dlp')
>>> role_label("iam"), role_for("Identity"), role_for("soc analyst"), role_for("janitor")
('IAM admin', 'iam', 'soc', None)
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator

ROLES_FILE_VARIABLE = "COPILOT_ROI_ROLES_FILE"
# The keys of a [roles.<id>] table that say who the role is; the rest are the catalogue's defaults.
IDENTITY_KEYS = ("label", "spellings", "colour")
# Lower case, no spaces or punctuation: "SOC analyst", "soc-analyst" and "SOCAnalyst" are one spelling.
_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")


def spelling_key(text: str) -> str:
    """The form spellings are compared in.

    >>> spelling_key(" Identity (IAM) ")
    'identityiam'
    """
    return _NOT_LETTER_OR_DIGIT.sub("", text.lstrip("\ufeff").casefold())


class Role(BaseModel):
    """One role's identity: what it is called, what else a roster may call it, its chart colour."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Ids become session keys (scn_<id>_headcount) and link parameters (<id>=10_15_22_75): plain.
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(min_length=1, max_length=60)
    spellings: tuple[str, ...] = ()
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")

    def spelling_keys(self) -> set[str]:
        """Every spelling a roster may use for this role, in ``spelling_key`` form."""
        return {spelling_key(s) for s in (self.id, self.label, *self.spellings)}


class RoleRegistry(BaseModel):
    """The roles in roles.toml order (the order of tabs, tables and chart stacks)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    roles: tuple[Role, ...] = Field(min_length=1)
    _by_id: dict[str, Role] = PrivateAttr(default_factory=dict)
    _by_spelling: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _distinct(self) -> RoleRegistry:
        by_id: dict[str, Role] = {}
        by_label: dict[str, str] = {}
        by_spelling: dict[str, str] = {}
        for role in self.roles:
            if role.id in by_id:
                raise ValueError(f"role {role.id!r} is declared twice")
            if role.label.casefold() in by_label:
                first = by_label[role.label.casefold()]
                raise ValueError(f"roles {first!r} and {role.id!r} share the label {role.label!r}")
            by_id[role.id] = role
            by_label[role.label.casefold()] = role.id
            for key in role.spelling_keys():
                if not key:
                    raise ValueError(f"role {role.id!r} has a spelling with no letters or digits")
                # A spelling naming two roles would file a roster's people under whichever came first.
                other = by_spelling.setdefault(key, role.id)
                if other != role.id:
                    raise ValueError(f"the spelling {key!r} names both {other!r} and {role.id!r}")
        self._by_id.update(by_id)
        self._by_spelling.update(by_spelling)
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles)

    def __contains__(self, role_id: object) -> bool:
        return role_id in self._by_id

    def __getitem__(self, role_id: str) -> Role:
        return self._by_id[role_id]

    def role_for(self, text: str) -> str | None:
        """The id a roster's role cell means (id, label or a spelling, loosely), or None."""
        return self._by_spelling.get(spelling_key(text))


def registry_from_tables(tables: Mapping[str, Mapping[str, Any]]) -> RoleRegistry:
    """The registry from roles.toml's ``[roles.<id>]`` tables (only their identity keys are read)."""
    return RoleRegistry(
        roles=tuple(
            Role(id=role_id, **{k: v for k, v in table.items() if k in IDENTITY_KEYS})
            for role_id, table in tables.items()
        )
    )


# Which roles file: (path, size, modification time in ns); ("", 0, 0) is the bundled file. A
# cache keyed by it never serves one file's contents for another, or for an edited one.
RolesFile = tuple[str, int, int]


def roles_file() -> RolesFile:
    """The roles file in use: the one ``ROLES_FILE_VARIABLE`` names, else the bundled one."""
    path = os.environ.get(ROLES_FILE_VARIABLE, "")
    if not path:
        return "", 0, 0
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise ValueError(f"{ROLES_FILE_VARIABLE} names {path!r}, which cannot be read: {error}") from None
    return path, stat.st_size, stat.st_mtime_ns


def read_roles_file(file: RolesFile) -> str:
    """The text of ``file`` (from ``roles_file``)."""
    path = file[0]
    if not path:
        return resources.files("copilot_roi").joinpath("data/roles.toml").read_text("utf-8")
    return Path(path).read_text("utf-8")


@lru_cache(maxsize=4)  # the bundled file and a test's or a deployment's own: a few at most
def _registry_of(file: RolesFile) -> RoleRegistry:
    return registry_from_tables(tomllib.loads(read_roles_file(file)).get("roles", {}))


def role_registry() -> RoleRegistry:
    """The registry of the roles file in use (parsed once per file)."""
    return _registry_of(roles_file())


def clear_cache() -> None:
    """Forget every parsed roles file (tests that point ``ROLES_FILE_VARIABLE`` elsewhere call it after)."""
    _registry_of.cache_clear()


def role_ids() -> tuple[str, ...]:
    """Every role id, in roles.toml order."""
    return role_registry().ids


def role_label(role_id: str) -> str:
    """The one label of ``role_id`` (pages, charts, exports and chargeback all show this)."""
    return role_registry()[role_id].label


def role_colour(role_id: str) -> str:
    """The chart colour of ``role_id`` (``#rrggbb``)."""
    return role_registry()[role_id].colour


def role_for(text: str) -> str | None:
    """The role id a roster spells as ``text``, or None."""
    return role_registry().role_for(text)


def _known_role(role_id: str) -> str:
    registry = role_registry()
    if role_id not in registry:
        raise ValueError(f"unknown role {role_id!r} (roles: {', '.join(registry.ids)})")
    return role_id


# A role id in a model: any id of the registry in use (checked when the model is validated).
RoleId = Annotated[str, AfterValidator(_known_role)]
