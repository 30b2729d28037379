"""The CLI's error type: a message for stderr and the exit code that goes with it."""

from __future__ import annotations

from pydantic import ValidationError


class CliError(Exception):
    """A failure the user can act on. Exit code 2: bad arguments; 1: input that cannot be trusted."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def describe_validation_error(error: ValidationError) -> str:
    """The first problem of a pydantic error as one line: ``field.path: reason``."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "input"
    message = str(first["msg"]).removeprefix("Value error, ")
    extra = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {message}{extra}"
