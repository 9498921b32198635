"""Approach 2 (Hoffmann 2022 section 3.2): IsoFLOP profiles, their vertices, power laws in C.

Runs are grouped by FLOP budget, a parabola of loss in log10 N is fitted per budget, its vertex
taken as that budget's optimum, and N_opt = k C^a, D_opt = k' C^b fitted through the vertices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scalinglaws.estimators.bootstrap import multinomial_weights
from scalinglaws.estimators.inputs import FitError, check_1d
from scalinglaws.estimators.powerlaw import PowerLaw, fit_power_law

__all__ = ["Approach2Result", "IsoFlopProfile", "approach2", "isoflop_groups"]


def isoflop_groups(*, C, budgets: Sequence[float] | None = None, tol_log10: float = 0.06):
    """Assign each run to a FLOP budget; -1 for runs near none.

    With ``budgets`` a run joins the nearest budget within tol_log10 (in log10 FLOPs). Without,
    budgets are found as clusters: sorted log10 FLOPs split where neighbours differ by more than
    tol_log10. Returns (labels (n,), budgets (G,)) with budgets the nominal values, or for found
    clusters the geometric mean of their FLOPs.
    """
    if not 0 < tol_log10 <= 1:
        raise ValueError(f"tol_log10 must be in (0, 1], got {tol_log10}")
    lc = np.log10(check_1d("C (flops)", C))
    if budgets is not None:
        lb = np.log10(check_1d("budgets", budgets))
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


def _tokens_at_vertex(xv: float, x: np.ndarray, D: np.ndarray) -> float:
    """Tokens at log10 N = xv, interpolated log-log between the sizes x (log10 N) of a budget's
    runs with tokens D. Runs of one size are first averaged (mean log D): with ties in x the
    interpolation would otherwise depend on the order a sort leaves them in, which differs
    between numpy's SIMD sorts."""
    ux, inv = np.unique(x, return_inverse=True)
    logD = np.bincount(inv, weights=np.log10(D)) / np.bincount(inv)
    return float(10 ** np.interp(xv, ux, logD))


def parabola_vertex(x, y, w=None) -> tuple[tuple[float, float, float], float, float]:
    """The least-squares parabola y = c2 x^2 + c1 x + c0 (weights ``w`` as numpy's polyfit) and
    its vertex: ((c2, c1, c0), x_v, y_v) with x_v = -c1 / (2 c2) and y_v = c0 - c1^2 / (4 c2); the
    vertex is NaN where the parabola is not convex (c2 <= 0). The one vertex formula of Approach 2,
    the v2 study and Llama 3's refit."""
    c2, c1, c0 = np.polyfit(x, y, 2, w=w)
    if not c2 > 0:
        return (c2, c1, c0), float("nan"), float("nan")
    return (c2, c1, c0), -c1 / (2 * c2), c0 - c1 * c1 / (4 * c2)


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
        (c2, c1, c0), xv, Lv = parabola_vertex(x, L[sel], ww)
        if not c2 > 0:
            skipped[float(budget)] = "parabola not convex"
            continue
        if not x.min() <= xv <= x.max():
            skipped[float(budget)] = "vertex outside the sampled sizes"
            continue
        cg = float(np.exp(np.mean(np.log(C[sel]))))
        Nv = 10**xv
        if D is None:
            Dv = cg / (6 * Nv)
        else:  # tokens at the vertex, interpolated in log-log between the budget's sizes
            Dv = _tokens_at_vertex(xv, x, D[sel])
        out.append(IsoFlopProfile(float(budget), cg, int(sel.sum()), (c2, c1, c0), Nv, Dv, Lv))
    return out, skipped


def approach2(
    *,
    N,
    D=None,
    C,
    L,
    budgets: Sequence[float] | None = None,
    tol_log10: float = 0.06,
    min_points: int = 5,
    n_bootstrap: int = 0,
    rng: np.random.Generator | None = None,
    level: float = 0.80,
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
    N = check_1d("N (params)", N)
    C = check_1d("C (flops)", C, N.size)
    L = check_1d("L (loss)", L, N.size)
    D = None if D is None else check_1d("D (tokens)", D, N.size)
    labels, bud = isoflop_groups(C=C, budgets=budgets, tol_log10=tol_log10)
    profs, skipped = _profiles(N, C, L, labels, bud, min_points, D=D)
    if len(profs) < 2:
        raise FitError(
            f"Approach 2 needs at least 2 budgets with {min_points}+ runs (min_points) and an "
            f"interior minimum, got {len(profs)}; skipped: "
            + "; ".join(f"{b:.3g} FLOPs: {why}" for b, why in skipped.items())
        )
    cs = np.array([p.flops for p in profs])
    nlaw = fit_power_law(cs, [p.N_opt for p in profs])
    dlaw = fit_power_law(cs, [p.D_opt for p in profs])
    if n_bootstrap:
        if rng is None:
            raise ValueError("approach2 with n_bootstrap > 0 needs rng (a numpy Generator)")
        reps = []
        if fraction is None:
            W = multinomial_weights(rng, N.size, n_bootstrap)
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
