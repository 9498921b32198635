"""Approach 1 (Hoffmann 2022 section 3.1): the envelope of minimal loss per FLOP over training
curves, and power laws N_opt = k C^a, D_opt = k' C^b through its winners."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scalinglaws.constants.hoffmann2022 import HOFFMANN
from scalinglaws.estimators.inputs import FitError, check_1d
from scalinglaws.estimators.powerlaw import PowerLaw, fit_power_law

__all__ = [
    "Approach1Result",
    "approach1",
    "bootstrap_approach1",
    "bootstrap_over_ranges",
    "bracketed_range",
    "envelope_range",
    "fit_range",
    "in_last_fraction",
    "last_part",
    "range_variants",
]


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
    grid, table, tokens, sizes = _tables(curves, n_flops, flops_range)
    best = np.argmin(table, axis=0)
    ok = np.isfinite(table[best, np.arange(n_flops)])
    C = np.exp(grid[ok])
    Nw = sizes[best[ok]]
    Lw = table[best[ok], np.flatnonzero(ok)]
    Dw = np.exp(tokens[best[ok], np.flatnonzero(ok)])
    return Approach1Result(C, Lw, Nw, Dw, fit_power_law(C, Nw), fit_power_law(C, Dw), best[ok])


def _tables(curves, n_flops, flops_range):
    """(log-FLOPs grid, loss per curve on it (inf where a curve does not reach), log tokens per
    curve on it (log C/6N where a curve gives none), each curve's N): the envelope's inputs."""
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
    tokens = np.zeros((len(prepared), n_flops))
    for j, (n_params, lc, ll, lt) in enumerate(prepared):
        inside = (grid >= lc[0]) & (grid <= lc[-1])
        table[j, inside] = np.interp(grid[inside], lc, ll)
        # D = C / (6 N), or the curve's own tokens interpolated at that FLOP value
        tokens[j] = grid - np.log(6 * n_params) if lt is None else np.interp(grid, lc, lt)
    return grid, table, tokens, np.array([p[0] for p in prepared])


def _masked_slopes(x: np.ndarray, y: np.ndarray, m: np.ndarray):
    """Least-squares (slope, intercept) of y on x over the points where m, row by row (R, G)."""
    n = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # a row with no point: NaN, failed
        mx = (m * x).sum(axis=1) / n
        my = (m * y).sum(axis=1) / n
    dx = np.where(m, x - mx[:, None], 0.0)
    slope = (dx * (y - my[:, None])).sum(axis=1) / (dx * dx).sum(axis=1)
    # one size winning every point: y is constant and the slope exactly 0 (the sum above leaves
    # rounding of ~1e-17, whose sign and size depend on the CPU's summation order)
    first = np.take_along_axis(y, m.argmax(axis=1)[:, None], axis=1)
    flat = np.where(m, y == first, True).all(axis=1)
    slope = np.where(flat, 0.0, slope)
    return slope, np.where(flat, first[:, 0], my - slope * mx)


def bootstrap_approach1(
    *,
    curves,
    counts: np.ndarray,
    flops_range: tuple[float, float] | None = None,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
    chunk: int = 128,
) -> tuple[np.ndarray, np.ndarray]:
    """Approach 1 on many resamples of the curves at once: (replicates, failed).

    counts: (R, n) how often each of the n curves is drawn in each resample (a resample's envelope
    depends only on which curves it holds, so this equals :func:`approach1` on the resampled
    list). Returns replicates (R, 4): a, b, k of N_opt and k of D_opt (NaN where failed) and the
    failed mask: resamples whose envelope has fewer than 2 points. Vectorised: each curve's rank
    by loss at each FLOP value is computed once, and a resample's winner is its best-ranked curve.
    """
    grid, table, tokens, sizes = _tables(curves, n_flops, flops_range)
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[1] != sizes.size:
        raise ValueError(f"counts must have shape (R, {sizes.size}), got {counts.shape}")
    n, G = table.shape
    # rank of each curve at each grid value (ties by curve order, as np.argmin breaks them);
    # curves that do not reach a value rank last (n) there
    order = np.argsort(table, axis=0, kind="stable")
    rank = np.empty((n, G), dtype=np.int32)
    np.put_along_axis(rank, order, np.arange(n, dtype=np.int32)[:, None], axis=0)
    rank[~np.isfinite(table)] = n
    # (G, n): a grid value's ranks contiguous, so that the minimum over curves runs along memory
    rank = rank.T.astype(np.int16 if n < 2**15 - 1 else np.int32)
    logN = np.log(sizes)
    out = np.full((counts.shape[0], 4), np.nan)
    failed = np.zeros(counts.shape[0], dtype=bool)
    g = np.arange(G)[None, :]
    for s in range(0, counts.shape[0], chunk):
        present = counts[s : s + chunk] > 0
        # a resample's best rank at each grid value; ranks of reaching curves are distinct, so the
        # curve holding it is order[rank] (where none reaches, the rank is n: masked out below)
        top = np.where(present[:, None, :], rank[None], rank.dtype.type(n)).min(axis=2)  # (r, G)
        ok = top < n
        best = order[np.minimum(top, n - 1), g]
        enough = ok.sum(axis=1) >= 2
        failed[s : s + chunk] = ~enough
        a, ka = _masked_slopes(grid[None, :], logN[best], ok)
        b, kb = _masked_slopes(grid[None, :], tokens[best, g], ok)
        block = np.column_stack([a, b, np.exp(ka), np.exp(kb)])
        block[~enough] = np.nan
        out[s : s + chunk] = block
    return out, failed


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


def bracketed_range(
    *, curves, n_flops: int = HOFFMANN.budgets.approach1_n_flop_points, min_decades: float = 0.5
) -> tuple[float, float]:
    """The declared fit range of an envelope: the FLOPs at which its winner is **bracketed**, a
    curve of a smaller and a curve of a larger size reaching that FLOP value too; the longest
    contiguous stretch of such values. Outside it the envelope can only pick the smallest or the
    largest size trained there, whatever the optimum, so its winners measure the grid's edges.
    Raises FitError when the stretch spans under ``min_decades`` decades."""
    grid, table, _, sizes = _tables(curves, n_flops, None)
    best = np.argmin(table, axis=0)
    G = np.arange(grid.size)
    reach = np.isfinite(table)
    Nw = sizes[best]
    ok = (
        reach[best, G]
        & (reach & (sizes[:, None] < Nw[None, :])).any(axis=0)
        & (reach & (sizes[:, None] > Nw[None, :])).any(axis=0)
    )
    if not ok.any():
        raise FitError("no FLOP value at which the envelope's winner has a size on each side")
    # longest contiguous run of bracketed grid values
    edges = np.diff(np.concatenate([[0], ok.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    i = int(np.argmax(ends - starts))
    lo, hi = float(np.exp(grid[starts[i]])), float(np.exp(grid[ends[i]]))
    if np.log10(hi / lo) < min_decades:
        raise FitError(
            f"the envelope's winner is bracketed over {lo:.3g}-{hi:.3g} FLOPs only, "
            f"under {min_decades} decades"
        )
    return lo, hi


def last_part(curves, fraction: float = HOFFMANN.claims.footnote4_last_fraction):
    """Each curve cut to its last ``fraction`` of training FLOPs (its first point interpolated in
    log FLOPs at (1 - fraction) x its final FLOPs): an envelope of these takes only points
    footnote 4 allows."""
    out = []
    for curve in curves:
        n_params, c, loss_ = curve[0], np.asarray(curve[1], float), np.asarray(curve[2], float)
        start = (1 - fraction) * c[-1]
        keep = c > start
        lc = np.log(c)
        cols = [
            np.concatenate([[start], c[keep]]),
            np.concatenate([[np.interp(np.log(start), lc, loss_)], loss_[keep]]),
        ]
        if len(curve) == 4:
            lt = np.log(np.asarray(curve[3], float))
            cols.append(np.exp(np.concatenate([[np.interp(np.log(start), lc, lt)], lt[keep]])))
        if start >= c[0]:
            out.append((n_params, *cols))
    return out


RANGE_SHIFTS = (0.0, 0.125, 0.25)  # inward shifts of each end, as fractions of the range (log)


def range_variants(flops_range: tuple[float, float], shifts=RANGE_SHIFTS) -> list[tuple]:
    """The declared set of fit ranges around ``flops_range``: each end moved inward by each of
    ``shifts`` (fractions of the range's width in log FLOPs), 9 ranges for 3 shifts."""
    lo, hi = np.log(flops_range[0]), np.log(flops_range[1])
    w = hi - lo
    return [(float(np.exp(lo + a * w)), float(np.exp(hi - b * w))) for a in shifts for b in shifts]


def bootstrap_over_ranges(
    *,
    curves,
    counts: np.ndarray,
    ranges: list[tuple],
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
):
    """:func:`bootstrap_approach1` with the fit range drawn too: replicate i is fitted over
    ``ranges[i % len(ranges)]``, so percentiles of the pooled replicates cover the range choice
    as well as the resampling of curves. Returns (replicates, failed) as that function."""
    counts = np.asarray(counts)
    out = np.full((counts.shape[0], 4), np.nan)
    failed = np.zeros(counts.shape[0], dtype=bool)
    idx = np.arange(counts.shape[0])
    for j, r in enumerate(ranges):
        sel = idx[idx % len(ranges) == j]
        if sel.size:
            out[sel], failed[sel] = bootstrap_approach1(
                curves=curves, counts=counts[sel], flops_range=r, n_flops=n_flops
            )
    return out, failed


def envelope_range(
    *,
    curves,
    N,
    C_final,
    min_sizes: int = 3,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
) -> tuple[float, float]:
    """The declared fit range of an envelope, for every data set alike: where its winner is
    bracketed (:func:`bracketed_range`), within :func:`fit_range` (from the first finished curve to
    the FLOPs ``min_sizes`` sizes reach)."""
    b_lo, b_hi = bracketed_range(curves=curves, n_flops=n_flops)
    f_lo, f_hi = fit_range(N=N, C_final=C_final, min_sizes=min_sizes)
    lo, hi = max(b_lo, f_lo), min(b_hi, f_hi)
    if not lo < hi:
        raise FitError(
            f"no FLOP range where the envelope's winner is bracketed and {min_sizes} "
            f"sizes reach: [{lo:.3g}, {hi:.3g}]"
        )
    return lo, hi


def hull_minimizers(*, C, L) -> np.ndarray:
    """Indices of the points on the lower convex hull of (log C, log L), C increasing and L
    strictly decreasing along it: the frontier McLeish et al. 2025 (Gemstones) read Approach 1
    from, in place of Hoffmann's envelope on a grid (their ``get_resource_hull``: a vantage point
    at (2 max C, 2 max L) closes the hull from above; qhull via scipy)."""
    from scipy.spatial import ConvexHull

    C = check_1d("C (flops)", C)
    L = check_1d("L (loss)", L, C.size)
    keep = np.flatnonzero(C > 0)
    pts = np.log(np.vstack([[2 * C[keep].max(), 2 * L[keep].max()],
                            np.column_stack([C[keep], L[keep]])]))  # fmt: skip
    v = ConvexHull(pts).vertices
    idx = keep[v[v != 0] - 1]
    idx = idx[np.argsort(C[idx], kind="stable")]
    # as theirs: keep the first point and each whose loss is below the hull point before it
    falls = np.concatenate([[True], np.diff(L[idx]) < 0])
    return idx[falls]
