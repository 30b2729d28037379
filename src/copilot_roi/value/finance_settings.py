"""The scenario's ``finance`` block: which convention discounts the case and its TEI risk adjustment.

``convention`` picks where flows fall in time (``value.conventions``: ``monthly``, ours, or
``annual``, as Forrester TEI studies and textbooks table a case). ``risk_adjustment`` reduces
every benefit and raises every cost by a stated share before discounting, as TEI studies do;
the undiscounted totals (``roi``, ``payback_month``) are left unadjusted, so a reader can see
both.

>>> FinanceSettings().convention, FinanceSettings().risk_adjustment.benefits
('monthly', 0.0)
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from copilot_roi.hourly import FloatArray
from copilot_roi.value.conventions import Convention, DiscountedSummary, npv_of, risk_adjusted, summarise

CONVENTION_LABELS: dict[Convention, str] = {
    "monthly": "monthly: flows at each month's end, one-offs in month 1",
    "annual": "annual (TEI): one-offs at year 0 undiscounted, each year's flows at its end",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class RiskAdjustment(_Frozen):
    """Shares by which benefits are reduced and costs raised before discounting (TEI)."""

    benefits: float = Field(default=0.0, ge=0, le=0.5)
    costs: float = Field(default=0.0, ge=0, le=0.5)


class FinanceSettings(_Frozen):
    convention: Convention = "monthly"
    risk_adjustment: RiskAdjustment = RiskAdjustment()


def discounted_summary(
    settings: FinanceSettings,
    one_off_costs: float,
    monthly_benefits: FloatArray,
    monthly_recurring_costs: FloatArray,
    annual_rate: float,
) -> DiscountedSummary:
    """PVs, NPV, ROI on PV and discounted payback of risk-adjusted flows, in the settings' convention."""
    risk = settings.risk_adjustment
    benefits, costs = risk_adjusted(monthly_benefits, monthly_recurring_costs, risk.benefits, risk.costs)
    return summarise(settings.convention, one_off_costs * (1.0 + risk.costs), benefits, costs, annual_rate)


CONVENTIONS: tuple[Convention, ...] = ("monthly", "annual")


def npv_by_convention(
    settings: FinanceSettings,
    one_off_costs: float,
    monthly_benefits: FloatArray,
    monthly_recurring_costs: FloatArray,
    annual_rate: float,
) -> dict[Convention, float | None]:
    """The NPV :func:`discounted_summary` gives in each convention, the settings' risk adjustment kept.

    A CFO compares cases in either convention, so the case shows both, its own as the headline.
    The annual NPV is None when the horizon is not whole years (the annual table cannot be drawn).

    >>> both = npv_by_convention(FinanceSettings(), 100.0, np.full(12, 11.0), np.zeros(12), 0.10)
    >>> round(both["annual"], 6), both["monthly"] > both["annual"]
    (20.0, True)
    """
    npvs: dict[Convention, float | None] = {}
    for convention in CONVENTIONS:
        if convention == "annual" and len(monthly_benefits) % 12:
            npvs[convention] = None
            continue
        chosen = settings.model_copy(update={"convention": convention})
        npvs[convention] = discounted_summary(
            chosen, one_off_costs, monthly_benefits, monthly_recurring_costs, annual_rate
        ).npv
    return npvs


def npv_in_settings(
    settings: FinanceSettings,
    one_off_costs: float,
    monthly_benefits: FloatArray,
    monthly_recurring_costs: FloatArray,
    annual_rate: float,
) -> FloatArray:
    """The NPV :func:`discounted_summary` gives, vectorised over leading axes (one row per plan).

    The right-sizer prices every purchasable plan with it, so a plan's NPV there is the engine's
    (same convention, risk adjustment and other lines; a property test pins them together).
    """
    risk = settings.risk_adjustment
    benefits, costs = risk_adjusted(
        np.asarray(monthly_benefits, dtype=np.float64),
        np.asarray(monthly_recurring_costs, dtype=np.float64),
        risk.benefits,
        risk.costs,
    )
    return npv_of(settings.convention, one_off_costs * (1.0 + risk.costs), benefits - costs, annual_rate)
