"""Make the bundled sample exports (deterministic: same seed, same bytes of data).

Run ``python sample_data/make_samples.py``. It writes, for a made-up mid-size tenant (Contoso,
24 people and two agents, business-hours weekday use with a few incident spikes):

* ``CapacityUsage.xlsx``: the portal's 90-day export, taken on 21 Nov 2026;
* ``CapacityUsage_2026-10-01_EU.csv``: an earlier, overlapping 45-day export re-saved by Excel in
  a European locale (semicolons, decimal commas, UTF-8 with BOM), to show merging;
* ``roster.csv``: who is in which role, team and seniority, for chargeback.

The exports carry the portal's header names and its date format without a year
(``Sept 10, 08:30 AM``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from pathlib import Path

import numpy as np
import xlsxwriter

HERE = Path(__file__).resolve().parent
SEED = 20261121
EXPORT_TAKEN_ON = dt.date(2026, 11, 21)
EARLIER_EXPORT_TAKEN_ON = dt.date(2026, 10, 1)
HEADER = [
    "Date",
    "Units used",
    "Initiated by",
    "Session ID",
    "Category",
    "Type",
    "Copilot experience",
    "Plugins used",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]

# (name, role, team, seniority, sessions per weekday, home experience, main plugin)
PEOPLE = [
    (
        "Ben Heppard",
        "soc",
        "SOC Tier 1",
        "junior",
        9,
        "Embedded in Microsoft Defender XDR",
        "Microsoft Defender XDR",
    ),
    (
        "Amira Haddad",
        "soc",
        "SOC Tier 1",
        "junior",
        8,
        "Embedded in Microsoft Defender XDR",
        "Microsoft Defender XDR",
    ),
    ("Lars Nyström", "soc", "SOC Tier 1", "junior", 7, "Standalone", "Microsoft Defender XDR"),
    ("Chloé Martin", "soc", "SOC Tier 2", "senior", 6, "Standalone", "Microsoft Sentinel"),
    ("Tomasz Kowalski", "soc", "SOC Tier 2", "senior", 6, "Standalone", "Microsoft Sentinel"),
    (
        "Priya Raman",
        "soc",
        "SOC Tier 2",
        "senior",
        5,
        "Embedded in Microsoft Defender XDR",
        "Microsoft Defender XDR",
    ),
    (
        "李伟",
        "soc",
        "Threat Intelligence",
        "senior",
        4,
        "Standalone",
        "Microsoft Defender Threat Intelligence",
    ),
    ("NA", "soc", "SOC Tier 1", "junior", 3, "Embedded in Microsoft Defender XDR", "Microsoft Defender XDR"),
    ("Jonas Weber", "iam", "Identity", "senior", 4, "Embedded in Microsoft Entra", "Microsoft Entra"),
    ("Sofia Rossi", "iam", "Identity", "junior", 3, "Embedded in Microsoft Entra", "Microsoft Entra"),
    ("Kwame Mensah", "iam", "Identity", "junior", 3, "Standalone", "Microsoft Entra"),
    (
        "Ingrid Dahl",
        "dlp",
        "Data Protection",
        "senior",
        3,
        "Embedded in Microsoft Purview",
        "Microsoft Purview",
    ),
    (
        "Mateo Fernández",
        "dlp",
        "Data Protection",
        "junior",
        2,
        "Embedded in Microsoft Purview",
        "Microsoft Purview",
    ),
    (
        "Hannah Schmidt",
        "irm",
        "Insider Risk",
        "senior",
        2,
        "Embedded in Microsoft Purview",
        "Microsoft Purview",
    ),
    (
        "Oliver Brown",
        "ediscovery",
        "Legal & eDiscovery",
        "senior",
        1,
        "Embedded in Microsoft Purview",
        "Microsoft Purview",
    ),
    ("Grace O'Neill", "ciso", "Office of the CISO", "executive", 1, "Standalone", "Microsoft Defender XDR"),
    (
        "Ravi Patel",
        "it_admin",
        "Endpoint Management",
        "senior",
        4,
        "Embedded in Microsoft Intune",
        "Microsoft Intune",
    ),
    (
        "Emma Laurent",
        "it_admin",
        "Endpoint Management",
        "junior",
        3,
        "Embedded in Microsoft Intune",
        "Microsoft Intune",
    ),
    (
        "Yusuf Demir",
        "it_admin",
        "Endpoint Management",
        "junior",
        2,
        "Embedded in Microsoft Intune",
        "Microsoft Intune",
    ),
    (
        "Mia Johansson",
        "soc",
        "SOC Tier 1",
        "junior",
        6,
        "Embedded in Microsoft Defender XDR",
        "Microsoft Defender XDR",
    ),
    ("Diego Alvarez", "soc", "SOC Tier 2", "senior", 5, "Standalone", "Microsoft Sentinel"),
    ("Fatima Zahra", "iam", "Identity", "senior", 2, "Embedded in Microsoft Entra", "Microsoft Entra"),
    (
        "Noah Fischer",
        "soc",
        "SOC Tier 1",
        "junior",
        5,
        "Embedded in Microsoft Defender XDR",
        "Microsoft Defender XDR",
    ),
    (
        "Aoife Byrne",
        "dlp",
        "Data Protection",
        "junior",
        2,
        "Embedded in Microsoft Purview",
        "Microsoft Purview",
    ),
]
# (identity, runs per hour, plugin, experience): agents run around the clock.
AGENTS = [
    ("Phishing Triage Agent", 1.0, "Microsoft Defender XDR", "Embedded in Microsoft Defender XDR"),
    ("Conditional Access Optimization Agent", 0.25, "Microsoft Entra", "Embedded in Microsoft Entra"),
]
SECOND_PLUGIN = {
    "Microsoft Defender XDR": "Microsoft Sentinel",
    "Microsoft Sentinel": "Microsoft Defender Threat Intelligence",
    "Microsoft Entra": "Microsoft Intune",
    "Microsoft Intune": "Microsoft Entra",
    "Microsoft Purview": "Microsoft Entra",
    "Microsoft Defender Threat Intelligence": "Microsoft Defender XDR",
}
INCIDENT_DAYS = (dt.date(2026, 9, 15), dt.date(2026, 10, 20), dt.date(2026, 11, 10))
HOUR_WEIGHTS = np.array(
    [0, 0, 0, 0, 0, 0, 0.2, 0.5, 1.0, 1.4, 1.6, 1.3, 0.8, 1.2, 1.5, 1.3, 1.0, 0.6, 0.3, 0.1, 0, 0, 0, 0]
)


def simulate(
    rng: np.random.Generator, first: dt.date, last: dt.date
) -> list[tuple[dt.datetime, float, str, str, str, str, str, str]]:
    """Every session from ``first`` to ``last`` (local clock time, no time zone)."""
    rows: list[tuple[dt.datetime, float, str, str, str, str, str, str]] = []
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    day = first
    while day <= last:
        weekday = day.weekday() < 5
        factor = (0.85 if day.weekday() == 4 else 1.0) * (3.0 if day in INCIDENT_DAYS else 1.0)
        for name, _role, _team, _level, per_day, experience, plugin in PEOPLE:
            mean = per_day * factor if weekday else per_day * 0.05
            for _ in range(rng.poisson(mean)):
                hour = int(rng.choice(24, p=hour_p))
                start = dt.datetime.combine(day, dt.time(hour, int(rng.integers(60))))
                session = str(uuid.UUID(int=int(rng.integers(2**62)) << 64 | int(rng.integers(2**62))))
                category = "Promptbook" if rng.random() < 0.22 else "Prompt"
                exp = experience if rng.random() < 0.8 else "Standalone"
                plugins = plugin if rng.random() < 0.75 else f"{plugin}, {SECOND_PLUGIN[plugin]}"
                follow_ups = 1 + int(rng.random() < 0.15) + int(rng.random() < 0.05)
                for step in range(follow_ups):
                    units = round(
                        float(rng.lognormal(-1.6, 0.6)) * (2.5 if category == "Promptbook" else 1.0), 1
                    )
                    when = start + dt.timedelta(minutes=4 * step)
                    rows.append((when, units, name, session, category, "Prompt", exp, plugins))
        for identity, per_hour, plugin, experience in AGENTS:
            for hour in range(24):
                for _ in range(rng.poisson(per_hour * (2.0 if day in INCIDENT_DAYS else 1.0))):
                    when = dt.datetime.combine(day, dt.time(hour, int(rng.integers(60))))
                    session = str(uuid.UUID(int=int(rng.integers(2**62)) << 64 | int(rng.integers(2**62))))
                    units = round(float(rng.uniform(0.1, 0.5)), 1)
                    rows.append((when, units, identity, session, "Prompt", "Agent", experience, plugin))
        day += dt.timedelta(days=1)
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    return rows


def portal_date(when: dt.datetime) -> str:
    """The portal's format: 'Sept 10, 08:30 AM' (no year, 12-hour clock)."""
    hour12 = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{MONTHS[when.month - 1]} {when.day}, {hour12:02d}:{when.minute:02d} {half}"


def write_xlsx(path: Path, rows: list[tuple[dt.datetime, float, str, str, str, str, str, str]]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Capacity usage")
    sheet.write_row(0, 0, HEADER)
    for number, (when, units, *rest) in enumerate(reversed(rows), start=1):
        sheet.write_string(number, 0, portal_date(when))
        sheet.write_number(number, 1, units)
        for column, value in enumerate(rest, start=2):
            sheet.write_string(number, column, value)
    workbook.set_properties({"created": dt.datetime(2026, 11, 21)})
    workbook.close()


def write_eu_csv(path: Path, rows: list[tuple[dt.datetime, float, str, str, str, str, str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for when, units, *rest in rows:
        writer.writerow([portal_date(when), f"{units:.1f}".replace(".", ","), *rest])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_roster(path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["user", "role", "team", "seniority"])
    for name, role, team, level, *_ in PEOPLE:
        writer.writerow([name, role, team, level])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = simulate(rng, dt.date(2026, 8, 2), dt.date(2026, 11, 20))
    latest = [r for r in rows if r[0].date() >= EXPORT_TAKEN_ON - dt.timedelta(days=90)]
    earlier = [
        r
        for r in rows
        if EARLIER_EXPORT_TAKEN_ON - dt.timedelta(days=45) <= r[0].date() < EARLIER_EXPORT_TAKEN_ON
    ]
    write_xlsx(HERE / "CapacityUsage.xlsx", latest)
    write_eu_csv(HERE / "CapacityUsage_2026-10-01_EU.csv", earlier)
    write_roster(HERE / "roster.csv")
    print(f"{len(latest)} rows in the 90-day export, {len(earlier)} in the earlier one")


if __name__ == "__main__":
    main()
