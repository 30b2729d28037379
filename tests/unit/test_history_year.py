"""A year of history (five overlapping 90-day exports) drives right-sizing and the pool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from usage_builders import record, to_csv

from copilot_roi.history import HistoryStore, LocalFolder
from copilot_roi.pricebook import list_prices
from copilot_roi.usage import IngestOptions, ingest_files
from copilot_roi.usage.burndown import pool_forecast
from copilot_roi.usage.rightsizing import right_size

FIRST_DAY = dt.date(2025, 12, 1)
DAYS = 365


def year_records() -> list[tuple[dt.datetime, list[object]]]:
    """Every 3 hours for a year; the afternoon rows of December carry 4 SCUs (a seasonal peak)."""
    out = []
    for step in range(DAYS * 8):
        when = dt.datetime.combine(FIRST_DAY, dt.time()) + dt.timedelta(hours=3 * step)
        units = 4.0 if when.month == 12 and when.hour >= 12 else 0.5
        person = ("Ben Heppard", "Chloé Martin", "Noah Fischer")[step % 3]
        out.append((when, record(when, units, user=person, session=f"s-{step:05d}")))
    return out


def quarterly_exports() -> list[tuple[str, bytes, dt.date]]:
    """Five 90-day exports, each taken 80 days after the last (so each overlaps it by 10 days)."""
    rows = year_records()
    out = []
    for number in range(5):
        taken = FIRST_DAY + dt.timedelta(days=min(89 + 80 * number, DAYS - 1))
        window = [r for when, r in rows if taken - dt.timedelta(days=89) <= when.date() <= taken]
        out.append((f"export{number + 1}.csv", to_csv(window), taken))
    return out


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> HistoryStore:
    store = HistoryStore(LocalFolder(Path(tmp_path_factory.mktemp("year"))))
    for name, data, taken in quarterly_exports():
        store.add("Contoso", ingest_files([(name, data)], IngestOptions(as_of=taken)))
    return store


def test_the_year_is_kept_once(history: HistoryStore) -> None:
    summary = history.summary("Contoso")
    assert summary.rows == DAYS * 8
    assert summary.first is not None and summary.first.date() == FIRST_DAY
    assert summary.last is not None and summary.last.date() == FIRST_DAY + dt.timedelta(days=DAYS - 1)


def test_right_sizing_sees_the_seasonal_peak_of_a_year(history: HistoryStore) -> None:
    usage = history.load("Contoso", timezone="UTC")
    assert usage.hourly.hours == DAYS * 24
    sized = right_size(usage.hourly, list_prices(), None)
    recommended = sized.result.recommended
    # December afternoons need 4 SCUs an hour; nothing may be throttled by default.
    assert sized.recommended_throttled_hours == 0
    assert recommended.total_cost > 0
    assert float(usage.hourly.units_scu.max()) == pytest.approx(4.0)


def test_the_pool_forecast_covers_every_month_of_the_year(history: HistoryStore) -> None:
    usage = history.load("Contoso", timezone="UTC")
    forecast = pool_forecast(usage.hourly, 400, list_prices())
    observed = [m.month for m in forecast.months if m.kind == "observed"]
    assert observed == [f"{y}-{m:02d}" for y, m in [(2025, 12)] + [(2026, m) for m in range(1, 12)]]
    december = forecast.months[0]
    # 31 days x (4 afternoon rows x 4 SCUs + 4 morning rows x 0.5 SCU), by hand: 558 SCUs.
    assert december.used_units == pytest.approx(31 * (4 * 4.0 + 4 * 0.5))
