"""The finance block in the business case: its inputs as assumption rows, its figures as card notes.

Other benefit and cost lines are not single numbers (one amount per year), so exporters list
them from ``value.finance_text.line_rows``; the workbook gives them their own sheet.
"""

from __future__ import annotations

from copilot_roi.value.engine import ScenarioResult
from copilot_roi.value.finance_text import payback_years_text
from copilot_roi.value.scenario import Scenario
from copilot_roi.wording import money

# (key, section, label, value, unit, basis, source): the fields of case.AssumptionRow, in order.
AssumptionFields = tuple[str, str, str, float, str, str, str]

RISK_SOURCE = (
    "Forrester TEI practice: each benefit reduced and each cost raised by a stated share before "
    "discounting, to reflect uncertainty (commonly 5-20 %)"
)


def finance_assumption_fields(scenario: Scenario) -> list[AssumptionFields]:
    """Risk adjustment shares and hours per FTE, keyed as in the scenario JSON."""
    risk = scenario.finance.risk_adjustment
    return [
        (
            "risk_adjustment.benefits", "Finance", "Risk adjustment on benefits (reduced by)",
            risk.benefits, "share", "assumption", RISK_SOURCE,
        ),
        (
            "risk_adjustment.costs", "Finance", "Risk adjustment on costs (raised by)",
            risk.costs, "share", "assumption", RISK_SOURCE,
        ),
        (
            "hours_per_fte_year", "Finance", "Hours per analyst FTE a year", scenario.hours_per_fte_year,
            "hours per year", "assumption",
            "Turns freed hours into analyst FTEs (hours freed / years / this); 1,800 is a common figure",
        ),
    ]  # fmt: skip


def fte_card_note(result: ScenarioResult, currency: str) -> str:
    """Freed hours as analyst FTEs and their hiring cost, short enough for a headline card."""
    if result.fte is None:
        return "analyst FTEs not computed"
    hire = money(result.fte.hiring_cost_per_year, currency)
    return f"= {result.fte.ftes:,.1f} analyst FTEs a year ({hire} to hire)"


def cost_card_note(result: ScenarioResult) -> str:
    """What the headline cost holds."""
    return "capacity, one-off and other costs" if result.total_other_costs else "capacity and one-off"


def payback_card_note(result: ScenarioResult) -> str:
    """ROI on PV and the discounted payback, tagged with their convention."""
    roi_pv = "n/a" if result.roi_pv is None else f"{result.roi_pv:.0%}"
    return (
        f"ROI on PV {roi_pv}, discounted payback {payback_years_text(result.discounted_payback_years)} "
        f"({result.convention})"
    )
