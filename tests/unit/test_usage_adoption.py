"""Adoption figures: a team worked out by hand (adoption_fixture.py), the bundled sample against a
plain loop over sets of people, and random activity against the same loop."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from adoption_fixture import AS_OF, ROSTER, exports
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.usage import IngestOptions, ingest_files, ingest_paths
from copilot_roi.usage.adoption import DEFINITIONS, Adoption, measure_adoption
from copilot_roi.usage.chargeback import read_roster

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
D = dt.date


def fixture_adoption(as_of: dt.date | None = None, with_roster: bool = False) -> Adoption:
    data = ingest_files(exports(), IngestOptions(as_of=AS_OF))
    roster = read_roster("roster.csv", ROSTER) if with_roster else None
    return measure_adoption(data.frame, as_of=as_of, roster=roster)


def test_overlapping_exports_count_each_session_once() -> None:
    a, b = exports()
    both = ingest_files([a, b], IngestOptions(as_of=AS_OF))
    assert both.quality.duplicates_removed == 4  # Ann 6 and 13 Oct, Cat 5 and 12 Oct
    reversed_order = ingest_files([b, a], IngestOptions(as_of=AS_OF))
    assert measure_adoption(both.frame).as_dict() == measure_adoption(reversed_order.frame).as_dict()


def test_headline_figures_by_hand() -> None:
    a = fixture_adoption()
    assert a.window_ends_on == D(2026, 11, 15)  # the agent's last run: the last day of the data
    assert a.people == 4  # Ann, Bob, Cat, Dan; the two agents are not people
    assert a.active_people_day == 0  # nobody on Sunday 15 Nov
    assert a.active_people_week == 3  # Ann, Bob, Dan
    assert a.active_people_28d == 3  # 19 Oct to 15 Nov: Ann, Bob, Dan (Cat last on 12 Oct)
    assert a.habitual_people == 2  # Ann (4 of 4 blocks), Bob (26 Oct, 2 Nov, 9 Nov); Dan 2 of 4
    assert a.lapsed_people == 1  # Cat
    assert not a.short_window


def test_weekly_rows_by_hand() -> None:
    weekly = fixture_adoption().weekly
    got = [
        (w.week_start, w.active_people, w.new, w.returning, w.reactivated, w.lapsed, w.active_people_28d)
        for w in weekly
    ]
    assert got == [
        (D(2026, 9, 7), 2, 2, 0, 0, 0, 2),  # Ann, Bob appear
        (D(2026, 9, 14), 2, 0, 2, 0, 0, 2),
        (D(2026, 9, 21), 1, 0, 1, 0, 0, 2),  # Bob's last session was 14 Sep: not lapsed yet
        (D(2026, 9, 28), 2, 1, 1, 0, 0, 3),  # Cat appears
        (D(2026, 10, 5), 2, 0, 2, 0, 0, 3),
        (D(2026, 10, 12), 2, 0, 2, 0, 1, 2),  # Bob: nothing from 21 Sep to 18 Oct -> lapsed
        (D(2026, 10, 19), 1, 0, 1, 0, 1, 2),
        (D(2026, 10, 26), 2, 0, 1, 1, 0, 3),  # Bob back after 41 days: reactivated
        (D(2026, 11, 2), 3, 1, 2, 0, 0, 4),  # Dan appears; Cat still within 28 days (12 Oct)
        (D(2026, 11, 9), 3, 0, 3, 0, 1, 3),  # Cat lapsed (nothing 19 Oct to 15 Nov)
    ]
    assert [w.look_back_complete for w in weekly] == [False] * 4 + [True] * 6  # 28 days before 5 Oct
    assert all(w.days_of_data == 7 for w in weekly)


def test_time_to_habitual_by_hand() -> None:
    # Ann: weeks 1-3, habitual at her 22 Sep session, 14 days after 8 Sep; Cat: weeks 4-6, 12 Oct,
    # 14 days after 28 Sep; Bob: weeks 8-10, 9 Nov, 63 days after 7 Sep. Dan never (2 weeks).
    assert sorted(fixture_adoption().time_to_habitual_days) == [14, 14, 63]
    # From the roster's start dates: Ann 1 Sep -> 21 days, Cat 21 Sep -> 21; Bob has none (63).
    with_roster = fixture_adoption(with_roster=True)
    assert sorted(with_roster.time_to_habitual_days) == [21, 21, 63]
    assert with_roster.median_time_to_habitual_days == 21.0


def test_funnel_with_and_without_roster_by_hand() -> None:
    rows = {r.group: (r.in_roster, r.ever_used, r.active_28d, r.habitual) for r in fixture_adoption().funnel}
    # Without a roster the first stage is unknown (None); roles from the plugin rules.
    assert rows == {"soc": (None, 2, 2, 2), "iam": (None, 1, 0, 0), "unassigned": (None, 1, 1, 0)}
    with_roster = fixture_adoption(with_roster=True)
    rows = {r.group: (r.in_roster, r.ever_used, r.active_28d, r.habitual) for r in with_roster.funnel}
    assert rows == {
        "soc": (2, 2, 2, 2),
        "iam": (2, 1, 0, 0),  # Eve never used it; Cat lapsed
        "not in the roster": (None, 1, 1, 0),  # Dan
    }
    teams = {r.group: (r.in_roster, r.ever_used) for r in with_roster.funnel_by_team}
    assert teams == {"SOC Tier 1": (2, 2), "Identity": (2, 1), "not in the roster": (None, 1)}


def test_intensity_by_hand() -> None:
    a = fixture_adoption()
    rows = {r["experience"]: r for r in (row.as_dict() for row in a.intensity)}
    # 19 Oct to 15 Nov. Standalone: Ann 5 rows in 4 sessions, 2.5 SCU; Dan 2 rows, 4 SCU.
    standalone = rows["Standalone"]
    assert (standalone["active_people"], standalone["sessions"], standalone["prompts"]) == (2, 6, 7)
    assert standalone["scu_per_active_person"] == 3.25
    assert standalone["sessions_per_active_person"] == 3.0
    defender = rows["Embedded in Microsoft Defender XDR"]  # Bob only: agent runs are not a person's
    assert (defender["active_people"], defender["sessions"], defender["prompts"], defender["units_scu"]) == (
        1,
        3,
        3,
        3.0,
    )
    everything = rows["All experiences"]
    assert (everything["active_people"], everything["sessions"], everything["prompts"]) == (3, 9, 10)
    assert everything["units_scu"] == 9.5
    assert a.promptbook_share == 0.1  # Ann's one promptbook row of 10
    assert a.plugin_share == {"Microsoft Defender XDR": 0.8, "(not recorded)": 0.2}


def test_agents_apart_by_hand() -> None:
    weeks = [w.as_dict() for w in fixture_adoption().agent_weeks]
    assert weeks == [
        {"agent": "Contoso Triage Agent", "week_start": "2026-09-07", "runs": 1, "units_scu": 0.7,
         "runs_per_day": round(1 / 7, 6), "scu_per_run": 0.7},
        {"agent": "Phishing Triage Agent", "week_start": "2026-11-02", "runs": 2, "units_scu": 2.0,
         "runs_per_day": round(2 / 7, 6), "scu_per_run": 1.0},
        {"agent": "Phishing Triage Agent", "week_start": "2026-11-09", "runs": 2, "units_scu": 5.0,
         "runs_per_day": round(2 / 7, 6), "scu_per_run": 2.5},
    ]  # fmt: skip


def test_as_of_ends_every_window_and_short_windows_are_flagged() -> None:
    a = fixture_adoption(as_of=D(2026, 10, 18))
    assert (a.window_ends_on, a.people, a.active_people_28d, a.habitual_people, a.lapsed_people) == (
        D(2026, 10, 18),
        3,
        2,  # Ann, Cat (21 Sep to 18 Oct)
        2,  # Ann 4 blocks, Cat 3
        1,  # Bob
    )
    assert len(a.weekly) == 6
    short = fixture_adoption(as_of=D(2026, 9, 20))
    assert short.days_of_data == 14 and short.short_window
    assert any("only 14 days" in note for note in short.flags())
    with pytest.raises(ValueError, match="no usage rows on or before"):
        fixture_adoption(as_of=D(2026, 9, 1))


def test_every_json_key_has_one_definition() -> None:
    payload = fixture_adoption(with_roster=True).as_dict()
    assert payload["definitions"] == DEFINITIONS
    for key in ("people", "active_people_28d", "habitual_people", "lapsed_people", "window_ends_on"):
        assert key in DEFINITIONS and key in payload
    for key in ("week_start", "active_people", "new", "returning", "reactivated", "lapsed"):
        assert f"weekly.{key}" in DEFINITIONS and key in payload["weekly"][0]
    for key in ("in_roster", "ever_used", "active_28d", "habitual"):
        assert f"funnel.{key}" in DEFINITIONS and key in payload["funnel"][0]


# --- an independent, plain computation: sets of people, one week at a time --------------------


def plain_weekly(activity: dict[str, set[dt.date]], end: dt.date) -> list[tuple[object, ...]]:
    first_day = min(min(days) for days in activity.values())
    monday = first_day - dt.timedelta(days=first_day.weekday())
    firsts = {p: min(days) for p, days in activity.items()}
    rows = []
    while monday <= end:
        last = min(monday + dt.timedelta(days=6), end)
        active = {p for p, days in activity.items() if any(monday <= d <= last for d in days)}
        new = {p for p in active if monday <= firsts[p] <= last}
        returning = {
            p for p in active - new if any(monday - dt.timedelta(days=28) <= d < monday for d in activity[p])
        }
        recent = {
            p for p, days in activity.items() if any(last - dt.timedelta(days=27) <= d <= last for d in days)
        }
        started = {p for p in activity if firsts[p] <= last}
        rows.append(
            (
                monday,
                len(active),
                len(new),
                len(returning),
                len(active - new - returning),
                len(started - recent),
                len(recent),
            )
        )
        monday += dt.timedelta(days=7)
    return rows


def plain_habitual(activity: dict[str, set[dt.date]], end: dt.date) -> int:
    count = 0
    for days in activity.values():
        blocks = {(end - d).days // 7 for d in days if 0 <= (end - d).days < 28}
        count += len(blocks) >= 3
    return count


def plain_time_to_habitual(activity: dict[str, set[dt.date]]) -> list[int]:
    out = []
    for days in activity.values():
        mondays = sorted({d - dt.timedelta(days=d.weekday()) for d in days})
        for monday in mondays:
            window = [m for m in mondays if monday - dt.timedelta(days=21) <= m <= monday]
            if len(window) >= 3:
                out.append((min(d for d in days if d >= monday) - min(days)).days)
                break
    return sorted(out)


def test_bundled_sample_matches_a_plain_loop() -> None:
    data = ingest_paths(
        [SAMPLE / "CapacityUsage.xlsx", SAMPLE / "CapacityUsage_2026-10-01_EU.csv"],
        IngestOptions(as_of=D(2026, 11, 21)),
    )
    frame = data.frame
    people = frame[frame["type"].astype(str) != "Agent"]
    activity: dict[str, set[dt.date]] = {}
    for user, when in zip(people["user"].astype(str), people["started_at"], strict=True):
        activity.setdefault(user, set()).add(when.date())
    end = max(when.date() for when in frame["started_at"])
    # A later as-of (the sample is steady otherwise) and an earlier one, to see people come and go.
    for as_of in (None, D(2026, 9, 30)):
        stop = as_of or end
        seen = {p: {d for d in days if d <= stop} for p, days in activity.items()}
        seen = {p: days for p, days in seen.items() if days}
        a = measure_adoption(frame, as_of=as_of)
        got = [
            (w.week_start, w.active_people, w.new, w.returning, w.reactivated, w.lapsed, w.active_people_28d)
            for w in a.weekly
        ]
        assert got == plain_weekly(seen, stop)
        assert a.people == len(seen) == 24
        assert a.habitual_people == plain_habitual(seen, stop)
        daily = {d: n for d, n in zip(a.daily["day"], a.daily["active_people"], strict=True)}
        assert daily[stop] == sum(stop in days for days in seen.values())


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["p1", "p2", "p3", "p4", "p5"]),
        st.sets(st.integers(min_value=0, max_value=120), min_size=1, max_size=30),
        min_size=1,
    ),
    st.integers(min_value=0, max_value=6),
)
def test_random_activity_matches_a_plain_loop(days_by_person: dict[str, set[int]], shift: int) -> None:
    origin = D(2026, 6, 1) + dt.timedelta(days=shift)
    activity = {p: {origin + dt.timedelta(days=d) for d in days} for p, days in days_by_person.items()}
    rows = [(p, d) for p, days in activity.items() for d in sorted(days)]
    frame = pd.DataFrame(
        {
            "started_at": pd.to_datetime([d for _, d in rows]).tz_localize("Europe/Paris"),
            "user": [p for p, _ in rows],
            "units_scu": 1.0,
            "session_id": [f"{p}-{d}" for p, d in rows],
            "category": "Prompt",
            "type": "Prompt",
            "experience": "Standalone",
            "plugins": "",
        }
    )
    a = measure_adoption(frame)
    end = max(d for _, d in rows)
    got = [
        (w.week_start, w.active_people, w.new, w.returning, w.reactivated, w.lapsed, w.active_people_28d)
        for w in a.weekly
    ]
    assert got == plain_weekly(activity, end)
    assert a.habitual_people == plain_habitual(activity, end)
    assert sorted(a.time_to_habitual_days) == plain_time_to_habitual(activity)
    assert all(w.new + w.returning + w.reactivated == w.active_people for w in a.weekly)


def test_roster_start_date_is_optional_loosely_named_and_checked() -> None:
    roster = read_roster("r.csv", b"User;Role;Started on\nAnn;soc;2026-09-01\nBob;soc;\nCat;iam;01/09/2026\n")
    assert {e.user: e.start_date for e in roster.entries} == {"Ann": D(2026, 9, 1), "Bob": None}
    assert roster.rejections == [(4, "Value error, start date '01/09/2026' is not a date (YYYY-MM-DD)")]
    assert all(e.start_date is None for e in read_roster("r.csv", b"user,role\nAnn,soc\n").entries)


def test_arrow_rows_in_chunks_with_their_own_dictionaries_give_the_same_figures(tmp_path: Path) -> None:
    """A Parquet history reads back as chunks, text dictionary-encoded per file: same figures."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from copilot_roi.usage.adoption import TEXT_COLUMNS, measure_adoption_table

    frame = ingest_files(exports(), IngestOptions(as_of=AS_OF)).frame.sort_values("started_at")
    half = len(frame) // 2
    paths = []
    for n, part in enumerate((frame.iloc[:half], frame.iloc[half:])):
        table = pa.table(
            {
                "started_at": pa.array(part["started_at"]),
                "units_scu": pa.array(part["units_scu"].to_numpy()),
                **{c: pa.array(part[c].astype(str).to_numpy()) for c in TEXT_COLUMNS},
            }
        )
        pq.write_table(table, tmp_path / f"{n}.parquet")
        paths.append(tmp_path / f"{n}.parquet")
    read = pa.concat_tables([pq.read_table(p, read_dictionary=list(TEXT_COLUMNS)) for p in paths])
    assert read.column("user").num_chunks == 2
    assert measure_adoption_table(read).as_dict() == measure_adoption(frame).as_dict()


def test_an_export_of_agents_only_has_no_people_and_no_error() -> None:
    frame = ingest_files(exports(), IngestOptions(as_of=AS_OF)).frame
    agents = frame[frame["user"].astype(str).str.endswith("Agent")]
    a = measure_adoption(agents)
    assert (a.people, a.active_people_28d, a.habitual_people, a.time_to_habitual_days) == (0, 0, 0, ())
    assert all(w.active_people == 0 for w in a.weekly) and a.funnel == () and a.intensity == ()
    assert len(a.agent_weeks) == 3
