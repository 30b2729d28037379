"""Scenarios side by side: each named scenario's headline figures, NPV range and cumulative net.

The page's comparison table and chart, the business case's comparison section (one-pager, slide,
sheet) and ``copilot-roi report`` with several ``--scenario`` files read one ``Comparison``, so
they agree. Every figure is the engine's: ``engine.compute`` for the cash flows and
``sensitivity.analyse`` for the P10-P90 of NPV (same seed and draws as the single-scenario
views, so a scenario's row repeats the numbers its own page shows).

Names are user text: ``clean_name`` strips control characters, collapses whitespace and limits
the length; every renderer still escapes them for its format.

>>> from copilot_roi.value.scenario import scenario_template
>>> c = compare([("Low", scenario_template("low")), ("High", scenario_template("high"))], draws=500)
>>> [r.name for r in c.rows], c.rows[0].npv < c.rows[1].npv
(['Low', 'High'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from copilot_roi.pricebook import Prices
from copilot_roi.value.engine import ScenarioResult, compute, scenario_prices, served_share_text
from copilot_roi.value.scenario import Scenario
from copilot_roi.value.sensitivity import MONTE_CARLO_DRAWS, Sensitivity, analyse

MAX_COMPARED = 4  # a workshop compares a few options; more would not read on one chart
MAX_NAME_CHARS = 40  # fits a legend entry, a table column and a slide cell


@dataclass(frozen=True)
class ComparedScenario:
    """One scenario's figures in the comparison; money in ``currency``, months from 1."""

    name: str
    currency: str
    plan_description: str
    horizon_months: int
    total_cost: float
    total_value: float
    total_hours_freed: float
    npv: float
    npv_p10: float
    npv_p90: float
    roi: float | None
    payback_month: int | None
    served_share: float
    served_share_text: str  # as every format words it: never "100%" while something was refused
    cumulative_net: tuple[float, ...]  # month 1..horizon, end of month


# Column labels of the comparison table, in order: the page, the sheet and the slide use them.
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Scenario"),
    ("plan_description", "Plan"),
    ("total_cost", "Cost"),
    ("total_value", "Realised value"),
    ("total_hours_freed", "Hours freed"),
    ("npv", "NPV"),
    ("npv_p10", "NPV P10"),
    ("npv_p90", "NPV P90"),
    ("roi", "ROI"),
    ("payback_month", "Payback month"),
    ("served_share", "Served share"),
)


@dataclass(frozen=True)
class Comparison:
    """Up to ``MAX_COMPARED`` scenarios in the order given, all in one currency."""

    rows: tuple[ComparedScenario, ...]
    draws: int

    @property
    def currency(self) -> str:
        return self.rows[0].currency

    def frame(self) -> pd.DataFrame:
        """One row per scenario, columns labelled as ``TABLE_COLUMNS`` (money unrounded)."""
        return pd.DataFrame([{label: getattr(row, key) for key, label in TABLE_COLUMNS} for row in self.rows])

    def payload(self) -> list[dict[str, Any]]:
        """JSON-ready rows (money to the cent, shares to six places)."""
        return [
            {
                "name": r.name,
                "plan": r.plan_description,
                "currency": r.currency,
                "total_cost": round(r.total_cost, 2),
                "total_value": round(r.total_value, 2),
                "total_hours_freed": round(r.total_hours_freed, 2),
                "npv": round(r.npv, 2),
                "npv_p10": round(r.npv_p10, 2),
                "npv_p90": round(r.npv_p90, 2),
                "roi": None if r.roi is None else round(r.roi, 6),
                "payback_month": r.payback_month,
                "served_share": round(r.served_share, 6),
            }
            for r in self.rows
        ]


def clean_name(name: str) -> str:
    """A scenario name fit to show anywhere: no control characters, single spaces, at most
    ``MAX_NAME_CHARS`` characters. Raises ``ValueError`` for a name with nothing left.

    >>> clean_name("  SOC   pilot\\n"), len(clean_name("x" * 100))
    ('SOC pilot', 40)
    """
    printable = "".join(ch if ch.isprintable() else " " for ch in str(name))
    cleaned = " ".join(printable.split())[:MAX_NAME_CHARS].strip()
    if not cleaned:
        raise ValueError("a scenario needs a name (letters or digits, not only spaces)")
    return cleaned


def compared_scenario(
    name: str,
    scenario: Scenario,
    prices: Prices | None = None,
    result: ScenarioResult | None = None,
    sensitivity: Sensitivity | None = None,
    draws: int = MONTE_CARLO_DRAWS,
) -> ComparedScenario:
    """One row of a comparison; ``result`` and ``sensitivity`` are reused when already computed."""
    prices = prices or scenario_prices(scenario)
    result = result or compute(scenario, prices)
    sensitivity = sensitivity or analyse(scenario, prices, result, draws=draws)
    mc = sensitivity.monte_carlo
    return ComparedScenario(
        name=clean_name(name),
        currency=result.currency,
        plan_description=result.plan_description,
        horizon_months=result.horizon_months,
        total_cost=result.total_cost,
        total_value=result.total_value,
        total_hours_freed=result.total_hours_freed,
        npv=result.npv,
        npv_p10=mc.p10,
        npv_p90=mc.p90,
        roi=result.roi,
        payback_month=result.payback_month,
        served_share=result.served_share,
        served_share_text=served_share_text(result),
        cumulative_net=tuple(m.cumulative_net for m in result.monthly),
    )


def comparison_of(rows: Sequence[ComparedScenario], draws: int = MONTE_CARLO_DRAWS) -> Comparison:
    """Check and assemble rows: one to ``MAX_COMPARED``, distinct names, one currency."""
    if not rows:
        raise ValueError("nothing to compare: save at least one scenario")
    if len(rows) > MAX_COMPARED:
        raise ValueError(f"at most {MAX_COMPARED} scenarios can be compared, not {len(rows)}")
    names = [r.name for r in rows]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"two scenarios are named {duplicated[0]!r}: give each its own name")
    currencies = sorted({r.currency for r in rows})
    if len(currencies) > 1:
        raise ValueError(
            f"the scenarios are in different currencies ({', '.join(currencies)}): money cannot be "
            "compared; use one currency"
        )
    return Comparison(rows=tuple(rows), draws=draws)


def compare(
    named: Sequence[tuple[str, Scenario]],
    prices: Prices | None = None,
    draws: int = MONTE_CARLO_DRAWS,
) -> Comparison:
    """Compute each ``(name, scenario)`` and put them side by side, in the order given.

    ``prices`` applies to every scenario (the page's sidebar); None uses each scenario's own
    (the price book with its overrides, as ``copilot-roi roi`` does).
    """
    if len(named) > MAX_COMPARED:
        raise ValueError(f"at most {MAX_COMPARED} scenarios can be compared, not {len(named)}")
    rows = [compared_scenario(name, scenario, prices, draws=draws) for name, scenario in named]
    return comparison_of(rows, draws)
