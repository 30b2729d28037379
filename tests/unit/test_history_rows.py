"""The row key at rest: repeat numbers match a plain group count, aliases are keyed and stable."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from history_builders import export, records
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.history import HistoryStore, LocalFolder
from copilot_roi.history.rows import MERGE_KEY, at_rest, occurrences, stored_alias

KEY = b"k" * 32


def frame_of(rows: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """(minute, units tenths, user, session) tuples as a usage frame."""
    return pd.DataFrame(
        {
            "started_at": pd.DatetimeIndex(
                [pd.Timestamp("2026-09-01", tz="UTC") + pd.Timedelta(minutes=m) for m, *_ in rows],
                tz="UTC",
            ),
            "units_scu": [u / 10 for _, u, _, _ in rows],
            "user": pd.array([f"Person {p}" for _, _, p, _ in rows], dtype="string"),
            "session_id": pd.array([f"s{s}" for *_, s in rows], dtype="string"),
            "category": "Prompt",
            "type": "Prompt",
            "experience": "Standalone",
            "plugins": "",
            "source_file": pd.Categorical(["a.csv"] * len(rows)),
            "source_row": range(2, len(rows) + 2),
        }
    )


small = st.integers(0, 3)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(small, small, small, small), max_size=60))
def test_repeat_numbers_are_a_count_of_earlier_equal_records(rows: list[tuple[int, int, int, int]]) -> None:
    table, _ = at_rest(frame_of(rows), KEY)
    reference = table.select(list(MERGE_KEY)).to_pandas().astype(str)
    expected = reference.groupby(list(MERGE_KEY), sort=False).cumcount().to_numpy()
    assert occurrences(table).tolist() == expected.tolist()


def test_aliases_depend_on_the_customer_key_only() -> None:
    assert stored_alias("Ben", KEY) == stored_alias("Ben", KEY) != stored_alias("Ben", b"j" * 32)
    assert stored_alias("Ben", KEY).startswith("User ") and len(stored_alias("Ben", KEY)) == 17


def test_an_export_out_of_time_order_is_kept_exactly_once(tmp_path: Path) -> None:
    store = HistoryStore(LocalFolder(tmp_path))
    store.add("Contoso", export("a.csv", records(0, 100)))
    shuffled = records(50, 150)
    shuffled = shuffled[1::2] + shuffled[::2]  # not in time order: the overlap is not one slice
    result = store.add("Contoso", export("b.csv", shuffled))
    assert result.rows_added == 50
    assert store.summary("Contoso").rows == 150


def test_people_are_aliased_once_per_distinct_name() -> None:
    table, people = at_rest(frame_of([(0, 1, 1, 1), (1, 1, 1, 2), (2, 1, 2, 3)]), KEY)
    assert pa.types.is_dictionary(table["user"].type)
    assert people == {stored_alias("Person 1", KEY): "Person 1", stored_alias("Person 2", KEY): "Person 2"}
    assert table["user"].to_pylist() == [stored_alias(p, KEY) for p in ("Person 1", "Person 1", "Person 2")]
