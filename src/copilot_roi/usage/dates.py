"""Export dates: parse distinct strings ('Sept 10, 08:30 AM', no year), infer the year, localise.

Parsing works on distinct values (an export has at most ~130,000 distinct minute stamps), never
row by row. The year comes from an anchor, the day the export was taken: every record gets the
latest year that puts it on or before that day, so a December-to-January run crosses the year and
no record lies in the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from copilot_roi.hourly import BoolArray, IntArray

DATE_EXAMPLE = "Sept 10, 08:30 AM"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NO_YEAR = (
    r"^\s*(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?:(?P<year>\d{4}),?\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[AaPp])\.?[Mm]\.?\s*$"
)
_ISO = (
    r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[ T](?P<hour>\d{1,2}):"
    r"(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?\s*$"
)
_MONTH_SPELLINGS = {m: i + 1 for i, m in enumerate(_MONTHS)} | {
    "sept": 9,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}


@dataclass(frozen=True)
class ParsedDates:
    """Per distinct value: UTC nanoseconds (valid where ``ok``), a reason where not, year source."""

    utc_ns: npt.NDArray[np.int64]
    ok: BoolArray
    reasons: list[str | None]
    year_inferred: BoolArray
    ambiguous: BoolArray


def parse_distinct(values: pa.Array, as_of: dt.date, timezone: str) -> ParsedDates:
    """Parse distinct date strings (a pyarrow string array) into instants in ``timezone``."""
    n = len(values)
    trimmed = pc.utf8_trim_whitespace(values)
    parts = pc.extract_regex(trimmed, _NO_YEAR)
    iso = pc.extract_regex(trimmed, _ISO)
    named_ok = np.asarray(parts.is_valid(), dtype=bool)
    iso_ok = np.asarray(iso.is_valid(), dtype=bool) & ~named_ok

    year = np.zeros(n, dtype=np.int64)
    month = np.zeros(n, dtype=np.int64)
    day = np.zeros(n, dtype=np.int64)
    hour = np.zeros(n, dtype=np.int64)
    minute = np.zeros(n, dtype=np.int64)
    second = np.zeros(n, dtype=np.int64)
    reasons: list[str | None] = [None] * n
    text = values.to_pylist() if n <= 1_000_000 else None

    def ints(struct: pa.Array, name: str, mask: BoolArray) -> IntArray:
        field = pc.struct_field(struct, name)
        filled = pc.if_else(pc.equal(field, ""), "0", field).fill_null("0")
        out = np.asarray(pc.cast(filled, pa.int64()), dtype=np.int64)
        return np.where(mask, out, 0)

    if named_ok.any():
        mon = pc.utf8_lower(pc.struct_field(parts, "mon")).fill_null("").to_pylist()
        month_named = np.array([_MONTH_SPELLINGS.get(m, 0) for m in mon], dtype=np.int64)
        bad_month = named_ok & (month_named == 0)
        for i in np.flatnonzero(bad_month):
            reasons[i] = f"unknown month in date {_quote(text, int(i))}"
        named_ok &= ~bad_month
        h12 = ints(parts, "hour", named_ok)
        pm = np.asarray(
            pc.equal(pc.utf8_lower(pc.struct_field(parts, "ampm")).fill_null(""), "p"), dtype=bool
        )
        bad_hour = named_ok & ((h12 < 1) | (h12 > 12))
        for i in np.flatnonzero(bad_hour):
            reasons[i] = f"hour out of range for a 12-hour clock in {_quote(text, int(i))}"
        named_ok &= ~bad_hour
        month = np.where(named_ok, month_named, month)
        day = np.where(named_ok, ints(parts, "day", named_ok), day)
        year = np.where(named_ok, ints(parts, "year", named_ok), year)
        hour = np.where(named_ok, h12 % 12 + 12 * pm, hour)
        minute = np.where(named_ok, ints(parts, "minute", named_ok), minute)
        second = np.where(named_ok, ints(parts, "second", named_ok), second)
    if iso_ok.any():
        for name, target in (("year", year), ("month", month), ("day", day)):
            target[iso_ok] = ints(iso, name, iso_ok)[iso_ok]
        hour[iso_ok] = ints(iso, "hour", iso_ok)[iso_ok]
        minute[iso_ok] = ints(iso, "minute", iso_ok)[iso_ok]
        second[iso_ok] = ints(iso, "second", iso_ok)[iso_ok]
    matched = named_ok | iso_ok
    for i in np.flatnonzero(~matched):
        if reasons[i] is None:
            reasons[i] = (
                "missing date"
                if text is not None and not str(text[i]).strip()
                else f"unrecognised date {_quote(text, int(i))} (expected like {DATE_EXAMPLE!r})"
            )
    year_inferred = matched & (year == 0)
    year = np.where(year_inferred, infer_years(month, day, as_of), year)
    return _localise(
        year, month, day, hour, minute, second, matched, year_inferred, reasons, text, as_of, timezone
    )


def infer_years(month: IntArray, day: IntArray, as_of: dt.date) -> IntArray:
    """The latest year that puts (month, day) on or before ``as_of``.

    >>> infer_years(np.array([12, 1, 11]), np.array([31, 2, 28]), dt.date(2027, 1, 15)).tolist()
    [2026, 2027, 2026]
    """
    later_in_year = (month > as_of.month) | ((month == as_of.month) & (day > as_of.day))
    return np.where(later_in_year, as_of.year - 1, as_of.year).astype(np.int64)


def _localise(
    year: IntArray,
    month: IntArray,
    day: IntArray,
    hour: IntArray,
    minute: IntArray,
    second: IntArray,
    matched: BoolArray,
    year_inferred: BoolArray,
    reasons: list[str | None],
    text: list[object] | None,
    as_of: dt.date,
    timezone: str,
) -> ParsedDates:
    n = len(year)
    frame = pd.DataFrame(
        {
            "year": np.where(matched, year, 2000),
            "month": np.where(matched, month, 1),
            "day": np.where(matched, day, 1),
            "hour": np.where(matched, hour, 0),
            "minute": np.where(matched, minute, 0),
            "second": np.where(matched, second, 0),
        }
    )
    naive = pd.to_datetime(frame, errors="coerce")
    real_day = matched & naive.notna().to_numpy() & (minute < 60) & (second < 60) & (hour < 24)
    for i in np.flatnonzero(matched & ~real_day):
        reasons[i] = f"no such date {_quote(text, int(i))} in {int(year[i])}" + (
            " (inferred year; check 'export taken on')" if year_inferred[i] else ""
        )
    after_anchor = pd.Timestamp(as_of + dt.timedelta(days=1))
    future = real_day & np.asarray(naive >= after_anchor, dtype=bool)
    for i in np.flatnonzero(future):
        reasons[i] = f"date {_quote(text, int(i))} lies after the export date {as_of.isoformat()}"
    usable = real_day & ~future
    index = pd.DatetimeIndex(naive.where(usable, pd.Timestamp("2000-01-01"))).as_unit("ns")
    first = index.tz_localize(timezone, ambiguous=np.ones(n, dtype=bool), nonexistent="NaT")
    second_choice = index.tz_localize(timezone, ambiguous=np.zeros(n, dtype=bool), nonexistent="NaT")
    gap = usable & np.asarray(first.isna(), dtype=bool)
    for i in np.flatnonzero(gap):
        reasons[i] = (
            f"{_quote(text, int(i))} does not exist in {timezone} (clocks jump forward); "
            "check the time zone setting"
        )
    ok = usable & ~gap
    ambiguous = ok & np.asarray(first != second_choice, dtype=bool)
    utc_ns = np.asarray(first.tz_convert("UTC").tz_localize(None).asi8, dtype=np.int64)
    return ParsedDates(
        utc_ns=np.where(ok, utc_ns, 0),
        ok=ok,
        reasons=reasons,
        year_inferred=year_inferred & ok,
        ambiguous=ambiguous,
    )


def _quote(text: list[object] | None, i: int) -> str:
    if text is None:
        return "value"
    value = str(text[i])
    return repr(value if len(value) <= 40 else value[:40] + "...")
