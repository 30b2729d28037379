"""Right-sizing: the cheapest capacity plan for an hourly usage series, searched exhaustively.

The search space holds purchasable plans only (``copilot_roi.plans``): every flat 24x7 level
(1..100 SCUs), every business-hours schedule from a set of windows with any business level
(1..100) and off-hours level (1..100), and, when E5/E7 licences are given, the pool alone (no
provisioned capacity); each with overage off or unlimited. With no capacity in an hour, overage
runs only when E5/E7 pay-as-you-go is switched on (its default: the price book's status, which
calls it announced, not confirmed): otherwise "the pool alone, unlimited overage" is no plan.
Schedules that delete the capacity off-hours (off-hours level 0: nothing served then but from
the E5/E7 pool, the rest throttled) join the search only when the caller allows it. The
recommendation is the cheapest plan whose throttled SCUs stay within the budget (0 by default);
ties go to fewer throttled SCUs, then to the simpler plan.

It is vectorised: hours split into business and off-hours parts, and a plan's cost and
throttling are sums over the two parts, so each part is priced once per level (a
levels x hours matrix) and every pair of levels is a sum of two vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot_roi.billing import bill, checked_pool, meter_overage, pool_draw
from copilot_roi.hourly import BoolArray, FloatArray, HourlySeries
from copilot_roi.plans import (
    MAX_PROVISIONED_SCU,
    CapacityPlan,
    OverageMode,
    Schedule,
    e5_allowance_scu_per_month,
)
from copilot_roi.pricebook import Prices, e5_pay_as_you_go_default

LEVELS = np.arange(0, MAX_PROVISIONED_SCU + 1, dtype=np.float64)
SEARCHED_OVERAGE: tuple[OverageMode, ...] = ("none", "unlimited")
# Business windows tried for schedules: (days, start hour, end hour). A 9-to-5 SOC, a longer
# day, weekdays only, and seven-day daytime cover.
STANDARD_WINDOWS: tuple[tuple[tuple[int, ...], int, int], ...] = (
    ((0, 1, 2, 3, 4), 8, 18),
    ((0, 1, 2, 3, 4), 7, 19),
    ((0, 1, 2, 3, 4), 0, 24),
    ((0, 1, 2, 3, 4, 5, 6), 8, 20),
)
# Float noise allowance when comparing throttled SCUs with the budget.
_EPS = 1e-9


@dataclass(frozen=True)
class Candidate:
    """One priced plan."""

    plan: CapacityPlan
    family: str
    provisioned_cost: float
    overage_cost: float
    overage_units: float
    throttled_units: float

    @property
    def total_cost(self) -> float:
        return self.provisioned_cost + self.overage_cost

    @property
    def description(self) -> str:
        return self.plan.describe()

    def as_dict(self) -> dict[str, object]:
        return {
            "description": self.description,
            "family": self.family,
            "total_cost": round(self.total_cost, 2),
            "provisioned_cost": round(self.provisioned_cost, 2),
            "overage_cost": round(self.overage_cost, 2),
            "overage_units": round(self.overage_units, 1),
            "throttled_units": round(self.throttled_units, 3),
            "plan": self.plan.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class LevelCurve:
    """Cost and throttling of every flat 24x7 level, with overage off and unlimited."""

    levels_scu: FloatArray
    cost_no_overage: FloatArray
    throttled_no_overage: FloatArray
    cost_unlimited_overage: FloatArray


@dataclass(frozen=True)
class OptimizationResult:
    recommended: Candidate
    current: Candidate | None
    baseline: Candidate
    candidates: list[Candidate]
    level_curve: LevelCurve
    throttle_budget_units: float
    plans_considered: int


@dataclass(frozen=True)
class _LevelCosts:
    """By level (index = SCUs provisioned), over one subset of hours under one overage mode."""

    provisioned_cost: FloatArray
    overage_units: FloatArray
    overage_cost: FloatArray
    throttled_units: FloatArray

    @property
    def total_cost(self) -> FloatArray:
        return self.provisioned_cost + self.overage_cost


@dataclass(frozen=True)
class _PartCosts:
    """Per-level sums over one subset of hours: provisioned SCU-hours, overage and throttling."""

    hours: float
    overage_units: FloatArray  # by level, overage unlimited
    throttled_units: FloatArray  # by level, overage off

    def cost(self, mode: OverageMode, prices: Prices, pool_capacity: bool) -> _LevelCosts:
        """Costs and throttling by level under ``mode``.

        Level 0 means no capacity in these hours: overage then runs only on the E5/E7 default
        capacity with pay-as-you-go on (``pool_capacity``); without it, all demand above the
        pool is throttled.
        """
        provisioned = LEVELS * self.hours * prices.provisioned_per_scu_hour
        if mode == "unlimited":
            overage = self.overage_units.copy()
            throttled = np.zeros_like(LEVELS)
            if not pool_capacity:
                overage[0] = 0.0
                throttled[0] = self.throttled_units[0]
        else:
            overage, throttled = np.zeros_like(LEVELS), self.throttled_units
        return _LevelCosts(provisioned, overage, overage * prices.overage_per_scu, throttled)


def _excess_matrices(residual: FloatArray, prices: Prices) -> tuple[FloatArray, FloatArray]:
    """Demand above each level, raw (throttled when overage is off) and metered (overage)."""
    # Hours with no residual demand add nothing above any level: leave them out of the matrix.
    busy = np.flatnonzero(residual > 0)
    excess = np.maximum(residual[busy][None, :] - LEVELS[:, None], 0.0)
    metered = meter_overage(excess, prices.overage_step_scu, prices.overage_rounding)
    full_excess = np.zeros((len(LEVELS), len(residual)))
    full_metered = np.zeros((len(LEVELS), len(residual)))
    full_excess[:, busy] = excess
    full_metered[:, busy] = metered
    return full_excess, full_metered


def _part(excess: FloatArray, metered: FloatArray, mask: BoolArray) -> _PartCosts:
    weights = mask.astype(np.float64)
    return _PartCosts(
        hours=float(weights.sum()),
        overage_units=metered @ weights,
        throttled_units=excess @ weights,
    )


def optimize(
    series: HourlySeries,
    prices: Prices,
    current_plan: CapacityPlan | None = None,
    throttle_budget_units: float = 0.0,
    e5_licences: int = 0,
    windows: tuple[tuple[tuple[int, ...], int, int], ...] = STANDARD_WINDOWS,
    allow_off_hours_deletion: bool = False,
    e5_pay_as_you_go: bool | None = None,
    pool_scu: FloatArray | None = None,
) -> OptimizationResult:
    """Search every plan described in the module docstring and recommend the cheapest.

    ``e5_pay_as_you_go`` (None: the price book's status) is every candidate's switch.
    ``pool_scu``: the E5/E7 pool's draw in each hour when the tenant's pool is shared by several
    workspaces (see ``billing.bill``); by default ``series`` draws the pool of ``e5_licences`` alone.

    >>> from copilot_roi.pricebook import list_prices
    >>> week = HourlySeries.zeros(168)
    >>> optimize(week, list_prices()).recommended.description
    '1 SCU 24x7, no overage'
    >>> cheapest = optimize(week, list_prices(), allow_off_hours_deletion=True).recommended
    >>> cheapest.plan.deletes_capacity_off_hours, cheapest.total_cost  # 50 business hours x $4
    (True, 200.0)
    """
    if throttle_budget_units < 0:
        raise ValueError("the throttling budget cannot be negative")
    if series.hours == 0:
        raise ValueError("no hours of usage to size a plan for")
    month_ids, _ = series.month_ids()
    allowance = e5_allowance_scu_per_month(
        e5_licences, prices.e5_allowance_scu_per_licence_month, prices.e5_allowance_cap_scu_month
    )
    # A shared pool's draw prices every candidate; else each plan's bill draws its own pool.
    shared_pool = None if pool_scu is None else checked_pool(pool_scu, series.units_scu)
    drawn = pool_draw(series.units_scu, month_ids, allowance) if shared_pool is None else shared_pool
    residual = series.units_scu - drawn
    excess, metered = _excess_matrices(residual, prices)
    all_hours = _part(excess, metered, np.ones(series.hours, dtype=bool))

    best: dict[str, Candidate] = {}
    considered = 0
    payg = e5_pay_as_you_go_default() if e5_pay_as_you_go is None else e5_pay_as_you_go
    # Level 0 is a capacity only for the E5/E7 default capacity (the pool alone); overage runs
    # on it only with pay-as-you-go.
    min_flat = 0 if e5_licences > 0 else 1
    pool_capacity = e5_licences > 0 and payg
    min_off = 0 if allow_off_hours_deletion else 1

    def keep(family: str, candidate: Candidate) -> None:
        if family not in best or _better(candidate, best[family]):
            best[family] = candidate

    for mode in SEARCHED_OVERAGE:
        flat = all_hours.cost(mode, prices, pool_capacity)
        total, throttled = flat.total_cost, flat.throttled_units
        # Without pay-as-you-go, the pool alone with overage is the pool alone without it.
        lowest = min_flat if mode == "none" or pool_capacity else 1
        feasible = np.flatnonzero(throttled[lowest:] <= throttle_budget_units + _EPS) + lowest
        considered += len(LEVELS) - lowest
        if len(feasible):
            i = int(feasible[np.lexsort((throttled[feasible], total[feasible]))[0]])
            plan = CapacityPlan(
                provisioned_scu=i,
                overage=mode,
                e5_licences=e5_licences,
                e5_pay_as_you_go=payg,
            )
            family = "E5/E7 pool" if i == 0 else "24x7"
            keep(f"{family}, overage {mode}", _candidate(plan, family, flat, i))

    schedule_windows = list(windows)
    if current_plan is not None and current_plan.schedule is not None:
        s = current_plan.schedule
        schedule_windows.append((s.business_days, s.business_start_hour, s.business_end_hour))
    holidays = current_plan.schedule.holidays if current_plan and current_plan.schedule else ()
    for days, start_hour, end_hour in dict.fromkeys(schedule_windows):
        template = Schedule(
            timezone=series.timezone,
            business_days=days,
            business_start_hour=start_hour,
            business_end_hour=end_hour,
            business_scu=1,
            off_hours_scu=0,
            holidays=holidays,
        )
        mask = template.business_mask(series)
        if mask.all() or not mask.any():
            continue
        business = _part(excess, metered, mask)
        off = _part(excess, metered, ~mask)
        for mode in SEARCHED_OVERAGE:
            b = business.cost(mode, prices, pool_capacity)
            o = off.cost(mode, prices, pool_capacity)
            # Business level >= 1 (a schedule keeps a capacity in business hours); off level >= 1,
            # or >= 0 when deleting the capacity off-hours is allowed.
            total = b.total_cost[1:, None] + o.total_cost[None, min_off:]
            throttled = b.throttled_units[1:, None] + o.throttled_units[None, min_off:]
            considered += total.size
            fits = throttled <= throttle_budget_units + _EPS
            if not fits.any():
                continue
            masked = np.where(fits, total, np.inf)
            flat_order = np.lexsort((throttled.ravel(), masked.ravel()))
            bi, oi = np.unravel_index(int(flat_order[0]), total.shape)
            business_level, off_level = int(bi) + 1, int(oi) + min_off
            if business_level == off_level:
                continue  # the same as a flat level, already considered
            plan = CapacityPlan(
                provisioned_scu=0,
                schedule=template.model_copy(
                    update={"business_scu": business_level, "off_hours_scu": off_level}
                ),
                overage=mode,
                e5_licences=e5_licences,
                e5_pay_as_you_go=payg,
            )
            keep(
                f"schedule {days} {start_hour}-{end_hour}, overage {mode}",
                Candidate(
                    plan=plan,
                    family="schedule",
                    provisioned_cost=float(
                        b.provisioned_cost[business_level] + o.provisioned_cost[off_level]
                    ),
                    overage_cost=float(b.overage_cost[business_level] + o.overage_cost[off_level]),
                    overage_units=float(b.overage_units[business_level] + o.overage_units[off_level]),
                    throttled_units=float(throttled[bi, oi]),
                ),
            )

    baseline = _baseline(series, residual, prices, e5_licences, payg, shared_pool)
    current = _priced(series, current_plan, prices, "current", shared_pool) if current_plan else None
    if not best:
        # Nothing fits the budget (demand beyond 100 SCUs with overage off everywhere cannot
        # happen since unlimited overage never throttles); keep the baseline as a safe answer.
        best["baseline"] = baseline
    ranked = sorted(best.values(), key=_rank_key)
    unlimited = all_hours.cost("unlimited", prices, pool_capacity)
    no_overage = all_hours.cost("none", prices, pool_capacity)
    return OptimizationResult(
        recommended=ranked[0],
        current=current,
        baseline=baseline,
        candidates=ranked,
        level_curve=LevelCurve(
            levels_scu=LEVELS.copy(),
            cost_no_overage=no_overage.provisioned_cost,
            throttled_no_overage=no_overage.throttled_units,
            cost_unlimited_overage=unlimited.total_cost,
        ),
        throttle_budget_units=throttle_budget_units,
        plans_considered=considered,
    )


def _candidate(plan: CapacityPlan, family: str, costs: _LevelCosts, level: int) -> Candidate:
    return Candidate(
        plan=plan,
        family=family,
        provisioned_cost=float(costs.provisioned_cost[level]),
        overage_cost=float(costs.overage_cost[level]),
        overage_units=float(costs.overage_units[level]),
        throttled_units=float(costs.throttled_units[level]),
    )


def _baseline(
    series: HourlySeries,
    residual: FloatArray,
    prices: Prices,
    e5_licences: int,
    payg: bool,
    pool_scu: FloatArray | None,
) -> Candidate:
    """What the Azure calculator would quote: a flat level covering the peak, no overage."""
    level = int(min(MAX_PROVISIONED_SCU, max(1, np.ceil(residual.max() - _EPS))))
    plan = CapacityPlan(provisioned_scu=level, overage="none", e5_licences=e5_licences, e5_pay_as_you_go=payg)
    return _priced(series, plan, prices, "24x7 baseline", pool_scu)


def _priced(
    series: HourlySeries, plan: CapacityPlan, prices: Prices, family: str, pool_scu: FloatArray | None
) -> Candidate:
    totals = bill(series, plan, prices, pool_scu).totals
    return Candidate(
        plan=plan,
        family=family,
        provisioned_cost=totals.provisioned_cost,
        overage_cost=totals.overage_cost,
        overage_units=totals.overage_units,
        throttled_units=totals.throttled_units,
    )


def _rank_key(candidate: Candidate) -> tuple[float, float, int]:
    simplicity = 0 if candidate.plan.schedule is None else 1
    return (round(candidate.total_cost, 6), round(candidate.throttled_units, 9), simplicity)


def _better(a: Candidate, b: Candidate) -> bool:
    return _rank_key(a) < _rank_key(b)
