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


def whole_units_that_add_up(
    costs: list[float], benefits: list[float], cumulative_pv: list[float]
) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """The annual table's money in whole units, rounded so that the table adds up as displayed.

    Rounding each cell on its own can show a net that is not benefits minus costs, or a
    cumulative PV that is not the sum of the PVs above it, by a unit. Here the costs and the
    exact nets are rounded, and benefits = net + costs; the exact cumulative PVs are rounded (the
    last is the NPV as the headline shows it) and each year's PV is the step between them. Every
    figure stays within one unit of its exact value. Returns (costs, benefits, net, PV, cumulative).

    >>> whole_units_that_add_up([0.4, 0.4], [1.4, 1.4], [1.0, 2.0])
    ([0, 0], [1, 1], [1, 1], [1, 1], [1, 2])
    >>> whole_units_that_add_up([10.6], [20.2], [9.6])  # round(20.2) - round(10.6) = 9, not round(9.6)
    ([11], [21], [10], [10], [10])
    """
    shown_costs = [round(c) for c in costs]
    nets = [round(b - c) for b, c in zip(benefits, costs, strict=True)]
    shown_benefits = [n + c for n, c in zip(nets, shown_costs, strict=True)]
    cumulative = [round(k) for k in cumulative_pv]
    pvs = [k - previous for k, previous in zip(cumulative, [0, *cumulative[:-1]], strict=True)]
    return shown_costs, shown_benefits, nets, pvs, cumulative


def annual_table(result: ScenarioResult) -> Table | None:
    """The year 0..N table of the annual convention (None in monthly), adding up as displayed."""
    if not result.yearly:
        return None
    costs, benefits, nets, pvs, cumulative = whole_units_that_add_up(
        [y.costs for y in result.yearly],
        [y.benefits for y in result.yearly],
        [y.cumulative_pv_net for y in result.yearly],
    )
    return Table(
        f"Annual cash flow, risk-adjusted ({result.currency})",
        ("Year", "Costs", "Benefits", "Net", "Discount factor", "PV of net", "Cumulative PV"),
        [
            (
                "Initial (0)" if y.year == 0 else str(y.year),
                f"{costs[i]:,}",
                f"{benefits[i]:,}",
                f"{nets[i]:,}",
                f"{y.discount_factor:.4f}",
                f"{pvs[i]:,}",
                f"{cumulative[i]:,}",
            )
            for i, y in enumerate(result.yearly)
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
