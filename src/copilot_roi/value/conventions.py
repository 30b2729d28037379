"""The two finance conventions a CFO compares cases in: monthly (ours) and annual (TEI, textbooks).

Both take the same monthly flows (benefits and recurring costs of months 1..N, each a positive
number) and the one-off costs, and say where each flow falls in time:

* ``monthly`` (the default): month ``m`` at the END of month ``m``, discounted by
  ``(1 + r) ** (m / 12)``; one-off costs fall in month 1 (so they are discounted by a month).
* ``annual`` (Forrester TEI studies, textbook cost-benefit tables): year 0 holds the one-off
  costs, NOT discounted; year ``y`` (1..N/12) holds the sums of its twelve months, at the END of
  the year, discounted by ``(1 + r) ** y``. The horizon must be whole years.

Both report PV of benefits, PV of costs (one-offs included), NPV = PV benefits - PV costs,
ROI on PV = NPV / PV costs (TEI's ROI; the undiscounted net / cost is a different number) and
the discounted payback: the point after which the cumulative discounted net stays >= 0,
interpolated linearly inside the period in which it happens, in years.

Risk adjustment (TEI) is applied to the flows before they reach this module: benefits reduced,
costs raised by a stated share (``risk_adjusted``).

>>> s = summarise("annual", 100.0, np.full(12, 11.0), np.zeros(12), 0.10)
>>> round(s.pv_benefits, 6), s.pv_costs, round(s.npv, 6), round(s.yearly[1].discount_factor, 6)
(120.0, 100.0, 20.0, 0.909091)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from copilot_roi.hourly import FloatArray
from copilot_roi.value.finance import PAYBACK_TOLERANCE, discount_factors

Convention = Literal["monthly", "annual"]
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class YearRow:
    """One year of the annual table; year 0 holds the one-off costs, undiscounted."""

    year: int
    costs: float
    benefits: float
    net: float
    discount_factor: float
    pv_net: float
    cumulative_pv_net: float


@dataclass(frozen=True)
class DiscountedSummary:
    convention: Convention
    pv_benefits: float
    pv_costs: float
    npv: float
    roi_pv: float | None
    discounted_payback_years: float | None
    yearly: tuple[YearRow, ...]
    # The cumulative discounted net reached 0 and fell back below it later (payback is the later point).
    discounted_payback_fell_back: bool = False


def risk_adjusted(
    benefits: FloatArray, costs: FloatArray, benefits_share: float, costs_share: float
) -> tuple[FloatArray, FloatArray]:
    """Benefits reduced by ``benefits_share`` and costs raised by ``costs_share`` (TEI risk).

    >>> b, c = risk_adjusted(np.array([100.0]), np.array([50.0]), 0.1, 0.2)
    >>> float(b[0]), float(c[0])
    (90.0, 60.0)
    """
    if not (0 <= benefits_share <= 0.5 and 0 <= costs_share <= 0.5):
        raise ValueError("risk adjustments are shares between 0 and 0.5")
    return benefits * (1.0 - benefits_share), costs * (1.0 + costs_share)


def whole_years(horizon_months: int) -> int:
    """Years of an annual table; the horizon must be a whole number of years."""
    if horizon_months <= 0 or horizon_months % MONTHS_PER_YEAR:
        raise ValueError(f"the annual convention needs a horizon in whole years, not {horizon_months} months")
    return horizon_months // MONTHS_PER_YEAR


def yearly_sums(monthly: FloatArray) -> FloatArray:
    """Sums of each block of twelve months along the last axis (months 1-12 are year 1).

    >>> yearly_sums(np.arange(24.0)).tolist()
    [66.0, 210.0]
    """
    flows = np.asarray(monthly, dtype=np.float64)
    years = whole_years(flows.shape[-1])
    return np.asarray(flows.reshape(*flows.shape[:-1], years, MONTHS_PER_YEAR).sum(axis=-1))


def annual_discount_factors(annual_rate: FloatArray | float, years: int) -> FloatArray:
    """``1 / (1 + r) ** y`` for y = 1..years (flows at each year's end)."""
    rate = np.asarray(annual_rate, dtype=np.float64)[..., None]
    return np.asarray((1.0 + rate) ** -np.arange(1, years + 1, dtype=np.float64))


def npv_of(
    convention: Convention,
    one_off_costs: FloatArray | float,
    monthly_recurring_net: FloatArray,
    annual_rate: FloatArray | float,
) -> FloatArray:
    """NPV in ``convention``; vectorised over leading axes (one row per Monte Carlo draw).

    ``monthly_recurring_net`` is benefits - recurring costs per month (one-offs apart).

    >>> float(npv_of("annual", 100.0, np.full(12, 11.0), 0.10))  # -100 + 132 / 1.1
    20.0
    """
    # Months first: the sums below then add whole rows, and a (months, variants) array passed
    # as its transpose (the sensitivity's layout) is read in memory order.
    net = np.moveaxis(np.asarray(monthly_recurring_net, dtype=np.float64), -1, 0)
    one_off = np.asarray(one_off_costs, dtype=np.float64)
    rate = np.asarray(annual_rate, dtype=np.float64)
    if convention == "annual":
        years = net.reshape(whole_years(len(net)), MONTHS_PER_YEAR, *net.shape[1:]).sum(axis=1)
        factors = np.moveaxis(annual_discount_factors(rate, len(years)), -1, 0)
        # One rate for many rows (the right-sizer's plans): the factors apply along every row.
        factors = factors.reshape(factors.shape + (1,) * (years.ndim - factors.ndim))
        return np.asarray(np.round((years * factors).sum(axis=0) - one_off, 9))
    # Horner's rule over months with month 1's factor d = (1 + r) ** (-1 / 12): the sum of
    # net_m x d ** m, as discount_factors gives them (equal to within a rounding a month, under
    # 1e-14 relative), with one multiplication per element instead of a power.
    month_factor = np.exp(-np.log1p(rate) / MONTHS_PER_YEAR)
    pv = np.zeros(np.broadcast_shapes(net.shape[1:], rate.shape))
    for month_net in net[::-1]:
        pv += month_net
        pv *= month_factor
    pv -= one_off * month_factor  # one-off costs fall in month 1
    return np.asarray(np.round(pv, 9))


def summarise(
    convention: Convention,
    one_off_costs: float,
    monthly_benefits: FloatArray,
    monthly_recurring_costs: FloatArray,
    annual_rate: float,
) -> DiscountedSummary:
    """PVs, NPV, ROI on PV, discounted payback and (annual) the yearly table of one case."""
    benefits = np.asarray(monthly_benefits, dtype=np.float64)
    costs = np.asarray(monthly_recurring_costs, dtype=np.float64)
    if convention == "annual":
        year_benefits = np.concatenate(([0.0], yearly_sums(benefits)))
        year_costs = np.concatenate(([one_off_costs], yearly_sums(costs)))
        factors = np.concatenate(([1.0], annual_discount_factors(annual_rate, len(year_benefits) - 1)))
    else:
        year_benefits = benefits
        year_costs = costs.copy()
        year_costs[0] += one_off_costs
        factors = discount_factors(annual_rate, len(benefits))
    pv_benefits = float(year_benefits @ factors)
    pv_costs = float(year_costs @ factors)
    pv_net = (year_benefits - year_costs) * factors
    cumulative = np.cumsum(pv_net)
    npv = float(np.round(pv_benefits - pv_costs, 9))
    if convention == "annual":
        # Year 0 sits at t = 0: the cumulative starts at minus the one-off costs.
        payback_years = _crossing(cumulative, period_years=1.0)
    else:
        # Nothing falls at t = 0: the cumulative starts at 0 and month m ends at m / 12.
        payback_years = _crossing(np.concatenate(([0.0], cumulative)), period_years=1 / MONTHS_PER_YEAR)
    yearly = (
        tuple(
            YearRow(
                year=y,
                costs=float(year_costs[y]),
                benefits=float(year_benefits[y]),
                net=float(year_benefits[y] - year_costs[y]),
                discount_factor=float(factors[y]),
                pv_net=float(pv_net[y]),
                cumulative_pv_net=float(cumulative[y]),
            )
            for y in range(len(factors))
        )
        if convention == "annual"
        else ()
    )
    return DiscountedSummary(
        convention=convention,
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        npv=npv,
        roi_pv=npv / pv_costs if pv_costs > 0 else None,
        discounted_payback_years=payback_years,
        yearly=yearly,
        discounted_payback_fell_back=fell_back(cumulative),
    )


def _crossing(cumulative: FloatArray, period_years: float) -> float | None:
    """When the cumulative discounted net reaches 0 for good, in years, interpolated linearly.

    ``cumulative[k]`` is the cumulative at the end of period ``k`` (``k = 0`` at t = 0). The
    period it happens in is the one after the last ``k`` whose cumulative is below 0: the time is
    ``k + (-cumulative[k]) / (pv net of period k + 1)`` periods; 0 when it is never below 0; None
    when the last period ends below 0 (a case that crosses 0 and falls back has not paid back at
    its first crossing, as :func:`copilot_roi.value.finance.payback_month`).

    >>> _crossing(np.array([-100.0, -50.0, 50.0]), 1.0)  # year 0: -100, then +50, then +100
    1.5
    >>> _crossing(np.array([0.0, 10.0]), 1.0), _crossing(np.array([-1.0, -2.0]), 1.0) is None
    (0.0, True)
    >>> _crossing(np.array([-100.0, 50.0, -10.0, 30.0]), 1.0), _crossing(np.array([-1.0, 5.0, -1.0]), 1.0)
    (2.25, None)
    """
    below = np.flatnonzero(np.asarray(cumulative) < -PAYBACK_TOLERANCE)
    if not len(below):
        return 0.0
    k = int(below[-1])
    if k == len(cumulative) - 1:
        return None
    before, after = float(cumulative[k]), float(cumulative[k + 1])
    return (k + -before / (after - before)) * period_years


def fell_back(cumulative: FloatArray) -> bool:
    """True when a cumulative net reaches 0 and later falls below it again (the first crossing
    was not the payback).

    >>> fell_back(np.array([-1.0, 5.0, -1.0])), fell_back(np.array([-1.0, 5.0, 6.0]))
    (True, False)
    """
    flows = np.asarray(cumulative)
    reached = np.flatnonzero(flows >= -PAYBACK_TOLERANCE)
    return bool(len(reached) and (flows[reached[0] :] < -PAYBACK_TOLERANCE).any())
