"""Tornado and Monte Carlo: anchored on the engine, sorted, seeded, ordered percentiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.hourly import FloatArray
from copilot_roi.plans import CapacityPlan
from copilot_roi.value.engine import compute, scenario_prices
from copilot_roi.value.scenario import Band, MultiplierBand, Scenario, scenario_template
from copilot_roi.value.sensitivity import (
    DRAWS_PER_BLOCK,
    MONTE_CARLO_DRAWS,
    _Evaluator,
    _Kinks,
    analyse,
    parameters,
)


def _set_role(scenario: Scenario, role: str, **update: object) -> Scenario:
    roles = dict(scenario.roles)
    roles[role] = roles[role].model_copy(update=update)  # type: ignore[index]
    return scenario.model_copy(update={"roles": roles})


@pytest.mark.parametrize("preset", ["low", "expected", "high"])
def test_base_npv_equals_the_engine(preset: str) -> None:
    scenario = scenario_template(preset)  # type: ignore[arg-type]
    result = compute(scenario)
    sensitivity = analyse(scenario, result=result, draws=500)
    assert sensitivity.base_npv == pytest.approx(result.npv, abs=1e-6)


def test_tornado_covers_every_input_and_is_sorted_by_swing() -> None:
    scenario = scenario_template("expected")
    tornado = analyse(scenario, draws=100).tornado
    assert len(tornado) == 7 * 5 + 4 == len(parameters(scenario))
    swings = [bar.swing for bar in tornado]
    assert swings == sorted(swings, reverse=True)
    keys = {bar.key for bar in tornado}
    assert {"soc.time_saved_share", "ciso.loaded_cost_per_hour", "realisation_rate"} <= keys
    assert {"discount_rate_annual", "capacity_price_multiplier", "usage_multiplier"} <= keys


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("soc.time_saved_share", "time_saved_share"),
        ("iam.hours_per_week_on_assisted_tasks", "hours_per_week_on_assisted_tasks"),
        ("dlp.loaded_cost_per_hour", "loaded_cost_per_hour"),
    ],
)
def test_tornado_ends_equal_engine_recomputes_for_value_inputs(key: str, field: str) -> None:
    scenario = scenario_template("expected")
    bar = next(b for b in analyse(scenario, draws=100).tornado if b.key == key)
    role = key.split(".")[0]
    low = compute(_set_role(scenario, role, **{field: bar.low_input}))
    high = compute(_set_role(scenario, role, **{field: bar.high_input}))
    assert bar.npv_at_low == pytest.approx(low.npv, rel=1e-9)
    assert bar.npv_at_high == pytest.approx(high.npv, rel=1e-9)


def test_tornado_realisation_and_discount_ends_equal_engine() -> None:
    scenario = scenario_template("expected")
    bars = {b.key: b for b in analyse(scenario, draws=100).tornado}
    for key in ("realisation_rate", "discount_rate_annual"):
        bar = bars[key]
        for value, npv in ((bar.low_input, bar.npv_at_low), (bar.high_input, bar.npv_at_high)):
            assert compute(scenario.model_copy(update={key: value})).npv == pytest.approx(npv)


def test_tornado_headcount_end_approximates_the_billed_engine() -> None:
    # Headcount moves demand, priced through the cost curve: close to the billed figure.
    scenario = scenario_template("expected")
    bar = next(b for b in analyse(scenario, draws=100).tornado if b.key == "soc.headcount")
    high = compute(_set_role(scenario, "soc", headcount=round(bar.high_input)))
    assert bar.npv_at_high == pytest.approx(high.npv, abs=0.002 * high.total_cost)


def test_tornado_capacity_price_scales_capacity_cost_only() -> None:
    scenario = scenario_template("expected")
    result = compute(scenario)
    bar = next(b for b in analyse(scenario, draws=100).tornado if b.key == "capacity_price_multiplier")
    # NPV change = -(multiplier - 1) x discounted capacity cost.
    df = (1 + scenario.discount_rate_annual) ** (-np.arange(1, 37) / 12)
    capacity_pv = float(np.array([m.capacity_cost for m in result.monthly]) @ df)
    assert bar.npv_at_high == pytest.approx(result.npv - (bar.high_input - 1) * capacity_pv)


def test_usage_multiplier_cost_curve_matches_billing_for_a_flat_plan() -> None:
    scenario = scenario_template("expected")
    bar = next(b for b in analyse(scenario, draws=100).tornado if b.key == "usage_multiplier")
    doubled = scenario.model_copy(
        update={
            "capacity": scenario.capacity.model_copy(
                update={
                    "scu_per_person_month": {
                        r: v * bar.high_input for r, v in scenario.capacity.scu_per_person_month.items()
                    }
                }
            )
        }
    )
    billed = compute(doubled)
    # Only metering to 0.1 SCU per hour is left out of the perturbation: well under 0.2 % of cost.
    assert bar.npv_at_high == pytest.approx(billed.npv, abs=0.002 * billed.total_cost)


def test_monte_carlo_is_seeded_and_ordered() -> None:
    scenario = scenario_template("expected")
    a = analyse(scenario).monte_carlo
    b = analyse(scenario).monte_carlo
    c = analyse(scenario, seed=1).monte_carlo
    assert a.draws == MONTE_CARLO_DRAWS == 10_000
    assert np.array_equal(a.npv, b.npv)
    assert not np.array_equal(a.npv, c.npv)
    assert a.p10 < a.p50 < a.p90
    assert a.share_npv_positive == pytest.approx(float((a.npv > 0).mean()))
    assert np.isfinite(a.npv).all()


def test_monte_carlo_with_collapsed_bands_is_the_base_case() -> None:
    scenario = scenario_template("expected")
    roles = {}
    for role_id, role in scenario.roles.items():
        values = {
            "headcount": role.headcount,
            "hours_per_week_on_assisted_tasks": role.hours_per_week_on_assisted_tasks,
            "time_saved_share": role.time_saved_share,
            "loaded_cost_per_hour": role.loaded_cost_per_hour,
            "adoption_months_to_full": role.adoption.months_to_full,
        }
        ranges = role.ranges.model_copy(update={k: Band(low=v, high=v) for k, v in values.items()})
        roles[role_id] = role.model_copy(update={"ranges": ranges})
    fixed = scenario.model_copy(
        update={
            "roles": roles,
            "ranges": scenario.ranges.model_copy(
                update={
                    "realisation_rate": Band(low=0.5, high=0.5),
                    "discount_rate_annual": Band(low=0.08, high=0.08),
                    "capacity_price_multiplier": MultiplierBand(low=1, high=1),
                }
            ),
            "capacity": scenario.capacity.model_copy(
                update={"usage_multiplier": MultiplierBand(low=1, high=1)}
            ),
        }
    )
    mc = analyse(fixed, draws=200).monte_carlo
    assert np.allclose(mc.npv, compute(fixed).npv)
    assert all(bar.swing == pytest.approx(0, abs=1e-6) for bar in analyse(fixed, draws=10).tornado)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    realisation=st.floats(0.3, 0.7),
    scu=st.integers(0, 20),
)
def test_percentiles_are_ordered_for_any_scenario(seed: int, realisation: float, scu: int) -> None:
    base = scenario_template("expected")
    scenario = base.model_copy(
        update={
            "realisation_rate": realisation,
            "capacity": base.capacity.model_copy(
                update={"plan": CapacityPlan(provisioned_scu=max(scu, 1), overage="unlimited")}
            ),
        }
    )
    mc = analyse(scenario, draws=500, seed=seed).monte_carlo
    assert mc.p10 <= mc.p50 <= mc.p90
    assert 0.0 <= mc.share_npv_positive <= 1.0


def test_draws_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one draw"):
        analyse(scenario_template(), draws=0)


@pytest.mark.parametrize(
    "plan",
    [
        CapacityPlan(provisioned_scu=2, overage="capped", overage_cap_scu_per_hour=1.5),
        CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=500),
        CapacityPlan(provisioned_scu=3, overage="none"),
    ],
    ids=["capped", "e5-pool", "no-overage"],
)
def test_perturbed_capacity_cost_tracks_billing_for_other_plans(plan: CapacityPlan) -> None:
    base = scenario_template("expected")
    scenario = base.model_copy(update={"capacity": base.capacity.model_copy(update={"plan": plan})})
    bar = next(b for b in analyse(scenario, draws=50).tornado if b.key == "usage_multiplier")
    scaled = scenario.model_copy(
        update={
            "capacity": scenario.capacity.model_copy(
                update={
                    "scu_per_person_month": {
                        r: v * bar.low_input for r, v in scenario.capacity.scu_per_person_month.items()
                    }
                }
            )
        }
    )
    billed = compute(scaled)
    tolerance = 0.01 if plan.e5_licences else 0.002  # the pool's time order is approximated
    assert bar.npv_at_low == pytest.approx(billed.npv, abs=tolerance * billed.total_cost)


def test_fractional_adoption_band_ends_use_the_exact_ramp() -> None:
    # Whole months come from a lookup table; a fractional band end must take the general path.
    scenario = scenario_template("expected")
    soc = scenario.roles["soc"]
    ranges = soc.ranges.model_copy(update={"adoption_months_to_full": Band(low=2.5, high=9.5)})
    roles = dict(scenario.roles) | {"soc": soc.model_copy(update={"ranges": ranges})}
    fractional = scenario.model_copy(update={"roles": roles})
    bar = next(b for b in analyse(fractional, draws=50).tornado if b.key == "soc.adoption_months_to_full")
    assert bar.low_input == 2.5
    # Between the whole-month neighbours, and not equal to either.
    bars = {}
    for months in (2, 3):
        ranges_m = soc.ranges.model_copy(update={"adoption_months_to_full": Band(low=months, high=12)})
        roles_m = dict(scenario.roles) | {"soc": soc.model_copy(update={"ranges": ranges_m})}
        s = scenario.model_copy(update={"roles": roles_m})
        bars[months] = next(
            b for b in analyse(s, draws=50).tornado if b.key == "soc.adoption_months_to_full"
        ).npv_at_low
    assert min(bars.values()) < bar.npv_at_low < max(bars.values())


def test_tornado_adoption_ends_track_the_engine() -> None:
    scenario = scenario_template("expected")
    bar = next(b for b in analyse(scenario, draws=50).tornado if b.key == "soc.adoption_months_to_full")
    soc = scenario.roles["soc"]
    for months, npv in ((bar.low_input, bar.npv_at_low), (bar.high_input, bar.npv_at_high)):
        adoption = soc.adoption.model_copy(update={"months_to_full": int(months)})
        billed = compute(_set_role(scenario, "soc", adoption=adoption))
        assert npv == pytest.approx(billed.npv, abs=0.002 * billed.total_cost)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    base = scenario_template(draw(st.sampled_from(["low", "expected", "high"])))
    chosen = draw(st.lists(st.sampled_from(list(base.roles)), min_size=1, max_size=7, unique=True))
    roles = {}
    for role_id in chosen:
        role = base.roles[role_id]
        headcount = draw(st.integers(0, 40))
        ranges = role.ranges.model_copy(update={"headcount": role.ranges.headcount.widened_to(headcount)})
        roles[role_id] = role.model_copy(update={"headcount": headcount, "ranges": ranges})
    plan = draw(
        st.sampled_from(
            [
                CapacityPlan(provisioned_scu=1, overage="unlimited"),
                CapacityPlan(provisioned_scu=0, overage="unlimited", e5_licences=2000),
                CapacityPlan(provisioned_scu=2, overage="none"),
                CapacityPlan(provisioned_scu=1, overage="capped", overage_cap_scu_per_hour=0.5),
            ]
        )
    )
    data = base.model_dump()
    data["roles"] = {r: v.model_dump() for r, v in roles.items()}
    data["capacity"]["plan"] = plan.model_dump()
    data["capacity"]["scu_per_person_month"] = {r: draw(st.floats(0, 200)) for r in roles}
    data["horizon_months"] = draw(st.integers(1, 60))
    return Scenario.model_validate(data)


@settings(max_examples=25, deadline=None)
@given(scenario=scenarios())
def test_any_scenario_analyses_consistently(scenario: Scenario) -> None:
    result = compute(scenario)
    sensitivity = analyse(scenario, result=result, draws=300, seed=3)
    assert sensitivity.base_npv == pytest.approx(result.npv, abs=1e-6 * max(1.0, result.total_cost))
    assert np.isfinite(sensitivity.monte_carlo.npv).all()
    assert sensitivity.monte_carlo.p10 <= sensitivity.monte_carlo.p90
    assert len(sensitivity.tornado) == 5 * len(scenario.roles) + 4


@settings(max_examples=200, deadline=None)
@given(
    months=st.integers(1, 6),
    hours=st.integers(1, 60),
    variants=st.integers(1, 20),
    scale=st.sampled_from([0.0, 0.1, 10.0, 1e6]),
    seed=st.integers(0, 2**32 - 1),
)
def test_kinks_excess_is_the_sum_of_each_hours_excess(
    months: int, hours: int, variants: int, scale: float, seed: int
) -> None:
    # The definition, hour by hour: sum over hours of max(total x share_h - threshold_h, 0).
    rng = np.random.default_rng(seed)
    shares = rng.random((months, hours)) * (rng.random((months, hours)) > 0.2)
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-12)
    thresholds = rng.random((months, hours)) * rng.choice([0.0, 1.0, 5.0])
    # Distinct random shares: up to 61 pieces, so both the comparison and the search run.
    assert_excess_is_the_definition(
        _Kinks.build(shares, thresholds), shares, thresholds, rng, variants, scale
    )


def assert_excess_is_the_definition(
    kinks: _Kinks,
    shares: FloatArray,
    thresholds: FloatArray,
    rng: np.random.Generator,
    variants: int,
    scale: float,
) -> None:
    """Totals ``(months, variants)``, one exactly on a kink: excess = the sum over hours of
    max(total x share_h - threshold_h, 0)."""
    demand = rng.random((len(shares), variants)) * scale
    if len(kinks.distinct[0]):
        demand[0, 0] = kinks.distinct[0][0]  # a total exactly on a kink
    by_hour = demand[:, :, None] * shares[:, None, :] - thresholds[:, None, :]
    expected = np.maximum(by_hour, 0.0).sum(axis=2)
    assert np.allclose(kinks.excess_by_month(demand), expected, rtol=1e-9, atol=1e-6)


def test_monte_carlo_blocks_do_not_change_the_draws() -> None:
    # Draws are evaluated in blocks of rows from one uniform stream: a shorter run is a prefix.
    scenario = scenario_template("expected")
    short = analyse(scenario, draws=DRAWS_PER_BLOCK + 7).monte_carlo.npv
    long = analyse(scenario, draws=3 * DRAWS_PER_BLOCK).monte_carlo.npv
    assert np.array_equal(short, long[: len(short)])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_variants_moving_every_input_at_once_equal_the_engine(seed: int) -> None:
    # A Monte Carlo draw moves every input together. On a plan that never runs short (100 SCU
    # provisioned, no overage) capacity cost does not depend on demand, so nothing is
    # approximated: each variant's NPV is the engine's for the scenario with those inputs.
    base = scenario_template("expected")
    plan = CapacityPlan(provisioned_scu=100, overage="none")
    # Each role starts from its own share, so a ramp read for the wrong role shows.
    starts = {
        role_id: role.model_copy(
            update={"adoption": role.adoption.model_copy(update={"starting_share": share})}
        )
        for (role_id, role), share in zip(
            base.roles.items(), np.linspace(0.0, 0.9, len(base.roles)), strict=True
        )
    }
    scenario = base.model_copy(
        update={"roles": starts, "capacity": base.capacity.model_copy(update={"plan": plan})}
    )
    evaluator = _Evaluator(scenario, scenario_prices(scenario), compute(scenario))
    rng = np.random.default_rng(seed)
    moving = [p for p in evaluator.params if p.key != "capacity_price_multiplier"]
    rows = np.repeat(evaluator.base_row()[None, :], 3, axis=0)
    for i, p in enumerate(evaluator.params):
        if p in moving:
            rows[:, i] = rng.uniform(p.low, p.high, size=3)
            if p.key.endswith((".headcount", ".adoption_months_to_full")):
                rows[:, i] = np.round(rows[:, i])
    for row, npv in zip(rows, evaluator.npv(rows), strict=True):
        values = dict(zip((p.key for p in evaluator.params), row.tolist(), strict=True))
        roles = {
            role_id: role.model_copy(
                update={
                    "headcount": int(values[f"{role_id}.headcount"]),
                    "hours_per_week_on_assisted_tasks": values[f"{role_id}.hours_per_week_on_assisted_tasks"],
                    "time_saved_share": values[f"{role_id}.time_saved_share"],
                    "loaded_cost_per_hour": values[f"{role_id}.loaded_cost_per_hour"],
                    "adoption": role.adoption.model_copy(
                        update={"months_to_full": int(values[f"{role_id}.adoption_months_to_full"])}
                    ),
                }
            )
            for role_id, role in scenario.roles.items()
        }
        scu = {r: v * values["usage_multiplier"] for r, v in scenario.capacity.scu_per_person_month.items()}
        moved = scenario.model_copy(
            update={
                "roles": roles,
                "realisation_rate": values["realisation_rate"],
                "discount_rate_annual": values["discount_rate_annual"],
                "capacity": scenario.capacity.model_copy(update={"scu_per_person_month": scu}),
            }
        )
        engine = compute(moved)
        assert engine.served_share == 1.0
        assert npv == pytest.approx(engine.npv, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    months=st.integers(1, 4),
    hours=st.integers(1, 200),
    share_values=st.integers(1, 6),
    variants=st.integers(1, 20),
    scale=st.sampled_from([0.0, 0.1, 10.0, 1e6]),
    seed=st.integers(0, 2**32 - 1),
)
def test_kinks_excess_with_few_distinct_hours_is_the_sum_of_each_hours_excess(
    months: int, hours: int, share_values: int, variants: int, scale: float, seed: int
) -> None:
    # Real hourly shapes take a handful of values (the working-hours profile, a schedule's two
    # levels): few distinct kinks, so the excess compares its affine pieces. Same definition.
    rng = np.random.default_rng(seed)
    levels = rng.random(share_values) * (rng.random(share_values) > 0.2)
    shares = levels[rng.integers(0, share_values, (months, hours))]
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-12)
    thresholds = rng.choice([0.0, 1.0, 3.0], size=2)[rng.integers(0, 2, (months, hours))]
    kinks = _Kinks.build(shares, thresholds)
    assert len(kinks.slopes) <= 2 * share_values + 1  # so the pieces are compared, not searched
    assert_excess_is_the_definition(kinks, shares, thresholds, rng, variants, scale)
