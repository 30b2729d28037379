"""The scenario: every input of a value case, validated, and its portable JSON form.

A scenario is what a workshop produces and what ``copilot-roi roi`` reads. Money is in the
scenario's currency (``prices.currency``, USD by default); time in hours; usage in SCUs.
Each uncertain input carries a ``Band`` (the low and high ends the tornado and the Monte Carlo
use); a band must contain the value it surrounds and lie within that value's own limits (the
field's ``ge``/``le``), so whatever the model accepts every page and export can compute.

>>> s = scenario_template("expected")
>>> Scenario.model_validate_json(s.model_dump_json()) == s
True
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from copilot_roi.plans import DEFAULT_PLAN, CapacityPlan
from copilot_roi.pricebook import PriceOverrides
from copilot_roi.roles import RoleId, role_ids
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.catalogue import (
    Catalogue,
    CitedDefault,
    PresetName,
    load_catalogue,
)
from copilot_roi.value.conventions import whole_years
from copilot_roi.value.extra_lines import MAX_LINES, OtherBenefit, OtherCost, check_lengths
from copilot_roi.value.finance_settings import FinanceSettings
from copilot_roi.value.fte import HOURS_PER_FTE_YEAR_DEFAULT

ScenarioPreset = Literal["low", "expected", "high", "custom"]
UsageSource = Literal["estimate", "usage"]
SCENARIO_FORMAT_VERSION: Literal[1] = 1


class _Frozen(BaseModel):
    # strict: "36" is not a number of months; a portable file must say what it means.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class Band(_Frozen):
    """The pessimistic-to-optimistic range of one input, as two numbers ``low <= high``."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.low > self.high:
            raise ValueError(f"band low ({self.low:g}) must not exceed high ({self.high:g})")
        return self

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def require_contains(self, name: str, value: float) -> None:
        """Raise the validation message for ``ranges.<name>`` when ``value`` falls outside."""
        if not self.contains(value):
            raise ValueError(f"ranges.{name} [{self.low:g}, {self.high:g}] must contain the value {value:g}")

    def require_within(self, name: str, model: type[BaseModel], field: str) -> None:
        """Raise the validation message for ``ranges.<name>`` when the band leaves the limits of
        ``model.field`` (its ``ge``/``le``: the one place a limit is written)."""
        low, high = field_bounds(model, field)
        if self.low < low or self.high > high:
            raise ValueError(f"ranges.{name} must lie within [{low:g}, {high:g}]")

    def widened_to(self, value: float) -> Band:
        """This band stretched (if needed) to include ``value``."""
        return Band(low=min(self.low, value), high=max(self.high, value))


class MultiplierBand(Band):
    """A band of multipliers on an estimate (usage, the capacity price): it contains 1, the
    estimate itself, and stays within a hundredth and ten times it."""

    low: float = Field(ge=0.01, le=10)
    high: float = Field(ge=0.01, le=10)

    @model_validator(mode="after")
    def _holds_the_estimate(self) -> MultiplierBand:
        if not self.contains(1.0):
            raise ValueError(f"the band [{self.low:g}, {self.high:g}] must contain 1 (the estimate)")
        return self

    def widened_to(self, value: float) -> MultiplierBand:
        return MultiplierBand(low=min(self.low, value), high=max(self.high, value))


class Adoption(_Frozen):
    """A linear ramp: ``starting_share`` of the team in month 1, everyone from ``months_to_full``.

    ``months_to_full = 1`` means everyone from month 1.
    """

    starting_share: float = Field(default=0.3, ge=0, le=1)
    months_to_full: int = Field(default=6, ge=1, le=60)


class RoleRanges(_Frozen):
    headcount: Band
    hours_per_week_on_assisted_tasks: Band
    time_saved_share: Band
    loaded_cost_per_hour: Band
    adoption_months_to_full: Band


class RoleScenario(_Frozen):
    """One role's inputs. Hours are per person per week; cost per hour is fully loaded."""

    headcount: int = Field(ge=0, le=100_000)
    # In the scenario's currency: the ceiling leaves room for currencies with small units (JPY).
    loaded_cost_per_hour: float = Field(ge=0, le=100_000)
    # Up to a long working week (80 h); the hours are those on tasks Copilot assists.
    hours_per_week_on_assisted_tasks: float = Field(ge=0, le=80)
    time_saved_share: float = Field(ge=0, le=0.9)
    adoption: Adoption = Adoption()
    ranges: RoleRanges

    @model_validator(mode="after")
    def _bands_hold_values(self) -> RoleScenario:
        pairs = {
            "headcount": self.headcount,
            "hours_per_week_on_assisted_tasks": self.hours_per_week_on_assisted_tasks,
            "time_saved_share": self.time_saved_share,
            "loaded_cost_per_hour": self.loaded_cost_per_hour,
            "adoption_months_to_full": self.adoption.months_to_full,
        }
        for name, value in pairs.items():
            band = getattr(self.ranges, name)
            band.require_contains(name, value)
            if name == "adoption_months_to_full":
                band.require_within(name, Adoption, "months_to_full")
            else:
                band.require_within(name, RoleScenario, name)
        return self


class CapacitySizing(_Frozen):
    """The capacity plan and how demand is sized.

    ``usage_source = "estimate"``: SCUs per person per month are assumptions (the catalogue's);
    ``"usage"``: they were measured from the customer's usage export (calibrated).
    """

    plan: CapacityPlan = DEFAULT_PLAN
    usage_source: UsageSource = "estimate"
    scu_per_person_month: dict[RoleId, Annotated[float, Field(ge=0, le=10_000)]] = Field(default_factory=dict)
    measured_roles: list[RoleId] = Field(
        default_factory=list, description="Roles whose SCUs per person come from the usage export"
    )
    usage_multiplier: MultiplierBand = MultiplierBand(low=0.5, high=2.0)

    @model_validator(mode="after")
    def _usage(self) -> CapacitySizing:
        unknown = [r for r in self.measured_roles if r not in self.scu_per_person_month]
        if unknown:
            raise ValueError(f"measured_roles {unknown} have no scu_per_person_month figure")
        if self.measured_roles and self.usage_source != "usage":
            raise ValueError("measured_roles need usage_source 'usage'")
        return self


class OneOffCosts(_Frozen):
    """Costs paid once, in month 1 (scenario currency)."""

    enablement: float = Field(default=10_000, ge=0, le=100_000_000)
    training: float = Field(default=5_000, ge=0, le=100_000_000)

    @property
    def total(self) -> float:
        return self.enablement + self.training


class ScenarioRanges(_Frozen):
    realisation_rate: Band = Band(low=0.3, high=0.7)
    discount_rate_annual: Band = Band(low=0.05, high=0.12)
    capacity_price_multiplier: MultiplierBand = MultiplierBand(low=0.9, high=1.15)


AgentHours = Literal["all_hours", "working_hours"]
AGENT_SOURCE_MAX_CHARS = 500


class AgentRanges(_Frozen):
    scu_per_run: Band
    analyst_minutes_avoided_per_run: Band


class AgentLine(_Frozen):
    """One agent the scenario runs: its runs a month, SCUs per run and the analyst time a run avoids.

    ``agent`` is free text (the customer's file or the user): every output escapes it.
    ``takes_over`` is the role whose work the line takes over: its hours freed are that role's
    hours and count against that role's ceiling (``value.ledger``); None is work nobody did
    before, which frees no one's hours. A line without the key takes over SOC work (what every
    line did before the field existed). ``loaded_cost_per_hour`` None means the role's it takes
    over (the SOC role's when it takes over nothing). ``runs_during`` "all_hours" spreads its
    SCUs evenly over every hour of the month (agents run around the clock); "working_hours" gives
    them the people's working-hours shape.
    """

    agent: str = Field(min_length=1, max_length=120)
    runs_per_month: float = Field(ge=0, le=1_000_000)
    scu_per_run: float = Field(ge=0, le=100)
    analyst_minutes_avoided_per_run: float = Field(ge=0, le=480)
    loaded_cost_per_hour: float | None = Field(default=None, ge=0, le=100_000)
    takes_over: RoleId | None = "soc"
    runs_during: AgentHours = "all_hours"
    ranges: AgentRanges
    source: str = Field(default="assumption", max_length=AGENT_SOURCE_MAX_CHARS)

    @model_validator(mode="after")
    def _bands_hold_values(self) -> AgentLine:
        if not self.agent.strip():
            raise ValueError("agent needs a name")
        for name in ("scu_per_run", "analyst_minutes_avoided_per_run"):
            value, band = getattr(self, name), getattr(self.ranges, name)
            band.require_contains(name, value)
            band.require_within(name, AgentLine, name)
        return self


class Scenario(_Frozen):
    """A complete value case. See the README's "Scenario JSON format" for every field."""

    format_version: Literal[1] = 1
    preset: ScenarioPreset = "expected"
    roles: dict[RoleId, RoleScenario] = Field(min_length=1)
    capacity: CapacitySizing = CapacitySizing()
    realisation_rate: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of freed hours turned into value (Forrester-style 50 % recapture)",
    )
    horizon_months: int = Field(default=36, ge=1, le=120)
    discount_rate_annual: float = Field(default=0.08, ge=0, le=1)
    one_off_costs: OneOffCosts = OneOffCosts()
    prices: PriceOverrides = PriceOverrides()
    ranges: ScenarioRanges = ScenarioRanges()
    agents: list[AgentLine] = Field(default_factory=list, max_length=50)
    finance: FinanceSettings = FinanceSettings()
    other_benefits: list[OtherBenefit] = Field(default_factory=list, max_length=MAX_LINES)
    other_costs: list[OtherCost] = Field(default_factory=list, max_length=MAX_LINES)
    hours_per_fte_year: float = Field(default=HOURS_PER_FTE_YEAR_DEFAULT, ge=100, le=4_000)

    @field_validator("format_version", mode="before")
    @classmethod
    def _whole_version(cls, value: object) -> object:
        # A Literal compares by equality, so ``true`` and ``1.0`` would pass as version 1.
        if type(value) is not int:
            raise ValueError(f"format_version is the whole number {SCENARIO_FORMAT_VERSION}")
        return value

    @model_validator(mode="after")
    def _finance_and_lines(self) -> Scenario:
        if self.finance.convention == "annual":
            try:
                whole_years(self.horizon_months)
            except ValueError as error:
                raise ValueError(f"finance.convention: {error} (horizon_months)") from None
        check_lengths("other_benefits", self.other_benefits, self.horizon_months)
        check_lengths("other_costs", self.other_costs, self.horizon_months)
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        for name in ("realisation_rate", "discount_rate_annual"):
            getattr(self.ranges, name).require_contains(name, getattr(self, name))
            getattr(self.ranges, name).require_within(name, Scenario, name)
        missing = [r for r in self.roles if r not in self.capacity.scu_per_person_month]
        if missing:
            raise ValueError(
                f"capacity.scu_per_person_month needs a figure for every role: {', '.join(missing)}"
            )
        return self

    @model_validator(mode="after")
    def _agents_named_once(self) -> Scenario:
        names = [line.agent.strip().casefold() for line in self.agents]
        twice = sorted({line.agent for line in self.agents if names.count(line.agent.strip().casefold()) > 1})
        if twice:
            raise ValueError(f"agents: each agent needs one line; {twice[0]!r} has several")
        return self

    def role_ids(self) -> list[RoleId]:
        """Roles in registry (roles.toml) order."""
        return [r for r in role_ids() if r in self.roles]


def _band(default: CitedDefault) -> Band:
    low, high = default.bounds
    return Band(low=low, high=high)


def _multipliers(default: CitedDefault) -> MultiplierBand:
    low, high = default.bounds
    return MultiplierBand(low=low, high=high)


def scenario_template(preset: PresetName = "expected", catalogue: Catalogue | None = None) -> Scenario:
    """A complete scenario with every role at the catalogue's ``preset`` values.

    ``low`` is the pessimistic case for value (fewer hours saved, slower adoption, lower
    realisation, more SCUs per person), ``high`` the optimistic one. Headcounts stay at the
    expected figures in every preset: they are facts to collect, not uncertainties.

    >>> low, high = scenario_template("low"), scenario_template("high")
    >>> low.roles["soc"].time_saved_share < high.roles["soc"].time_saved_share
    True
    """
    cat = catalogue or load_catalogue()
    d = cat.defaults
    months = round(d.adoption_months_to_full.preset(preset))
    roles: dict[RoleId, RoleScenario] = {}
    for role_id in cat.registry.ids:
        role = cat.roles[role_id]
        roles[role_id] = RoleScenario(
            headcount=round(role.headcount.expected),
            loaded_cost_per_hour=role.loaded_cost_per_hour.preset(preset),
            hours_per_week_on_assisted_tasks=role.hours_per_week.preset(preset),
            time_saved_share=role.time_saved_share.preset(preset),
            adoption=Adoption(starting_share=d.adoption_starting_share.preset(preset), months_to_full=months),
            ranges=RoleRanges(
                headcount=_band(role.headcount),
                hours_per_week_on_assisted_tasks=_band(role.hours_per_week),
                time_saved_share=_band(role.time_saved_share),
                loaded_cost_per_hour=_band(role.loaded_cost_per_hour),
                adoption_months_to_full=_band(d.adoption_months_to_full),
            ),
        )
    usage = d.usage_multiplier.preset(preset)
    return Scenario(
        preset=preset,
        roles=roles,
        capacity=CapacitySizing(
            usage_source="estimate",
            scu_per_person_month={
                r: cat.roles[r].scu_per_person_month.expected * usage for r in cat.registry.ids
            },
            usage_multiplier=_multipliers(d.usage_multiplier).widened_to(1.0),
        ),
        realisation_rate=d.realisation_rate.preset(preset),
        discount_rate_annual=d.discount_rate_annual.preset(preset),
        one_off_costs=OneOffCosts(
            enablement=d.enablement_cost.preset(preset), training=d.training_cost.preset(preset)
        ),
        ranges=ScenarioRanges(
            realisation_rate=_band(d.realisation_rate),
            discount_rate_annual=_band(d.discount_rate_annual),
            capacity_price_multiplier=_multipliers(d.capacity_price_multiplier),
        ),
        hours_per_fte_year=d.working_hours_per_person_year.preset(preset),
    )


def preset_on_team(scenario: Scenario, preset: PresetName) -> Scenario:
    """``scenario_template(preset)`` applied to ``scenario``'s team: the case at a preset's ends.

    Every role input the preset sets (hours, time saved, loaded cost, adoption), estimated SCUs
    per person, the realisation and discount rates and the one-off costs come from the preset;
    what is the customer's stays: the roles and their headcounts (with their bands), measured
    SCUs per person, the plan, prices, agent lines, horizon, finance settings and other lines (as
    the Value scenarios page's presets keep the plan, prices and agent lines).

    >>> data = scenario_template("expected").model_dump()
    >>> data["roles"] = {"soc": data["roles"]["soc"] | {"headcount": 11}}
    >>> low = preset_on_team(Scenario.model_validate(data), "low")
    >>> list(low.roles), low.roles["soc"].headcount, low.realisation_rate
    (['soc'], 11, 0.3)
    """
    template = scenario_template(preset)
    data = template.model_dump()
    roles = {}
    for r, role in scenario.roles.items():
        at_preset = template.roles[r].model_dump()
        at_preset["headcount"] = role.headcount
        at_preset["ranges"]["headcount"] = role.ranges.headcount.model_dump()
        roles[r] = at_preset
    measured = set(scenario.capacity.measured_roles)
    scu = {
        r: scenario.capacity.scu_per_person_month[r]
        if r in measured
        else template.capacity.scu_per_person_month[r]
        for r in scenario.roles
    }
    data |= {
        "preset": preset,
        "roles": roles,
        "capacity": scenario.capacity.model_dump() | {"scu_per_person_month": scu},
        "horizon_months": scenario.horizon_months,
        **{name: getattr(scenario, name).model_dump() for name in ("prices", "finance")},
        **{
            name: [line.model_dump() for line in getattr(scenario, name)]
            for name in ("agents", "other_benefits", "other_costs")
        },
        "hours_per_fte_year": scenario.hours_per_fte_year,
    }
    return Scenario.model_validate(data)
