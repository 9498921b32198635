"""Laws of Kaplan et al. 2020 (arXiv:2001.08361) as pure, vectorised functions.

Symbols follow the paper: N non-embedding parameters, D tokens, B batch size in tokens, S steps,
L loss in nats per token, C compute. Constants come only from
:mod:`scalinglaws.constants.kaplan2020`; each function names the equation it implements.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from scalinglaws.constants import KAPLAN

_BASIC = KAPLAN.basic

# --------------------------------------------------------------------------------------------
# Appendix B.4, Figure 12: excess compute and excess steps away from the efficient model size
# --------------------------------------------------------------------------------------------


def excess_domain_min(alpha_N: float = _BASIC.alpha_N, alpha_S: float = _BASIC.alpha_S) -> float:
    """Smallest N/N_eff where eqs B.16 and B.17 are real: (1 + alpha_N/alpha_S)^(-1/alpha_N).

    Below it the bracket 1 + (alpha_S/alpha_N)(1 - (N_eff/N)^alpha_N) is not positive: the model is
    too small to ever reach the loss of the efficient model, and the required compute diverges.
    With the paper's alpha_N = 0.076, alpha_S = 0.76 it is 0.2853.
    """
    return float((1.0 + alpha_N / alpha_S) ** (-1.0 / alpha_N))


def _excess_bracket(ratio, alpha_N: float, alpha_S: float) -> np.ndarray:
    x = np.asarray(ratio, dtype=float)
    lo = excess_domain_min(alpha_N, alpha_S)
    bad = ~np.isfinite(x) | (x <= lo)
    if np.any(bad):
        first = x[bad].flat[0] if x.ndim else float(x)
        raise ValueError(
            f"N/N_eff must be a finite number greater than {lo:.4f} (the pole of Kaplan 2020 "
            f"eqs B.16/B.17 for alpha_N={alpha_N}, alpha_S={alpha_S}), got {first!r}"
        )
    return 1.0 + (alpha_S / alpha_N) * (1.0 - x ** (-alpha_N))


def excess_steps_ratio(
    ratio, alpha_N: float = _BASIC.alpha_N, alpha_S: float = _BASIC.alpha_S
) -> np.ndarray:
    """Eq B.17: S(N, N_eff) / S(N_eff, N_eff), the steps needed relative to the efficient model.

    ratio: N/N_eff (dimensionless, > :func:`excess_domain_min`). Returns an array of the same shape.
    Both runs reach the same loss, the one the efficient model reaches on its budget.
    """
    return _excess_bracket(ratio, alpha_N, alpha_S) ** (-1.0 / alpha_S)


def excess_compute_ratio(
    ratio, alpha_N: float = _BASIC.alpha_N, alpha_S: float = _BASIC.alpha_S
) -> np.ndarray:
    """Eq B.16: C(N, N_eff) / C(N_eff, N_eff), the compute needed relative to the efficient model.

    ratio: N/N_eff (dimensionless, > :func:`excess_domain_min`). Equal to ratio times eq B.17,
    since C = 6 N B S at the critical batch size. The minimum, 1, is at ratio = 1.
    """
    x = np.asarray(ratio, dtype=float)
    return x * excess_steps_ratio(x, alpha_N, alpha_S)


def excess_compute_interval(
    penalty: float, alpha_N: float = _BASIC.alpha_N, alpha_S: float = _BASIC.alpha_S
) -> tuple[float, float]:
    """The interval of N/N_eff whose compute is at most ``penalty`` times the efficient compute.

    Solves eq B.16 = penalty on each side of the minimum at 1 (a bracketed root). Kaplan 2020,
    App. B.4: penalty 1.2 gives "between 0.6x and 2.2x" (the equations give 0.577 and 2.184).
    """
    if not np.isfinite(penalty) or not 1.0 < penalty <= 100.0:
        raise ValueError(f"penalty must be a number in (1, 100], got {penalty!r}")
    lo_edge = excess_domain_min(alpha_N, alpha_S) * (1.0 + 1e-12)

    def f(x):
        return float(excess_compute_ratio(x, alpha_N, alpha_S)) - penalty

    lo = brentq(f, lo_edge, 1.0, xtol=1e-14, rtol=1e-14)
    hi = brentq(f, 1.0, 1e6, xtol=1e-14, rtol=1e-14)
    return lo, hi


# ============================================================================================
# Single-variable laws (section 1.2, Tables 4-5), joint laws (eqs 1.5, 1.6), batch (section 5.1)
# ============================================================================================
# Units throughout: N non-embedding parameters; D, B, tokens in tokens; S optimiser steps;
# L nats per token; C in FLOP, C_pf / C_min_pf in PF-days (1 PF-day = 8.64e19 FLOP).

from scalinglaws import units  # noqa: E402
from scalinglaws.units import positive_array  # noqa: E402

_T2 = KAPLAN.joint_ND
_T3 = KAPLAN.joint_NS
_SETUP = KAPLAN.setup
_EFF = KAPLAN.efficient
_STUDIED = KAPLAN.studied
_B_FIXED = float(_SETUP.batch_tokens)  # 2^19 tokens, the batch of the paper's runs

_N_NAME = "N (non-embedding parameters)"


def loss_of_params(N, alpha_N: float = _BASIC.alpha_N, N_c: float = _BASIC.N_c):
    """Eq 1.1: L(N) = (N_c/N)^alpha_N, the converged loss of a model of N parameters.

    N: non-embedding parameters (array). Returns nats per token. Table 5: alpha_N = 0.076,
    N_c = 8.8e13. Fitted on models of 768 to 1.5e9 parameters trained near convergence.
    """
    return (N_c / positive_array(_N_NAME, N)) ** alpha_N


def loss_of_data(D, alpha_D: float = _BASIC.alpha_D, D_c: float = _BASIC.D_c):
    """Eq 1.2: L(D) = (D_c/D)^alpha_D, large models with early stopping on D tokens.

    D: tokens (array). Returns nats per token. Table 5: alpha_D = 0.095, D_c = 5.4e13.
    """
    return (D_c / positive_array("D (tokens)", D)) ** alpha_D


def loss_of_compute_min(
    C_min_pf, alpha_C_min: float = _BASIC.alpha_C_min, C_c_min: float = _BASIC.C_c_min
):
    """Eq 1.3 / 6.3: L(C_min) = (C_c^min/C_min)^alpha_C^min, the compute-efficient frontier fit.

    C_min_pf: minimum compute (eq 5.5, batch far below B_crit) in PF-days (array). Returns nats per
    token. Table 5: alpha_C^min = 0.050, C_c^min = 3.1e8 PF-days.
    """
    return (C_c_min / positive_array("C_min_pf (PF-days)", C_min_pf)) ** alpha_C_min


def loss_of_compute_fixed_batch(C_pf, alpha_C: float = _BASIC.alpha_C, C_c: float = _BASIC.C_c):
    """Eq 3.3: L(C) = (C_c/C)^alpha_C, the naive trend at fixed batch 2^19 (Table 5).

    C_pf: compute in PF-days (array). Returns nats per token. alpha_C = 0.057, C_c = 1.6e7 PF-days.
    """
    return (C_c / positive_array("C_pf (PF-days)", C_pf)) ** alpha_C


def loss_params_data(
    N,
    D,
    alpha_N: float = _T2.alpha_N,
    alpha_D: float = _T2.alpha_D,
    N_c: float = _T2.N_c,
    D_c: float = _T2.D_c,
):
    """Eq 1.5 / 4.1: L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D with Table 2's fit.

    N: non-embedding parameters; D: dataset tokens (arrays, broadcast). Returns nats per token,
    the early-stopped loss. Table 2: alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13.
    Not trusted near D ~ 2e7 tokens, which the fit excluded (section 4.2).
    """
    N = positive_array(_N_NAME, N)
    D = positive_array("D (tokens)", D)
    return ((N_c / N) ** (alpha_N / alpha_D) + D_c / D) ** alpha_D


def loss_params_steps(
    N,
    S_min,
    alpha_N: float = _T3.alpha_N,
    alpha_S: float = _T3.alpha_S,
    N_c: float = _T3.N_c,
    S_c: float = _T3.S_c,
):
    """Eq 1.6 / 5.6: L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S with Table 3's fit.

    N: non-embedding parameters; S_min: steps at B >> B_crit (eq 5.4) (arrays, broadcast).
    Returns nats per token. Table 3: alpha_N = 0.077, alpha_S = 0.76, N_c = 6.5e13, S_c = 2.1e3.
    Fitted on the steps after the 3000-step warm-up; see :func:`in_fitted_range`.
    """
    N = positive_array(_N_NAME, N)
    S_min = positive_array("S_min (steps)", S_min)
    return (N_c / N) ** alpha_N + (S_c / S_min) ** alpha_S


def critical_batch(L, B_star: float = _BASIC.B_star, alpha_B: float = _BASIC.alpha_B):
    """Eq 1.4 / 5.3: B_crit(L) = B_* / L^(1/alpha_B), in tokens.

    L: loss in nats per token (array). Table 5: B_* = 2.1e8 tokens, alpha_B = 0.21 (so
    B_crit ~ L^-4.8, Fig 10). Measured for losses of about 3 to 10 nats (Fig 10).
    """
    return B_star / positive_array("L (nats per token)", L) ** (1.0 / alpha_B)


def min_steps(S, B, L, **batch_constants):
    """Eq 5.4: S_min(S) = S / (1 + B_crit(L)/B), the steps training at B >> B_crit would need.

    S: steps taken at batch B (tokens) to reach loss L (nats). Returns steps. Keyword arguments
    (B_star, alpha_B) go to :func:`critical_batch`.
    """
    S = positive_array("S (steps)", S)
    B = positive_array("B (tokens per step)", B)
    return S / (1.0 + critical_batch(L, **batch_constants) / B)


def min_compute(C, B, L, **batch_constants):
    """Eq 5.5: C_min(C) = C / (1 + B/B_crit(L)), the compute training at B << B_crit would need.

    C: compute spent at batch B (tokens) to reach loss L (nats), in any unit (FLOP or PF-days);
    returns the same unit. Keyword arguments (B_star, alpha_B) go to :func:`critical_batch`.
    """
    C = positive_array("C (compute)", C)
    B = positive_array("B (tokens per step)", B)
    return C / (1.0 + B / critical_batch(L, **batch_constants))


training_compute = units.training_compute  # C = 6 N B S FLOP (section 1.3)
pf_days_to_flop = units.pf_days_to_flop  # section 1.3: 1 PF-day = 8.64e19 FLOP
flop_to_pf_days = units.flop_to_pf_days


# ============================================================================================
# The implicit losses of Figure 11: eq 5.6 with S_min from eq 5.4 (fixed steps or fixed compute)
# ============================================================================================


class ImplicitLossError(ValueError):
    """The implicit loss did not converge; the message names the inputs where it failed."""


def _implicit_loss(a, c0, c1, *, alpha_S, alpha_B, what, inputs, rtol=1e-13, max_iter=200):
    """Solve L = a + (c0 + c1 L^(-1/alpha_B))^alpha_S elementwise (a > 0, c0 >= 0, c1 > 0).

    The right side g(L) is strictly decreasing in L, so f(L) = 1 - g(L)/L is strictly increasing
    and has exactly one root. Bracket: for every L > 0, g(L) > lo := a + c0^alpha_S, so the root
    is above lo and f(lo) < 0; and since the root L* >= lo, L* = g(L*) <= g(lo) =: hi, with
    f(hi) >= 0. The root is found on [lo, hi] by the Illinois variant of regula falsi, vectorised
    over all points; a point has converged when |f| <= rtol (a relative error in L of at most
    about rtol, since d f / d ln L >= 1 at the root) or its bracket is narrower than rtol * L.
    """
    a, c0, c1 = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(a, c0, c1))
    shape = a.shape
    a, c0, c1 = a.ravel(), c0.ravel(), c1.ravel()
    inv_b = 1.0 / alpha_B
    out = np.empty_like(a)

    def f(L, a, c0, c1):
        return 1.0 - (a + (c0 + c1 * L ** (-inv_b)) ** alpha_S) / L

    lo = a + c0**alpha_S
    hi = a + (c0 + c1 * lo ** (-inv_b)) ** alpha_S
    f_lo, f_hi = f(lo, a, c0, c1), f(hi, a, c0, c1)
    idx = np.arange(a.size)
    # Points whose bracket is already tight (or an end is the root to rounding) are done.
    done = (f_hi <= rtol) | (f_lo >= -rtol) | (hi - lo <= rtol * hi)
    out[done] = np.where(f_lo[done] >= -rtol, lo[done], hi[done])
    keep = ~done
    idx, a, c0, c1, lo, hi, f_lo, f_hi = (v[keep] for v in (idx, a, c0, c1, lo, hi, f_lo, f_hi))
    side = np.zeros(idx.size, dtype=np.int8)
    for _ in range(max_iter):
        if idx.size == 0:
            break
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        x = np.where((x > lo) & (x < hi), x, 0.5 * (lo + hi))  # rounding guard
        fx = f(x, a, c0, c1)
        conv = (np.abs(fx) <= rtol) | (hi - lo <= rtol * x)
        out[idx[conv]] = x[conv]
        up = fx > 0.0  # root below x: x becomes the upper end
        f_lo = np.where(up & (side == 1), 0.5 * f_lo, f_lo)  # Illinois: same end kept twice
        f_hi = np.where(~up & (side == -1), 0.5 * f_hi, f_hi)
        hi, f_hi = np.where(up, x, hi), np.where(up, fx, f_hi)
        lo, f_lo = np.where(up, lo, x), np.where(up, f_lo, fx)
        side = np.where(up, 1, -1).astype(np.int8)
        keep = ~conv
        idx, a, c0, c1, lo, hi, f_lo, f_hi, side = (
            v[keep] for v in (idx, a, c0, c1, lo, hi, f_lo, f_hi, side)
        )
    if idx.size:
        first = idx[0]
        named = ", ".join(f"{k}={float(np.ravel(v)[first])!r}" for k, v in inputs.items())
        raise ImplicitLossError(
            f"{what} did not converge in {max_iter} iterations at {idx.size} of {out.size} points; "
            f"first at {named}"
        )
    return out.reshape(shape)


def _broadcast_inputs(**named):
    arrays = np.broadcast_arrays(*named.values())
    return dict(zip(named, (np.asarray(v, dtype=float) for v in arrays), strict=True))


def loss_at_steps(
    N,
    S,
    B=_B_FIXED,
    *,
    alpha_N: float = _T3.alpha_N,
    alpha_S: float = _T3.alpha_S,
    N_c: float = _T3.N_c,
    S_c: float = _T3.S_c,
    B_star: float = _BASIC.B_star,
    alpha_B: float = _BASIC.alpha_B,
):
    """Loss after S steps at batch B: solves L = (N_c/N)^alpha_N + (S_c/S_min(S, B, L))^alpha_S.

    Eq 5.6 (Table 3 constants) with eq 5.4, S_min = S / (1 + B_crit(L)/B), and eq 5.3's B_crit:
    L appears on both sides, and the unique root is found exactly (see :func:`_implicit_loss`).
    This is Kaplan 2020 Figure 11 right's model. N: non-embedding parameters; S: steps;
    B: tokens per step (default 2^19, the paper's runs); arrays broadcast. Returns nats per token.
    Raises :class:`ImplicitLossError` naming the inputs if it does not converge.
    """
    inp = _broadcast_inputs(
        N=positive_array(_N_NAME, N),
        S=positive_array("S (steps)", S),
        B=positive_array("B (tokens per step)", B),
    )
    k = dict(alpha_N=alpha_N, alpha_S=alpha_S, N_c=N_c, S_c=S_c, B_star=B_star, alpha_B=alpha_B)
    what = "implicit loss at fixed steps (Kaplan 2020 eqs 5.3, 5.4, 5.6)"
    return _fixed_batch_loss(inp["N"], inp["S"], inp["B"], what, inp, k)


def _fixed_batch_loss(N, S, B, what, inputs, k):
    """Eq 5.6 with eq 5.4 at batch B: L = a + (c0 + c1 L^(-1/alpha_B))^alpha_S, solved exactly."""
    c0 = k["S_c"] / S
    return _implicit_loss(
        (k["N_c"] / N) ** k["alpha_N"],
        c0,
        c0 * k["B_star"] / B,
        alpha_S=k["alpha_S"],
        alpha_B=k["alpha_B"],
        what=what,
        inputs=inputs,
    )


def steps_at_compute(N, C_pf, B=_B_FIXED):
    """S = C / (6 N B): steps that C_pf PF-days buy a model of N parameters at batch B tokens."""
    C = units.pf_days_to_flop(C_pf)
    return C / (
        _SETUP.flop_per_param_token
        * positive_array(_N_NAME, N)
        * positive_array("B (tokens per step)", B)
    )


def loss_at_compute(N, C_pf, B=_B_FIXED, **constants):
    """Loss of a model of N parameters trained with C_pf PF-days at fixed batch B (Figure 11 left).

    S = C/(6NB) steps, then :func:`loss_at_steps`: eq 5.6 with eqs 5.4/5.5 and B_crit(L) from
    eq 5.3, an implicit equation in L solved exactly. N: non-embedding parameters; C_pf: compute
    in PF-days; B: tokens per step (default 2^19); arrays broadcast. Returns nats per token.
    Keyword arguments override the constants of :func:`loss_at_steps`; raises
    :class:`ImplicitLossError` naming N, C_pf and B if a point does not converge.
    """
    inp = _broadcast_inputs(
        N=positive_array(_N_NAME, N),
        C_pf=positive_array("C_pf (PF-days)", C_pf),
        B=positive_array("B (tokens per step)", B),
    )
    S = steps_at_compute(inp["N"], inp["C_pf"], inp["B"])
    what = "implicit loss at fixed compute (Kaplan 2020 eqs 5.3-5.6, S = C/(6NB))"
    return _fixed_batch_loss(inp["N"], S, inp["B"], what, inp, _frontier_constants(constants))


def loss_at_min_compute(
    N,
    C_min_pf,
    *,
    alpha_N: float = _T3.alpha_N,
    alpha_S: float = _T3.alpha_S,
    N_c: float = _T3.N_c,
    S_c: float = _T3.S_c,
    B_star: float = _BASIC.B_star,
    alpha_B: float = _BASIC.alpha_B,
):
    """Eq B.3: L = (N_c/N)^alpha_N + (6 B_* S_c N / (L^(1/alpha_B) C_min))^alpha_S, solved for L.

    The loss a model of N parameters reaches with C_min_pf PF-days when trained at the critical
    batch size (App. B: S = C/(6 N B_crit(L))), i.e. the learning curve L(N, C_min) drawn against
    batch-adjusted compute (eq 5.5). N: non-embedding parameters; C_min_pf: PF-days (broadcast).
    Returns nats per token. Its envelope over N is eqs B.6-B.9 (:func:`efficient_loss`).
    """
    inp = _broadcast_inputs(
        N=positive_array(_N_NAME, N), C_min_pf=positive_array("C_min_pf (PF-days)", C_min_pf)
    )
    C = inp["C_min_pf"] * _SETUP.pf_day_flop
    c1 = _SETUP.flop_per_param_token * B_star * S_c * inp["N"] / C
    return _implicit_loss(
        (N_c / inp["N"]) ** alpha_N,
        np.zeros_like(c1),
        c1,
        alpha_S=alpha_S,
        alpha_B=alpha_B,
        what="implicit loss at minimum compute (Kaplan 2020 eq B.3)",
        inputs=inp,
    )


# ============================================================================================
# Learning curves (Figure 2) and their fitted range
# ============================================================================================


def in_fitted_range(N, S):
    """True where eq 5.6 is an interpolation: S >= 3000 steps and 768 <= N <= 1.5e9.

    Table 3 was fitted on "all training steps after the warmup period" (section 5.2; warm-up is
    3000 steps, section 2.2) of models from 768 to 1.5e9 non-embedding parameters (section 3).
    Elsewhere, and especially at small S ("the power-law equation for the learning curves breaks
    down very early in training", Fig 11 caption), the law is an extrapolation. N: parameters;
    S: steps at the paper's batch 2^19 (arrays broadcast). Returns a boolean array.
    """
    N = positive_array(_N_NAME, N)
    S = positive_array("S (steps)", S)
    return (S >= _STUDIED.fit_min_steps) & (N >= _STUDIED.N_min) & (N <= _STUDIED.N_max)


def learning_curve_tokens(N, tokens, B=_B_FIXED, **constants):
    """L(N, tokens processed) at batch B (default 2^19): Figure 2 left, from eqs 5.3, 5.4, 5.6.

    S = tokens / B steps, then :func:`loss_at_steps` (implicit, solved exactly). N: non-embedding
    parameters; tokens: tokens processed; arrays broadcast. Returns nats per token.
    Fitted range: N from 768 to 1.5e9 and S >= 3000 steps (1.6e9 tokens at 2^19): earlier the law
    diverges as S -> 0 while real curves start near ln(50257) = 10.8 nats; Figure 2's 1e3 model is
    at the edge of the studied sizes and the runs end at 2.5e5 steps (1.3e11 tokens).
    """
    tokens = positive_array("tokens", tokens)
    return loss_at_steps(N, tokens / positive_array("B (tokens per step)", B), B, **constants)


def learning_curve_compute(N, C_min_pf, **constants):
    """L(N, C_min): Figure 2 right's learning curves against batch-adjusted PF-days (eq B.3).

    As in Figure 1 (footnote 2: "predicted compute when using a sufficiently small batch size"),
    compute is C_min (eq 5.5), so every curve touches the compute-efficient frontier (eqs B.5, B.6)
    at one point. N: non-embedding parameters; C_min_pf: PF-days; arrays broadcast. Returns nats.
    Fitted range as in :func:`learning_curve_tokens`: eq 5.6 holds after the warm-up, so the
    early (small-compute) end of each curve and sizes outside 768 to 1.5e9 are extrapolations.
    """
    return loss_at_min_compute(N, C_min_pf, **constants)


def tokens_to_reach(
    N,
    L,
    B=_B_FIXED,
    *,
    alpha_N: float = _T3.alpha_N,
    alpha_S: float = _T3.alpha_S,
    N_c: float = _T3.N_c,
    S_c: float = _T3.S_c,
    B_star: float = _BASIC.B_star,
    alpha_B: float = _BASIC.alpha_B,
):
    """Tokens a model of N parameters processes at batch B to reach loss L (eqs 5.3, 5.4, 5.6).

    Explicit inverse of :func:`learning_curve_tokens`: S_min = S_c / (L - (N_c/N)^alpha_N)^(1/alpha_S),
    S = S_min (1 + B_crit(L)/B), tokens = B S. N: parameters; L: nats per token; B: tokens per step
    (arrays broadcast). Raises ValueError if L is not above the converged loss (N_c/N)^alpha_N.
    """
    N = positive_array(_N_NAME, N)
    L = positive_array("L (nats per token)", L)
    B = positive_array("B (tokens per step)", B)
    floor = (N_c / N) ** alpha_N
    gap = L - floor
    if np.any(gap <= 0):
        i = np.flatnonzero(np.broadcast_to(gap, np.broadcast(N, L).shape).ravel() <= 0)[0]
        Nb, Lb = (np.broadcast_to(v, np.broadcast(N, L).shape).ravel()[i] for v in (N, L))
        fb = (N_c / Nb) ** alpha_N
        raise ValueError(
            f"L (nats per token) must be above the converged loss (N_c/N)^alpha_N = {fb:.4g} of "
            f"N = {Nb:.4g}, got {float(Lb)!r}"
        )
    S_min = S_c / gap ** (1.0 / alpha_S)
    return B * S_min * (1.0 + critical_batch(L, B_star, alpha_B) / B)


# ============================================================================================
# Compute-efficient frontier (App. B, eqs B.3-B.10; section 6; Table 6)
# ============================================================================================


def alpha_C_min_theory(
    alpha_N: float = _T3.alpha_N, alpha_S: float = _T3.alpha_S, alpha_B: float = _BASIC.alpha_B
) -> float:
    """Eq 1.8 / 6.4 / B.7: alpha_C^min = 1 / (1/alpha_S + 1/alpha_B + 1/alpha_N) (dimensionless).

    0.0525 with Table 3's alpha_N = 0.077 and 0.0520 with Table 5's 0.076 (eq B.7 prints 0.052;
    eq 6.4 prints 0.054).
    """
    return 1.0 / (1.0 / alpha_S + 1.0 / alpha_B + 1.0 / alpha_N)


def efficient_exponents(
    alpha_N: float = _T3.alpha_N, alpha_S: float = _T3.alpha_S, alpha_B: float = _BASIC.alpha_B
) -> dict[str, float]:
    """Eq 1.7: exponents of N, B, S and D = B S in C_min along the frontier (dimensionless).

    N ~ C^(alpha_C/alpha_N), B ~ C^(alpha_C/alpha_B), S ~ C^(alpha_C/alpha_S); they sum to 1 since
    C = 6 N B S. Compare Table 6's fitted p_N = 0.73, p_B = 0.24, p_S = 0.03, p_D = 0.27.
    """
    a = alpha_C_min_theory(alpha_N, alpha_S, alpha_B)
    p = {"N": a / alpha_N, "B": a / alpha_B, "S": a / alpha_S}
    p["D"] = p["B"] + p["S"]
    return p


def efficient_C_c(
    alpha_N: float = _T3.alpha_N,
    alpha_S: float = _T3.alpha_S,
    N_c: float = _T3.N_c,
    S_c: float = _T3.S_c,
    B_star: float = _BASIC.B_star,
    alpha_B: float = _BASIC.alpha_B,
) -> float:
    """Eq B.8: C_c = 6 N_c B_* S_c (1 + alpha_N/alpha_S)^(1/alpha_S + 1/alpha_N) (alpha_S/alpha_N)^(1/alpha_S).

    Returns PF-days (1.6e8 with Table 3 constants; eq 1.3's direct fit is 3.1e8).
    """
    r = alpha_N / alpha_S
    C = (
        6.0
        * N_c
        * B_star
        * S_c
        * (1.0 + r) ** (1.0 / alpha_S + 1.0 / alpha_N)
        * (1.0 / r) ** (1.0 / alpha_S)
    )
    return float(C / _SETUP.pf_day_flop)


def efficient_loss(C_min_pf, **constants):
    """Eq B.6: L(C_min) = (C_c/C_min)^alpha_C along the frontier derived from eq 5.6 (nats/token).

    C_min_pf: PF-days. alpha_C from eq B.7, C_c from eq B.8; keyword arguments override the
    constants (alpha_N, alpha_S, N_c, S_c, B_star, alpha_B).
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    exps = {k: v for k, v in constants.items() if k in ("alpha_N", "alpha_S", "alpha_B")}
    return (efficient_C_c(**constants) / C) ** alpha_C_min_theory(**exps)


def efficient_params(C_min_pf, **constants):
    """Eq B.9: N_eff(C) = N_c (C/C_c)^(alpha_C/alpha_N) (1 + alpha_N/alpha_S)^(1/alpha_N).

    C_min_pf: PF-days. Returns non-embedding parameters of the compute-efficient model.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    k = _frontier_constants(constants)
    a = alpha_C_min_theory(k["alpha_N"], k["alpha_S"], k["alpha_B"])
    return (
        k["N_c"]
        * (C / efficient_C_c(**k)) ** (a / k["alpha_N"])
        * (1.0 + k["alpha_N"] / k["alpha_S"]) ** (1.0 / k["alpha_N"])
    )


def efficient_compute_for_params(N, **constants):
    """Inverse of eq B.9: the C_min (PF-days) at which N parameters is the efficient size."""
    N = positive_array(_N_NAME, N)
    k = _frontier_constants(constants)
    a = alpha_C_min_theory(k["alpha_N"], k["alpha_S"], k["alpha_B"])
    base = N / (k["N_c"] * (1.0 + k["alpha_N"] / k["alpha_S"]) ** (1.0 / k["alpha_N"]))
    return efficient_C_c(**k) * base ** (k["alpha_N"] / a)


def efficient_steps(C_min_pf, **constants):
    """Eq B.10: S(C) = C_c/(6 N_c B_*) (1 + alpha_N/alpha_S)^(-1/alpha_N) (C/C_c)^(alpha_C/alpha_S).

    C_min_pf: PF-days. Returns steps at the critical batch (S_min, App. B). C_c here in FLOP.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    k = _frontier_constants(constants)
    a = alpha_C_min_theory(k["alpha_N"], k["alpha_S"], k["alpha_B"])
    C_c = efficient_C_c(**k)
    return (
        C_c
        * _SETUP.pf_day_flop
        / (6.0 * k["N_c"] * k["B_star"])
        * (1.0 + k["alpha_N"] / k["alpha_S"]) ** (-1.0 / k["alpha_N"])
        * (C / C_c) ** (a / k["alpha_S"])
    )


def efficient_batch(C_min_pf, **constants):
    """Eq B.2 on the frontier: B_crit(L(C_min)) in tokens, with L from eq B.6. C_min_pf: PF-days."""
    k = _frontier_constants(constants)
    return critical_batch(efficient_loss(C_min_pf, **k), k["B_star"], k["alpha_B"])


def _frontier_constants(overrides: dict) -> dict:
    """Table 3's eq 5.6 constants and Table 5's B_*, alpha_B, with ``overrides`` applied."""
    k = {
        "alpha_N": _T3.alpha_N,
        "alpha_S": _T3.alpha_S,
        "N_c": _T3.N_c,
        "S_c": _T3.S_c,
        "B_star": _BASIC.B_star,
        "alpha_B": _BASIC.alpha_B,
    }
    unknown = set(overrides) - set(k)
    if unknown:
        raise TypeError(f"unknown constants {sorted(unknown)}; accepted: {sorted(k)}")
    k.update(overrides)
    return k


def convergence_factor_ratios(
    f: float, f_prime: float, alpha_N: float = _BASIC.alpha_N, alpha_S: float = _BASIC.alpha_S
) -> tuple[float, float, float]:
    """Eqs B.12-B.14: (N_f/N_f', S_f/S_f', C_f/C_f') for the same loss at convergence factors f, f'.

    f, f': fractions above the converged loss (eq B.11), e.g. 0.10 and 0.02. Dimensionless ratios.
    """
    for name, v in (("f", f), ("f_prime", f_prime)):
        if not np.isfinite(v) or not 0.0 < v <= 10.0:
            raise ValueError(f"{name} must be a number in (0, 10], got {v!r}")
    n = ((1.0 + f) / (1.0 + f_prime)) ** (1.0 / alpha_N)
    s = ((1.0 + 1.0 / f) / (1.0 + 1.0 / f_prime)) ** (1.0 / alpha_S)
    return float(n), float(s), float(n * s)


def optimal_params_at_compute(C_pf, B=None, N_bounds=(1e2, 1e14), n_grid=96, **constants):
    """The model size that minimises the loss at fixed compute, found numerically (exactly).

    C_pf: compute budgets in PF-days (1-d array). B: None for the critical-batch loss of eq B.3
    (C_pf is then C_min; the optimum is eq B.9's N_eff), or a batch in tokens for the fixed-batch
    loss of Figure 11 left (:func:`loss_at_compute`). The loss is evaluated on a log grid of
    ``n_grid`` sizes in ``N_bounds``, then the bracket around each minimum is narrowed by golden
    section to a relative width of 1e-12, vectorised over budgets. Returns (N_opt, L_opt):
    non-embedding parameters and nats per token. Raises ValueError if a minimum sits at a bound.
    """
    C = np.atleast_1d(positive_array("C_pf (PF-days)", C_pf)).ravel()
    lo_b, hi_b = (float(v) for v in N_bounds)
    if not (np.isfinite(lo_b) and np.isfinite(hi_b) and 0 < lo_b < hi_b):
        raise ValueError(f"N_bounds must be two numbers with 0 < lo < hi, got {N_bounds!r}")
    if B is None:

        def loss(logN, Cb):
            return loss_at_min_compute(np.exp(logN), Cb, **constants)
    else:

        def loss(logN, Cb):
            return loss_at_compute(np.exp(logN), Cb, B, **constants)

    grid = np.linspace(np.log(lo_b), np.log(hi_b), n_grid)
    values = loss(grid[None, :], C[:, None])
    i = np.argmin(values, axis=1)
    if np.any((i == 0) | (i == n_grid - 1)):
        j = np.flatnonzero((i == 0) | (i == n_grid - 1))[0]
        raise ValueError(
            f"the loss-minimising N at C_pf={C[j]!r} PF-days lies at a bound of N_bounds={N_bounds!r}"
        )
    a, b = grid[i - 1], grid[i + 1]
    g = (np.sqrt(5.0) - 1.0) / 2.0
    x1, x2 = b - g * (b - a), a + g * (b - a)
    f1, f2 = loss(x1, C), loss(x2, C)
    while np.max(b - a) > 1e-12:
        left = f1 < f2
        b = np.where(left, x2, b)
        a = np.where(left, a, x1)
        x2n = np.where(left, x1, a + g * (b - a))
        x1n = np.where(left, b - g * (b - a), x2)
        x1, x2 = x1n, x2n
        f1, f2 = loss(x1, C), loss(x2, C)
    logN = 0.5 * (a + b)
    return np.exp(logN), loss(logN, C)


# ============================================================================================
# Section 6: Table 6 allocations, eq 6.7 data, eq 6.8 intersection
# ============================================================================================


def table6_params(C_min_pf):
    """Table 6 / eq 6.1: N_opt = N_e C_min^p_N = 1.3e9 C_min^0.73 parameters (C_min in PF-days)."""
    return _EFF.N_e * positive_array("C_min_pf (PF-days)", C_min_pf) ** _EFF.p_N


def efficient_tokens(C_min_pf):
    """Table 6: D_opt = D_e C_min^p_D = 2e10 C_min^0.27 tokens, one epoch (C_min in PF-days).

    This is eq 6.7's D(C_min) = 2 C_min / (6 N(C_min)) with Table 6's N(C_min) (which gives
    2.2e10 C^0.27, see :func:`efficient_tokens_from_params`); eq 6.7 itself prints
    (4e10 tokens) C_min^0.26.
    """
    return _EFF.D_e * positive_array("C_min_pf (PF-days)", C_min_pf) ** _EFF.p_D


def efficient_tokens_from_params(C_min_pf):
    """Eq 6.7's definition D(C_min) = 2 C_min / (6 N(C_min)) with N from Table 6, in tokens.

    Training at B_crit costs C = 2 C_min (section 5.1) and uses each token once. C_min_pf: PF-days.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    return 2.0 * C * _SETUP.pf_day_flop / (_SETUP.flop_per_param_token * table6_params(C))


def overfitting_data_threshold(delta: float = KAPLAN.joint_ND.seed_noise) -> tuple[float, float]:
    """Eq 4.4 from eq 4.3 with Table 2: the D at which the overfitting penalty delta L reaches delta.

    Eq 4.3, delta L = (1 + (N/N_c)^(alpha_N/alpha_D) D_c/D)^alpha_D - 1, equals delta at
    D = k N^p with p = alpha_N/alpha_D and k = D_c / (N_c^p ((1 + delta)^(1/alpha_D) - 1)).
    Returns (k in tokens, p); the paper prints D >~ (5e3) N^0.74 at its seed noise delta = 0.02.
    """
    if not (np.isfinite(delta) and 0.0 < delta < 1.0):
        raise ValueError(f"delta must be a number in (0, 1), got {delta!r}")
    t = KAPLAN.joint_ND
    p = t.alpha_N / t.alpha_D
    k = t.D_c / (t.N_c**p * ((1.0 + delta) ** (1.0 / t.alpha_D) - 1.0))
    return float(k), float(p)


def data_limit_intersection(D_e: float = _EFF.D_e, p_D: float = _EFF.p_D) -> dict[str, float]:
    """Eq 6.8: where L(C_min) (eq 1.3) meets L(D(C_min)) (eq 1.2 at the one-epoch data D(C_min)).

    D(C_min) = D_e C_min^p_D tokens: by default Table 6's 2e10 C^0.27; eq 6.7's printed
    (4e10, 0.26) moves the crossing to ~1e5 PF-days, within the order of magnitude the paper
    warns of. Both sides are power laws in C_min, so the crossing is closed-form:
    alpha_C ln(C_c/C) = alpha_D ln(D_c/(D_e C^p_D)).
    Returns C_star (PF-days), N_star (parameters, Table 6), D_star (tokens), L_star (nats).
    """
    b = _BASIC
    if not (np.isfinite(D_e) and D_e > 0 and np.isfinite(p_D) and 0 < p_D < 1):
        raise ValueError(f"D_e must be > 0 and p_D in (0, 1), got D_e={D_e!r}, p_D={p_D!r}")
    lnC = (b.alpha_C_min * np.log(b.C_c_min) - b.alpha_D * np.log(b.D_c / D_e)) / (
        b.alpha_C_min - b.alpha_D * p_D
    )
    C = float(np.exp(lnC))
    return {
        "C_star": C,
        "N_star": float(table6_params(C)),
        "D_star": float(D_e * C**p_D),
        "L_star": float(loss_of_compute_min(C)),
    }
