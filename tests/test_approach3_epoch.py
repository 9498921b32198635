"""Epoch's procedure (scalinglaws.estimators.approach3_epoch): its gradients, a synthetic truth,
and its resamples. The printed digits it reproduces are registry rows (tests/test_reproduction.py)."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from scalinglaws.estimators import approach3_epoch as epoch
from scalinglaws.estimators import legacy_resample_counts


def _synthetic(seed=0, n=120, noise=0.0):
    rng = np.random.default_rng(seed)
    N = 10 ** rng.uniform(7, 10, n)
    D = 10 ** rng.uniform(9, 12, n)
    E, A, B, alpha, beta = 1.8, 400.0, 2000.0, 0.34, 0.37
    L = (E + A / N**alpha + B / D**beta) * np.exp(noise * rng.standard_normal(n))
    return N, D, L, np.array([np.log(A), np.log(B), np.log(E), alpha, beta])


@pytest.mark.parametrize("fun,jac,extra", [
    (epoch.summed_huber, epoch.summed_huber_grad, []),
    (epoch.huber_nll, epoch.huber_nll_grad, [-4.0]),
])  # fmt: skip
def test_gradients_match_finite_differences(fun, jac, extra):
    N, D, L, truth = _synthetic(noise=0.01)
    args = (np.log(N), np.log(D), np.log(L))
    theta = np.append(truth + [0.1, -0.2, 0.05, 0.02, -0.01], extra)
    num = approx_fprime(theta, fun, 1e-7, *args)
    assert np.allclose(jac(theta, *args), num, rtol=1e-4, atol=1e-6 * np.abs(num).max())


def test_bfgs_from_the_tex_values_recovers_a_noiseless_truth():
    N, D, L, truth = _synthetic()
    x = epoch.fit_likelihood(N, D, L)
    # BFGS stops at a gradient of 1e-5 (scipy's default): the fit is close, not exact
    assert np.allclose(x[:5], truth, rtol=0, atol=2e-3), x[:5] - truth


def test_resamples_are_epochs_draws_in_their_order():
    idx = epoch.resample_indices(240, 50, 42)
    counts = legacy_resample_counts(240, 50, 42)
    assert all(
        (np.bincount(row, minlength=240) == c).all() for row, c in zip(idx, counts, strict=True)
    )
    rs = np.random.RandomState(42)  # Epoch: np.random.seed(42); np.random.choice(kept, size=n)
    kept = list(range(3, 243))
    assert (np.asarray(kept)[idx[0]] == rs.choice(kept, size=240, replace=True)).all()


def test_bootstrap_statistics_are_those_of_the_replicates():
    N, D, L, _ = _synthetic(noise=0.02)
    b = epoch.bootstrap(N, D, L, epoch.resample_indices(N.size, 20, 1))
    r = b.replicates
    assert b.se["A"] == pytest.approx(np.std(np.exp(b.log_params[:, 0]), ddof=1), rel=1e-12)
    assert b.interval()["beta"] == pytest.approx(tuple(np.percentile(r[:, 4], [2.5, 97.5])))


def test_the_bootstrap_fits_each_resample_as_epochs_functions_do():
    """The bootstrap shares the terms of the objective and its gradient at each point; each
    replicate equals BFGS on Epoch's two functions called on their own (the oracle), bit for bit."""
    N, D, L, _ = _synthetic(seed=4, n=60, noise=0.02)
    idx = epoch.resample_indices(N.size, 3, seed=1)
    got = epoch.bootstrap(N, D, L, idx).log_params
    for row, i in zip(got, idx, strict=True):
        args = (np.log(N[i]), np.log(D[i]), np.log(L[i]))
        want = epoch._bfgs(epoch.summed_huber, epoch.summed_huber_grad, epoch.tex_start(), args)
        assert np.array_equal(row, want.x)


def test_the_bootstrap_starts_where_it_is_told_and_counts_the_fits_that_report_failure(monkeypatch):
    """Each replicate is BFGS from the given start (not the TeX values) on its resample, bit for
    bit; ``n_not_converged`` counts the replicates whose BFGS reported failure. Which ones fail is
    chosen here (the 1st and 4th of 5, by wrapping the optimiser), since on these data none does."""
    N, D, L, _ = _synthetic(seed=4, n=60, noise=0.02)
    idx = epoch.resample_indices(N.size, 5, seed=1)
    start = epoch.tex_start() + np.array([0.3, -0.3, 0.1, 0.05, -0.05])
    real, calls = epoch._bfgs, []

    def flaky(*args):
        res = real(*args)
        calls.append(args[2])
        if len(calls) in (1, 4):
            res.success = False
        return res

    monkeypatch.setattr(epoch, "_bfgs", flaky)
    got = epoch.bootstrap(N, D, L, idx, start=start)
    assert got.n_not_converged == 2
    assert all(np.array_equal(x0, start) for x0 in calls)
    monkeypatch.setattr(epoch, "_bfgs", real)
    from scipy.optimize import minimize

    for row, i in zip(got.log_params, idx, strict=True):
        args = (np.log(N[i]), np.log(D[i]), np.log(L[i]))
        # scipy's BFGS with Epoch's exact gradient, called here on its own
        want = minimize(epoch.summed_huber, start, args=args, jac=epoch.summed_huber_grad,
                        method="BFGS")  # fmt: skip
        assert np.array_equal(row, want.x)


def test_epochs_huber_and_its_derivative_are_app_d2s_on_both_sides_of_delta():
    """Huber's loss (App. D.2, delta 1e-3): r^2 / 2 up to |r| = delta, included, and
    delta (|r| - delta / 2) beyond; its derivative r, then delta sign(r). Both are continuous at
    delta, which a wrong constant would break."""
    d = 1e-3
    r = np.array([-3e-3, -1e-3, -4e-4, 0.0, 5e-4, 1e-3, 2e-3])
    want = np.where(np.abs(r) <= d, 0.5 * r**2, d * (np.abs(r) - 0.5 * d))
    np.testing.assert_array_equal(epoch._huber(r, d), want)
    assert epoch._huber(np.array([2e-3]), d)[0] == pytest.approx(1e-3 * 1.5e-3, rel=1e-12)
    assert epoch._huber(np.array([d]), d)[0] == 0.5 * d**2  # the quadratic side, at delta
    np.testing.assert_array_equal(epoch._dhuber(r, d), np.where(np.abs(r) <= d, r, d * np.sign(r)))


def test_epochs_likelihood_fit_is_bfgs_from_the_start_given_and_sigma_zero():
    """fit_likelihood: scipy's BFGS of the Huber likelihood with its exact gradient (called here
    on its own), from the given (log A, log B, log E, alpha, beta) and sigma = 0."""
    from scipy.optimize import minimize

    N, D, L, truth = _synthetic(seed=2, n=60, noise=0.02)
    start = truth + np.array([0.2, -0.2, 0.1, 0.03, -0.03])
    got = epoch.fit_likelihood(N, D, L, start=start)
    args = (np.log(N), np.log(D), np.log(L))
    want = minimize(epoch.huber_nll, np.append(start, 0.0), args=args, jac=epoch.huber_nll_grad,
                    method="BFGS")  # fmt: skip
    np.testing.assert_array_equal(got, want.x)
