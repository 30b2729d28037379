"""The session's case as a test reads and sets it: the scenario as computed, a scenario put in place.

Pages keep everything that decides a number in the case (``ui.case_state``); a test that stands
in for a loaded file sets the case's scenario and bumps the case's generation, as loading does,
so every page fills its widgets from it again.
"""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from copilot_roi.case import Case, effective_scenario, new_case
from copilot_roi.usage import UsageDataset
from copilot_roi.usage.chargeback import Roster
from copilot_roi.value.scenario import Scenario
from ui.case_state import CASE_KEY, GENERATION_KEY, ROSTER_KEY, USAGE_KEY


def _get(at: AppTest, key: str) -> Any:
    return at.session_state[key] if key in at.session_state else None  # noqa: SIM401 (AppTest has no get)


def session_case(at: AppTest) -> Case:
    case = _get(at, CASE_KEY)
    return case if isinstance(case, Case) else new_case()


def put_scenario(at: AppTest, scenario: Scenario) -> None:
    """Make ``scenario`` (with its own plan and prices) the case's, as opening a file does."""
    at.session_state[CASE_KEY] = session_case(at).with_scenario(scenario)
    at.session_state[GENERATION_KEY] = int(_get(at, GENERATION_KEY) or 0) + 1


def case_scenario(at: AppTest) -> Scenario:
    """The scenario the pages compute: the case's, measured from the loaded usage when it says so."""
    usage, roster = _get(at, USAGE_KEY), _get(at, ROSTER_KEY)
    return effective_scenario(
        session_case(at),
        usage if isinstance(usage, UsageDataset) else None,
        roster if isinstance(roster, Roster) else None,
    )[0]
