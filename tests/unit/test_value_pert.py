"""PERT draws from the quantile table: checked against the exact Beta CDF and numpy's own Beta."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_roi.value import pert


def _beta_cdf_whole_shapes(x: float, a: int, b: int) -> float:
    """The exact Beta CDF for whole shapes: P(at least a of a + b - 1 uniforms fall below x)."""
    n = a + b - 1
    return sum(math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))


@pytest.mark.parametrize(("a", "b"), [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1), (1, 1)])
def test_quantile_table_matches_the_exact_cdf(a: int, b: int) -> None:
    table = pert.beta_quantiles(np.array([float(a)]), np.array([float(b)]))[0]
    levels = np.linspace(0.0, 1.0, pert.QUANTILES + 1)
    exact = np.array([_beta_cdf_whole_shapes(float(x), a, b) for x in table])
    assert np.abs(exact - levels).max() < 1e-5  # each cell holds 1 / 4096 of the draws
    assert np.all(np.diff(table) >= 0)


@pytest.mark.parametrize("alpha", [1.0001, 1.13, 1.5, 2.33, 3.7, 4.999])
def test_quantile_table_matches_scipys_cdf_for_fractional_shapes(alpha: float) -> None:
    # Shapes just above 1 bend the CDF sharply at an end (a value near its band's end).
    special = pytest.importorskip("scipy.special")  # installed with the dev tools (formulas)
    table = pert.beta_quantiles(np.array([alpha]), np.array([6.0 - alpha]))[0]
    levels = np.linspace(0.0, 1.0, pert.QUANTILES + 1)
    assert np.abs(special.betainc(alpha, 6.0 - alpha, table) - levels).max() < 1e-5


def test_draws_follow_the_exact_cdf() -> None:
    # PERT(0, 1, 4): alpha 2, beta 4. Kolmogorov distance to the exact CDF within the 99.9 %
    # bound of 200,000 draws (1.95 / sqrt(n)): the table's own error (1 / 4096) is far below.
    draws = 200_000
    x = np.sort(
        pert.draws(np.random.default_rng(7), np.array([0.0]), np.array([1.0]), np.array([4.0]), draws)[:, 0]
    )
    exact = np.array([_beta_cdf_whole_shapes(v, 2, 4) for v in x[::50] / 4.0])
    empirical = (np.arange(draws)[::50] + 1) / draws
    assert np.abs(exact - empirical).max() < 1.95 / math.sqrt(draws)
    assert x[0] >= 0.0 and x[-1] <= 4.0


def test_draws_match_numpys_beta_for_fractional_shapes() -> None:
    # The scenario's bands give fractional shapes (e.g. 2.33 and 3.67): a two-sample Kolmogorov
    # distance against numpy's Generator.beta (two gamma draws), 99.9 % bound 1.95 x sqrt(2 / n).
    low, mode, high = np.array([10.0, 0.05]), np.array([15.0, 0.3]), np.array([40.0, 0.35])
    alpha, beta = pert.shapes(low, mode, high)
    draws = 100_000
    ours = pert.draws(np.random.default_rng(11), low, mode, high, draws)
    reference = low + np.random.default_rng(12).beta(alpha, beta, size=(draws, 2)) * (high - low)
    grid = np.linspace(low, high, 400)
    for i in range(2):
        ours_cdf = np.searchsorted(np.sort(ours[:, i]), grid[:, i], side="right") / draws
        reference_cdf = np.searchsorted(np.sort(reference[:, i]), grid[:, i], side="right") / draws
        assert np.abs(ours_cdf - reference_cdf).max() < 1.95 * math.sqrt(2 / draws)
    # PERT's mean, (low + 4 mode + high) / 6, within four standard errors.
    mean = (low + 4 * mode + high) / 6
    sd = np.sqrt((mean - low) * (high - mean) / 7)
    assert np.all(np.abs(ours.mean(axis=0) - mean) < 4 * sd / math.sqrt(draws))


def test_a_collapsed_band_draws_its_value() -> None:
    x = pert.draws(
        np.random.default_rng(1), np.array([3.0, 0.0]), np.array([3.0, 0.5]), np.array([3.0, 1.0]), 1000
    )
    assert np.all(x[:, 0] == 3.0)
    assert x[:, 1].std() > 0


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    bands=st.lists(
        st.tuples(st.floats(-1e6, 1e6), st.floats(0, 1), st.floats(0, 1e6)), min_size=1, max_size=8
    ),
    split=st.integers(1, 200),
)
def test_draws_stay_in_their_bands_and_blocks_equal_one_call(
    seed: int, bands: list[tuple[float, float, float]], split: int
) -> None:
    low = np.array([b[0] for b in bands])
    high = low + np.array([b[2] for b in bands])
    mode = low + np.array([b[1] for b in bands]) * (high - low)
    sampler = pert.Pert.of(low, mode, high)
    whole = sampler.draw(np.random.default_rng(seed), 200)
    rng = np.random.default_rng(seed)
    blocks = np.vstack([sampler.draw(rng, split), sampler.draw(rng, 200 - split)]) if split < 200 else whole
    assert np.array_equal(whole, blocks)
    tolerance = 1e-9 * np.maximum(np.abs(high), 1.0)
    assert np.all(whole >= low - tolerance) and np.all(whole <= high + tolerance)
