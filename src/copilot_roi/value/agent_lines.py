"""Agent lines in a scenario: their SCUs by hour, the analyst time they free, their per-run costs.

An agent line runs ``runs_per_month`` times in every month of the horizon (agents do not ramp up
like people; set the runs you expect) and each run consumes ``scu_per_run`` SCUs. Those SCUs join
the people's demand hour by hour and are billed with it:

* ``runs_during = "all_hours"`` (the default): agents run around the clock, so a month's agent
  SCUs are spread evenly over its 730 hours; ``"working_hours"``: they take the people's
  working-hours shape (``value.demand``).
* The month's served share (the plan's throttling) applies to agent runs as to prompts: a
  throttled run avoids nobody's minutes.

Hours freed by a line = runs x minutes avoided per run / 60 x served share(m); value = those
hours x the line's loaded cost per hour (the SOC role's when the line names none) x the
realisation rate, as for people. Agent hours are reported apart from people's.

Per run (``roi --json`` key ``agents``):

* ``cost_per_run`` is the **marginal capacity cost** of a run: the plan's capacity cost over the
  horizon with every line, minus the same plan's cost without this line, divided by the line's
  runs over the horizon. On provisioned capacity that idles at night it can be 0 (the runs use
  SCUs already paid for); past the capacity it is the overage price; throttled runs cost nothing
  and earn nothing.
* ``manual_cost_per_run`` = minutes avoided per run / 60 x loaded cost per hour: what the same
  work costs done by hand (no realisation rate: it is a cost, not a value).

>>> from copilot_roi.value.scenario import scenario_template
>>> line = preset_line("phishing_triage")
>>> line.agent, line.scu_per_run, line.analyst_minutes_avoided_per_run
('Phishing Triage Agent', 0.5, 6.92)
>>> round(manual_cost_per_run(line, 75.0), 4)
8.65
"""

from __future__ import annotations

from typing import Any

import annotated_types
import numpy as np
from pydantic import BaseModel, ConfigDict

from copilot_roi.billing import bill
from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray, HourlySeries
from copilot_roi.pricebook import Prices
from copilot_roi.usage.agents import AgentRate, RateCard
from copilot_roi.value.catalogue import AgentDefaults, PresetName, load_catalogue
from copilot_roi.value.demand import demand_series, month_shares, plan_timezone
from copilot_roi.value.ledger import MINUTES_NOTE, served_share_of_shape
from copilot_roi.value.scenario import AGENT_SOURCE_MAX_CHARS, AgentLine, AgentRanges, Band, Scenario

MINUTES_PER_HOUR = 60.0
# A billing month is 730 hours: 30.42 days, the factor from runs a day to runs a month.
DAYS_PER_BILLING_MONTH = HOURS_PER_BILLING_MONTH / 24


class AgentLineResult(BaseModel):
    """One agent line over the horizon; money in the scenario currency."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    agent: str
    runs_per_month: float
    scu_per_run: float
    analyst_minutes_avoided_per_run: float
    loaded_cost_per_hour: float
    source: str
    takes_over: str | None  # the role whose hours it frees; None: nobody's (a new capability)
    demand_units: float  # SCUs the line asks for over the horizon
    throttled_units: float  # of those, refused in the hours it runs (value.ledger)
    cost_per_run: float | None  # marginal capacity cost (None without runs)
    manual_cost_per_run: float
    hours_freed: tuple[float, ...]  # per month, after throttling
    value: tuple[float, ...]  # per month, realised

    @property
    def total_hours_freed(self) -> float:
        return float(sum(self.hours_freed))

    @property
    def total_value(self) -> float:
        return float(sum(self.value))

    @property
    def served_units(self) -> float:
        return self.demand_units - self.throttled_units

    def payload(self) -> dict[str, Any]:
        """One object of ``copilot-roi roi --json``'s ``agents`` list."""
        return {
            "agent": self.agent,
            "runs_per_month": self.runs_per_month,
            "scu_per_run": self.scu_per_run,
            "analyst_minutes_avoided_per_run": self.analyst_minutes_avoided_per_run,
            "loaded_cost_per_hour": self.loaded_cost_per_hour,
            "cost_per_run": None if self.cost_per_run is None else round(self.cost_per_run, 4),
            "manual_cost_per_run": round(self.manual_cost_per_run, 4),
            "takes_over": self.takes_over,
            "demand_units": round(self.demand_units, 3),
            "served_units": round(self.served_units, 3),
            "throttled_units": round(self.throttled_units, 3),
            "hours_freed": round(self.total_hours_freed, 2),
            "value": round(self.total_value, 2),
            "source": self.source,
        }


def line_cost_per_hour(scenario: Scenario, line: AgentLine) -> float:
    """The line's own loaded cost per hour, else that of the role it takes over (the SOC role's
    when it takes over nothing) in the scenario, else the catalogue's for that role."""
    if line.loaded_cost_per_hour is not None:
        return line.loaded_cost_per_hour
    role = line.takes_over or "soc"
    if role in scenario.roles:
        return scenario.roles[role].loaded_cost_per_hour
    return load_catalogue().roles[role].loaded_cost_per_hour.expected


def manual_cost_per_run(line: AgentLine, loaded_cost_per_hour: float) -> float:
    """Minutes avoided per run / 60 x loaded cost per hour: the run's work done by hand."""
    return line.analyst_minutes_avoided_per_run / MINUTES_PER_HOUR * loaded_cost_per_hour


def monthly_units_by_line(scenario: Scenario) -> FloatArray:
    """SCUs each line consumes in each month: shape (lines, months), runs x SCUs per run."""
    per_month = np.array([line.runs_per_month * line.scu_per_run for line in scenario.agents])
    return np.repeat(per_month.reshape(-1, 1), scenario.horizon_months, axis=1)


def hours_if_all_served_by_line(scenario: Scenario) -> FloatArray:
    """Analyst hours each line avoids in each month before throttling: (lines, months)."""
    per_month = np.array(
        [
            line.runs_per_month * line.analyst_minutes_avoided_per_run / MINUTES_PER_HOUR
            for line in scenario.agents
        ]
    )
    return np.repeat(per_month.reshape(-1, 1), scenario.horizon_months, axis=1)


def loaded_costs(scenario: Scenario) -> FloatArray:
    """Per line, the loaded cost of an analyst hour it frees."""
    return np.array([line_cost_per_hour(scenario, line) for line in scenario.agents], dtype=np.float64)


def value_weights(scenario: Scenario) -> FloatArray:
    """Per line, realised value of one hour freed: loaded cost per hour x realisation rate."""
    return loaded_costs(scenario) * scenario.realisation_rate


def line_shares(line: AgentLine, months: int, timezone: str) -> FloatArray:
    """Share of each month's SCUs falling in each hour, (months, 730): flat, or working hours."""
    if line.runs_during == "working_hours":
        return month_shares(months, timezone)
    return np.full((months, HOURS_PER_BILLING_MONTH), 1.0 / HOURS_PER_BILLING_MONTH)


def hourly_demand(
    scenario: Scenario, people_monthly_scu: FloatArray, skip: int | None = None, timezone: str | None = None
) -> HourlySeries:
    """The scenario's hourly demand: people's SCUs in working hours plus every agent line's SCUs
    spread over the hours it runs (without line ``skip``, for its marginal cost). Working hours
    are in ``timezone``, by default the plan's."""
    timezone = timezone or plan_timezone(scenario.capacity.plan)
    people = demand_series(np.asarray(people_monthly_scu, dtype=np.float64), timezone)
    months = len(people_monthly_scu)
    units = people.units_scu.copy()
    for i, line in enumerate(scenario.agents):
        if i == skip or line.runs_per_month * line.scu_per_run == 0:
            continue
        units += (line_shares(line, months, timezone) * (line.runs_per_month * line.scu_per_run)).ravel()
    return HourlySeries(people.start, units, "730h")


def mixed_month_shares(scenario: Scenario, people_monthly_scu: FloatArray) -> FloatArray:
    """Each month's hourly shape of the whole demand (people and agents), rows summing to 1;
    the people's shape in a month without demand. The sensitivity keeps this shape per month."""
    months = len(people_monthly_scu)
    people = month_shares(months, plan_timezone(scenario.capacity.plan))
    if not any(line.runs_per_month * line.scu_per_run for line in scenario.agents):
        return people  # nothing but people's SCUs: their shape, without building the hours
    blocks = hourly_demand(scenario, people_monthly_scu).units_scu.reshape(months, HOURS_PER_BILLING_MONTH)
    totals = blocks.sum(axis=1, keepdims=True)
    return np.asarray(np.where(totals > 0, blocks / np.where(totals > 0, totals, 1.0), people))


def served_shares(scenario: Scenario, refusal_ratio: FloatArray, people_served: FloatArray) -> FloatArray:
    """Each line's served share per month, (lines, months): one minus its run profile's share of
    each hour's refusal (``value.ledger``); a working-hours line shares the people's."""
    months = len(people_served)
    out = np.empty((len(scenario.agents), months))
    flat: FloatArray | None = None
    for i, line in enumerate(scenario.agents):
        if line.runs_during == "working_hours":
            out[i] = people_served
            continue
        if flat is None:
            flat = served_share_of_shape(refusal_ratio, line_shares(line, months, "UTC"))
        out[i] = flat
    return out


def line_results(
    scenario: Scenario,
    prices: Prices,
    people_monthly_scu: FloatArray,
    capacity_cost: float,
    served: FloatArray,
    hours: FloatArray,
) -> tuple[AgentLineResult, ...]:
    """Each line's figures; ``capacity_cost`` is the plan's cost with every line, ``served`` each
    line's served share per month (lines, months), ``hours`` its hours freed after throttling and
    its role's cap (lines, months). Bills the plan once more per line (its marginal cost)."""
    value = hours * value_weights(scenario)[:, None]
    units = monthly_units_by_line(scenario)
    out = []
    for i, line in enumerate(scenario.agents):
        runs = line.runs_per_month * scenario.horizon_months
        marginal: float | None = None
        if runs > 0:
            without = bill(
                hourly_demand(scenario, people_monthly_scu, skip=i), scenario.capacity.plan, prices
            )
            marginal = max(capacity_cost - float(without.monthly["total_cost"].sum()), 0.0) / runs
        cost_per_hour = line_cost_per_hour(scenario, line)
        out.append(
            AgentLineResult(
                agent=line.agent,
                runs_per_month=line.runs_per_month,
                scu_per_run=line.scu_per_run,
                analyst_minutes_avoided_per_run=line.analyst_minutes_avoided_per_run,
                loaded_cost_per_hour=cost_per_hour,
                source=line.source,
                takes_over=line.takes_over,
                demand_units=float(units[i].sum()),
                throttled_units=float((units[i] * (1.0 - served[i])).sum()),
                cost_per_run=marginal,
                manual_cost_per_run=manual_cost_per_run(line, cost_per_hour),
                hours_freed=tuple(map(float, hours[i])),
                value=tuple(map(float, value[i])),
            )
        )
    return tuple(out)


def _band(low: float, high: float) -> Band:
    return Band(low=min(low, high), high=max(low, high))


def preset_line(agent_id: str, preset: PresetName = "expected") -> AgentLine:
    """A catalogue agent's line at ``preset`` values, its bands the catalogue's, cited."""
    defaults = load_catalogue().agents[agent_id]
    return AgentLine(
        agent=defaults.agent,
        runs_per_month=defaults.runs_per_month.preset(preset),
        scu_per_run=defaults.scu_per_run.preset(preset),
        analyst_minutes_avoided_per_run=defaults.analyst_minutes_avoided_per_run.preset(preset),
        takes_over=defaults.takes_over,
        ranges=AgentRanges(
            scu_per_run=_band(*defaults.scu_per_run.bounds),
            analyst_minutes_avoided_per_run=_band(*defaults.analyst_minutes_avoided_per_run.bounds),
        ),
        source=preset_source(defaults),
    )


def preset_source(defaults: AgentDefaults) -> str:
    """The line's ``source``: which catalogue entries its minutes rest on, or that it is assumed."""
    minutes = defaults.analyst_minutes_avoided_per_run
    cited = ", ".join(minutes.evidence) if minutes.evidence else "assumption"
    if minutes.claims:
        cited += f"; claims (not studies): {', '.join(minutes.claims)}"
    context = f"; context: {', '.join(minutes.context)}" if minutes.context else ""
    return f"catalogue preset, SCUs per run assumed{MINUTES_NOTE}{cited}{context}"


def catalogue_agent_id(name: str) -> str | None:
    """The catalogue preset whose agent is ``name`` (any case), if any."""
    wanted = name.strip().casefold()
    for agent_id, defaults in load_catalogue().agents.items():
        if defaults.agent.casefold() == wanted:
            return agent_id
    return None


def line_from_rate(rate: AgentRate, days: int, current: AgentLine | None = None) -> AgentLine:
    """A line whose runs a month and SCUs per run come from the usage export's rate card.

    runs a month = runs per active day x 730 / 24 (a billing month; the active days run from the
    agent's first run to its last, so an agent switched on late keeps its own pace); SCUs per
    run = the agent's mean (total SCUs / runs: the figure that reproduces its SCUs), its band
    the P10..P90 of runs
    widened to hold the mean. Minutes avoided and cost per hour are kept from ``current``, else
    the catalogue preset of the same agent, else 0 minutes (nothing claimed until the user sets it).

    >>> from copilot_roi.usage.agents import AgentRate, RateCard
    >>> rate = AgentRate("Phishing Triage Agent", False, 60, 27.0, 0.4, 0.2, 0.9, 2.0, 0.1, (0,) * 168, 2.0)
    >>> line = line_from_rate(rate, days=30)
    >>> round(line.runs_per_month, 4), line.scu_per_run, line.ranges.scu_per_run
    (60.8333, 0.45, Band(low=0.2, high=0.9))
    """
    if rate.runs <= 0:
        raise ValueError(f"{rate.agent}: the rate card has no runs to take a rate from")
    base = current
    if base is None:
        agent_id = catalogue_agent_id(rate.agent)
        base = preset_line(agent_id) if agent_id else None
    minutes = base.analyst_minutes_avoided_per_run if base else 0.0
    minutes_band = base.ranges.analyst_minutes_avoided_per_run if base else Band(low=0.0, high=0.0)
    mean = round(rate.total_units / rate.runs, 6)
    # Keep only what the minutes rest on, so taking the rate again does not nest the sources.
    minutes_note = base.source.split(MINUTES_NOTE, 1)[-1] if base else "not set"
    return AgentLine(
        agent=base.agent if base else rate.agent,
        runs_per_month=round(rate.runs_per_active_day * DAYS_PER_BILLING_MONTH, 6),
        scu_per_run=mean,
        analyst_minutes_avoided_per_run=minutes,
        loaded_cost_per_hour=base.loaded_cost_per_hour if base else None,
        takes_over=base.takes_over if base else "soc",
        runs_during=base.runs_during if base else "all_hours",
        ranges=AgentRanges(
            scu_per_run=Band(low=min(rate.units_per_run_p10, mean), high=max(rate.units_per_run_p90, mean)),
            analyst_minutes_avoided_per_run=minutes_band,
        ),
        source=(
            f"usage export: {rate.runs} runs, {rate.runs_per_active_day:g} per active day (first to last "
            f"run; {days} days in the export), mean {mean:g} SCU per run "
            f"(P10 {rate.units_per_run_p10:g}, P90 {rate.units_per_run_p90:g}){MINUTES_NOTE}{minutes_note}"
        )[:AGENT_SOURCE_MAX_CHARS],
    )


def lines_with_rate(lines: list[AgentLine], rate: AgentRate, days: int) -> list[AgentLine]:
    """``lines`` with the rate card's runs and SCUs per run for ``rate.agent``: its line updated
    in place (same name, any case), or a new line appended."""
    wanted = rate.agent.strip().casefold()
    out = list(lines)
    for i, line in enumerate(out):
        if line.agent.strip().casefold() == wanted:
            out[i] = line_from_rate(rate, days, line)
            return out
    return [*out, line_from_rate(rate, days)]


def lines_from_rate_card(lines: list[AgentLine], card: RateCard) -> list[AgentLine]:
    """``lines`` with every agent of the rate card taken in (``lines_with_rate``, one by one).

    People who start agent runs (``is_person``) are skipped: a line is named after an agent.
    A card naming more agents than a scenario holds is refused before any line is made (taking
    50,000 agents one by one took five minutes only to be refused by the model).
    """
    rates = [rate for rate in card.agents if not rate.is_person and rate.runs > 0]
    names = {line.agent.strip().casefold() for line in lines} | {r.agent.strip().casefold() for r in rates}
    limit = max_agent_lines()
    if len(names) > limit:
        raise ValueError(
            f"agents: the rate card and the scenario name {len(names):,} agents; a scenario holds at "
            f"most {limit} lines (filter the export to the agents to model)"
        )
    out = list(lines)
    for rate in rates:
        out = lines_with_rate(out, rate, card.days)
    return out


def max_agent_lines() -> int:
    """The most agent lines a scenario holds (the ``max_length`` of ``Scenario.agents``)."""
    limits = Scenario.model_fields["agents"].metadata
    return int(next(m.max_length for m in limits if isinstance(m, annotated_types.MaxLen)))
