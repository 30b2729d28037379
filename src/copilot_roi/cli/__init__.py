"""The ``copilot-roi`` command line: the same engine as the app, for scripts and checks."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from pydantic import ValidationError

from copilot_roi.cli.errors import CliError, describe_validation_error
from copilot_roi.threads import limit_native_threads

# Each command module exposes ``register(subparsers)``; it sets ``handler`` on its parser.
Handler = Callable[[argparse.Namespace], Any]


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one clear line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"copilot-roi: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copilot-roi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in _COMMANDS:
        module = __import__(f"copilot_roi.cli.{module_name}", fromlist=["register"])
        module.register(sub)
    return parser


# Each command group owns its module; the router imports them when it builds the parser, and no
# command module imports the router (their JSON goes through ``cli.json_output``).
_COMMANDS: tuple[str, ...] = (
    "pricing_commands",
    "value_commands",
    "usage_commands",
    "adoption_commands",
    "report_commands",
    "handoff_commands",
    "evidence_commands",
    "survey_commands",
    "history_commands",
)


def main(argv: Sequence[str] | None = None) -> int:
    limit_native_threads()  # before the command modules import numpy
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        handler(args)
    except CliError as error:
        sys.stderr.write(f"copilot-roi: error: {error}\n")
        return error.exit_code
    except ValidationError as error:
        sys.stderr.write(f"copilot-roi: error: {describe_validation_error(error)}\n")
        return 2
    except ValueError as error:
        # Engine validation errors carry a sentence a user can act on.
        sys.stderr.write(f"copilot-roi: error: {_first_line(error)}\n")
        return 2
    return 0


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
