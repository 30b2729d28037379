"""Session state of the usage pages: the loaded export (the sample when none), its files, the alias key.

The loaded export is the case's (``ui.case_state``), so every page reads the same data until the
user clears it. Nothing the user loads is cached across sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from copilot_roi.usage import IngestOptions, UsageDataset, ingest_files
from copilot_roi.usage.pseudonymise import alias_map, new_key, pseudonymise_frame, without_names
from ui import case_state
from ui.sidebar import pseudonymise_on

_FINGERPRINT_KEY = "usage_dataset_fingerprint"
_FILES_KEY = "usage_files"  # the loaded export's bytes, so a new time zone or day re-reads them
_SAMPLE_TZ_KEY = "usage_sample_tz"
_ALIAS_KEY = "usage_alias_key"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = ("CapacityUsage.xlsx", "CapacityUsage_2026-10-01_EU.csv")
SAMPLE_ROSTER = "roster.csv"
SAMPLE_EXPORT_TAKEN_ON = dt.date(2026, 11, 21)


def sample_files() -> list[tuple[str, bytes]]:
    return [(name, (SAMPLE_DIR / name).read_bytes()) for name in SAMPLE_FILES]


# Read once per session and time zone: the sample is bundled data, but a cache keyed by an
# argument is per session here (the rule every cache of this app keeps).
@st.cache_data(scope="session", show_spinner="Reading the bundled sample...", max_entries=4)
def _sample(timezone: str) -> UsageDataset:
    return ingest_files(sample_files(), IngestOptions(as_of=SAMPLE_EXPORT_TAKEN_ON, timezone=timezone))


def load_sample(timezone: str | None = None) -> UsageDataset:
    """The bundled sample, in ``timezone`` (remembered for the other pages) or the last one asked."""
    if timezone is not None:
        st.session_state[_SAMPLE_TZ_KEY] = timezone
    return _sample(str(st.session_state.get(_SAMPLE_TZ_KEY, "UTC")))


def load_dataset(
    identity: list[str], read: Callable[[], list[tuple[str, bytes]]], options: IngestOptions
) -> UsageDataset:
    """Ingest the files ``read`` returns and make them the case's usage, unless the same files
    and options are loaded already.

    ``identity`` names the files cheaply (upload ids, names, sizes) so a rerun does not hash
    or re-read large uploads.
    """
    fingerprint = hashlib.sha256("\0".join([options.model_dump_json(), *identity]).encode()).hexdigest()
    dataset = case_state.usage()
    if dataset is not None and st.session_state.get(_FINGERPRINT_KEY) == fingerprint:
        return dataset
    files = read()
    with st.status(f"Reading {len(files)} file(s)...", expanded=False) as status:
        bar = st.progress(0.0)

        def progress(share: float, message: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=message)

        dataset = ingest_files(files, options, progress)
        status.update(label=f"Read {dataset.quality.rows_used:,} usage rows", state="complete")
    case_state.set_usage(dataset, files)
    st.session_state[_FILES_KEY] = (identity, files)
    st.session_state[_FINGERPRINT_KEY] = fingerprint
    return dataset


def loaded_files() -> tuple[list[str], list[tuple[str, bytes]]]:
    """The loaded export's cheap identity and files (name, bytes); empty while the sample stands in."""
    held = st.session_state.get(_FILES_KEY)
    if isinstance(held, tuple) and case_state.usage() is not None:
        return list(held[0]), list(held[1])
    return [], []


def forget_held_files() -> None:
    """Drop the uploaded files kept for re-reading (a customer's history replaces them)."""
    st.session_state.pop(_FILES_KEY, None)
    st.session_state.pop(_FINGERPRINT_KEY, None)


def clear_loaded() -> None:
    """Forget the loaded export (it was only in this session's memory): back to the sample."""
    forget_held_files()
    case_state.clear_usage()


def widget_suffix() -> str:
    """A key suffix that changes with the data and the alias switch, so filters never hold
    values (names or aliases) that the current data does not have."""
    data = str(st.session_state.get(_FINGERPRINT_KEY, "")) if case_state.usage() is not None else "sample"
    if case_state.usage_history() is not None:
        data = hashlib.sha256(case_state.case().model_dump_json(include={"usage"}).encode()).hexdigest()
    return data[:12] + ("a" if pseudonymise_on() else "n")


def current_dataset() -> UsageDataset:
    """The loaded export; the bundled sample when nothing is loaded."""
    return case_state.usage() or load_sample()


def is_sample(dataset: UsageDataset) -> bool:
    return case_state.usage() is not dataset


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text: object) -> str:
    """Text from an upload, escaped so Streamlit's Markdown shows it literally.

    File names, user names and cell values reach captions and alerts; unescaped, a name like
    ``![x](https://host/pixel)`` would render an image fetched from elsewhere.
    """
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", " ")


def alias_key() -> bytes:
    key = st.session_state.get(_ALIAS_KEY)
    if not isinstance(key, bytes):
        key = new_key()
        st.session_state[_ALIAS_KEY] = key
    return key


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it may be displayed: aliases instead of names when pseudonymising."""
    return pseudonymise_frame(frame, alias_key()) if pseudonymise_on() else frame


def shown_file_name(file_name: str, dataset: UsageDataset) -> str:
    """A file name as it may be displayed: user names in it replaced when pseudonymising."""
    if not pseudonymise_on():
        return file_name
    users = [str(u) for u in dataset.frame["user"].astype(str).unique()]
    return without_names(file_name, alias_map(users, alias_key()))


def shown_sources(dataset: UsageDataset) -> str:
    """The dataset's file names for a caption: aliased when pseudonymising, Markdown-escaped."""
    return plain(", ".join(shown_file_name(f.file_name, dataset) for f in dataset.quality.files))


def shown_names(names: list[str]) -> dict[str, str]:
    """Name -> what to display (the alias when pseudonymising, else the name)."""
    return alias_map(names, alias_key()) if pseudonymise_on() else {n: n for n in names}
