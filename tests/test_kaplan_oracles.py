"""Kaplan et al. 2020's laws under constants other than the paper's, against the paper's own
equations: every ``fit`` / ``batch`` / ``B`` argument must reach the number it changes.

Oracles: the implicit equations themselves (eq 5.6 with eqs 5.3-5.4: a returned loss must solve
them to rounding), the identity C_min = 6 N B_crit S_min of section 5.1 along the frontier, the
closed-form frontier of App. B (eqs B.6, B.9) against the numerical minimum of eq B.3, and
inverses. Constants are moved off the paper's so that a default argument silently used in place of
the one passed gives a different number. Bad input: every argument's message starts with that
argument's name as the docs print it.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from scalinglaws.constants import KAPLAN
from scalinglaws.laws import kaplan as k
from scalinglaws.laws import kaplan_efficient as ke
from scalinglaws.laws import kaplan_training as kt

# Table 3's and eq 5.3's constants, each moved by a few tens of per cent
FIT = dataclasses.replace(KAPLAN.joint_NS, alpha_N=0.09, alpha_S=0.6, N_c=3e13, S_c=4e3)
BATCH = dataclasses.replace(KAPLAN.basic, alpha_B=0.25, B_star=6e8)
PF_DAY = KAPLAN.setup.pf_day_flop
B_FIXED = 2.0**19
RTOL = 1e-9  # the implicit solver converges to 1e-13 relative; a wrong constant moves it by >1e-3


def _b_crit(L):
    """Eq 5.3 (eq 1.4) with BATCH: B_crit(L) = B_* / L^(1/alpha_B)."""
    return BATCH.B_star / L ** (1.0 / BATCH.alpha_B)


def _eq_5_6(N, S_min):
    """Eq 5.6 with FIT: L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S."""
    return (FIT.N_c / N) ** FIT.alpha_N + (FIT.S_c / S_min) ** FIT.alpha_S


def test_constants_differ_from_the_papers():
    # the oracles below only bite if every constant passed differs from its default
    for name in ("alpha_N", "alpha_S", "N_c", "S_c"):
        assert getattr(FIT, name) != getattr(KAPLAN.joint_NS, name)
    for name in ("alpha_B", "B_star"):
        assert getattr(BATCH, name) != getattr(KAPLAN.basic, name)


def test_fixed_steps_loss_solves_eqs_5_3_5_4_5_6():
    N, S, B = np.array([1e6, 3e7, 1e9]), np.array([2e4, 5e4, 3e5]), np.array([1e5, 5e5, 4e6])
    L = kt.loss_at_steps(N, S, B, fit=FIT, batch=BATCH)
    S_min = S / (1.0 + _b_crit(L) / B)  # eq 5.4
    np.testing.assert_allclose(L, _eq_5_6(N, S_min), rtol=RTOL)


def test_learning_curve_is_the_fixed_steps_loss_at_tokens_over_B():
    N, tokens, B = 3e7, np.array([1e9, 1e10, 1e11]), 3e5
    L = kt.learning_curve_tokens(N, tokens, B, fit=FIT, batch=BATCH)
    S_min = tokens / B / (1.0 + _b_crit(L) / B)
    np.testing.assert_allclose(L, _eq_5_6(N, S_min), rtol=RTOL)


def test_fixed_compute_loss_solves_eq_5_6_at_S_equal_C_over_6NB():
    N, C_pf, B = np.array([1e6, 1e8]), np.array([1e-2, 1.0]), 3e5
    L = kt.loss_at_compute(N, C_pf, B, fit=FIT, batch=BATCH)
    S = C_pf * PF_DAY / (6.0 * N * B)
    np.testing.assert_allclose(S, kt.steps_at_compute(N, C_pf, B), rtol=1e-15)
    np.testing.assert_allclose(L, _eq_5_6(N, S / (1.0 + _b_crit(L) / B)), rtol=RTOL)


def test_critical_batch_loss_solves_eq_B_3():
    # at B = B_crit: C = 6 N B_crit S and C_min = C / 2 = 6 N B_crit S_min (section 5.1)
    N, C_min = np.array([1e6, 1e8]), np.array([1e-3, 1.0])
    L = kt.loss_at_min_compute(N, C_min, fit=FIT, batch=BATCH)
    S_min = C_min * PF_DAY / (6.0 * N * _b_crit(L))
    np.testing.assert_allclose(L, _eq_5_6(N, S_min), rtol=RTOL)


def test_min_steps_and_min_compute_use_the_batch_passed():
    S, B, L, C = 1e5, 3e5, 3.2, 1e20
    np.testing.assert_allclose(
        k.min_steps(S, B, L, batch=BATCH), S / (1 + _b_crit(L) / B), rtol=1e-14
    )
    np.testing.assert_allclose(
        k.min_compute(C, B, L, batch=BATCH), C / (1 + B / _b_crit(L)), rtol=1e-14
    )


def test_tokens_to_reach_inverts_the_learning_curve_under_other_constants():
    N, B = np.array([1e6, 1e8]), 3e5
    L_target = kt.learning_curve_tokens(N, np.array([3e9, 3e10]), B, fit=FIT, batch=BATCH)
    tokens = kt.tokens_to_reach(N, L_target, B, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(tokens, [3e9, 3e10], rtol=1e-8)


def test_closed_form_frontier_is_the_numerical_minimum_of_eq_B_3():
    """Eqs B.6 and B.9 in closed form against eq B.3 minimised over N by golden section."""
    C = np.array([1e-4, 1e-1, 1e2])
    N_num, L_num = kt.optimal_params_at_compute(C, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(N_num, ke.efficient_params(C, fit=FIT, batch=BATCH), rtol=1e-6)
    np.testing.assert_allclose(L_num, ke.efficient_loss(C, fit=FIT, batch=BATCH), rtol=1e-12)
    np.testing.assert_allclose(
        ke.efficient_batch(C, fit=FIT, batch=BATCH), _b_crit(L_num), rtol=1e-11
    )


def test_frontier_steps_satisfy_C_min_equal_6_N_B_crit_S_min():
    C = np.array([1e-3, 1.0, 1e3])
    N = ke.efficient_params(C, fit=FIT, batch=BATCH)
    B = ke.efficient_batch(C, fit=FIT, batch=BATCH)
    S = ke.efficient_steps(C, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(6.0 * N * B * S / PF_DAY, C, rtol=1e-12)


def test_efficient_compute_inverts_efficient_params():
    C = np.array([1e-5, 1e-2, 10.0])
    N = ke.efficient_params(C, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(
        ke.efficient_compute_for_params(N, fit=FIT, batch=BATCH), C, rtol=1e-12
    )


def test_fixed_batch_optimum_is_a_minimum_to_the_solvers_precision():
    """Figure 11 left's optimum at B = 2^19 under other constants: the loss there is below its
    value a hair either side, the grid's resolution does not move it, and it is the loss at N."""
    C = np.array([1e-3, 1.0])
    N, L = kt.optimal_params_at_compute(C, B_FIXED, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(
        L, kt.loss_at_compute(N, C, B_FIXED, fit=FIT, batch=BATCH), rtol=1e-13
    )
    for step in (1 - 1e-3, 1 + 1e-3):
        assert np.all(kt.loss_at_compute(N * step, C, B_FIXED, fit=FIT, batch=BATCH) > L)
    N_fine, _ = kt.optimal_params_at_compute(C, B_FIXED, n_grid=400, fit=FIT, batch=BATCH)
    np.testing.assert_allclose(N, N_fine, rtol=1e-6)
    N_paper, _ = kt.optimal_params_at_compute(C, B_FIXED)
    assert np.all(np.abs(np.log(N_paper / N)) > 0.1)  # the constants passed are the ones used
    N_b, L_b = kt.optimal_params_at_compute(C, 3e5, fit=FIT, batch=BATCH)  # another batch
    np.testing.assert_allclose(
        L_b, kt.loss_at_compute(N_b, C, 3e5, fit=FIT, batch=BATCH), rtol=1e-13
    )
    assert np.all(np.abs(np.log(N_b / N)) > 1e-3)


def test_an_optimum_at_either_bound_is_refused():
    N, _ = kt.optimal_params_at_compute([1e-3], B_FIXED)
    for bounds in ((N[0] * 3, N[0] * 100), (N[0] / 100, N[0] / 3)):
        with pytest.raises(ValueError, match=r"lies at a bound of N_bounds"):
            kt.optimal_params_at_compute([1e-3], B_FIXED, N_bounds=bounds)


def test_size_bounds_are_open_at_zero_and_must_be_ordered():
    C = [1e-3]
    N, _ = kt.optimal_params_at_compute(C, N_bounds=(0.5, 1e14))  # below 1 parameter is allowed
    np.testing.assert_allclose(N, kt.optimal_params_at_compute(C)[0], rtol=1e-6)
    for bounds in ((0.0, 1e14), (1e6, 1e6), (np.inf, 1e14)):
        with pytest.raises(ValueError, match=r"N_bounds must be two numbers with 0 < lo < hi"):
            kt.optimal_params_at_compute(C, N_bounds=bounds)


def test_fitted_range_includes_its_ends():
    st = KAPLAN.studied
    S = st.fit_min_steps
    assert k.in_fitted_range(st.N_min, S) and k.in_fitted_range(st.N_max, S)
    assert not k.in_fitted_range(st.N_min * 0.999, S) and not k.in_fitted_range(st.N_max * 1.001, S)
    assert not k.in_fitted_range(st.N_min, S * 0.999)


def test_eq_6_7_tokens_are_twice_C_min_over_6N():
    C = np.array([1e-3, 1.0, 1e3])
    D = k.efficient_tokens_from_params(C)
    np.testing.assert_allclose(D * 6.0 * k.table6_params(C), 2.0 * C * PF_DAY, rtol=1e-14)


N_ = "N (non-embedding parameters)"
BAD = [
    (lambda: k.loss_of_data(-1.0), "D (tokens)"),
    (lambda: k.loss_of_compute_min(0.0), "C_min_pf (PF-days)"),
    (lambda: k.loss_params_data(-1.0, 1e9), N_),
    (lambda: k.loss_params_data(1e6, -1.0), "D (tokens)"),
    (lambda: k.loss_params_steps(-1.0, 1e4), N_),
    (lambda: k.loss_params_steps(1e6, -1.0), "S_min (steps)"),
    (lambda: k.in_fitted_range(-1.0, 1e4), N_),
    (lambda: k.in_fitted_range(1e6, -1.0), "S (steps)"),
    (lambda: k.min_steps(-1.0, 1e5, 3.0), "S (steps)"),
    (lambda: k.min_steps(1e4, -1.0, 3.0), "B (tokens per step)"),
    (lambda: k.min_compute(-1.0, 1e5, 3.0), "C (compute)"),
    (lambda: k.min_compute(1e20, -1.0, 3.0), "B (tokens per step)"),
    (lambda: k.table6_params(-1.0), "C_min_pf (PF-days)"),
    (lambda: k.efficient_tokens(-1.0), "C_min_pf (PF-days)"),
    (lambda: k.efficient_tokens_from_params(-1.0), "C_min_pf (PF-days)"),
    (lambda: kt.loss_at_steps(-1.0, 1e4), N_),
    (lambda: kt.steps_at_compute(-1.0, 1.0), N_),
    (lambda: kt.steps_at_compute(1e6, 1.0, -1.0), "B (tokens per step)"),
    (lambda: kt.loss_at_compute(-1.0, 1.0), N_),
    (lambda: kt.loss_at_compute(1e6, 1.0, -1.0), "B (tokens per step)"),
    (lambda: kt.loss_at_min_compute(-1.0, 1.0), N_),
    (lambda: kt.learning_curve_tokens(1e6, -1.0), "tokens"),
    (lambda: kt.learning_curve_tokens(1e6, 1e9, -1.0), "B (tokens per step)"),
    (lambda: kt.tokens_to_reach(-1.0, 4.0), N_),
    (lambda: kt.tokens_to_reach(1e6, -1.0), "L (nats per token)"),
    (lambda: kt.tokens_to_reach(1e6, 4.0, -1.0), "B (tokens per step)"),
    (lambda: kt.optimal_params_at_compute([-1.0]), "C_pf (PF-days)"),
    (lambda: ke.efficient_loss(-1.0), "C_min_pf (PF-days)"),
    (lambda: ke.efficient_params(-1.0), "C_min_pf (PF-days)"),
    (lambda: ke.efficient_compute_for_params(-1.0), N_),
    (lambda: ke.efficient_steps(-1.0), "C_min_pf (PF-days)"),
]


@pytest.mark.badinput
@pytest.mark.parametrize(("call", "name"), BAD, ids=[f"{i}:{n}" for i, (_, n) in enumerate(BAD)])
def test_each_argument_is_named_as_the_docs_print_it(call, name):
    with pytest.raises(ValueError, match="^" + re.escape(name) + " must be a finite number in"):
        call()


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: kt.loss_at_steps(np.array([1e6, 1e7]), 1e4),
         r"^implicit loss at fixed steps \(Kaplan 2020 eqs 5\.3, 5\.4, 5\.6\) did not converge.*N=1000000\.0, S=10000\.0"),
        (lambda: kt.loss_at_compute(np.array([1e6, 1e7]), 0.01),
         r"^implicit loss at fixed compute \(Kaplan 2020 eqs 5\.3-5\.6, S = C/\(6NB\)\)"),
        (lambda: kt.loss_at_min_compute(np.array([1e6, 1e7]), 0.01),
         r"^implicit loss at minimum compute \(Kaplan 2020 eq B\.3\).*N=1000000\.0"),
    ],
)  # fmt: skip
def test_solver_failure_names_what_it_solved(monkeypatch, call, pattern):
    solve = kt._implicit_loss
    monkeypatch.setattr(kt, "_implicit_loss", lambda *a, **kw: solve(*a, **{**kw, "max_iter": 1}))
    with pytest.raises(kt.ImplicitLossError, match=pattern):
        call()


def test_appendix_f_terms_as_the_paper_lists_them():
    """Hoffmann 2022 App. F, term by term (forward pass of one sequence of S tokens; the backward
    pass is twice the forward): embeddings 2SVd and final logits 2SdV; per layer KQV 2*3Sd(kh),
    logits 2S^2(kh), softmax 3hS^2, softmax@value 2S^2(kh), final linear 2S(kh)d, dense 2S(2df)."""
    from scalinglaws.laws import chinchilla as ch

    L, d, f, h, k, S, V, D = 3, 512, 2048, 8, 64, 2048, 32000, 1e9
    kh = k * h
    layer = 2 * 3 * S * d * kh + 2 * S * S * kh + 3 * h * S * S + 2 * S * S * kh + 2 * S * kh * d
    layer += 2 * S * (2 * d * f)
    per_token = lambda fwd: 3 * fwd / S * D  # noqa: E731 (forward + backward, per token, D tokens)
    without = ch.flops_appendix_f(
        L, d, f, h, k, D, seq_len=S, vocab_size=V, include_embeddings=False
    )
    assert without == pytest.approx(per_token(L * layer), rel=1e-14)
    with_emb = ch.flops_appendix_f(L, d, f, h, k, D, seq_len=S, vocab_size=V)
    assert with_emb == pytest.approx(
        per_token(L * layer + 2 * S * V * d + 2 * S * d * V), rel=1e-14
    )


BASIC = dataclasses.replace(KAPLAN.basic, alpha_N=0.09, alpha_S=0.6, alpha_D=0.12, alpha_C_min=0.06)


def test_frontier_exponents_sum_to_one_under_any_constants():
    # eq 1.7: C = 6 N B S, so the exponents of N, B and S sum to 1, and D = B S
    p = ke.efficient_exponents(FIT, BATCH)
    assert p["N"] + p["B"] + p["S"] == pytest.approx(1.0, rel=1e-14)
    assert p["D"] == pytest.approx(p["B"] + p["S"], rel=1e-14)
    assert p["N"] == pytest.approx(ke.alpha_C_min_theory(FIT, BATCH) / FIT.alpha_N, rel=1e-14)


def test_excess_interval_ends_cost_the_penalty_under_other_constants():
    for penalty in (1.2, 100.0):
        lo, hi = ke.excess_compute_interval(penalty, fit=BASIC)
        assert ke.excess_compute_ratio(lo, fit=BASIC) == pytest.approx(penalty, rel=1e-10)
        assert ke.excess_compute_ratio(hi, fit=BASIC) == pytest.approx(penalty, rel=1e-10)
        assert lo < 1.0 < hi


def test_eq_6_8_crossing_meets_both_laws_under_other_constants():
    x = k.data_limit_intersection(3e10, 0.3, fit=BASIC)
    assert x["L_star"] == pytest.approx(k.loss_of_compute_min(x["C_star"], fit=BASIC), rel=1e-12)
    assert x["L_star"] == pytest.approx(k.loss_of_data(x["D_star"], fit=BASIC), rel=1e-10)


@pytest.mark.badinput
@pytest.mark.parametrize(
    ("call", "ok", "bad"),
    [
        (lambda v: ke.convergence_factor_ratios(v, 0.02), 10.0, (10.5, 0.0)),
        (lambda v: ke.convergence_factor_ratios(0.1, v), 10.0, (10.5, 0.0)),
        (lambda v: ke.excess_compute_interval(v), 100.0, (100.5, 1.0)),
        (lambda v: k.data_limit_intersection(2e10, v), 0.5, (0.0, 1.0, 1.5, np.nan)),
        (lambda v: k.data_limit_intersection(v, 0.27), 0.5, (0.0, -1.0, np.inf)),
    ],
)
def test_ranges_include_and_exclude_their_ends(call, ok, bad):
    """Each range as its message states it: (0, 10], (1, 100], (0, 1), > 0."""
    call(ok)
    for v in bad:
        with pytest.raises(ValueError, match=r"must be"):
            call(v)


def test_a_loss_at_the_converged_value_is_refused_with_that_value():
    N = 1e5
    converged = (KAPLAN.joint_NS.N_c / N) ** KAPLAN.joint_NS.alpha_N
    with pytest.raises(
        ValueError, match=re.escape(f"(N_c/N)^alpha_N = {converged:.4g} of N = 1e+05")
    ):
        kt.tokens_to_reach(np.array([1e6, N]), np.array([5.0, converged]))  # the second is named


def test_a_refusal_names_the_budget_and_the_input_that_fail():
    """Where only the second of two budgets has its optimum at a bound, the refusal names that
    budget; where only the second of two losses is not above its size's converged loss (eq 1.4's
    (N_c/N)^alpha_N), the refusal names that loss, and the size, also when N is one number and L
    an array (the first loss sits 0.5 nats above its floor: within 1 nat of it)."""
    N, _ = kt.optimal_params_at_compute([1e-4, 1e-3], B_FIXED)
    bounds = (N[0] / 10, N[0] * 3)  # holds the first optimum, not the second (N_opt grows with C)
    want = f"at C_pf=0.001 PF-days lies at a bound of N_bounds={(float(bounds[0]), float(bounds[1]))!r}"
    with pytest.raises(ValueError, match=re.escape(want) + "$"):
        kt.optimal_params_at_compute([1e-4, 1e-3], B_FIXED, N_bounds=bounds)
    size = 1e6
    floor = (KAPLAN.joint_NS.N_c / size) ** KAPLAN.joint_NS.alpha_N
    L = [floor + 0.5, floor - 0.1]
    want = (f"L (nats per token) must be above the converged loss (N_c/N)^alpha_N = {floor:.4g} of "
            f"N = {size:.4g}, got {L[1]!r}")  # fmt: skip
    with pytest.raises(ValueError, match=f"^{re.escape(want)}$"):
        kt.tokens_to_reach(size, L)
    with pytest.raises(ValueError, match=f"^{re.escape(want)}$"):
        kt.tokens_to_reach([size, size], L)
