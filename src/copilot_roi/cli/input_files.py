"""Files named on the command line (a case, a roster, a survey): read whole, within a size bound.

One home for it, so every command refuses an unreadable or oversized file with the same one line
(exit 1) instead of a traceback or an unbounded read.
"""

from __future__ import annotations

from pathlib import Path

from copilot_roi.cli.errors import CliError
from copilot_roi.usage import UntrustedFileError
from copilot_roi.usage.chargeback import MAX_ROSTER_BYTES, Roster, read_roster


def read_bounded(path: Path, limit_bytes: int, what: str) -> bytes:
    """The file's bytes; a CliError (exit 1) when it cannot be read or is too large for ``what``."""
    try:
        if path.stat().st_size > limit_bytes:
            raise CliError(f"{path}: too large for {what} (limit {limit_bytes:,} bytes)", exit_code=1)
        return path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror})", exit_code=1) from error


def read_roster_path(path: Path) -> Roster:
    """A roster file given on the command line; a CliError (exit 1) when it cannot be read or trusted."""
    try:
        return read_roster(path.name, read_bounded(path, MAX_ROSTER_BYTES, "a roster"))
    except UntrustedFileError as error:
        raise CliError(str(error), exit_code=1) from error
