"""A made-up team whose adoption is known by hand: two overlapping exports and a roster.

Weeks start on Monday; W1 is 7 Sep 2026 and W10 (9 to 15 Nov) the last; the data ends on Sunday
15 Nov 2026 (an agent run), so every week is whole.

* Ann uses it every Tuesday, W1 to W10 (Standalone, 0.5 SCU a prompt; on 10 Nov her session
  has a second row, a promptbook).
* Bob on the Mondays of W1 and W2, then nothing for six weeks, then W8 to W10 (Defender).
* Cat on the Mondays of W4, W5 and W6, then stops (Entra).
* Dan on the Wednesdays of W9 and W10 (Standalone, no plugin, 2 SCU a prompt); not in the roster.
* Eve is in the roster and never uses it.
* Agents: Phishing Triage Agent (Type "Agent") runs twice on 3 Nov (1 SCU each), once on 10 Nov
  (two rows of 1.5 SCU) and once on 15 Nov (2 SCU); "Contoso Triage Agent" (Type "Prompt", a
  custom agent's name) runs once on 8 Sep.

Export A covers 7 Sep to 18 Oct, export B 5 Oct to 15 Nov: the rows of 5 to 18 Oct are in both.
"""

from __future__ import annotations

import datetime as dt

from usage_builders import record, to_csv

AS_OF = dt.date(2026, 11, 20)
DEFENDER = "Embedded in Microsoft Defender XDR"


def _at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))


def all_records() -> list[list[object]]:
    rows: list[list[object]] = []
    ann_days = ["09-08", "09-15", "09-22", "09-29", "10-06", "10-13", "10-20", "10-27", "11-03", "11-10"]
    for n, day in enumerate(ann_days):
        rows.append(record(_at(f"2026-{day}"), 0.5, user="Ann", session=f"ann-{n}"))
    rows.append(record(_at("2026-11-10", 9, 30), 0.5, user="Ann", session="ann-9", category="Promptbook"))
    for n, day in enumerate(["09-07", "09-14", "10-26", "11-02", "11-09"]):
        rows.append(record(_at(f"2026-{day}", 10), 1.0, user="Bob", session=f"bob-{n}", experience=DEFENDER))
    for n, day in enumerate(["09-28", "10-05", "10-12"]):
        rows.append(
            record(
                _at(f"2026-{day}", 11),
                1.0,
                user="Cat",
                session=f"cat-{n}",
                experience="Embedded in Microsoft Entra",
                plugins="Microsoft Entra",
            )
        )
    for n, day in enumerate(["11-04", "11-11"]):
        rows.append(record(_at(f"2026-{day}", 14), 2.0, user="Dan", session=f"dan-{n}", plugins=""))
    agent = {"user": "Phishing Triage Agent", "kind": "Agent", "experience": DEFENDER}
    rows += [
        record(_at("2026-11-03", 1), 1.0, session="run-1", **agent),
        record(_at("2026-11-03", 2), 1.0, session="run-2", **agent),
        record(_at("2026-11-10", 1), 1.5, session="run-3", **agent),
        record(_at("2026-11-10", 1, 5), 1.5, session="run-3", **agent),
        record(_at("2026-11-15", 1), 2.0, session="run-4", **agent),
        record(_at("2026-09-08", 3), 0.7, user="Contoso Triage Agent", session="custom-1"),
    ]
    return rows


def exports() -> list[tuple[str, bytes]]:
    """Export A (7 Sep to 18 Oct) and export B (5 Oct to 15 Nov), overlapping on 5 to 18 Oct."""
    records = all_records()
    days = [_record_day(r) for r in records]
    a = [r for r, d in zip(records, days, strict=True) if d <= dt.date(2026, 10, 18)]
    b = [r for r, d in zip(records, days, strict=True) if d >= dt.date(2026, 10, 5)]
    return [("export_a.csv", to_csv(a)), ("export_b.csv", to_csv(b))]


_MONTHS = {"Sept": 9, "Oct": 10, "Nov": 11}


def _record_day(row: list[object]) -> dt.date:
    month, day = str(row[0]).split(",")[0].split()
    return dt.date(2026, _MONTHS[month], int(day))


ROSTER = (
    b"user,role,team,start date\n"
    b"Ann,soc,SOC Tier 1,2026-09-01\n"
    b"Bob,soc,SOC Tier 1,\n"
    b"Cat,iam,Identity,2026-09-21\n"
    b"Eve,iam,Identity,\n"
)
