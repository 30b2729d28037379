"""A usage export naming many distinct agents, made in memory (issue 23's scale case)."""

from __future__ import annotations

import csv
import datetime as dt
import io

AS_OF = dt.date(2026, 11, 21)


def many_agents_export(count: int) -> bytes:
    """A CSV export in which each of ``count`` custom agents runs twice; agent 0 uses the most SCUs."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Units used", "Initiated by", "Session ID", "Category", "Type"])
    start = dt.datetime(2026, 11, 2)
    for i in range(count):
        for run in range(2):
            when = start + dt.timedelta(minutes=(7 * i + 3 * run) % (14 * 24 * 60))
            stamp = f"{when:%b} {when.day}, {when.hour % 12 or 12:02d}:{when.minute:02d} {when:%p}"
            units = round(0.1 * (1 + (i + run) % 9) + (count - i) * 1e-4, 4)
            writer.writerow([stamp, units, f"Custom {i:06d} Agent", f"{i:08d}-{run}", "Agent", "Agent"])
    return out.getvalue().encode("utf-8")
