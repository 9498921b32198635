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
from scalinglaws.constants import HOFFMANN
from scalinglaws.estimators import _approach3_derivatives as deriv
from scalinglaws.estimators import _approach3_fast as fast
from scalinglaws.estimators import approach3_epoch
from scalinglaws.estimators import approach3_paper as paper
from scalinglaws.estimators.inputs import FitError
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


def _six_runs(scale=1.0):
    N = np.array([1e8, 2e8, 4e8, 1e9, 2e9, 4e9])
    D = np.array([1e10, 3e9, 1e9, 3e10, 1e10, 3e9])
    return N, D, scale * (1.7 + 400 / N**0.34 + 410 / D**0.28)


def test_the_reference_fit_is_l_bfgs_b_from_each_start_keeping_the_lowest_end():
    """App. D.2 as the docstring states it: L-BFGS-B with the exact gradient from every start
    (scipy called here on its own, with the tolerances the docstring names), the end point of the
    lowest objective kept, with its start and the number of starts; the parameters exp(a),
    exp(b), exp(e) of the log-parametrised optimum."""
    from scipy.optimize import minimize

    from scalinglaws.estimators import approach3_paper as paper

    rng = np.random.default_rng(8)
    N, D, L = _six_runs()
    N, D = np.r_[N, N * 1.5], np.r_[D, D / 1.5]
    L = (1.7 + 400 / N**0.34 + 410 / D**0.28) * np.exp(0.01 * rng.standard_normal(N.size))
    starts = paper.hoffmann_grid()[[7, 1500, 3333, 4499]]
    fit = paper.approach3_reference(N=N, D=D, L=L, starts=starts)
    ends = [minimize(paper.objective_and_gradient, s, args=(N, D, L, 1e-3), jac=True,
                     method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000})
            for s in starts]  # fmt: skip
    i = int(np.argmin([e.fun for e in ends]))
    assert fit.theta == tuple(ends[i].x) and fit.value == ends[i].fun
    assert (fit.start, fit.n_starts) == (tuple(starts[i]), 4)
    assert (fit.A, fit.B, fit.E) == tuple(np.exp(ends[i].x[:3]))
    assert (fit.alpha, fit.beta) == tuple(ends[i].x[3:])
    assert fit.as_dict() == {
        "A": fit.A,
        "B": fit.B,
        "E": fit.E,
        "alpha": fit.alpha,
        "beta": fit.beta,
    }


@pytest.mark.badinput
def test_the_reference_fit_checks_its_runs_and_says_when_no_start_ends_finite():
    """Six runs are enough for eq 2's five parameters and five are not; a zero size, token count
    or loss is refused, a loss below 1 nat is not (eq 2 on losses scaled by 0.3: E = 0.51 found);
    a start at which the objective is not a number ends nowhere."""
    from scalinglaws.estimators import approach3_paper as paper

    N, D, L = _six_runs()
    start = [[5.0, 5.0, 0.0, 0.5, 0.5]]
    assert paper.approach3_reference(N=N, D=D, L=L, starts=start).n_starts == 1
    with pytest.raises(
        ValueError, match=r"1-d arrays of one length >= 6, got \(\(5,\), \(5,\), \(5,\)\)"
    ):
        paper.approach3_reference(N=N[:5], D=D[:5], L=L[:5], starts=start)
    for k in range(3):
        bad = [N.copy(), D.copy(), L.copy()]
        bad[k][2] = 0.0
        with pytest.raises(ValueError, match=r"^N, D and L must be > 0$"):
            paper.approach3_reference(N=bad[0], D=bad[1], L=bad[2], starts=start)
    fit = paper.approach3_reference(N=N, D=D, L=0.3 * L, starts=start)
    assert fit.E == pytest.approx(0.3 * 1.7, rel=1e-6)
    with pytest.raises(
        RuntimeError, match="^Approach 3 reference: no start reached a finite objective$"
    ):
        paper.approach3_reference(N=N, D=D, L=L, starts=[[np.nan] * 5])


@pytest.mark.parametrize("budgets", [(1e18, 1e19, 1e20), (1e18, 1e19)], ids=["3", "2"])
def test_approach2s_bootstrap_interval_is_its_percentiles_over_resampled_runs(budgets):
    """approach2(n_bootstrap=R): each replicate is Approach 2 on the runs drawn (a weighted
    parabola with integer weights is the parabola through the runs repeated, as refitted here,
    tokens given and interpolated at each vertex; a budget needs min_points distinct runs among
    those drawn); the intervals are the (1 - level)/2 and
    (1 + level)/2 percentiles over the replicates with 2 or more budgets, for N_opt's and D_opt's
    exponent and prefactor alike. Two budgets are enough for a replicate."""
    rng = np.random.default_rng(6)
    N, C = [], []
    for c in budgets:
        for n in np.logspace(-1, 1, 11) * 0.1 * np.sqrt(c):
            N.append(n)
            C.append(c)
    N, C = np.array(N), np.array(C)
    D = C / (6.5 * N)  # tokens of a FLOP count other than 6ND
    L = (1.7 + 400 / N**0.34 + 410 / D**0.28) * np.exp(0.005 * rng.standard_normal(N.size))
    kw = {"budgets": budgets, "min_points": 5}
    res = estimators.approach2(N=N, D=D, C=C, L=L, n_bootstrap=40, rng=np.random.default_rng(3),
                               level=0.7, **kw)  # fmt: skip
    # the runs drawn with replacement: counts of each, as a multinomial over equal shares
    W = np.random.default_rng(3).multinomial(N.size, np.full(N.size, 1 / N.size), size=40)
    reps = []
    for w in W:
        # a budget needs min_points distinct runs among those drawn (a run drawn twice is one)
        w = w * np.isin(C, [c for c in budgets if np.sum((C == c) & (w > 0)) >= 5])
        try:
            r = estimators.approach2(N=np.repeat(N, w), D=np.repeat(D, w), C=np.repeat(C, w),
                                     L=np.repeat(L, w), **kw)  # fmt: skip
        except estimators.FitError:
            continue
        reps.append((r.N_opt.exponent, r.N_opt.k, r.D_opt.exponent, r.D_opt.k))
    lo, hi = np.percentile(reps, [15, 85], axis=0)
    assert len(reps) >= 30
    assert res.N_opt.exponent_interval == pytest.approx((lo[0], hi[0]), rel=1e-9)
    assert res.N_opt.k_interval == pytest.approx((lo[1], hi[1]), rel=1e-9)
    assert res.D_opt.exponent_interval == pytest.approx((lo[2], hi[2]), rel=1e-9)
    assert res.D_opt.k_interval == pytest.approx((lo[3], hi[3]), rel=1e-9)
    assert (res.N_opt.n_points, res.D_opt.n_points, res.tol_log10) == (len(budgets),) * 2 + (0.06,)


def test_isoflop_groups_by_default_cluster_within_0_06_decades_and_name_bad_budgets():
    """Without a tolerance given, runs 0.05 decades apart share a budget and runs 0.07 apart do
    not (Chinchilla's grouping of IsoFLOP runs, 0.06 decades, the documented default); nominal
    budgets come back as given; a tolerance outside (0, 1] and a budget that is not positive are
    refused, each by name."""
    C = 10 ** np.array([18.0, 18.05, 18.12, 19.0])
    labels, centres = estimators.isoflop_groups(C=C)
    assert labels.tolist() == [0, 0, 1, 2]
    np.testing.assert_allclose(np.log10(centres), [18.025, 18.12, 19.0], rtol=1e-12)
    labels, budgets = estimators.isoflop_groups(C=C, budgets=[1e18, 1e19])
    assert labels.tolist() == [0, 0, -1, 1] and budgets.tolist() == [1e18, 1e19]
    with pytest.raises(ValueError, match=r"^tol_log10 must be in \(0, 1\], got 1.5$"):
        estimators.isoflop_groups(C=C, tol_log10=1.5)
    with pytest.raises(ValueError, match=r"^budgets must be > 0 everywhere, got min -1$"):
        estimators.isoflop_groups(C=C, budgets=[1e18, -1.0])
    with pytest.raises(ValueError, match=r"^C \(flops\) must be > 0 everywhere, got min 0$"):
        estimators.isoflop_groups(C=np.append(C, 0.0))
    # the tolerance's upper end is allowed: at 1 decade, 18.0-19.0 is one chain of neighbours
    assert estimators.isoflop_groups(C=C, tol_log10=1.0)[0].tolist() == [0, 0, 0, 0]


def test_a_bootstrap_results_interval_is_its_replicates_percentiles_at_the_level_asked():
    """BootstrapResult.interval: the (1 - level)/2 and (1 + level)/2 percentiles of each column,
    at its own level by default and at the level passed otherwise."""
    from scalinglaws.estimators.bootstrap import BootstrapResult

    reps = np.random.default_rng(2).standard_normal((101, 2))
    r = BootstrapResult(("x", "y"), reps, (0.0, 0.0), 0, 0.8)
    for level, (lo, hi) in ((None, (10, 90)), (0.5, (25, 75))):
        got = r.interval(level)
        for j, k in enumerate("xy"):
            assert got[k] == pytest.approx(tuple(np.percentile(reps[:, j], [lo, hi])), rel=1e-12)


def test_the_objective_at_one_point_is_a_number_and_at_several_an_array():
    """huber_objective: the summed Huber of eq 2's log residuals (written out here with the
    Huber of App. D.2) at one parameter vector as a Python float, at a stack of them an array."""
    N, D, L = (np.array(v) for v in ([1e8, 1e9, 1e10], [1e10, 1e11, 1e9], [3.0, 2.5, 2.9]))
    theta = np.array([6.0, 6.5, 0.5, 0.34, 0.28])
    pred = np.exp(theta[2]) + np.exp(theta[0]) / N ** theta[3] + np.exp(theta[1]) / D ** theta[4]
    r = np.abs(np.log(pred) - np.log(L))
    want = np.sum(np.where(r <= 1e-3, 0.5 * r**2, 1e-3 * (r - 0.5 * 1e-3)))
    one = deriv.huber_objective(theta, N=N, D=D, L=L)
    assert isinstance(one, float) and one == pytest.approx(want, rel=1e-12)
    two = deriv.huber_objective(np.stack([theta, theta]), N=N, D=D, L=L)
    assert isinstance(two, np.ndarray) and two == pytest.approx([want, want], rel=1e-12)


# Points where evaluate's derivatives are checked: the two THETAS and one near the data's own optimum,
# whose residuals are about 2%; its scale exp(sigma) = 0.02 / delta puts the scaled residuals on
# both sides of delta, so both of Huber's pieces carry weight in each check.
_FD_STEP = 1e-6


def _fd_points(d, width, delta):
    near = np.array([np.log(400), np.log(410), np.log(1.7), 0.34, 0.28, np.log(0.02 / delta)])
    return d.to_centred(np.vstack([THETAS, near])[:, :width])


def _central_difference(fun, th, h):
    """Central differences of fun (one row of parameters -> array) along each coordinate."""
    cols = [(fun(th + h * e) - fun(th - h * e)) / (2 * h) for e in np.eye(th.size)]
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("likelihood", (False, True), ids=("huber", "likelihood"))
@pytest.mark.parametrize("weighted", (False, True), ids=("ones", "counts"))
@pytest.mark.parametrize("delta", (1e-3, 0.05))
def test_gradient_and_hessian_are_the_objectives_central_differences(
    data, likelihood, weighted, delta
):
    """evaluate's analytic gradient against central differences of its objective (itself checked
    against eq 3 and the Huber density above), and its Hessian against central differences of the
    gradient, at each of three points, for both objectives, with and without bootstrap counts.
    Rule: a step h = 1e-6 leaves a truncation error ~h^2 and a rounding error ~1e-16 |f| / h; both
    are far below 1e-6 of the largest entry, the tolerance. No scaled residual lies within a step's
    reach of Huber's kink (checked), so the steps never cross it."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    width = 6 if likelihood else 5
    ths = _fd_points(d, width, delta)
    counts = np.random.default_rng(11).multinomial(N.size, np.full(N.size, 1 / N.size))
    w = np.tile(counts.astype(float), (len(ths), 1)) if weighted else None
    f, g, H = deriv.evaluate(ths, d, delta, w, likelihood, 2)
    f1, g1 = deriv.evaluate(ths, d, delta, w, likelihood, 1)
    np.testing.assert_array_equal(f1, f)
    np.testing.assert_array_equal(g1, g)
    np.testing.assert_array_equal(deriv.evaluate(ths, d, delta, w, likelihood, 0), f)
    r = deriv.terms(ths, d)[0]
    s = np.exp(ths[:, 5:6]) if likelihood else np.ones((len(ths), 1))
    z = r / s
    # a step moves each z by at most h (1 + max|x| + max|y|) / s + h |z| (the last along sigma)
    reach = _FD_STEP * ((1 + np.abs(d.x).max() + np.abs(d.y).max()) / s + np.abs(z))
    assert np.all(np.abs(np.abs(z) - delta) > reach)
    assert np.any(np.abs(z) < delta) and np.any(np.abs(z) > delta)
    for k, th in enumerate(ths):
        wk = None if w is None else w[k : k + 1]

        def fun(t, order, wk=wk):
            return deriv.evaluate(t[None], d, delta, wk, likelihood, order)

        g_fd = _central_difference(lambda t, fun=fun: fun(t, 0)[0], th, _FD_STEP)
        H_fd = _central_difference(lambda t, fun=fun: fun(t, 1)[1][0], th, _FD_STEP)
        np.testing.assert_allclose(g[k], g_fd, rtol=0, atol=1e-6 * np.abs(g[k]).max())
        np.testing.assert_allclose(H[k], H_fd, rtol=0, atol=1e-6 * np.abs(H[k]).max())
        np.testing.assert_array_equal(H[k], H[k].T)


@pytest.mark.parametrize("likelihood", (False, True), ids=("huber", "likelihood"))
def test_evaluating_in_blocks_of_rows_is_evaluating_each_row(data, likelihood):
    """evaluate_blocks splits a batch larger than its block size into blocks (the last one partial)
    and joins the results: each row's objective, gradient and Hessian are the row's own."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    width = 6 if likelihood else 5
    rng = np.random.default_rng(5)
    K = 2 * deriv._CHUNK + 37
    ths = d.to_centred(THETAS[0, :width]) + 0.05 * rng.standard_normal((K, width))
    w = rng.multinomial(N.size, np.full(N.size, 1 / N.size), size=K).astype(float)
    for weights in (None, w):
        f0 = deriv.evaluate_blocks(ths, d, 0.05, weights, likelihood, 0)
        f, g, H = deriv.evaluate_blocks(ths, d, 0.05, weights, likelihood, 2)
        assert f0.shape == (K,) and g.shape == (K, width) and H.shape == (K, width, width)
        for k in (0, deriv._CHUNK - 1, deriv._CHUNK, 2 * deriv._CHUNK + 5, K - 1):
            wk = None if weights is None else weights[k : k + 1]
            fk, gk, Hk = deriv.evaluate(ths[k : k + 1], d, 0.05, wk, likelihood, 2)
            np.testing.assert_allclose(f0[k], fk[0], rtol=1e-13)
            np.testing.assert_allclose(f[k], fk[0], rtol=1e-13)
            np.testing.assert_allclose(g[k], gk[0], rtol=1e-12, atol=1e-12 * np.abs(gk).max())
            np.testing.assert_allclose(H[k], Hk[0], rtol=1e-12, atol=1e-12 * np.abs(Hk).max())


def test_the_log_sum_exp_stays_finite_where_one_term_would_overflow(data):
    """terms shifts the three exponents before exponentiating: with a = 800 (e^800 overflows a
    float64) the log residual is still numpy's logaddexp of the three terms less log L, and the
    softmax weights are each term's share, summing to one."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    for th in (np.array([800.0, 6.0, 0.5, 0.34, 0.28]), np.array([-5.0, 790.0, 700.0, 0.3, 0.2])):
        r, (w1, w2, w3) = deriv.terms(d.to_centred(th)[None], d)
        u = np.array([th[0] - th[3] * np.log(N), th[1] - th[4] * np.log(D), np.full(N.size, th[2])])
        np.testing.assert_allclose(r[0], np.logaddexp.reduce(u) - np.log(L), rtol=1e-13)
        shares = np.exp(u - np.logaddexp.reduce(u))
        for got, want in zip((w1[0], w2[0], np.broadcast_to(w3[0], N.shape)), shares, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_centring_moves_the_amplitudes_by_the_exponents_times_the_mean_logs(data):
    """to_centred maps (a, b, e, alpha, beta) to (a - alpha mN, b - beta mD, e, alpha, beta) with mN,
    mD the mean log N and log D, and from_centred maps back; astype changes the float type of the
    data and nothing else."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    assert (d.mN, d.mD) == pytest.approx((np.log(N).mean(), np.log(D).mean()), rel=1e-15)
    th = THETAS[:, :5]
    c = d.to_centred(th)
    want = th.copy()
    want[:, 0] -= th[:, 3] * np.log(N).mean()
    want[:, 1] -= th[:, 4] * np.log(D).mean()
    np.testing.assert_allclose(c, want, rtol=1e-14)
    np.testing.assert_allclose(d.from_centred(c), th, rtol=1e-14)
    np.testing.assert_array_equal(th, THETAS[:, :5])  # neither changes its argument
    np.testing.assert_array_equal(d.from_centred(THETAS)[:, 5], THETAS[:, 5])
    s = d.astype(np.float32)
    assert (s.mN, s.mD) == (d.mN, d.mD)
    for name in ("x", "y", "t", "Bx", "By"):
        got, ref = getattr(s, name), getattr(d, name)
        assert got.dtype == np.float32 and got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-7, atol=1e-7 * np.abs(ref).max())
    np.testing.assert_allclose(d.Bx, np.column_stack([np.ones(N.size), d.x, d.x**2]), rtol=1e-15)
    np.testing.assert_allclose(d.By, np.column_stack([np.ones(N.size), d.y, d.y**2]), rtol=1e-15)
    np.testing.assert_allclose(d.x, np.log(N) - d.mN, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(d.t, np.log(L), rtol=1e-15)


def _damped_newton_step(th, d, delta, weights, likelihood, lam):
    """One Levenberg-Marquardt step written from its definition: the Hessian with its eigenvalues
    made positive (|lambda_i|), plus lam times its largest |eigenvalue| on the diagonal."""
    w = None if weights is None else weights[None]
    _, g, H = deriv.evaluate(th[None], d, delta, w, likelihood, 2)
    ev, V = np.linalg.eigh(H[0])
    tr = np.abs(ev).max()
    M = V @ np.diag(np.abs(ev) + lam * tr) @ V.T
    return th - np.linalg.solve(M, g[0])


@pytest.mark.parametrize(
    "point, delta, taken, convex",
    [
        (0, 0.05, True, False),
        (2, 0.05, True, True),
        (2, 1e-3, False, True),
        (1, 0.05, False, False),
    ],
    ids=("indefinite-taken", "convex-taken", "convex-refused", "indefinite-refused"),
)
def test_one_iteration_takes_the_damped_newton_step_only_if_it_lowers_the_objective(
    data, point, delta, taken, convex
):
    """lm_batch's step is the Hessian's inverse (eigenvalues made positive, damped by lam times the
    largest) applied to the gradient. A step that lowers the objective is taken and the damping
    shrinks five-fold; one that does not is refused (theta stays) and the damping grows eight-fold.
    The four cases cover a convex and an indefinite Hessian, each with a step taken and refused."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    th = _fd_points(d, 5, delta)[point]
    _, _, H = deriv.evaluate(th[None], d, delta, None, False, 2)
    assert (np.linalg.eigvalsh(H[0]).min() > 0) == convex
    f0 = deriv.evaluate(th[None], d, delta, None, False, 0)[0]
    want = _damped_newton_step(th, d, delta, None, False, 1e-3)
    f_want = deriv.evaluate(want[None], d, delta, None, False, 0)[0]
    assert (f_want <= f0) == taken
    th1, f1, g1, lam1, conv = fast.lm_batch(th[None], d, delta, None, False, iters=1)
    np.testing.assert_allclose(th1[0], want if taken else th, rtol=1e-9, atol=1e-12)
    assert f1[0] == pytest.approx(f_want if taken else f0, rel=1e-12)
    np.testing.assert_allclose(g1[0], deriv.evaluate(th[None], d, delta, None, False, 1)[1][0])
    assert lam1[0] == pytest.approx(1e-3 / 5 if taken else 1e-3 * 8, rel=1e-12)
    assert not conv[0]
    # no iterations: nothing moves, no objective is known, no member has converged
    th0, f0_, _, lam0, conv0 = fast.lm_batch(th[None], d, delta, None, False, iters=0)
    np.testing.assert_array_equal(th0, th[None])
    assert np.isinf(f0_[0]) and lam0[0] == 1e-3 and not conv0[0]


@pytest.mark.parametrize("likelihood", (False, True), ids=("huber", "likelihood"))
def test_a_batch_iterates_each_member_as_if_it_were_alone(data, likelihood):
    """Members of a batch (bootstrap replicates with their own counts, or starts) keep their own
    damping and steps: five iterations of a batch of six give each member what five iterations of
    that member alone give."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    width = 6 if likelihood else 5
    rng = np.random.default_rng(9)
    ths = _fd_points(d, width, 0.05)[2] + 0.2 * rng.standard_normal((6, width))
    w = rng.multinomial(N.size, np.full(N.size, 1 / N.size), size=6).astype(float)
    lam = np.array([1e-3, 1e-2, 1e-1, 1.0, 1e-4, 3e-3])
    out = fast.lm_batch(ths, d, 0.05, w, likelihood, iters=5, lam=lam)
    assert not np.allclose(out[0], ths)
    for k in range(6):
        one = fast.lm_batch(
            ths[k : k + 1], d, 0.05, w[k : k + 1], likelihood, iters=5, lam=lam[k : k + 1]
        )
        for got, want in zip(out[:4], one[:4], strict=True):
            np.testing.assert_allclose(got[k], want[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(lam, [1e-3, 1e-2, 1e-1, 1.0, 1e-4, 3e-3])  # not changed in place


def test_with_gtol_a_member_stops_once_its_newton_decrement_is_small(data):
    """With gtol > 0 a member whose Hessian is positive definite and whose Newton decrement
    g^T H^-1 g is at most gtol * max(1, |f|) is marked converged and iterated no further."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    start = _fd_points(d, 5, 0.05)[[0, 2]]
    th, f, _, _, conv = fast.lm_batch(start, d, 0.05, None, False, iters=100, gtol=1e-12)
    assert conv.all()
    for k in range(2):
        dec, _ = fast.newton_decrement(th[k], d, 0.05, None, False)
        assert dec <= 1e-12 * max(1.0, abs(f[k]))
        assert f[k] == pytest.approx(deriv.evaluate(th[k : k + 1], d, 0.05, None, False, 0)[0])
    # from a converged point nothing moves; without gtol the same iterations never say converged
    again = fast.lm_batch(th, d, 0.05, None, False, iters=3, gtol=1e-12)
    np.testing.assert_array_equal(again[0], th)
    assert again[4].all()
    assert not fast.lm_batch(start, d, 0.05, None, False, iters=100)[4].any()
    # one iteration from the far start is not enough
    assert not fast.lm_batch(start[:1], d, 0.05, None, False, iters=1, gtol=1e-12)[4][0]


@pytest.mark.parametrize("likelihood", (False, True), ids=("huber", "likelihood"))
def test_the_stopping_rule_scales_gtol_by_the_objective_above_one(data, likelihood):
    """The gtol stop is decrement <= gtol * max(1, |f|): at a point with a positive definite
    Hessian, gtol just above decrement / max(1, |f|) stops the member before any step, gtol just
    below does not. The likelihood's |f| is far above 1 here, the summed Huber's below 1."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    width = 6 if likelihood else 5
    start = _fd_points(d, width, 0.05)[2:]
    th = fast._bfgs(start[0], d, 0.05, None, likelihood).x[None]
    th = th + 1e-6  # off the optimum, where the decrement is well above rounding
    f = float(deriv.evaluate(th, d, 0.05, None, likelihood, 0)[0])
    dec = fast.newton_decrement(th[0], d, 0.05, None, likelihood)[0]
    assert np.isfinite(dec) and dec > 1e-12
    assert (abs(f) > 2) if likelihood else (abs(f) < 1)
    scale = max(1.0, abs(f))
    stop = fast.lm_batch(th, d, 0.05, None, likelihood, iters=1, gtol=1.01 * dec / scale)
    np.testing.assert_array_equal(stop[0], th)
    assert stop[4][0]
    go = fast.lm_batch(th, d, 0.05, None, likelihood, iters=1, gtol=0.99 * dec / scale)
    assert not go[4][0] and not np.array_equal(go[0], th)


def test_exponents_are_kept_between_minus_one_and_ten_while_a_start_wanders():
    """A trial step's exponents alpha and beta are clipped to [-1, 10] (centred or not, the
    exponents are the same). Runs made (noiselessly) with alpha = 10.6, or beta = -1.6, from a
    start at 9.5, or -0.5: the Newton step overshoots the box, and the clipped trial, better than
    the start, is taken, landing exactly on the bound."""
    rng = np.random.default_rng(1)
    N = np.exp(20 + rng.uniform(-0.3, 0.3, 30))
    D = np.exp(22 + rng.uniform(-1, 1, 30))
    d0 = deriv.FitData.make(N, D, np.ones(30))
    for j, truth, start, bound in ((3, 10.6, 9.5, 10.0), (4, -1.6, -0.5, -1.0)):
        th = np.array([0.0, -1.0, -0.5, 0.3, 0.3])  # centred
        th[j] = truth
        d = deriv.FitData.make(N, D, np.exp(deriv.terms(th[None], d0)[0][0]))
        th[j] = start
        trial = _damped_newton_step(th, d, 0.05, None, False, 1e-3)
        assert abs(trial[j]) > abs(bound) and np.sign(trial[j]) == np.sign(bound)
        out = fast.lm_batch(th[None], d, 0.05, None, False, iters=1)
        assert out[0][0, j] == bound
        assert out[1][0] < deriv.evaluate(th[None], d, 0.05, None, False, 0)[0]


@pytest.mark.parametrize("weighted", (False, True), ids=("ones", "counts"))
def test_the_newton_decrement_is_the_gradient_through_the_inverse_hessian(data, weighted):
    """newton_decrement: (g^T H^-1 g, max|g|) at a point with a positive definite Hessian, inf where
    the Hessian has a clearly negative eigenvalue."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    counts = np.random.default_rng(4).multinomial(N.size, np.full(N.size, 1 / N.size))
    w = counts.astype(float) if weighted else None
    ths = _fd_points(d, 5, 0.05)
    wk = None if w is None else w[None]
    ths = np.vstack([ths, fast.lm_batch(ths[2:], d, 0.05, wk, False, iters=100, gtol=1e-12)[0]])
    convex = []
    for th in ths:
        _, g, H = deriv.evaluate(th[None], d, 0.05, None if w is None else w[None], False, 2)
        dec, gmax = fast.newton_decrement(th, d, 0.05, w, False)
        assert gmax == np.abs(g[0]).max()
        convex.append(np.linalg.eigvalsh(H[0]).min() > 0)
        if convex[-1]:
            assert dec == pytest.approx(g[0] @ np.linalg.solve(H[0], g[0]), rel=1e-9)
        else:
            assert dec == np.inf
    assert not convex[0] and convex[-1]  # both cases are checked


def test_the_decrement_leaves_out_only_directions_flat_to_rounding():
    """_decrement_from_eigen: sum (v.g)^2 / lambda over eigenvalues above EIG_RTOL of the largest;
    an eigenvalue at or below that share is flat and left out, whatever its sign or its v.g; a
    negative one above it gives inf. Rows of a batch are independent; one row gives shape (1,)."""
    vg = np.array([0.5, 1e-3, 2e-3])
    big = 4.0
    for tiny in (-fast.EIG_RTOL * big, 0.0, 0.5 * fast.EIG_RTOL * big, fast.EIG_RTOL * big):
        got = fast._decrement_from_eigen(np.array([tiny, 1.0, big]), vg)
        assert got.shape == (1,) and got[0] == pytest.approx(1e-6 + 1e-6, rel=1e-12)
    above = 2 * fast.EIG_RTOL * big
    got = fast._decrement_from_eigen(np.array([above, 1.0, big]), vg)[0]
    assert got == pytest.approx(0.25 / above + 2e-6, rel=1e-12)
    assert np.isinf(fast._decrement_from_eigen(np.array([-above, 1.0, big]), vg)[0])
    batch = np.array([[above, 1.0, big], [-above, 1.0, big], [0.0, 2.0, big]])
    got = fast._decrement_from_eigen(batch, np.tile(vg, (3, 1)))
    assert got.shape == (3,)
    assert got == pytest.approx([0.25 / above + 2e-6, np.inf, 0.5e-6 + 1e-6], rel=1e-12)


def test_a_result_reports_the_uncentred_fit_and_its_diagnostics(data):
    """_result turns a centred optimum into A, B, E = exp(a, b, e), the exponents, the Huber scale
    where there is one, the condition number of the summed Huber Hessian and E's share of the
    smallest loss; _checked returns it at a converged point and otherwise raises FitError naming
    the decrement, the tolerance and the objective."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    start = _fd_points(d, 5, 0.05)[2:]
    th, f, _, _, conv = fast.lm_batch(start, d, 0.05, None, False, iters=100, gtol=1e-12)
    assert conv[0]
    t = d.from_centred(th[0])
    dec = fast.newton_decrement(th[0], d, 0.05, None, False)[0]
    r = fast._checked(th[0], f[0], None, d, 0.05, 1e-10, 40, 7, "huber")
    assert (r.A, r.B, r.E) == pytest.approx(tuple(np.exp(t[:3])), rel=1e-14)
    assert (r.alpha, r.beta) == pytest.approx(tuple(t[3:5]), rel=1e-14)
    assert r.theta == pytest.approx(tuple(t), rel=1e-14)
    assert (r.objective, r.value, r.n_points, r.n_starts, r.sigma, r.delta) == (
        "huber",
        f[0],
        40,
        7,
        None,
        0.05,
    )
    assert r.decrement == pytest.approx(dec, rel=1e-12)
    assert r.condition == fast._condition(th[0], d, 0.05)
    assert r.E_share == pytest.approx(np.exp(t[2]) / L.min(), rel=1e-13)
    six = np.append(th[0], -2.5)
    r6 = fast._result(six, d, 1.0, 0.0, 40, 7, "huber_likelihood", 0.05)
    assert r6.sigma == -2.5 and r6.theta == r.theta and r6.condition == r.condition

    class _Res:
        message = "scipy's message"

    far = _fd_points(d, 5, 0.05)[1]
    f_far = deriv.evaluate(far[None], d, 0.05, None, False, 0)[0]
    dec_far = fast.newton_decrement(far, d, 0.05, None, False)[0]
    with pytest.raises(
        FitError, match=r"^Approach 3 \(huber\) did not converge: Newton decrement"
    ) as e:
        fast._checked(far, f_far, _Res(), d, 0.05, 1e-10, 40, 7, "huber")
    assert f"{dec_far:.3g} > 1e-10 x max(1, |objective| {f_far:.4g})" in str(e.value)
    assert str(e.value).endswith("; scipy's message")
    with pytest.raises(FitError, match="did not converge"):
        fast._checked(th[0], np.nan, _Res(), d, 0.05, 1e-10, 40, 7, "huber")
    # the tolerance is gtol x max(1, |objective|): gtol = dec / 5 passes at |objective| 10 (the
    # bound is 2 dec) and gtol = dec / 2 fails at 0.5 (the bound is dec / 2)
    assert dec > 0
    assert fast._checked(th[0], 10.0, None, d, 0.05, dec / 5, 40, 7, "huber").value == 10.0
    with pytest.raises(FitError):
        fast._checked(th[0], 0.5, _Res(), d, 0.05, dec / 2, 40, 7, "huber")


def test_a_likelihood_fit_that_stops_short_says_so_with_the_optimisers_message(data, monkeypatch):
    """The Huber likelihood is fitted by BFGS from the summed-Huber optimum; if BFGS stops before
    the Newton decrement is small, FitError says so and ends with BFGS's own message."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    huber = fast._bfgs(_fd_points(d, 5, 1e-3)[2], d, 1e-3, None, False).x
    bfgs = fast._bfgs
    monkeypatch.setattr(fast, "_bfgs", lambda *a, **k: bfgs(*a, **{**k, "maxiter": 2}))
    short = bfgs(np.append(huber, -4.0), d, 1e-3, None, True, maxiter=2)
    with pytest.raises(FitError, match=r"^Approach 3 \(huber_likelihood\) did not converge") as e:
        fast._likelihood(huber, d, 1e-3, 1e-10, 40, 1)
    assert str(e.value).endswith(f"; {short.message}")


@pytest.mark.parametrize("n_polish", (1, 3, 5))
def test_the_search_polishes_the_best_distinct_end_points(data, monkeypatch, n_polish):
    """_search polishes the ``n_polish`` lowest-objective end points of its last stage that are
    distinct (no two within 1e-3 in every centred parameter), best first, and returns the best
    polish. The last stage's end points and every polish are recorded as they happen; the choice
    is redone here from that rule."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    stages, polished = [], []
    lm_batch, polish = fast.lm_batch, fast.polish

    def record_stage(*a, **k):
        out = lm_batch(*a, **k)
        stages.append((out[0].copy(), out[1].copy()))
        return out

    def record_polish(p, *a, **k):
        res = polish(p, *a, **k)
        polished.append((p.copy(), res.fun))
        return res

    monkeypatch.setattr(fast, "lm_batch", record_stage)
    monkeypatch.setattr(fast, "polish", record_polish)
    x, value, _ = fast._search(
        d, 1e-3, fast.hoffmann_grid(), fast.DEFAULT_SCHEDULE, n_polish, 1e-10
    )
    th, f = stages[-1]
    keep = fast.DEFAULT_SCHEDULE[-1][1]
    th, f = th[np.argsort(f)[:keep]], np.sort(f)[:keep]
    want = []
    for i in np.argsort(f):
        if all(np.abs(th[i] - p).max() > 1e-3 for p in want) and len(want) < n_polish:
            want.append(th[i].astype(float))
    assert len(want) == n_polish  # this data has that many distinct ends
    assert len(polished) == n_polish
    for (p, _), w in zip(polished, want, strict=True):
        np.testing.assert_array_equal(p, w)
    assert value == min(v for _, v in polished)


def test_a_term_that_vanishes_at_every_run_makes_the_condition_number_infinite(data):
    """With A/N^alpha below 1e-250 of the loss at every run, a and alpha move nothing: their
    curvature is far below the others', under EIG_RTOL of the largest (whatever rounding makes of
    it), and the condition number is reported as infinite rather than as that ratio."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    th = np.array([-600.0, np.log(410), np.log(1.7), 0.34, 0.28])
    _, _, H = deriv.evaluate(th[None], d, 0.05, None, False, 2)
    ev = np.sort(np.abs(np.linalg.eigvalsh(H[0])))
    assert ev[0] <= fast.EIG_RTOL * ev[-1]
    assert fast._condition(th, d, 0.05) == np.inf


def test_hoffmanns_grid_is_the_product_of_its_axes_a_outermost():
    """App. D.2's 4,500 starts, in the order of nested loops over a, b, e, alpha and beta (a
    outermost, as Besiroglu 2024's code loops them): the order in which ties between starts are
    broken and in which every 100th or every fifth start is taken."""
    import itertools

    s = HOFFMANN.approach3_setup
    axes = (s.grid_a, s.grid_b, s.grid_e, s.grid_alpha, s.grid_beta)
    grid = paper.hoffmann_grid()
    assert grid.shape == (4500, 5)
    np.testing.assert_array_equal(grid, np.array(list(itertools.product(*axes)), dtype=float))


def test_a_damping_given_is_where_each_member_starts(data):
    """lm_batch's lam: each member's starting damping (instead of lam0), taken as given, grown or
    shrunk by the first step, and not changed in the caller's array."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    th = _fd_points(d, 5, 0.05)[2]
    lam = np.array([0.1])
    th1, _, _, lam1, _ = fast.lm_batch(th[None], d, 0.05, None, False, iters=1, lam=lam)
    np.testing.assert_allclose(
        th1[0], _damped_newton_step(th, d, 0.05, None, False, 0.1), rtol=1e-9
    )
    assert lam1[0] == pytest.approx(0.1 / 5, rel=1e-12) and lam[0] == 0.1


def test_with_counts_and_gtol_the_objective_returned_is_the_weighted_one(data):
    """With bootstrap counts, every step is judged on the weighted objective, also once the gtol
    test has run: the objective returned for each member is the weighted objective at the theta
    returned (gtol so small that no member stops)."""
    N, D, L = data
    d = deriv.FitData.make(N, D, L)
    rng = np.random.default_rng(8)
    ths = _fd_points(d, 5, 0.05)[2] + 0.05 * rng.standard_normal((4, 5))
    w = rng.multinomial(N.size, np.full(N.size, 1 / N.size), size=4).astype(float)
    th, f, _, _, conv = fast.lm_batch(ths, d, 0.05, w, False, iters=10, gtol=1e-300)
    assert not conv.any()
    assert (np.abs(th - ths).max(axis=1) > 1e-6).all()  # every member took steps
    np.testing.assert_allclose(f, deriv.evaluate(th, d, 0.05, w, False, 0), rtol=1e-12)
    assert not np.allclose(f, deriv.evaluate(th, d, 0.05, None, False, 0), rtol=1e-3)


@pytest.mark.badinput
def test_approach3s_inputs_are_named_and_parameters_may_be_integers(data):
    """FitData names each array in its errors (N params, D tokens, L loss); parameter vectors
    of integers are centred as the same floats."""
    N, D, L = data
    for args, name in (((-N, D, L), r"N \(params\)"), ((N, -D, L), r"D \(tokens\)"),
                       ((N, D, -L), r"L \(loss\)")):  # fmt: skip
        with pytest.raises(ValueError, match=f"^{name} must be > 0 everywhere"):
            deriv.FitData.make(*args)
    d = deriv.FitData.make(N, D, L)
    np.testing.assert_array_equal(d.to_centred([6, 6, 0, 1, 1]), d.to_centred([6.0, 6, 0, 1, 1]))
    np.testing.assert_array_equal(
        d.from_centred([6, 6, 0, 1, 1]), d.from_centred([6.0, 6, 0, 1, 1])
    )
