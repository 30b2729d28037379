"""Session state of the usage pages: the current dataset (sample by default) and the alias key.

The dataset lives in ``st.session_state["usage_dataset"]`` so other pages (capacity, scenarios,
business case) read the same numbers. Nothing is cached across sessions.
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
from ui.sidebar import pseudonymise_on

DATASET_KEY = "usage_dataset"
_FINGERPRINT_KEY = "usage_dataset_fingerprint"
_ALIAS_KEY = "usage_alias_key"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = ("CapacityUsage.xlsx", "CapacityUsage_2026-10-01_EU.csv")
SAMPLE_EXPORT_TAKEN_ON = dt.date(2026, 11, 21)


def sample_files() -> list[tuple[str, bytes]]:
    return [(name, (SAMPLE_DIR / name).read_bytes()) for name in SAMPLE_FILES]


def load_sample(timezone: str = "UTC") -> UsageDataset:
    return load_dataset(
        ["bundled sample", *SAMPLE_FILES],
        sample_files,
        IngestOptions(as_of=SAMPLE_EXPORT_TAKEN_ON, timezone=timezone),
    )


def load_dataset(
    identity: list[str], read: Callable[[], list[tuple[str, bytes]]], options: IngestOptions
) -> UsageDataset:
    """Ingest the files ``read`` returns, unless the same files and options are loaded already.

    ``identity`` names the files cheaply (upload ids, names, sizes) so a rerun does not hash
    or re-read large uploads.
    """
    fingerprint = hashlib.sha256("\0".join([options.model_dump_json(), *identity]).encode()).hexdigest()
    dataset = st.session_state.get(DATASET_KEY)
    if isinstance(dataset, UsageDataset) and st.session_state.get(_FINGERPRINT_KEY) == fingerprint:
        return dataset
    files = read()
    with st.status(f"Reading {len(files)} file(s)...", expanded=False) as status:
        bar = st.progress(0.0)

        def progress(share: float, message: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=message)

        dataset = ingest_files(files, options, progress)
        status.update(label=f"Read {dataset.quality.rows_used:,} usage rows", state="complete")
    st.session_state[DATASET_KEY] = dataset
    st.session_state[_FINGERPRINT_KEY] = fingerprint
    return dataset


def widget_suffix() -> str:
    """A key suffix that changes with the data and the alias switch, so filters never hold
    values (names or aliases) that the current data does not have."""
    return str(st.session_state.get(_FINGERPRINT_KEY, ""))[:12] + ("a" if pseudonymise_on() else "n")


def current_dataset() -> UsageDataset:
    """The session's dataset; the bundled sample when nothing was uploaded yet."""
    dataset = st.session_state.get(DATASET_KEY)
    if isinstance(dataset, UsageDataset):
        return dataset
    return load_sample()


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
