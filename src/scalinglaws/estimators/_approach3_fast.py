"""Approach 3, fast: every start of Hoffmann's grid iterated at once, exact derivatives throughout.

The same fit as ``approach3_paper.approach3_reference`` (the objective as the paper writes it,
minimised from each start by L-BFGS-B), reaching the same optimum (tests/test_approach3_paper.py)
in a fraction of the time. How: every start is iterated at once as a batch of damped Newton
(Levenberg-Marquardt) steps with exact 5x5 Hessians (``_approach3_derivatives``), in parameters
centred on the mean log N and log D, first in float32 while a schedule of successive halving drops
the worst starts; the best distinct end points are then polished one by one in float64 with
scipy's trust-region Newton method to a tight tolerance, and convergence is checked by the Newton
decrement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from scalinglaws.constants.hoffmann2022 import ParametricFit
from scalinglaws.estimators._approach3_derivatives import _Data, _evaluate, _evaluate_blocks, _terms
from scalinglaws.estimators.approach3_paper import DELTA, hoffmann_grid
from scalinglaws.estimators.inputs import FitError

__all__ = ["OBJECTIVES", "PARAM_NAMES", "Approach3Result", "approach3"]

PARAM_NAMES = ("A", "B", "E", "alpha", "beta")
OBJECTIVES = ("huber", "huber_likelihood")


def _lm_batch(th, d, delta, weights, likelihood, *, iters, lam0=1e-3, gtol=0.0, lam=None):
    """Batched Levenberg-Marquardt / damped Newton on many starts (or bootstrap replicates).

    Each member keeps its own damping: a step that lowers the objective is taken and the damping
    shrinks; otherwise the damping grows. Negative curvature is handled by using |eigenvalues|.
    With gtol > 0 a member stops once its Hessian is positive definite and its Newton decrement
    is <= gtol * max(1, |f|). Returns (theta, f, g, lam, converged mask).
    """
    th = np.array(th, copy=True)
    K, P = th.shape
    lam = np.full(K, lam0) if lam is None else np.array(lam, dtype=float, copy=True)
    active = np.ones(K, dtype=bool)
    f = np.full(K, np.inf)
    g = np.zeros((K, P))
    conv = np.zeros(K, dtype=bool)
    for _ in range(iters):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        w = None if weights is None else weights[idx]
        fi, gi, Hi = _evaluate_blocks(th[idx], d, delta, w, likelihood, 2)
        f[idx], g[idx] = fi, gi
        ev, V = np.linalg.eigh(Hi)
        vg = np.einsum("kji,kj->ki", V, gi)
        if gtol > 0:
            # converged: positive definite Hessian and Newton decrement g^T H^-1 g small
            pd = ev.min(axis=1) > 0
            dec = np.where(pd, (vg * vg / np.where(ev > 0, ev, 1.0)).sum(axis=1), np.inf)
            done = dec <= gtol * np.maximum(np.abs(fi), 1.0)
            conv[idx[done]] = True
            active[idx[done]] = False
            keep = ~done
            idx, fi, ev, V, vg = idx[keep], fi[keep], ev[keep], V[keep], vg[keep]
            w = None if weights is None else weights[idx]
            if idx.size == 0:
                break
        tr = np.abs(ev).max(axis=1, keepdims=True)
        ev = np.maximum(np.abs(ev), 1e-12 * np.maximum(tr, 1e-300)) + lam[idx, None] * (tr + 1e-12)
        step = -np.einsum("kij,kj->ki", V, vg / ev)
        # keep exponents in a sane box while wandering from far starts
        trial = th[idx] + step
        trial[:, 3:5] = np.clip(trial[:, 3:5], -1.0, 10.0)
        ft = _evaluate_blocks(trial, d, delta, w, likelihood, 0)
        better = np.isfinite(ft) & (ft <= fi)
        ib = idx[better]
        th[ib] = trial[better]
        f[ib] = ft[better]
        lam[ib] = np.maximum(lam[ib] / 5.0, 1e-12)
        lam[idx[~better]] *= 8.0
        # a member whose damping blew up is stuck: stop iterating it
        active[idx[lam[idx] > 1e12]] = False
    return th, f, g, lam, conv


def _polish(th0, d, delta, weights, likelihood, *, gtol):
    """Tight polish of one start with scipy's trust-region Newton (analytic gradient/Hessian)."""
    w = None if weights is None else weights[None, :]

    def fun(t):
        return float(_evaluate(t[None, :], d, delta, w, likelihood, 0)[0])

    def jac(t):
        return _evaluate(t[None, :], d, delta, w, likelihood, 1)[1][0]

    def hess(t):
        return _evaluate(t[None, :], d, delta, w, likelihood, 2)[2][0]

    res = minimize(fun, th0, jac=jac, hess=hess, method="trust-exact",
                   options={"gtol": gtol, "maxiter": 500})  # fmt: skip
    return res


def _bfgs(th0, d, delta, weights, likelihood, maxiter: int = 2000):
    """scipy BFGS with the analytic gradient (used for the non-smooth Huber likelihood)."""
    w = None if weights is None else weights[None, :]

    def fun(t):
        return float(_evaluate(t[None, :], d, delta, w, likelihood, 0)[0])

    def jac(t):
        return _evaluate(t[None, :], d, delta, w, likelihood, 1)[1][0]

    return minimize(fun, th0, jac=jac, method="BFGS", options={"gtol": 1e-10, "maxiter": maxiter})


def _newton_decrement(theta, d, delta, weights, likelihood) -> tuple[float, float]:
    """(g^T H^-1 g, max|g|) at theta: the predicted decrease of a Newton step, scale-free.

    inf when the Hessian is not positive definite (not a strict local minimum).
    """
    w = None if weights is None else weights[None, :]
    _, g, H = _evaluate(np.asarray(theta, float)[None, :], d, delta, w, likelihood, 2)
    g, H = g[0], H[0]
    try:
        c = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return float("inf"), float(np.abs(g).max())
    v = np.linalg.solve(c, g)
    return float(v @ v), float(np.abs(g).max())


@dataclass(frozen=True)
class Approach3Result:
    """A fitted eq 2 (Hoffmann 2022 Approach 3) with the diagnostics of the fit."""

    A: float
    B: float
    E: float
    alpha: float
    beta: float
    objective: str  # "huber" or "huber_likelihood"
    value: float  # objective at the optimum (summed over runs)
    decrement: float  # Newton decrement g^T H^-1 g at the optimum (convergence measure)
    n_points: int
    n_starts: int
    sigma: float | None = None  # log scale of the Huber likelihood (None for "huber")
    delta: float = DELTA
    theta: tuple[float, ...] = field(default=(), repr=False)  # (a, b, e, alpha, beta)

    @property
    def fit(self) -> ParametricFit:
        """The result as a ParametricFit, usable by scalinglaws.laws.chinchilla."""
        return ParametricFit(E=self.E, A=self.A, B=self.B, alpha=self.alpha, beta=self.beta,
                             source=f"refit here ({self.objective}, {self.n_points} points)")  # fmt: skip

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in PARAM_NAMES}


def _result(theta, d, value, dec, n, n_starts, objective, delta) -> Approach3Result:
    t = d.from_centred(theta)
    return Approach3Result(
        A=float(np.exp(t[0])), B=float(np.exp(t[1])), E=float(np.exp(t[2])),
        alpha=float(t[3]), beta=float(t[4]), objective=objective, value=float(value),
        decrement=float(dec), n_points=n, n_starts=n_starts,
        sigma=float(t[5]) if t.size == 6 else None, delta=delta,
        theta=tuple(float(v) for v in t[:5]),
    )  # fmt: skip


DEFAULT_SCHEDULE = ((1, 600), (3, 150), (8, 40), (20, 8))
"""Successive halving of the start batch: (damped Newton iterations, starts kept afterwards)."""


def approach3(
    *,
    N,
    D,
    L,
    objective: str = "huber",
    delta: float = DELTA,
    starts: np.ndarray | None = None,
    schedule: Sequence[tuple[int, int]] = DEFAULT_SCHEDULE,
    n_polish: int = 3,
    gtol: float = 1e-10,
) -> Approach3Result:
    """Approach 3 (Hoffmann 2022 eq 3, App. D.2): fit eq 2 to runs (N params, D tokens, L nats).

    objective: "huber" (summed Huber of log residuals) or "huber_likelihood" (Besiroglu 2024: a
    Huber density with a free scale; fitted from the "huber" optimum). starts: initial
    (a, b, e, alpha, beta) rows, default Hoffmann's 4,500-point grid.

    Search: every start takes damped Newton steps as one batch; after each stage of ``schedule``
    (iterations, keep) only the ``keep`` lowest-objective starts continue (``schedule=((k, K),)``
    with K >= number of starts runs every start for k iterations). The best ``n_polish`` distinct
    end points are polished with scipy's trust-region Newton method (the likelihood then with
    BFGS). Converged means a positive definite Hessian and a Newton decrement g^T H^-1 g <=
    gtol * max(1, |objective|); otherwise FitError is raised.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    d = _Data.make(N, D, L)
    n = d.t.size
    if n < 6:
        raise FitError(f"Approach 3 fits 5 parameters and needs at least 6 runs, got {n}")
    starts = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, float))
    if starts.ndim != 2 or starts.shape[1] != 5:
        raise ValueError(f"starts must have shape (K, 5), got {starts.shape}")
    # coarse stages in float32 (ranking starts), the polish below in float64
    th, lam, d32 = d.to_centred(starts).astype(np.float32), None, d.astype(np.float32)
    f = np.zeros(th.shape[0])
    for iters, keep in schedule:
        th, f, _, lam, _ = _lm_batch(th, d32, delta, None, False, iters=iters, lam=lam)
        order = np.argsort(np.where(np.isfinite(f), f, np.inf))[:keep]
        th, f, lam = th[order], f[order], lam[order]
    picked: list[np.ndarray] = []
    for i in np.argsort(f):
        if not np.isfinite(f[i]):
            break
        if all(np.abs(th[i] - p).max() > 1e-3 for p in picked):
            picked.append(th[i].astype(float))
        if len(picked) >= n_polish:
            break
    if not picked:
        raise FitError("Approach 3: every start diverged (non-finite objective)")
    best = None
    for p in picked:
        res = _polish(p, d, delta, None, False, gtol=gtol * 1e-2)
        if best is None or res.fun < best.fun:
            best = res
    theta, value = best.x, best.fun
    if objective == "huber_likelihood":
        # Start the scale where the likelihood puts it when every |r| / scale > delta:
        # scale = delta * mean|r|; then BFGS (as Besiroglu 2024) and a Newton check.
        r = _terms(theta[None, :], d)[0][0]
        th6 = np.append(theta, np.log(delta * np.abs(r).mean()))
        best = _bfgs(th6, d, delta, None, True)
        theta, value = best.x, best.fun
    dec, gmax = _newton_decrement(theta, d, delta, None, objective == "huber_likelihood")
    if not np.isfinite(value) or not dec <= gtol * max(1.0, abs(value)):
        raise FitError(
            f"Approach 3 ({objective}) did not converge: Newton decrement {dec:.3g} > "
            f"{gtol:g} x max(1, |objective| {abs(value):.4g}) after polishing "
            f"(max|gradient| {gmax:.3g}); {best.message}"
        )
    return _result(theta, d, value, dec, n, starts.shape[0], objective, delta)
