"""Merging several exports: overlapping exports list the same sessions, which must count once.

Two rows are the same record when session, start minute, units and user agree. Within one file
such repeats are real (two prompts in one session and minute can use the same units), so a record
is kept as many times as the file that holds it most often holds it, never more.
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import union_categoricals

DEDUPE_KEY = ("session_id", "started_at", "units_scu", "user")


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate typed frames, keeping categorical columns categorical."""
    if len(frames) == 1:
        return frames[0]
    columns: list[str] = []
    for frame in frames:
        columns += [c for c in frame.columns if c not in columns]
    data: dict[str, object] = {}
    for column in columns:
        parts = [
            f[column] if column in f.columns else pd.Series([""] * len(f), dtype="string[pyarrow]")
            for f in frames
        ]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            data[column] = union_categoricals([pd.Categorical(p) for p in parts])
        elif pd.api.types.is_datetime64_any_dtype(parts[0].dtype) or column in {
            "units_scu",
            "source_row",
        }:
            data[column] = pd.concat(parts, ignore_index=True)
        else:
            data[column] = pd.concat([p.astype("string[pyarrow]") for p in parts], ignore_index=True)
    return pd.DataFrame(data)


def drop_overlap(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Remove records repeated across files; returns the frame and how many rows were dropped."""
    if len(frame["source_file"].cat.categories) < 2:
        return frame, 0
    files = frame["source_file"].cat.codes.to_numpy()
    group = frame.groupby(list(DEDUPE_KEY), sort=False, observed=True, dropna=False).ngroup()
    group_ids = group.to_numpy()
    counts = pd.DataFrame({"g": group_ids, "f": files}).value_counts().rename("n").reset_index()
    # For each record, the file holding it most often (the earliest such file on a tie).
    counts = counts.sort_values(["g", "n", "f"], ascending=[True, False, True], kind="stable")
    best = counts.drop_duplicates("g").set_index("g")["f"]
    keep = files == best.reindex(group_ids).to_numpy()
    kept = frame.loc[keep].reset_index(drop=True)
    return kept, int(len(frame) - len(kept))
