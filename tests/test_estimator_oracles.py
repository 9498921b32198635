"""Approach 3's objectives (Hoffmann 2022 eq 3 and Besiroglu 2024's Huber likelihood) against
independent computations: the Huber density's normaliser by numerical integration, eq 3 summed
from its own formula (an LSE written here with numpy's logaddexp), bootstrap counts against the
rows they repeat, and the Hessian's condition number against finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from scalinglaws import estimators
from scalinglaws.estimators import _approach3_derivatives as deriv
from scalinglaws.estimators import _approach3_fast as fast
from scalinglaws.estimators import approach3_epoch
from tests.conftest import shared_scope

DELTAS = (1e-3, 0.1, 1.0, 1.345, 3.0)


def _huber(z, delta):
    """Huber's loss written from its definition: quadratic inside delta, linear outside."""
    z = np.abs(z)
    return np.where(z <= delta, 0.5 * z**2, delta * (z - 0.5 * delta))


def _log_normaliser_by_quadrature(delta):
    # exp(-huber) is even; split at delta where the density changes form
    inner = quad(lambda x: np.exp(-_huber(x, delta)), 0.0, delta, epsabs=0, epsrel=1e-13)[0]
    outer = quad(lambda x: np.exp(-_huber(x, delta)), delta, np.inf, epsabs=0, epsrel=1e-13)[0]
    return np.log(2.0 * (inner + outer))


@pytest.mark.parametrize("delta", DELTAS)
def test_huber_density_normaliser_is_its_integral(delta):
    want = _log_normaliser_by_quadrature(delta)
    assert deriv._log_norm_huber(delta) == pytest.approx(want, rel=1e-10, abs=1e-12)
    assert approach3_epoch._log_normaliser(delta) == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.fixture(scope=shared_scope)
def data():
    rng = np.random.default_rng(7)
    N = np.exp(rng.uniform(np.log(1e7), np.log(1e10), 40))
    D = np.exp(rng.uniform(np.log(1e9), np.log(1e11), 40))
    L = (1.7 + 400 / N**0.34 + 410 / D**0.28) * np.exp(rng.normal(0, 0.02, 40))
    return N, D, L


def _residuals(theta, N, D, L):
    a, b, e, alpha, beta = theta[:5]
    lse = np.logaddexp.reduce([a - alpha * np.log(N), b - beta * np.log(D), np.full(N.size, e)])
    return lse - np.log(L)


THETAS = np.array([[6.0, 6.0, 0.5, 0.34, 0.28, -3.0], [5.5, 7.0, 0.3, 0.30, 0.35, -2.0]])


@pytest.mark.parametrize("delta", (1e-3, 0.05))
def test_summed_huber_is_eq_3(data, delta):
    N, D, L = data
    for th in THETAS:
        want = _huber(_residuals(th, N, D, L), delta).sum()
        got = estimators.huber_objective(th[:5], N=N, D=D, L=L, delta=delta)
        assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("delta", (1e-3, 0.05))
def test_huber_likelihood_is_minus_the_log_density(data, delta):
    """Residuals r with density exp(-Huber(r / s)) / (s Z): minus the log-likelihood."""
    N, D, L = data
    for th in THETAS:
        s = np.exp(th[5])
        r = _residuals(th, N, D, L)
        want = _huber(r / s, delta).sum() + r.size * (
            np.log(s) + _log_normaliser_by_quadrature(delta)
        )
        got = estimators.huber_objective(
            th, N=N, D=D, L=L, delta=delta, objective="huber_likelihood"
        )
        assert got == pytest.approx(want, rel=1e-11)


def test_objective_of_several_thetas_is_each_ones(data):
    N, D, L = data
    many = estimators.huber_objective(THETAS[:, :5], N=N, D=D, L=L)
    assert np.shape(many) == (2,)
    for th, value in zip(THETAS, many, strict=True):
        assert value == pytest.approx(estimators.huber_objective(th[:5], N=N, D=D, L=L), rel=1e-13)


@pytest.mark.parametrize("likelihood", (False, True))
def test_bootstrap_counts_weigh_as_repeated_rows(data, likelihood):
    """A resample's multinomial counts give the objective, gradient and Hessian of the data with
    each row repeated that many times (rows drawn 0 times drop out)."""
    N, D, L = data
    counts = np.random.default_rng(3).multinomial(N.size, np.full(N.size, 1 / N.size))
    d, rep = deriv.FitData.make(N, D, L), np.repeat(np.arange(N.size), counts)
    d_rep = deriv.FitData.make(N[rep], D[rep], L[rep])
    width = 6 if likelihood else 5
    th = THETAS[:, :width]
    w = np.tile(counts.astype(float), (2, 1))
    f, g, H = deriv.evaluate(d.to_centred(th), d, 1e-3, w, likelihood, 2)
    f_r, g_r, H_r = deriv.evaluate(d_rep.to_centred(th), d_rep, 1e-3, None, likelihood, 2)
    # the two centre their logs differently: compare in uncentred parameters via the objective
    np.testing.assert_allclose(f, f_r, rtol=1e-11)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(H))
    # BFGS from the same start on both reaches the same optimum (uncentred)
    start = d.to_centred(THETAS[0, :width])
    res = fast._bfgs(start, d, 1e-3, counts.astype(float), likelihood)
    res_r = fast._bfgs(d_rep.to_centred(THETAS[0, :width]), d_rep, 1e-3, None, likelihood)
    np.testing.assert_allclose(
        d.from_centred(res.x), d_rep.from_centred(res_r.x), rtol=1e-4, atol=1e-5
    )
    unweighted = fast._bfgs(start, d, 1e-3, None, likelihood)
    assert np.max(np.abs(d.from_centred(unweighted.x) - d.from_centred(res.x))) > 1e-3


def test_condition_number_matches_a_finite_difference_hessian(data):
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    th = d.to_centred(THETAS[0, :5])
    f = lambda t: float(deriv.evaluate(t[None, :], d, 0.05, None, False, 0)[0])  # noqa: E731
    h, H = 1e-4, np.empty((5, 5))
    for i in range(5):
        for j in range(5):
            ei, ej = np.eye(5)[i] * h, np.eye(5)[j] * h
            H[i, j] = (f(th + ei + ej) - f(th + ei - ej) - f(th - ei + ej) + f(th - ei - ej)) / (
                4 * h * h
            )
    ev = np.abs(np.linalg.eigvalsh(H))
    assert fast._condition(th, d, 0.05) == pytest.approx(ev.max() / ev.min(), rel=1e-3)


def _surface_runs(n=40, seed=5):
    rng = np.random.default_rng(seed)
    N = 10 ** rng.uniform(7, 9.5, n)
    D = 10 ** rng.uniform(9, 11, n)
    return N, D, 1.7 + 400 / N**0.34 + 1500 / D**0.28 + 0.01 * rng.standard_normal(n)


def test_approach3_is_computed_once_per_inputs_and_depends_on_their_values():
    N, D, L = _surface_runs()
    first = fast.approach3(N=N, D=D, L=L)
    assert fast.approach3(N=N.copy(), D=D.copy(), L=L.copy()) is first  # the same values
    moved = fast.approach3(N=N, D=D, L=L * 1.01)
    assert moved is not first and moved.E != first.E
    assert fast.approach3(N=N, D=D, L=L, delta=1e-2) is not first  # an option is part of the key
    with pytest.raises(estimators.FitError, match="at least 6 runs"):
        fast.approach3(N=N[:5], D=D[:5], L=L[:5])
    with pytest.raises(estimators.FitError, match="at least 6 runs"):  # again, from the memo
        fast.approach3(N=N[:5], D=D[:5], L=L[:5])


def test_polish_shares_one_evaluation_per_point_without_changing_a_digit():
    """scipy's trust-exact with the objective, gradient and Hessian each evaluated on its own
    (the oracle) and the polish, which takes all three from one evaluation per point, end at
    the same point bit for bit."""
    from scipy.optimize import minimize

    N, D, L = _surface_runs(seed=9)
    d = deriv.FitData.make(N, D, L)
    th0 = d.to_centred(np.array([6.0, 7.0, 0.5, 0.3, 0.3]))

    def fun(t):
        return float(deriv.evaluate(t[None], d, 1e-3, None, False, 0)[0])

    def jac(t):
        return deriv.evaluate(t[None], d, 1e-3, None, False, 1)[1][0]

    def hess(t):
        return deriv.evaluate(t[None], d, 1e-3, None, False, 2)[2][0]

    opts = {"gtol": 1e-12, "maxiter": 500}
    want = minimize(fun, th0, jac=jac, hess=hess, method="trust-exact", options=opts)
    got = fast.polish(th0, d, 1e-3, None, False, gtol=1e-12)
    assert got.nit == want.nit and np.array_equal(got.x, want.x) and got.fun == want.fun


def _eq2_runs(n=60, noise=0.01, seed=7):
    """Runs of a known eq 2 surface (Hoffmann's printed fit) with seeded multiplicative noise."""
    from scalinglaws.constants import HOFFMANN

    f = HOFFMANN.approach3_rounded
    rng = np.random.default_rng(seed)
    N = 10 ** rng.uniform(7, 9.5, n)
    D = 10 ** rng.uniform(8.5, 11, n)
    L = (f.E + f.A / N**f.alpha + f.B / D**f.beta) * np.exp(noise * rng.standard_normal(n))
    return N, D, L


def test_a_polished_replicate_is_the_batchs_optimum():
    """bootstrap_approach3 with one batch step (so every replicate is polished one by one, the
    path a hard replicate takes) reaches the optimum the converged batch reaches, to 1e-6; the
    full fit it starts from defaults to approach3 on the data, and its estimate is that fit's."""
    N, D, L = _eq2_runs()
    full = estimators.approach3(N=N, D=D, L=L)
    counts = np.random.default_rng(3).multinomial(N.size, np.full(N.size, 1 / N.size), size=6)
    batch = estimators.bootstrap_approach3(
        N=N, D=D, L=L, n_bootstrap=6, counts=counts, full_fit=full
    )
    polished = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=6, counts=counts,
                                              full_fit=full, batch_iters=1)  # fmt: skip
    assert batch.n_failed == polished.n_failed == 0 and polished.replicates.shape == (6, 5)
    # both are optima of the same objective to a Newton decrement of about 1e-14 (the batch's gtol
    # and the polish's): the squared distance in the Hessian's norm, so the parameters agree to
    # about 1e-7 of their scale; 1e-6 is ten times that
    np.testing.assert_allclose(polished.replicates, batch.replicates, rtol=1e-6)
    assert batch.estimate == (full.A, full.B, full.E, full.alpha, full.beta)
    default = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=6, counts=counts)
    np.testing.assert_array_equal(default.replicates, batch.replicates)
    assert default.estimate == batch.estimate and batch.names == ("A", "B", "E", "alpha", "beta")
