"""The finance block's inputs (risk adjustment, hours per FTE) as business-case assumption rows.

Other benefit and cost lines are not single numbers (one amount per year), so exporters list
them from ``value.finance_text.line_rows``; the workbook gives them their own sheet.
"""

from __future__ import annotations

from copilot_roi.value.scenario import Scenario

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
