"""Pseudonymising users: stable aliases ("User 3FA2C91B") from a keyed hash, per session key.

The same name always gets the same alias under one key (so aliases survive adding a file), and
without the key an alias cannot be turned back into a name by hashing candidate names.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

from copilot_roi.usage.agent_names import is_agent_identity


def new_key() -> bytes:
    """A random key for one session (the page keeps it in its session state)."""
    return secrets.token_bytes(32)


def alias(name: str, key: bytes) -> str:
    """The alias of ``name`` under ``key``.

    >>> alias("Ben Heppard", b"k") == alias("Ben Heppard", b"k") != alias("Ben Heppard", b"j")
    True
    """
    digest = hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"User {digest[:8].upper()}"


def alias_map(names: list[str], key: bytes) -> dict[str, str]:
    """Aliases of ``names``; a (very unlikely) collision gets a numbered suffix, in name order."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        candidate = alias(name, key)
        base, number = candidate, 2
        while candidate in used:
            candidate = f"{base}-{number}"
            number += 1
        used.add(candidate)
        mapping[name] = candidate
    return mapping


def without_names(text: str, aliases: dict[str, str]) -> str:
    """``text`` with every user name in it replaced by its alias (a file named after a person).

    Names shorter than three characters are left alone, so "NA" does not rewrite every "NA".

    >>> without_names("usage Ben Heppard.csv", {"Ben Heppard": "User 1A", "NA": "User 2B"})
    'usage User 1A.csv'
    """
    # Longest names first, so "Ben Heppard-Smith" is not half-replaced by "Ben Heppard".
    for name in sorted(aliases, key=len, reverse=True):
        if len(name) >= 3 and name in text:
            text = text.replace(name, aliases[name])
    return text


def pseudonymise_frame(frame: pd.DataFrame, key: bytes, column: str = "user") -> pd.DataFrame:
    """A copy of ``frame`` whose ``column`` holds aliases instead of people's names.

    Agents keep their product names ("Phishing Triage Agent"): they are not people, and a rate
    card or a chargeback line is read by them (``agent_names.is_agent_identity``).
    """
    out = frame.copy()
    values = out[column].astype(str).astype("category")
    names = [str(c) for c in values.cat.categories]
    mapping = alias_map([name for name in names if not is_agent_identity(name)], key)
    out[column] = values.cat.rename_categories([mapping.get(name, name) for name in names])
    return out
