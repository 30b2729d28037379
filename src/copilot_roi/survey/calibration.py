"""Calibrating a role's time saved from the survey, and the record a case keeps of it.

A survey is evidence graded ``self_report``: people's own estimates, which overstate measured
time saved in controlled studies (METR, July 2025). It is shown beside the studies and replaces
a role's time saved only when the user asks, for a role with at least ``MIN_RESPONSES`` answers.

Conversion: a role's time saved is a share of its hours on Copilot-assisted tasks, so
``share = mean minutes saved per week / 60 / hours_per_week_on_assisted_tasks`` (the scenario's
hours for that role), capped at the model's limit (90 %). The mean, not the median, because the
case multiplies a per-person figure by headcount: the team's hours are n x mean. The interval
converts the same way. Calibrated, the role's time-saved band becomes the union of its study
band and the survey's interval, so the studies' uncertainty stays in the sensitivity analysis.

>>> share_of_assisted_hours(90.0, 15.0)
0.1
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.roles import RoleId, role_label
from copilot_roi.survey.statistics import MIN_RESPONSES, RoleSurvey, SurveySummary
from copilot_roi.value.bounds import field_bounds
from copilot_roi.value.catalogue import load_catalogue
from copilot_roi.value.scenario import Band, RoleScenario, Scenario

EVIDENCE_GRADE = "self_report"
# The calibrated share is kept to 0.01 %: the page's percent input then shows it exactly.
SHARE_DECIMALS = 4
# A role's time saved still "comes from the survey" while it equals the recorded share to this.
_SAME_SHARE = 1e-7


class SurveyTimeSaved(BaseModel):
    """A role's time saved taken from the team's survey, as the case records it."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)

    n: int = Field(ge=MIN_RESPONSES)
    latest_submitted: dt.date | None = None
    mean_minutes_per_week: float = Field(ge=0)
    interval_low_minutes: float = Field(ge=0)
    interval_high_minutes: float = Field(ge=0)
    hours_per_week_on_assisted_tasks: float = Field(gt=0)
    time_saved_share: float = Field(ge=0, le=0.9)

    def source(self) -> str:
        """Where the role's time saved comes from, e.g. 'survey, n=23, Nov 2026'."""
        when = f", {self.latest_submitted:%b %Y}" if self.latest_submitted is not None else ""
        return f"survey, n={self.n}{when}"

    def cited(self) -> str:
        """The source with its grade and conversion, for an export's source column."""
        return (
            f"{self.source()} (self-reported, grade {EVIDENCE_GRADE}: self-reports overstate measured "
            f"time saved): mean {self.mean_minutes_per_week:,.0f} min a week (95 % interval "
            f"{self.interval_low_minutes:,.0f}-{self.interval_high_minutes:,.0f}) over "
            f"{self.hours_per_week_on_assisted_tasks:g} h a week on assisted tasks"
        )


def share_of_assisted_hours(minutes_per_week: float, hours_per_week_on_assisted_tasks: float) -> float:
    """Minutes saved a week as a share of the assisted hours, capped at the model's limit (90 %)."""
    if hours_per_week_on_assisted_tasks <= 0:
        raise ValueError("the role has no hours on assisted tasks: time saved cannot be a share of them")
    _, most = field_bounds(RoleScenario, "time_saved_share")
    return min(most, minutes_per_week / 60 / hours_per_week_on_assisted_tasks)


def survey_band(
    role: RoleSurvey, hours_per_week_on_assisted_tasks: float
) -> tuple[float, float, float] | None:
    """(low, mean, high) of the survey as shares of the assisted hours; None with too few answers."""
    if not role.enough or role.mean_minutes_per_week is None or hours_per_week_on_assisted_tasks <= 0:
        return None
    assert role.interval_low_minutes is not None and role.interval_high_minutes is not None
    return (
        share_of_assisted_hours(role.interval_low_minutes, hours_per_week_on_assisted_tasks),
        share_of_assisted_hours(role.mean_minutes_per_week, hours_per_week_on_assisted_tasks),
        share_of_assisted_hours(role.interval_high_minutes, hours_per_week_on_assisted_tasks),
    )


def why_not_calibrated(scenario: Scenario, role: RoleSurvey) -> str | None:
    """Why ``role`` cannot be calibrated from the survey, or None when it can."""
    if role.role not in scenario.roles:
        return f"{role_label(role.role)} is not in the scenario"
    if not role.enough:
        return f"{role_label(role.role)}: {role.note()}"
    if scenario.roles[role.role].hours_per_week_on_assisted_tasks <= 0:
        return f"{role_label(role.role)} has no hours on assisted tasks to take a share of"
    return None


def calibrate_role(scenario: Scenario, role: RoleSurvey) -> tuple[Scenario, SurveyTimeSaved]:
    """``scenario`` with ``role``'s time saved from the survey, and the record of it.

    Raises ``ValueError`` (with :func:`why_not_calibrated`'s reason) when the role cannot be.
    """
    if reason := why_not_calibrated(scenario, role):
        raise ValueError(reason)
    current = scenario.roles[role.role]
    hours = current.hours_per_week_on_assisted_tasks
    band = survey_band(role, hours)
    assert band is not None and role.mean_minutes_per_week is not None
    low, mean, high = (round(x, SHARE_DECIMALS) for x in band)
    study = current.ranges.time_saved_share
    ranges = current.ranges.model_copy(
        update={"time_saved_share": Band(low=min(study.low, low), high=max(study.high, high))}
    )
    updated = current.model_copy(update={"time_saved_share": mean, "ranges": ranges})
    record = SurveyTimeSaved(
        n=role.n,
        latest_submitted=role.latest_submitted,
        mean_minutes_per_week=role.mean_minutes_per_week,
        interval_low_minutes=role.interval_low_minutes or 0.0,
        interval_high_minutes=role.interval_high_minutes or 0.0,
        hours_per_week_on_assisted_tasks=hours,
        time_saved_share=mean,
    )
    roles = dict(scenario.roles) | {role.role: updated}
    data = scenario.model_dump() | {
        "roles": {r: v.model_dump() for r, v in roles.items()},
        "preset": "custom",
    }
    return Scenario.model_validate(data), record


def calibrate(
    scenario: Scenario, summary: SurveySummary, roles: list[str] | None = None
) -> tuple[Scenario, dict[RoleId, SurveyTimeSaved], list[str]]:
    """Calibrate ``roles`` (default: every role that can be) from ``summary``.

    Returns the scenario, the records by role, and why each asked-for role was left as it was.
    """
    records: dict[RoleId, SurveyTimeSaved] = {}
    skipped: list[str] = []
    for role in summary.roles:
        if roles is not None and role.role not in roles:
            continue
        reason = why_not_calibrated(scenario, role)
        if reason is not None:
            skipped.append(reason)
            continue
        scenario, records[role.role] = calibrate_role(scenario, role)
    for missing in sorted(set(roles or ()) - {r.role for r in summary.roles}):
        skipped.append(f"{missing}: no answers in the survey")
    return scenario, records, skipped


def standing_sources(scenario: Scenario, records: dict[str, SurveyTimeSaved]) -> dict[str, SurveyTimeSaved]:
    """The records whose role's time saved is still the survey's (a value moved since is the user's)."""
    return {
        r: record
        for r, record in records.items()
        if r in scenario.roles
        and abs(scenario.roles[r].time_saved_share - record.time_saved_share) < _SAME_SHARE
    }


@dataclass(frozen=True)
class BesideStudies:
    """One role's study band and survey interval side by side, as shares of its assisted hours."""

    role: str
    n: int
    response_rate: float | None
    study_low: float
    study_expected: float
    study_high: float
    survey: tuple[float, float, float] | None  # (interval low, mean, interval high); None: no figure
    note: str  # "n=23", or why there is no figure
    can_calibrate: bool
    calibrated: bool

    def row(self) -> dict[str, str]:
        """The row a page shows (labels and formatted figures, no arithmetic left to the page)."""
        if self.survey is None:
            survey = self.note
        else:
            low, mean, high = self.survey
            survey = f"{mean:.1%} (95 % interval {low:.1%} to {high:.1%})"
        return {
            "Role": role_label(self.role),
            "Answers": f"{self.n}"
            + ("" if self.response_rate is None else f" ({self.response_rate:.0%} of roster)"),
            "Studies: low / expected / high": (
                f"{self.study_low:.1%} / {self.study_expected:.1%} / {self.study_high:.1%}"
            ),
            "Survey (self-reported)": survey,
            "Time saved in the case": "from the survey"
            if self.calibrated
            else "from the studies or your input",
        }


def beside_studies(
    scenario: Scenario, summary: SurveySummary, standing: dict[str, SurveyTimeSaved]
) -> list[BesideStudies]:
    """Per surveyed role in the scenario: the catalogue's study band and the survey's interval,
    converted with the scenario's hours on assisted tasks (``standing``: roles calibrated now)."""
    catalogue = load_catalogue()
    rows = []
    for role in summary.roles:
        if role.role not in scenario.roles:
            continue
        study = catalogue.roles[role.role].time_saved_share
        hours = scenario.roles[role.role].hours_per_week_on_assisted_tasks
        rows.append(
            BesideStudies(
                role=role.role,
                n=role.n,
                response_rate=role.response_rate,
                study_low=study.low,
                study_expected=study.expected,
                study_high=study.high,
                survey=survey_band(role, hours),
                note=role.note(),
                can_calibrate=why_not_calibrated(scenario, role) is None,
                calibrated=role.role in standing,
            )
        )
    return rows
