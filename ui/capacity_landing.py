"""The Capacity page as every new session opens it, computed once per server process.

The app opens on this page with the bundled estimate assumptions, the default plan and list
prices: the same numbers for every visitor, and no customer data. Billing, right-sizing and
the charts for them took most of a new session's first script run (about 0.2 s of the 0.3 s, and
longer while the browser competes for the CPU), so they are cached globally here, under a
zero-argument function. Anything else (another input, another price, any upload) is computed in
the session and never cached across sessions.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from copilot_roi.capacity_report import CapacityView, capacity_view
from copilot_roi.estimate import EstimateInputs, build_profile
from copilot_roi.hourly import HourlySeries
from copilot_roi.plans import DEFAULT_PLAN, CapacityPlan
from copilot_roi.pricebook import Prices, list_prices
from ui.plan_inputs import TIMEZONES


@dataclass(frozen=True)
class _ViewArguments:
    estimate: EstimateInputs
    plan: CapacityPlan
    prices: Prices
    timezone: str
    throttle_budget_units: float
    allow_off_hours_deletion: bool


# The widgets' defaults: the page's time zone picker opens on its first entry.
_LANDING = _ViewArguments(
    estimate=EstimateInputs(timezone=TIMEZONES[0]),
    plan=DEFAULT_PLAN,
    prices=list_prices(),
    timezone=TIMEZONES[0],
    throttle_budget_units=0.0,
    allow_off_hours_deletion=False,
)


@st.cache_data(show_spinner=False)
def _landing_view() -> CapacityView:
    # cache_data hands each session its own copy, so a page can never alter another's view.
    arguments = _LANDING
    return capacity_view(
        build_profile(arguments.estimate),
        arguments.plan,
        arguments.prices,
        arguments.timezone,
        arguments.throttle_budget_units,
        arguments.allow_off_hours_deletion,
    )


def capacity_view_for(
    estimate: EstimateInputs | None,
    series: HourlySeries,
    plan: CapacityPlan,
    prices: Prices,
    timezone: str,
    throttle_budget_units: float,
    allow_off_hours_deletion: bool,
) -> CapacityView:
    """The page's view of ``series`` (built from ``estimate``, or None for a usage export).

    The landing inputs are served from the process-wide cache; every other input is computed.
    """
    if (
        estimate is not None
        and _ViewArguments(estimate, plan, prices, timezone, throttle_budget_units, allow_off_hours_deletion)
        == _LANDING
    ):
        return _landing_view()
    return capacity_view(series, plan, prices, timezone, throttle_budget_units, allow_off_hours_deletion)
