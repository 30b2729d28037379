"""Export dates: parse distinct strings ('Sept 10, 08:30 AM', no year), infer the year, localise.

Parsing works on distinct values (an export has at most ~130,000 distinct minute stamps), never
row by row. The year comes from an anchor, the day the export was taken: one file's records are
placed in the one window of at most 92 days that holds them all and ends on or before that day,
so a December-to-February export reads as one run whenever it was taken, and no record lies in
the future. A file whose records cannot fit one such window gets, record by record, the latest
year that puts it on or before that day, with a note.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

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
    local_year: IntArray  # the calendar year as written or inferred (the local wall clock's)
    notes: tuple[str, ...] = ()


# Dates Excel rewrote when the export was opened and saved again: 10/09/2026 08:30 (day or
# month first, with a year), optionally with seconds and AM/PM.
_NUMERIC = (
    r"^\s*(?P<first>[0-9]{1,2})[/.\-](?P<second_part>[0-9]{1,2})[/.\-](?P<year>[0-9]{4}),?\s+"
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?\s*(?P<ampm>[AaPp][Mm])?\s*$"
)
_DAY_PART = r"^(?P<mon>[A-Za-z]{3,9})\.? (?P<day>[0-9]{1,2})$"
_TIME_PART = (
    r"^(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))? ?"
    r"(?P<ampm>[AaPp])\.?[Mm]\.?$"
)
_FIELDS = ("month", "day", "year", "hour", "minute", "second", "pm")


def _ints(struct: pa.Array, name: str) -> IntArray:
    """An integer field of an extract_regex struct (0 where absent or unmatched)."""
    field = pc.struct_field(struct, name)
    filled = pc.if_else(pc.equal(field, ""), "0", field).fill_null("0")
    return np.asarray(pc.cast(filled, pa.int64()), dtype=np.int64)


def _month_numbers(names: pa.Array) -> IntArray:
    spellings = pa.array(list(_MONTH_SPELLINGS))
    numbers = np.array([0, *_MONTH_SPELLINGS.values()], dtype=np.int64)
    position = pc.index_in(pc.utf8_lower(names), value_set=spellings)
    return numbers[np.asarray(position.fill_null(-1), dtype=np.int64) + 1]


def _from_struct(struct: pa.Array) -> dict[str, IntArray]:
    out = {name: _ints(struct, name) for name in ("day", "hour", "minute", "second")}
    names = struct.type.names
    out["year"] = _ints(struct, "year") if "year" in names else np.zeros(len(struct), np.int64)
    out["month"] = _month_numbers(pc.struct_field(struct, "mon").fill_null(""))
    ampm = pc.utf8_lower(pc.struct_field(struct, "ampm")).fill_null("")
    out["pm"] = np.asarray(pc.equal(ampm, "p"), dtype=np.int64)
    return out


def _parse_named(trimmed: pa.Array) -> tuple[BoolArray, dict[str, IntArray]]:
    """Fields of 'Sept 10, 08:30 AM'-style values; most go through a split-and-dedupe fast path.

    A regex over ~130,000 distinct stamps is slow, so every value is split at its first ", "
    into a day ('Sept 10') and a clock ('08:30 AM') part, each with far fewer distinct values,
    and only those are matched and parsed. A value whose two parts both match is exactly a
    value of the fast shape (the day part holds no ", "); other spellings take the general
    pattern.
    """
    n = len(trimmed)
    fields = {name: np.zeros(n, dtype=np.int64) for name in _FIELDS}
    ok = np.zeros(n, dtype=bool)
    parts = pc.split_pattern(trimmed, ", ", max_splits=1)
    split = np.flatnonzero(np.asarray(pc.equal(pc.list_value_length(parts), 2), dtype=bool))
    if len(split):
        if len(split) < n:
            parts = parts.take(pa.array(split))
        day_part = pc.dictionary_encode(pc.list_element(parts, 0))
        time_part = pc.dictionary_encode(pc.list_element(parts, 1))
        day_struct = pc.extract_regex(day_part.dictionary, _DAY_PART)
        time_struct = pc.extract_regex(time_part.dictionary, _TIME_PART)
        day_codes = np.asarray(day_part.indices, dtype=np.int64)
        time_codes = np.asarray(time_part.indices, dtype=np.int64)
        day_ok = np.asarray(day_struct.is_valid(), dtype=bool)
        time_ok = np.asarray(time_struct.is_valid(), dtype=bool)
        fast = day_ok[day_codes] & time_ok[time_codes]
        if not fast.all():
            split, day_codes, time_codes = split[fast], day_codes[fast], time_codes[fast]
        for name, values in _from_struct_day(day_struct).items():
            fields[name][split] = values[day_codes]
        for name, values in _from_struct_time(time_struct).items():
            fields[name][split] = values[time_codes]
        ok[split] = True
    rest = np.flatnonzero(~ok)
    if len(rest):
        struct = pc.extract_regex(trimmed.take(pa.array(rest)), _NO_YEAR)
        matched = np.asarray(struct.is_valid(), dtype=bool)
        for name, values in _from_struct(struct).items():
            fields[name][rest] = values
        ok[rest] = matched
    return ok, fields


def _from_struct_day(struct: pa.Array) -> dict[str, IntArray]:
    return {
        "month": _month_numbers(pc.struct_field(struct, "mon").fill_null("")),
        "day": _ints(struct, "day"),
    }


def _from_struct_time(struct: pa.Array) -> dict[str, IntArray]:
    ampm = pc.utf8_lower(pc.struct_field(struct, "ampm")).fill_null("")
    return {
        "hour": _ints(struct, "hour"),
        "minute": _ints(struct, "minute"),
        "second": _ints(struct, "second"),
        "pm": np.asarray(pc.equal(ampm, "p"), dtype=np.int64),
    }


def parse_distinct(
    values: pa.Array, as_of: dt.date, timezone: str, day_first_hint: bool = False
) -> ParsedDates:
    """Parse distinct date strings (a pyarrow string array) into instants in ``timezone``.

    Numeric dates (``10/09/2026 08:30``) are read day-first or month-first for the whole file:
    a first number above 12 means day-first, a second above 12 month-first; when every value
    fits both, ``day_first_hint`` decides (European files) and a note says so.
    """
    n = len(values)
    trimmed = pc.utf8_trim_whitespace(values)
    named_ok, named = _parse_named(trimmed)
    iso_ok = np.zeros(n, dtype=bool)
    iso = None
    if not named_ok.all():
        iso = pc.extract_regex(trimmed, _ISO)
        iso_ok = np.asarray(iso.is_valid(), dtype=bool) & ~named_ok

    year = np.zeros(n, dtype=np.int64)
    month = np.zeros(n, dtype=np.int64)
    day = np.zeros(n, dtype=np.int64)
    hour = np.zeros(n, dtype=np.int64)
    minute = np.zeros(n, dtype=np.int64)
    second = np.zeros(n, dtype=np.int64)
    reasons: list[str | None] = [None] * n
    text = _LazyText(values)

    if named_ok.any():
        bad_month = named_ok & (named["month"] == 0)
        for i in np.flatnonzero(bad_month):
            reasons[i] = f"unknown month in date {_quote(text, int(i))}"
        named_ok &= ~bad_month
        h12 = named["hour"]
        bad_hour = named_ok & ((h12 < 1) | (h12 > 12))
        for i in np.flatnonzero(bad_hour):
            reasons[i] = f"hour out of range for a 12-hour clock in {_quote(text, int(i))}"
        named_ok &= ~bad_hour
        month = np.where(named_ok, named["month"], month)
        day = np.where(named_ok, named["day"], day)
        year = np.where(named_ok, named["year"], year)
        hour = np.where(named_ok, h12 % 12 + 12 * named["pm"], hour)
        minute = np.where(named_ok, named["minute"], minute)
        second = np.where(named_ok, named["second"], second)
    if iso is not None and iso_ok.any():
        for name, target in (
            ("year", year),
            ("month", month),
            ("day", day),
            ("hour", hour),
            ("minute", minute),
            ("second", second),
        ):
            target[iso_ok] = _ints(iso, name)[iso_ok]
    notes: list[str] = []
    numeric_ok = np.zeros(n, dtype=bool)
    if not (named_ok | iso_ok).all():
        numeric = pc.extract_regex(trimmed, _NUMERIC)
        numeric_ok = np.asarray(numeric.is_valid(), dtype=bool) & ~named_ok & ~iso_ok
        if numeric_ok.any():
            first, other = _ints(numeric, "first"), _ints(numeric, "second_part")
            day_first = bool((first[numeric_ok] > 12).any()) or (
                not (other[numeric_ok] > 12).any() and day_first_hint
            )
            if (first[numeric_ok] > 12).any() and (other[numeric_ok] > 12).any():
                notes.append("numeric dates mix day-first and month-first; read as day-first")
            elif not (first[numeric_ok] > 12).any() and not (other[numeric_ok] > 12).any():
                notes.append(
                    "numeric dates such as 03/04 fit day-first and month-first; read as "
                    + ("day/month (the file uses a European layout)" if day_first else "month/day")
                )
            ampm = pc.utf8_lower(pc.struct_field(numeric, "ampm")).fill_null("")
            twelve = np.asarray(pc.not_equal(ampm, ""), dtype=bool)
            pm = np.asarray(pc.equal(ampm, "pm"), dtype=bool)
            h = _ints(numeric, "hour")
            bad_hour = numeric_ok & twelve & ((h < 1) | (h > 12))
            for i in np.flatnonzero(bad_hour):
                reasons[i] = f"hour out of range for a 12-hour clock in {_quote(text, int(i))}"
            numeric_ok &= ~bad_hour
            day[numeric_ok] = (first if day_first else other)[numeric_ok]
            month[numeric_ok] = (other if day_first else first)[numeric_ok]
            year[numeric_ok] = _ints(numeric, "year")[numeric_ok]
            hour[numeric_ok] = np.where(twelve, h % 12 + 12 * pm, h)[numeric_ok]
            minute[numeric_ok] = _ints(numeric, "minute")[numeric_ok]
            second[numeric_ok] = _ints(numeric, "second")[numeric_ok]
    matched = named_ok | iso_ok | numeric_ok
    for i in np.flatnonzero(~matched):
        if reasons[i] is None:
            reasons[i] = (
                "missing date"
                if not str(text[i]).strip()
                else f"unrecognised date {_quote(text, int(i))} (expected like {DATE_EXAMPLE!r})"
            )
    year_inferred = matched & (year == 0)
    if year_inferred.any():
        # Most files have no year at all: a slice then avoids copying through a mask.
        inferred = slice(None) if year_inferred.all() else year_inferred
        placed = place_in_window(month[inferred], day[inferred], as_of)
        year[inferred] = placed.years
        notes += placed.notes
    parsed = _localise(
        year, month, day, hour, minute, second, matched, year_inferred, reasons, text, as_of, timezone
    )
    return dataclasses.replace(parsed, notes=tuple(notes)) if notes else parsed


# The portal keeps 90 days; two more allow for the export day itself and a time zone shift.
MAX_WINDOW_DAYS = 92
# A window ending this many days or fewer before the export date is what a fresh export looks like.
STALE_AFTER_DAYS = 7
_LEAP_DAY_POSITION = 31 + 28  # 29 Feb, counted from 1 Jan = 0 on a leap-year calendar
_YEAR_CIRCLE_DAYS = 366
_KEY_COUNT = 14 * 100  # month * 100 + day keys
_MONTH_STARTS = np.array([0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335], dtype=np.int64)
_MONTH_DAYS = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


@dataclass(frozen=True)
class YearPlacement:
    """A year per (month, day) value and what the user should know about how it was chosen."""

    years: IntArray
    notes: tuple[str, ...] = ()


def place_in_window(month: IntArray, day: IntArray, as_of: dt.date) -> YearPlacement:
    """Years for one file's dates without a year: the one window of <= 92 days ending by ``as_of``.

    The distinct (month, day) points sit on a circle of the year; the records' window is the
    circle minus its widest gap. It ends in the latest year that puts its last day on or before
    ``as_of`` (and makes any 29 February real). A window longer than 92 days cannot come from
    one export: each record then gets :func:`infer_years`' year, with a note. Impossible dates
    (31 September) take no part and get :func:`infer_years`' year, to be rejected later.

    >>> month, day = np.array([11, 12, 1, 2]), np.array([15, 31, 1, 10])
    >>> place_in_window(month, day, dt.date(2027, 12, 1)).years.tolist()  # taken 10 months later
    [2026, 2026, 2027, 2027]
    """
    # At most 13 x 100 (month, day) keys, however many values: the work is done per key.
    key = np.clip(month, 0, 13) * 100 + np.clip(day, 0, 99)
    keys = np.flatnonzero(np.bincount(key, minlength=_KEY_COUNT))
    placed = _place_distinct(keys // 100, keys % 100, as_of)
    year_by_key = np.zeros(_KEY_COUNT, dtype=np.int64)
    year_by_key[keys] = placed.years
    return YearPlacement(year_by_key[key], placed.notes)


def _place_distinct(month: IntArray, day: IntArray, as_of: dt.date) -> YearPlacement:
    """:func:`place_in_window` on distinct (month, day) pairs."""
    years = infer_years(month, day, as_of)
    month_index = np.clip(month - 1, 0, 11)
    real = (month >= 1) & (month <= 12) & (day >= 1) & (day <= _MONTH_DAYS[month_index])
    if not real.any():
        return YearPlacement(years)
    position = _MONTH_STARTS[month_index] + day - 1  # day of a leap year, 1 Jan = 0
    points = np.unique(position[real])
    gap_after = np.diff(np.append(points, points[0] + _YEAR_CIRCLE_DAYS))
    widest = int(np.argmax(gap_after))
    end_position = int(points[widest])
    start_position = int(points[(widest + 1) % len(points)])
    crosses_new_year = start_position > end_position
    leap_day_year_offset = None  # no 29 Feb record: any year will do
    if _LEAP_DAY_POSITION in points:
        # Across the new year, a 29 Feb after the window's last day lies in its first year.
        leap_day_year_offset = -1 if crosses_new_year and end_position < _LEAP_DAY_POSITION else 0
    end_year = _window_end_year(_calendar_day(end_position), as_of, leap_day_year_offset)
    start_year = end_year - 1 if crosses_new_year else end_year
    if start_year < dt.MINYEAR:  # an absurd export date; the localiser rejects such years
        return YearPlacement(years)
    first = dt.date(start_year, *_calendar_day(start_position))
    last = dt.date(end_year, *_calendar_day(end_position))
    span_days = (last - first).days + 1
    if span_days > MAX_WINDOW_DAYS:
        return YearPlacement(
            years,
            (
                f"the dates without a year cover more than {MAX_WINDOW_DAYS} days, more than one "
                "export holds (the portal keeps 90 days), so each record was given the latest year "
                f"that does not put it after the export date {as_of:%d %b %Y}",
            ),
        )
    in_start_year = crosses_new_year & (position >= start_position)
    years = np.where(real, np.where(in_start_year, start_year, end_year), years).astype(np.int64)
    days_before = (as_of - last).days
    if days_before <= STALE_AFTER_DAYS:
        return YearPlacement(years)
    return YearPlacement(
        years,
        (
            f"its dates read as {first:%d %b %Y} to {last:%d %b %Y}, which ends {days_before:,} "
            f"days before the export date {as_of:%d %b %Y} (if the file was exported on "
            "another day, set 'export taken on' to that day)",
        ),
    )


def _calendar_day(position: int) -> tuple[int, int]:
    """(month, day) of a day of a leap year counted from 1 Jan = 0."""
    month_index = int(np.searchsorted(_MONTH_STARTS, position, side="right")) - 1
    return month_index + 1, position - int(_MONTH_STARTS[month_index]) + 1


def _window_end_year(end: tuple[int, int], as_of: dt.date, leap_day_year_offset: int | None) -> int:
    """The latest year whose ``end`` (month, day) is on or before ``as_of``.

    With a 29 February in the window, the year holding it (end year + ``leap_day_year_offset``)
    must be a leap year: Security Copilot's range has one at least every eight years.
    """
    year = as_of.year if end <= (as_of.month, as_of.day) else as_of.year - 1
    if leap_day_year_offset is not None:
        while not calendar.isleap(year + leap_day_year_offset):
            year -= 1
    return year


def infer_years(month: IntArray, day: IntArray, as_of: dt.date) -> IntArray:
    """The latest year that puts (month, day) on or before ``as_of``, record by record.

    The fallback for a file whose dates cannot be one export (:func:`place_in_window`).

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
    text: _LazyText | None,
    as_of: dt.date,
    timezone: str,
) -> ParsedDates:
    n = len(year)
    # Calendar arithmetic in numpy (datetime64), no per-value parsing: month start + day - 1,
    # valid when the day falls inside that month and the clock reads a real time.
    y = np.where(matched, year, 2000)
    m = np.where(matched, month, 1)
    d = np.where(matched, day, 1)
    # Security Copilot exists since 2023; far years would also overflow nanosecond times.
    sane_year = (y >= 2000) & (y <= 2200)
    for i in np.flatnonzero(matched & ~sane_year):
        reasons[i] = f"year {int(y[i])} in {_quote(text, int(i))} is out of range"
    y = np.where(sane_year, y, 2000)
    months = ((y - 1970) * 12 + (m - 1)).astype("M8[M]")
    month_days = ((months + 1).astype("M8[D]") - months.astype("M8[D]")).astype(np.int64)
    real_day = (
        matched
        & sane_year
        & (m >= 1)
        & (m <= 12)
        & (d >= 1)
        & (d <= month_days)
        & (hour < 24)
        & (minute < 60)
        & (second < 60)
    )
    day_ns = (months.astype("M8[D]") + (d - 1).astype("m8[D]")).astype("M8[ns]").astype(np.int64)
    clock_ns = ((hour * 60 + minute) * 60 + second) * 1_000_000_000
    naive_ns = np.where(real_day, day_ns + clock_ns, 946_684_800_000_000_000)  # 2000-01-01
    for i in np.flatnonzero(matched & sane_year & ~real_day):
        reasons[i] = f"no such date {_quote(text, int(i))} in {int(year[i])}" + (
            " (inferred year; check 'export taken on')" if year_inferred[i] else ""
        )
    naive = pd.DatetimeIndex(naive_ns.view("M8[ns]"))
    after_anchor = pd.Timestamp(as_of + dt.timedelta(days=1))
    future = real_day & np.asarray(naive >= after_anchor, dtype=bool)
    for i in np.flatnonzero(future):
        reasons[i] = f"date {_quote(text, int(i))} lies after the export date {as_of.isoformat()}"
    usable = real_day & ~future
    index = pd.DatetimeIndex(np.where(usable, naive_ns, 946_684_800_000_000_000).view("M8[ns]"))
    # One pass marks both kinds of daylight-saving trouble as NaT; only those few are redone.
    first = index.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    unsure = np.flatnonzero(np.asarray(first.isna(), dtype=bool))
    ambiguous = np.zeros(n, dtype=bool)
    if len(unsure):
        retry = index[unsure].tz_localize(
            timezone, ambiguous=np.ones(len(unsure), dtype=bool), nonexistent="NaT"
        )
        resolved = np.asarray(retry.notna(), dtype=bool)
        ambiguous[unsure[resolved]] = True  # a repeated hour: the first occurrence is used
        values = first.asi8.copy()  # UTC nanoseconds; NaT stays the NaT sentinel
        values[unsure[resolved]] = retry.asi8[resolved]
        first = pd.DatetimeIndex(values.view("M8[ns]")).tz_localize("UTC").tz_convert(timezone)
    gap = usable & np.asarray(first.isna(), dtype=bool)
    for i in np.flatnonzero(gap):
        reasons[i] = (
            f"{_quote(text, int(i))} does not exist in {timezone} (clocks jump forward); "
            "check the time zone setting"
        )
    ok = usable & ~gap
    ambiguous &= ok
    utc_ns = np.asarray(first.tz_convert("UTC").tz_localize(None).asi8, dtype=np.int64)
    return ParsedDates(
        utc_ns=np.where(ok, utc_ns, 0),
        ok=ok,
        reasons=reasons,
        year_inferred=year_inferred & ok,
        ambiguous=ambiguous,
        local_year=y,
    )


class _LazyText:
    """Distinct values as Python strings, converted only for the few that need a message."""

    def __init__(self, values: pa.Array) -> None:
        self._values = values

    def __getitem__(self, i: int | np.integer[Any]) -> object:
        return self._values[int(i)].as_py()


def _quote(text: _LazyText | None, i: int) -> str:
    if text is None:
        return "value"
    value = str(text[i])
    return repr(value if len(value) <= 40 else value[:40] + "...")
