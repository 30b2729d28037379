"""Anything the scenario model accepts, from a file or a link, opens the value pages without an error.

Scenarios and links are generated at and between the model's own limits (``field_bounds``), so a
widget narrower than the model, or a codec wider or narrower, fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from case_session import case_scenario, put_scenario
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from copilot_roi.business.share_link import encode
from copilot_roi.plans import CapacityPlan
from copilot_roi.roles import role_ids
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.scenario import (
    Adoption,
    AgentLine,
    AgentRanges,
    Band,
    CapacitySizing,
    OneOffCosts,
    RoleScenario,
    Scenario,
    scenario_template,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from scenario_extremes import worst_case_scenario

APP = Path(__file__).resolve().parents[2] / "app.py"
# Each example opens the app twice (a few seconds each): enough to hit the ends and a middle.
EXAMPLES = 8


def bounded(model: type[Any], name: str, whole: bool = False) -> st.SearchStrategy[float]:
    """A value of ``model.name``: either end of its limits, or one between them."""
    low, high = field_bounds(model, name)
    if whole:
        return st.one_of(st.sampled_from([int(low), int(high)]), st.integers(int(low), int(high)))
    between = st.floats(low, high, allow_nan=False).map(lambda x: min(max(round(x, 4), low), high))
    return st.one_of(st.sampled_from([low, high]), between)


@st.composite
def role_values(draw: st.DrawFn, role: RoleScenario) -> RoleScenario:
    headcount = draw(bounded(RoleScenario, "headcount", whole=True))
    hours = draw(bounded(RoleScenario, "hours_per_week_on_assisted_tasks"))
    share = draw(bounded(RoleScenario, "time_saved_share"))
    cost = draw(bounded(RoleScenario, "loaded_cost_per_hour"))
    months = draw(bounded(Adoption, "months_to_full", whole=True))
    start = draw(bounded(Adoption, "starting_share"))
    r = role.ranges
    ranges = r.model_copy(
        update={
            "headcount": r.headcount.widened_to(headcount),
            "hours_per_week_on_assisted_tasks": r.hours_per_week_on_assisted_tasks.widened_to(hours),
            "time_saved_share": r.time_saved_share.widened_to(share),
            "loaded_cost_per_hour": r.loaded_cost_per_hour.widened_to(cost),
            "adoption_months_to_full": r.adoption_months_to_full.widened_to(months),
        }
    )
    return RoleScenario(
        headcount=int(headcount),
        hours_per_week_on_assisted_tasks=hours,
        time_saved_share=share,
        loaded_cost_per_hour=cost,
        adoption=Adoption(starting_share=start, months_to_full=int(months)),
        ranges=ranges,
    )


@st.composite
def agent_line(draw: st.DrawFn) -> AgentLine:
    """A line anywhere in the model's limits, named by any text (hostile names included)."""
    name = draw(st.one_of(st.sampled_from(["Phishing Triage Agent", '=cmd|"/c calc"!A1 <b>x</b>']),
                          st.text(min_size=1, max_size=120).filter(str.strip)))  # fmt: skip
    scu = draw(bounded(AgentLine, "scu_per_run"))
    minutes = draw(bounded(AgentLine, "analyst_minutes_avoided_per_run"))
    cost = draw(st.one_of(st.none(), bounded(AgentLine, "loaded_cost_per_hour")))
    return AgentLine(
        agent=name,
        runs_per_month=draw(bounded(AgentLine, "runs_per_month")),
        scu_per_run=scu,
        analyst_minutes_avoided_per_run=minutes,
        loaded_cost_per_hour=cost,
        runs_during=draw(st.sampled_from(["all_hours", "working_hours"])),
        ranges=AgentRanges(
            scu_per_run=Band(low=scu, high=scu).widened_to(field_bounds(AgentLine, "scu_per_run")[0]),
            analyst_minutes_avoided_per_run=Band(low=minutes, high=minutes),
        ),
        source=draw(st.text(max_size=40)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    base = scenario_template(draw(st.sampled_from(["low", "expected", "high"])))
    changed = draw(st.sets(st.sampled_from(role_ids()), min_size=1, max_size=3))
    roles = {r: draw(role_values(base.roles[r])) if r in changed else base.roles[r] for r in base.roles}
    scu = dict(base.capacity.scu_per_person_month)
    scu[sorted(changed)[0]] = draw(bounded(CapacitySizing, "scu_per_person_month"))
    cap = draw(
        st.one_of(st.sampled_from(field_bounds(CapacityPlan, "overage_cap_scu_per_hour")[1:]), st.just(2.5))
    )
    licences = int(draw(bounded(CapacityPlan, "e5_licences", whole=True)))
    plan = CapacityPlan(
        # Purchasable plans only: no provisioned capacity needs the E5/E7 default capacity.
        provisioned_scu=draw(st.integers(0 if licences else 1, 100)),
        overage=draw(st.sampled_from(["none", "capped", "unlimited"])),
        overage_cap_scu_per_hour=cap,
        e5_licences=licences,
    )
    realisation = draw(bounded(Scenario, "realisation_rate"))
    discount = draw(bounded(Scenario, "discount_rate_annual"))
    return base.model_copy(
        update={
            "preset": "custom",
            "roles": roles,
            "capacity": base.capacity.model_copy(update={"plan": plan, "scu_per_person_month": scu}),
            "realisation_rate": realisation,
            "discount_rate_annual": discount,
            "horizon_months": int(draw(bounded(Scenario, "horizon_months", whole=True))),
            "one_off_costs": OneOffCosts(enablement=draw(bounded(OneOffCosts, "enablement")), training=0),
            "agents": draw(
                st.lists(agent_line(), max_size=2, unique_by=lambda a: a.agent.strip().casefold())
            ),
            "ranges": base.ranges.model_copy(
                update={
                    "realisation_rate": base.ranges.realisation_rate.widened_to(realisation),
                    "discount_rate_annual": base.ranges.discount_rate_annual.widened_to(discount),
                }
            ),
        }
    )


def flat(data: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Nested numbers as one level (``pytest.approx`` compares flat mappings only)."""
    out: dict[str, float] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out |= flat(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = float(value)
    return out


def assert_pages_open(at: AppTest) -> None:
    for page in ("app_pages/scenarios.py", "app_pages/business_case.py"):
        at.switch_page(page).run()
        assert not at.exception, f"{page}: {at.exception}"
        assert not at.error, f"{page}: {[e.value for e in at.error]}"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_a_valid_scenario_file_opens_every_value_page(scenario: Scenario) -> None:
    # Round trip through JSON: exactly what loading a saved file gives the session.
    loaded = Scenario.model_validate_json(scenario.model_dump_json())
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    put_scenario(at, loaded)  # what the Business case page's loader stores
    assert_pages_open(at)
    shown = case_scenario(at)
    # The page kept every value: none clipped or rounded by a widget narrower than the model.
    for role_id, role in loaded.roles.items():
        assert flat(shown.roles[role_id].model_dump()) == pytest.approx(flat(role.model_dump()), abs=1e-12)
    assert shown.realisation_rate == pytest.approx(loaded.realisation_rate, abs=1e-12)
    assert shown.capacity.plan == loaded.capacity.plan
    assert shown.agents == loaded.agents  # names, numbers and bands kept through the editor


def test_the_heaviest_accepted_scenario_opens_every_value_page() -> None:
    # Every role, 120 months, 50 agents, 100 other lines, every band at the model's limits.
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    put_scenario(at, worst_case_scenario())
    assert_pages_open(at)
    shown = {m.label: m.value for m in at.metric}  # the Business case headline and finance figures
    assert {"Cost", "Realised value", "NPV"} <= set(shown)
    assert not [v for v in shown.values() if "nan" in v.lower() or "inf" in v.lower()], shown


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
@example(scenario=None).via("the issue's link: 50 hours a week")  # type: ignore[misc]
def test_a_valid_link_opens_every_value_page(scenario: Scenario | None) -> None:
    params = {"v": "1", "preset": "expected", "soc": "10_50_22_75"} if scenario is None else encode(scenario)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]  # no refused value
    assert_pages_open(at)
    shown = case_scenario(at)
    shown_params = encode(shown)
    assert {k: shown_params[k] for k in params if k != "preset"} == {
        k: v for k, v in params.items() if k != "preset"
    }
