"""Estimators for compute-optimal scaling: Hoffmann et al. 2022 Approaches 1, 2 and 3, power laws
and the bootstrap, for any table of runs (arrays of parameters N, tokens D, FLOPs C, loss L).

Approach 3 (Hoffmann 2022 eq 3 and App. D.2) fits eq 2, L = E + A/N^alpha + B/D^beta, in the
log-sum-exp form log L = LSE(a - alpha log N, b - beta log D, e) with A, B, E = exp(a, b, e), by
minimising the Huber loss (delta = 1e-3) of the log residuals, **summed** over runs. Two objectives:

- ``"huber"``: sum_i Huber_delta(LSE_i - log L_i), Hoffmann's objective (and Epoch's "replicate
  exactly" fit over Hoffmann's grid);
- ``"huber_likelihood"``: the negative log-likelihood of a Huber density with a free scale
  exp(sigma) (Besiroglu et al. 2024, the objective behind their reported refit).

How the search works (all derivatives analytic): every start of the grid is iterated at once as a
batch of damped Newton (Levenberg-Marquardt) steps with exact 5x5 Hessians, in parameters centred
on the mean log N and log D; the best distinct end points are then polished one by one with
scipy's trust-region Newton method to a tight gradient tolerance, and convergence is checked.
The bootstrap draws multinomial weights (resampling runs with replacement) and solves all
replicates as one batch, warm-started from the full-data optimum.

Inputs are arrays; `arrays` takes them from a tidy table (params, tokens, flops, loss_nats).
Approach 2 groups runs by FLOP budget, fits a parabola of loss in log10 N per budget, takes its
vertex and fits N_opt = k C^a, D_opt = k' C^b. Approach 1 takes the envelope of minimal loss per
FLOP over training curves and fits the same power laws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import erf, exp, log, pi, sqrt

import numpy as np
from scipy.optimize import minimize

from scalinglaws.constants.hoffmann2022 import HOFFMANN, ParametricFit
from scalinglaws.params import check_int

__all__ = [
    "arrays",
    "Approach1Result",
    "Approach2Result",
    "Approach3Result",
    "BootstrapResult",
    "FitError",
    "PowerLaw",
    "approach1",
    "approach2",
    "approach3",
    "bootstrap_approach3",
    "fit_power_law",
    "hoffmann_grid",
    "huber_objective",
    "isoflop_groups",
    "legacy_resample_counts",
]

PARAM_NAMES = ("A", "B", "E", "alpha", "beta")
OBJECTIVES = ("huber", "huber_likelihood")
_SETUP = HOFFMANN.approach3_setup


class FitError(RuntimeError):
    """A fit did not converge or had too little data; the message says which and why."""


def arrays(frame, *, loss: str = "loss_nats"):
    """(N, D, C, L) arrays from a tidy table of runs (columns params, tokens and/or flops, loss).

    frame: a pandas DataFrame or a mapping of columns. Missing tokens are derived as
    D = C / (6 N) and missing flops as C = 6 N D (Besiroglu 2024 derive D the same way).
    """
    cols = set(frame.keys())
    need = {"params", loss}
    if not need <= cols or not ({"tokens", "flops"} & cols):
        raise ValueError(
            f"frame must have columns params, {loss} and tokens and/or flops, got {sorted(cols)}"
        )
    N = _check_1d("params", frame["params"])
    L = _check_1d(loss, frame[loss], N.size)
    D = _check_1d("tokens", frame["tokens"], N.size) if "tokens" in cols else None
    C = _check_1d("flops", frame["flops"], N.size) if "flops" in cols else None
    D = C / (6.0 * N) if D is None else D
    C = 6.0 * N * D if C is None else C
    return N, D, C, L


# --------------------------------------------------------------------------------------------
# Power laws
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerLaw:
    """y = k x^exponent, fitted by least squares in log-log space."""

    k: float  # prefactor (units of y per unit of x^exponent)
    exponent: float  # dimensionless
    n_points: int = 0
    exponent_interval: tuple[float, float] | None = None  # bootstrap percentile interval
    k_interval: tuple[float, float] | None = None

    def __call__(self, x):
        return self.k * np.asarray(x, dtype=float) ** self.exponent

    def inverse(self, y):
        """x such that k x^exponent = y."""
        return (np.asarray(y, dtype=float) / self.k) ** (1.0 / self.exponent)


def _check_1d(name: str, x, n: int | None = None, positive: bool = True) -> np.ndarray:
    arr = np.asarray(x, dtype=float).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have {n} values (one per run), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][:3]} ...")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 everywhere, got min {arr.min():.4g}")
    return arr


def fit_power_law(x, y, *, exponent: float | None = None) -> PowerLaw:
    """Fit y = k x^p by ordinary least squares on (log x, log y); fix p with ``exponent``."""
    x = _check_1d("x", x)
    y = _check_1d("y", y, x.size)
    need = 1 if exponent is not None else 2
    if x.size < need:
        raise FitError(f"a power law needs at least {need} points, got {x.size}")
    lx, ly = np.log(x), np.log(y)
    if exponent is None:
        if np.ptp(lx) == 0:
            raise FitError("a power law needs at least two distinct x values")
        p, logk = np.polyfit(lx, ly, 1)
    else:
        p = float(exponent)
        logk = float(np.mean(ly - p * lx))
    return PowerLaw(k=float(np.exp(logk)), exponent=float(p), n_points=int(x.size))


# --------------------------------------------------------------------------------------------
# Approach 3: objective, batched damped Newton, polish, bootstrap
# --------------------------------------------------------------------------------------------


def hoffmann_grid() -> np.ndarray:
    """App. D.2's 4,500 initialisations as rows (a, b, e, alpha, beta)."""
    s = _SETUP
    mesh = np.meshgrid(s.grid_a, s.grid_b, s.grid_e, s.grid_alpha, s.grid_beta, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def _log_norm_huber(delta: float) -> float:
    """log of the normaliser of the Huber density exp(-Huber_delta(x)) (Besiroglu 2024 code)."""
    tail = 0.5 * (1.0 - erf(delta / sqrt(2.0)))
    return log(sqrt(2.0 * pi) * (1.0 - 2.0 * tail) + 2.0 * exp(-0.5 * delta**2) / delta)


@dataclass(frozen=True)
class _Data:
    """Centred logs of one data set: x = log N - mN, y = log D - mD, t = log L."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    mN: float
    mD: float
    Bx: np.ndarray = field(repr=False)  # (n, 3): 1, x, x^2
    By: np.ndarray = field(repr=False)  # (n, 3): 1, y, y^2

    @classmethod
    def make(cls, N, D, L) -> _Data:
        N = _check_1d("N (params)", N)
        D = _check_1d("D (tokens)", D, N.size)
        L = _check_1d("L (loss)", L, N.size)
        lN, lD = np.log(N), np.log(D)
        mN, mD = float(lN.mean()), float(lD.mean())
        x, y = lN - mN, lD - mD
        Bx = np.column_stack([np.ones_like(x), x, x * x])
        By = np.column_stack([np.ones_like(y), y, y * y])
        return cls(x, y, np.log(L), mN, mD, Bx, By)

    def astype(self, dtype) -> _Data:
        """The same data in another float type (float32 for the coarse search stages)."""
        c = [np.asarray(v, dtype=dtype) for v in (self.x, self.y, self.t, self.Bx, self.By)]
        return _Data(c[0], c[1], c[2], self.mN, self.mD, c[3], c[4])

    def to_centred(self, theta: np.ndarray) -> np.ndarray:
        """(a, b, e, alpha, beta) -> (a - alpha mN, b - beta mD, e, alpha, beta)."""
        th = np.array(theta, dtype=float, copy=True)
        th[..., 0] -= th[..., 3] * self.mN
        th[..., 1] -= th[..., 4] * self.mD
        return th

    def from_centred(self, theta: np.ndarray) -> np.ndarray:
        th = np.array(theta, dtype=float, copy=True)
        th[..., 0] += th[..., 3] * self.mN
        th[..., 1] += th[..., 4] * self.mD
        return th


def _terms(th: np.ndarray, d: _Data):
    """Per-run pieces for a batch of centred parameters th (K, 5 or 6).

    Returns the log residual r = LSE - log L (K, n) and the softmax weights (w1, w2, w3) of the
    three terms of the LSE, whose derivatives give the Jacobian
    J = (w1, w2, w3, -w1 x, -w2 y) of the LSE in (a, b, e, alpha, beta).
    """
    u1 = th[:, 0:1] - th[:, 3:4] * d.x
    u2 = th[:, 1:2] - th[:, 4:5] * d.y
    e = th[:, 2:3]
    # shift by a per-row bound so no exp overflows (exact: the LSE is shift-invariant)
    m = np.maximum(np.maximum(u1.max(axis=1, keepdims=True), u2.max(axis=1, keepdims=True)), e)
    e1 = np.exp(u1 - m)
    e2 = np.exp(u2 - m)
    e3 = np.exp(e - m)
    s = e1 + e2
    s += e3
    r = np.log(s)
    r += m - d.t
    inv = 1.0 / s
    e1 *= inv
    e2 *= inv
    return r, (e1, e2, e3 * inv)


def _huber(z: np.ndarray, delta: float) -> np.ndarray:
    az = np.abs(z)
    c = np.minimum(az, delta)
    return c * (az - 0.5 * c)


def _evaluate(th, d: _Data, delta: float, weights, likelihood: bool, order: int):
    """Objective (K,), and for order >= 1 the gradient (K, P), for order 2 the Hessian (K, P, P).

    th is (K, 5) for "huber" and (K, 6) for "huber_likelihood" (last column sigma = log scale).
    weights is None (all ones) or (K, n) multinomial counts. Sums over runs against the fixed
    per-run vectors x, y, x^2, ... are done as matrix products.
    """
    K = th.shape[0]
    r, (w1, w2, w3) = _terms(th, d)
    if likelihood:
        sigma = th[:, 5]
        s = np.exp(sigma)[:, None]
        z = r / s
    else:
        z = r
    h = _huber(z, delta)
    if weights is None:
        f = h.sum(axis=1)
        n_eff = np.full(K, float(d.t.size))
    else:
        f = np.einsum("kn,kn->k", weights, h)
        n_eff = weights.sum(axis=1)
    if likelihood:
        f = f + n_eff * (sigma + _log_norm_huber(delta))
    if order == 0:
        return f
    h1 = np.clip(z, -delta, delta)  # Huber'
    if weights is not None:
        h1 *= weights
    if likelihood:
        c1 = h1 / s  # multiplies the LSE gradient and Hessian
    else:
        c1 = h1
    Bx, By = d.Bx, d.By  # (n, 3): 1, x, x^2 and 1, y, y^2
    g1 = (c1 * w1) @ Bx[:, :2]  # sum c1 w1, sum c1 w1 x
    g2 = (c1 * w2) @ By[:, :2]
    g3 = np.einsum("kn,kn->k", c1, w3) if w3.shape == c1.shape else c1.sum(1) * w3[:, 0]
    g = np.empty((K, 6 if likelihood else 5))
    g[:, 0], g[:, 3] = g1[:, 0], -g1[:, 1]
    g[:, 1], g[:, 4] = g2[:, 0], -g2[:, 1]
    g[:, 2] = g3
    if likelihood:
        g[:, 5] = n_eff - np.einsum("kn,kn->k", h1, z)
    if order == 1:
        return f, g
    h2 = (np.abs(z) <= delta).astype(z.dtype)  # Huber''
    if weights is not None:
        h2 *= weights
    c2 = h2 / (s * s) if likelihood else h2
    coef = c2 - c1  # multiplies J J^T; c1 also multiplies diag-blocks sum_k w_k du_k du_k^T
    w3b = np.broadcast_to(w3, w1.shape)
    p1, p2, p3 = coef * w1, coef * w2, coef * w3b
    q11 = (p1 * w1 + c1 * w1) @ Bx  # (K, 3): sums with 1, x, x^2
    q12x = (p1 * w2) @ np.column_stack([np.ones_like(d.x), d.x, d.y, d.x * d.y])
    q22 = (p2 * w2 + c1 * w2) @ By
    q13 = (p1 * w3b) @ Bx[:, :2]
    q23 = (p2 * w3b) @ By[:, :2]
    q33 = np.einsum("kn,kn->k", p3, w3b) + np.einsum("kn,kn->k", c1, w3b)
    H = np.empty((K, g.shape[1], g.shape[1]))
    H[:, 0, 0] = q11[:, 0]
    H[:, 0, 3] = -q11[:, 1]
    H[:, 3, 3] = q11[:, 2]
    H[:, 0, 1] = q12x[:, 0]
    H[:, 1, 3] = -q12x[:, 1]
    H[:, 0, 4] = -q12x[:, 2]
    H[:, 3, 4] = q12x[:, 3]
    H[:, 1, 1] = q22[:, 0]
    H[:, 1, 4] = -q22[:, 1]
    H[:, 4, 4] = q22[:, 2]
    H[:, 0, 2] = q13[:, 0]
    H[:, 2, 3] = -q13[:, 1]
    H[:, 1, 2] = q23[:, 0]
    H[:, 2, 4] = -q23[:, 1]
    H[:, 2, 2] = q33
    if likelihood:
        # d/dsigma of c1 J and of -(h1 z): -(h2 z + h1) J / s and h2 z^2 + h1 z
        hz = -(h2 * z + h1) / s
        a1 = (hz * w1) @ Bx[:, :2]
        a2 = (hz * w2) @ By[:, :2]
        H[:, 0, 5], H[:, 3, 5] = a1[:, 0], -a1[:, 1]
        H[:, 1, 5], H[:, 4, 5] = a2[:, 0], -a2[:, 1]
        H[:, 2, 5] = np.einsum("kn,kn->k", hz, w3b)
        H[:, 5, 5] = np.einsum("kn,kn->k", h2 * z + h1, z)
    iu = np.triu_indices(g.shape[1], 1)
    H[:, iu[1], iu[0]] = H[:, iu[0], iu[1]]
    return f, g, H


_CHUNK = 256  # rows per block: keeps the (rows, n) temporaries in cache


def _evaluate_blocks(th, d: _Data, delta, weights, likelihood, order):
    """_evaluate over blocks of _CHUNK rows (same result, several times faster for big batches)."""
    K = th.shape[0]
    if K <= _CHUNK:
        return _evaluate(th, d, delta, weights, likelihood, order)
    parts = [
        _evaluate(th[i : i + _CHUNK], d, delta,
                  None if weights is None else weights[i : i + _CHUNK], likelihood, order)
        for i in range(0, K, _CHUNK)
    ]  # fmt: skip
    if order == 0:
        return np.concatenate(parts)
    return tuple(np.concatenate(x) for x in zip(*parts, strict=True))


def huber_objective(theta, N, D, L, *, delta: float = _SETUP.huber_delta, objective="huber"):
    """Value of the Approach-3 objective at theta = (a, b, e, alpha, beta[, sigma]) (uncentred).

    Summed over runs; for checking fits against other implementations.
    """
    d = _Data.make(N, D, L)
    th = d.to_centred(np.atleast_2d(np.asarray(theta, dtype=float)))
    out = _evaluate(th, d, delta, None, objective == "huber_likelihood", 0)
    return float(out[0]) if np.ndim(theta) == 1 else out


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
    delta: float = _SETUP.huber_delta
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
    N,
    D,
    L,
    *,
    objective: str = "huber",
    delta: float = _SETUP.huber_delta,
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


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap distribution of an estimate: replicates, standard errors, percentile intervals."""

    names: tuple[str, ...]
    replicates: np.ndarray = field(repr=False)  # (R, len(names))
    estimate: tuple[float, ...]  # the full-data estimate
    n_failed: int = 0  # replicates that did not converge and were dropped
    level: float = 0.95

    @property
    def se(self) -> dict[str, float]:
        """Standard deviation of each quantity over replicates."""
        return dict(zip(self.names, np.std(self.replicates, axis=0, ddof=1).tolist(), strict=True))

    def interval(self, level: float | None = None) -> dict[str, tuple[float, float]]:
        """Percentile interval at ``level`` (default self.level) for each quantity."""
        q = 100 * (1 - (self.level if level is None else level)) / 2
        lo, hi = np.percentile(self.replicates, [q, 100 - q], axis=0)
        return {k: (float(a), float(b)) for k, a, b in zip(self.names, lo, hi, strict=True)}


def _multinomial_weights(rng: np.random.Generator, n: int, R: int) -> np.ndarray:
    """Counts of each run in R resamples of size n drawn with replacement."""
    return rng.multinomial(n, np.full(n, 1.0 / n), size=R).astype(float)


def legacy_resample_counts(n: int, n_bootstrap: int, seed: int) -> np.ndarray:
    """Resample counts drawn as Besiroglu 2024's notebook draws them.

    Their code calls np.random.seed(seed) then np.random.choice(indices, size=n, replace=True)
    n_bootstrap times; this uses a private RandomState(seed) (same stream, no global state) and
    returns how often each of the n runs is drawn in each replicate, shape (n_bootstrap, n).
    """
    rs = np.random.RandomState(seed)
    out = np.empty((n_bootstrap, n))
    for i in range(n_bootstrap):
        out[i] = np.bincount(rs.choice(n, size=n, replace=True), minlength=n)
    return out


def bootstrap_approach3(
    N,
    D,
    L,
    *,
    n_bootstrap: int = 4000,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    delta: float = _SETUP.huber_delta,
    full_fit: Approach3Result | None = None,
    counts: np.ndarray | None = None,
    batch_iters: int = 100,
    gtol: float = 1e-10,
    level: float = 0.95,
) -> BootstrapResult:
    """Bootstrap of Approach 3 (summed Huber objective): resample runs with replacement, refit.

    Replicates are multinomial weights on the runs (the counts of a resample with replacement),
    solved together as one batch of damped Newton steps warm-started from the full-data optimum
    (Besiroglu 2024 also start every replicate from one point). Replicates the batch leaves
    unconverged are polished one by one; any that still fail the Newton-decrement test are counted
    in ``n_failed`` and dropped. Randomness only through ``rng`` (or ``seed``); or pass the
    resamples yourself as ``counts`` (n_bootstrap, n), e.g. `legacy_resample_counts`.
    """
    n_bootstrap = check_int("n_bootstrap", n_bootstrap, 1, 100_000)
    if rng is None:
        rng = np.random.default_rng(seed)
    d = _Data.make(N, D, L)
    n = d.t.size
    full = full_fit or approach3(N, D, L, delta=delta)
    if full.objective != "huber":
        raise ValueError(f"full_fit must use the 'huber' objective, got {full.objective!r}")
    th0 = d.to_centred(np.array(full.theta))
    if counts is None:
        W = _multinomial_weights(rng, n, n_bootstrap)
    else:
        W = np.asarray(counts, dtype=float)
        if W.shape != (n_bootstrap, n):
            raise ValueError(f"counts must have shape ({n_bootstrap}, {n}), got {W.shape}")
    start = np.repeat(th0[None, :], n_bootstrap, axis=0)
    th, f, _, _, conv = _lm_batch(start, d, delta, W, False, iters=batch_iters, gtol=gtol)
    failed = np.zeros(n_bootstrap, dtype=bool)
    for i in np.flatnonzero(~conv):
        res = _polish(th[i], d, delta, W[i], False, gtol=1e-14)
        dec, _ = _newton_decrement(res.x, d, delta, W[i], False)
        if dec <= gtol * max(1.0, abs(res.fun)):
            th[i] = res.x
        else:
            failed[i] = True
    t = d.from_centred(th[~failed, :5])
    reps = np.column_stack([np.exp(t[:, :3]), t[:, 3:5]])
    est = (full.A, full.B, full.E, full.alpha, full.beta)
    return BootstrapResult(PARAM_NAMES, reps, est, int(failed.sum()), level)


# --------------------------------------------------------------------------------------------
# Approach 2: IsoFLOP profiles
# --------------------------------------------------------------------------------------------


def isoflop_groups(flops, budgets: Sequence[float] | None = None, tol_log10: float = 0.06):
    """Assign each run to a FLOP budget; -1 for runs near none.

    With ``budgets`` a run joins the nearest budget within tol_log10 (in log10 FLOPs). Without,
    budgets are found as clusters: sorted log10 FLOPs split where neighbours differ by more than
    tol_log10. Returns (labels (n,), budgets (G,)) with budgets the nominal values, or for found
    clusters the geometric mean of their FLOPs.
    """
    if not 0 < tol_log10 <= 1:
        raise ValueError(f"tol_log10 must be in (0, 1], got {tol_log10}")
    lc = np.log10(_check_1d("flops", flops))
    if budgets is not None:
        lb = np.log10(_check_1d("budgets", budgets))
        dist = np.abs(lc[:, None] - lb[None, :])
        labels = np.argmin(dist, axis=1)
        labels[dist[np.arange(lc.size), labels] > tol_log10] = -1
        return labels, np.asarray(budgets, dtype=float)
    order = np.argsort(lc)
    labels = np.empty(lc.size, dtype=int)
    cut = np.concatenate([[0], np.cumsum(np.diff(lc[order]) > tol_log10)])
    labels[order] = cut
    centres = np.array([lc[labels == g].mean() for g in range(cut[-1] + 1)])
    return labels, 10**centres


@dataclass(frozen=True)
class IsoFlopProfile:
    """One budget's parabola L = c2 x^2 + c1 x + c0 in x = log10 N, and its vertex."""

    budget: float  # nominal (or cluster) budget, FLOPs
    flops: float  # geometric mean FLOPs of the runs used
    n_points: int
    coef: tuple[float, float, float]  # (c2, c1, c0)
    N_opt: float  # vertex, parameters
    D_opt: float  # tokens: flops / (6 N_opt), or interpolated from the runs' D when given
    L_min: float  # loss at the vertex, nats


@dataclass(frozen=True)
class Approach2Result:
    """Hoffmann 2022 Approach 2: per-budget vertices and N_opt = k C^a, D_opt = k' C^b."""

    profiles: tuple[IsoFlopProfile, ...]
    N_opt: PowerLaw  # N_opt(C), exponent a
    D_opt: PowerLaw  # D_opt(C), exponent b
    used_budgets: tuple[float, ...]  # budgets with enough points and a convex, interior vertex
    skipped: dict = field(default_factory=dict)  # budget -> reason it was skipped
    tol_log10: float = 0.06  # the grouping tolerance used (log10 FLOPs)

    @property
    def a(self) -> float:
        return self.N_opt.exponent

    @property
    def b(self) -> float:
        return self.D_opt.exponent


def _profiles(N, C, L, labels, budgets, min_points, w=None, D=None):
    out, skipped = [], {}
    for g, budget in enumerate(budgets):
        sel = labels == g
        if w is not None:
            sel = sel & (w > 0)
        k = int(sel.sum()) if w is None else int(w[sel].sum())
        if int(sel.sum()) < max(min_points, 3) or k < min_points:
            skipped[float(budget)] = f"{int(sel.sum())} runs (< {max(min_points, 3)})"
            continue
        x = np.log10(N[sel])
        ww = None if w is None else np.sqrt(w[sel])
        c2, c1, c0 = np.polyfit(x, L[sel], 2, w=ww)
        if c2 <= 0:
            skipped[float(budget)] = "parabola not convex"
            continue
        xv = -c1 / (2 * c2)
        if not x.min() <= xv <= x.max():
            skipped[float(budget)] = "vertex outside the sampled sizes"
            continue
        cg = float(np.exp(np.mean(np.log(C[sel]))))
        Nv = 10**xv
        if D is None:
            Dv = cg / (6 * Nv)
        else:  # tokens at the vertex, interpolated in log-log between the budget's runs
            order = np.argsort(x)
            Dv = float(10 ** np.interp(xv, x[order], np.log10(D[sel][order])))
        out.append(IsoFlopProfile(float(budget), cg, int(sel.sum()), (c2, c1, c0), Nv,
                                  Dv, c0 - c1 * c1 / (4 * c2)))  # fmt: skip
    return out, skipped


def approach2(
    N,
    C,
    L,
    *,
    budgets: Sequence[float] | None = None,
    tol_log10: float = 0.06,
    min_points: int = 5,
    n_bootstrap: int = 0,
    rng: np.random.Generator | None = None,
    level: float = 0.80,
    D=None,
    fraction: float | None = None,
) -> Approach2Result:
    """Approach 2 (Hoffmann 2022 section 3.2): IsoFLOP parabolas, vertices, power laws in C.

    N: parameters, C: FLOPs, L: loss (nats). Budgets need >= min_points runs, a convex parabola
    and a vertex inside the sampled sizes; the others are listed in ``skipped`` with the reason.
    With n_bootstrap > 0 runs are resampled with replacement (``rng`` required) and the exponent
    and prefactor intervals (percentiles at ``level``; Table 2 prints 10th/90th) are attached.
    D: optional tokens per run; without it the vertex's tokens are C / (6 N_opt) (the paper's
    approximation), with it they are interpolated (log-log) between the budget's runs, for FLOPs
    counted exactly rather than as 6ND. fraction: instead of resampling with replacement, each
    replicate keeps this fraction of the runs, drawn without replacement (Table 2's procedure:
    80% of the data, 100 times), which suits budgets of a few runs each.
    """
    N = _check_1d("N (params)", N)
    C = _check_1d("C (flops)", C, N.size)
    L = _check_1d("L (loss)", L, N.size)
    D = None if D is None else _check_1d("D (tokens)", D, N.size)
    labels, bud = isoflop_groups(C, budgets, tol_log10)
    profs, skipped = _profiles(N, C, L, labels, bud, min_points, D=D)
    if len(profs) < 2:
        raise FitError(
            f"Approach 2 needs at least 2 budgets with {min_points}+ runs and an interior "
            f"minimum, got {len(profs)}; skipped: {skipped}"
        )
    cs = np.array([p.flops for p in profs])
    nlaw = fit_power_law(cs, [p.N_opt for p in profs])
    dlaw = fit_power_law(cs, [p.D_opt for p in profs])
    if n_bootstrap:
        if rng is None:
            raise ValueError("approach2 with n_bootstrap > 0 needs rng (a numpy Generator)")
        reps = []
        if fraction is None:
            W = _multinomial_weights(rng, N.size, n_bootstrap)
        else:
            if not 0 < fraction <= 1:
                raise ValueError(f"fraction must be in (0, 1], got {fraction}")
            keep = max(1, int(round(fraction * N.size)))
            W = np.zeros((n_bootstrap, N.size))
            for r in range(n_bootstrap):
                W[r, rng.permutation(N.size)[:keep]] = 1.0
        for w in W:
            pr, _ = _profiles(N, C, L, labels, bud, min_points, w, D)
            if len(pr) >= 2:
                cc = np.array([p.flops for p in pr])
                a = fit_power_law(cc, [p.N_opt for p in pr])
                b = fit_power_law(cc, [p.D_opt for p in pr])
                reps.append((a.exponent, a.k, b.exponent, b.k))
        reps = np.array(reps)
        q = 100 * (1 - level) / 2
        lo, hi = np.percentile(reps, [q, 100 - q], axis=0)
        nlaw = PowerLaw(nlaw.k, nlaw.exponent, nlaw.n_points, (lo[0], hi[0]), (lo[1], hi[1]))
        dlaw = PowerLaw(dlaw.k, dlaw.exponent, dlaw.n_points, (lo[2], hi[2]), (lo[3], hi[3]))
    return Approach2Result(
        tuple(profs), nlaw, dlaw, tuple(p.budget for p in profs), skipped, tol_log10
    )


# --------------------------------------------------------------------------------------------
# Approach 1: envelope of training curves
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approach1Result:
    """Hoffmann 2022 Approach 1: the minimal-loss envelope over curves and its power laws."""

    flops: np.ndarray = field(repr=False)  # envelope grid, FLOPs
    loss: np.ndarray = field(repr=False)  # minimal loss at each grid FLOP, nats
    N: np.ndarray = field(repr=False)  # parameters of the run achieving it
    D: np.ndarray = field(repr=False)  # tokens at that point, D = C / (6 N)
    N_opt: PowerLaw
    D_opt: PowerLaw
    curve: np.ndarray | None = field(default=None, repr=False)  # index of the winning curve


def approach1(
    curves,
    *,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
    flops_range: tuple[float, float] | None = None,
) -> Approach1Result:
    """Approach 1 (Hoffmann 2022 section 3.1): envelope of minimal loss per FLOP over curves.

    curves: iterable of (N, flops, loss) or (N, flops, loss, tokens) with N the model's parameters
    and flops/loss (and tokens) 1-D arrays along one training run (FLOPs increasing). Each curve is interpolated in log FLOPs onto
    ``n_flops`` log-spaced values (default 1500, as the paper) over the range covered by at least
    one curve; at each value the run with the lowest loss wins. Then N_opt ~ C^a and D_opt ~ C^b
    are fitted to the winners: D = C / (6 N), or, where a curve gives its tokens, the tokens
    interpolated at that FLOP value (for FLOPs counted exactly rather than as 6ND).
    """
    curves = list(curves)
    if len(curves) < 2:
        raise FitError(f"Approach 1 needs at least 2 training curves, got {len(curves)}")
    prepared = []
    for i, curve in enumerate(curves):
        if len(curve) not in (3, 4):
            raise ValueError(f"curves[{i}] must be (N, flops, loss) or (N, flops, loss, tokens)")
        n_params, c, loss_ = curve[:3]
        c = _check_1d(f"curves[{i}] flops", c)
        loss_ = _check_1d(f"curves[{i}] loss", loss_, c.size)
        if c.size < 2 or np.any(np.diff(c) <= 0):
            raise ValueError(f"curves[{i}] flops must be increasing with >= 2 points")
        tokens = (
            None if len(curve) == 3 else np.log(_check_1d(f"curves[{i}] tokens", curve[3], c.size))
        )
        prepared.append((float(n_params), np.log(c), loss_, tokens))
    lo = min(p[1][0] for p in prepared)
    hi = max(p[1][-1] for p in prepared)
    if flops_range is not None:
        lo, hi = np.log(flops_range[0]), np.log(flops_range[1])
    grid = np.linspace(lo, hi, n_flops)
    table = np.full((len(prepared), n_flops), np.inf)
    for j, (_, lc, ll, _) in enumerate(prepared):
        inside = (grid >= lc[0]) & (grid <= lc[-1])
        table[j, inside] = np.interp(grid[inside], lc, ll)
    best = np.argmin(table, axis=0)
    ok = np.isfinite(table[best, np.arange(n_flops)])
    C = np.exp(grid[ok])
    Nw = np.array([prepared[j][0] for j in best[ok]])
    Lw = table[best[ok], np.flatnonzero(ok)]
    Dw = C / (6 * Nw)
    for k, (j, g) in enumerate(zip(best[ok], grid[ok], strict=True)):
        _, lc, _, lt = prepared[j]
        if lt is not None:
            Dw[k] = np.exp(np.interp(g, lc, lt))
    return Approach1Result(C, Lw, Nw, Dw, fit_power_law(C, Nw), fit_power_law(C, Dw), best[ok])
