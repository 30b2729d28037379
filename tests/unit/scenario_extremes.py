"""Scenarios at the model's own limits (``field_bounds``): each number at one end of what it accepts.

A band is drawn as the widest the model allows (the field's limits) or collapsed onto its value,
so the tornado and the Monte Carlo reach the limits too. ``worst_case`` is the heaviest scenario
the model accepts: every role, the longest horizon, every band at its widest, the most agent,
benefit and cost lines, each at its largest figures.
"""

from __future__ import annotations

from typing import Any

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel

from copilot_roi.plans import MAX_PROVISIONED_SCU, CapacityPlan, Schedule
from copilot_roi.pricebook import PriceOverrides
from copilot_roi.roles import role_ids
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.extra_lines import MAX_LINE_AMOUNT, MAX_LINES, LineBand
from copilot_roi.value.finance_settings import RiskAdjustment
from copilot_roi.value.scenario import (
    Adoption,
    AgentLine,
    CapacitySizing,
    MultiplierBand,
    OneOffCosts,
    RoleScenario,
    Scenario,
)

MAX_AGENTS = Scenario.model_fields["agents"].metadata[0].max_length
# Below 1 (the model's lt=1): the largest discount a price override can hold, to 4 places.
MAX_DISCOUNT_SHARE = 0.9999


def largest_rate() -> float:
    """The largest exchange rate a price override holds (its ``le``; its lower limit is ``gt=0``)."""
    limits = PriceOverrides.model_fields["usd_to_currency_rate"].metadata
    return float(next(m.le for m in limits if isinstance(m, annotated_types.Le)))


def ends(model: type[BaseModel], name: str) -> st.SearchStrategy[float]:
    return st.sampled_from(field_bounds(model, name))


def band(draw: st.DrawFn, model: type[BaseModel], name: str, value: float) -> dict[str, float]:
    """The field's widest band, or the value alone, or one end open and the other at the value."""
    low, high = field_bounds(model, name)
    return {"low": draw(st.sampled_from([low, value])), "high": draw(st.sampled_from([value, high]))}


def multipliers(draw: st.DrawFn) -> dict[str, float]:
    """A multiplier band: each end at its limit or at 1 (the estimate, which it must contain)."""
    low, high = field_bounds(MultiplierBand, "low")[0], field_bounds(MultiplierBand, "high")[1]
    return {"low": draw(st.sampled_from([low, 1.0])), "high": draw(st.sampled_from([1.0, high]))}


@st.composite
def roles(draw: st.DrawFn, role_id: str) -> dict[str, Any]:
    headcount = int(draw(ends(RoleScenario, "headcount")))
    hours = draw(ends(RoleScenario, "hours_per_week_on_assisted_tasks"))
    share = draw(ends(RoleScenario, "time_saved_share"))
    cost = draw(ends(RoleScenario, "loaded_cost_per_hour"))
    months = int(draw(ends(Adoption, "months_to_full")))
    return {
        "headcount": headcount,
        "hours_per_week_on_assisted_tasks": hours,
        "time_saved_share": share,
        "loaded_cost_per_hour": cost,
        "adoption": {"starting_share": draw(ends(Adoption, "starting_share")), "months_to_full": months},
        "ranges": {
            "headcount": band(draw, RoleScenario, "headcount", headcount),
            "hours_per_week_on_assisted_tasks": band(
                draw, RoleScenario, "hours_per_week_on_assisted_tasks", hours
            ),
            "time_saved_share": band(draw, RoleScenario, "time_saved_share", share),
            "loaded_cost_per_hour": band(draw, RoleScenario, "loaded_cost_per_hour", cost),
            "adoption_months_to_full": band(draw, Adoption, "months_to_full", months),
        },
    }


@st.composite
def agents(draw: st.DrawFn, name: str) -> dict[str, Any]:
    scu = draw(ends(AgentLine, "scu_per_run"))
    minutes = draw(ends(AgentLine, "analyst_minutes_avoided_per_run"))
    return {
        "agent": name,
        "runs_per_month": draw(ends(AgentLine, "runs_per_month")),
        "scu_per_run": scu,
        "analyst_minutes_avoided_per_run": minutes,
        "loaded_cost_per_hour": draw(st.one_of(st.none(), ends(AgentLine, "loaded_cost_per_hour"))),
        "runs_during": draw(st.sampled_from(["all_hours", "working_hours"])),
        "ranges": {
            "scu_per_run": band(draw, AgentLine, "scu_per_run", scu),
            "analyst_minutes_avoided_per_run": band(
                draw, AgentLine, "analyst_minutes_avoided_per_run", minutes
            ),
        },
    }


def line_band(draw: st.DrawFn) -> dict[str, float] | None:
    low, high = field_bounds(LineBand, "low")[0], field_bounds(LineBand, "high")[1]
    return draw(st.sampled_from([None, {"low": low, "high": high}, {"low": 1.0, "high": 1.0}]))


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    cap = field_bounds(CapacityPlan, "overage_cap_scu_per_hour")[1]
    licences = int(draw(ends(CapacityPlan, "e5_licences")))
    schedule = draw(
        st.sampled_from(
            [None, Schedule(business_scu=MAX_PROVISIONED_SCU, off_hours_scu=0, business_days=tuple(range(7)))]
        )
    )
    return CapacityPlan(
        provisioned_scu=draw(st.sampled_from([1, MAX_PROVISIONED_SCU] + ([0] if licences else []))),
        schedule=schedule,
        overage=draw(st.sampled_from(["none", "capped", "unlimited"])),
        overage_cap_scu_per_hour=cap,
        e5_licences=licences,
    ).model_dump(mode="json")


@st.composite
def extreme_scenarios(draw: st.DrawFn, max_agents: int = 3, max_lines: int = 3) -> Scenario:
    """A scenario whose every number sits at one end of the model's limits."""
    chosen = draw(st.sets(st.sampled_from(role_ids()), min_size=1))
    horizon = int(draw(st.sampled_from([*field_bounds(Scenario, "horizon_months"), 12])))
    years = -(-horizon // 12)
    realisation = draw(ends(Scenario, "realisation_rate"))
    discount = draw(ends(Scenario, "discount_rate_annual"))
    amount = draw(st.sampled_from([0.0, float(MAX_LINE_AMOUNT)]))
    n_agents = draw(st.integers(0, max_agents))
    n_benefits, n_costs = draw(st.integers(0, max_lines)), draw(st.integers(0, max_lines))
    currency = draw(st.sampled_from([("USD", 1.0), ("JPY", largest_rate())]))
    price = st.one_of(st.none(), ends(PriceOverrides, "provisioned_price_per_scu_hour_usd"))
    data = {
        "preset": "custom",
        "roles": {r: draw(roles(r)) for r in sorted(chosen)},
        "capacity": {
            "plan": draw(plans()),
            "usage_source": "estimate",
            "scu_per_person_month": {r: draw(ends(CapacitySizing, "scu_per_person_month")) for r in chosen},
            "usage_multiplier": multipliers(draw),
        },
        "realisation_rate": realisation,
        "horizon_months": horizon,
        "discount_rate_annual": discount,
        "one_off_costs": {
            "enablement": draw(ends(OneOffCosts, "enablement")),
            "training": draw(ends(OneOffCosts, "training")),
        },
        "prices": {
            "provisioned_price_per_scu_hour_usd": draw(price),
            "overage_price_per_scu_usd": draw(price),
            "discount_share": draw(st.sampled_from([0.0, MAX_DISCOUNT_SHARE])),
            "currency": currency[0],
            "usd_to_currency_rate": currency[1],
        },
        "ranges": {
            "realisation_rate": band(draw, Scenario, "realisation_rate", realisation),
            "discount_rate_annual": band(draw, Scenario, "discount_rate_annual", discount),
            "capacity_price_multiplier": multipliers(draw),
        },
        "agents": [draw(agents(f"agent {i}")) for i in range(n_agents)],
        "finance": {
            "convention": draw(st.sampled_from(["monthly", "annual"] if horizon % 12 == 0 else ["monthly"])),
            "risk_adjustment": {
                "benefits": draw(ends(RiskAdjustment, "benefits")),
                "costs": draw(ends(RiskAdjustment, "costs")),
            },
        },
        "other_benefits": [
            {"name": f"benefit {i}", "per_year": [amount] * years, "band": line_band(draw)}
            for i in range(n_benefits)
        ],
        "other_costs": [
            {"name": f"cost {i}", "one_off": amount, "per_year": [amount] * years, "band": line_band(draw)}
            for i in range(n_costs)
        ],
        "hours_per_fte_year": draw(ends(Scenario, "hours_per_fte_year")),
    }
    return Scenario.model_validate(data)


def worst_case_scenario() -> Scenario:
    """The heaviest scenario the model accepts: everything at its largest, every band at its widest."""
    highest = {
        "headcount": int(field_bounds(RoleScenario, "headcount")[1]),
        "hours_per_week_on_assisted_tasks": field_bounds(RoleScenario, "hours_per_week_on_assisted_tasks")[1],
        "time_saved_share": field_bounds(RoleScenario, "time_saved_share")[1],
        "loaded_cost_per_hour": field_bounds(RoleScenario, "loaded_cost_per_hour")[1],
    }
    widest = {
        name: dict(zip(("low", "high"), field_bounds(RoleScenario, name), strict=True)) for name in highest
    }
    months = dict(zip(("low", "high"), field_bounds(Adoption, "months_to_full"), strict=True))
    role = highest | {
        "adoption": {"starting_share": 0.0, "months_to_full": int(months["high"])},
        "ranges": widest | {"adoption_months_to_full": months},
    }
    horizon = int(field_bounds(Scenario, "horizon_months")[1])
    years = horizon // 12
    top = float(MAX_LINE_AMOUNT)
    multiplier = dict(zip(("low", "high"), field_bounds(MultiplierBand, "high"), strict=True))
    agent = {
        "runs_per_month": field_bounds(AgentLine, "runs_per_month")[1],
        "scu_per_run": field_bounds(AgentLine, "scu_per_run")[1],
        "analyst_minutes_avoided_per_run": field_bounds(AgentLine, "analyst_minutes_avoided_per_run")[1],
        "loaded_cost_per_hour": field_bounds(AgentLine, "loaded_cost_per_hour")[1],
        "runs_during": "working_hours",
        "ranges": {
            name: dict(zip(("low", "high"), field_bounds(AgentLine, name), strict=True))
            for name in ("scu_per_run", "analyst_minutes_avoided_per_run")
        },
        "source": "x" * 500,
    }
    widest_band = {"low": field_bounds(LineBand, "low")[0], "high": field_bounds(LineBand, "high")[1]}
    data = {
        "preset": "custom",
        "roles": {r: role for r in role_ids()},
        "capacity": {
            "plan": CapacityPlan(
                schedule=Schedule(
                    business_scu=MAX_PROVISIONED_SCU, off_hours_scu=1, business_days=(0, 1, 2, 3, 4)
                ),
                overage="unlimited",
                e5_licences=int(field_bounds(CapacityPlan, "e5_licences")[1]),
            ).model_dump(mode="json"),
            "scu_per_person_month": {
                r: field_bounds(CapacitySizing, "scu_per_person_month")[1] for r in role_ids()
            },
            "usage_multiplier": multiplier,
        },
        "realisation_rate": field_bounds(Scenario, "realisation_rate")[1],
        "horizon_months": horizon,
        "discount_rate_annual": field_bounds(Scenario, "discount_rate_annual")[1],
        "one_off_costs": {"enablement": field_bounds(OneOffCosts, "enablement")[1], "training": 0.0},
        "prices": {
            "provisioned_price_per_scu_hour_usd": field_bounds(
                PriceOverrides, "provisioned_price_per_scu_hour_usd"
            )[1],
            "overage_price_per_scu_usd": field_bounds(PriceOverrides, "overage_price_per_scu_usd")[1],
            "currency": "JPY",
            "usd_to_currency_rate": largest_rate(),
        },
        "ranges": {
            "realisation_rate": dict(
                zip(("low", "high"), field_bounds(Scenario, "realisation_rate"), strict=True)
            ),
            "discount_rate_annual": dict(
                zip(("low", "high"), field_bounds(Scenario, "discount_rate_annual"), strict=True)
            ),
            "capacity_price_multiplier": multiplier,
        },
        "agents": [agent | {"agent": f"Agent {i:02d} " + "n" * 100} for i in range(MAX_AGENTS)],
        "finance": {"convention": "annual", "risk_adjustment": {"benefits": 0.5, "costs": 0.5}},
        "other_benefits": [
            {"name": f"Benefit {i}", "per_year": [top] * years, "source": "s" * 500, "band": widest_band}
            for i in range(MAX_LINES)
        ],
        "other_costs": [
            {
                "name": f"Cost {i}",
                "one_off": top,
                "per_year": [top] * years,
                "source": "s" * 500,
                "band": widest_band,
            }
            for i in range(MAX_LINES)
        ],
    }
    return Scenario.model_validate(data)
