"""Value realised to date (issue 21 item 3), worked by hand on a small export.

The export (UTC, the year from ``as_of``) covers 1 September 00:00 to 10 November 23:59, so
September (720 h) and October (744 h) are whole months and November is 240 of its 720 hours:
covered share 1/3. Three people are on the roster: Ann and Ben (SOC), Cat (IAM); Dan is on no
roster and uses no plugin, so no rule assigns him a role (measured for none). The Phishing
Triage Agent runs 3 times in September and 5 in October, each run its own session.

* September: SOC 2 active, IAM 1; October: SOC 1 (Ann), IAM 1; November: SOC 1 (Ben).
* Hours freed = people active x hours a week x 52/12 x time saved (x covered share), plus agent
  runs x minutes avoided / 60 (the line takes over SOC work). No cap binds: SOC's is 10 x 1,800
  / 12 = 1,500 h a month.
* Cost: 1 SCU provisioned around the clock at USD 4 an hour, no usage above it: 720 x 4 = 2,880
  in September (+ the 15,000 one-off), 744 x 4 = 2,976 in October, 240 x 4 = 960 in November.
"""

from __future__ import annotations

import datetime as dt

import pytest

from copilot_roi.plans import CapacityPlan
from copilot_roi.usage.chargeback import read_roster
from copilot_roi.usage.ingest import IngestOptions, ingest_files
from copilot_roi.value.agent_lines import preset_line
from copilot_roi.value.engine import compute
from copilot_roi.value.finance import WEEKS_PER_MONTH
from copilot_roi.value.realised import realised_to_date
from copilot_roi.value.scenario import Scenario, scenario_template

HEADER = "Date,Units used,Initiated by,Session ID,Category,Type,Copilot experience,Plugins used"
ROSTER = b"user,role\nAnn,soc\nBen,soc\nCat,iam\n"


def _row(when: str, units: float, who: str, session: str, kind: str = "Prompt") -> str:
    return f'"{when}",{units},{who},{session},Prompt,{kind},Standalone,'


def export() -> bytes:
    rows = [
        _row("Sep 1, 12:10 AM", 0.2, "Ann", "s1"),
        _row("Sep 3, 9:00 AM", 0.4, "Ben", "s2"),
        _row("Sep 4, 10:00 AM", 0.3, "Cat", "s3"),
        _row("Sep 5, 11:00 AM", 0.3, "Dan", "s4"),
        *[_row(f"Sep {d}, 2:00 PM", 0.5, "Phishing Triage Agent", f"a{d}", "Agent") for d in (10, 11, 12)],
        _row("Oct 2, 9:00 AM", 0.4, "Ann", "s5"),
        _row("Oct 8, 9:00 AM", 0.4, "Cat", "s6"),
        *[_row(f"Oct {d}, 2:00 PM", 0.5, "Phishing Triage Agent", f"b{d}", "Agent") for d in (1, 2, 3, 4, 5)],
        _row("Nov 3, 9:00 AM", 0.4, "Ben", "s7"),
        _row("Nov 10, 11:50 PM", 0.1, "Ben", "s8"),
    ]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def case_scenario() -> Scenario:
    base = scenario_template("expected")
    plan = CapacityPlan(provisioned_scu=1, overage="none")
    capacity = base.capacity.model_copy(update={"plan": plan})
    return base.model_copy(update={"capacity": capacity, "agents": [preset_line("phishing_triage")]})


@pytest.fixture(scope="module")
def realised():  # type: ignore[no-untyped-def]
    usage = ingest_files([("usage.csv", export())], IngestOptions(as_of=dt.date(2026, 11, 20)))
    roster = read_roster("roster.csv", ROSTER)
    return realised_to_date(case_scenario(), usage, roster)


def people_hours(scenario: Scenario, role: str, people: int, share: float) -> float:
    r = scenario.roles[role]
    return people * r.hours_per_week_on_assisted_tasks * WEEKS_PER_MONTH * r.time_saved_share * share


def test_months_coverage_and_people_active(realised) -> None:  # type: ignore[no-untyped-def]
    assert [m.month_label for m in realised.months] == ["2026-09", "2026-10", "2026-11"]
    assert [m.covered_share for m in realised.months] == pytest.approx([1.0, 1.0, 240 / 720])
    assert [(m.people_active["soc"], m.people_active["iam"]) for m in realised.months] == [
        (2, 1),
        (1, 1),
        (1, 0),
    ]
    assert [m.agent_runs["Phishing Triage Agent"] for m in realised.months] == [3, 5, 0]


def test_the_bill_is_exact(realised) -> None:  # type: ignore[no-untyped-def]
    assert [m.actual_capacity_cost for m in realised.months] == pytest.approx([2_880.0, 2_976.0, 960.0])
    assert realised.months[0].actual_cost == pytest.approx(2_880.0 + 15_000.0)
    assert realised.months[1].actual_cost == pytest.approx(2_976.0)


def test_hours_and_value_follow_the_cases_assumptions(realised) -> None:  # type: ignore[no-untyped-def]
    s = case_scenario()
    minutes = s.agents[0].analyst_minutes_avoided_per_run
    september = people_hours(s, "soc", 2, 1) + people_hours(s, "iam", 1, 1) + 3 * minutes / 60
    november = people_hours(s, "soc", 1, 240 / 720)
    assert realised.months[0].actual_hours_freed == pytest.approx(september)
    assert realised.months[2].actual_hours_freed == pytest.approx(november)
    soc, iam = s.roles["soc"], s.roles["iam"]
    value = (
        people_hours(s, "soc", 2, 1) * soc.loaded_cost_per_hour
        + people_hours(s, "iam", 1, 1) * iam.loaded_cost_per_hour
        + 3 * minutes / 60 * soc.loaded_cost_per_hour  # the line takes over SOC work, at SOC's cost
    ) * s.realisation_rate
    assert realised.months[0].actual_value == pytest.approx(value)


def test_the_forecast_is_the_cases_own_month_scaled_to_the_covered_hours(realised) -> None:  # type: ignore[no-untyped-def]
    forecast = compute(case_scenario()).monthly
    november = realised.months[2]
    assert november.forecast_value == pytest.approx((forecast[2].value + forecast[2].other_benefits) / 3)
    assert november.forecast_cost == pytest.approx(forecast[2].cost / 3)
    assert realised.months[0].forecast_cost == pytest.approx(
        (forecast[0].cost - forecast[0].one_off_cost) + forecast[0].one_off_cost
    )
    nets = [m.actual_net for m in realised.months]
    assert realised.actual_cumulative_net == pytest.approx([nets[0], nets[0] + nets[1], sum(nets)])


def test_the_sentence_names_the_gap_and_why(realised) -> None:  # type: ignore[no-untyped-def]
    text = realised.sentence()
    gap = realised.actual_cumulative_net[-1] - realised.forecast_cumulative_net[-1]
    assert ("ahead of" if gap > 0 else "behind") in text
    assert f"USD {abs(gap):,.0f}" in text
    assert "Adoption: 1 person active in Nov 2026 against" in text
    assert "Partly covered months (Nov 2026)" in text


def test_a_kept_history_gives_the_same_months_by_hand(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same export kept in a customer's history (pseudonymised at rest, names kept apart) and
    read back: the same bill, people and hours as worked by hand above."""
    from copilot_roi.history.store import HistoryStore

    monkeypatch.setenv("COPILOT_ROI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COPILOT_ROI_HISTORY_URL", raising=False)
    store = HistoryStore()
    store.add("Contoso", ingest_files([("usage.csv", export())], IngestOptions(as_of=dt.date(2026, 11, 20))))
    kept = realised_to_date(case_scenario(), store.load("Contoso", "UTC"), read_roster("roster.csv", ROSTER))
    s = case_scenario()
    minutes = s.agents[0].analyst_minutes_avoided_per_run
    assert [m.actual_capacity_cost for m in kept.months] == pytest.approx([2_880.0, 2_976.0, 960.0])
    assert [(m.people_active["soc"], m.people_active["iam"]) for m in kept.months] == [(2, 1), (1, 1), (1, 0)]
    september = people_hours(s, "soc", 2, 1) + people_hours(s, "iam", 1, 1) + 3 * minutes / 60
    assert kept.months[0].actual_hours_freed == pytest.approx(september)
