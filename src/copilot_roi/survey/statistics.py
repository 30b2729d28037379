"""Per-role survey statistics: n, response rate, median and mean minutes saved, the mean's interval.

The interval is a **percentile bootstrap of the mean**: draw ``BOOTSTRAP_RESAMPLES`` (10,000)
samples of the role's n answers with replacement, take each sample's mean, and report the 2.5th
and 97.5th percentiles of those means (numpy's default linear interpolation) as the 95 %
interval. The generator is seeded (``BOOTSTRAP_SEED``), so the same answers always give the same
interval, in the app, the CLI and every export; resampling is vectorised (one index matrix per
block of resamples, bounded in size).

A role with fewer than ``MIN_RESPONSES`` answers gets no figure: with under ten answers one
enthusiast moves the mean by a tenth of their own answer or more, and the percentile bootstrap
undercovers small samples (its interval is too narrow), so the page and the files say "too few
answers" instead.

>>> import numpy as np
>>> bootstrap_mean_interval(np.array([10.0, 10.0, 10.0]))
(10.0, 10.0)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copilot_roi.roles import role_ids, role_label, spelling_key
from copilot_roi.survey.answers import SurveyAnswer, SurveyAnswers
from copilot_roi.survey.questions import AGREEMENT_LEVELS, STATEMENTS
from copilot_roi.survey.template import role_tasks
from copilot_roi.usage.chargeback import Roster

BOOTSTRAP_RESAMPLES = 10_000
BOOTSTRAP_SEED = 20_261_121
CONFIDENCE = 0.95
MIN_RESPONSES = 10
# Index matrices are built this many cells at a time (8 bytes each: 16 MiB), whatever n is.
_BLOCK_CELLS = 2_000_000
OTHER_TASK = "Other"


def bootstrap_mean_interval(
    minutes: npt.NDArray[np.float64],
    resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """The percentile bootstrap interval of the mean of ``minutes`` (see the module docstring)."""
    values = np.asarray(minutes, dtype=np.float64)
    n = len(values)
    if n == 0:
        raise ValueError("no answers to resample")
    rng = np.random.default_rng(seed)
    means = np.empty(resamples, dtype=np.float64)
    per_block = max(1, _BLOCK_CELLS // n)
    for start in range(0, resamples, per_block):
        stop = min(resamples, start + per_block)
        picks = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[picks].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class RoleSurvey:
    """One role's answers summarised. The figures are None when ``n < MIN_RESPONSES``."""

    role: str
    n: int
    roster_headcount: int | None
    median_minutes_per_week: float | None
    mean_minutes_per_week: float | None
    interval_low_minutes: float | None
    interval_high_minutes: float | None
    statements: dict[str, dict[int, int]]  # statement -> level 1..5 -> answers (unanswered left out)
    tasks: dict[str, int]  # the role's task list (then "Other") -> answers naming it
    latest_submitted: dt.date | None

    @property
    def enough(self) -> bool:
        return self.n >= MIN_RESPONSES

    @property
    def response_rate(self) -> float | None:
        if not self.roster_headcount:
            return None
        return self.n / self.roster_headcount

    def note(self) -> str:
        """What the page and the files say about this role's figure."""
        if self.enough:
            return f"n={self.n}"
        return f"too few answers ({self.n}; a figure needs at least {MIN_RESPONSES})"

    def to_json(self) -> dict[str, object]:
        return {
            "role": self.role,
            "label": role_label(self.role),
            "n": self.n,
            "roster_headcount": self.roster_headcount,
            "response_rate": self.response_rate,
            "median_minutes_per_week": self.median_minutes_per_week,
            "mean_minutes_per_week": self.mean_minutes_per_week,
            "interval": None
            if self.interval_low_minutes is None
            else {
                "low": self.interval_low_minutes,
                "high": self.interval_high_minutes,
                "confidence": CONFIDENCE,
            },
            "statements": {
                s: {str(level): c for level, c in counts.items()} for s, counts in self.statements.items()
            },
            "tasks": self.tasks,
            "latest_submitted": None if self.latest_submitted is None else self.latest_submitted.isoformat(),
            "note": self.note(),
        }


@dataclass(frozen=True)
class SurveySummary:
    """Every role that answered (or is on the roster), in roles.toml order."""

    roles: tuple[RoleSurvey, ...]
    roster_given: bool

    def role(self, role_id: str) -> RoleSurvey | None:
        return next((r for r in self.roles if r.role == role_id), None)

    @property
    def response_rate(self) -> float | None:
        """Answers from roster roles over the roster's people (None without a roster)."""
        if not self.roster_given:
            return None
        people = sum(r.roster_headcount or 0 for r in self.roles)
        answered = sum(r.n for r in self.roles if r.roster_headcount)
        return answered / people if people else None


def summarise(answers: SurveyAnswers, roster: Roster | None = None) -> SurveySummary:
    """Per role: n, response rate against ``roster``, median, mean and interval, statements, tasks."""
    by_role: dict[str, list[SurveyAnswer]] = {}
    for answer in answers.answers:
        by_role.setdefault(answer.role, []).append(answer)
    headcount = Counter(entry.role for entry in roster.entries) if roster is not None else Counter()
    known_tasks = role_tasks()
    roles = []
    for role in role_ids():
        given = by_role.get(role, [])
        if not given and not headcount.get(role):
            continue
        roles.append(_role_summary(role, given, headcount.get(role) if roster is not None else None,
                                   known_tasks.get(role, ())))  # fmt: skip
    return SurveySummary(tuple(roles), roster is not None)


def _role_summary(
    role: str, given: list[SurveyAnswer], roster_headcount: int | None, task_list: tuple[str, ...]
) -> RoleSurvey:
    minutes = np.array([a.minutes_saved_per_week for a in given], dtype=np.float64)
    median = mean = low = high = None
    if len(given) >= MIN_RESPONSES:
        median, mean = float(np.median(minutes)), float(minutes.mean())
        low, high = bootstrap_mean_interval(minutes)
    statements = {
        s: {level: sum(1 for a in given if a.statements[s] == level) for level in AGREEMENT_LEVELS}
        for s in STATEMENTS
    }
    dates = [a.submitted for a in given if a.submitted is not None]
    return RoleSurvey(
        role=role,
        n=len(given),
        roster_headcount=roster_headcount,
        median_minutes_per_week=median,
        mean_minutes_per_week=mean,
        interval_low_minutes=low,
        interval_high_minutes=high,
        statements=statements,
        tasks=_task_counts(given, task_list),
        latest_submitted=max(dates) if dates else None,
    )


def _task_counts(given: list[SurveyAnswer], task_list: tuple[str, ...]) -> dict[str, int]:
    """Answers naming each of the role's tasks (matched loosely); anything else counts as Other,
    so free text never reaches a page or a file."""
    keys = {spelling_key(t): t for t in task_list}
    counts = dict.fromkeys(task_list, 0) | {OTHER_TASK: 0}
    for answer in given:
        named = {keys.get(spelling_key(t), OTHER_TASK) for t in answer.tasks}
        for task in named:
            counts[task] += 1
    return counts
