"""Right-sizing from observed usage: the optimizer run on the export's hourly series, with growth.

Growth scales every hour's SCUs by the same factor (+20 % means each hour uses 1.2x), a simple
what-if that keeps the observed shape of the week.
"""

from __future__ import annotations

from dataclasses import dataclass

from copilot_roi.billing import bill
from copilot_roi.hourly import HourlySeries
from copilot_roi.optimizer import OptimizationResult, optimize
from copilot_roi.plans import CapacityPlan
from copilot_roi.pricebook import Prices

MAX_GROWTH_PCT = 500.0


@dataclass(frozen=True)
class RightSizing:
    growth_pct: float
    series: HourlySeries
    result: OptimizationResult
    current_throttled_hours: int
    recommended_throttled_hours: int

    @property
    def saving(self) -> float | None:
        """What the recommendation saves over the current plan (negative: it costs more)."""
        if self.result.current is None:
            return None
        return self.result.current.total_cost - self.result.recommended.total_cost

    @property
    def saving_share(self) -> float | None:
        """The saving as a share of the current plan's cost (None without a current cost)."""
        if self.saving is None or self.result.current is None or self.result.current.total_cost <= 0:
            return None
        return self.saving / self.result.current.total_cost


def grow(series: HourlySeries, growth_pct: float) -> HourlySeries:
    """``series`` with every hour scaled by ``1 + growth_pct / 100``."""
    if not -100.0 <= growth_pct <= MAX_GROWTH_PCT:
        raise ValueError(f"growth must be between -100 % and {MAX_GROWTH_PCT:g} %")
    return HourlySeries(series.start, series.units_scu * (1 + growth_pct / 100), series.month_basis)


def right_size(
    series: HourlySeries,
    prices: Prices,
    current_plan: CapacityPlan | None,
    growth_pct: float = 0.0,
    e5_licences: int = 0,
    throttle_budget_units: float = 0.0,
    allow_off_hours_deletion: bool = False,
    e5_pay_as_you_go: bool | None = None,
) -> RightSizing:
    """Recommend a plan for the observed usage grown by ``growth_pct``; price the current plan.

    ``e5_pay_as_you_go``: the switch for every plan priced; None takes the current plan's
    (without one, the price book's status).
    """
    grown = grow(series, growth_pct)
    if e5_pay_as_you_go is None and current_plan is not None:
        e5_pay_as_you_go = current_plan.e5_pay_as_you_go
    if current_plan is not None and e5_pay_as_you_go is not None:
        current_plan = current_plan.model_copy(update={"e5_pay_as_you_go": e5_pay_as_you_go})
    if current_plan is not None and e5_licences != current_plan.e5_licences:
        current_plan = current_plan.model_copy(update={"e5_licences": e5_licences})
    result = optimize(
        grown,
        prices,
        current_plan=current_plan,
        throttle_budget_units=throttle_budget_units,
        e5_licences=e5_licences,
        allow_off_hours_deletion=allow_off_hours_deletion,
        e5_pay_as_you_go=e5_pay_as_you_go,
    )

    def throttled_hours(plan: CapacityPlan) -> int:
        return int((bill(grown, plan, prices).hourly["throttled_scu"] > 1e-9).sum())

    return RightSizing(
        growth_pct=growth_pct,
        series=grown,
        result=result,
        current_throttled_hours=throttled_hours(current_plan) if current_plan else 0,
        recommended_throttled_hours=throttled_hours(result.recommended.plan),
    )
