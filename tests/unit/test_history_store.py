"""The history store: exactly-once appends in any order, pseudonymised at rest, forgetting."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from history_builders import AGENT, PEOPLE, every_stored_text, export, files_under, records
from history_builders import three_overlapping as overlapping

from copilot_roi.history import HistoryStore, LocalFolder
from copilot_roi.history.rows import stored_alias

EXPORTS = overlapping()


def store_at(root: Path) -> HistoryStore:
    return HistoryStore(LocalFolder(root))


def test_records_count_once_however_many_exports_hold_them(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    results = [store.add("Contoso", EXPORTS[name]) for name in "ABC"]
    # Records 0..259 once each, plus record 170's real repeat in C: 261 rows, by hand.
    assert [r.rows_offered for r in results] == [120, 120, 111]
    assert [r.rows_added for r in results] == [120, 80, 61]
    summary = store.summary("Contoso")
    assert summary.rows == 261
    # Sessions s-0000 .. s-0129 (records 2k and 2k+1 share one).
    assert summary.sessions == 130
    units = sum(round(0.1 * (i % 9 + 1), 1) for i in range(260)) + round(0.1 * (170 % 9 + 1), 1)
    assert summary.total_units == pytest.approx(units)
    assert summary.first == pd.Timestamp("2026-09-01 08:00", tz="UTC")
    assert summary.last == pd.Timestamp("2026-09-01 08:00", tz="UTC") + pd.Timedelta(hours=7 * 259)


@pytest.mark.parametrize("order", list(itertools.permutations("ABC")), ids="".join)
def test_three_overlapping_exports_in_any_order_give_the_same_history(tmp_path: Path, order: str) -> None:
    reference = store_at(tmp_path / "reference")
    for name in "ABC":
        reference.add("Contoso", EXPORTS[name])
    store = store_at(tmp_path / "history")
    for name in order:
        store.add("Contoso", EXPORTS[name])
    # Aliases differ between stores (each customer key is random): compare under names.
    assert _named(store) == _named(reference)
    assert store.summary("Contoso").rows == 261


def _named(store: HistoryStore) -> list[tuple[object, ...]]:
    frame = store.load("Contoso").frame.drop(columns=["source_file", "source_row"])
    return sorted(map(tuple, frame.astype(str).to_numpy().tolist()))


def test_a_re_upload_changes_nothing(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso", EXPORTS["A"])
    store.add("Contoso", EXPORTS["B"])
    before = {p: (tmp_path / p).read_bytes() for p in files_under(tmp_path)}
    again = store.add("Contoso", EXPORTS["A"])
    assert (again.rows_added, again.part) == (0, None)
    assert {p: (tmp_path / p).read_bytes() for p in files_under(tmp_path)} == before


def test_a_repeat_is_kept_as_often_as_the_export_holding_it_most_often(tmp_path: Path) -> None:
    same = records(7, 8)
    twice, once = export("twice.csv", same * 2), export("once.csv", same)
    for order in ((twice, once), (once, twice)):
        store = store_at(tmp_path / str(id(order)))
        for dataset in order:
            store.add("Contoso", dataset)
        assert store.summary("Contoso").rows == 2


def test_people_are_stored_under_aliases_and_agents_under_their_names(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso", EXPORTS["A"])
    stored_users = set(store.stored_rows("Contoso")["user"].to_pylist())
    key = next(tmp_path.rglob("key.bin")).read_bytes()
    assert stored_users == {stored_alias(p, key) for p in PEOPLE} | {AGENT}
    parts_text = every_stored_text(next(tmp_path.rglob("parts")))
    for person in PEOPLE[:3]:
        assert person not in parts_text
    # The file's name carried a person's name: stored with the alias instead.
    assert set(store.stored_rows("Contoso")["source_file"].to_pylist()) == {
        f"CapacityUsage_{stored_alias('Ben Heppard', key)}_A.csv"
    }
    # Loaded back, the kept mapping restores the names (a roster matches names).
    assert set(store.load("Contoso").frame["user"]) == {*PEOPLE, AGENT}


def test_forgetting_names_keeps_the_usage_under_aliases(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso", EXPORTS["A"])
    before = store.summary("Contoso")
    store.forget_names("Contoso")
    everything = every_stored_text(tmp_path)
    for person in PEOPLE[:3]:
        assert person not in everything
    after = store.summary("Contoso")
    assert (after.rows, after.sessions, after.total_units) == (
        before.rows,
        before.sessions,
        before.total_units,
    )
    assert not after.names_kept
    assert set(store.load("Contoso").frame["user"]) - {AGENT} <= {u for u in everything.split("\n")}
    # The key stays: the same people added later keep their aliases (one person stays one),
    # and their names are not kept either.
    store.add("Contoso", EXPORTS["B"])
    assert len(set(store.load("Contoso", with_names=False).frame["user"])) == len(PEOPLE) + 1
    assert store.names("Contoso") == {}
    for person in PEOPLE[:3]:
        assert person not in every_stored_text(tmp_path)


def test_dropping_the_key_too_leaves_no_way_back_and_the_history_still_works(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso", EXPORTS["A"])
    store.forget_names("Contoso", drop_key=True)
    assert not list(tmp_path.rglob("key.bin"))
    assert store.summary("Contoso").rows == 120
    store.add("Contoso", EXPORTS["B"])  # a new key: people added now get new aliases
    assert store.summary("Contoso").rows >= 200


def test_forget_removes_everything_of_the_customer_and_nothing_else(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso", EXPORTS["A"])
    store.add("Fabrikam", EXPORTS["B"])
    contoso = [p for p in files_under(tmp_path) if "contoso" in p]
    assert contoso  # customer.json, key.bin, a part and a names object
    assert store.forget("Contoso") == len(contoso)
    remaining = files_under(tmp_path)
    assert not [p for p in remaining if "contoso" in p.lower()]
    assert "Contoso" not in every_stored_text(tmp_path)
    assert store.customers() == ["Fabrikam"]
    assert store.summary("Fabrikam").rows == 120
    assert not store.has("Contoso")
    with pytest.raises(ValueError, match="no history kept for customer 'Contoso'"):
        store.load("Contoso")


def test_customer_names_compare_loosely_and_list_as_first_given(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.add("Contoso  Ltd", EXPORTS["A"])
    assert store.add(" contoso ltd ", EXPORTS["A"]).rows_added == 0
    assert store.customers() == ["Contoso  Ltd"]


def test_loaded_history_is_the_dataset_the_pages_use(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    for name in "ABC":
        store.add("Contoso", EXPORTS[name])
    loaded = store.load("Contoso", timezone="Europe/Paris")
    merged = EXPORTS["A"].frame.columns
    assert set(loaded.frame.columns) == set(merged)
    assert str(loaded.frame["started_at"].dt.tz) == "Europe/Paris"
    assert loaded.total_units == pytest.approx(store.summary("Contoso").total_units)
    assert loaded.hourly.units_scu.sum() == pytest.approx(loaded.total_units)
    assert loaded.quality.rows_used == 261


def test_a_workspace_column_is_kept(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    frame = EXPORTS["A"].frame.assign(workspace=pd.Categorical(["SOC", "Identity"] * 60))
    store.add_frame("Contoso", frame)
    loaded = store.load("Contoso").frame
    assert loaded.groupby("workspace", observed=True)["units_scu"].sum().round(6).to_dict() == (
        frame.groupby("workspace", observed=True)["units_scu"].sum().round(6).to_dict()
    )
