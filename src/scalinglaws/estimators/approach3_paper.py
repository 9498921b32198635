"""Approach 3 written as the paper writes it: the readable reference for ``estimators.approach3``.

Hoffmann et al. 2022, eq 3 and App. D.2: the parametric loss L(N, D) = E + A / N^alpha + B / D^beta
(eq 2) is fitted in log space, with a, b, e = log A, log B, log E, by minimising

    sum_i Huber_delta( LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i ),   delta = 1e-3,

with L-BFGS-B from every point of a grid of initialisations (alpha, beta in {0, 0.5, ..., 2},
e in {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}: 4,500 starts), keeping the best end point.
Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt", section 3 and their notebook's
"replicate exactly" fit) showed that the Huber losses must be *summed*, as here, not averaged.

This module is that procedure and nothing more: float64, one start at a time, scipy's L-BFGS-B
with the exact gradient written out below. ``estimators.approach3`` (the private module
``_approach3_fast``) reaches the same optimum much faster (batched Newton steps, see its
docstring); tests/test_approach3_paper.py checks that the two agree.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from scalinglaws.constants import HOFFMANN

__all__ = ["ReferenceFit", "approach3_reference", "hoffmann_grid", "objective_and_gradient"]

DELTA = HOFFMANN.approach3_setup.huber_delta  # eq 3 / App. D.2: delta = 1e-3


def hoffmann_grid() -> np.ndarray:
    """App. D.2's 4,500 initialisations as rows (a, b, e, alpha, beta)."""
    s = HOFFMANN.approach3_setup
    mesh = np.meshgrid(s.grid_a, s.grid_b, s.grid_e, s.grid_alpha, s.grid_beta, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def objective_and_gradient(theta, N, D, L, delta: float = DELTA) -> tuple[float, np.ndarray]:
    """App. D.2's objective at theta = (a, b, e, alpha, beta), and its exact gradient.

    With the three terms u = (a - alpha log N, b - beta log D, e) of each run, the prediction is
    LSE(u) and its derivative in u is softmax(u) = (w_A, w_B, w_E). The residual is
    r = LSE(u) - log L and Huber'(r) = clip(r, -delta, delta). So, summed over runs,
    d/da = sum Huber'(r) w_A,  d/db = sum Huber'(r) w_B,  d/de = sum Huber'(r) w_E,
    d/dalpha = -sum Huber'(r) w_A log N,  d/dbeta = -sum Huber'(r) w_B log D.
    """
    a, b, e, alpha, beta = theta
    log_N, log_D, log_L = np.log(N), np.log(D), np.log(L)
    u = np.stack([a - alpha * log_N, b - beta * log_D, np.full_like(log_N, e)])
    m = u.max(axis=0)  # LSE(u) = m + log sum exp(u - m), which cannot overflow
    lse = m + np.log(np.exp(u - m).sum(axis=0))
    r = lse - log_L
    huber = np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    w_A, w_B, w_E = np.exp(u - lse)  # softmax(u): the derivative of LSE(u) in u
    psi = np.clip(r, -delta, delta)  # Huber'(r)
    gradient = np.array(
        [
            np.sum(psi * w_A),
            np.sum(psi * w_B),
            np.sum(psi * w_E),
            -np.sum(psi * w_A * log_N),
            -np.sum(psi * w_B * log_D),
        ]
    )
    return float(np.sum(huber)), gradient


def _one_blas_thread():
    """scipy >= 1.15's L-BFGS-B runs many times slower under multithreaded OpenBLAS (scipy#22438)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - the fit is the same, only slower
        return nullcontext()
    return threadpool_limits(1, "blas")


@dataclass(frozen=True)
class ReferenceFit:
    """The best end point over the starts: eq 2's parameters and the objective there."""

    A: float
    B: float
    E: float
    alpha: float
    beta: float
    value: float  # summed Huber at the optimum
    theta: tuple[float, ...]  # (a, b, e, alpha, beta)
    start: tuple[float, ...]  # the start that reached it
    n_starts: int

    def as_dict(self) -> dict[str, float]:
        return {"A": self.A, "B": self.B, "E": self.E, "alpha": self.alpha, "beta": self.beta}


def approach3_reference(*, N, D, L, delta: float = DELTA, starts=None) -> ReferenceFit:
    """Fit eq 2 to runs (N parameters, D tokens, L loss in nats) as App. D.2 describes.

    starts: rows (a, b, e, alpha, beta), by default Hoffmann's 4,500-point grid. Each start is
    minimised by scipy's L-BFGS-B with the exact gradient; the tolerances are tightened from
    scipy's defaults (which stop on a relative change of the objective of 2e-9 measured against
    max(|f|, 1) = 1, coarse for an objective near 1e-3) so that the best end point is the optimum
    to about ten digits.
    """
    N, D, L = (np.asarray(x, dtype=float) for x in (N, D, L))
    if not (N.shape == D.shape == L.shape and N.ndim == 1 and N.size >= 6):
        raise ValueError(
            f"N, D, L must be 1-d arrays of one length >= 6, got {N.shape, D.shape, L.shape}"
        )
    if min(N.min(), D.min(), L.min()) <= 0:
        raise ValueError("N, D and L must be > 0")
    starts = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, dtype=float))
    best, best_start = None, None
    from scipy.optimize import minimize  # loads in ~0.5 s: imported only where a fit runs

    with _one_blas_thread():
        for start in starts:
            res = minimize(
                objective_and_gradient,
                start,
                args=(N, D, L, delta),
                jac=True,
                method="L-BFGS-B",
                options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 5000},
            )
            if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                best, best_start = res, start
    if best is None:
        raise RuntimeError("Approach 3 reference: no start reached a finite objective")
    a, b, e, alpha, beta = best.x
    return ReferenceFit(
        A=float(np.exp(a)),
        B=float(np.exp(b)),
        E=float(np.exp(e)),
        alpha=float(alpha),
        beta=float(beta),
        value=float(best.fun),
        theta=tuple(map(float, best.x)),
        start=tuple(map(float, best_start)),
        n_starts=len(starts),
    )
