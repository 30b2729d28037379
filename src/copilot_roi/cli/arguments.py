"""Argument types shared by the commands: each refuses a bad value before any work, naming the flag.

argparse turns the ``ArgumentTypeError`` into one line, ``argument --tz: unknown time zone ...``,
and exit code 2 (see ``copilot_roi.cli._Parser``).
"""

from __future__ import annotations

import argparse

from copilot_roi.timezones import check_timezone


def timezone_argument(text: str) -> str:
    """``--tz``: an IANA time zone, through the one check every model and page uses."""
    try:
        return check_timezone(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_timezone_argument(
    parser: argparse.ArgumentParser, help_text: str, default: str | None = "UTC"
) -> None:
    """``--tz``; ``default=None`` when the command takes the zone from elsewhere (a case) if not given."""
    parser.add_argument("--tz", default=default, type=timezone_argument, metavar="ZONE", help=help_text)


def single_line_argument(text: str) -> str:
    """Text that ends up in a generated file (a budget name, an e-mail address): one printable line.

    A trailing newline or an escape sequence would otherwise land in a JSON template or a script.
    """
    if not text.isprintable():
        bad = next(ch for ch in text if not ch.isprintable())
        raise argparse.ArgumentTypeError(
            f"{text!r} holds a control character ({bad!r}); give one line of printable text"
        )
    return text
