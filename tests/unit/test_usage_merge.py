"""Merging overlapping exports: sessions seen in two files count once; real repeats are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from usage_builders import AS_OF, HEADER, record, to_csv, to_xlsx

from copilot_roi.usage import IngestOptions, ingest_files, ingest_paths

OPTIONS = IngestOptions(as_of=AS_OF)
T0 = dt.datetime(2026, 11, 2, 9, 0)
SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def rows(first: int, last: int) -> list[list[object]]:
    return [record(T0 + dt.timedelta(hours=i), 0.5 + i % 3, session=f"s{i}") for i in range(first, last)]


def test_overlapping_exports_count_each_session_once() -> None:
    older = to_csv(rows(0, 30), delimiter=";", decimal_comma=True, encoding="utf-8-bom")
    newer = to_xlsx({"Usage": [HEADER, *rows(20, 50)]})
    merged = ingest_files([("older.csv", older), ("newer.xlsx", newer)], OPTIONS)
    alone = ingest_files([("all.csv", to_csv(rows(0, 50)))], OPTIONS)
    assert merged.quality.rows_read == 60
    assert merged.quality.duplicates_removed == 10
    assert merged.quality.rows_used == 50
    assert merged.total_units == alone.total_units
    assert (merged.hourly.units_scu == alone.hourly.units_scu).all()


def test_repeats_inside_one_file_are_real_usage() -> None:
    same = record(T0, 1.0, session="s1")
    one = ingest_files([("a.csv", to_csv([same, same, same]))], OPTIONS)
    assert (one.quality.rows_used, one.quality.duplicates_removed) == (3, 0)
    # A second export holding the record twice adds nothing; one holding it four times adds one.
    two = ingest_files([("a.csv", to_csv([same, same, same])), ("b.csv", to_csv([same, same]))], OPTIONS)
    assert (two.quality.rows_used, two.quality.duplicates_removed) == (3, 2)
    more = ingest_files([("a.csv", to_csv([same] * 3)), ("b.csv", to_csv([same] * 4))], OPTIONS)
    assert (more.quality.rows_used, more.quality.duplicates_removed) == (4, 3)


def test_same_session_and_time_with_different_units_are_different_records() -> None:
    a = record(T0, 1.0, session="s1")
    b = record(T0, 2.0, session="s1")
    merged = ingest_files([("a.csv", to_csv([a])), ("b.csv", to_csv([b]))], OPTIONS)
    assert (merged.quality.rows_used, merged.quality.duplicates_removed) == (2, 0)


def test_bundled_samples_overlap_and_merge() -> None:
    paths = [SAMPLES / "CapacityUsage.xlsx", SAMPLES / "CapacityUsage_2026-10-01_EU.csv"]
    options = IngestOptions(as_of=dt.date(2026, 11, 21))
    latest, earlier = (ingest_paths([p], options) for p in paths)
    merged = ingest_paths(paths, options)
    q = merged.quality
    assert q.rows_rejected == 0
    assert q.duplicates_removed > 0
    assert q.rows_used == latest.quality.rows_used + earlier.quality.rows_used - q.duplicates_removed
    assert q.first == earlier.quality.first
    assert q.last == latest.quality.last
    assert "semicolon" in q.files[1].description


def test_samples_are_small_and_regenerate_identically(tmp_path: Path) -> None:
    import importlib.util
    import shutil

    for name in ("CapacityUsage.xlsx", "CapacityUsage_2026-10-01_EU.csv", "roster.csv"):
        assert (SAMPLES / name).stat().st_size < 1_000_000
    shutil.copy(SAMPLES / "make_samples.py", tmp_path / "make_samples.py")
    spec = importlib.util.spec_from_file_location("make_samples", tmp_path / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    for name in ("CapacityUsage_2026-10-01_EU.csv", "roster.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes()
    regenerated = ingest_paths([tmp_path / "CapacityUsage.xlsx"], IngestOptions(as_of=dt.date(2026, 11, 21)))
    bundled = ingest_paths([SAMPLES / "CapacityUsage.xlsx"], IngestOptions(as_of=dt.date(2026, 11, 21)))
    assert regenerated.total_units == bundled.total_units
    assert regenerated.quality.rows_used == bundled.quality.rows_used
