"""Numbers that do not depend on the CPU: fits the data do not pin down are reported as such,
Approach 2's tokens at a vertex do not depend on the order of tied sizes, and the vectorised
Approach 1 bootstrap equals Approach 1 run on each resample (oracles: synthetic truths,
invariances and the one-at-a-time computation)."""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws import estimators
from scalinglaws.analysis import fit_runs
from scalinglaws.datasets import schema
from scalinglaws.estimators.approach2_isoflop import _tokens_at_vertex


def _grid(E, A=400.0, B=1800.0, alpha=0.34, beta=0.28, noise=0.0, seed=0):
    """Runs on an IsoFLOP-like grid with known eq 2 parameters (Hoffmann 2022's, E as given)."""
    rng = np.random.default_rng(seed)
    N = np.repeat(np.geomspace(5e7, 5e9, 12), 5)
    D = np.tile(np.geomspace(1e9, 1e11, 5), 12) * (1 + 0.01 * rng.random(N.size))
    L = E + A / N**alpha + B / D**beta
    return N, D, L * np.exp(noise * rng.standard_normal(N.size))


def test_a_well_posed_fit_is_identifiable():
    N, D, L = _grid(E=1.69, noise=0.003)
    fit = estimators.approach3(N=N, D=D, L=L)
    assert fit.identifiable and fit.not_identifiable == ()
    assert fit.condition < estimators.COND_MAX


def test_a_fit_whose_irreducible_loss_collapses_is_not_identifiable():
    """Data made without an irreducible loss (E = 0, a synthetic truth at the bound): the fit's E
    collapses onto 0, and it says so rather than report E's last digits."""
    N, D, L = _grid(E=0.0)
    fit = estimators.approach3(N=N, D=D, L=L)
    assert not fit.identifiable
    assert any("E at its bound 0" in why for why in fit.not_identifiable)


def test_a_not_identifiable_fit_gets_no_interval():
    N, D, L = _grid(E=0.0)
    runs = schema.validate(
        __import__("pandas").DataFrame(
            {"run": np.arange(N.size).astype(str), "params": N, "tokens": D, "loss": L}
        ),  # fmt: skip
        source="synthetic",
    )
    res = fit_runs.fit(runs, 3, n_bootstrap=20)
    assert res["identifiable"] is False and "bootstrap" not in res
    assert res["not_identifiable"]


def test_flat_directions_do_not_decide_convergence():
    """A zero eigenvalue that rounding makes -1e-17 on one CPU and +1e-17 on another gives the
    same decrement: flat directions are left out; a clearly negative one is not a minimum."""
    from scalinglaws.estimators._approach3_fast import _decrement_from_eigen

    vg = np.array([0.0, 1e-3, 2e-3])
    for tiny in (-1e-17, 0.0, 1e-17):
        assert _decrement_from_eigen(np.array([tiny, 1.0, 4.0]), vg)[0] == pytest.approx(2e-6)
    assert np.isinf(_decrement_from_eigen(np.array([-0.5, 1.0, 4.0]), vg)[0])


def test_tokens_at_the_vertex_do_not_depend_on_the_order_of_tied_sizes():
    """Invariance: permuting a budget's runs cannot move the tokens read off at its vertex."""
    rng = np.random.default_rng(1)
    x = np.repeat(np.log10([1e8, 2e8, 4e8, 8e8]), 3)
    D = 10 ** (11 - x + 0.05 * rng.standard_normal(x.size))
    ref = _tokens_at_vertex(8.45, x, D)
    for _ in range(20):
        p = rng.permutation(x.size)
        assert _tokens_at_vertex(8.45, x[p], D[p]) == ref
    # between two sizes it interpolates their mean log tokens (closed form)
    mean = [np.log10(D[x == v]).mean() for v in np.unique(x)]
    t = (8.45 - np.log10(2e8)) / (np.log10(4e8) - np.log10(2e8))
    assert np.log10(ref) == pytest.approx(mean[1] + t * (mean[2] - mean[1]), rel=1e-12)


def _curves(n_sizes=6, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for N in np.geomspace(1e6, 1e8, n_sizes):
        for horizon in (0.5, 1.0, 2.0):
            C = np.geomspace(1e14, 2e17 * horizon * N / 1e7, 30)
            D = C / (6 * N)
            L = 1.7 + 400 / N**0.34 + 1800 / D**0.28 + 0.002 * rng.standard_normal(C.size)
            out.append((N, C, np.sort(L)[::-1], D))
    return out


def test_vectorised_approach1_bootstrap_equals_approach1_on_each_resample():
    curves = _curves()
    rng = np.random.default_rng(3)
    n = len(curves)
    counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(25)])
    counts[0] = 0
    counts[0, 5] = n  # one curve drawn n times: its own N every point (slope 0)
    lo_hi = (3e14, 3e16)
    reps, failed = estimators.bootstrap_approach1(curves=curves, counts=counts, n_flops=300,
                                                  flops_range=lo_hi)  # fmt: skip
    assert not failed.any()
    for r, w in enumerate(counts):
        picked = [curves[j] for j in np.repeat(np.arange(n), w)]
        one = estimators.approach1(curves=picked, n_flops=300, flops_range=lo_hi)
        want = (one.N_opt.exponent, one.D_opt.exponent, one.N_opt.k, one.D_opt.k)
        np.testing.assert_allclose(reps[r], want, rtol=1e-9, atol=1e-12)
    assert reps[0, 0] == pytest.approx(0.0, abs=1e-12)


def test_an_envelope_of_two_points_is_fitted_and_one_of_a_single_point_fails():
    """bootstrap_approach1 fails a resample whose envelope has fewer than 2 points (its docstring):
    on a 2-value FLOP grid, a resample holding only a curve that stops between the two values
    fails (NaN), while resamples whose envelope reaches both values get approach1's 2-point fit."""
    curves = _curves()
    n = len(curves)
    lo_hi = (3e14, 3e16)
    assert curves[0][1][-1] < lo_hi[1] <= curves[2][1][-1]  # 0 stops between, 2 reaches both
    counts = np.zeros((4, n), dtype=int)
    counts[0] = 1
    counts[1, 2] = n
    counts[2, 0] = n
    counts[3, [0, 16]] = n // 2
    reps, failed = estimators.bootstrap_approach1(curves=curves, counts=counts, n_flops=2,
                                                  flops_range=lo_hi)  # fmt: skip
    assert failed.tolist() == [False, False, True, False]
    assert np.isnan(reps[2]).all()
    for r in (0, 1, 3):
        picked = [curves[j] for j in np.repeat(np.arange(n), counts[r])]
        one = estimators.approach1(curves=picked, n_flops=2, flops_range=lo_hi)
        assert one.flops.size == 2
        want = (one.N_opt.exponent, one.D_opt.exponent, one.N_opt.k, one.D_opt.k)
        np.testing.assert_allclose(reps[r], want, rtol=1e-9, atol=1e-12)
