"""The exponent interval of a study's per-budget optima covers the scatter between budgets
(scalinglaws.analysis.study_v2.slope_interval): coverage on synthetic studies with a known slope."""

import numpy as np
import pytest

from scalinglaws.analysis.study_v2 import regression_interval, slope_interval

LEVEL = 0.8
STUDIES = 2000
# binomial rule: a nominal 80% interval over 2,000 studies covers at least 80% minus 3 sds
FLOOR = LEVEL - 3 * np.sqrt(LEVEL * (1 - LEVEL) / STUDIES)


def _coverage(scatter, noise, k=5, R=400, seed=0):
    """Share of synthetic studies whose intervals hold the true slope: k budgets, optima on a line
    of slope 0.5 plus a per-budget offset of sd ``scatter`` (what moves one budget's optimum and no
    other's) plus measurement noise of sd ``noise``; the bootstrap replicates see only the noise."""
    rng = np.random.default_rng(seed)
    logC = np.linspace(11.5, 13.5, k)
    hits = {"cover": 0, "bootstrap": 0, "regression": 0}
    for _ in range(STUDIES):
        truth = 0.5 * logC + scatter * rng.standard_normal(k)
        y = truth + noise * rng.standard_normal(k)
        reps = y + noise * rng.standard_normal((R, k))
        cover, boot, reg = slope_interval(logC, y, reps, LEVEL)
        for name, (lo, hi) in (("cover", cover), ("bootstrap", boot), ("regression", reg)):
            hits[name] += lo <= 0.5 <= hi
    return {k_: v / STUDIES for k_, v in hits.items()}


def test_scatter_beyond_the_noise_is_covered():
    c = _coverage(scatter=0.03, noise=0.005)
    assert c["cover"] >= FLOOR, c
    assert c["bootstrap"] < 0.5, c  # the bootstrap alone does not see the scatter


def test_noise_only_is_still_covered():
    c = _coverage(scatter=0.0, noise=0.01)
    assert c["cover"] >= FLOOR, c


def test_regression_interval_is_the_textbook_t_interval():
    # closed form for 3 points: slope 1 through (0,0), (1,2), (2,2) -> slope 1, RSS 2/3, Sxx 2
    lo, hi = regression_interval(np.array([0.0, 1, 2]), np.array([0.0, 2, 2]), 0.8)
    from scipy.stats import t

    se = np.sqrt((2 / 3) / 1 / 2)
    assert (lo, hi) == pytest.approx((1 - t.ppf(0.9, 1) * se, 1 + t.ppf(0.9, 1) * se), rel=1e-12)
    assert np.isnan(regression_interval(np.array([0.0, 1]), np.array([0.0, 1]), 0.8)).all()


def test_slope_interval_is_its_percentiles_its_t_interval_and_the_wider_of_each_side():
    """slope_interval against its docstring computed here: the bootstrap interval the
    (1 - level)/2 and (1 + level)/2 quantiles of each replicate row's least-squares slope
    (np.polyfit per row), the regression interval the t interval, and the covering interval the
    lower of the two lower ends and the higher of the two upper ends. Replicates shifted so that
    the bootstrap's lower end is the lower and the regression's upper end the higher, then the
    other way; without replicates the bootstrap is nan and the covering interval the regression's."""
    rng = np.random.default_rng(4)
    logC = np.log10([1e17, 3e17, 1e18, 3e18, 1e19])
    y = 0.5 * logC + 0.01 * rng.standard_normal(logC.size)
    for tilt in (-0.015, 0.015):  # about the regression interval's half width
        reps = y + 0.002 * rng.standard_normal((200, logC.size)) + tilt * logC
        cover, boot, reg = slope_interval(logC, y, reps, 0.8)
        slopes = [np.polyfit(logC, row, 1)[0] for row in reps]
        assert boot == pytest.approx(tuple(np.quantile(slopes, [0.1, 0.9])), rel=1e-9)
        assert reg == regression_interval(logC, y, 0.8)
        assert cover == (min(boot[0], reg[0]), max(boot[1], reg[1]))
        assert cover != boot and cover != reg  # each side from a different interval
    cover, boot, reg = slope_interval(logC, y, np.empty((0, logC.size)), 0.8)
    assert np.isnan(boot).all() and cover == reg
