"""JSON input files for the CLI (scenarios, estimate assumptions): bounded, validated, one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from copilot_roi.cli.errors import CliError, describe_validation_error

Model = TypeVar("Model", bound=BaseModel)
MAX_JSON_BYTES = 1_000_000


def load_model(path: Path, model: type[Model], what: str, max_bytes: int = MAX_JSON_BYTES) -> Model:
    """Read ``path`` as JSON into ``model``; any problem is a CliError (exit 1) naming the field."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CliError(
                f"{path}: {size:,} bytes is too large for {what} (limit {max_bytes:,})", exit_code=1
            )
        raw = path.read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read ({error.strerror})", exit_code=1) from error
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise CliError(f"{path}: {describe_validation_error(error)}", exit_code=1) from error
