"""Ingest: files (bytes in memory) to one de-duplicated, typed usage dataset with a quality report.

>>> import datetime as dt
>>> csv = b'Date,Units used,Initiated by\\n"Sept 10, 08:30 AM",.6,Ben\\n"Sept 10, 09:05 AM",1.2,NA\\n'
>>> data = ingest_files([("usage.csv", csv)], IngestOptions(as_of=dt.date(2026, 11, 1)))
>>> data.quality.rows_used, data.quality.first.isoformat(), round(data.total_units, 6)
(2, '2026-09-10T08:30:00+00:00', 1.8)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import mmap
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from copilot_roi.hourly import HourlySeries
from copilot_roi.timezones import check_timezone
from copilot_roi.usage.bucketing import hourly_series
from copilot_roi.usage.csv_reader import read_text_export
from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.merge import concat_frames, drop_overlap
from copilot_roi.usage.raw import MAX_FILE_BYTES, Blob, RawTable
from copilot_roi.usage.validate import REJECTION_COLUMNS, ValidatedFile, validate
from copilot_roi.usage.xlsx_reader import read_workbook, sniff_kind

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
MAX_FILES = 20
Progress = Callable[[float, str], None]


class IngestOptions(BaseModel):
    """Where the year comes from and which time zone the export's clock times are in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: dt.date | None = None
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_timezone(value)

    def anchor(self) -> dt.date:
        """The 'export taken on' day: the given date, else today in the export's time zone."""
        return self.as_of or dt.datetime.now(ZoneInfo(self.timezone)).date()


@dataclass(frozen=True)
class FileReport:
    file_name: str
    description: str
    rows_read: int
    rows_used: int
    rows_rejected: int
    blank_rows: int
    total_rows: int
    mapping: list[tuple[str, str]]


@dataclass(frozen=True)
class QualityReport:
    """What was read, used, rejected and inferred; the data-quality panel and the CLI show this."""

    files: list[FileReport]
    rows_read: int
    rows_used: int
    rows_rejected: int
    duplicates_removed: int
    blank_rows: int
    total_rows: int
    ambiguous_times: int
    first: pd.Timestamp
    last: pd.Timestamp
    inferred_years: tuple[int, ...]
    as_of: dt.date
    timezone: str
    rejections: pd.DataFrame
    notes: tuple[str, ...] = ()  # how ambiguous input was read (for the user to check)

    def rejection_records(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Rejections as ``{file, row, column, reason}`` dicts (the first ``limit`` of them)."""
        frame = self.rejections if limit is None else self.rejections.head(limit)
        return [
            {"file": str(f), "row": int(r), "column": str(c), "reason": str(why)}
            for f, r, c, why in frame[REJECTION_COLUMNS].itertuples(index=False)
        ]


@dataclass(frozen=True)
class UsageDataset:
    """Typed usage rows, the quality report and the hourly series billing works on.

    ``frame`` columns: ``started_at`` (tz-aware, the export's zone), ``units_scu``, ``user``,
    ``session_id``, ``category``, ``type``, ``experience``, ``plugins``, ``source_file``,
    ``source_row`` and any extra column as ``extra: <header>``.
    """

    frame: pd.DataFrame
    quality: QualityReport
    hourly: HourlySeries

    @property
    def timezone(self) -> str:
        return self.quality.timezone

    @property
    def total_units(self) -> float:
        return float(self.frame["units_scu"].sum())


def read_raw(file_name: str, data: Blob) -> RawTable:
    """Read one file by its content (the name only has to carry an allowed extension)."""
    lowered = file_name.lower()
    if not lowered.endswith(ALLOWED_SUFFIXES):
        raise UntrustedFileError(file_name, "only .xlsx, .csv, .tsv and .txt usage exports are accepted")
    if len(data) > MAX_FILE_BYTES:
        raise UntrustedFileError(
            file_name, f"{len(data) / 2**20:,.0f} MiB (at most {MAX_FILE_BYTES // 2**20} MiB)"
        )
    kind = sniff_kind(data)
    if kind == "xlsx":
        return read_workbook(file_name, data)
    if kind == "ole":
        raise UntrustedFileError(file_name, "a legacy .xls (or other Office binary) file; save it as .xlsx")
    if kind == "binary":
        raise UntrustedFileError(file_name, "a binary file (program or archive), not an export")
    if lowered.endswith(".xlsx"):
        raise UntrustedFileError(file_name, "named .xlsx but is not an Excel workbook")
    return read_text_export(file_name, data)


def ingest_files(
    files: Sequence[tuple[str, Blob]],
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> UsageDataset:
    """Read, validate, merge and de-duplicate exports held in memory; bucket them into hours.

    ``files`` are (name, content) pairs: upload bytes, or read-only memory maps of files.
    """
    options = options or IngestOptions()
    if not files:
        raise ValueError("no files to read")
    if len(files) > MAX_FILES:
        raise ValueError(f"{len(files)} files at once (at most {MAX_FILES})")
    as_of = options.anchor()
    validated: list[ValidatedFile] = []
    for number, (name, data) in enumerate(files):
        if progress:
            progress(number / (len(files) + 1), f"Reading {name}")
        try:
            raw = read_raw(name, data)
            if progress:
                progress((number + 0.5) / (len(files) + 1), f"Checking {raw.rows:,} rows of {name}")
            validated.append(validate(raw, as_of, options.timezone))
        except MemoryError:
            # Python and Arrow allocations fail cleanly (calamine's are bounded before it reads):
            # one file too large for the memory left refuses that file, not the process.
            raise UntrustedFileError(name, "too large to read in the memory available") from None
    if progress:
        progress(len(files) / (len(files) + 1), "Merging and bucketing into clock hours")
    merged, duplicates = drop_overlap(concat_frames([v.frame for v in validated]))
    rejections = pd.concat([v.rejections for v in validated], ignore_index=True)
    rejections = rejections.astype({"row": "int64"}) if len(rejections) else rejections
    quality = QualityReport(
        files=[
            FileReport(
                file_name=v.file_name,
                description=v.description,
                rows_read=v.rows_read,
                rows_used=len(v.frame),
                rows_rejected=v.rows_rejected,
                blank_rows=v.blank_rows,
                total_rows=v.total_rows,
                mapping=v.mapping,
            )
            for v in validated
        ],
        rows_read=sum(v.rows_read for v in validated),
        rows_used=len(merged),
        rows_rejected=sum(v.rows_rejected for v in validated),
        duplicates_removed=duplicates,
        blank_rows=sum(v.blank_rows for v in validated),
        total_rows=sum(v.total_rows for v in validated),
        ambiguous_times=sum(v.ambiguous_times for v in validated),
        first=merged["started_at"].min(),
        last=merged["started_at"].max(),
        inferred_years=tuple(sorted({y for v in validated for y in v.inferred_years})),
        as_of=as_of,
        timezone=options.timezone,
        rejections=rejections,
        notes=tuple(f"{v.file_name}: {note}" for v in validated for note in v.notes),
    )
    series = hourly_series(
        pd.DatetimeIndex(merged["started_at"]), merged["units_scu"].to_numpy(), options.timezone
    )
    if progress:
        progress(1.0, f"{len(merged):,} rows used")
    return UsageDataset(frame=merged, quality=quality, hourly=series)


def ingest_paths(paths: Sequence[str | Path], options: IngestOptions | None = None) -> UsageDataset:
    """Like :func:`ingest_files`, for files on disk (memory-mapped read-only, not copied)."""
    files: list[tuple[str, Blob]] = []
    maps: list[mmap.mmap] = []
    try:
        for path in paths:
            p = Path(path)
            try:
                with p.open("rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    if size > MAX_FILE_BYTES:
                        raise UntrustedFileError(
                            p.name,
                            f"{size / 2**20:,.0f} MiB (at most {MAX_FILE_BYTES // 2**20} MiB)",
                        )
                    if size == 0:
                        files.append((p.name, b""))
                        continue
                    mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except OSError as error:
                raise UntrustedFileError(p.name, f"cannot be read ({error.strerror})") from None
            maps.append(mapped)
            files.append((p.name, mapped))
        return ingest_files(files, options)
    finally:
        files.clear()
        for mapped in maps:
            # A view still alive (none is expected) leaves the unmapping to the GC.
            with contextlib.suppress(BufferError):
                mapped.close()


def load_hourly_usage(
    paths: Sequence[str | Path], as_of: dt.date | None = None, timezone: str = "UTC"
) -> HourlySeries:
    """The observed hourly series of usage exports on disk (merged, de-duplicated).

    Calendar billing months, from local midnight of the first record's day to midnight after
    the last record's day; each session's units count in the clock hour it started. Raises
    :class:`UntrustedFileError` (a ``ValueError``) naming file, row, column and reason.
    """
    return ingest_paths(paths, IngestOptions(as_of=as_of, timezone=timezone)).hourly
