"""Session state of the scenario comparison: up to four named scenarios, behind typed accessors.

Saved scenarios live in this browser session only (``cmp_saved``: name -> Scenario, in the order
saved); nothing is stored on the server beyond the session. Names pass ``clean_name`` on the way
in, so every reader gets a short, printable name (renderers still escape it).
"""

from __future__ import annotations

import streamlit as st

from copilot_roi.value.comparison import MAX_COMPARED, clean_name
from copilot_roi.value.scenario import Scenario

SAVED_KEY = "cmp_saved"
NAME_KEY = "cmp_name"
PICK_KEY = "cmp_pick"
NEW_NAME_KEY = "cmp_new_name"
MESSAGE_KEY = "cmp_message"


def saved() -> dict[str, Scenario]:
    """The saved scenarios by name, in the order they were saved (a copy: edit through setters)."""
    value = st.session_state.get(SAVED_KEY)
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, Scenario)}


def _store(scenarios: dict[str, Scenario]) -> None:
    st.session_state[SAVED_KEY] = scenarios


def save(name: str, scenario: Scenario) -> str:
    """Save ``scenario`` as ``name`` (replacing one of that name); returns the cleaned name.

    Raises ``ValueError`` for a blank name or when ``MAX_COMPARED`` others are already saved.
    """
    cleaned = clean_name(name)
    scenarios = saved()
    if cleaned not in scenarios and len(scenarios) >= MAX_COMPARED:
        raise ValueError(f"{MAX_COMPARED} scenarios are saved already: remove one first")
    scenarios[cleaned] = scenario
    _store(scenarios)
    return cleaned


def rename(old: str, new: str) -> str:
    """Rename a saved scenario, keeping its place; returns the cleaned new name."""
    cleaned = clean_name(new)
    scenarios = saved()
    if old not in scenarios:
        raise ValueError("that scenario is no longer saved")
    if cleaned != old and cleaned in scenarios:
        raise ValueError("another saved scenario has that name: choose a different one")
    _store({cleaned if k == old else k: v for k, v in scenarios.items()})
    return cleaned


def remove(name: str) -> None:
    _store({k: v for k, v in saved().items() if k != name})


def set_message(text: str | None) -> None:
    """A one-line outcome of the last save, rename or removal (None: none); never user text."""
    if text is None:
        st.session_state.pop(MESSAGE_KEY, None)
    else:
        st.session_state[MESSAGE_KEY] = text


def message() -> str | None:
    value = st.session_state.get(MESSAGE_KEY)
    return value if isinstance(value, str) else None
