"""PERT draws for the Monte Carlo: a Beta on [low, high] with its mode at the most likely value.

PERT(low, mode, high) is ``low + (high - low) * Beta(alpha, beta)`` with
``alpha = 1 + 4 (mode - low) / (high - low)`` and ``beta = 1 + 4 (high - mode) / (high - low)``,
so both shapes lie in [1, 5] and the mean is ``(low + 4 mode + high) / 6``.

Draws come from the inverse CDF, tabulated at ``QUANTILES + 1`` evenly spaced CDF levels
(once per distinct pair of shapes) and interpolated linearly between them: the cell is the
uniform number times ``QUANTILES``, so a value costs one uniform number and two table reads
instead of two gamma draws (numpy's ``Generator.beta``) or a search. The table maps each
level cell ``[j / Q, (j + 1) / Q]`` onto the quantiles at its ends, so draws land in each cell
exactly as often as under the exact Beta: the sampled CDF is never more than ``1 / Q``
(0.00024) from the table's, about forty times finer than the sampling noise of 10,000 draws
(about 0.01). The quantiles come from the Beta density integrated over ``DENSITY_CELLS`` cells
and inverted by interpolation; their CDF levels are within 1e-5 of the exact ones
(``tests/unit/test_value_pert.py``).

>>> import numpy as np
>>> x = draws(np.random.default_rng(1), np.array([0.0]), np.array([1.0]), np.array([4.0]), 100_000)
>>> round(float(x.mean()), 2)  # (0 + 4 + 4) / 6
1.33
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from copilot_roi.hourly import FloatArray

QUANTILES = 4096
DENSITY_CELLS = 1024


def shapes(low: FloatArray, mode: FloatArray, high: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The Beta shapes (alpha, beta) of PERT(low, mode, high); 3 and 3 where low == high.

    >>> a, b = shapes(np.array([0.0, 2.0]), np.array([1.0, 2.0]), np.array([4.0, 2.0]))
    >>> a.tolist(), b.tolist()
    ([2.0, 3.0], [4.0, 3.0])
    """
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    alpha = np.where(width > 0, 1.0 + 4.0 * (mode - low) / safe, 3.0)
    beta = np.where(width > 0, 1.0 + 4.0 * (high - mode) / safe, 3.0)
    return alpha, beta


def beta_quantiles(alpha: FloatArray, beta: FloatArray, quantiles: int = QUANTILES) -> FloatArray:
    """Quantiles of Beta(alpha, beta) at CDF levels 0, 1/Q, ..., 1: shape ``(inputs, Q + 1)``.

    Shapes must be >= 1 (PERT's are in [1, 5]): the density is then bounded and continuous.
    Equal shape pairs are tabulated once.

    >>> q = beta_quantiles(np.array([1.0, 3.0]), np.array([1.0, 3.0]), quantiles=4)
    >>> q.round(4).tolist()  # uniform; Beta(3, 3) has F(x) = 10 x^3 - 15 x^4 + 6 x^5
    [[0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.3594, 0.5, 0.6406, 1.0]]
    """
    pairs, which = np.unique(np.column_stack([alpha, beta]), axis=0, return_inverse=True)
    return _unit_quantiles(pairs, quantiles)[which.reshape(-1)]


def _unit_quantiles(pairs: FloatArray, quantiles: int = QUANTILES) -> FloatArray:
    """``beta_quantiles`` of each (alpha, beta) row of ``pairs``."""
    a, b = pairs[:, :1] - 1.0, pairs[:, 1:] - 1.0  # the density is x ** a * (1 - x) ** b
    # Cells crowd towards both ends (x = (1 - cos(pi t)) / 2), where a shape near 1 makes the
    # CDF bend sharply (x ** 1.1 at x = 0.001); 1 - x is kept apart to stay exact near 1.
    turn = np.pi * np.linspace(0.0, 1.0, DENSITY_CELLS + 1)
    x, rest = (1.0 - np.cos(turn)) / 2.0, (1.0 + np.cos(turn)) / 2.0
    x[-1], rest[0] = 1.0, 1.0
    with np.errstate(divide="ignore"):
        log_x, log_rest = np.log(x), np.log(rest)
    middle = (x[:-1] + x[1:]) / 2.0
    # A cell's mass: the steep factor integrated exactly (x ** a near 0, (1 - x) ** b near 1),
    # the other taken at the cell's middle.
    left = (np.exp((a + 1.0) * log_x[1:]) - np.exp((a + 1.0) * log_x[:-1])) / (a + 1.0)
    left *= np.exp(b * np.log1p(-middle))
    right = (np.exp((b + 1.0) * log_rest[:-1]) - np.exp((b + 1.0) * log_rest[1:])) / (b + 1.0)
    right *= np.exp(a * np.log(middle))
    cells = np.where(middle < 0.5, left, right)
    cumulative = np.zeros((len(pairs), DENSITY_CELLS + 1))
    np.cumsum(cells, axis=1, out=cumulative[:, 1:])
    cumulative /= cumulative[:, -1:]
    levels = np.linspace(0.0, 1.0, quantiles + 1)
    return np.array([np.interp(levels, cdf, x) for cdf in cumulative])


@dataclass(frozen=True)
class Pert:
    """PERT inputs ready for repeated draws: one quantile table per distinct shape pair (on
    [0, 1]; inputs with the same shapes share it), and each input's low end and width."""

    starts: FloatArray  # (shape pairs x QUANTILES,): pair p's cell j at p x QUANTILES + j
    steps: FloatArray  # the cell's width: the next quantile minus this one
    first_cell: npt.NDArray[np.intp]  # (inputs,): where each input's table starts
    low: FloatArray
    width: FloatArray

    @classmethod
    def of(cls, low: FloatArray, mode: FloatArray, high: FloatArray) -> Pert:
        low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
        alpha, beta = shapes(low, np.asarray(mode, dtype=np.float64), high)
        pairs, which = np.unique(np.column_stack([alpha, beta]), axis=0, return_inverse=True)
        table = _unit_quantiles(pairs)
        return cls(
            starts=np.ascontiguousarray(table[:, :-1]).ravel(),
            steps=np.diff(table, axis=1).ravel(),
            first_cell=which.reshape(-1).astype(np.intp) * QUANTILES,
            low=low,
            width=high - low,
        )

    def draw(self, rng: np.random.Generator, count: int) -> FloatArray:
        """``count`` draws of each input, shape ``(count, inputs)``; one uniform number per value,
        consumed row by row (so draws in blocks of rows equal one call for them all).

        The result is stored input by input (the transpose of a C-ordered ``(inputs, count)``):
        each input's lookups then stay within its own table, and each input is one contiguous
        column for the caller.
        """
        position = np.ascontiguousarray(rng.random((count, len(self.low))).T)
        position *= QUANTILES
        cell = position.astype(np.intp)
        position -= cell  # now the fraction of the way through the cell
        cell += self.first_cell[:, None]
        position *= self.steps.take(cell)
        position += self.starts.take(cell)
        position *= self.width[:, None]
        position += self.low[:, None]
        return position.T


def draws(
    rng: np.random.Generator, low: FloatArray, mode: FloatArray, high: FloatArray, count: int
) -> FloatArray:
    """``count`` PERT draws of each input: shape ``(count, inputs)``; exactly ``low`` where
    low == high. Each value uses one uniform number from ``rng`` (reproducible for a seed)."""
    return Pert.of(low, mode, high).draw(rng, count)
