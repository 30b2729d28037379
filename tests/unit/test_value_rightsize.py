"""Right-sizing a value scenario by NPV: every candidate priced as the engine would, the best chosen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.cli import main
from copilot_roi.plans import CapacityPlan
from copilot_roi.value.engine import compute
from copilot_roi.value.rightsize import right_size
from copilot_roi.value.scenario import Band, Scenario, scenario_template


def team(headcount: int, scu_per_person: float, plan: CapacityPlan, horizon: int = 36) -> Scenario:
    """The expected template with only the SOC team (``headcount`` people) on ``plan``."""
    base = scenario_template("expected")
    roles = {
        r: role.model_copy(
            update={
                "headcount": 0,
                "ranges": role.ranges.model_copy(update={"headcount": Band(low=0, high=0)}),
            }
        )
        for r, role in base.roles.items()
    }
    soc = base.roles["soc"]
    band = Band(low=round(headcount * 0.8), high=round(headcount * 1.2))
    roles["soc"] = soc.model_copy(
        update={"headcount": headcount, "ranges": soc.ranges.model_copy(update={"headcount": band})}
    )
    capacity = base.capacity.model_copy(
        update={
            "plan": plan,
            "scu_per_person_month": {**base.capacity.scu_per_person_month, "soc": scu_per_person},
        }
    )
    return base.model_copy(update={"roles": roles, "capacity": capacity, "horizon_months": horizon})


def on(scenario: Scenario, plan: CapacityPlan) -> Scenario:
    return scenario.model_copy(update={"capacity": scenario.capacity.model_copy(update={"plan": plan})})


def test_candidates_are_the_purchasable_plans() -> None:
    sizing = right_size(team(100, 40.0, CapacityPlan(provisioned_scu=1, overage="none")))
    assert len(sizing.candidates) == 200
    levels = {(c.provisioned_scu, c.plan.overage) for c in sizing.candidates}
    assert levels == {(p, o) for p in range(1, 101) for o in ("none", "unlimited")}
    with_pool = right_size(team(100, 40.0, CapacityPlan(provisioned_scu=1, e5_licences=1_000)))
    assert len(with_pool.candidates) == 201
    pool = [c for c in with_pool.candidates if c.family == "E5/E7 pool alone"]
    assert [(c.provisioned_scu, c.plan.overage, c.plan.e5_licences) for c in pool] == [(0, "none", 1_000)]
    assert all(c.plan.e5_licences == 1_000 for c in with_pool.candidates)


@pytest.mark.parametrize("licences", [0, 1_000])
def test_each_candidate_is_what_the_engine_computes(licences: int) -> None:
    scenario = team(
        100, 40.0, CapacityPlan(provisioned_scu=1, overage="none", e5_licences=licences), horizon=12
    )
    sizing = right_size(scenario)
    picks = [c for c in sizing.candidates if c.provisioned_scu in (0, 1, 2, 5, 37, 100)]
    for c in picks:
        engine = compute(on(scenario, c.plan))
        assert c.npv == pytest.approx(engine.npv, abs=1e-6), c.describe()
        assert c.total_cost == pytest.approx(engine.total_cost, abs=1e-6)
        assert c.total_value == pytest.approx(engine.total_value, abs=1e-6)
        assert c.served_share == pytest.approx(engine.served_share, abs=1e-12)
        assert c.throttled_units == pytest.approx(engine.throttled_units, abs=1e-6)


def test_the_best_is_the_brute_force_maximum() -> None:
    scenario = team(60, 40.0, CapacityPlan(provisioned_scu=1, overage="none"), horizon=6)
    sizing = right_size(scenario)
    brute = max(compute(on(scenario, c.plan)).npv for c in sizing.candidates)
    assert sizing.best.npv == pytest.approx(brute, abs=0.01)
    assert sizing.current.npv == pytest.approx(compute(scenario).npv)


def test_a_small_team_needs_one_scu_without_overage() -> None:
    # By hand: 5 people x 10 SCU = 50 SCU a month, the busiest hour far below 1 SCU. One SCU
    # serves it all; more SCUs only cost more, and overage would add nothing but risk: the tie
    # with "1 SCU, unlimited overage" (same cost, same value) goes to the bounded bill.
    sizing = right_size(team(5, 10.0, CapacityPlan(provisioned_scu=7, overage="unlimited")))
    assert (sizing.best.provisioned_scu, sizing.best.plan.overage) == (1, "none")
    assert sizing.best.served_share == 1.0
    assert sizing.best.total_cost == pytest.approx(36 * 730 * 4.0 + 15_000)  # + one-off costs


def test_a_pool_that_covers_the_demand_is_enough() -> None:
    # By hand: 1,000 licences give 400 SCU a month; 10 people x 30 SCU = 300 SCU: all served, free.
    plan = CapacityPlan(provisioned_scu=3, overage="unlimited", e5_licences=1_000)
    sizing = right_size(team(10, 30.0, plan))
    assert sizing.best.family == "E5/E7 pool alone"
    assert sizing.best.served_share == 1.0
    assert sizing.best.total_cost == pytest.approx(15_000)  # the one-off costs only


def test_throttling_is_counted_against_the_capacity_saved() -> None:
    # 100 SOC analysts: one SCU without overage is the cheapest plan but refuses ~94 % of the
    # demand; the best plan by NPV serves far more of it.
    scenario = team(100, 40.0, CapacityPlan(provisioned_scu=1, overage="none"))
    sizing = right_size(scenario)
    cheapest = min(sizing.candidates, key=lambda c: c.total_cost)
    assert cheapest.served_share < 0.1
    assert sizing.best.served_share > 0.9
    assert sizing.best.npv > cheapest.npv + 500_000


def test_cli_right_size_values_the_best_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = team(100, 40.0, CapacityPlan(provisioned_scu=1, overage="none"))
    path = tmp_path / "s.json"
    path.write_text(scenario.model_dump_json(), encoding="utf-8")
    assert main(["roi", "--scenario", str(path), "--right-size", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    best = right_size(scenario).best
    assert payload["right_size"]["best"]["plan"] == best.describe()
    assert payload["npv"] == pytest.approx(compute(on(scenario, best.plan)).npv, abs=0.01)
    assert payload["right_size"]["current"]["npv"] == pytest.approx(compute(scenario).npv, abs=0.01)
    assert len(payload["right_size"]["candidates"]) == 200
    assert main(["roi", "--scenario", str(path)]) == 0
    text = capsys.readouterr().out
    assert "of demanded SCUs were throttled" in text and "value counts only served work" in text


@given(
    convention=st.sampled_from(["monthly", "annual"]),
    benefits_risk=st.floats(min_value=0, max_value=0.5),
    costs_risk=st.floats(min_value=0, max_value=0.5),
    benefit_per_year=st.floats(min_value=0, max_value=200_000),
    cost_one_off=st.floats(min_value=0, max_value=50_000),
    cost_per_year=st.floats(min_value=0, max_value=100_000),
    level=st.integers(min_value=1, max_value=6),
    overage=st.sampled_from(["none", "unlimited"]),
)
@settings(max_examples=30, deadline=None)
def test_the_right_sizers_npv_of_the_scenarios_own_plan_is_the_engines(
    convention: str,
    benefits_risk: float,
    costs_risk: float,
    benefit_per_year: float,
    cost_one_off: float,
    cost_per_year: float,
    level: int,
    overage: str,
) -> None:
    """One NPV per convention: the right-sizer prices a purchasable plan exactly as the engine does,
    with risk adjustment and other benefit and cost lines, under either convention."""
    from copilot_roi.value.extra_lines import OtherBenefit, OtherCost
    from copilot_roi.value.finance_settings import FinanceSettings, RiskAdjustment

    plan = CapacityPlan(provisioned_scu=level, overage=overage)  # type: ignore[arg-type]
    base = team(12, 30.0, plan)
    scenario = base.model_copy(
        update={
            "finance": FinanceSettings(
                convention=convention,  # type: ignore[arg-type]
                risk_adjustment=RiskAdjustment(benefits=benefits_risk, costs=costs_risk),
            ),
            "other_benefits": [OtherBenefit(name="Retired tool", per_year=[benefit_per_year])],
            "other_costs": [OtherCost(name="Admin", one_off=cost_one_off, per_year=[cost_per_year])],
        }
    )
    result = compute(scenario)
    sizing = right_size(scenario)
    (own,) = [c for c in sizing.candidates if c.plan == plan]
    assert own.npv == pytest.approx(result.npv, rel=1e-9, abs=1e-6)
    assert own.total_cost == pytest.approx(result.total_cost, rel=1e-9, abs=1e-6)
    assert sizing.current.npv == result.npv
