"""Errors and rejection records of usage ingest: what could not be trusted, where and why."""

from __future__ import annotations


class UntrustedFileError(ValueError):
    """A whole file cannot be trusted; the message names the file, row, column and reason."""

    def __init__(
        self, file_name: str, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        where = [f"file {file_name!r}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {reason}")
        self.file_name = file_name
        self.row = row
        self.column = column
        self.reason = reason
