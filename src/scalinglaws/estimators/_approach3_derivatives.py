"""The Approach-3 objectives and their exact derivatives, for a batch of parameter vectors at once.

Hoffmann 2022 eq 3 / App. D.2 fits eq 2, L = E + A/N^alpha + B/D^beta, in the log-sum-exp form
log L = LSE(a - alpha log N, b - beta log D, e) with A, B, E = exp(a, b, e), by minimising the Huber
loss (delta = 1e-3) of the log residuals, **summed** over runs. Two objectives:

- ``"huber"``: sum_i Huber_delta(LSE_i - log L_i), Hoffmann's objective (and Epoch's "replicate
  exactly" fit over Hoffmann's grid), the one ``approach3_paper`` writes out for one start;
- ``"huber_likelihood"``: the negative log-likelihood of a Huber density with a free scale
  exp(sigma) (Besiroglu et al. 2024, the objective behind their reported refit).

Here they are evaluated for K parameter vectors at once, in parameters centred on the mean log N and
log D, with the analytic gradient and 5x5 (6x6 with sigma) Hessian that the batched damped Newton
search of ``_approach3_fast`` and the bootstrap need. Optional per-run weights (multinomial counts)
stand for resamples of the runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import erf, exp, log, pi, sqrt

import numpy as np

from scalinglaws.estimators.approach3_paper import DELTA
from scalinglaws.estimators.inputs import check_1d

__all__ = ["huber_objective"]


def _log_norm_huber(delta: float) -> float:
    """log of the normaliser of the Huber density exp(-Huber_delta(x)) (Besiroglu 2024 code)."""
    tail = 0.5 * (1.0 - erf(delta / sqrt(2.0)))
    return log(sqrt(2.0 * pi) * (1.0 - 2.0 * tail) + 2.0 * exp(-0.5 * delta**2) / delta)


@dataclass(frozen=True)
class FitData:
    """Centred logs of one data set: x = log N - mN, y = log D - mD, t = log L."""

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    mN: float
    mD: float
    Bx: np.ndarray = field(repr=False)  # (n, 3): 1, x, x^2
    By: np.ndarray = field(repr=False)  # (n, 3): 1, y, y^2

    @classmethod
    def make(cls, N, D, L) -> FitData:
        N = check_1d("N (params)", N)
        D = check_1d("D (tokens)", D, N.size)
        L = check_1d("L (loss)", L, N.size)
        lN, lD = np.log(N), np.log(D)
        mN, mD = float(lN.mean()), float(lD.mean())
        x, y = lN - mN, lD - mD
        Bx = np.column_stack([np.ones_like(x), x, x * x])
        By = np.column_stack([np.ones_like(y), y, y * y])
        return cls(x, y, np.log(L), mN, mD, Bx, By)

    def astype(self, dtype) -> FitData:
        """The same data in another float type (float32 for the coarse search stages)."""
        c = [np.asarray(v, dtype=dtype) for v in (self.x, self.y, self.t, self.Bx, self.By)]
        return FitData(c[0], c[1], c[2], self.mN, self.mD, c[3], c[4])

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


def terms(th: np.ndarray, d: FitData):
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


def evaluate(th, d: FitData, delta: float, weights, likelihood: bool, order: int):
    """Objective (K,), and for order >= 1 the gradient (K, P), for order 2 the Hessian (K, P, P).

    th is (K, 5) for "huber" and (K, 6) for "huber_likelihood" (last column sigma = log scale).
    weights is None (all ones) or (K, n) multinomial counts. Sums over runs against the fixed
    per-run vectors x, y, x^2, ... are done as matrix products.
    """
    K = th.shape[0]
    r, (w1, w2, w3) = terms(th, d)
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


def evaluate_blocks(th, d: FitData, delta, weights, likelihood, order):
    """evaluate over blocks of _CHUNK rows (same result, several times faster for big batches)."""
    K = th.shape[0]
    if K <= _CHUNK:
        return evaluate(th, d, delta, weights, likelihood, order)
    parts = [
        evaluate(
            th[i : i + _CHUNK],
            d,
            delta,
            None if weights is None else weights[i : i + _CHUNK],
            likelihood,
            order,
        )
        for i in range(0, K, _CHUNK)
    ]
    if order == 0:
        return np.concatenate(parts)
    return tuple(np.concatenate(x) for x in zip(*parts, strict=True))


def huber_objective(theta, *, N, D, L, delta: float = DELTA, objective="huber"):
    """Value of the Approach-3 objective at theta = (a, b, e, alpha, beta[, sigma]) (uncentred).

    Summed over runs; for checking fits against other implementations.
    """
    d = FitData.make(N, D, L)
    th = d.to_centred(np.atleast_2d(np.asarray(theta, dtype=float)))
    out = evaluate(th, d, delta, None, objective == "huber_likelihood", 0)
    return float(out[0]) if np.ndim(theta) == 1 else out
