"""An hourly usage profile from assumptions, for sellers who have no usage export yet.

Every default here is an assumption, labelled with where it comes from; the app and the business
case say so. Once a customer's export is uploaded, calibrate from it instead.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot_roi.hourly import FloatArray, HourlySeries, MonthBasis
from copilot_roi.plans import Schedule


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class RuleOfThumb(_Frozen):
    """A sizing figure that is not a measurement: shown with its source and labelled assumption."""

    name: str
    value: float
    unit: str
    source: str
    label: Literal["assumption"] = "assumption"


RULES_OF_THUMB: tuple[RuleOfThumb, ...] = (
    RuleOfThumb(
        name="Provisioned SCUs per embedded experience",
        value=1,
        unit="SCU",
        source="Partner page (Security Copilot Technical Journey): sizing advice",
    ),
    RuleOfThumb(
        name="Provisioned SCUs per standalone experience",
        value=4,
        unit="SCU",
        source="Partner page (Security Copilot Technical Journey): sizing advice",
    ),
    RuleOfThumb(
        name="Provisioned SCUs per automation / promptbooks",
        value=5,
        unit="SCU",
        source="Partner page (Security Copilot Technical Journey): sizing advice",
    ),
    RuleOfThumb(
        name="Incident summary prompt",
        value=0.5,
        unit="SCU per prompt",
        source="Microsoft Learn billing examples (teaching figures, not benchmarks)",
    ),
    RuleOfThumb(
        name="Heavy prompt",
        value=3.0,
        unit="SCU per prompt",
        source="Microsoft Learn billing examples (teaching figures, not benchmarks)",
    ),
    RuleOfThumb(
        name="Promptbook run",
        value=3.7,
        unit="SCU per run",
        source="Microsoft Learn billing examples (teaching figures, not benchmarks)",
    ),
    RuleOfThumb(
        name="Agent run (Entra agents)",
        value=0.9,
        unit="SCU per run",
        source="Microsoft Learn: 'each agent run consumes less than one SCU' on average",
    ),
)


def rule_of_thumb_level(embedded: int, standalone: int, automations: int) -> int:
    """The partner page's provisioning advice: 1 SCU per embedded, 4 per standalone, 5 per automation.

    >>> rule_of_thumb_level(embedded=2, standalone=1, automations=1)
    11
    """
    if min(embedded, standalone, automations) < 0:
        raise ValueError("experience counts cannot be negative")
    return embedded * 1 + standalone * 4 + automations * 5


class PeopleUsage(_Frozen):
    """People in one role who prompt during working hours."""

    role: str = Field(min_length=1, max_length=60)
    users: int = Field(ge=0, le=100_000)
    prompts_per_user_per_day: float = Field(ge=0, le=1_000)
    scu_per_prompt: float = Field(ge=0, le=100)


class AgentUsage(_Frozen):
    """Automations and agents: runs spread evenly over every hour of every day."""

    name: str = Field(min_length=1, max_length=60)
    runs_per_day: float = Field(ge=0, le=1_000_000)
    scu_per_run: float = Field(ge=0, le=100)


class EstimateInputs(_Frozen):
    """Assumptions that make an hourly profile; defaults describe a mid-size SOC (assumptions)."""

    people: tuple[PeopleUsage, ...] = (
        PeopleUsage(role="soc", users=8, prompts_per_user_per_day=6, scu_per_prompt=0.5),
        PeopleUsage(role="iam", users=3, prompts_per_user_per_day=3, scu_per_prompt=0.5),
        PeopleUsage(role="dlp", users=2, prompts_per_user_per_day=3, scu_per_prompt=0.5),
        PeopleUsage(role="ciso", users=1, prompts_per_user_per_day=1, scu_per_prompt=3.0),
    )
    agents: tuple[AgentUsage, ...] = (
        AgentUsage(name="Phishing triage agent", runs_per_day=24, scu_per_run=0.9),
        AgentUsage(name="Daily promptbook", runs_per_day=2, scu_per_run=3.7),
    )
    timezone: str = "UTC"
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_start_hour: int = Field(default=8, ge=0, le=23)
    work_end_hour: int = Field(default=18, ge=1, le=24)
    peak_to_average: float = Field(
        default=1.5,
        ge=1,
        le=4,
        description="How much the busiest working hour exceeds the average working hour",
    )

    @model_validator(mode="after")
    def _window(self) -> EstimateInputs:
        # Reuse the schedule's checks for the zone, the days and the window.
        Schedule(
            timezone=self.timezone,
            business_days=self.working_days,
            business_start_hour=self.work_start_hour,
            business_end_hour=self.work_end_hour,
        )
        return self

    def people_scu_per_working_day(self) -> float:
        return sum(p.users * p.prompts_per_user_per_day * p.scu_per_prompt for p in self.people)

    def agent_scu_per_day(self) -> float:
        return sum(a.runs_per_day * a.scu_per_run for a in self.agents)


def _working_hour_weights(hours_in_day: int, peak_to_average: float) -> FloatArray:
    """A smooth daily shape over the working hours, busiest mid-day: mean 1, max ``peak_to_average``.

    The shape is sin^k, with k found by bisection; a short day that cannot peak that sharply
    gets its sharpest shape (a 2-hour day is always flat).
    """
    position = (np.arange(hours_in_day) + 0.5) / hours_in_day
    base = np.sin(np.pi * position)

    def shape(k: float) -> FloatArray:
        weights = base**k
        return np.asarray(weights / weights.mean(), dtype=np.float64)

    low, high = 0.0, 60.0
    if shape(high).max() <= peak_to_average:
        return shape(high)
    for _ in range(60):
        middle = (low + high) / 2
        if shape(middle).max() < peak_to_average:
            low = middle
        else:
            high = middle
    return shape((low + high) / 2)


def build_profile(
    inputs: EstimateInputs,
    hours: int = 8760,
    start: str = "2027-01-04",
    month_basis: MonthBasis = "730h",
) -> HourlySeries:
    """Hourly SCU demand: people over working hours (shaped), agents evenly around the clock.

    A working day's SCUs = users x prompts per day x SCUs per prompt, summed over roles.

    >>> p = build_profile(EstimateInputs(), hours=168)
    >>> round(float(p.units_scu.sum()), 6) == round(5 * EstimateInputs().people_scu_per_working_day()
    ...     + 7 * EstimateInputs().agent_scu_per_day(), 6)
    True
    """
    index = pd.date_range(pd.Timestamp(start).tz_localize(inputs.timezone), periods=hours, freq="h")
    hour = index.hour.to_numpy()
    working_hours = inputs.work_end_hour - inputs.work_start_hour
    in_window = (hour >= inputs.work_start_hour) & (hour < inputs.work_end_hour)
    on_day = np.isin(index.day_of_week.to_numpy(), inputs.working_days)
    weights = _working_hour_weights(working_hours, inputs.peak_to_average)
    people = np.zeros(hours)
    slot = hour[in_window & on_day] - inputs.work_start_hour
    people[in_window & on_day] = inputs.people_scu_per_working_day() / working_hours * weights[slot]
    agents = np.full(hours, inputs.agent_scu_per_day() / 24)
    return HourlySeries(index[0], people + agents, month_basis)
