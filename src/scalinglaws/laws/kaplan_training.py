"""Kaplan et al. 2020's loss during training at a given batch, steps or compute (Figures 2 and 11).

Eq 5.6 (Table 3) with eq 5.4's S_min and eq 5.3's B_crit(L): the loss appears on both sides, so
each loss here is the exact root of an implicit equation (:func:`_implicit_loss`). At fixed steps
or fixed compute and batch (Figure 11), at minimum compute (eq B.3, Figure 2 right), its inverse
(tokens to reach a loss, Figure 2 left), and the loss-minimising size at fixed compute, found
numerically. Units and the ``fit`` / ``batch`` constants arguments as in
:mod:`scalinglaws.laws.kaplan`.
"""

from __future__ import annotations

import numpy as np

from scalinglaws.constants import KAPLAN
from scalinglaws.constants.kaplan2020 import BasicLaws, JointNS
from scalinglaws.core import units
from scalinglaws.core.units import positive_array
from scalinglaws.laws.kaplan import N_NAME, critical_batch

_SETUP = KAPLAN.setup
_B_FIXED = float(_SETUP.batch_tokens)  # 2^19 tokens, the batch of the paper's runs


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
    N, S, B=_B_FIXED, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """Loss after S steps at batch B: solves L = (N_c/N)^alpha_N + (S_c/S_min(S, B, L))^alpha_S.

    Eq 5.6 (Table 3 constants) with eq 5.4, S_min = S / (1 + B_crit(L)/B), and eq 5.3's B_crit:
    L appears on both sides, and the unique root is found exactly (see :func:`_implicit_loss`).
    This is Kaplan 2020 Figure 11 right's model. N: non-embedding parameters; S: steps;
    B: tokens per step (default 2^19, the paper's runs); arrays broadcast. Returns nats per token.
    Raises :class:`ImplicitLossError` naming the inputs if it does not converge.
    """
    inp = _broadcast_inputs(
        N=positive_array(N_NAME, N),
        S=positive_array("S (steps)", S),
        B=positive_array("B (tokens per step)", B),
    )
    what = "implicit loss at fixed steps (Kaplan 2020 eqs 5.3, 5.4, 5.6)"
    return _fixed_batch_loss(inp["N"], inp["S"], inp["B"], what, inp, fit, batch)


def _fixed_batch_loss(N, S, B, what, inputs, fit: JointNS, batch: BasicLaws):
    """Eq 5.6 with eq 5.4 at batch B: L = a + (c0 + c1 L^(-1/alpha_B))^alpha_S, solved exactly."""
    c0 = fit.S_c / S
    return _implicit_loss(
        (fit.N_c / N) ** fit.alpha_N,
        c0,
        c0 * batch.B_star / B,
        alpha_S=fit.alpha_S,
        alpha_B=batch.alpha_B,
        what=what,
        inputs=inputs,
    )


def steps_at_compute(N, C_pf, B=_B_FIXED):
    """S = C / (6 N B): steps that C_pf PF-days buy a model of N parameters at batch B tokens."""
    C = units.pf_days_to_flop(C_pf)
    return C / (
        _SETUP.flop_per_param_token
        * positive_array(N_NAME, N)
        * positive_array("B (tokens per step)", B)
    )


def loss_at_compute(
    N, C_pf, B=_B_FIXED, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """Loss of a model of N parameters trained with C_pf PF-days at fixed batch B (Figure 11 left).

    S = C/(6NB) steps, then :func:`loss_at_steps`: eq 5.6 with eqs 5.4/5.5 and B_crit(L) from
    eq 5.3, an implicit equation in L solved exactly. N: non-embedding parameters; C_pf: compute
    in PF-days; B: tokens per step (default 2^19); arrays broadcast. Returns nats per token.
    Raises :class:`ImplicitLossError` naming N, C_pf and B if a point does not converge.
    """
    inp = _broadcast_inputs(
        N=positive_array(N_NAME, N),
        C_pf=positive_array("C_pf (PF-days)", C_pf),
        B=positive_array("B (tokens per step)", B),
    )
    S = steps_at_compute(inp["N"], inp["C_pf"], inp["B"])
    what = "implicit loss at fixed compute (Kaplan 2020 eqs 5.3-5.6, S = C/(6NB))"
    return _fixed_batch_loss(inp["N"], S, inp["B"], what, inp, fit, batch)


def loss_at_min_compute(
    N, C_min_pf, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """Eq B.3: L = (N_c/N)^alpha_N + (6 B_* S_c N / (L^(1/alpha_B) C_min))^alpha_S, solved for L.

    The loss a model of N parameters reaches with C_min_pf PF-days when trained at the critical
    batch size (App. B: S = C/(6 N B_crit(L))), i.e. the learning curve L(N, C_min) drawn against
    batch-adjusted compute (eq 5.5): Figure 2 right, where as in Figure 1 (footnote 2: "predicted
    compute when using a sufficiently small batch size") every curve touches the
    compute-efficient frontier at one point. N: non-embedding parameters; C_min_pf: PF-days
    (broadcast). Returns nats per token. Its envelope over N is eqs B.6-B.9
    (:func:`scalinglaws.laws.kaplan_efficient.efficient_loss`). Fitted range as in
    :func:`learning_curve_tokens`: eq 5.6 holds after the warm-up, so the early (small-compute)
    end of each curve and sizes outside 768 to 1.5e9 are extrapolations.
    """
    inp = _broadcast_inputs(
        N=positive_array(N_NAME, N), C_min_pf=positive_array("C_min_pf (PF-days)", C_min_pf)
    )
    C = inp["C_min_pf"] * _SETUP.pf_day_flop
    c1 = _SETUP.flop_per_param_token * batch.B_star * fit.S_c * inp["N"] / C
    return _implicit_loss(
        (fit.N_c / inp["N"]) ** fit.alpha_N,
        np.zeros_like(c1),
        c1,
        alpha_S=fit.alpha_S,
        alpha_B=batch.alpha_B,
        what="implicit loss at minimum compute (Kaplan 2020 eq B.3)",
        inputs=inp,
    )


# --------------------------------------------------------------------------------------------
# Learning curves (Figure 2)
# --------------------------------------------------------------------------------------------


def learning_curve_tokens(
    N, tokens, B=_B_FIXED, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """L(N, tokens processed) at batch B (default 2^19): Figure 2 left, from eqs 5.3, 5.4, 5.6.

    S = tokens / B steps, then :func:`loss_at_steps` (implicit, solved exactly). N: non-embedding
    parameters; tokens: tokens processed; arrays broadcast. Returns nats per token.
    Fitted range: N from 768 to 1.5e9 and S >= 3000 steps (1.6e9 tokens at 2^19): earlier the law
    diverges as S -> 0 while real curves start near ln(50257) = 10.8 nats; Figure 2's 1e3 model is
    at the edge of the studied sizes and the runs end at 2.5e5 steps (1.3e11 tokens).
    """
    tokens = positive_array("tokens", tokens)
    S = tokens / positive_array("B (tokens per step)", B)
    return loss_at_steps(N, S, B, fit=fit, batch=batch)


def tokens_to_reach(
    N, L, B=_B_FIXED, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """Tokens a model of N parameters processes at batch B to reach loss L (eqs 5.3, 5.4, 5.6).

    Explicit inverse of :func:`learning_curve_tokens`: S_min = S_c / (L - (N_c/N)^alpha_N)^(1/alpha_S),
    S = S_min (1 + B_crit(L)/B), tokens = B S. N: parameters; L: nats per token; B: tokens per step
    (arrays broadcast). Raises ValueError if L is not above the converged loss (N_c/N)^alpha_N.
    """
    N = positive_array(N_NAME, N)
    L = positive_array("L (nats per token)", L)
    B = positive_array("B (tokens per step)", B)
    floor = (fit.N_c / N) ** fit.alpha_N
    gap = L - floor
    if np.any(gap <= 0):
        i = np.flatnonzero(np.broadcast_to(gap, np.broadcast(N, L).shape).ravel() <= 0)[0]
        Nb, Lb = (np.broadcast_to(v, np.broadcast(N, L).shape).ravel()[i] for v in (N, L))
        fb = (fit.N_c / Nb) ** fit.alpha_N
        raise ValueError(
            f"L (nats per token) must be above the converged loss (N_c/N)^alpha_N = {fb:.4g} of "
            f"N = {Nb:.4g}, got {float(Lb)!r}"
        )
    S_min = fit.S_c / gap ** (1.0 / fit.alpha_S)
    return B * S_min * (1.0 + critical_batch(L, batch=batch) / B)


# --------------------------------------------------------------------------------------------
# The loss-minimising size at fixed compute, numerically
# --------------------------------------------------------------------------------------------


def optimal_params_at_compute(
    C_pf,
    B=None,
    N_bounds=(1e2, 1e14),
    n_grid=96,
    *,
    fit: JointNS = KAPLAN.joint_NS,
    batch: BasicLaws = KAPLAN.basic,
):
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
            return loss_at_min_compute(np.exp(logN), Cb, fit=fit, batch=batch)
    else:

        def loss(logN, Cb):
            return loss_at_compute(np.exp(logN), Cb, B, fit=fit, batch=batch)

    grid = np.linspace(np.log(lo_b), np.log(hi_b), n_grid)
    values = loss(grid[None, :], C[:, None])
    i = np.argmin(values, axis=1)
    if np.any((i == 0) | (i == n_grid - 1)):
        j = np.flatnonzero((i == 0) | (i == n_grid - 1))[0]
        raise ValueError(
            f"the loss-minimising N at C_pf={float(C[j])!r} PF-days lies at a bound of "
            f"N_bounds={tuple(float(x) for x in N_bounds)!r}"
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
