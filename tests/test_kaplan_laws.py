"""Kaplan 2020's laws against the numbers the paper prints, and the implicit losses of Figure 11
against a slow scalar reference. Each test names its source."""

import numpy as np
import pytest
from scipy.optimize import brentq

from scalinglaws.constants import KAPLAN
from scalinglaws.core import units
from scalinglaws.estimators import fit_power_law
from scalinglaws.laws import kaplan as k
from scalinglaws.laws import kaplan_efficient as ke
from scalinglaws.laws import kaplan_training as kt

T3, T5, T6 = KAPLAN.joint_NS, KAPLAN.basic, KAPLAN.efficient
CLAIMS = KAPLAN.claims
B19 = float(KAPLAN.setup.batch_tokens)


# --- single-variable laws ------------------------------------------------------------------------


def test_doubling_N_multiplies_loss_by_0_95():
    # Kaplan 2020 section 1.2: "doubling the number of parameters yields a loss that is smaller by a
    # factor 2^-alpha_N = 0.95" (eq 1.1, Table 5)
    N = np.geomspace(1e3, 1e9, 7)
    ratio = k.loss_of_params(2 * N) / k.loss_of_params(N)
    np.testing.assert_allclose(ratio, 2.0**-T5.alpha_N)  # 0.9487
    assert round(float(ratio[0]), 2) == CLAIMS.doubling_N_loss_factor


def test_B_crit_doubles_for_every_13_percent_decrease_in_loss():
    # Kaplan 2020 Fig 10 caption: "the critical batch size approximately doubles for every 13%
    # decrease in loss"; legend: B_crit = 2.1e8 tokens * L^-4.8 (eq 5.3, Table 5)
    L = np.array([3.0, 4.0, 6.0])
    drop = 1.0 - 2.0 ** (-T5.alpha_B)  # B_crit(L (1 - drop)) = 2 B_crit(L)
    np.testing.assert_allclose(k.critical_batch(L * (1 - drop)) / k.critical_batch(L), 2.0)
    assert drop == pytest.approx(CLAIMS.B_crit_doubling_loss_drop, abs=0.01)  # 0.1355
    assert 1.0 / T5.alpha_B == pytest.approx(4.8, abs=0.05)
    assert float(k.critical_batch(1.0)) == T5.B_star


def test_eq_1_5_limits_are_eqs_1_1_and_1_2_shapes():
    # Kaplan 2020 section 4.1: L(N, D) reduces to (N_c/N)^alpha_N at D = inf and (D_c/D)^alpha_D at
    # N = inf (with Table 2's constants)
    t2 = KAPLAN.joint_ND
    N, D = np.geomspace(1e4, 1e9, 5), np.geomspace(1e7, 1e11, 5)
    np.testing.assert_allclose(k.loss_params_data(N, 1e300), (t2.N_c / N) ** t2.alpha_N)
    np.testing.assert_allclose(k.loss_params_data(1e300, D), (t2.D_c / D) ** t2.alpha_D)


def test_eqs_5_4_and_5_5_define_C_min_as_6_N_B_crit_S_min():
    # Kaplan 2020 section 6.1: "By definition C_min = 6 N B_crit S"; with eqs 5.4 and 5.5 at B = 2^19
    N, S, L = 3e7, 2e4, 3.5
    C = float(units.training_compute(N, B19, S))
    C_min = float(k.min_compute(C, B19, L))
    S_min = float(k.min_steps(S, B19, L))
    assert C_min == pytest.approx(6 * N * float(k.critical_batch(L)) * S_min)


# --- the implicit losses of Figure 11 ----------------------------------------------------------


def _reference_loss_at_steps(N, S, B):
    """Slow scalar reference: eq 5.6 with eq 5.4, one scipy brentq per point."""

    def f(L):
        S_min = S / (1.0 + T5.B_star * L ** (-1.0 / T5.alpha_B) / B)
        return L - (T3.N_c / N) ** T3.alpha_N - (T3.S_c / S_min) ** T3.alpha_S

    return brentq(f, 1e-3, 1e6, xtol=1e-15, rtol=1e-14, maxiter=500)


def _reference_loss_at_min_compute(N, C_min_pf):
    """Slow scalar reference for eq B.3."""
    C = C_min_pf * KAPLAN.setup.pf_day_flop

    def f(L):
        term = 6 * T5.B_star * T3.S_c * N / (L ** (1 / T5.alpha_B) * C)
        return L - (T3.N_c / N) ** T3.alpha_N - term**T3.alpha_S

    return brentq(f, 1e-3, 1e6, xtol=1e-15, rtol=1e-14, maxiter=500)


def test_implicit_loss_matches_scalar_brentq_on_random_points():
    # Kaplan 2020 Fig 11 (eqs 5.3, 5.4, 5.6): random (N, S, B) over and beyond the figure's ranges
    rng = np.random.default_rng(20200123)
    n = 150
    N = 10 ** rng.uniform(2, 12, n)
    S = 10 ** rng.uniform(-1, 7, n)
    B = 2.0 ** rng.uniform(10, 24, n)
    fast = kt.loss_at_steps(N, S, B)
    ref = np.array([_reference_loss_at_steps(*p) for p in zip(N, S, B, strict=True)])
    np.testing.assert_allclose(fast, ref, rtol=1e-11)


def test_implicit_min_compute_loss_matches_scalar_brentq_on_random_points():
    # Kaplan 2020 eq B.3
    rng = np.random.default_rng(3)
    n = 100
    N = 10 ** rng.uniform(2, 12, n)
    C = 10 ** rng.uniform(-10, 4, n)
    fast = kt.loss_at_min_compute(N, C)
    ref = np.array([_reference_loss_at_min_compute(*p) for p in zip(N, C, strict=True)])
    np.testing.assert_allclose(fast, ref, rtol=1e-11)


def test_fixed_compute_grid_solves_eq_5_6_with_eq_5_4():
    # Figure 11 left: a 200 x 200 (N, C) grid; the root satisfies eq 5.6 with S_min from eq 5.4
    N = np.geomspace(1e4, 1e9, 200)[:, None]
    C_pf = np.geomspace(1e-5, 1e0, 200)[None, :]
    L = kt.loss_at_compute(N, C_pf)
    assert L.shape == (200, 200) and np.all(np.isfinite(L))
    S = kt.steps_at_compute(N, C_pf)
    rhs = k.loss_params_steps(N, k.min_steps(S, B19, L))
    np.testing.assert_allclose(L, rhs, rtol=1e-12)
    # eq 5.5: the same run is the critical-batch curve (eq B.3) at C_min = C / (1 + B/B_crit(L))
    C_min_pf = k.min_compute(C_pf, B19, L)
    np.testing.assert_allclose(kt.loss_at_min_compute(N, C_min_pf), L, rtol=1e-11)


def test_fixed_steps_loss_falls_with_N_and_S():
    # Figure 11 right: at fixed S the loss falls with N; more steps, lower curves
    N = np.geomspace(1e6, 1e9, 50)[None, :]
    S = np.geomspace(1e4, 1e5, 5)[:, None]
    L = kt.loss_at_steps(N, S)
    assert np.all(np.diff(L, axis=1) < 0) and np.all(np.diff(L, axis=0) < 0)


@pytest.mark.badinput
def test_non_convergence_names_the_inputs():
    inputs = {"N": np.array([1e6, 2e6]), "S": np.array([1e4, 1e4])}
    with pytest.raises(
        kt.ImplicitLossError, match=r"did not converge in 1 iterations.*N=1000000\.0"
    ):
        kt._implicit_loss(
            np.array([4.0, 3.9]),
            np.array([0.2, 0.2]),
            np.array([9.0, 9.0]),
            alpha_S=0.76,
            alpha_B=0.21,
            what="test loss",
            inputs=inputs,
            max_iter=1,
        )


@pytest.mark.badinput
def test_non_convergence_at_fixed_compute_names_N_C_and_B(monkeypatch):
    solve = kt._implicit_loss
    monkeypatch.setattr(kt, "_implicit_loss", lambda *a, **kw: solve(*a, **{**kw, "max_iter": 1}))
    with pytest.raises(
        kt.ImplicitLossError, match=r"fixed compute.*N=1000000\.0, C_pf=0\.01, B=524288"
    ):
        kt.loss_at_compute(np.array([1e6, 1e7]), 0.01)


def test_tokens_to_reach_inverts_the_learning_curve():
    # Figure 2 left: tokens each size needs for a fixed loss (eqs 5.3, 5.4, 5.6 inverted exactly)
    N = np.array([1e5, 1e7, 1e9])
    D = kt.tokens_to_reach(N, 5.0)
    np.testing.assert_allclose(kt.learning_curve_tokens(N, D), 5.0, rtol=1e-12)
    assert np.all(np.diff(D) < 0)  # "Larger models require fewer samples" (Fig 2 title)


# --- compute-efficient frontier (App. B) ---------------------------------------------------------


C_GRID = np.geomspace(1e-8, 1e3, 6)  # PF-days, across Figure 2's and beyond


def test_eq_B_5_efficient_loss_is_10_percent_above_converged():
    # Kaplan 2020 eq B.5: L(N_eff(C), C) = (1 + alpha_N/alpha_S) L(N_eff, inf), "a fixed percentage
    # alpha_N/alpha_S ~ 10% above the converged loss". The optimum is found numerically from eq B.3.
    N_opt, L_opt = kt.optimal_params_at_compute(C_GRID)
    factor = L_opt / k.loss_of_params(N_opt, fit=T3)
    np.testing.assert_allclose(factor, 1.0 + T3.alpha_N / T3.alpha_S, rtol=1e-7)  # flat minimum
    assert factor[0] - 1.0 == pytest.approx(CLAIMS.convergence_f_efficient, abs=0.005)


def test_eqs_B_6_to_B_10_match_the_numerical_optimum():
    # Kaplan 2020 eqs B.6-B.10, checked against minimising eq B.3 over N directly
    N_opt, L_opt = kt.optimal_params_at_compute(C_GRID)
    np.testing.assert_allclose(ke.efficient_loss(C_GRID), L_opt, rtol=1e-12)
    np.testing.assert_allclose(ke.efficient_params(C_GRID), N_opt, rtol=1e-5)
    # eq B.10: S = C / (6 N B_crit(L)) at the optimum
    S_expected = C_GRID * KAPLAN.setup.pf_day_flop / (6 * N_opt * k.critical_batch(L_opt))
    np.testing.assert_allclose(ke.efficient_steps(C_GRID), S_expected, rtol=1e-5)
    np.testing.assert_allclose(ke.efficient_compute_for_params(ke.efficient_params(C_GRID)), C_GRID)


def test_alpha_C_min_from_eq_1_8_is_0_052():
    # Kaplan 2020 eq 1.8 / B.7: alpha_C^min = 1/(1/alpha_S + 1/alpha_B + 1/alpha_N) ~ 0.052
    # (eq 6.4 prints 0.054; eq 1.3's direct fit is 0.050)
    a5 = ke.alpha_C_min_theory(fit=T5, batch=T5)  # 0.0520
    a3 = ke.alpha_C_min_theory()  # Table 3's alpha_N = 0.077: 0.0525
    assert round(a5, 3) == T6.alpha_C_min_eq_B_7
    assert round(a3, 3) == T6.alpha_C_min_eq_B_7
    assert abs(a3 - T5.alpha_C_min) < 0.003  # vs the empirical 0.050 of Fig 13


def test_eq_6_5_exponent_0_71_vs_empirical_0_73():
    # Kaplan 2020 eq 6.5: N ~ C_min^(alpha_C^min/alpha_N) ~ C_min^0.71, "matches the scaling of
    # Figure 14 to within a few percent" (eq 6.1: 0.73). 0.71 is eq 6.4's printed 0.054 over 0.076;
    # eq B.7's own value gives 0.68 (Table 3) to 0.68 (Table 5), 7% below 0.73.
    assert round(T6.alpha_C_min_eq_6_4 / T5.alpha_N, 2) == T6.eq_6_5_exponent
    p = ke.efficient_exponents()
    assert p["N"] == pytest.approx(0.681, abs=0.001)
    assert abs(p["N"] - T6.p_N) / T6.p_N < 0.07
    # the numerically optimised frontier has exactly this slope
    N_opt, _ = kt.optimal_params_at_compute(C_GRID)
    assert fit_power_law(C_GRID, N_opt).exponent == pytest.approx(p["N"], rel=1e-6)


def test_table_6_exponents_sum_to_one_and_B_exponent_0_24():
    # Kaplan 2020 Table 6 / eq 6.2: C_min = 6 N B_crit S, so p_N + p_B + p_S = 1 (0.73+0.24+0.03);
    # B_crit ~ C_min^0.24 (section 6.1). Eq 1.7's exponents also sum to 1.
    assert T6.p_N + T6.p_B + T6.p_S == pytest.approx(1.0)
    p = ke.efficient_exponents()
    assert p["N"] + p["B"] + p["S"] == pytest.approx(1.0)
    assert p["B"] == pytest.approx(T6.p_B, abs=0.01)  # 0.250
    # Table 6: D_opt = 2e10 C^0.27 is 2 C_min / (6 N_opt) (eq 6.7's definition), 1 - p_N = 0.27
    assert T6.p_D == pytest.approx(1.0 - T6.p_N)
    assert float(k.efficient_tokens_from_params(1.0)) == pytest.approx(T6.D_e, rel=0.11)  # 2.2e10


def test_frontier_batch_at_1_pf_day_matches_table_6():
    # Kaplan 2020 Table 6: B_crit = B_e C_min^p_B with B_e = 2.0e6 tokens (C_min in PF-days);
    # eqs B.2 and B.6 give 1.87e6 tokens at 1 PF-day
    assert float(ke.efficient_batch(1.0)) == pytest.approx(T6.B_e, rel=0.1)


def test_eq_6_8_intersection():
    # Kaplan 2020 eq 6.8: C* ~ 1e4 PF-days, N* ~ 1e12, D* ~ 1e12 tokens, L* ~ 1.7 nats/token,
    # "highly uncertain, varying by an order of magnitude in either direction"
    x = k.data_limit_intersection()
    ref = KAPLAN.intersection
    assert x["C_star"] == pytest.approx(ref.C_star_pf_days, rel=0.5)  # 1.12e4
    assert x["N_star"] == pytest.approx(ref.N_star, rel=0.5)  # 1.17e12
    assert 0.1 < x["D_star"] / ref.D_star < 10  # 2.5e11
    assert x["L_star"] == pytest.approx(ref.L_star, abs=0.05)  # 1.67
    # the crossing: eq 1.3 equals eq 1.2 there
    assert float(k.loss_of_data(x["D_star"])) == pytest.approx(x["L_star"])
    # eq 6.7's printed D(C_min) = 4e10 C^0.26 moves it by about one order of magnitude
    y = k.data_limit_intersection(T6.eq_6_7_D_coef, T6.eq_6_7_D_exp)
    assert 1 <= np.log10(y["C_star"] / ref.C_star_pf_days) < 1.1


def test_eqs_B_12_to_B_14_convergence_factor():
    # Kaplan 2020 App. B.3, f = 10% vs f' = 2%: "7.7x fewer parameter updates, 2.7x more parameters,
    # and 65% less compute" (eqs B.12-B.14: 2.7, 0.13, 0.35)
    n, s, c = ke.convergence_factor_ratios(
        CLAIMS.convergence_f_efficient, CLAIMS.convergence_f_typical
    )
    assert n == pytest.approx(CLAIMS.eq_B_12_N_ratio, abs=0.05)  # 2.70
    assert s == pytest.approx(CLAIMS.eq_B_13_S_ratio, abs=0.005)  # 0.133
    assert c == pytest.approx(CLAIMS.eq_B_14_C_ratio, abs=0.01)  # 0.359


# --- fitted range and bad inputs ----------------------------------------------------------------


def test_fitted_range_is_after_warmup_and_within_studied_sizes():
    # Section 5.2: Table 3 fitted "all training steps after the warmup period" (3000 steps);
    # section 3: models of 768 to 1.5e9 non-embedding parameters
    ok = k.in_fitted_range(np.array([1e3, 1e3, 1e10, 1e6]), np.array([1e4, 2999.0, 1e4, 3000.0]))
    assert ok.tolist() == [True, False, False, True]


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (
            lambda: k.loss_of_params(-1.0),
            r"N \(non-embedding parameters\) must be .*\(0, inf\).*-1",
        ),
        (lambda: kt.loss_at_compute(1e6, 0.0), r"C_pf \(PF-days\) must be .*\(0, inf\), got 0"),
        (lambda: kt.loss_at_steps(1e6, np.nan), r"S \(steps\) must be .*\(0, inf\), got nan"),
        (lambda: kt.loss_at_steps(1e6, 1e4, B=-2), r"B \(tokens per step\) must be"),
        (lambda: k.critical_batch(np.array([3.0, -1.0])), r"L \(nats per token\) must be"),
        (lambda: kt.loss_at_min_compute(1e6, np.inf), r"C_min_pf \(PF-days\) must be"),
        (lambda: kt.tokens_to_reach(1e5, 4.0), r"above the converged loss .* of N = 1e\+05, got 4"),
        (
            lambda: kt.optimal_params_at_compute([1e-3], B19, N_bounds=(1e7, 1e9)),
            r"lies at a bound",
        ),
        (lambda: kt.optimal_params_at_compute([1e-3], N_bounds=(1e9, 1e7)), r"N_bounds must be"),
        (lambda: ke.convergence_factor_ratios(0.0, 0.02), r"f must be a number in \(0, 10\]"),
    ],
)
@pytest.mark.badinput
def test_bad_inputs_name_the_parameter_and_range(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_eq_4_4_from_eq_4_3():
    # Kaplan 2020 eq 4.4: D >~ (5e3) N^0.74 keeps eq 4.3's overfitting below the seed noise 0.02
    coef, p = k.overfitting_data_threshold(0.02)
    assert abs(p - 0.74) <= 0.005 and 4.5e3 <= coef <= 6e3
    N = 1e9
    t = KAPLAN.joint_ND
    D = coef * N**p
    delta = (1 + (N / t.N_c) ** (t.alpha_N / t.alpha_D) * t.D_c / D) ** t.alpha_D - 1  # eq 4.3
    assert delta == pytest.approx(0.02, rel=1e-12)


@pytest.mark.badinput
@pytest.mark.parametrize("delta", [0.0, -0.1, 1.0, float("nan")])
def test_eq_4_4_bad_delta(delta):
    with pytest.raises(ValueError, match=r"delta must be a number in \(0, 1\)"):
        k.overfitting_data_threshold(delta)
