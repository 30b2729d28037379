"""Usage exports: trustworthy ingest, analytics, chargeback and right-sizing from observed usage."""

from copilot_roi.usage.errors import UntrustedFileError
from copilot_roi.usage.ingest import (
    IngestOptions,
    QualityReport,
    UsageDataset,
    ingest_files,
    ingest_paths,
    load_hourly_usage,
)

__all__ = [
    "IngestOptions",
    "QualityReport",
    "UntrustedFileError",
    "UsageDataset",
    "ingest_files",
    "ingest_paths",
    "load_hourly_usage",
]
