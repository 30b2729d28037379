"""The value engine: a scenario's monthly cash flows, NPV, ROI, payback and break-even.

Per month ``m`` (1..horizon; conventions in ``copilot_roi.value.finance``):

* adoption(m) per role: a linear ramp (``finance.adoption_curve``);
* demand(m) = sum over roles of headcount x SCUs per person per month x adoption(m), spread
  over working hours (``value.demand``) and priced by the billing engine
  (``copilot_roi.billing.bill``) under the scenario's capacity plan;
* cost(m) = capacity cost(m) + one-off costs (month 1 only);
* served share(m) = (demand(m) - throttled(m)) / demand(m), 1 in a month without demand: the
  share of that month's demanded SCUs the plan served (pool, provisioned or overage);
* hours freed(m) = sum over roles of headcount x hours per week x 52/12 x time-saved share x
  adoption(m) x served share(m); realised value(m) = hours freed x loaded cost per hour x
  realisation rate. A refused prompt saves nobody any time, so throttled demand earns nothing;
  a month's throttling falls on every role alike (the plan is shared).

Hours freed and realised value are kept apart: only the realisation rate turns one into the other.

Other benefit and cost lines (``value.extra_lines``) add to each month's benefits and costs (a
cost line's one-off with the one-off costs). NPV, the PVs, ROI on PV and the discounted payback
follow the scenario's ``finance`` block (convention and TEI risk adjustment, applied to the flows
before discounting, ``value.finance_settings``); ``roi``, ``net_benefit`` and ``payback_month``
stay undiscounted and unadjusted. Payback is the month after which the cumulative net stays >= 0
(``finance.payback_month``); ``first_crossing_month`` keeps an earlier crossing a later cost undid.
Agent lines (``value.agent_lines``) add their runs x SCUs per run to demand(m), hour by hour, and
their runs x minutes avoided / 60 x served share(m) to hours freed; ``agent_lines`` in the result
keeps them visible apart, with each line's cost per run and manual cost per run.

>>> from copilot_roi.value.scenario import scenario_template
>>> r = compute(scenario_template("expected"))
>>> r.horizon_months, len(r.monthly), r.total_value < r.value_at_full_realisation
(36, 36, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from copilot_roi.billing import BillingTotals, bill
from copilot_roi.hourly import FloatArray, HourlySeries
from copilot_roi.pricebook import Prices, effective_prices, load_price_book
from copilot_roi.roles import RoleId, role_label
from copilot_roi.value import agent_lines, finance, ledger
from copilot_roi.value.agent_lines import AgentLineResult
from copilot_roi.value.conventions import Convention, YearRow
from copilot_roi.value.demand import month_shares, plan_timezone
from copilot_roi.value.extra_lines import line_matrix, one_offs
from copilot_roi.value.finance_settings import RiskAdjustment, discounted_summary, npv_by_convention
from copilot_roi.value.fte import FteView, fte_view
from copilot_roi.value.ledger import CappedRole, SharedEvidence
from copilot_roi.value.scenario import Scenario


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class MonthFlow(_Result):
    """One month; money in the scenario currency, flows at the end of the month."""

    month: int
    capacity_cost: float
    one_off_cost: float
    cost: float
    hours_freed: float
    value: float
    net: float
    cumulative_net: float
    demand_units: float
    throttled_units: float
    served_share: float
    # Lines beyond labour and capacity (value.extra_lines): net = value + other_benefits - cost,
    # and cost already holds other_costs (recurring) and the lines' one-offs (in one_off_cost).
    other_benefits: float = 0.0
    other_costs: float = 0.0


class BreakEven(_Result):
    """What must be true for the horizon's (undiscounted) net benefit to be zero.

    ``time_saved_multiplier``: the factor on every role's time-saved share (equivalently on hours
    or loaded cost; with agent lines, also on their minutes avoided per run) at which value equals
    cost; ``time_saved_share_by_role`` applies it.
    ``realisation_rate``: the realisation rate at which value equals cost (above 1 means even
    turning every freed hour into value would not pay). None where there is no value to scale.
    """

    time_saved_multiplier: float | None
    time_saved_share_by_role: dict[RoleId, float] | None
    realisation_rate: float | None
    hours_freed_per_month_needed: float | None


class ScenarioResult(_Result):
    """Everything the page, the CLI and the business case show about one scenario."""

    currency: str
    price_book_name: str
    plan_description: str
    usage_source: str
    horizon_months: int
    discount_rate_annual: float
    realisation_rate: float
    monthly: tuple[MonthFlow, ...]
    hours_freed_by_role: dict[RoleId, tuple[float, ...]]
    value_by_role: dict[RoleId, tuple[float, ...]]
    demand_by_role_scu: dict[RoleId, tuple[float, ...]]
    total_capacity_cost: float
    total_one_off_cost: float
    total_cost: float
    total_hours_freed: float
    total_value: float
    value_at_full_realisation: float
    demand_units: float
    throttled_units: float
    served_share: float
    net_benefit: float
    roi: float | None
    npv: float
    payback_month: int | None
    break_even: BreakEven
    billing: BillingTotals
    # Discounted figures in the scenario's finance convention, on risk-adjusted flows
    # (value.finance_settings); npv above is the same figure.
    convention: str = "monthly"
    risk_adjustment: RiskAdjustment = RiskAdjustment()
    pv_benefits: float = 0.0
    pv_costs: float = 0.0
    roi_pv: float | None = None
    discounted_payback_years: float | None = None
    yearly: tuple[YearRow, ...] = ()
    total_other_benefits: float = 0.0
    total_other_costs: float = 0.0  # recurring and one-off, included in total_cost
    fte: FteView | None = None
    agent_lines: tuple[AgentLineResult, ...] = ()
    # The first month the cumulative net reached 0: payback_month unless a later cost pushed it
    # back below 0 (then payback_month is the later month for good, or None).
    first_crossing_month: int | None = None
    discounted_payback_fell_back: bool = False
    # NPV in each convention (same flows, same risk adjustment); npv is the one of ``convention``.
    # None for annual when the horizon is not whole years.
    npv_by_convention: dict[Convention, float | None] = {}
    # The ledger (value.ledger): SCUs refused per role (demand_by_role_scu minus served), the
    # roles whose monthly cap on hours freed bound, and agent lines sharing a study with a band.
    throttled_by_role_scu: dict[RoleId, tuple[float, ...]] = {}
    capped_roles: tuple[CappedRole, ...] = ()
    shared_evidence: tuple[SharedEvidence, ...] = ()

    @property
    def payback_fell_back(self) -> bool:
        """True when the cumulative net reached 0 and a later cost pushed it back below."""
        return self.first_crossing_month is not None and self.first_crossing_month != self.payback_month

    @property
    def agent_hours_freed(self) -> float:
        """Hours freed by agent lines over the horizon (included in ``total_hours_freed``)."""
        return float(sum(line.total_hours_freed for line in self.agent_lines))

    def monthly_frame(self) -> pd.DataFrame:
        return pd.DataFrame([m.model_dump() for m in self.monthly])

    def cli_payload(self) -> dict[str, Any]:
        """The ``copilot-roi roi --json`` document."""
        return {
            "horizon_months": self.horizon_months,
            "currency": self.currency,
            "total_cost": round(self.total_cost, 2),
            "total_hours_freed": round(self.total_hours_freed, 2),
            "total_value": round(self.total_value, 2),
            "net_benefit": round(self.net_benefit, 2),
            "roi": None if self.roi is None else round(self.roi, 6),
            "npv": round(self.npv, 2),
            "discount_rate_annual": self.discount_rate_annual,
            "payback_month": self.payback_month,
            "first_crossing_month": self.first_crossing_month,
            "payback_fell_back": self.payback_fell_back,
            "served_share": round(self.served_share, 6),
            "throttled_units": round(self.throttled_units, 3),
            "break_even": self.break_even.model_dump(mode="json"),
            **self._finance_payload(),
            "agent_hours_freed": round(self.agent_hours_freed, 2),
            "agents": [line.payload() for line in self.agent_lines],
            "roles": self._roles_payload(),
            "capped_roles": [c.payload() for c in self.capped_roles],
            "shared_evidence": [
                {"agent": e.agent, "role": e.role, "evidence": e.evidence_id} for e in self.shared_evidence
            ],
            "monthly": [
                {
                    "month": m.month,
                    "cost": round(m.cost, 2),
                    "hours_freed": round(m.hours_freed, 4),
                    "value": round(m.value, 2),
                    "net": round(m.net, 2),
                    "cumulative_net": round(m.cumulative_net, 2),
                    "demand_units": round(m.demand_units, 3),
                    "throttled_units": round(m.throttled_units, 3),
                    "served_share": round(m.served_share, 6),
                }
                for m in self.monthly
            ],
        }

    def _roles_payload(self) -> dict[str, dict[str, float]]:
        """Per role: SCUs demanded, served and refused, and hours freed (people's and agents')."""
        out = {}
        for r, demand in self.demand_by_role_scu.items():
            throttled = sum(self.throttled_by_role_scu.get(r, ()))
            out[r] = {
                "demand_units": round(sum(demand), 3),
                "served_units": round(sum(demand) - throttled, 3),
                "throttled_units": round(throttled, 3),
                "hours_freed": round(self.ledger_hours_by_role.get(r, 0.0), 2),
            }
        return out

    @property
    def ledger_hours_by_role(self) -> dict[str, float]:
        """Hours freed over the horizon by owner role: its people's plus the agent lines taking
        over its work (lines taking over nobody's work free none)."""
        out = {r: float(sum(hours)) for r, hours in self.hours_freed_by_role.items()}
        for line in self.agent_lines:
            if line.takes_over is not None:
                out[line.takes_over] = out.get(line.takes_over, 0.0) + line.total_hours_freed
        return out

    def _finance_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "convention": self.convention,
            "risk_adjustment": self.risk_adjustment.model_dump(),
            "pv_benefits": round(self.pv_benefits, 2),
            "pv_costs": round(self.pv_costs, 2),
            "roi_pv": None if self.roi_pv is None else round(self.roi_pv, 6),
            "discounted_payback_years": None
            if self.discounted_payback_years is None
            else round(self.discounted_payback_years, 6),
            "discounted_payback_fell_back": self.discounted_payback_fell_back,
            "npv_by_convention": {
                k: None if v is None else round(v, 2) for k, v in self.npv_by_convention.items()
            },
            "total_other_benefits": round(self.total_other_benefits, 2),
            "total_other_costs": round(self.total_other_costs, 2),
        }
        if self.fte is not None:
            payload["fte"] = {
                "hours_per_fte_year": self.fte.hours_per_fte_year,
                "ftes": round(self.fte.ftes, 4),
                "weighted_cost_per_hour": round(self.fte.weighted_cost_per_hour, 4),
                "hiring_cost_per_year": round(self.fte.hiring_cost_per_year, 2),
            }
        if self.convention == "annual":
            payload["yearly"] = [
                {
                    "year": y.year,
                    "costs": round(y.costs, 2),
                    "benefits": round(y.benefits, 2),
                    "net": round(y.net, 2),
                    "discount_factor": round(y.discount_factor, 9),
                    "pv_net": round(y.pv_net, 2),
                    "cumulative_pv_net": round(y.cumulative_pv_net, 2),
                }
                for y in self.yearly
            ]
        return payload


def throttling_warning(result: ScenarioResult) -> str:
    """The sentence every page and export shows when the plan refuses part of the demand."""
    return (
        f"{throttled_share_text(result)} of demanded SCUs were throttled ({result.throttled_units:,.0f} "
        f"of {result.demand_units:,.0f} SCU): value counts only served work (served share "
        f"{served_share_text(result)})."
    )


def ledger_notes(result: ScenarioResult) -> list[str]:
    """What the ledger of hours changed, one sentence each, for every page and export: the caps
    that bound, agent lines freeing no one's hours, and studies that would count twice."""
    notes = [ledger.cap_sentence(c, role_label(c.role)) for c in result.capped_roles]
    notes += [
        f"{line.agent} takes over no one's work (work nobody did before): a capability, its SCUs cost, "
        "it frees no hours and adds no value."
        for line in result.agent_lines
        if line.takes_over is None
    ]
    notes += [e.sentence(role_label(e.role)) for e in result.shared_evidence]
    return notes


def throttled_share_text(result: ScenarioResult) -> str:
    """The throttled share of demand as a percentage that never rounds a refusal away.

    >>> from types import SimpleNamespace as S
    >>> [throttled_share_text(S(served_share=s)) for s in (0.06, 0.95, 0.9996)]  # type: ignore[arg-type]
    ['94%', '5.0%', 'under 0.1%']
    """
    refused = 1.0 - result.served_share
    if refused < 0.001:
        return "under 0.1%"
    return f"{refused:.1%}" if refused < 0.1 else f"{refused:.0%}"


def served_share_text(result: ScenarioResult) -> str:
    """The served share as a percentage that never reads 100 % while something was refused.

    >>> from types import SimpleNamespace as S
    >>> [served_share_text(S(served_share=s)) for s in (0.06, 0.95, 0.9996, 1.0)]  # type: ignore[arg-type]
    ['6%', '95.0%', 'over 99.9%', '100%']
    """
    served = result.served_share
    if served >= 1:
        return "100%"
    if served > 0.999:
        return "over 99.9%"
    return f"{served:.1%}" if served > 0.9 else f"{served:.0%}"


def scenario_prices(scenario: Scenario) -> Prices:
    """The price book with the scenario's own overrides applied."""
    return effective_prices(load_price_book(), scenario.prices)


def role_adoption(scenario: Scenario) -> dict[RoleId, FloatArray]:
    h = scenario.horizon_months
    return {
        r: finance.adoption_curve(role.adoption.starting_share, role.adoption.months_to_full, h).reshape(h)
        for r, role in scenario.roles.items()
    }


def role_demand_scu(scenario: Scenario, adoption: dict[RoleId, FloatArray]) -> dict[RoleId, FloatArray]:
    """SCUs each role's people consume in each month: headcount x SCUs per person x adoption."""
    return {
        r: role.headcount * scenario.capacity.scu_per_person_month[r] * adoption[r]
        for r, role in scenario.roles.items()
    }


def monthly_demand_scu(scenario: Scenario, adoption: dict[RoleId, FloatArray]) -> FloatArray:
    """SCUs consumed in each month: headcount x SCUs per person per month x adoption, summed."""
    total = np.zeros(scenario.horizon_months)
    for r, role in scenario.roles.items():
        total += role.headcount * scenario.capacity.scu_per_person_month[r] * adoption[r]
    return total


def hours_if_all_served(scenario: Scenario, adoption: dict[RoleId, FloatArray]) -> dict[RoleId, FloatArray]:
    """Hours freed per month by role before throttling: headcount x hours per week x 52/12 x
    time-saved share x adoption (``compute`` then scales each month by its served share)."""
    return {
        r: role.headcount
        * role.hours_per_week_on_assisted_tasks
        * finance.WEEKS_PER_MONTH
        * role.time_saved_share
        * adoption[r]
        for r, role in scenario.roles.items()
    }


def served_share(demand_units: FloatArray, throttled_units: FloatArray) -> FloatArray:
    """Share of demanded SCUs served, element by element: (demand - throttled) / demand, 1 where
    nothing was demanded (nothing was refused), clipped to [0, 1] against float noise.

    >>> served_share(np.array([100.0, 50.0, 0.0]), np.array([94.0, 0.0, 0.0])).tolist()
    [0.06, 1.0, 1.0]
    """
    demand = np.asarray(demand_units, dtype=np.float64)
    throttled = np.asarray(throttled_units, dtype=np.float64)
    safe = np.where(demand > 0, demand, 1.0)
    return np.asarray(np.where(demand > 0, np.clip((demand - throttled) / safe, 0.0, 1.0), 1.0))


@dataclass(frozen=True)
class Book:
    """A scenario's ledger of hours (``value.ledger``), month by month."""

    people_hours: dict[RoleId, FloatArray]  # after each role's own throttling and its cap
    agent_hours: FloatArray  # (lines, months), after each line's own throttling and its role's cap
    agent_served: FloatArray  # (lines, months): each line's served share
    people_served: FloatArray  # (months,): the people's served share (one shape for every role)
    throttled_by_role: dict[RoleId, FloatArray]  # SCUs refused per role and month
    capped: tuple[CappedRole, ...]


def ledger_of(
    scenario: Scenario, adoption: dict[RoleId, FloatArray], series: HourlySeries, throttled_hourly: FloatArray
) -> Book:
    """Share each hour's refused SCUs among the demands present in it, then cap each role's hours.

    ``series`` is the scenario's hourly demand (``agent_lines.hourly_demand``) and
    ``throttled_hourly`` what the bill refused in each of its hours.
    """
    h = scenario.horizon_months
    ratio = ledger.refusal_ratio(series.units_scu, throttled_hourly)
    people_served = ledger.served_share_of_shape(
        ratio, month_shares(h, plan_timezone(scenario.capacity.plan))
    )
    agent_served = agent_lines.served_shares(scenario, ratio, people_served)
    people = {r: hours * people_served for r, hours in hours_if_all_served(scenario, adoption).items()}
    agents = agent_lines.hours_if_all_served_by_line(scenario).reshape(len(scenario.agents), h) * agent_served
    owners = ledger.line_owners(scenario)
    caps = ledger.role_caps(scenario)
    capped_people, capped_agents, scales = ledger.apply_caps(people, agents, owners, caps)
    before = {r: people.get(r, np.zeros(h)) for r in scales}
    for i, owner in enumerate(owners):
        if owner is not None:
            before[owner] = before[owner] + agents[i]
    headcounts = {r: role.headcount for r, role in scenario.roles.items()}
    return Book(
        people_hours=capped_people,
        agent_hours=capped_agents,
        agent_served=agent_served,
        people_served=people_served,
        throttled_by_role={
            r: role.headcount
            * scenario.capacity.scu_per_person_month[r]
            * adoption[r]
            * (1.0 - people_served)
            for r, role in scenario.roles.items()
        },
        capped=ledger.capped_roles(before, scales, caps, headcounts),
    )


def compute(scenario: Scenario, prices: Prices | None = None) -> ScenarioResult:
    """Price and value ``scenario`` month by month (see the module docstring for the rules).

    ``prices`` defaults to the price book with ``scenario.prices`` applied.
    """
    prices = prices or scenario_prices(scenario)
    h = scenario.horizon_months
    adoption = role_adoption(scenario)
    people_demand = monthly_demand_scu(scenario, adoption)
    # Agent lines add their SCUs hour by hour (value.agent_lines); without lines this is the people's.
    demand = people_demand + agent_lines.monthly_units_by_line(scenario).sum(axis=0)
    series = agent_lines.hourly_demand(scenario, people_demand)
    billing = bill(series, scenario.capacity.plan, prices)
    capacity_cost = billing.monthly["total_cost"].to_numpy(dtype=np.float64)
    throttled = billing.monthly["throttled_scu"].to_numpy(dtype=np.float64)
    served = served_share(demand, throttled)
    one_off = np.zeros(h)
    other_benefits = line_matrix(scenario.other_benefits, h).sum(axis=0)
    other_costs = line_matrix(scenario.other_costs, h).sum(axis=0)
    one_off[0] = scenario.one_off_costs.total + float(one_offs(scenario.other_costs).sum())
    cost = capacity_cost + one_off + other_costs

    book = ledger_of(scenario, adoption, series, billing.hourly["throttled_scu"].to_numpy(dtype=np.float64))
    hours_by_role = book.people_hours
    agent_hours = book.agent_hours
    value_by_role = {
        r: hours_by_role[r] * role.loaded_cost_per_hour * scenario.realisation_rate
        for r, role in scenario.roles.items()
    }
    agent_value = agent_hours * agent_lines.value_weights(scenario)[:, None]
    hours = np.sum(list(hours_by_role.values()), axis=0) + agent_hours.sum(axis=0)
    value = np.sum(list(value_by_role.values()), axis=0) + agent_value.sum(axis=0)
    full_value = float(
        sum(hours_by_role[r].sum() * role.loaded_cost_per_hour for r, role in scenario.roles.items())
    ) + float((agent_hours * agent_lines.loaded_costs(scenario)[:, None]).sum())
    net = value + other_benefits - cost
    cumulative = np.cumsum(net)

    total_cost = float(cost.sum())
    total_value = float(value.sum())
    net_benefit = total_value + float(other_benefits.sum()) - total_cost
    # Labour value must cover what the other benefit lines do not.
    cost_left_for_labour = max(total_cost - float(other_benefits.sum()), 0.0)
    multiplier = finance.break_even_multiplier(cost_left_for_labour, total_value)
    realised_per_hour = total_value / float(hours.sum()) if hours.sum() > 0 else 0.0
    order = scenario.role_ids()
    break_even = BreakEven(
        time_saved_multiplier=multiplier,
        time_saved_share_by_role=None
        if multiplier is None
        else {r: scenario.roles[r].time_saved_share * multiplier for r in order},
        realisation_rate=finance.break_even_multiplier(cost_left_for_labour, full_value),
        hours_freed_per_month_needed=(cost_left_for_labour / h / realised_per_hour)
        if realised_per_hour > 0
        else None,
    )
    monthly = tuple(
        MonthFlow(
            month=m + 1,
            capacity_cost=float(capacity_cost[m]),
            one_off_cost=float(one_off[m]),
            cost=float(cost[m]),
            hours_freed=float(hours[m]),
            value=float(value[m]),
            net=float(net[m]),
            cumulative_net=float(cumulative[m]),
            demand_units=float(demand[m]),
            throttled_units=float(throttled[m]),
            served_share=float(served[m]),
            other_benefits=float(other_benefits[m]),
            other_costs=float(other_costs[m]),
        )
        for m in range(h)
    )
    flows = (
        float(one_off[0]),
        value + other_benefits,
        capacity_cost + other_costs,
        scenario.discount_rate_annual,
    )
    discounted = discounted_summary(scenario.finance, *flows)
    return ScenarioResult(
        currency=prices.currency,
        price_book_name=prices.price_book_name,
        plan_description=scenario.capacity.plan.describe(),
        usage_source=scenario.capacity.usage_source,
        horizon_months=h,
        discount_rate_annual=scenario.discount_rate_annual,
        realisation_rate=scenario.realisation_rate,
        monthly=monthly,
        hours_freed_by_role={r: tuple(map(float, hours_by_role[r])) for r in order},
        value_by_role={r: tuple(map(float, value_by_role[r])) for r in order},
        demand_by_role_scu={
            r: tuple(map(float, units)) for r, units in role_demand_scu(scenario, adoption).items()
        },
        total_capacity_cost=float(capacity_cost.sum()),
        total_one_off_cost=float(one_off.sum()),
        total_cost=total_cost,
        total_hours_freed=float(hours.sum()),
        total_value=total_value,
        value_at_full_realisation=full_value,
        demand_units=float(demand.sum()),
        throttled_units=float(throttled.sum()),
        served_share=float(served_share(np.array([demand.sum()]), np.array([throttled.sum()]))[0]),
        net_benefit=net_benefit,
        roi=finance.roi(net_benefit, total_cost),
        npv=discounted.npv,
        payback_month=finance.payback_month(cumulative),
        first_crossing_month=finance.first_crossing_month(cumulative),
        discounted_payback_fell_back=discounted.discounted_payback_fell_back,
        npv_by_convention=npv_by_convention(scenario.finance, *flows),
        break_even=break_even,
        billing=billing.totals,
        convention=discounted.convention,
        risk_adjustment=scenario.finance.risk_adjustment,
        pv_benefits=discounted.pv_benefits,
        pv_costs=discounted.pv_costs,
        roi_pv=discounted.roi_pv,
        discounted_payback_years=discounted.discounted_payback_years,
        yearly=discounted.yearly,
        total_other_benefits=float(other_benefits.sum()),
        total_other_costs=float(other_costs.sum() + one_offs(scenario.other_costs).sum()),
        # Every freed hour counts, agents' included (their hours are their roles').
        fte=fte_view(
            {r: float(hours_by_role[r].sum()) for r in order}
            | {f"agents[{i}]": float(agent_hours[i].sum()) for i in range(len(scenario.agents))},
            {r: scenario.roles[r].loaded_cost_per_hour for r in order}
            | {f"agents[{i}]": float(c) for i, c in enumerate(agent_lines.loaded_costs(scenario))},
            h,
            scenario.hours_per_fte_year,
        ),
        agent_lines=agent_lines.line_results(
            scenario, prices, people_demand, float(capacity_cost.sum()), book.agent_served, agent_hours
        ),
        throttled_by_role_scu={r: tuple(map(float, book.throttled_by_role[r])) for r in order},
        capped_roles=book.capped,
        shared_evidence=ledger.shared_evidence(scenario),
    )
