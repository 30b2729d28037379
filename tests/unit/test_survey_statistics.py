"""Survey statistics computed independently: hand-worked medians and means, the bootstrap against
SciPy's and against its own coverage on a known population, and calibration to a share of hours."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from copilot_roi.case import FileIdentity, case_json, new_case, open_case, with_survey_time_saved
from copilot_roi.survey.answers import SurveyAnswer, SurveyAnswers
from copilot_roi.survey.calibration import calibrate, share_of_assisted_hours
from copilot_roi.survey.statistics import MIN_RESPONSES, bootstrap_mean_interval, summarise
from copilot_roi.usage.chargeback import Roster, RosterEntry

# Eleven SOC answers, worked by hand: sorted, the 6th is the median (60); the sum is 1,095.
SOC_MINUTES = [0, 30, 30, 45, 60, 60, 90, 120, 120, 240, 300]
SOC_MEAN = 1095 / 11


def answers_of(minutes_by_role: dict[str, list[float]], level: int = 4) -> SurveyAnswers:
    rows, row = [], 2
    for role, minutes in minutes_by_role.items():
        for m in minutes:
            statements = {
                "faster": level,
                "better_quality": None,
                "more_important_work": 5,
                "would_not_go_back": 1,
            }
            when = dt.date(2026, 11, 1 + row % 20)
            rows.append(
                SurveyAnswer(row, f"p{row}", role, when, float(m), ("Incident reports", "x"), statements)
            )
            row += 1
    return SurveyAnswers("s.csv", tuple(rows), ())


def test_median_mean_and_statement_counts_by_hand() -> None:
    summary = summarise(answers_of({"soc": SOC_MINUTES, "iam": [10, 20, 30]}))
    soc, iam = summary.roles
    assert (soc.role, soc.n, soc.median_minutes_per_week) == ("soc", 11, 60.0)
    assert soc.mean_minutes_per_week == pytest.approx(SOC_MEAN, abs=1e-12)
    assert soc.statements["faster"] == {1: 0, 2: 0, 3: 0, 4: 11, 5: 0}
    assert soc.statements["better_quality"] == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}  # unanswered is not a level
    assert soc.tasks == {"Incident triage and summaries": 0, "Script and file analysis": 0,
                         "Threat hunting queries": 0, "Incident reports": 11, "Other": 11}  # fmt: skip
    assert soc.latest_submitted == dt.date(2026, 11, 13)  # row 12: day 1 + 12
    # Three answers: too few for a figure; the role says so instead.
    assert (iam.n, iam.mean_minutes_per_week, iam.interval_low_minutes) == (3, None, None)
    assert iam.note() == f"too few answers (3; a figure needs at least {MIN_RESPONSES})"


def test_response_rate_against_the_roster_by_hand() -> None:
    roster = Roster(
        tuple(RosterEntry(user=f"u{i}", role="soc") for i in range(22))
        + tuple(RosterEntry(user=f"d{i}", role="dlp") for i in range(4)),
        [],
    )
    summary = summarise(answers_of({"soc": SOC_MINUTES}), roster)
    soc, dlp = summary.roles
    assert (soc.roster_headcount, soc.response_rate) == (22, 0.5)
    assert (dlp.role, dlp.n, dlp.response_rate) == ("dlp", 0, 0.0)
    assert summary.response_rate == pytest.approx(11 / 26)


def test_the_bootstrap_matches_scipys_percentile_bootstrap() -> None:
    minutes = np.array(SOC_MINUTES, dtype=float)
    low, high = bootstrap_mean_interval(minutes)
    reference = stats.bootstrap(
        (minutes,), np.mean, n_resamples=10_000, method="percentile", confidence_level=0.95,
        rng=np.random.default_rng(7),
    ).confidence_interval  # fmt: skip
    # Two independent Monte Carlo runs of 10,000 resamples agree to a few minutes.
    assert low == pytest.approx(reference.low, abs=6)
    assert high == pytest.approx(reference.high, abs=6)
    assert low < SOC_MEAN < high
    assert bootstrap_mean_interval(minutes) == (low, high)  # seeded: the same answers, the same interval


def test_the_95_percent_interval_covers_the_true_mean_in_90_to_99_percent_of_surveys() -> None:
    # 200 surveys of 30 answers from a gamma population (skewed like minutes saved): mean 2 x 30 = 60.
    population = np.random.default_rng(2026)
    covered = 0
    for _ in range(200):
        sample = population.gamma(shape=2.0, scale=30.0, size=30)
        low, high = bootstrap_mean_interval(sample)
        covered += low <= 60.0 <= high
    assert 180 <= covered <= 198, covered


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=2400, allow_nan=False), min_size=1, max_size=60))
def test_the_interval_lies_within_the_answers(minutes: list[float]) -> None:
    low, high = bootstrap_mean_interval(np.array(minutes), resamples=500)
    assert min(minutes) - 1e-9 <= low <= high <= max(minutes) + 1e-9


def test_minutes_become_a_share_of_the_assisted_hours() -> None:
    assert share_of_assisted_hours(90, 15) == pytest.approx(0.1)  # 1.5 h of 15 h
    assert share_of_assisted_hours(2400, 10) == 0.9  # capped at the model's limit
    with pytest.raises(ValueError, match="no hours on assisted tasks"):
        share_of_assisted_hours(60, 0)


def test_calibration_sets_the_mean_share_widens_the_band_and_skips_thin_roles() -> None:
    case = new_case()
    summary = summarise(answers_of({"soc": SOC_MINUTES, "iam": [10, 20, 30]}))
    scenario, records, skipped = calibrate(case.scenario, summary)
    hours = case.scenario.roles["soc"].hours_per_week_on_assisted_tasks  # 15 h in the expected preset
    soc = scenario.roles["soc"]
    assert soc.time_saved_share == round(SOC_MEAN / 60 / hours, 4)
    low, high = summary.roles[0].interval_low_minutes, summary.roles[0].interval_high_minutes
    study = case.scenario.roles["soc"].ranges.time_saved_share
    assert soc.ranges.time_saved_share.low == min(study.low, round(low / 60 / hours, 4))  # type: ignore[operator]
    assert soc.ranges.time_saved_share.high == max(study.high, round(high / 60 / hours, 4))  # type: ignore[operator]
    assert list(records) == ["soc"] and records["soc"].source() == "survey, n=11, Nov 2026"
    assert skipped == [f"IAM admin: too few answers (3; a figure needs at least {MIN_RESPONSES})"]
    assert scenario.roles["iam"] == case.scenario.roles["iam"]


def test_the_case_records_the_source_round_trips_and_forgets_it_when_the_value_moves() -> None:
    survey = FileIdentity.of("survey.xlsx", b"answers")
    case, skipped = with_survey_time_saved(new_case(), survey, summarise(answers_of({"soc": SOC_MINUTES})))
    assert skipped == []
    assert {r: s.source() for r, s in case.time_saved_sources().items()} == {"soc": "survey, n=11, Nov 2026"}
    assert open_case(case_json(case)) == case
    moved = case.scenario.roles["soc"].model_copy(update={"time_saved_share": 0.2})
    scenario = case.scenario.model_copy(update={"roles": case.scenario.roles | {"soc": moved}})
    assert case.with_scenario(scenario).time_saved_sources() == {}
    # An older case.json, without the survey fields, still opens.
    old = json.loads(case_json(new_case()))
    del old["survey"], old["time_saved_from_survey"]
    assert open_case(json.dumps(old)).time_saved_from_survey == {}
