"""The comparison section's words and figures, worded once for the one-pager and the deck."""

from __future__ import annotations

from copilot_roi.value.comparison import Comparison
from copilot_roi.wording import money

HEADERS = ("Scenario", "Plan", "Cost", "Realised value", "Hours freed", "NPV (P10 to P90)", "ROI",
           "Payback", "Served")  # fmt: skip
NUMERIC_COLUMNS = frozenset({2, 3, 4, 5, 6, 8})


def title(comparison: Comparison) -> str:
    return f"{len(comparison.rows)} scenarios side by side"


def intro(comparison: Comparison) -> str:
    """One sentence under the section title: how the scenarios were priced and the range drawn."""
    return (
        f"Every scenario is priced like the case, in {comparison.currency}. NPV ranges: "
        f"P10 to P90 of {comparison.draws:,} simulated scenarios each, inputs drawn independently "
        "(the real spread is wider when inputs move together)."
    )


def rows(comparison: Comparison) -> list[tuple[str, ...]]:
    """Each scenario's figures as text, in ``HEADERS`` order (names as given: escape to render)."""
    c = comparison.currency
    return [
        (
            r.name,
            r.plan_description,
            money(r.total_cost, c),
            money(r.total_value, c),
            f"{r.total_hours_freed:,.0f} h",
            f"{money(r.npv, c)} ({money(r.npv_p10, c)} to {money(r.npv_p90, c)})",
            "n/a" if r.roi is None else f"{r.roi:.0%}",
            "none" if r.payback_month is None else f"month {r.payback_month}",
            r.served_share_text,
        )
        for r in comparison.rows
    ]
