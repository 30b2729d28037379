"""The discounted figures, the extra lines and the FTE view in words: one wording for pages, CLI and exports.

Each figure says which convention it uses, so a reader never mixes the TEI-style ROI on PV with
the undiscounted ROI.

>>> from copilot_roi.value.engine import compute
>>> from copilot_roi.value.scenario import scenario_template
>>> [label for label, _, _ in discounted_figures(compute(scenario_template("expected")))][:3]
['NPV (monthly)', 'PV of benefits (monthly)', 'PV of costs (monthly)']
"""

from __future__ import annotations

from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.finance_settings import CONVENTION_LABELS
from copilot_roi.value.scenario import Scenario
from copilot_roi.wording import DISCOUNTED_FELL_BACK, DISCOUNTED_PAYBACK_RULE


def convention_sentence(result: ScenarioResult) -> str:
    """How NPV, the PVs, ROI on PV and the discounted payback are computed, in one sentence."""
    risk = result.risk_adjustment
    adjusted = (
        f"; risk-adjusted before discounting: benefits -{risk.benefits:.0%}, costs +{risk.costs:.0%}"
        if risk.benefits or risk.costs
        else "; no risk adjustment"
    )
    convention = CONVENTION_LABELS[result.convention]  # type: ignore[index]
    return (
        f"NPV, PVs, ROI on PV and discounted payback use the {convention}, at "
        f"{result.discount_rate_annual:.1%} a year{adjusted}. ROI and payback month are undiscounted."
    )


def payback_years_text(years: float | None) -> str:
    """``1.4 years`` / ``7 months`` / ``not within the horizon``."""
    if years is None:
        return "not within the horizon"
    return f"{years * 12:.0f} months" if years < 1 else f"{years:.1f} years"


def discounted_figures(result: ScenarioResult) -> list[tuple[str, str, str]]:
    """(label, value, note) for NPV, PV benefits, PV costs, ROI on PV and discounted payback."""
    c, tag = result.currency, f"({result.convention})"
    roi_pv = "n/a" if result.roi_pv is None else f"{result.roi_pv:.0%}"
    return [
        (f"NPV {tag}", f"{c} {result.npv:,.0f}", "PV of benefits - PV of costs"),
        (f"PV of benefits {tag}", f"{c} {result.pv_benefits:,.0f}", "realised value and other benefit lines"),
        (f"PV of costs {tag}", f"{c} {result.pv_costs:,.0f}", "capacity, one-offs and other cost lines"),
        (f"ROI on PV {tag}", roi_pv, "NPV / PV of costs (TEI); not the undiscounted ROI"),
        (
            f"Discounted payback {tag}",
            payback_years_text(result.discounted_payback_years),
            DISCOUNTED_PAYBACK_RULE
            + (f"; {DISCOUNTED_FELL_BACK}" if result.discounted_payback_fell_back else ""),
        ),
    ]


def line_rows(scenario: Scenario) -> list[tuple[str, str, str, str, str]]:
    """(kind, name, one-off, per year, source) for every other benefit and cost line, as entered."""
    rows: list[tuple[str, str, str, str, str]] = []
    for benefit in scenario.other_benefits:
        rows.append(("Benefit", benefit.name, "", _years(benefit.per_year), benefit.source))
    for cost in scenario.other_costs:
        rows.append(("Cost", cost.name, f"{cost.one_off:,.0f}", _years(cost.per_year), cost.source))
    return rows


def _years(per_year: list[float]) -> str:
    if not per_year:
        return "none"
    text = ", ".join(f"year {i + 1}: {amount:,.0f}" for i, amount in enumerate(per_year))
    return text + " (last repeated)"
