"""JSON on stdout for every command's ``--json``: one writer, so no command can emit a NaN."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit_json(payload: Any) -> None:
    # allow_nan=False: a NaN in output would be a silently wrong number downstream.
    sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")
