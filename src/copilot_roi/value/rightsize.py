"""Right-size a value scenario's plan by NPV: value lost to throttling weighed against capacity saved.

The candidates are the plans a customer can buy for a scenario's demand: a flat capacity of
1..100 SCUs with overage off or unlimited, plus the E5/E7 pool alone (no capacity, no overage)
when the scenario has E5/E7 licences; every candidate keeps the scenario's licences. Each is
priced and valued exactly as ``engine.compute`` would (same hourly demand, pool drawn first in
time order, overage metered per hour, each hour's refusals shared among the demands present and
each role's hours capped, ``value.ledger``), but all
levels at once with numpy, so 200 plans take a fraction of a second instead of 200 engine runs.

The best plan has the highest NPV; exact ties (to the cent) go to the higher served share, then
the lower cost, then no overage (a bounded bill), then fewer SCUs.

>>> from copilot_roi.value.scenario import scenario_template
>>> sizing = right_size(scenario_template("expected"))
>>> len(sizing.candidates), sizing.best.npv >= max(c.npv for c in sizing.candidates)
(200, True)
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from copilot_roi.billing import meter_overage, pool_draw
from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray
from copilot_roi.plans import MAX_PROVISIONED_SCU, CapacityPlan, e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices
from copilot_roi.value import agent_lines, ledger
from copilot_roi.value.demand import month_shares, plan_timezone
from copilot_roi.value.engine import (
    compute,
    hours_if_all_served,
    monthly_demand_scu,
    role_adoption,
    scenario_prices,
    served_share,
)
from copilot_roi.value.extra_lines import line_matrix, one_offs
from copilot_roi.value.finance_settings import npv_in_settings
from copilot_roi.value.scenario import Scenario

PlanFamily = Literal["no overage", "unlimited overage", "E5/E7 pool alone", "current plan"]
LEVELS_PER_BLOCK = 20  # levels evaluated together: bounds memory for long horizons


class PlanOutcome(BaseModel):
    """One candidate plan over the scenario's horizon (money in the scenario currency)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    plan: CapacityPlan
    family: PlanFamily
    provisioned_scu: int
    total_cost: float
    total_value: float
    throttled_units: float
    served_share: float
    npv: float

    def describe(self) -> str:
        return self.plan.describe()


class RightSizing(BaseModel):
    """Every candidate, the best by NPV, and the scenario's own plan evaluated by the engine."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    currency: str
    candidates: tuple[PlanOutcome, ...]
    best: PlanOutcome
    current: PlanOutcome

    def payload(self) -> dict[str, Any]:
        """The ``right_size`` block of ``copilot-roi roi --right-size --json``."""

        def row(o: PlanOutcome) -> dict[str, Any]:
            return {
                "plan": o.describe(),
                "family": o.family,
                "provisioned_scu": o.provisioned_scu,
                "npv": round(o.npv, 2),
                "total_cost": round(o.total_cost, 2),
                "total_value": round(o.total_value, 2),
                "served_share": round(o.served_share, 6),
                "throttled_units": round(o.throttled_units, 3),
            }

        return {
            "best": row(self.best),
            "current": row(self.current),
            "candidates": [row(o) for o in self.candidates],
        }


def right_size(scenario: Scenario, prices: Prices | None = None) -> RightSizing:
    """Evaluate every purchasable plan for ``scenario`` and pick the one with the highest NPV.

    Each plan's NPV is the engine's (:func:`npv_in_settings`): the scenario's convention, risk
    adjustment and other benefit and cost lines, so the scenario's own plan, when purchasable,
    has the NPV ``compute`` gives it.
    """
    prices = prices or scenario_prices(scenario)
    h = scenario.horizon_months
    adoption = role_adoption(scenario)
    people_month = monthly_demand_scu(scenario, adoption)
    demand_month = people_month + agent_lines.monthly_units_by_line(scenario).sum(axis=0)
    people_hours = hours_if_all_served(scenario, adoption)
    agent_hours = agent_lines.hours_if_all_served_by_line(scenario).reshape(len(scenario.agents), h)
    shapes = month_shares(h, plan_timezone(CapacityPlan(provisioned_scu=1)))
    owners, caps = ledger.line_owners(scenario), ledger.role_caps(scenario)
    agent_weights = agent_lines.value_weights(scenario)

    def ledger_value(ratio: FloatArray) -> FloatArray:
        """Realised labour value (plans, months) for each plan's hourly refusal ratio (plans, hours),
        by the engine's ledger: each demand's own served share, then each role's cap."""
        people_served = ledger.served_share_of_shape(ratio, shapes)
        flat_served = ledger.served_share_of_shape(ratio, np.full_like(shapes, 1.0 / HOURS_PER_BILLING_MONTH))
        people = {r: hours[None, :] * people_served for r, hours in people_hours.items()}
        agents = (
            np.stack(
                [
                    agent_hours[i][None, :]
                    * (people_served if line.runs_during == "working_hours" else flat_served)
                    for i, line in enumerate(scenario.agents)
                ]
            )
            if scenario.agents
            else np.zeros((0, *people_served.shape))
        )
        people, agents, _ = ledger.apply_caps(people, agents, owners, caps)
        value = np.einsum("lpm,l->pm", agents, agent_weights)
        for r, hours in people.items():
            value += hours * (scenario.roles[r].loaded_cost_per_hour * scenario.realisation_rate)
        return np.asarray(value, dtype=np.float64)

    other_benefits = line_matrix(scenario.other_benefits, h).sum(axis=0)
    other_costs = line_matrix(scenario.other_costs, h).sum(axis=0)
    one_off_total = scenario.one_off_costs.total + float(one_offs(scenario.other_costs).sum())

    licences = scenario.capacity.plan.e5_licences
    # Every plan keeps the case's E5/E7 pay-as-you-go switch (a flat level of 1 SCU or more, or the
    # pool without overage, never needs it; it is kept so a plan chosen here changes nothing else).
    payg = scenario.capacity.plan.e5_pay_as_you_go
    flat = CapacityPlan(provisioned_scu=1, e5_licences=licences, e5_pay_as_you_go=payg)
    series = agent_lines.hourly_demand(scenario, people_month, timezone=plan_timezone(flat))
    month_ids, _ = series.month_ids()
    allowance = e5_allowance_scu_per_month(
        licences, prices.e5_allowance_scu_per_licence_month, prices.e5_allowance_cap_scu_month
    )
    rest = series.units_scu - pool_draw(series.units_scu, month_ids, allowance)
    hours_in_month = np.bincount(month_ids, minlength=h).astype(np.float64)

    levels = np.arange(1, MAX_PROVISIONED_SCU + 1, dtype=np.float64)
    throttled_none = np.empty((len(levels), h))
    value_none = np.empty((len(levels), h))
    overage_units = np.empty((len(levels), h))
    for start in range(0, len(levels), LEVELS_PER_BLOCK):
        block = levels[start : start + LEVELS_PER_BLOCK]
        excess = np.maximum(rest[None, :] - block[:, None], 0.0)
        # As in billing: throttled SCUs rounded to 10 places, overage metered per clock hour.
        refused = np.asarray(np.round(excess, 10), dtype=np.float64)
        throttled_none[start : start + len(block)] = _by_month(refused, h)
        value_none[start : start + len(block)] = ledger_value(ledger.refusal_ratio(series.units_scu, refused))
        metered = meter_overage(excess, prices.overage_step_scu, prices.overage_rounding)
        overage_units[start : start + len(block)] = _by_month(metered, h)
    provisioned_cost = levels[:, None] * hours_in_month[None, :] * prices.provisioned_per_scu_hour

    def outcomes(cost: FloatArray, throttled: FloatArray, value: FloatArray) -> tuple[FloatArray, ...]:
        npv = npv_in_settings(
            scenario.finance,
            one_off_total,
            value + other_benefits[None, :],
            cost + other_costs[None, :],
            scenario.discount_rate_annual,
        )
        return cost.sum(axis=1) + other_costs.sum(), value.sum(axis=1), throttled.sum(axis=1), npv

    families: list[tuple[PlanFamily, list[CapacityPlan], tuple[FloatArray, ...]]] = [
        (
            "no overage",
            [
                CapacityPlan(
                    provisioned_scu=int(p), overage="none", e5_licences=licences, e5_pay_as_you_go=payg
                )
                for p in levels
            ],
            outcomes(provisioned_cost, throttled_none, value_none),
        ),
        (
            "unlimited overage",
            [
                CapacityPlan(
                    provisioned_scu=int(p), overage="unlimited", e5_licences=licences, e5_pay_as_you_go=payg
                )
                for p in levels
            ],
            outcomes(
                provisioned_cost + overage_units * prices.overage_per_scu,
                np.zeros((len(levels), h)),
                np.repeat(ledger_value(np.zeros((1, len(rest)))), len(levels), axis=0),
            ),
        ),
    ]
    if licences > 0:
        pool_alone = CapacityPlan(
            provisioned_scu=0, overage="none", e5_licences=licences, e5_pay_as_you_go=payg
        )
        refused_pool = np.asarray(np.round(rest, 10), dtype=np.float64)[None, :]
        throttled_pool = _by_month(refused_pool, h)
        value_pool = ledger_value(ledger.refusal_ratio(series.units_scu, refused_pool))
        families.insert(
            0, ("E5/E7 pool alone", [pool_alone], outcomes(np.zeros((1, h)), throttled_pool, value_pool))
        )

    demanded = float(demand_month.sum())
    candidates: list[PlanOutcome] = []
    for family, plans, (cost, value, throttled, npv) in families:
        for i, plan in enumerate(plans):
            candidates.append(
                PlanOutcome(
                    plan=plan,
                    family=family,
                    provisioned_scu=plan.provisioned_scu,
                    total_cost=float(cost[i] + one_off_total),
                    total_value=float(value[i]),
                    throttled_units=float(throttled[i]),
                    served_share=_share(demanded, float(throttled[i])),
                    npv=float(npv[i]),
                )
            )
    best = max(candidates, key=_preference)
    return RightSizing(
        currency=prices.currency, candidates=tuple(candidates), best=best, current=_current(scenario, prices)
    )


def _by_month(hourly: FloatArray, months: int) -> FloatArray:
    """Sum each row of ``hourly`` (levels, hours) over its 730-hour months: (levels, months)."""
    hourly = np.asarray(hourly, dtype=np.float64)
    return np.asarray(hourly.reshape(hourly.shape[0], months, HOURS_PER_BILLING_MONTH).sum(axis=2))


def _share(demanded: float, throttled: float) -> float:
    return float(served_share(np.array([demanded]), np.array([throttled]))[0])


def _preference(o: PlanOutcome) -> tuple[float, float, float, int, int]:
    return (
        round(o.npv, 2),
        round(o.served_share, 9),
        -round(o.total_cost, 2),
        1 if o.plan.overage == "none" else 0,
        -o.provisioned_scu,
    )


def _current(scenario: Scenario, prices: Prices) -> PlanOutcome:
    plan = scenario.capacity.plan
    result = compute(scenario, prices)
    level = plan.schedule.business_scu if plan.schedule is not None else plan.provisioned_scu
    return PlanOutcome(
        plan=plan,
        family="current plan",
        provisioned_scu=level,
        total_cost=result.total_cost,
        total_value=result.total_value,
        throttled_units=result.throttled_units,
        served_share=result.served_share,
        npv=result.npv,
    )
