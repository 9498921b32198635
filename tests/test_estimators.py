"""Approach 1/2/3 estimators: Epoch's refit of Chinchilla Figure 4, synthetic recovery, errors."""

import re
import warnings

import numpy as np
import pytest

from scalinglaws import estimators
from scalinglaws.constants import BESIROGLU, HOFFMANN
from scalinglaws.core.params import ParameterError
from scalinglaws.laws import chinchilla as ch
from tests.conftest import shared_scope


def sig3(x: float) -> str:
    return f"{x:.3g}"


@pytest.fixture(scope=shared_scope)
def huber_fit(epoch240):
    return estimators.approach3(**epoch240)


def test_grid_refit_matches_epoch_summed_huber(huber_fit):
    # Besiroglu 2024 notebook, "Replicate exactly" over Hoffmann's grid (summed Huber):
    # A 477.8, B 2143.9, E 1.8172, alpha 0.3473, beta 0.3672
    ref = BESIROGLU.grid_exact
    r = huber_fit
    assert r.A == pytest.approx(ref.A, rel=0.01)
    assert r.B == pytest.approx(ref.B, rel=0.01)
    for k in ("E", "alpha", "beta"):
        assert sig3(getattr(r, k)) == sig3(getattr(ref, k)), k
        assert getattr(r, k) == pytest.approx(getattr(ref, k), abs=6e-5), k
    assert r.n_points == 240 and r.n_starts == 4500
    assert r.decrement < 1e-12


def test_likelihood_refit_matches_epoch(epoch240):
    # Besiroglu 2024 (notebook cell 25): A 482.01, B 2085.43, E 1.8169, alpha 0.3478, beta 0.3659
    ref = BESIROGLU.refit
    r = estimators.approach3(**epoch240, objective="huber_likelihood")
    assert r.A == pytest.approx(ref.A, rel=1e-4)
    assert r.B == pytest.approx(ref.B, rel=1e-4)
    for k in ("E", "alpha", "beta"):
        assert sig3(getattr(r, k)) == sig3(getattr(ref, k)), k
        assert getattr(r, k) == pytest.approx(getattr(ref, k), rel=1e-5), k
    assert r.sigma is not None and r.value < 0


def test_likelihood_from_a_given_huber_fit_is_the_searched_one(epoch240, huber_fit):
    # the command line fits the summed Huber once, for the bootstrap and as the likelihood's start
    searched = estimators.approach3(**epoch240, objective="huber_likelihood")
    given = estimators.approach3(**epoch240, objective="huber_likelihood", huber=huber_fit)
    assert given.n_starts == searched.n_starts == 4500
    assert given.value == pytest.approx(searched.value, rel=1e-9)
    for k in ("A", "B", "E", "alpha", "beta", "sigma"):
        assert getattr(given, k) == pytest.approx(getattr(searched, k), rel=1e-6), k
    with pytest.raises(ValueError, match="huber must be a 'huber' fit of the same 240 runs"):
        estimators.approach3(**epoch240, objective="huber_likelihood", huber=searched)
    with pytest.raises(ValueError, match="with objective 'huber'"):
        estimators.approach3(**epoch240, huber=huber_fit)


def test_bootstrap_on_epochs_resamples_reproduces_their_standard_errors(epoch240, huber_fit):
    # Besiroglu 2024 notebook cell 25 SEs (4,000 resamples after np.random.seed(42)):
    # A 124.52, B 1293.28, E 0.02566, alpha 0.01540, beta 0.02060
    n = len(epoch240["N"])
    counts = estimators.legacy_resample_counts(n, 4000, BESIROGLU.uncertainty.seed)
    b = estimators.bootstrap_approach3(
        **epoch240, n_bootstrap=4000, counts=counts, full_fit=huber_fit
    )
    assert b.n_failed == 0
    for k, ref in BESIROGLU.uncertainty.se().items():
        assert b.se[k] == pytest.approx(ref, rel=0.01), k
    lo, hi = b.interval()["alpha"]
    assert lo == pytest.approx(BESIROGLU.uncertainty.ci95_alpha[0], abs=0.002)
    assert hi == pytest.approx(BESIROGLU.uncertainty.ci95_alpha[1], abs=0.002)


def test_bootstrap_with_our_generator_is_within_10_percent(epoch240, huber_fit):
    # Same bar with independent resamples. B's SE (B = exp(b), heavy-tailed) moves by about
    # +-7% between seeds at 4,000 replicates, so it gets a wider band.
    b = estimators.bootstrap_approach3(
        **epoch240, n_bootstrap=4000, rng=np.random.default_rng(2024), full_fit=huber_fit
    )
    for k, ref in BESIROGLU.uncertainty.se().items():
        assert b.se[k] == pytest.approx(ref, rel=0.10 if k != "B" else 0.20), k
    again = estimators.bootstrap_approach3(
        **epoch240, n_bootstrap=50, rng=np.random.default_rng(7), full_fit=huber_fit, level=0.8
    )
    same = estimators.bootstrap_approach3(
        **epoch240, n_bootstrap=50, rng=np.random.default_rng(7), full_fit=huber_fit
    )
    np.testing.assert_array_equal(again.replicates, same.replicates)
    # the level asked for is the result's default interval; 0.95 otherwise
    assert (again.level, same.level) == (0.8, 0.95)
    assert again.interval() == same.interval(0.8) != same.interval()


def _synthetic(fit, rng, noise):
    N = np.repeat(np.geomspace(5e7, 2e10, 12), 12)
    D = np.tile(np.geomspace(1e9, 5e11, 12), 12)
    L = ch.loss(N, D, fit) * np.exp(noise * rng.standard_normal(N.size))
    return {"N": N, "D": D, "L": L}


@pytest.mark.parametrize("fit", [HOFFMANN.approach3_tex, BESIROGLU.refit], ids=["tex", "refit"])
def test_recovers_known_parameters_from_synthetic_data(fit):
    rng = np.random.default_rng(0)
    r = estimators.approach3(**_synthetic(fit, rng, 0.0))
    for k in ("A", "B", "E", "alpha", "beta"):
        assert getattr(r, k) == pytest.approx(getattr(fit, k), rel=1e-6), k
    noisy = estimators.approach3(**_synthetic(fit, rng, 0.003))
    assert noisy.E == pytest.approx(fit.E, rel=0.02)
    assert noisy.alpha == pytest.approx(fit.alpha, abs=0.02)
    assert noisy.beta == pytest.approx(fit.beta, abs=0.02)


@pytest.mark.badinput
def test_approach3_errors(epoch240):
    N, D, L = epoch240["N"], epoch240["D"], epoch240["L"]
    with pytest.raises(estimators.FitError, match="at least 6 runs"):
        estimators.approach3(N=N[:5], D=D[:5], L=L[:5])
    with pytest.raises(estimators.FitError, match="did not converge"):
        estimators.approach3(N=N, D=D, L=L, gtol=0.0, schedule=((1, 10),))
    with pytest.raises(ValueError, match="objective must be one of"):
        estimators.approach3(N=N, D=D, L=L, objective="mse")
    with pytest.raises(ValueError, match="D \\(tokens\\) must have 240 values"):
        estimators.approach3(N=N, D=D[:10], L=L)
    with pytest.raises(ValueError, match="L \\(loss\\) must be > 0"):
        estimators.approach3(N=N, D=D, L=-L)
    with pytest.raises(ParameterError, match=r"'n_bootstrap' must be an integer in \[1, 100000\]"):
        estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=0, seed=1)


def test_objective_value_at_epochs_grid_exact_is_not_below_ours(epoch240, huber_fit):
    ref = BESIROGLU.grid_exact
    theta = np.log([ref.A, ref.B, ref.E]).tolist() + [ref.alpha, ref.beta]
    assert estimators.huber_objective(theta, **epoch240) >= huber_fit.value


# --- power laws, Approach 2 and Approach 1 -------------------------------------------------------


def test_fit_power_law_exact_and_fixed_exponent():
    x = np.geomspace(1e18, 1e22, 7)
    law = estimators.fit_power_law(x, 3.0 * x**0.49)
    assert law.exponent == pytest.approx(0.49) and law.k == pytest.approx(3.0)
    assert law.inverse(law(1e20)) == pytest.approx(1e20)
    fixed = estimators.fit_power_law(x, 2.0 * x**0.5, exponent=0.5)
    assert fixed.k == pytest.approx(2.0)
    with pytest.raises(estimators.FitError):
        estimators.fit_power_law([1e20], [1e9])


def _isoflop_data(fit, budgets, per_budget=9):
    N, C, L = [], [], []
    for c in budgets:
        n0 = float(ch.optimal_N(c, fit))
        n = n0 * np.geomspace(0.25, 4, per_budget)
        N.append(n)
        C.append(np.full(per_budget, c))
        L.append(ch.loss(n, ch.tokens_for_flops(c, n), fit))
    return np.concatenate(N), np.concatenate(C), np.concatenate(L)


def test_approach2_recovers_the_frontier_exponent_from_isoflop_profiles():
    fit = HOFFMANN.approach3_tex
    budgets = HOFFMANN.budgets.isoflop
    N, C, L = _isoflop_data(fit, budgets)
    # one extra budget with too few runs: reported as skipped
    N = np.append(N, [1e9, 2e9])
    C = np.append(C, [1e22, 1e22])
    L = np.append(L, [2.5, 2.4])
    r = estimators.approach2(N=N, C=C, L=L, budgets=list(budgets) + [1e22], tol_log10=0.05)
    assert r.a == pytest.approx(fit.a, abs=0.01)
    assert r.b == pytest.approx(fit.b, abs=0.01)
    assert r.used_budgets == tuple(budgets)
    assert 1e22 in r.skipped and "2 runs" in r.skipped[1e22]
    for p in r.profiles:
        assert p.N_opt == pytest.approx(float(ch.optimal_N(p.budget, fit)), rel=0.05)


def test_approach2_on_epochs_points(epoch240):
    N, D, L = epoch240["N"], epoch240["D"], epoch240["L"]
    C = ch.flops_6nd(N, D)
    r = estimators.approach2(N=N, C=C, L=L, budgets=HOFFMANN.budgets.isoflop, n_bootstrap=30,
                             rng=np.random.default_rng(0))  # fmt: skip
    assert len(r.used_budgets) >= 5
    assert 0.4 < r.a < 0.65 and r.a + r.b == pytest.approx(1.0, abs=1e-9)
    lo, hi = r.N_opt.exponent_interval
    assert lo <= r.a <= hi
    with pytest.raises(ValueError, match="needs rng"):
        estimators.approach2(N=N, C=C, L=L, budgets=HOFFMANN.budgets.isoflop, n_bootstrap=5)
    with pytest.raises(estimators.FitError, match="at least 2 budgets"):
        estimators.approach2(N=N[:4], C=C[:4], L=L[:4])


def test_isoflop_groups_by_nominal_budget_and_by_clusters():
    flops = np.array([0.97e19, 1.02e19, 1.0e20, 1.05e20, 5e20])
    labels, b = estimators.isoflop_groups(C=flops, budgets=[1e19, 1e20], tol_log10=0.05)
    assert labels.tolist() == [0, 0, 1, 1, -1]
    labels, b = estimators.isoflop_groups(C=flops, tol_log10=0.05)
    assert labels.tolist() == [0, 0, 1, 1, 2] and len(b) == 3


def test_approach1_envelope_recovers_frontier_exponent():
    # Synthetic training curves from eq 2 (TeX fit): each model size sweeps tokens; the envelope
    # of minimal loss per FLOP follows eq 4, N_opt ~ C^(beta/(alpha+beta)).
    fit = HOFFMANN.approach3_tex
    sizes = np.geomspace(7e7, 1.6e10, 40)
    curves = []
    for n in sizes:
        D = np.geomspace(1e8, 1e13, 300)
        curves.append((n, ch.flops_6nd(n, D), ch.loss(n, D, fit)))
    r = estimators.approach1(curves=curves, flops_range=(1e19, 1e22))
    assert r.N_opt.exponent == pytest.approx(fit.a, abs=0.02)
    assert r.D_opt.exponent == pytest.approx(fit.b, abs=0.02)
    assert len(r.flops) == HOFFMANN.budgets.approach1_n_flop_points
    with pytest.raises(estimators.FitError):
        estimators.approach1(curves=curves[:1])
    with pytest.raises(ValueError, match="increasing"):
        estimators.approach1(curves=[(1e9, [2.0, 1.0], [3.0, 2.9]), curves[0]])


def test_arrays_from_a_tidy_frame():
    import pandas as pd

    df = pd.DataFrame({"params": [1e9, 2e9], "flops": [6e19, 1.2e20], "loss_nats": [2.5, 2.4]})
    N, D, C, L = estimators.arrays(df)
    np.testing.assert_allclose(D, [1e10, 1e10])
    N2, D2, C2, _ = estimators.arrays({"params": N, "tokens": D, "loss_nats": L})
    np.testing.assert_allclose(C2, C)
    with pytest.raises(ValueError, match="tokens and/or flops"):
        estimators.arrays({"params": N, "loss_nats": L})


def test_approach2_checks_each_array_and_its_counts_by_name():
    """Every array one value per run, named in the error with the count it needs; D given is used
    for the vertex's tokens (here C / 8N: the vertex's tokens 6/8 of C / 6N's); exactly 2 budgets
    with a vertex are enough, 1 is not; the subsampling fraction lies in (0, 1]."""
    fit = HOFFMANN.approach3_rounded
    N, C, L = _isoflop_data(fit, [1e18, 1e19, 1e20])
    D = C / (6 * N)
    n = N.size
    for kw, name in (({"C": C[:-1]}, "C (flops)"), ({"L": L[:-1]}, "L (loss)"),
                     ({"D": D[:-1]}, "D (tokens)")):  # fmt: skip
        args = {"N": N, "C": C, "L": L, **kw}
        msg = f"{name} must have {n} values (one per run), got {n - 1}"
        with pytest.raises(ValueError, match=f"^{re.escape(msg)}$"):
            estimators.approach2(**args)
    with pytest.raises(ValueError, match=r"^N \(params\) must be > 0 everywhere"):
        estimators.approach2(N=-N, C=C, L=L)
    bare = estimators.approach2(N=N, C=C, L=L)
    given = estimators.approach2(N=N, D=C / (8 * N), C=C, L=L)
    for p, q in zip(bare.profiles, given.profiles, strict=True):
        assert q.N_opt == pytest.approx(p.N_opt, rel=1e-12)
        assert q.D_opt == pytest.approx(p.D_opt * 6 / 8, rel=1e-9)
    keep = C < 5e19
    two = estimators.approach2(N=N[keep], C=C[keep], L=L[keep])
    assert len(two.used_budgets) == 2
    with pytest.raises(estimators.FitError, match="needs at least 2 budgets with 5\\+ runs"):
        estimators.approach2(N=N[C == 1e18], C=C[C == 1e18], L=L[C == 1e18])
    rng = np.random.default_rng(0)
    ok = estimators.approach2(N=N, C=C, L=L, n_bootstrap=3, rng=rng, fraction=1.0)
    assert ok.N_opt.exponent_interval[0] == pytest.approx(ok.N_opt.exponent, rel=1e-9)
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match=rf"fraction must be in \(0, 1\], got {bad}"):
            estimators.approach2(N=N, C=C, L=L, n_bootstrap=3, rng=rng, fraction=bad)
    with pytest.raises(ValueError, match="needs rng"):
        estimators.approach2(N=N, C=C, L=L, n_bootstrap=3)


def test_arrays_name_each_column_and_derive_the_missing_count():
    """A table's columns as arrays: a column of the wrong length or with a non-positive value is
    named in the error; tokens come from D = C / 6N where only FLOPs are given and FLOPs from C =
    6ND where only tokens are; both given are kept as they are; exactly the needed columns pass."""
    N, D, C, L = [1e8, 2e8], [1e9, 3e9], [7e17, 4e18], [3.0, 2.9]
    got = estimators.arrays({"params": N, "tokens": D, "flops": C, "loss_nats": L})
    for g, want in zip(got, (N, D, C, L), strict=True):
        np.testing.assert_array_equal(g, want)
    only_c = estimators.arrays({"params": N, "flops": C, "loss_nats": L})
    np.testing.assert_allclose(only_c[1], np.array(C) / (6 * np.array(N)), rtol=1e-15)
    only_d = estimators.arrays({"params": N, "tokens": D, "loss_nats": L})
    np.testing.assert_allclose(only_d[2], 6 * np.array(N) * np.array(D), rtol=1e-15)
    for col in ("tokens", "flops", "loss_nats"):
        bad = {"params": N, "tokens": D, "flops": C, "loss_nats": L, col: [1.0]}
        with pytest.raises(ValueError, match=f"^{col} must have 2 values"):
            estimators.arrays(bad)
    with pytest.raises(ValueError, match="^params must be > 0 everywhere"):
        estimators.arrays({"params": [0.0, 1.0], "tokens": D, "loss_nats": L})
    with pytest.raises(ValueError, match="^loss must have 2 values"):
        estimators.arrays({"params": N, "tokens": D, "loss": [1.0]}, loss="loss")


def test_bootstrap_without_a_full_fit_fits_the_data_itself_and_reports_that_estimate(epoch240):
    """Without ``full_fit`` the bootstrap starts from the Approach 3 fit of the data it is given
    (the estimator called here on its own), whose parameters it reports as the estimate, and the
    replicates are then those of the bootstrap handed that same fit."""
    fit = estimators.approach3(**epoch240)
    alone = estimators.bootstrap_approach3(**epoch240, n_bootstrap=8, seed=3)
    given = estimators.bootstrap_approach3(**epoch240, n_bootstrap=8, seed=3, full_fit=fit)
    assert alone.estimate == (fit.A, fit.B, fit.E, fit.alpha, fit.beta)
    np.testing.assert_array_equal(alone.replicates, given.replicates)


def test_a_power_law_is_least_squares_in_log_log_space():
    """fit_power_law on noisy points: the slope and intercept of ordinary least squares on
    (log x, log y) solved here with numpy's lstsq; with the exponent fixed, log k is the mean of
    log y - p log x (least squares with one free parameter). A PowerLaw maps x to k x^p and back."""
    rng = np.random.default_rng(12)
    x = np.geomspace(1e18, 1e22, 9)
    y = 3.0 * x**0.49 * np.exp(0.1 * rng.standard_normal(9))
    A = np.column_stack([np.log(x), np.ones(9)])
    (p, logk), *_ = np.linalg.lstsq(A, np.log(y), rcond=None)
    law = estimators.fit_power_law(x, y)
    assert (law.exponent, law.k, law.n_points) == (pytest.approx(p, rel=1e-10),
                                                   pytest.approx(np.exp(logk), rel=1e-8), 9)  # fmt: skip
    assert law.exponent_interval is None and law.k_interval is None
    fixed = estimators.fit_power_law(x, y, exponent=0.5)
    assert fixed.exponent == 0.5
    assert fixed.k == pytest.approx(np.exp(np.mean(np.log(y) - 0.5 * np.log(x))), rel=1e-12)
    # one point fixes k when the exponent is given
    one = estimators.fit_power_law([1e20], [1e10], exponent=0.5)
    assert (one.k, one.n_points) == (pytest.approx(1.0, rel=1e-12), 1)
    law = estimators.PowerLaw(k=2.0, exponent=-0.5)
    np.testing.assert_allclose(law([1, 4, 16]), [2.0, 1.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(law.inverse([2.0, 1.0, 0.5]), [1.0, 4.0, 16.0], rtol=1e-14)


@pytest.mark.badinput
def test_a_power_law_says_what_it_needs():
    for kw, n, x in (({}, 2, [1e20]), ({"exponent": 0.5}, 1, [])):
        msg = f"a power law needs at least {n} points, got {len(x)}"
        with pytest.raises(estimators.FitError, match=f"^{re.escape(msg)}$"):
            estimators.fit_power_law(x, [1e9] * len(x), **kw)
    with pytest.raises(estimators.FitError, match="^a power law needs at least two distinct x"):
        estimators.fit_power_law([1e20, 1e20, 1e20], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^y must have 3 values \(one per run\), got 2$"):
        estimators.fit_power_law([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^x must be > 0 everywhere, got min -2$"):
        estimators.fit_power_law([1.0, -2.0, 3.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^y must be finite, got \[nan\] \.\.\.$"):
        estimators.fit_power_law([1.0, 2.0, 3.0], [1.0, np.nan, 3.0])


@pytest.mark.parametrize("k", (3, 4, 11))
def test_a_slopes_t_interval_is_scipys_regression_slope_and_its_standard_error(k):
    """slope_t_interval: scipy's linregress slope +- the t quantile (k - 2 degrees of freedom,
    from scipy.stats.t) times linregress's standard error of the slope."""
    from scipy import stats

    rng = np.random.default_rng(k)
    x = np.sort(rng.uniform(40, 50, k))
    y = 0.5 * x + 0.05 * rng.standard_normal(k)
    fit = stats.linregress(x, y)
    for level in (0.8, 0.95):
        q = stats.t.ppf(0.5 + level / 2, k - 2)
        want = (fit.slope - q * fit.stderr, fit.slope + q * fit.stderr)
        assert estimators.slope_t_interval(x, y, level) == pytest.approx(want, rel=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fewer than 3 points: NaN, without dividing by 0 dof
        assert np.isnan(estimators.slope_t_interval(x[:2], y[:2], 0.8)).all()


def test_inputs_come_back_as_flat_float_arrays():
    """check_1d returns its input as a 1-d float array (integers, strings of numbers and nested
    lists alike), and leaves non-positive values alone when told they are allowed."""
    from scalinglaws.estimators.inputs import check_1d

    for given in ([1, 2, 3], ["1", "2", "3"], [[1, 2], [3, 4]], np.arange(1, 4, dtype=np.int32)):
        got = check_1d("x", given)
        assert got.dtype == np.float64 and got.ndim == 1
        np.testing.assert_array_equal(got, np.asarray(given, dtype=float).ravel())
    assert check_1d("x", [0.0, -1.5], positive=False).tolist() == [0.0, -1.5]
    with pytest.raises(ValueError, match=r"^x must be > 0 everywhere, got min 0$"):
        check_1d("x", [0.0, 1.0])


def test_a_budget_whose_parabola_is_not_convex_is_skipped_and_named():
    """Approach 2 skips a budget whose fitted parabola opens downwards, naming why; the others
    are fitted as before."""
    fit = HOFFMANN.approach3_rounded
    N, C, L = _isoflop_data(fit, [1e18, 1e19, 1e20])
    top = C == 1e20
    L = np.where(top, 2 * L[top].max() - L, L)  # that budget's losses turned upside down
    res = estimators.approach2(N=N, C=C, L=L)
    assert res.skipped == {1e20: "parabola not convex"}
    assert res.used_budgets == (1e18, 1e19)


@pytest.mark.badinput
def test_the_bootstrap_refuses_a_full_fit_of_the_other_objective(epoch240, huber_fit):
    from dataclasses import replace

    other = replace(huber_fit, objective="huber_likelihood")
    msg = "full_fit must use the 'huber' objective, got 'huber_likelihood'"
    with pytest.raises(ValueError, match=f"^{re.escape(msg)}$"):
        estimators.bootstrap_approach3(**epoch240, n_bootstrap=2, seed=1, full_fit=other)
