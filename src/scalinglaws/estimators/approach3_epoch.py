"""Epoch's procedure: the Approach 3 refit and bootstrap exactly as Besiroglu et al. 2024 ran them.

A second, named path beside the project's default (:func:`scalinglaws.estimators.approach3` with
:func:`scalinglaws.estimators.bootstrap_approach3`, batched damped Newton converged to a Newton
decrement of 1e-10). Epoch's notebook (epoch-research/analyzing-chinchilla @ 9225883,
``data_analysis.ipynb``) fits differently, and its printed digits depend on how:

* every bootstrap replicate is a single scipy BFGS run of the **summed** Huber loss (delta 1e-3) of
  log L against log(exp(a - alpha log N) + exp(b - beta log D) + exp(e)), with the exact gradient
  and scipy's default stopping rule (gtol 1e-5 on the largest gradient component), **started at
  Hoffmann's TeX values** (``HOFFMANN.approach3_tex``), not at the full-data optimum;
* the resamples are ``np.random.seed(42)`` then ``np.random.choice(kept, size=len(kept))``, drawn
  all at once before any fit (:func:`scalinglaws.estimators.legacy_resample_counts`);
* the point estimate is a BFGS run of the Huber **likelihood** (the same residuals divided by a
  free scale exp(sigma), with the Huber density's normaliser) from the TeX values and sigma = 0.

BFGS stops where its own tolerance says, so a replicate ends up to ~1e-5 in gradient from the
optimum the default path converges to; the standard errors and interval ends differ between the two
paths in their last printed digits (``docs/differences.md``). This path reproduces Epoch's printed
digits; the default path stays the one users get.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DELTA = 1e-3  # Hoffmann 2022 App. D.2; Epoch's notebook


def _parts(theta, logN, logD):
    a, b, e, alpha, beta = theta[:5]
    tn = np.exp(a - alpha * logN)
    td = np.exp(b - beta * logD)
    s = tn + td + np.exp(e)
    return tn, td, s


def _huber(r, delta):
    return np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))


def _dhuber(r, delta):
    return np.where(np.abs(r) <= delta, r, delta * np.sign(r))


def _dpred(theta, logN, logD, parts=None):
    """d log(prediction) / d(a, b, e, alpha, beta), shape (5, n); ``parts``: ``_parts`` at theta,
    when already computed."""
    tn, td, s = _parts(theta, logN, logD) if parts is None else parts
    e = np.exp(theta[2])
    return np.stack([tn / s, td / s, e / s + 0 * s, -logN * tn / s, -logD * td / s])


def _value(parts, logL, delta):
    return float(np.sum(_huber(logL - np.log(parts[2]), delta)))


def _gradient(theta, parts, logN, logD, logL, delta):
    return -(_dpred(theta, logN, logD, parts) @ _dhuber(logL - np.log(parts[2]), delta))


def summed_huber(theta, logN, logD, logL, delta=DELTA):
    """Epoch's ``huber_loss_objective``: the summed Huber loss of the log residuals."""
    return _value(_parts(theta, logN, logD), logL, delta)


def summed_huber_grad(theta, logN, logD, logL, delta=DELTA):
    return _gradient(theta, _parts(theta, logN, logD), logN, logD, logL, delta)


def _summed_huber_pair(logN, logD, logL, delta=DELTA):
    """summed_huber and summed_huber_grad for one resample, sharing ``_parts`` at each point
    (BFGS asks for both at the same point): the same numbers, one evaluation of the terms."""
    last: dict[bytes, tuple] = {}

    def parts(theta):
        key = theta.tobytes()
        if key not in last:
            last.clear()
            last[key] = _parts(theta, logN, logD)
        return last[key]

    def fun(theta):
        return _value(parts(theta), logL, delta)

    def jac(theta):
        return _gradient(theta, parts(theta), logN, logD, logL, delta)

    return fun, jac


def _log_normaliser(delta):
    from scipy.stats import norm

    return np.log(
        np.sqrt(2 * np.pi) * (1 - 2 * norm.sf(delta)) + 2 * np.exp(-0.5 * delta**2) / delta
    )


def huber_nll(theta, logN, logD, logL, delta=DELTA):
    """Epoch's ``objective``: minus the Huber log-likelihood with scale exp(sigma) = theta[5]."""
    sigma = theta[5]
    r = (logL - np.log(_parts(theta, logN, logD)[2])) / np.exp(sigma)
    return float(np.sum(_huber(r, delta)) + r.size * (_log_normaliser(delta) + sigma))


def huber_nll_grad(theta, logN, logD, logL, delta=DELTA):
    sigma = theta[5]
    scale = np.exp(sigma)
    r = (logL - np.log(_parts(theta, logN, logD)[2])) / scale
    h = _dhuber(r, delta)
    g5 = -(_dpred(theta, logN, logD) @ h) / scale
    return np.append(g5, -np.sum(h * r) + r.size)


def _bfgs(fun, jac, x0, args):
    from scipy.optimize import minimize

    return minimize(fun, np.asarray(x0, dtype=float), args=args, jac=jac, method="BFGS")


def tex_start() -> np.ndarray:
    """Hoffmann's TeX values as Epoch's ``true_params``: log A, log B, log E, alpha, beta."""
    from scalinglaws.constants import HOFFMANN

    f = HOFFMANN.approach3_tex
    return np.array([np.log(f.A), np.log(f.B), np.log(f.E), f.alpha, f.beta])


@dataclass(frozen=True)
class EpochBootstrap:
    """Replicates as Epoch's ``param_list``: rows of (log A, log B, log E, alpha, beta)."""

    log_params: np.ndarray  # (n_bootstrap, 5)
    n_not_converged: int  # replicates whose BFGS reported failure (kept, as Epoch keeps them)

    @property
    def replicates(self) -> np.ndarray:
        """(A, B, E, alpha, beta) per replicate (Epoch's ``untransform_params``)."""
        p = self.log_params
        return np.hstack([np.exp(p[:, :3]), p[:, 3:]])

    @property
    def se(self) -> dict[str, float]:
        """sqrt of the diagonal of np.cov of the untransformed replicates (ddof 1, cell 25)."""
        sd = np.sqrt(np.diag(np.cov(self.replicates.T)))
        return dict(zip(("A", "B", "E", "alpha", "beta"), map(float, sd), strict=True))

    def interval(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """np.percentile of each untransformed parameter (cell 26)."""
        q = 100 * np.array([(1 - level) / 2, (1 + level) / 2])
        return {
            name: tuple(float(v) for v in np.percentile(col, q))
            for name, col in zip(("A", "B", "E", "alpha", "beta"), self.replicates.T, strict=True)
        }


def fit_likelihood(N, D, L, start=None) -> np.ndarray:
    """Epoch's point estimate: BFGS of the Huber likelihood from the TeX values and sigma = 0;
    returns (log A, log B, log E, alpha, beta, sigma)."""
    x0 = np.append(tex_start() if start is None else start, 0.0)
    args = (np.log(N), np.log(D), np.log(L))
    return _bfgs(huber_nll, huber_nll_grad, x0, args).x


def resample_indices(n: int, n_bootstrap: int, seed: int) -> np.ndarray:
    """Epoch's resamples in their drawn order: np.random.seed(seed), then n_bootstrap times
    np.random.choice(kept, size=n, replace=True), as positions 0..n-1 among the kept points (a
    private RandomState: the same stream, no global state). The order matters: the objective is a
    sum over the drawn points, and its rounding follows their order."""
    rs = np.random.RandomState(seed)
    return np.stack([rs.choice(n, size=n, replace=True) for _ in range(n_bootstrap)])


def bootstrap(N, D, L, indices: np.ndarray, start=None, progress: bool = False) -> EpochBootstrap:
    """One BFGS of the summed Huber per resample (rows of ``indices``, in drawn order), each
    started at ``start`` (default: the TeX values)."""
    from tqdm.auto import tqdm

    x0 = tex_start() if start is None else np.asarray(start, dtype=float)
    logN, logD, logL = np.log(N), np.log(D), np.log(L)
    out, failed = np.empty((len(indices), 5)), 0
    for i, idx in enumerate(tqdm(indices, disable=not progress, desc="Epoch bootstrap")):
        res = _bfgs(*_summed_huber_pair(logN[idx], logD[idx], logL[idx]), x0, ())
        out[i] = res.x
        failed += not res.success
    return EpochBootstrap(out, failed)
