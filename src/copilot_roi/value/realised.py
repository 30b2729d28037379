"""Value realised to date: what the measured months cost and freed, beside the case's forecast.

Month by month since adoption began (the first calendar month of the usage, in the export's time
zone, is the case's month 1):

* **actual cost** = the bill of the measured usage under the case's plan (exact, as the billing
  engine prices it) + the case's one-off costs in month 1 + its other recurring costs;
* **people active** per role = distinct people (agent runs apart, roles from the roster, plugin
  rules as the fallback, as calibration maps them) with at least one row in the month, at most
  the role's headcount;
* **hours freed** the case's assumptions imply for that activity = people active x hours a week
  on assisted tasks x 52/12 x time-saved share, plus each agent line's measured runs x minutes
  avoided per run / 60 (runs as the rate card counts them, agents matched by name), each hour
  owned by a role and capped at its people's working hours as the case's ledger does
  (``value.ledger``);
* **value** = those hours x loaded cost per hour x the realisation rate, plus the case's other
  benefit lines;
* **forecast** = the case's own month (``engine.compute``) for the same month.

A month the usage covers only in part (the first and last, usually) has the forecast and the
recurring lines scaled by the share of its hours the usage covers, so both sides describe the
same hours; the one-off costs stay whole in month 1. Throttling: the forecast's months already
count only served work; the measured usage is what was served, and the bill of it under the
case's plan says how much of it that plan would have refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from copilot_roi.billing import bill
from copilot_roi.pricebook import Prices
from copilot_roi.roles import RoleId, role_label
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.agents import rate_card
from copilot_roi.usage.chargeback import DEFAULT_RULES, RoleRule, Roster, assign_roles
from copilot_roi.value.agent_lines import value_weights
from copilot_roi.value.calibration import agent_rows
from copilot_roi.value.engine import ScenarioResult, compute, role_adoption, scenario_prices
from copilot_roi.value.extra_lines import line_matrix, one_offs
from copilot_roi.value.finance import WEEKS_PER_MONTH
from copilot_roi.value.ledger import apply_caps, line_owners, role_caps
from copilot_roi.value.scenario import Scenario


@dataclass(frozen=True)
class RealisedMonth:
    """One calendar month of measured usage beside the case's forecast for it."""

    month_label: str  # "2026-08"
    case_month: int  # 1 = the first month of usage
    covered_share: float  # share of the month's hours the usage covers
    people_active: dict[RoleId, int]
    people_forecast: dict[RoleId, float]  # headcount x the ramp's adoption
    agent_runs: dict[str, int]  # per agent line
    actual_capacity_cost: float
    actual_cost: float
    actual_hours_freed: float
    actual_value: float  # realised labour value + other benefits
    throttled_units: float  # of the measured usage, under the case's plan
    forecast_cost: float
    forecast_hours_freed: float
    forecast_value: float

    @property
    def actual_net(self) -> float:
        return self.actual_value - self.actual_cost

    @property
    def forecast_net(self) -> float:
        return self.forecast_value - self.forecast_cost


@dataclass(frozen=True)
class RealisedToDate:
    """The measured months and the sentence that says where the case runs ahead or behind."""

    currency: str
    months: tuple[RealisedMonth, ...]
    roles: tuple[RoleId, ...]

    @property
    def actual_cumulative_net(self) -> list[float]:
        return [float(x) for x in np.cumsum([m.actual_net for m in self.months])]

    @property
    def forecast_cumulative_net(self) -> list[float]:
        return [float(x) for x in np.cumsum([m.forecast_net for m in self.months])]

    def totals(self) -> dict[str, float]:
        fields = (
            "actual_cost",
            "actual_value",
            "actual_hours_freed",
            "forecast_cost",
            "forecast_value",
            "forecast_hours_freed",
            "throttled_units",
        )
        return {f: float(sum(getattr(m, f) for m in self.months)) for f in fields}

    def sentence(self) -> str:
        """Where the case is running ahead or behind its forecast, and why."""
        if not self.months:
            return "No measured month yet: nothing to compare with the forecast."
        t = self.totals()
        first, last = self.months[0], self.months[-1]
        actual_net, forecast_net = self.actual_cumulative_net[-1], self.forecast_cumulative_net[-1]
        gap = actual_net - forecast_net
        span = (
            f"{month_name(first.month_label)} to {month_name(last.month_label)}"
            if len(self.months) > 1
            else month_name(first.month_label)
        )
        shown = {
            "actual": exact_money(actual_net, self.currency),
            "forecast": exact_money(forecast_net, self.currency),
            "gap": exact_money(abs(gap), self.currency),
        }
        if abs(gap) < 0.5:
            head = f"From {span} the case is on its forecast (cumulative net {shown['actual']})."
        else:
            direction = "ahead of" if gap > 0 else "behind"
            head = (
                f"From {span} the case is running {direction} its forecast by {shown['gap']}: "
                f"cumulative net {shown['actual']} against {shown['forecast']} forecast."
            )
        value_gap = t["actual_value"] - t["forecast_value"]
        cost_gap = t["forecast_cost"] - t["actual_cost"]
        active = sum(last.people_active.values())
        assumed = sum(last.people_forecast.values())
        reasons = [
            f"Adoption: {active:,} {'person' if active == 1 else 'people'} active in "
            f"{month_name(last.month_label)} against {assumed:,.1f} assumed, "
            f"so value is {exact_money(abs(value_gap), self.currency)} "
            f"{'above' if value_gap >= 0 else 'below'} forecast.",
            f"Cost: the bill is {exact_money(abs(cost_gap), self.currency)} "
            f"{'below' if cost_gap >= 0 else 'above'} forecast.",
        ]
        if t["throttled_units"] > 0:
            reasons.append(
                f"Throttling: the case's plan would have refused {t['throttled_units']:,.1f} SCU of the "
                "measured usage; refused work frees no hours."
            )
        partial = [month_name(m.month_label) for m in self.months if m.covered_share < 1]
        if partial:
            reasons.append(
                f"Partly covered months ({', '.join(partial)}) compare like with like: the forecast "
                "is scaled to the hours the usage covers."
            )
        return " ".join([head, *reasons])

    def payload(self) -> dict[str, object]:
        """The ``realised_to_date`` block of ``roi --case ... --json``: months, totals, sentence."""
        return {
            "currency": self.currency,
            "sentence": self.sentence(),
            "totals": {k: round(v, 2) for k, v in self.totals().items()},
            "months": [
                {
                    "month": m.month_label,
                    "case_month": m.case_month,
                    "covered_share": round(m.covered_share, 6),
                    "people_active": m.people_active,
                    "people_assumed": {r: round(v, 4) for r, v in m.people_forecast.items()},
                    "agent_runs": m.agent_runs,
                    "actual_cost": round(m.actual_cost, 2),
                    "actual_hours_freed": round(m.actual_hours_freed, 4),
                    "actual_value": round(m.actual_value, 2),
                    "throttled_units": round(m.throttled_units, 3),
                    "forecast_cost": round(m.forecast_cost, 2),
                    "forecast_hours_freed": round(m.forecast_hours_freed, 4),
                    "forecast_value": round(m.forecast_value, 2),
                    "actual_cumulative_net": round(actual, 2),
                    "forecast_cumulative_net": round(forecast, 2),
                }
                for m, actual, forecast in zip(
                    self.months, self.actual_cumulative_net, self.forecast_cumulative_net, strict=True
                )
            ],
        }

    def rows(self) -> list[dict[str, object]]:
        """One row per month for a table or an export, figures rounded as shown."""
        actual = self.actual_cumulative_net
        forecast = self.forecast_cumulative_net
        return [
            {
                "Month": m.month_label,
                "Case month": m.case_month,
                "Covered": round(m.covered_share, 4),
                "People active": sum(m.people_active.values()),
                "People assumed": round(sum(m.people_forecast.values()), 1),
                "Actual cost": round(m.actual_cost, 2),
                "Forecast cost": round(m.forecast_cost, 2),
                "Actual hours freed": round(m.actual_hours_freed, 1),
                "Forecast hours freed": round(m.forecast_hours_freed, 1),
                "Actual value": round(m.actual_value, 2),
                "Forecast value": round(m.forecast_value, 2),
                "Actual cumulative net": round(actual[i], 2),
                "Forecast cumulative net": round(forecast[i], 2),
            }
            for i, m in enumerate(self.months)
        ]


def month_name(label: str) -> str:
    """``2026-08`` as a reader says it: ``Aug 2026``.

    >>> month_name("2026-08")
    'Aug 2026'
    """
    return dt.date.fromisoformat(f"{label}-01").strftime("%b %Y")


def exact_money(amount: float, currency: str) -> str:
    """Money to the unit: a gap of a few dollars between two large sums must not round away.

    >>> exact_money(-11004.44, "USD")
    'USD -11,004'
    """
    return f"{currency} {amount:,.0f}"


def _month_keys(started_at: pd.Series, timezone: str) -> pd.Series:
    local = started_at.dt.tz_convert(timezone)
    return pd.Series(local.dt.strftime("%Y-%m"), index=started_at.index)


def _covered_shares(monthly: pd.DataFrame, timezone: str) -> list[float]:
    """Per billed month, its hours in the usage over the calendar month's hours (local time)."""
    shares = []
    for label, hours in zip(monthly["month_label"], monthly["hours"], strict=True):
        start = pd.Timestamp(f"{label}-01", tz=timezone)
        end = start + pd.offsets.MonthBegin(1)
        shares.append(min(1.0, float(hours) / ((end - start) / pd.Timedelta(hours=1))))
    return shares


def realised_to_date(
    scenario: Scenario,
    usage: UsageDataset,
    roster: Roster | None = None,
    rules: tuple[RoleRule, ...] | None = None,
    prices: Prices | None = None,
    forecast: ScenarioResult | None = None,
) -> RealisedToDate:
    """Each measured month of ``usage`` beside ``scenario``'s forecast (see the module docstring).

    ``forecast`` is ``compute(scenario, prices)`` when the caller has it already.
    """
    prices = prices or scenario_prices(scenario)
    forecast = forecast or compute(scenario, prices)
    billed = bill(usage.hourly, scenario.capacity.plan, prices).monthly
    labels = [str(label) for label in billed["month_label"]]
    months = min(len(labels), scenario.horizon_months)
    covered = _covered_shares(billed, usage.timezone)
    frame = usage.frame
    month_of_row = _month_keys(frame["started_at"], usage.timezone)
    is_agent = agent_rows(frame)
    people = frame[~is_agent]
    assigned = assign_roles(people, roster, rules if rules is not None else DEFAULT_RULES)
    assigned = assigned.assign(month=month_of_row[~is_agent].to_numpy())
    active = assigned.groupby(["month", "role"], sort=False)["user"].nunique()
    runs_by_month = _agent_runs(frame[is_agent], month_of_row[is_agent], scenario)

    h = scenario.horizon_months
    other_benefits = line_matrix(scenario.other_benefits, h).sum(axis=0)
    other_costs = line_matrix(scenario.other_costs, h).sum(axis=0)
    one_off = scenario.one_off_costs.total + float(one_offs(scenario.other_costs).sum())
    roles = scenario.role_ids()
    shares = np.array(covered[:months], dtype=np.float64)
    active_people = {
        r: np.array(
            [
                min(int(active.get((labels[i], r), 0)), int(np.floor(scenario.roles[r].headcount)))
                for i in range(months)
            ],
            dtype=np.float64,
        )
        for r in roles
    }
    # The case's own hours rule, on measured people instead of the ramp's adoption.
    people_hours = {
        r: active_people[r]
        * scenario.roles[r].hours_per_week_on_assisted_tasks
        * WEEKS_PER_MONTH
        * scenario.roles[r].time_saved_share
        * shares
        for r in roles
    }
    runs = np.array(
        [
            [runs_by_month.get(labels[i], {}).get(line.agent, 0) for i in range(months)]
            for line in scenario.agents
        ],
        dtype=np.float64,
    ).reshape(len(scenario.agents), months)
    minutes = np.array([line.analyst_minutes_avoided_per_run for line in scenario.agents], dtype=np.float64)
    agent_hours = runs * minutes[:, None] / 60
    # Every hour has an owner and a ceiling (value.ledger). The caps are a whole month's, so they
    # are applied to each month's rate (hours / covered share), then scaled back to the covered hours.
    people_rate = {r: hours / shares for r, hours in people_hours.items()}
    people_rate, agent_rate, _ = apply_caps(
        people_rate, agent_hours / shares, line_owners(scenario), role_caps(scenario)
    )
    people_hours = {r: rate * shares for r, rate in people_rate.items()}
    agent_hours = agent_rate * shares
    hours = np.sum([people_hours[r] for r in roles], axis=0) + agent_hours.sum(axis=0)
    value = np.sum(
        [people_hours[r] * scenario.roles[r].loaded_cost_per_hour for r in roles], axis=0
    ) * scenario.realisation_rate + (agent_hours * value_weights(scenario)[:, None]).sum(axis=0)
    adoption = role_adoption(scenario)
    result: list[RealisedMonth] = []
    for i in range(months):
        label, share, flow = labels[i], float(shares[i]), forecast.monthly[i]
        capacity = float(billed["total_cost"].iloc[i])
        result.append(
            RealisedMonth(
                month_label=label,
                case_month=i + 1,
                covered_share=share,
                people_active={r: int(active_people[r][i]) for r in roles},
                people_forecast={r: float(scenario.roles[r].headcount * adoption[r][i]) for r in roles},
                agent_runs={line.agent: int(runs[j, i]) for j, line in enumerate(scenario.agents)},
                actual_capacity_cost=capacity,
                actual_cost=capacity + (one_off if i == 0 else 0.0) + float(other_costs[i]) * share,
                actual_hours_freed=float(hours[i]),
                actual_value=float(value[i]) + float(other_benefits[i]) * share,
                throttled_units=float(billed["throttled_scu"].iloc[i]),
                forecast_cost=(flow.cost - flow.one_off_cost) * share + flow.one_off_cost,
                forecast_hours_freed=flow.hours_freed * share,
                forecast_value=(flow.value + flow.other_benefits) * share,
            )
        )
    return RealisedToDate(currency=forecast.currency, months=tuple(result), roles=tuple(roles))


def _agent_runs(
    agent_frame: pd.DataFrame, months: pd.Series, scenario: Scenario
) -> dict[str, dict[str, int]]:
    """Runs per month of each agent line, matched to the rate card's agents by name (any case)."""
    wanted = {line.agent.casefold(): line.agent for line in scenario.agents}
    if not wanted or agent_frame.empty:
        return {}
    found: dict[str, dict[str, int]] = {}
    for label, rows in agent_frame.groupby(months.to_numpy(), sort=True):
        for rate in rate_card(rows).agents:
            line = wanted.get(rate.agent.casefold())
            if line is not None and not rate.is_person:
                # Two rate-card agents can match one line (names differing only in case): add them.
                month = found.setdefault(str(label), {})
                month[line] = month.get(line, 0) + rate.runs
    return found


def describe_role_gap(realised: RealisedToDate) -> list[str]:
    """Per role, the last month's people active against assumed (counts only, never a name)."""
    if not realised.months:
        return []
    last = realised.months[-1]
    return [
        f"{role_label(r)}: {last.people_active[r]:,} active, {last.people_forecast[r]:,.1f} assumed"
        for r in realised.roles
        if last.people_forecast[r] > 0 or last.people_active[r] > 0
    ]
