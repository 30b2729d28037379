"""The business case's agent lines as rows of text: the per-run figures every export shows.

Agent names are the customer's or the user's text: each writer escapes them for its format
(HTML escaping, ``safe_cells`` in spreadsheets, XML-safe and clipped on slides).
"""

from __future__ import annotations

from copilot_roi.business.case import BusinessCase

AGENT_HEADERS = (
    "Agent",
    "Runs a month",
    "SCUs per run",
    "Cost per run (capacity)",
    "Cost per alert by hand",
    "Hours freed",
)
AGENT_NOTE = (
    "Cost per run: the plan's extra capacity cost for the agent's SCUs over the horizon, divided by "
    "its runs (0 when the runs fit in capacity already paid for). By hand: analyst minutes a run "
    "avoids / 60 x loaded cost per hour. Throttled runs free no time."
)


def agent_rows(case: BusinessCase) -> list[list[str]]:
    """One row of text per agent line, in ``AGENT_HEADERS`` order (money in the case currency)."""
    currency = case.prices.currency
    return [
        [
            line.agent,
            f"{line.runs_per_month:,.0f}",
            f"{line.scu_per_run:,.2f}",
            "n/a" if line.cost_per_run is None else f"{currency} {line.cost_per_run:,.2f}",
            f"{currency} {line.manual_cost_per_run:,.2f}",
            f"{line.total_hours_freed:,.0f}",
        ]
        for line in case.result.agent_lines
    ]
