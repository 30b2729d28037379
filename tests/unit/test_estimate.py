"""Estimated usage profiles: totals follow the assumptions; shape and window are respected."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.estimate import (
    RULES_OF_THUMB,
    AgentUsage,
    EstimateInputs,
    PeopleUsage,
    build_profile,
    rule_of_thumb_level,
)


def test_people_work_only_in_working_hours_and_agents_run_around_the_clock() -> None:
    inputs = EstimateInputs(
        people=(PeopleUsage(role="soc", users=10, prompts_per_user_per_day=4, scu_per_prompt=0.5),),
        agents=(AgentUsage(name="triage", runs_per_day=48, scu_per_run=0.5),),
    )
    profile = build_profile(inputs, hours=168)
    index = profile.index
    outside = (index.hour < 8) | (index.hour >= 18) | (index.day_of_week >= 5)
    assert np.allclose(profile.units_scu[outside], 1.0)  # 24 SCU a day of agents = 1 per hour
    assert profile.units_scu.sum() == pytest.approx(5 * 20 + 7 * 24)


def test_peak_to_average_sets_the_busiest_working_hour() -> None:
    inputs = EstimateInputs(
        people=(PeopleUsage(role="soc", users=10, prompts_per_user_per_day=10, scu_per_prompt=1),),
        agents=(),
        peak_to_average=2.0,
    )
    profile = build_profile(inputs, hours=24)  # a Monday
    working = profile.units_scu[8:18]
    assert working.max() / working.mean() == pytest.approx(2.0)


def test_rules_of_thumb_are_labelled_assumptions_with_sources() -> None:
    assert {r.label for r in RULES_OF_THUMB} == {"assumption"}
    assert all(r.source for r in RULES_OF_THUMB)
    assert rule_of_thumb_level(embedded=3, standalone=1, automations=0) == 7


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError):
        EstimateInputs(work_start_hour=18, work_end_hour=8)
    with pytest.raises(ValueError):
        PeopleUsage(role="soc", users=-1, prompts_per_user_per_day=1, scu_per_prompt=1)
    with pytest.raises(ValueError):
        PeopleUsage(role="soc", users=1, prompts_per_user_per_day=float("nan"), scu_per_prompt=1)


@settings(max_examples=40, deadline=None)
@given(users=st.integers(0, 500), prompts=st.floats(0, 50), scu=st.floats(0, 10), peak=st.floats(1, 4))
def test_weekly_total_matches_assumptions(users: int, prompts: float, scu: float, peak: float) -> None:
    inputs = EstimateInputs(
        people=(PeopleUsage(role="soc", users=users, prompts_per_user_per_day=prompts, scu_per_prompt=scu),),
        agents=(),
        peak_to_average=peak,
    )
    profile = build_profile(inputs, hours=168)
    assert profile.units_scu.sum() == pytest.approx(5 * users * prompts * scu, rel=1e-9, abs=1e-9)
    assert (profile.units_scu >= 0).all()
