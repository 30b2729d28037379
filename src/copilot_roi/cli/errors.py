"""The CLI's error type: a message for stderr and the exit code that goes with it."""

from __future__ import annotations


class CliError(Exception):
    """A failure the user can act on. Exit code 2: bad arguments; 1: input that cannot be trusted."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
