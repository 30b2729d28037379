"""The fast rate card equals a plain, row-by-row computation of the same definitions.

The reference below reads one row at a time: a row is an agent run when its `Type` contains
"agent" or its initiator is a known agent product; a run is one (initiator, session id) pair,
a row without a session id a run of its own; each run counts in the local hour of the week of
its earliest row; quantiles are numpy.percentile's, per agent.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.usage.agent_names import is_agent_identity, is_known_agent
from copilot_roi.usage.agents import RateCard, export_days, rate_card
from copilot_roi.usage.analytics import BLANK_LABEL

# Names that differ only in case and spacing are one product for detection but stay
# separate initiators in the card (it groups by the text as written).
INITIATORS = [
    "Phishing Triage Agent",
    "phishing  triage AGENT",
    " Conditional Access Optimization Agent (Entra)",
    "Contoso Mail Agent",
    "Ann",
    "ann",
    "ben.agent@contoso.com",
    "",
    None,
]
KINDS = ["Agent", "agent run", "Prompt", "", None]
SESSIONS = ["s1", "s2", "S1", "s3", "", None]
ZONES = ["Europe/Paris", "America/St_Johns", "Asia/Kolkata", "UTC"]
# 20-30 October 2026: Paris and St John's leave summer time on the 25th.
START = pd.Timestamp("2026-10-20", tz="UTC")

ROW = st.tuples(
    st.integers(0, 10 * 24 * 60 - 1),  # minutes after START
    st.integers(0, 40),  # tenths of an SCU
    st.sampled_from(INITIATORS),
    st.sampled_from(KINDS),
    st.sampled_from(SESSIONS),
)


def frame_of(
    rows: list[tuple[int, int, str | None, str | None, str | None]], zone: str, text: str
) -> pd.DataFrame:
    """A usage frame as ingest makes it (Arrow strings) or as pseudonymising leaves it (categories)."""
    started = pd.DatetimeIndex([START + pd.Timedelta(minutes=m) for m, *_ in rows]).tz_convert(zone)
    columns = {
        "user": [r[2] for r in rows],
        "type": [r[3] for r in rows],
        "session_id": [r[4] for r in rows],
    }
    dtype = "category" if text == "category" else "string[pyarrow]"
    return pd.DataFrame(
        {
            "started_at": started,
            "units_scu": [r[1] / 10 for r in rows],
            **{name: pd.Series(values, dtype=dtype) for name, values in columns.items()},
        }
    )


def reference_card(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Per initiator: runs, SCUs, percentiles and runs per hour of week, one row at a time."""
    runs: dict[tuple[str, object], list[tuple[pd.Timestamp, float]]] = defaultdict(list)
    for number, (started, units, user, kind, session) in enumerate(
        frame[["started_at", "units_scu", "user", "type", "session_id"]].itertuples(index=False)
    ):
        user = "" if pd.isna(user) else str(user)
        kind = "" if pd.isna(kind) else str(kind)
        session = "" if pd.isna(session) else str(session)
        if "agent" in kind.lower() or is_known_agent(user):
            runs[(user, session if session else ("row", number))].append((started, units))
    out: dict[str, dict[str, object]] = {}
    for (user, _), run_rows in runs.items():
        entry = out.setdefault(user, {"per_run": [], "hours": [0] * 168, "days": []})
        entry["per_run"].append(sum(u for _, u in run_rows))  # type: ignore[union-attr]
        first = min(t for t, _ in run_rows)
        entry["hours"][first.day_of_week * 24 + first.hour] += 1  # type: ignore[index]
        entry["days"].append(first.date())  # type: ignore[union-attr]
    return out


def assert_matches(card: RateCard, frame: pd.DataFrame) -> None:
    expected = reference_card(frame)
    assert sorted(a.agent for a in card.agents) == sorted(u or BLANK_LABEL for u in expected)
    total = sum(frame["units_scu"])
    assert card.total_units == pytest.approx(total, abs=1e-6)
    local_days = frame["started_at"].dt.tz_localize(None).dt.normalize()
    days = (local_days.max() - local_days.min()).days + 1 if len(frame) else 0
    assert card.days == days == export_days(frame)
    for rate in card.agents:
        (user,) = [u for u in expected if (u or BLANK_LABEL) == rate.agent]
        per_run = np.array(expected[user]["per_run"])
        p10, median, p90 = np.percentile(per_run, [10, 50, 90])
        assert rate.runs == len(per_run)
        assert rate.total_units == pytest.approx(per_run.sum(), abs=1e-6)
        assert rate.units_per_run_p10 == pytest.approx(p10, abs=1e-6)
        assert rate.units_per_run_median == pytest.approx(median, abs=1e-6)
        assert rate.units_per_run_p90 == pytest.approx(p90, abs=1e-6)
        assert rate.runs_per_day == pytest.approx(len(per_run) / card.days, abs=1e-6)
        run_days = expected[user]["days"]
        active = (max(run_days) - min(run_days)).days + 1  # type: ignore[type-var, operator]
        assert rate.runs_per_active_day == pytest.approx(len(per_run) / active, abs=1e-6)
        assert rate.share_of_units == pytest.approx(per_run.sum() / total if total else 0.0, abs=1e-6)
        assert list(rate.runs_by_hour_of_week) == expected[user]["hours"]
        assert rate.is_person == (bool(user) and not is_agent_identity(user))
    shown = [(-a.total_units, a.agent) for a in card.agents]
    assert shown == sorted(shown)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(ROW, min_size=1, max_size=60),
    st.sampled_from(ZONES),
    st.sampled_from(["arrow", "category"]),
    st.integers(0, 3),
)
def test_rate_card_equals_a_row_by_row_reference(
    rows: list[tuple[int, int, str | None, str | None, str | None]], zone: str, text: str, drop_every: int
) -> None:
    frame = frame_of(rows, zone, text)
    if drop_every:  # a filtered frame keeps its original index, as the page passes it
        frame = frame.loc[frame.index % (drop_every + 1) != 0]
    assert_matches(rate_card(frame), frame)


def test_categories_that_read_the_same_are_one_initiator() -> None:
    """A categorical column with a missing value and a blank category: both are '(not recorded)'."""
    frame = frame_of([(0, 5, "", "Agent", "a"), (60, 7, None, "Agent", "a")], "UTC", "category")
    frame["user"] = frame["user"].cat.set_categories(["", "x"])
    (rate,) = rate_card(frame).agents
    assert (rate.agent, rate.runs, rate.total_units) == (BLANK_LABEL, 1, 1.2)


def test_export_days_counts_calendar_days_across_a_spring_forward() -> None:
    """1 March to 1 April in Paris is 32 days, though its midnights are 31 days less an hour apart."""
    started = pd.DatetimeIndex(["2026-03-01 10:00", "2026-04-01 10:00"]).tz_localize("Europe/Paris")
    assert export_days(pd.DataFrame({"started_at": started})) == 32
