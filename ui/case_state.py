"""The session's case, behind typed accessors: the only module that knows where the case lives.

One case per browser session (``copilot_roi.case.Case``): customer, plan, scenario, price book,
the identity of the loaded usage and roster. The loaded data itself (the ingested export, the
parsed roster) stays beside it in this session's memory only. Every page reads and writes the
case here; leaving a page never resets it, because nothing that matters lives only in a widget
(Streamlit drops a widget's state when its page is not drawn).

Widgets that show part of the case are filled from it with :func:`fill_widgets` before they are
drawn, unless the user has just changed them (the page then stores the change in the case).
"""

from __future__ import annotations

from typing import Any, cast

import streamlit as st

from copilot_roi.case import Case, FileIdentity, UsageIdentity, effective_scenario, measurement, new_case
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices
from copilot_roi.survey.answers import SurveyAnswers
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.chargeback import Roster
from copilot_roi.value.calibration import UsageMeasurement
from copilot_roi.value.scenario import Scenario

CASE_KEY = "case"
USAGE_KEY = "usage_dataset"  # the export the user loaded (None: the bundled sample is shown)
ROSTER_KEY = "usage_roster"  # the roster the user loaded (parsed); None without one
SURVEY_KEY = "survey_answers"  # the time-saved survey the user loaded: (answers, file identity)
_PUSHED_KEY = "case_widgets_pushed"  # widget key -> the case value last written to it
HISTORY_KEY = "usage_history"  # (customer, time zone) whose kept history is the usage; None: uploads
_NOTICE_KEY = "case_notice"
_MEASURED_KEY = "case_measured"  # (data, roster, rules, what the loaded usage measured)
GENERATION_KEY = "case_generation"  # counts wholesale replacements (a file, a link, a reset)


def case() -> Case:
    value = st.session_state.get(CASE_KEY)
    if isinstance(value, Case):
        return value
    fresh = new_case()
    st.session_state[CASE_KEY] = fresh
    return fresh


def set_case(value: Case) -> None:
    st.session_state[CASE_KEY] = value


def replace_case(value: Case) -> None:
    """A new case altogether (loaded from a file or a link, or reset): pages that copy parts of
    the case into their widgets fill them again (see :func:`generation`)."""
    set_case(value)
    st.session_state[GENERATION_KEY] = generation() + 1


def generation() -> int:
    return int(st.session_state.get(GENERATION_KEY, 0))


def scenario() -> Scenario:
    """The scenario as the user set it (before any measurement from usage)."""
    return case().scenario


def set_scenario(value: Scenario) -> None:
    set_case(case().with_scenario(value))


def plan() -> CapacityPlan:
    return case().plan


def set_plan(value: CapacityPlan) -> None:
    if value != case().plan:
        set_case(case().with_plan(value))


def prices() -> Prices:
    return case().prices()


def usage() -> UsageDataset | None:
    """The export the user loaded; None while the bundled sample stands in."""
    value = st.session_state.get(USAGE_KEY)
    return value if isinstance(value, UsageDataset) else None


def set_usage(dataset: UsageDataset, files: list[tuple[str, bytes]]) -> None:
    """Keep ``dataset`` (read from ``files``) for the session and record the files in the case."""
    q = dataset.quality
    identity = UsageIdentity(
        files=tuple(FileIdentity.of(name, data) for name, data in files),
        as_of=q.as_of,
        timezone=dataset.timezone,
    )
    st.session_state[USAGE_KEY] = dataset
    st.session_state.pop(HISTORY_KEY, None)
    set_case(case().model_copy(update={"usage": identity}))


def set_history_usage(dataset: UsageDataset, customer: str, parts: list[FileIdentity]) -> None:
    """Make ``customer``'s kept history (read as ``dataset``) the usage of every page."""
    identity = UsageIdentity(
        files=tuple(parts[-100:]), as_of=None, timezone=dataset.timezone, history=customer
    )
    st.session_state[USAGE_KEY] = dataset
    st.session_state[HISTORY_KEY] = (customer, dataset.timezone)
    set_case(case().model_copy(update={"usage": identity}))


def usage_history() -> tuple[str, str] | None:
    """(customer, time zone) when the usage is a customer's kept history; None otherwise."""
    value = st.session_state.get(HISTORY_KEY)
    if isinstance(value, tuple) and usage() is not None:
        return (str(value[0]), str(value[1]))
    return None


def clear_usage() -> None:
    """Back to the bundled sample (and to estimates in the value case)."""
    st.session_state.pop(USAGE_KEY, None)
    st.session_state.pop(HISTORY_KEY, None)
    set_case(case().model_copy(update={"usage": None}))


def roster() -> Roster | None:
    value = st.session_state.get(ROSTER_KEY)
    return value if isinstance(value, Roster) else None


def set_roster(value: Roster | None, identity: FileIdentity | None) -> None:
    st.session_state[ROSTER_KEY] = value
    if case().roster != identity:
        set_case(case().model_copy(update={"roster": identity}))


def effective(scenario_as_set: Scenario | None = None) -> tuple[Scenario, UsageMeasurement | None]:
    """The scenario the numbers come from (measured from the loaded export when the case says so),
    for the case's scenario or ``scenario_as_set`` (a page's inputs before they reach the case)."""
    current = case() if scenario_as_set is None else case().with_scenario(scenario_as_set)
    return effective_scenario(current, usage(), roster(), _measured(current))


def _measured(current: Case) -> UsageMeasurement | None:
    """The measurement for the loaded data, rules and roster, kept while they stay the same: it
    reads every usage row, and a slider's move must not."""
    data, people = usage(), roster()
    if data is None or not current.calibrate_from_usage:
        return None
    kept = st.session_state.get(_MEASURED_KEY)
    # The same objects (not equal ids: an id can be reused once an object is gone) and rules.
    if isinstance(kept, tuple) and kept[0] is data and kept[1] is people and kept[2] == current.role_rules:
        return cast(UsageMeasurement, kept[3])
    found = measurement(current, data, people)
    st.session_state[_MEASURED_KEY] = (data, people, current.role_rules, found)
    return found


_NEVER = object()  # what was pushed for a key never pushed: equal to no value


def fill_widgets(values: dict[str, Any]) -> None:
    """Give each widget key the case's value when the session lost it or the case changed since.

    Call before the widgets are drawn; they are then drawn without a default (their value is
    the session's). The value is written again even when the session holds it: a key left over
    from another page's widget does not fill this page's widget unless written in this run. A
    value the user changed since it was pushed is left alone (the page stores it in the case),
    as is one set before the first run (e.g. by a test or a link): both reach the case.
    """
    pushed: dict[str, Any] = st.session_state.setdefault(_PUSHED_KEY, {})
    for key, value in values.items():
        if key not in st.session_state or st.session_state[key] == pushed.get(key, _NEVER):
            st.session_state[key] = value
        pushed[key] = value


def notice(text: str) -> None:
    """A message for the next run of whichever page is shown (e.g. after a case was loaded)."""
    st.session_state[_NOTICE_KEY] = text


def take_notice() -> str | None:
    value = st.session_state.pop(_NOTICE_KEY, None)
    return value if isinstance(value, str) else None


def survey() -> tuple[SurveyAnswers, FileIdentity] | None:
    """The survey the user loaded (checked answers and the file's identity), or None."""
    value = st.session_state.get(SURVEY_KEY)
    return cast(tuple[SurveyAnswers, FileIdentity], value) if isinstance(value, tuple) else None


def set_survey(answers: SurveyAnswers, identity: FileIdentity) -> None:
    st.session_state[SURVEY_KEY] = (answers, identity)
