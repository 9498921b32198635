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

from scalinglaws.constants.hoffmann2022 import ParametricFit
from scalinglaws.core.memo import by_value
from scalinglaws.estimators._approach3_derivatives import FitData, evaluate, evaluate_blocks, terms
from scalinglaws.estimators.approach3_paper import DELTA, hoffmann_grid
from scalinglaws.estimators.inputs import FitError

__all__ = ["COND_MAX", "E_SHARE_MIN", "OBJECTIVES", "PARAM_NAMES", "Approach3Result", "approach3"]

PARAM_NAMES = ("A", "B", "E", "alpha", "beta")
OBJECTIVES = ("huber", "huber_likelihood")

# Eigenvalues of a Hessian below EIG_RTOL times its largest are rounding, not curvature: a direction
# that flat is treated as singular (neither positive nor negative) by the convergence tests, so the
# verdict does not depend on the sign that rounding gives a zero eigenvalue on one CPU or another.
EIG_RTOL = 1e-12
# Not identifiable (reported as such, no interval): an irreducible loss E below E_SHARE_MIN of the
# smallest loss (it has collapsed onto its bound E = 0 and moves no printed digit), or a Hessian of
# the summed Huber objective (centred parameters) whose condition number exceeds COND_MAX. Measured
# on every fit of the cross-study table: 7.6e3-2.2e4 where E is well inside (0, min L), 1e16 and
# singular where E collapsed to 2e-13; both limits lie four orders of magnitude from either group.
E_SHARE_MIN = 1e-6
COND_MAX = 1e8


def lm_batch(th, d, delta, weights, likelihood, *, iters, lam0=1e-3, gtol=0.0, lam=None):
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
        fi, gi, Hi = evaluate_blocks(th[idx], d, delta, w, likelihood, 2)
        f[idx], g[idx] = fi, gi
        ev, V = np.linalg.eigh(Hi)
        vg = np.einsum("kji,kj->ki", V, gi)
        if gtol > 0:
            # converged: positive definite Hessian and Newton decrement g^T H^-1 g small
            dec = _decrement_from_eigen(ev, vg)
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
        ft = evaluate_blocks(trial, d, delta, w, likelihood, 0)
        better = np.isfinite(ft) & (ft <= fi)
        ib = idx[better]
        th[ib] = trial[better]
        f[ib] = ft[better]
        lam[ib] = np.maximum(lam[ib] / 5.0, 1e-12)
        lam[idx[~better]] *= 8.0
        # a member whose damping blew up is stuck: stop iterating it
        active[idx[lam[idx] > 1e12]] = False
    return th, f, g, lam, conv


def _decrement_from_eigen(ev: np.ndarray, vg: np.ndarray) -> np.ndarray:
    """Newton decrement sum (v_i.g)^2 / lambda_i over the directions of real curvature, per row.

    ev: (K, P) Hessian eigenvalues; vg: (K, P) the gradient in their eigenvectors. Directions whose
    |eigenvalue| is below EIG_RTOL of the largest are flat (rounding decides their sign) and are left
    out; a clearly negative eigenvalue (not a minimum) gives inf.
    """
    scale = np.abs(ev).max(axis=-1, keepdims=True)
    flat = np.abs(ev) <= EIG_RTOL * scale
    if ev.ndim == 1:
        ev, vg, flat, scale = ev[None], vg[None], flat[None], scale[None]
    negative = ((ev < 0) & ~flat).any(axis=-1)
    terms = np.where(flat, 0.0, vg * vg / np.where(flat, 1.0, ev))
    return np.where(negative, np.inf, terms.sum(axis=-1))


def polish(th0, d, delta, weights, likelihood, *, gtol):
    """Tight polish of one start with scipy's trust-region Newton (analytic gradient/Hessian)."""
    w = None if weights is None else weights[None, :]
    last: dict[bytes, tuple] = {}

    def at(t):
        """(objective, gradient, Hessian) at t, from one evaluation per point: scipy's trust-exact
        asks for the objective and the Hessian at every trial point and for the gradient at each
        accepted one (the same numbers as evaluating each on its own)."""
        key = t.tobytes()
        if key not in last:
            f, g, H = evaluate(t[None, :], d, delta, w, likelihood, 2)
            last.clear()
            last[key] = (float(f[0]), g[0], H[0])
        return last[key]

    def fun(t):
        return at(t)[0]

    def jac(t):
        return at(t)[1]

    def hess(t):
        return at(t)[2]

    from scipy.optimize import minimize  # scipy.optimize loads in ~0.5 s: only where a fit runs

    res = minimize(
        fun, th0, jac=jac, hess=hess, method="trust-exact", options={"gtol": gtol, "maxiter": 500}
    )
    return res


def _bfgs(th0, d, delta, weights, likelihood, maxiter: int = 2000):
    """scipy BFGS with the analytic gradient (used for the non-smooth Huber likelihood)."""
    w = None if weights is None else weights[None, :]

    def fun(t):
        return float(evaluate(t[None, :], d, delta, w, likelihood, 0)[0])

    def jac(t):
        return evaluate(t[None, :], d, delta, w, likelihood, 1)[1][0]

    from scipy.optimize import minimize  # scipy.optimize loads in ~0.5 s: only where a fit runs

    return minimize(fun, th0, jac=jac, method="BFGS", options={"gtol": 1e-10, "maxiter": maxiter})


def newton_decrement(theta, d, delta, weights, likelihood) -> tuple[float, float]:
    """(g^T H^-1 g, max|g|) at theta: the predicted decrease of a Newton step, scale-free.

    inf when the Hessian has a clearly negative eigenvalue (not a local minimum); flat directions
    (:data:`EIG_RTOL`) are left out of the sum (:func:`_decrement_from_eigen`).
    """
    w = None if weights is None else weights[None, :]
    _, g, H = evaluate(np.asarray(theta, float)[None, :], d, delta, w, likelihood, 2)
    ev, V = np.linalg.eigh(H[0])
    dec = _decrement_from_eigen(ev, V.T @ g[0])
    return float(dec[0]), float(np.abs(g[0]).max())


def _condition(theta, d, delta) -> float:
    """Condition number of the summed Huber objective's Hessian at theta (centred parameters):
    largest over smallest |eigenvalue|, inf where one is flat (:data:`EIG_RTOL`)."""
    _, _, H = evaluate(np.asarray(theta, float)[None, :5], d, delta, None, False, 2)
    ev = np.abs(np.linalg.eigvalsh(H[0]))
    return float("inf") if ev.min() <= EIG_RTOL * ev.max() else float(ev.max() / ev.min())


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
    condition: float = float("nan")  # of the summed Huber objective's Hessian (centred parameters)
    E_share: float = float("nan")  # E over the smallest loss of the runs fitted

    @property
    def not_identifiable(self) -> tuple[str, ...]:
        """Why the data do not pin the five parameters down (empty when they do): E collapsed onto
        its bound 0 (:data:`E_SHARE_MIN`), or a near-singular Hessian (:data:`COND_MAX`)."""
        # the reasons name the limits only: the values past them are rounding, and differ by CPU
        why = []
        if self.E_share < E_SHARE_MIN:
            why.append(f"E at its bound 0 (below {E_SHARE_MIN:g} of the smallest loss)")
        if not self.condition <= COND_MAX:
            why.append(f"Hessian near singular (condition number above {COND_MAX:g})")
        return tuple(why)

    @property
    def identifiable(self) -> bool:
        return not self.not_identifiable

    @property
    def fit(self) -> ParametricFit:
        """The result as a ParametricFit, usable by scalinglaws.laws.chinchilla."""
        return ParametricFit(
            E=self.E,
            A=self.A,
            B=self.B,
            alpha=self.alpha,
            beta=self.beta,
            source=f"refit here ({self.objective}, {self.n_points} points)",
        )

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in PARAM_NAMES}


def _result(theta, d, value, dec, n, n_starts, objective, delta) -> Approach3Result:
    t = d.from_centred(theta)
    E = float(np.exp(t[2]))
    return Approach3Result(
        A=float(np.exp(t[0])),
        B=float(np.exp(t[1])),
        E=float(np.exp(t[2])),
        alpha=float(t[3]),
        beta=float(t[4]),
        objective=objective,
        value=float(value),
        decrement=float(dec),
        n_points=n,
        n_starts=n_starts,
        sigma=float(t[5]) if t.size == 6 else None,
        delta=delta,
        theta=tuple(float(v) for v in t[:5]),
        condition=_condition(theta, d, delta),
        E_share=E / float(np.exp(d.t.min())),
    )


DEFAULT_SCHEDULE = ((1, 600), (3, 150), (8, 40), (20, 8))
"""Successive halving of the start batch: (damped Newton iterations, starts kept afterwards)."""


@by_value(128, remember=(FitError,))  # a notebook's trust reports refit the same runs
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
    huber: Approach3Result | None = None,
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
    gtol * max(1, |objective|); otherwise FitError is raised. huber: with "huber_likelihood", the
    "huber" fit of the same runs if already made; the likelihood then starts from its optimum
    instead of searching the grid again.

    A fit is computed once per set of inputs in a process: the same runs and options again (a trust
    report refitting a cross-study row, say) return the same result, or raise the same FitError.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    d = FitData.make(N, D, L)
    n = d.t.size
    if n < 6:
        raise FitError(f"Approach 3 fits 5 parameters and needs at least 6 runs, got {n}")
    starts = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, float))
    if starts.ndim != 2 or starts.shape[1] != 5:
        raise ValueError(f"starts must have shape (K, 5), got {starts.shape}")
    if huber is not None:
        if objective != "huber_likelihood" or huber.objective != "huber" or huber.n_points != n:
            raise ValueError(
                f"huber must be a 'huber' fit of the same {n} runs, given with objective "
                f"'huber_likelihood'; got a {huber.objective!r} fit of {huber.n_points} runs "
                f"with objective {objective!r}"
            )
        theta = d.to_centred(np.array(huber.theta))
        return _likelihood(theta, d, delta, gtol, n, huber.n_starts)
    theta, value, best = _search(d, delta, starts, schedule, n_polish, gtol)
    if objective == "huber_likelihood":
        return _likelihood(theta, d, delta, gtol, n, starts.shape[0])
    return _checked(theta, value, best, d, delta, gtol, n, starts.shape[0], objective)


def _search(d, delta, starts, schedule, n_polish, gtol):
    """The summed-Huber optimum over the starts: (centred theta, objective, scipy result)."""
    # coarse stages in float32 (ranking starts), the polish below in float64
    th, lam, d32 = d.to_centred(starts).astype(np.float32), None, d.astype(np.float32)
    f = np.zeros(th.shape[0])
    for iters, keep in schedule:
        th, f, _, lam, _ = lm_batch(th, d32, delta, None, False, iters=iters, lam=lam)
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
        res = polish(p, d, delta, None, False, gtol=gtol * 1e-2)
        if best is None or res.fun < best.fun:
            best = res
    return best.x, best.fun, best


def _likelihood(theta, d, delta, gtol, n, n_starts) -> Approach3Result:
    """The Huber likelihood from the summed-Huber optimum theta (centred)."""
    # Start the scale where the likelihood puts it when every |r| / scale > delta:
    # scale = delta * mean|r|; then BFGS (as Besiroglu 2024) and a Newton check.
    r = terms(theta[None, :], d)[0][0]
    th6 = np.append(theta, np.log(delta * np.abs(r).mean()))
    best = _bfgs(th6, d, delta, None, True)
    return _checked(best.x, best.fun, best, d, delta, gtol, n, n_starts, "huber_likelihood")


def _checked(theta, value, best, d, delta, gtol, n, n_starts, objective) -> Approach3Result:
    """The result at theta, or FitError unless the Newton decrement shows convergence."""
    dec, gmax = newton_decrement(theta, d, delta, None, objective == "huber_likelihood")
    if not np.isfinite(value) or not dec <= gtol * max(1.0, abs(value)):
        raise FitError(
            f"Approach 3 ({objective}) did not converge: Newton decrement {dec:.3g} > "
            f"{gtol:g} x max(1, |objective| {abs(value):.4g}) after polishing "
            f"(max|gradient| {gmax:.3g}); {best.message}"
        )
    return _result(theta, d, value, dec, n, n_starts, objective, delta)
