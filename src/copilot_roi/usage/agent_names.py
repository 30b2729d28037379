"""Which usage rows are agent runs, and which `Initiated by` values name an agent, not a person.

The export's `Type` column says "Agent" for agent runs in the exports seen so far; it is not
documented, so the Microsoft agent product names below are recognised in `Initiated by` too (names
as Microsoft documents them, listed in shared/reference/peers.md, late 2026).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

KNOWN_AGENT_PRODUCTS: tuple[str, ...] = (
    "Phishing Triage Agent",  # Defender for Office 365
    "Security Alert Triage Agent",  # Defender XDR
    "Conditional Access Optimization Agent",  # Entra
    "Identity Risk Management Agent",  # Entra ID Protection
    "Vulnerability Remediation Agent",  # Intune
    "Threat Intelligence Briefing Agent",  # Security Copilot standalone
    "Insider Risk Triage Agent",  # Purview Insider Risk Management
    "DLP Alert Triage Agent",  # Purview Data Loss Prevention
)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")
_SPACES = re.compile(r"\s+")
# A custom agent is named like a product ("Contoso Triage Agent"): two or more words, no e-mail.
_AGENT_SUFFIX = re.compile(r"^[^@]+\s+agent$", re.IGNORECASE)


def normalised(name: str) -> str:
    """``name`` for matching: lower case, single spaces, a trailing "(Purview)" dropped.

    >>> normalised("  DLP Alert  Triage Agent (Purview) ")
    'dlp alert triage agent'
    """
    return _SPACES.sub(" ", _PARENTHESIS.sub("", name.strip())).lower()


_KNOWN = frozenset(normalised(n) for n in KNOWN_AGENT_PRODUCTS)


def is_known_agent(name: str) -> bool:
    """True when ``name`` is one of Microsoft's agent products (any case or spacing)."""
    return normalised(name) in _KNOWN


def is_agent_identity(name: str) -> bool:
    """True when ``name`` names an agent (kept as is), False for a person (pseudonymised).

    >>> is_agent_identity("Phishing Triage Agent"), is_agent_identity("Contoso Triage Agent")
    (True, True)
    >>> is_agent_identity("Ben Heppard"), is_agent_identity("agent@contoso.com")
    (False, False)
    """
    return is_known_agent(name) or bool(_AGENT_SUFFIX.match(_SPACES.sub(" ", name.strip())))


def is_agent_kind(kind: str) -> bool:
    """True when a `Type` value marks an agent run ("Agent", "Agent run", in any case)."""
    return "agent" in kind.lower()


def agent_row_mask(
    kinds: pa.Array | pa.ChunkedArray, users: pa.Array | pa.ChunkedArray
) -> npt.NDArray[np.bool_]:
    """Rows that are agent runs: `Type` contains "agent", or `Initiated by` is a known agent.

    Both arguments are Arrow string arrays without nulls. Each test runs once per distinct
    value (a million rows cost two dictionary encodes), not once per row.
    """
    return _per_distinct(kinds, is_agent_kind) | _per_distinct(users, is_known_agent)


def agent_identity_mask(users: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Rows whose `Initiated by` names an agent (:func:`is_agent_identity`), tested once per name."""
    return _per_distinct(users, is_agent_identity)


def agent_row_mask_from_codes(
    kind_codes: npt.NDArray[np.integer[Any]],
    kinds: Sequence[str],
    user_codes: npt.NDArray[np.integer[Any]],
    users: Sequence[str],
) -> npt.NDArray[np.bool_]:
    """:func:`agent_row_mask` for columns already encoded: each row's code into its distinct values.

    >>> agent_row_mask_from_codes(np.array([0, 1, 0]), ["Prompt", "AGENT"], np.array([0, 0, 1]),
    ...                           ["Ann", "phishing triage agent"]).tolist()
    [False, True, True]
    """
    by_kind = np.array([is_agent_kind(k) for k in kinds], dtype=bool)
    by_user = np.array([is_known_agent(u) for u in users], dtype=bool)
    # A gather over every row costs more than the tests: skip a column that marks no row.
    if not by_user.any():
        return np.asarray(by_kind[kind_codes]) if by_kind.any() else np.zeros(len(kind_codes), dtype=bool)
    if not by_kind.any():
        return np.asarray(by_user[user_codes])
    return np.asarray(by_kind[kind_codes] | by_user[user_codes])


def _per_distinct(values: pa.Array | pa.ChunkedArray, test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    hits = np.array([test(str(v)) for v in encoded.dictionary.to_pylist()], dtype=bool)
    if not len(hits):
        return np.zeros(len(values), dtype=bool)
    return np.asarray(hits[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)])
