"""The survey's columns and questions: what each is called, how a header is matched, and the scale.

The template's columns are the canonical names; Microsoft Forms exports a workbook whose columns
are its own (``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``) followed by the
question texts, so a header is matched loosely: first by alias, then by a keyword of the
question (the keyword rules are ordered so "I complete tasks faster" is ``faster``, not ``tasks``).

>>> survey_field_for("minutes_saved_per_week"), survey_field_for("Completion time")
('minutes_saved_per_week', 'submitted')
>>> survey_field_for(QUESTIONS["faster"]), survey_field_for("Start time"), survey_field_for("Email")
('faster', None, None)
>>> agreement_level("Strongly agree"), agreement_level("4"), agreement_level(2.0), agreement_level("")
(5, 4, 2, None)
"""

from __future__ import annotations

from typing import Final

from copilot_roi.roles import spelling_key
from copilot_roi.usage.headers import HeaderSpec, normalise

# The template's columns, in order.
COLUMNS: Final = (
    "respondent",
    "role",
    "submitted",
    "minutes_saved_per_week",
    "tasks",
    "faster",
    "better_quality",
    "more_important_work",
    "would_not_go_back",
)
STATEMENTS: Final = ("faster", "better_quality", "more_important_work", "would_not_go_back")
REQUIRED: Final = ("role", "minutes_saved_per_week")

# The question each column asks, as pasted into Microsoft Forms (Forms exports them as headers).
QUESTIONS: Final[dict[str, str]] = {
    "respondent": "Your alias (the name you sign in with)",
    "role": "Your role or team",
    "minutes_saved_per_week": "In a typical week, how many minutes does Security Copilot save you?",
    "tasks": "Which tasks did Security Copilot help you with?",
    "faster": "With Security Copilot I get my work done faster",
    "better_quality": "With Security Copilot the quality of my work is better",
    "more_important_work": "With Security Copilot I spend more time on important work",
    "would_not_go_back": "I would not want to go back to working without Security Copilot",
}
STATEMENT_LABELS: Final[dict[str, str]] = {
    "faster": "Faster",
    "better_quality": "Better quality",
    "more_important_work": "More time on important work",
    "would_not_go_back": "Would not go back",
}

# A respondent saves at most the week they work: the catalogue's hours per week are a share of a
# 40-hour week (roles.toml), so 40 h x 60 min is the most minutes one answer may claim.
WORKING_MINUTES_PER_WEEK: Final = 40 * 60

# Forms' five-point agreement scale (Likert), worst to best: level 1 to 5.
AGREEMENT_WORDS: Final = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
_LEVEL_BY_WORD: Final = {spelling_key(w): level for level, w in enumerate(AGREEMENT_WORDS, start=1)} | {
    spelling_key("Neither agree nor disagree"): 3
}
AGREEMENT_LEVELS: Final = (1, 2, 3, 4, 5)

_ALIASES: Final[dict[str, str]] = {
    **{normalise(column): column for column in COLUMNS},
    **{normalise(text): column for column, text in QUESTIONS.items()},
    "alias": "respondent",
    "respondentalias": "respondent",
    "team": "role",
    "roleorteam": "role",
    "completiontime": "submitted",
    "submittedon": "submitted",
    "date": "submitted",
    "minutessaved": "minutes_saved_per_week",
    "minutesperweek": "minutes_saved_per_week",
    "tasks": "tasks",
}
# Forms' own columns that are not answers: kept as extra columns, never mistaken for one.
_FORMS_COLUMNS: Final = frozenset(
    {"id", "starttime", "email", "name", "lastmodifiedtime", "totalpoints", "quizfeedback"}
)
# (keyword in the normalised header, field), first match wins: statements before "task", because a
# statement may mention tasks, and minutes first, because its question may mention a role.
_KEYWORDS: Final = (
    ("minute", "minutes_saved_per_week"),
    ("faster", "faster"),
    ("quality", "better_quality"),
    ("important", "more_important_work"),
    ("goback", "would_not_go_back"),
    ("alias", "respondent"),
    ("respondent", "respondent"),
    ("role", "role"),
    ("team", "role"),
    ("task", "tasks"),
)


def survey_field_for(header: str) -> str | None:
    """The survey column a header stands for (template name, alias or question text), or None."""
    key = normalise(header)
    if key in _ALIASES:
        return _ALIASES[key]
    if key in _FORMS_COLUMNS:
        return None
    return next((field for word, field in _KEYWORDS if word in key), None)


SURVEY_HEADERS: Final = HeaderSpec(
    field_for=survey_field_for,
    required=REQUIRED,
    what="survey",
    needs="at least a 'role' and a 'minutes_saved_per_week' column, or Forms' questions for them",
)


def agreement_level(value: object) -> int | None:
    """The level 1-5 of an agreement answer (a number or Forms' words); None when blank.

    Raises ``ValueError`` with the reason for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("not an agreement level")
    if isinstance(value, int | float):
        if float(value) in AGREEMENT_LEVELS:
            return int(value)
        raise ValueError(f"{value:g} is not a level from 1 to 5")
    text = str(value).strip()
    if text in {"1", "2", "3", "4", "5"}:
        return int(text)
    if text.lstrip("+-").replace(".", "", 1).isdigit():
        raise ValueError(f"{text} is not a level from 1 to 5")
    level = _LEVEL_BY_WORD.get(spelling_key(text))
    if level is None:
        raise ValueError("not an agreement level (1 to 5, or Strongly disagree ... Strongly agree)")
    return level
