"""Argument types shared by the commands: each refuses a bad value before any work, naming the flag.

argparse turns the ``ArgumentTypeError`` into one line, ``argument --tz: unknown time zone ...``,
and exit code 2 (see ``copilot_roi.cli._Parser``).
"""

from __future__ import annotations

import argparse

from copilot_roi.pricebook import e5_pay_as_you_go_default
from copilot_roi.timezones import check_timezone

E5_PAY_AS_YOU_GO_FLAG = "--e5-pay-as-you-go"


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


def add_e5_pay_as_you_go_argument(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--e5-pay-as-you-go`` / ``--no-e5-pay-as-you-go``: one switch, the same in every command.

    Not given (None): the price book's status for it, which every page's toggle opens on too.
    """
    status = "on" if e5_pay_as_you_go_default() else "off (announced, not confirmed active)"
    parser.add_argument(
        E5_PAY_AS_YOU_GO_FLAG,
        action=argparse.BooleanOptionalAction,
        default=None,
        help="E5/E7 pay-as-you-go: bill SCUs past the monthly pool at the overage price where no "
        f"capacity of your own serves them; off, they are throttled. Default: the price book's "
        f"status, {status}",
    )
