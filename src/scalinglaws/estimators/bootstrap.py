"""The bootstrap: resample runs with replacement, refit, and read standard errors and intervals."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scalinglaws.core.params import check_int
from scalinglaws.estimators._approach3_derivatives import FitData
from scalinglaws.estimators._approach3_fast import (
    PARAM_NAMES,
    Approach3Result,
    approach3,
    lm_batch,
    newton_decrement,
    polish,
)
from scalinglaws.estimators.approach3_paper import DELTA

__all__ = [
    "BootstrapResult",
    "bootstrap_approach3",
    "legacy_resample_counts",
    "multinomial_weights",
    "FAIL_GTOL",
]


# A replicate fails when its Newton decrement after polishing exceeds this (times max(1, |f|)):
# a margin of nine orders of magnitude above the batch's target 1e-15, so the count of failures is
# a property of the resamples, not of the last bits of the arithmetic.
FAIL_GTOL = 1e-6


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


def multinomial_weights(rng: np.random.Generator, n: int, R: int) -> np.ndarray:
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
    *,
    N,
    D,
    L,
    n_bootstrap: int = 4000,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    delta: float = DELTA,
    full_fit: Approach3Result | None = None,
    counts: np.ndarray | None = None,
    batch_iters: int = 1500,
    gtol: float = 1e-15,
    level: float = 0.95,
) -> BootstrapResult:
    """Bootstrap of Approach 3 (summed Huber objective): resample runs with replacement, refit.

    Replicates are multinomial weights on the runs (the counts of a resample with replacement),
    solved together as one batch of damped Newton steps warm-started from the full-data optimum
    (Besiroglu 2024 also start every replicate from one point), up to ``batch_iters`` steps (a
    converged replicate leaves the batch, so the cost is that of the slowest). Replicates the batch
    leaves unconverged are polished one by one (scipy trust-exact, about 100x slower a replicate:
    with 100 steps, 191 of 400 replicates of the v3 study's fit needed it and 3 failed it; with
    1500, none); a replicate counts as failed (``n_failed``, dropped) only
    if its Newton decrement after the polish still exceeds :data:`FAIL_GTOL`, far above the
    ``gtol`` the batch aims for, so that where an optimiser happens to stop on one CPU or another
    cannot flip the count. The batch's target, a decrement of 1e-15 x max(1, |f|), is set by the
    flattest replicates: at 1e-10 the 97.5th percentile of (Mis)Fitting's a moved by 2e-6 between
    numpy's SIMD settings (a replicate stopped short along a flat direction); at 1e-15 by 1e-9. Randomness only through ``rng`` (or ``seed``); or pass the
    resamples yourself as ``counts`` (n_bootstrap, n), e.g. `legacy_resample_counts`.
    """
    n_bootstrap = check_int("n_bootstrap", n_bootstrap, 1, 100_000)
    if rng is None:
        rng = np.random.default_rng(seed)
    d = FitData.make(N, D, L)
    n = d.t.size
    full = full_fit or approach3(N=N, D=D, L=L, delta=delta)
    if full.objective != "huber":
        raise ValueError(f"full_fit must use the 'huber' objective, got {full.objective!r}")
    th0 = d.to_centred(np.array(full.theta))
    if counts is None:
        W = multinomial_weights(rng, n, n_bootstrap)
    else:
        W = np.asarray(counts, dtype=float)
        if W.shape != (n_bootstrap, n):
            raise ValueError(f"counts must have shape ({n_bootstrap}, {n}), got {W.shape}")
    start = np.repeat(th0[None, :], n_bootstrap, axis=0)
    th, f, _, _, conv = lm_batch(start, d, delta, W, False, iters=batch_iters, gtol=gtol)
    failed = np.zeros(n_bootstrap, dtype=bool)
    for i in np.flatnonzero(~conv):
        res = polish(th[i], d, delta, W[i], False, gtol=1e-14)
        dec, _ = newton_decrement(res.x, d, delta, W[i], False)
        if dec <= max(gtol, FAIL_GTOL) * max(1.0, abs(res.fun)):
            th[i] = res.x
        else:
            failed[i] = True
    t = d.from_centred(th[~failed, :5])
    reps = np.column_stack([np.exp(t[:, :3]), t[:, 3:5]])
    est = (full.A, full.B, full.E, full.alpha, full.beta)
    return BootstrapResult(PARAM_NAMES, reps, est, int(failed.sum()), level)
