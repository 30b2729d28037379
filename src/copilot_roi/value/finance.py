"""Finance conventions: adoption ramps, NPV, payback and break-even, as small pure functions.

Sign and timing conventions, used everywhere in the value engine:

* Month ``m`` runs from 1 to the horizon. Every flow of month ``m`` (capacity cost, one-off
  costs, realised value) falls at the END of that month.
* Net flow = realised value - cost (a cost is a positive number, subtracted).
* NPV discounts month ``m`` by ``(1 + annual_rate) ** (m / 12)``: month 12 is discounted by a
  full year, month 1 by one twelfth of it. Nothing falls at t = 0.
"""

from __future__ import annotations

import numpy as np

from copilot_roi.hourly import FloatArray

WEEKS_PER_MONTH = 52 / 12
# A cumulative net within a billionth of zero has reached it (sums of cents carry float noise).
PAYBACK_TOLERANCE = 1e-9


def adoption_curve(
    starting_share: FloatArray | float, months_to_full: FloatArray | float, horizon_months: int
) -> FloatArray:
    """Share of a team using Copilot in each month 1..horizon (last axis), a linear ramp.

    Month 1 is ``starting_share``; the share rises linearly and is 1 from month
    ``months_to_full`` on (``months_to_full <= 1``: everyone from month 1). Array inputs
    broadcast, so one call serves a whole Monte Carlo sample.

    >>> adoption_curve(0.25, 4, 6).tolist()
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    >>> adoption_curve(0.3, 1, 2).tolist()
    [1.0, 1.0]
    """
    start = np.asarray(starting_share, dtype=np.float64)[..., None]
    full = np.asarray(months_to_full, dtype=np.float64)[..., None]
    month = np.arange(1, horizon_months + 1, dtype=np.float64)
    steps = np.maximum(full - 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(steps > 0, (month - 1.0) / steps, 1.0)
    return np.asarray(np.clip(start + (1.0 - start) * np.minimum(progress, 1.0), 0.0, 1.0))


def discount_factors(annual_rate: FloatArray | float, horizon_months: int) -> FloatArray:
    """``1 / (1 + annual_rate) ** (m / 12)`` for m = 1..horizon (flows at the end of each month).

    >>> discount_factors(0.10, 12)[-1].round(6)
    np.float64(0.909091)
    """
    rate = np.asarray(annual_rate, dtype=np.float64)[..., None]
    month = np.arange(1, horizon_months + 1, dtype=np.float64)
    return np.asarray((1.0 + rate) ** (-month / 12.0))


def npv(monthly_net: FloatArray, annual_rate: float) -> float:
    """Net present value of monthly net flows, month ``m`` (1-based) at the end of month ``m``.

    NPV = sum over m of net[m] / (1 + annual_rate) ** (m / 12). This equals numpy-financial's
    ``npv((1 + annual_rate) ** (1 / 12) - 1, [0, *monthly_net])``: numpy-financial puts its first
    value at t = 0, so a leading 0 shifts our month 1 to t = 1.

    >>> npv(np.array([0.0] * 11 + [110.0]), 0.10)
    100.0
    >>> npv(np.array([-100.0, 50.0, 60.0]), 0.0)
    10.0
    """
    flows = np.asarray(monthly_net, dtype=np.float64)
    return float(np.round(flows @ discount_factors(annual_rate, len(flows)), 9))


def payback_month(cumulative_net: FloatArray) -> int | None:
    """The month (1-based) after which the cumulative net stays >= 0, or None if it ends below 0.

    That is the month after the last one whose cumulative net is below zero (month 1 when none
    is). A cumulative net that turns positive and later falls back below zero has not paid back
    at its first crossing: a later cost undid it (:func:`first_crossing_month` keeps that month).

    >>> payback_month(np.array([-30.0, -10.0, 5.0, 20.0]))
    3
    >>> payback_month(np.array([-30.0, 5.0, -5.0, 1.0])), payback_month(np.array([-30.0, 5.0, -5.0]))
    (4, None)
    >>> payback_month(np.array([-30.0, -20.0])) is None
    True
    """
    flows = np.asarray(cumulative_net)
    below = np.flatnonzero(flows < -PAYBACK_TOLERANCE)
    if not len(below):
        return 1 if len(flows) else None
    last_below = int(below[-1]) + 1
    return last_below + 1 if last_below < len(flows) else None


def first_crossing_month(cumulative_net: FloatArray) -> int | None:
    """The first month (1-based) whose cumulative net is >= 0, or None if it never is.

    Equal to :func:`payback_month` unless the cumulative net falls back below zero afterwards.

    >>> first_crossing_month(np.array([-30.0, 5.0, -5.0]))
    2
    """
    reached = np.flatnonzero(np.asarray(cumulative_net) >= -PAYBACK_TOLERANCE)
    return int(reached[0]) + 1 if len(reached) else None


def roi(net_benefit: float, total_cost: float) -> float | None:
    """Return on investment: net benefit / total cost over the horizon (None when nothing is spent).

    >>> roi(50.0, 200.0)
    0.25
    """
    return net_benefit / total_cost if total_cost > 0 else None


def break_even_multiplier(total_cost: float, total_value: float) -> float | None:
    """The factor on realised value at which net benefit is zero: cost / value.

    Realised value is proportional to each role's time-saved share and to the realisation rate,
    while cost does not depend on either, so scaling every time-saved share (or the realisation
    rate) by this factor makes the horizon's net benefit exactly zero. None when there is no value
    to scale.

    >>> break_even_multiplier(3000.0, 6000.0)
    0.5
    """
    if total_value <= 0:
        return None
    factor = total_cost / total_value
    # A vanishing value makes the factor overflow: no finite multiple breaks even then.
    return factor if np.isfinite(factor) else None
