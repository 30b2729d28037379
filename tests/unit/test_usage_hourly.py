"""The load_hourly_usage contract the CLI's price/optimize --usage relies on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from usage_builders import record, to_csv

from copilot_roi.hourly import HourlySeries
from copilot_roi.usage import UntrustedFileError, load_hourly_usage


def test_series_runs_from_local_midnight_to_midnight_after_the_last_day(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(
        to_csv(
            [
                record(dt.datetime(2026, 11, 2, 9, 15), 1.5, session="a"),
                record(dt.datetime(2026, 11, 2, 9, 55), 0.5, session="b"),
                record(dt.datetime(2026, 11, 4, 23, 59), 2.0, session="c"),
            ]
        )
    )
    series = load_hourly_usage([path], as_of=dt.date(2026, 11, 21), timezone="Asia/Kolkata")
    assert isinstance(series, HourlySeries)
    assert series.month_basis == "calendar"
    assert series.start == pd.Timestamp("2026-11-02 00:00", tz="Asia/Kolkata")
    assert series.hours == 72
    assert series.index[-1] == pd.Timestamp("2026-11-04 23:00", tz="Asia/Kolkata")
    expected = np.zeros(72)
    expected[9] = 2.0
    expected[71] = 2.0
    assert np.array_equal(series.units_scu, expected)


def test_as_of_defaults_to_today(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    path.write_bytes(to_csv([record(dt.datetime.combine(yesterday, dt.time(10)), 1.0)]))
    series = load_hourly_usage([path])
    assert series.start.date() == yesterday


def test_untrusted_file_error_names_file_row_column_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = [record(dt.datetime(2026, 11, 2, 9), 1.0) for _ in range(3)]
    rows[0][1] = "inf"
    rows[1][1] = "inf"
    path.write_bytes(to_csv(rows))
    with pytest.raises(UntrustedFileError) as caught:
        load_hourly_usage([path], as_of=dt.date(2026, 11, 21))
    assert str(caught.value).startswith("file 'export.csv', row 2, column 'Units used': ")
    assert "infinite" in str(caught.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UntrustedFileError, match="cannot be read"):
        load_hourly_usage([tmp_path / "nope.csv"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UntrustedFileError, match="empty"):
        load_hourly_usage([empty])
