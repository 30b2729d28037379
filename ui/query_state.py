"""The scenario's main inputs in the URL: restore them once per session, keep the URL in step, reset.

The codec (``copilot_roi.business.share_link``) validates everything; this module only moves
values between ``st.query_params`` and the session. The scenarios page and the business case page
read the session's scenario (``ui.scenario_state``), so a restored link reaches both.
"""

from __future__ import annotations

import streamlit as st

from copilot_roi.business.share_link import decode, encode, known_keys, scenario_from_params
from copilot_roi.value.scenario import Scenario, scenario_template
from ui import case_state

_RESTORED_KEY = "qs_restored"
_PROBLEMS_KEY = "qs_problems"


def restore_scenario_from_url() -> None:
    """On a session's first run, turn the URL's inputs into the case's scenario.

    Runs once per session (the router calls it before the page), so later reruns never undo a
    slider move. A link with no usable values changes nothing; refused values are kept for
    :func:`show_link_problems`.
    """
    if st.session_state.get(_RESTORED_KEY):
        return
    st.session_state[_RESTORED_KEY] = True
    params = st.query_params.to_dict()
    link = decode(params)
    if link.problems:
        st.session_state[_PROBLEMS_KEY] = link.problems
    if link.empty:
        return
    scenario, problems = scenario_from_params(params)
    st.session_state[_PROBLEMS_KEY] = problems
    use_scenario(scenario)


def use_scenario(scenario: Scenario) -> None:
    """Make a link's ``scenario`` the case's, on the case's plan and prices (a link carries neither),
    and let every page fill its widgets from it again."""
    case = case_state.case()
    capacity = scenario.capacity.model_copy(update={"plan": case.plan})
    scenario = scenario.model_copy(update={"capacity": capacity, "prices": case.scenario.prices})
    case_state.replace_case(case.with_scenario(scenario))


def reset_scenario() -> None:
    """Back to the expected template, on the case's plan and prices (names and data stay)."""
    use_scenario(scenario_template("expected"))


def sync_url(scenario: Scenario) -> None:
    """Write ``scenario``'s main inputs to the URL (only when they changed; other params stay).

    Nothing is written before the router has read the opening link: a page run without the
    router (Streamlit can serve a deep link that way to the first visitor after a restart)
    must not overwrite the link it was opened with.
    """
    if not st.session_state.get(_RESTORED_KEY):
        return
    wanted = encode(scenario)
    known = known_keys()
    current = {k: v for k, v in st.query_params.to_dict().items() if k in known}
    if current == wanted:
        return
    _replace_scenario_params(wanted)


def clear_url() -> None:
    _replace_scenario_params({})


def _replace_scenario_params(wanted: dict[str, str]) -> None:
    """The URL's scenario params become ``wanted``; every other param keeps all its values.

    One ``from_dict`` is one message to the browser (one history entry); deleting and setting
    keys one by one sent a message each, a dozen per slider move.
    """
    known = known_keys()
    params: dict[str, str | list[str]] = {
        key: st.query_params.get_all(key) for key in st.query_params if key not in known
    }
    params.update(wanted)
    st.query_params.from_dict(params)


def show_link_problems() -> None:
    """Say (once) which values of the opening link were refused and why."""
    problems = st.session_state.pop(_PROBLEMS_KEY, None)
    if problems:
        st.warning("Some values in the link were not used: " + "; ".join(problems[:6]))
