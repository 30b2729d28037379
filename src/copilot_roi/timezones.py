"""Time zone names: one check, so every model, command and page refuses a bad zone the same way.

A name is accepted only if it is one of the IANA keys the installed time zone database lists
(``zoneinfo.available_timezones``). Asking ``ZoneInfo`` directly is not enough: it treats the
name as a path, so ``Europe`` (a folder) raises ``IsADirectoryError``, a 300-character name
``OSError`` and ``zone.tab`` a parse error, each a traceback that names the server's folders.

>>> check_timezone("Europe/Paris")
'Europe/Paris'
>>> check_timezone("Europe")
Traceback (most recent call last):
...
ValueError: unknown time zone 'Europe' (use an IANA name such as Europe/Paris)
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# The longest IANA key is about 30 characters; anything far longer is refused before a lookup.
MAX_TIMEZONE_CHARS = 64
# "localtime" is the server's own clock: a file computed with it would differ between machines.
_MACHINE_DEPENDENT = frozenset({"localtime"})
_SHOWN_CHARS = 60


@functools.cache
def _known_zones() -> frozenset[str]:
    # Listed once per process (about 50 ms): the database ships with the installation.
    return frozenset(available_timezones()) - _MACHINE_DEPENDENT


def check_timezone(name: object) -> str:
    """Return ``name`` if it is an IANA time zone, else raise a ValueError a user can act on.

    The message quotes at most 60 characters of the name, control characters escaped.
    """
    if not isinstance(name, str):
        raise ValueError(f"a time zone is a name such as Europe/Paris, not {type(name).__name__}")
    if len(name) > MAX_TIMEZONE_CHARS or name not in _known_zones():
        raise ValueError(_unknown(name))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # listed but unreadable
        raise ValueError(_unknown(name)) from error
    return name


def _unknown(name: str) -> str:
    clipped = name if len(name) <= _SHOWN_CHARS else name[: _SHOWN_CHARS - 3] + "..."
    return f"unknown time zone {clipped!r} (use an IANA name such as Europe/Paris)"
