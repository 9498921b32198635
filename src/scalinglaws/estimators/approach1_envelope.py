"""Approach 1 (Hoffmann 2022 section 3.1): the envelope of minimal loss per FLOP over training
curves, and power laws N_opt = k C^a, D_opt = k' C^b through its winners."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scalinglaws.constants.hoffmann2022 import HOFFMANN
from scalinglaws.estimators.inputs import FitError, check_1d
from scalinglaws.estimators.powerlaw import PowerLaw, fit_power_law

__all__ = ["Approach1Result", "approach1", "fit_range", "in_last_fraction"]


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
    *,
    curves,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
    flops_range: tuple[float, float] | None = None,
) -> Approach1Result:
    """Approach 1 (Hoffmann 2022 section 3.1): envelope of minimal loss per FLOP over curves.

    curves: iterable of (N, C, L) or (N, C, L, D), one per training run: N the model's parameters,
    C its FLOPs, L its loss and D its tokens, 1-D arrays along the run (C increasing), in the
    package's order with the optional D last. Each curve is interpolated in log FLOPs onto
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
            raise ValueError(f"curves[{i}] must be (N, C, L) or (N, C, L, D)")
        n_params, c, loss_ = curve[:3]
        c = check_1d(f"curves[{i}] flops", c)
        loss_ = check_1d(f"curves[{i}] loss", loss_, c.size)
        if c.size < 2 or np.any(np.diff(c) <= 0):
            raise ValueError(f"curves[{i}] flops must be increasing with >= 2 points")
        tokens = (
            None if len(curve) == 3 else np.log(check_1d(f"curves[{i}] tokens", curve[3], c.size))
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


def fit_range(*, N, C_final, min_sizes: int = 3) -> tuple[float, float]:
    """FLOPs over which an envelope of curves is fitted: from the earliest end of any curve
    (before it every candidate is mid-schedule) to the largest FLOPs that ``min_sizes`` distinct
    sizes reach (beyond it the envelope picks whichever of the few longest runs is left).

    N: each curve's parameters; C_final: each curve's last FLOPs."""
    N = check_1d("N (params)", N)
    C_final = check_1d("C_final (flops)", C_final, N.size)
    sizes = np.unique(N)
    if sizes.size < min_sizes:
        raise FitError(f"the envelope needs runs of >= {min_sizes} sizes, got {sizes.size}")
    reach = np.sort([C_final[N == n].max() for n in sizes])[::-1]
    lo, hi = float(C_final.min()), float(reach[min_sizes - 1])
    if not lo < hi:
        raise FitError(f"no FLOP range for the envelope fit: [{lo:.3g}, {hi:.3g}]")
    return lo, hi


def in_last_fraction(position) -> float:
    """Share of envelope points that lie in the last 15% of their run's training FLOPs
    (position: each point's FLOPs over its run's final FLOPs; Hoffmann 2022 footnote 4)."""
    last = HOFFMANN.claims.footnote4_last_fraction
    return float(np.mean(np.asarray(position, float) >= 1 - last))
