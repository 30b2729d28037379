"""Time zone names: one check, so every model refuses an unknown zone with the same sentence."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise a ValueError a user can act on.

    >>> check_timezone("Europe/Paris")
    'Europe/Paris'
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Paris)") from error
    return name
