"""The finance view every export shows: discounted figures, the annual table, other lines and FTEs.

Returned as plain tables and sentences, so the HTML, the deck and the pages render the same
words; user text (line names and sources) stays raw here and each renderer escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot_roi.business.case import BusinessCase
from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.finance_text import (
    convention_sentence,
    discounted_figures,
    line_rows,
)
from copilot_roi.wording import PAYBACK_RULE


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numeric: frozenset[int]


def finance_tables(case: BusinessCase) -> list[Table]:
    """Discounted figures; in annual the year 0..N table; the other lines when there are any."""
    result, c = case.result, case.prices.currency
    tables = [
        Table(
            f"Discounted figures ({result.convention} convention)",
            ("Figure", "Value", "How"),
            [tuple(row) for row in discounted_figures(result)],
            frozenset({1}),
        )
    ]
    annual = annual_table(result)
    if annual is not None:
        tables.append(annual)
    lines = line_rows(case.scenario)
    if lines:
        tables.append(
            Table(
                f"Other benefit and cost lines ({c}, as stated, before risk adjustment)",
                ("Kind", "Line", "One-off", "Per year", "Source"),
                [
                    (kind, name, one_off, per_year, source or "not stated")
                    for kind, name, one_off, per_year, source in lines
                ],
                frozenset({2}),
            )
        )
    return tables


def annual_table(result: ScenarioResult) -> Table | None:
    """The year 0..N table of the annual convention (None in monthly)."""
    if not result.yearly:
        return None
    return Table(
        f"Annual cash flow, risk-adjusted ({result.currency})",
        ("Year", "Costs", "Benefits", "Net", "Discount factor", "PV of net", "Cumulative PV"),
        [
            (
                "Initial (0)" if y.year == 0 else str(y.year),
                f"{y.costs:,.0f}",
                f"{y.benefits:,.0f}",
                f"{y.net:,.0f}",
                f"{y.discount_factor:.4f}",
                f"{y.pv_net:,.0f}",
                f"{y.cumulative_pv_net:,.0f}",
            )
            for y in result.yearly
        ],
        frozenset({1, 2, 3, 4, 5, 6}),
    )


def finance_notes(case: BusinessCase) -> list[str]:
    """The convention sentence and the FTE sentence."""
    result = case.result
    notes = [convention_sentence(result)]
    if result.fte is not None:
        notes.append(result.fte.sentence(case.prices.currency))
    return notes


def convention_footer(case: BusinessCase) -> str:
    """How the figures are discounted, in one line of the one-pager's footer (the page is full)."""
    result = case.result
    rate = f"{result.discount_rate_annual:.1%}"
    risk = result.risk_adjustment
    adjusted = (
        f" Risk-adjusted: benefits -{risk.benefits:.0%}, costs +{risk.costs:.0%}."
        if risk.benefits or risk.costs
        else ""
    )
    # No room for the FTE method here on Letter paper: the card shows FTEs and their hiring cost,
    # the deck, the workbook and the pages say how they are computed.
    if result.convention == "monthly":
        return (
            f"Flows at each month's end; NPV discounts month m by (1 + {rate})^(m/12); payback is "
            f"{PAYBACK_RULE}.{adjusted}"
        )
    return (
        f"Annual (TEI) convention: one-offs at year 0 undiscounted, year y discounted by (1 + {rate})^y; "
        f"payback month ({PAYBACK_RULE}) is undiscounted.{adjusted}"
    )
