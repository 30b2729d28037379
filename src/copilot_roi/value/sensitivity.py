"""Sensitivity of NPV: a tornado over each input's band and a vectorised Monte Carlo.

Both evaluate many variants of one scenario at once with numpy (one row per variant). Value is
computed as in ``value.engine``, including its served-share rule (each variant's throttled SCUs
scale that month's value). Capacity cost: within a month demand keeps its hourly shape, so
provisioned cost is fixed and overage and throttled SCUs are piecewise-linear functions of the
month's total, evaluated exactly per month; metering to 0.1 SCU and the E5/E7 pool's time order
are not modelled per variant, but per-month corrections make the unperturbed scenario reproduce
``engine.compute``'s billed cost and throttled SCUs exactly, so only the perturbation is
approximate. Agent lines add two inputs each (SCUs per run, minutes avoided per run); their SCUs
join each variant's demand, and every variant keeps the base scenario's mix of people's and
agents' hourly shapes in each month (``agent_lines.mixed_month_shares``). The engine's ledger
(``value.ledger``: each demand's own served share, each role's monthly cap) enters as a factor
per month, the engine's labour value over this one-share value at the base case: exact there,
kept as a ratio for the variants (so a variant does not move a cap: approximate like the rest).

Monte Carlo inputs are drawn independently from PERT distributions (low, value, high); real
inputs co-move (a team that adopts fast also tends to save more), so the spread is understated
where they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from copilot_roi.hourly import HOURS_PER_BILLING_MONTH, FloatArray, HourlySeries
from copilot_roi.plans import e5_allowance_scu_per_month
from copilot_roi.pricebook import Prices
from copilot_roi.roles import RoleId, role_label
from copilot_roi.value import agent_lines, finance, pert
from copilot_roi.value.conventions import npv_of
from copilot_roi.value.demand import SERIES_START, plan_timezone
from copilot_roi.value.engine import (
    ScenarioResult,
    compute,
    monthly_demand_scu,
    role_adoption,
    scenario_prices,
    served_share,
)
from copilot_roi.value.extra_lines import OtherBenefit, OtherCost, line_matrix, one_offs
from copilot_roi.value.scenario import Scenario

ROLE_FIELDS: tuple[tuple[str, str], ...] = (
    ("headcount", "headcount"),
    ("hours_per_week_on_assisted_tasks", "hours/week on assisted tasks"),
    ("time_saved_share", "time saved"),
    ("loaded_cost_per_hour", "cost/hour"),
    ("adoption_months_to_full", "months to full adoption"),
)
GLOBAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("realisation_rate", "Realisation rate"),
    ("discount_rate_annual", "Discount rate"),
    ("capacity_price_multiplier", "Capacity price (x price book)"),
    ("usage_multiplier", "SCUs per person (x estimate)"),
)
AGENT_FIELDS: tuple[tuple[str, str], ...] = (
    ("scu_per_run", "SCUs per run"),
    ("analyst_minutes_avoided_per_run", "minutes avoided per run"),
)
MONTE_CARLO_DRAWS = 10_000
DRAWS_PER_BLOCK = 2_000  # not a power of two: rows 16 KiB apart share cache sets
# Up to this many affine pieces a month, the capacity excess compares them all (``_Kinks``).
MAX_PIECES_TO_COMPARE = 24


@dataclass(frozen=True)
class Parameter:
    """One uncertain input: its key, a label, its value and its band."""

    key: str
    label: str
    role: RoleId | None
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class TornadoBar:
    key: str
    label: str
    low_input: float
    high_input: float
    npv_at_low: float
    npv_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.npv_at_high - self.npv_at_low)


@dataclass(frozen=True)
class MonteCarlo:
    npv: FloatArray  # one NPV per draw
    p10: float
    p50: float
    p90: float
    share_npv_positive: float
    seed: int

    @property
    def draws(self) -> int:
        return len(self.npv)


@dataclass(frozen=True)
class Sensitivity:
    base_npv: float
    tornado: list[TornadoBar]
    monte_carlo: MonteCarlo


def parameters(scenario: Scenario) -> list[Parameter]:
    """Every uncertain input of ``scenario``: five per role with people, then four global ones."""
    found: list[Parameter] = []
    for role_id in scenario.role_ids():
        role = scenario.roles[role_id]
        label_of_role = role_label(role_id)
        values = {
            "headcount": float(role.headcount),
            "hours_per_week_on_assisted_tasks": role.hours_per_week_on_assisted_tasks,
            "time_saved_share": role.time_saved_share,
            "loaded_cost_per_hour": role.loaded_cost_per_hour,
            "adoption_months_to_full": float(role.adoption.months_to_full),
        }
        for key, label in ROLE_FIELDS:
            band = getattr(role.ranges, key)
            found.append(
                Parameter(
                    f"{role_id}.{key}", f"{label_of_role}: {label}", role_id, values[key],
                    band.low, band.high,
                )
            )  # fmt: skip
    r = scenario.ranges
    globals_ = {
        "realisation_rate": (scenario.realisation_rate, r.realisation_rate),
        "discount_rate_annual": (scenario.discount_rate_annual, r.discount_rate_annual),
        "capacity_price_multiplier": (1.0, r.capacity_price_multiplier),
        "usage_multiplier": (1.0, scenario.capacity.usage_multiplier),
    }
    for key, label in GLOBAL_FIELDS:
        value, band = globals_[key]
        found.append(Parameter(key, label, None, value, band.low, band.high))
    # Agent lines after the globals, two per line, then the other lines (the tornado's order; the
    # evaluator finds each column by its key).
    for i, line in enumerate(scenario.agents):
        for key, label in AGENT_FIELDS:
            band = getattr(line.ranges, key)
            found.append(Parameter(f"agents[{i}].{key}", f"{line.agent}: {label}", None,
                                   getattr(line, key), band.low, band.high))  # fmt: skip
    return found + line_parameters(scenario)


def line_parameters(scenario: Scenario) -> list[Parameter]:
    """One multiplier per other benefit line, then per other cost line (value 1, the line's band)."""
    found: list[Parameter] = []
    groups: tuple[tuple[str, str, Sequence[OtherBenefit | OtherCost]], ...] = (
        ("other_benefits", "Other benefit", scenario.other_benefits),
        ("other_costs", "Other cost", scenario.other_costs),
    )
    for field, label, lines in groups:
        for i, line in enumerate(lines):
            band = line.effective_band()
            found.append(
                Parameter(f"{field}.{i}", f"{label}: {line.name} (x stated)", None, 1.0, band.low, band.high)
            )
    return found


@dataclass(frozen=True)
class _Columns:
    """Where each input sits in a row of the parameter matrix, found by its key, never by position."""

    by_role: dict[str, npt.NDArray[np.intp]]  # ROLE_FIELDS key -> one column per role, in role order
    by_global: dict[str, int]  # GLOBAL_FIELDS key -> its column
    by_agent: dict[str, npt.NDArray[np.intp]]  # AGENT_FIELDS key -> one column per agent line
    benefit_lines: npt.NDArray[np.intp]  # one multiplier column per other benefit line
    cost_lines: npt.NDArray[np.intp]  # one multiplier column per other cost line

    @classmethod
    def of(cls, params: Sequence[Parameter], scenario: Scenario) -> _Columns:
        index = {p.key: i for i, p in enumerate(params)}

        def columns(keys: Sequence[str]) -> npt.NDArray[np.intp]:
            return np.array([index[k] for k in keys], dtype=np.intp)

        roles, n_agents = scenario.role_ids(), len(scenario.agents)
        return cls(
            by_role={key: columns([f"{r}.{key}" for r in roles]) for key, _ in ROLE_FIELDS},
            by_global={key: index[key] for key, _ in GLOBAL_FIELDS},
            by_agent={
                key: columns([f"agents[{i}].{key}" for i in range(n_agents)]) for key, _ in AGENT_FIELDS
            },
            benefit_lines=columns([f"other_benefits.{i}" for i in range(len(scenario.other_benefits))]),
            cost_lines=columns([f"other_costs.{i}" for i in range(len(scenario.other_costs))]),
        )


class _Evaluator:
    """NPV of many variants of one scenario; a variant is one row of the parameter matrix."""

    def __init__(self, scenario: Scenario, prices: Prices, result: ScenarioResult) -> None:
        self.scenario = scenario
        self.prices = prices
        self.params = parameters(scenario)
        self.columns = _Columns.of(self.params, scenario)
        self.roles = scenario.role_ids()
        self.horizon = scenario.horizon_months
        self.one_off = scenario.one_off_costs.total
        self.finance = scenario.finance
        self.benefit_lines = line_matrix(scenario.other_benefits, self.horizon)
        self.cost_lines = line_matrix(scenario.other_costs, self.horizon)
        self.cost_line_one_offs = one_offs(scenario.other_costs)
        self.starting_share = np.array([scenario.roles[r].adoption.starting_share for r in self.roles])
        self.scu_per_person = np.array([scenario.capacity.scu_per_person_month[r] for r in self.roles])
        plan = scenario.capacity.plan
        zone = plan_timezone(plan)
        # Agent lines change a month's hourly shape; variants keep the scenario's own mix.
        self.shares = agent_lines.mixed_month_shares(
            scenario, monthly_demand_scu(scenario, role_adoption(scenario))
        )
        self.agent_runs = np.array([line.runs_per_month for line in scenario.agents], dtype=np.float64)
        # A line taking over nobody's work, or that of a role absent from the case, frees no hours.
        frees = [line.takes_over in scenario.roles for line in scenario.agents]
        self.agent_cost_per_hour = agent_lines.loaded_costs(scenario) * np.array(frees, dtype=np.float64)
        if plan.schedule is None:
            # The same level every hour: no calendar (an hourly series) needed.
            self.provisioned = np.full((self.horizon, HOURS_PER_BILLING_MONTH), float(plan.provisioned_scu))
        else:
            series = HourlySeries(
                pd.Timestamp(SERIES_START, tz=zone),
                np.zeros(self.horizon * HOURS_PER_BILLING_MONTH),
                "730h",
            )
            self.provisioned = plan.provisioned_levels(series).reshape(self.horizon, -1)
        self.allowance = e5_allowance_scu_per_month(
            plan.e5_licences,
            prices.e5_allowance_scu_per_licence_month,
            prices.e5_allowance_cap_scu_month,
        )
        # Overage tops up a capacity (or the E5/E7 default capacity): an hour whose capacity is
        # deleted serves nothing past the pool (pricing.md, section 5).
        overage_cap = plan.overage_caps(self.provisioned)
        self._kinks = [
            _Kinks.build(self.shares, self.provisioned),
            _Kinks.build(self.shares, self.provisioned + overage_cap),
        ]
        billed = np.array([m.capacity_cost for m in result.monthly])
        throttled = np.array([m.throttled_units for m in result.monthly])
        base_demand = np.array([m.demand_units for m in result.monthly])
        # What the approximation leaves out at the base case (metering to 0.1 SCU, and the
        # pool's time order) is added back month by month, so the base case is billed and
        # throttled exactly.
        approx_cost, approx_throttled = self.capacity(base_demand[:, None])
        self.correction = billed - approx_cost[:, 0]
        self.throttled_correction = throttled - approx_throttled[:, 0]
        self.can_throttle = self._kinks[1].any_active or bool(np.any(self.throttled_correction))
        # The engine's ledger (value.ledger: each demand's own served share, each role's cap)
        # differs from one served share for all; variants keep the base case's ratio of the two
        # month by month, so the base case's value is the engine's exactly.
        self.ledger_factor = np.ones(self.horizon)
        approx_value, _ = self._labour_and_capacity(self.base_row()[None, :])
        labour = np.array([m.value for m in result.monthly])
        approx = approx_value[:, 0]
        self.ledger_factor = np.divide(labour, approx, out=np.ones_like(labour), where=approx != 0)

    def base_row(self) -> FloatArray:
        return np.array([p.value for p in self.params])

    def capacity(self, demand: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Capacity cost and throttled SCUs ``(months, variants)`` for demand ``(months, variants)``.

        Within a month, demand keeps the month's hourly shape, so overage (demand between the
        provisioned level and that level plus the overage cap) and throttled SCUs (demand past
        both) are piecewise linear in the month's total: exact up to metering. An E5/E7 pool is
        taken off the month's total.
        """
        prices = self.prices
        served = np.maximum(demand - self.allowance, 0.0) if self.allowance > 0 else demand
        overage = self._kinks[0].excess_by_month(served)
        throttled = self._kinks[1].excess_by_month(served)
        if self._kinks[1].any_active:
            overage -= throttled
        overage *= prices.overage_per_scu
        overage += (self.provisioned.sum(axis=1) * prices.provisioned_per_scu_hour)[:, None]
        return overage, throttled

    def _ramped(self, months: FloatArray, weights: FloatArray) -> FloatArray:
        """``sum over roles of weights x adoption``: ``(sets, months of the horizon, variants)``
        for ``weights`` ``(sets, variants, roles)`` and months to full ``(variants, roles)``.

        Whole months (every Monte Carlo draw, most tornado rows) need no ramp per variant and
        role (``_ramped_whole``); a fractional band end takes the general ramp.
        """
        sets, variants, _ = weights.shape
        whole = np.rint(months)
        integral = np.all(months == whole, axis=1)
        # A ramp of 1 month or less is everyone from month 1: the same lookup row.
        whole = np.maximum(whole, 1.0)
        if integral.all():
            return self._ramped_whole(whole.astype(np.intp), weights)
        out = np.empty((sets, self.horizon, variants))
        if integral.any():
            out[:, :, integral] = self._ramped_whole(whole[integral].astype(np.intp), weights[:, integral])
        adoption = finance.adoption_curve(self.starting_share[None, :], months[~integral], self.horizon)
        out[:, :, ~integral] = np.einsum("snr,nrh->shn", weights[:, ~integral], adoption)
        return out

    def _ramped_whole(self, months: npt.NDArray[np.intp], weights: FloatArray) -> FloatArray:
        """``_ramped`` for whole months to full, without a ramp per variant and role.

        ``finance.adoption_curve`` is linear: a role starting at share s with k months to full
        has 1 - adoption = (1 - s) x max(0, 1 - (m - 1) / (k - 1)) in month m, which is positive
        only while m < k. So with P_k = the weights x (1 - s) of a variant's roles with k months
        (one ``bincount``), the weight not yet adopted in month m is
        ``sum over k > m of P_k - (m - 1) x sum over k > m of P_k / (k - 1)``: two cumulative
        sums over k, and nothing from month ``longest k`` on. (No matrix product: OpenBLAS would
        start its second thread, which on a busy 2-core machine slows everything around it; and
        the sums run month by month over whole rows, as numpy's cumsum along a first axis
        walks column by column.)
        """
        sets, variants, _ = weights.shape
        longest = int(months.max())
        # Flat (k - 1, set, variant) bins of the weights that are not adopted yet.
        bins = (months[None, :, :] - 1) * sets + np.arange(sets)[:, None, None]
        bins *= variants
        bins += np.arange(variants)[None, :, None]
        pending = np.bincount(
            bins.ravel(),
            weights=(weights * (1.0 - self.starting_share)).ravel(),
            minlength=longest * sets * variants,
        ).reshape(longest, sets, variants)
        total = weights.sum(axis=2)
        out = np.empty((self.horizon, sets, variants))
        out[longest - 1 :] = total  # everyone has adopted from month ``longest`` on
        # Months longest - 1 down to 1, each adding the roles whose ramp ends in the next month
        # (k = m + 1) to the running sums over k > m.
        later = np.zeros((sets, variants))
        later_per_step = np.zeros((sets, variants))
        for m in range(longest - 1, 0, -1):
            later += pending[m]
            later_per_step += pending[m] / m  # k - 1 = m
            if m <= self.horizon:
                np.subtract(total, later, out=out[m - 1])
                out[m - 1] += (m - 1) * later_per_step
        return out.transpose(1, 0, 2)

    def _labour_and_capacity(self, rows: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Realised labour value and capacity cost ``(months, variants)`` of each row.

        Monthly arrays are ``(months, variants)``: a month's variants sit together, so the
        capacity excess, the ramps and the discounting each work on whole rows.
        """
        by_role, by_global, by_agent = self.columns.by_role, self.columns.by_global, self.columns.by_agent
        n_roles = len(self.roles)
        headcount = rows[:, by_role["headcount"]]
        hours = rows[:, by_role["hours_per_week_on_assisted_tasks"]]
        share = rows[:, by_role["time_saved_share"]]
        cost_per_hour = rows[:, by_role["loaded_cost_per_hour"]]
        months = rows[:, by_role["adoption_months_to_full"]]
        realisation = rows[:, by_global["realisation_rate"]]
        price = rows[:, by_global["capacity_price_multiplier"]]
        usage = rows[:, by_global["usage_multiplier"]]
        scu_per_run = rows[:, by_agent["scu_per_run"]]
        minutes_per_run = rows[:, by_agent["analyst_minutes_avoided_per_run"]]

        weights = np.empty((2, len(rows), n_roles))
        np.multiply(headcount, self.scu_per_person[None, :], out=weights[0])
        weights[0] *= usage[:, None]
        np.multiply(headcount, hours, out=weights[1])
        weights[1] *= share
        weights[1] *= cost_per_hour
        weights[1] *= (finance.WEEKS_PER_MONTH * realisation)[:, None]
        demand, value = self._ramped(months, weights)
        # Agent lines: the same runs every month, their SCUs and minutes from each variant.
        # (Products by einsum, never @: @ calls OpenBLAS, whose second thread keeps spinning
        # after the call and on a busy 2-core machine halves the speed of the whole process.)
        demand += np.einsum("na,a->n", scu_per_run, self.agent_runs)
        hours_per_run = minutes_per_run / agent_lines.MINUTES_PER_HOUR
        agent_value = np.einsum("na,a->n", hours_per_run, self.agent_runs * self.agent_cost_per_hour)
        value += agent_value * realisation

        cost, throttled = self.capacity(demand)
        if self.can_throttle:
            throttled += self.throttled_correction[:, None]
            np.clip(throttled, 0.0, demand, out=throttled)
            # The engine's rule: a month's value counts only its served share of demand.
            value *= served_share(demand, throttled)
        value *= self.ledger_factor[:, None]
        cost += self.correction[:, None]
        cost *= price
        return value, cost

    def npv(self, rows: FloatArray) -> FloatArray:
        """NPV of each row of ``rows`` (columns in ``self.params`` order, found by key)."""
        value, cost = self._labour_and_capacity(rows)
        by_global = self.columns.by_global
        discount = rows[:, by_global["discount_rate_annual"]]
        benefits, recurring, one_off = value, cost, np.full(len(rows), self.one_off)
        if len(self.benefit_lines):
            benefits += np.einsum("lm,nl->mn", self.benefit_lines, rows[:, self.columns.benefit_lines])
        if len(self.cost_lines):
            cost_x = rows[:, self.columns.cost_lines]
            recurring += np.einsum("lm,nl->mn", self.cost_lines, cost_x)
            one_off = one_off + np.einsum("nl,l->n", cost_x, self.cost_line_one_offs)
        risk = self.finance.risk_adjustment
        if risk.benefits or risk.costs:
            # TEI risk adjustment before discounting, as engine.compute does.
            benefits *= 1.0 - risk.benefits
            recurring *= 1.0 + risk.costs
            one_off = one_off * (1.0 + risk.costs)
        benefits -= recurring
        return npv_of(self.finance.convention, one_off, benefits.T, discount)


@dataclass(frozen=True)
class _Kinks:
    """``excess(D) = sum over hours of max(D * share_h - threshold_h, 0)``, month by month.

    Each hour starts to exceed its threshold when the month's total passes
    ``threshold_h / share_h``. Between two successive kinks the excess is one affine piece
    ``D x (shares of the hours past) - (their thresholds)``, and being a sum of hinges it is
    convex: the largest of its pieces at every D. An hourly shape takes few distinct values
    (the working-hours profile: 7 to 9 kinks a month of 730 hours), so the excess is usually
    the maximum of a handful of pieces, for every month at once; with many distinct kinks,
    a sorted search per month finds each total's piece.
    """

    active: tuple[int, ...]  # finite kinks per month (they come first)
    distinct: tuple[FloatArray, ...]  # per month: its distinct finite kinks, ascending
    # (pieces, months, 1): piece i of a month holds the hours whose kink is below its i-th
    # distinct kink (piece 0 none: zero excess); months with fewer pieces repeat their last.
    slopes: FloatArray
    offsets: FloatArray

    @classmethod
    def build(cls, shares: FloatArray, thresholds: FloatArray) -> _Kinks:
        with np.errstate(divide="ignore", invalid="ignore"):
            kinks = np.where(shares > 0, thresholds / np.where(shares > 0, shares, 1.0), np.inf)
        months = len(kinks)
        if not np.isfinite(kinks).any():
            # No hour can exceed (unlimited overage): nothing to sort.
            none = np.zeros((1, months, 1))
            return cls((0,) * months, (np.zeros(0),) * months, none, none)
        order = np.argsort(kinks, axis=1)
        kinks = np.take_along_axis(kinks, order, axis=1)
        active = np.isfinite(kinks)
        sorted_shares = np.where(active, np.take_along_axis(shares, order, axis=1), 0.0)
        sorted_thresholds = np.where(active, np.take_along_axis(thresholds, order, axis=1), 0.0)
        share_sum = np.cumsum(sorted_shares, axis=1)
        threshold_sum = np.cumsum(sorted_thresholds, axis=1)
        # The last hour of each run of equal kinks closes a piece: its sums are the slope and
        # offset of the piece above that kink. Piece 0 (below every kink) is zero; a month with
        # fewer pieces repeats its last (all its hours), which never changes the maximum.
        closes = active.copy()
        closes[:, :-1] &= kinks[:, 1:] != kinks[:, :-1]
        piece = np.cumsum(closes, axis=1)
        slopes = np.zeros((int(piece[:, -1].max()) + 1, months, 1))
        offsets = np.zeros_like(slopes)
        last = piece[:, -1]
        month_of = np.broadcast_to(np.arange(months)[:, None], closes.shape)
        for sums, out in ((share_sum, slopes), (threshold_sum, offsets)):
            out[1:, :, 0] = sums[:, -1]
            out[piece[closes], month_of[closes], 0] = sums[closes]
            out[0] = 0.0
        distinct = tuple(np.split(kinks[closes], np.cumsum(last)[:-1]))
        return cls(tuple(int(c) for c in active.sum(axis=1)), distinct, slopes, offsets)

    @property
    def any_active(self) -> bool:
        return any(self.active)

    def excess_by_month(self, demand: FloatArray) -> FloatArray:
        """The excess for demand ``(months, variants)``."""
        if not self.any_active:
            return np.zeros_like(demand)  # no hour has a finite threshold: nothing ever exceeds
        if len(self.slopes) <= MAX_PIECES_TO_COMPARE:
            out = np.zeros_like(demand)  # piece 0
            piece = np.empty_like(demand)
            for slope, offset in zip(self.slopes[1:], self.offsets[1:], strict=True):
                np.multiply(demand, slope, out=piece)
                piece -= offset
                np.maximum(out, piece, out=out)
            return out
        out = np.empty_like(demand)
        for month, column in enumerate(demand):
            # The number of distinct kinks below each total is its piece.
            piece_of = np.searchsorted(self.distinct[month], column, side="left")
            np.multiply(column, self.slopes[:, month, 0].take(piece_of), out=out[month])
            out[month] -= self.offsets[:, month, 0].take(piece_of)
        return np.maximum(out, 0.0, out=out)


def analyse(
    scenario: Scenario,
    prices: Prices | None = None,
    result: ScenarioResult | None = None,
    draws: int = MONTE_CARLO_DRAWS,
    seed: int = 20_260_101,
) -> Sensitivity:
    """Tornado (NPV at each input's low and high, others at their values, widest swing first)
    and a Monte Carlo of ``draws`` PERT draws (seeded: the same scenario gives the same answer).

    >>> from copilot_roi.value.scenario import scenario_template
    >>> s = analyse(scenario_template("expected"), draws=2_000)
    >>> s.monte_carlo.p10 <= s.monte_carlo.p50 <= s.monte_carlo.p90
    True
    """
    if draws < 1:
        raise ValueError("the Monte Carlo needs at least one draw")
    prices = prices or scenario_prices(scenario)
    result = result or compute(scenario, prices)
    evaluator = _Evaluator(scenario, prices, result)
    params = evaluator.params
    base = evaluator.base_row()
    lows = np.array([p.low for p in params])
    highs = np.array([p.high for p in params])

    rng = np.random.default_rng(seed)
    sampler = pert.Pert.of(lows, base, highs)
    # Months to full adoption and headcount are whole numbers in a scenario; keep them so.
    whole = np.array([p.key.endswith((".headcount", ".adoption_months_to_full")) for p in params])

    count = len(params)
    tornado_rows = np.repeat(base[None, :], 2 * count + 1, axis=0)
    tornado_rows[np.arange(count), np.arange(count)] = lows
    tornado_rows[count + np.arange(count), np.arange(count)] = highs
    npv_tornado = evaluator.npv(tornado_rows)
    at_low, at_high = npv_tornado[:count], npv_tornado[count : 2 * count]
    base_npv = float(npv_tornado[2 * count])
    # Draws in blocks: each block's arrays stay small (in cache, no fresh pages to map); the
    # uniform stream is consumed row by row, so the blocks do not change the draws.
    mc = np.empty(draws)
    for first in range(0, draws, DRAWS_PER_BLOCK):
        sample = sampler.draw(rng, min(DRAWS_PER_BLOCK, draws - first))
        sample[:, whole] = np.round(sample[:, whole])
        mc[first : first + len(sample)] = evaluator.npv(sample)

    bars = [
        TornadoBar(p.key, p.label, p.low, p.high, float(lo), float(hi))
        for p, lo, hi in zip(params, at_low, at_high, strict=True)
    ]
    bars.sort(key=lambda b: b.swing, reverse=True)
    p10, p50, p90 = (float(v) for v in np.percentile(mc, [10, 50, 90]))
    return Sensitivity(
        base_npv=base_npv,
        tornado=bars,
        monte_carlo=MonteCarlo(
            npv=mc,
            p10=p10,
            p50=p50,
            p90=p90,
            share_npv_positive=float((mc > 0).mean()),
            seed=seed,
        ),
    )
