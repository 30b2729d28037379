"""What a share link leaves out: named for the reader, and exactly what the round trip loses."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.business.share_link import encode, left_out, scenario_from_params
from copilot_roi.value.scenario import (
    Adoption,
    AgentLine,
    AgentRanges,
    Band,
    OtherBenefit,
    Scenario,
    scenario_template,
)
from copilot_roi.value.workshop import role_key, scenario_from_values

TEMPLATE = scenario_template("expected")


def _agent(name: str) -> AgentLine:
    return AgentLine(
        agent=name,
        runs_per_month=300,
        scu_per_run=0.8,
        analyst_minutes_avoided_per_run=10,
        ranges=AgentRanges(
            scu_per_run=Band(low=0.5, high=1.2), analyst_minutes_avoided_per_run=Band(low=5, high=20)
        ),
    )


# Each change a partner can make that the link does not carry, with the words it must produce.
NOT_IN_LINK: dict[str, tuple[dict[str, Any], str]] = {
    "plan": (
        {
            "capacity": TEMPLATE.capacity.model_copy(
                update={"plan": TEMPLATE.capacity.plan.model_copy(update={"provisioned_scu": 3})}
            )
        },
        "the capacity plan",
    ),
    "agents": (
        {"agents": [_agent("Phishing Triage Agent"), _agent("Conditional Access Optimization Agent")]},
        "2 agent lines",
    ),
    "one_off": (
        {"one_off_costs": TEMPLATE.one_off_costs.model_copy(update={"training": 0})},
        "one-off costs",
    ),
    "ramp": (
        {
            "roles": TEMPLATE.roles
            | {
                "soc": TEMPLATE.roles["soc"].model_copy(
                    update={"adoption": Adoption(starting_share=0.9, months_to_full=4)}
                )
            }
        },
        "SOC analyst: adoption ramp",
    ),
    "benefit": (
        {"other_benefits": [OtherBenefit(name="Retired SOAR licence", per_year=[20_000], source="invoice")]},
        "1 other benefit line",
    ),
    "fte": ({"hours_per_fte_year": 1_600}, "hours per FTE year"),
}


def test_the_templates_and_their_main_inputs_travel_whole() -> None:
    for preset in ("low", "expected", "high"):
        assert left_out(scenario_template(preset)) == []  # type: ignore[arg-type]
    # A workshop's slider moves: all in the link (a band widened to hold a value widens again).
    moved = scenario_from_values(
        TEMPLATE,
        {
            role_key("soc", "saved_pct"): 60.0,
            role_key("iam", "headcount"): 40,
            "horizon": 24,
            "realisation_pct": 90.0,
        },
    )
    assert left_out(moved) == []
    assert scenario_from_params(encode(moved))[0] == moved


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(NOT_IN_LINK))))
def test_each_change_the_link_cannot_carry_is_named_and_nothing_else(changes: set[str]) -> None:
    update: dict[str, Any] = {}
    for name in changes:
        update |= NOT_IN_LINK[name][0]
    scenario = Scenario.model_validate(TEMPLATE.model_dump() | {k: _dumped(v) for k, v in update.items()})
    named = left_out(scenario)
    assert sorted(named) == sorted(NOT_IN_LINK[name][1] for name in changes)
    # Empty exactly when the link reopens the very same scenario.
    assert (named == []) == (scenario_from_params(encode(scenario))[0] == scenario)


def _dumped(value: Any) -> Any:
    if isinstance(value, list):
        return [_dumped(v) for v in value]
    if isinstance(value, dict):
        return {k: _dumped(v) for k, v in value.items()}
    return value.model_dump() if hasattr(value, "model_dump") else value
