"""Vectorised sampling that holds shares exactly: quotas, stratified draws, systematic choice and raking.

A synthetic population is checked against published shares, so it draws by quota rather than by chance
wherever it can: a group's categories are its shares times its size, rounded by largest remainder, dealt in a
random order; a continuous draw puts one row in each of the group's equal strata. Shares then hold to a row
at any size, and a seed fixes every row. Nothing here loops over rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def largest_remainder(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Counts (groups x categories) summing to each group's size, as close to size x share as whole numbers go."""
    sizes = np.asarray(sizes, dtype=np.int64)
    shares = np.asarray(shares, dtype=float)
    shares = shares / shares.sum(axis=1, keepdims=True)
    exact = sizes[:, None] * shares
    counts = np.floor(exact).astype(np.int64)
    short = sizes - counts.sum(axis=1)
    # Stable sort on the remainders, largest first: ties go to the earlier category.
    order = np.argsort(-(exact - counts), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return counts + (rank < short[:, None])


def sorted_by_group(groups: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Row order grouped by ``groups`` (0..G-1), random within a group, and each row's position in its group.

    A random permutation, then a stable sort on the (small integer) groups: a radix sort, linear in the rows.
    """
    shuffled = rng.permutation(len(groups))
    keys = groups[shuffled]
    order = shuffled[np.argsort(keys.astype(np.int16) if keys.size and keys.max() < 2**15 else keys, kind="stable")]
    sizes = np.bincount(groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return order, np.arange(len(groups)) - starts[groups[order]]


def quota(groups: np.ndarray, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A category per row: in each group (0..G-1), the categories of ``shares[group]`` at their largest-remainder counts."""
    groups = np.asarray(groups, dtype=np.int64)
    shares = np.asarray(shares, dtype=float)
    sizes = np.bincount(groups, minlength=len(shares))
    counts = largest_remainder(sizes, shares)
    dealt = np.repeat(np.tile(np.arange(shares.shape[1]), len(shares)), counts.ravel())
    order, _ = sorted_by_group(groups, rng)
    categories = np.empty(len(groups), dtype=np.int64)
    categories[order] = dealt
    return categories


def flags(groups: np.ndarray, probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True for each group's ``probability`` share of its rows, exactly (to a row)."""
    probabilities = np.asarray(probabilities, dtype=float)
    return quota(groups, np.column_stack([1 - probabilities, probabilities]), rng) == 1


def stratified_uniform(groups: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A draw in [0, 1) per row, one in each of its group's equal strata, in random order."""
    groups = np.asarray(groups, dtype=np.int64)
    order, position = sorted_by_group(groups, rng)
    sizes = np.bincount(groups)
    draws = np.empty(len(groups))
    draws[order] = (position + rng.random(len(groups))) / sizes[groups[order]]
    return draws


def systematic_choice(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` indices drawn in proportion to ``weights`` by systematic sampling (each within a row of its expectation)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    points = (np.arange(count) + rng.random()) * (cumulative[-1] / count)
    return np.minimum(np.searchsorted(cumulative, points, side="right"), len(cumulative) - 1)


def rake(base: np.ndarray, margins: Sequence[tuple[np.ndarray, np.ndarray]], iterations: int = 200) -> np.ndarray:
    """Weights near ``base`` whose sums over each margin's groups are its targets (iterative proportional fitting).

    Each margin is ``(labels, targets)``: a group label (0..G-1) per cell and the total wanted for each group.
    """
    weights = np.asarray(base, dtype=float).copy()
    for _ in range(iterations):
        for labels, targets in margins:
            totals = np.bincount(labels, weights=weights, minlength=len(targets))
            factor = np.divide(targets, totals, out=np.zeros(len(targets)), where=totals > 0)
            weights *= factor[labels]
    return weights


def log_uniform(draws: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Values spread evenly in logarithm between ``low`` and ``high``, at quantiles ``draws``."""
    return np.exp(np.log(low) + draws * (np.log(high) - np.log(low)))


_ACKLAM_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_ACKLAM_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01, -1.328068155288572e01)
_ACKLAM_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_ACKLAM_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """The standard normal's inverse distribution at ``p`` in (0, 1) (Acklam's rational approximation, error < 1.2e-9)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-300, 1 - 1e-16)
    a, b, c, d = _ACKLAM_A, _ACKLAM_B, _ACKLAM_C, _ACKLAM_D
    tail = np.minimum(p, 1 - p)
    q = np.sqrt(-2 * np.log(np.maximum(tail, 1e-300)))
    outer = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    outer = np.where(p < 0.5, outer, -outer)
    r = (p - 0.5) ** 2
    inner = (p - 0.5) * (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
    inner /= ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
    return np.where(tail < 0.02425, outer, inner)


def truncated_pareto(draws: np.ndarray, low: float, high: float, shape: float) -> np.ndarray:
    """Pareto values of ``shape`` between ``low`` and ``high``, at quantiles ``draws`` (the inverse distribution)."""
    tail = 1 - (low / high) ** shape
    return low * (1 - draws * tail) ** (-1 / shape)
