"""The measured-here study, v2 (``docs/study-v2.md``): its numbers, no drawing.

- :func:`profiles`: each IsoFLOP budget's final losses per size, with their seed spread.
- :func:`optima`: each budget's compute-optimal size (Approach 2's parabola in log N through every
  seed's point) with an interval from a bootstrap that resamples sizes within the budget and then
  seeds within each size, and how far the profile rises at the window's ends in seed sds.
- :func:`exponents`: a and b of N_opt, D_opt proportional to C^a, C^b, the same bootstrap carried
  through every budget at once.
- (IsoFLOP points read off long runs' learning curves, for the discrepancy ladder: see
  :mod:`scalinglaws.analysis.curve_points`.)

Inputs are the tidy frames of :mod:`scalinglaws.datasets.measured`. N is ``params_total`` (all parameters,
Chinchilla's count) unless a function is told otherwise; C is the exact training FLOP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.core.rng import stream
from scalinglaws.datasets import measured
from scalinglaws.designs import v2 as grid_v2

RESULTS_V2 = measured.RESULTS / "v2"
VOCAB = 256  # bytes: the output layer has d_model x 256 weights (tied to the input embedding)

# FLOP accountings of the discrepancy ladder: (N column, C per token as a function of a run row)
ACCOUNTINGS = {
    "6N (non-embedding)": "params_kaplan",  # Kaplan 2020: C = 6 N D, N = 12 n_layer d_model^2
    "6N (with output layer)": "params_head",  # + the last layer: N = 12 L d^2 + d_model x vocab
    "exact": "params_total",  # 3 x forward matmul FLOP, attention included; Chinchilla's N
}


def load(study: str, corpus: str = "prose", results=None) -> pd.DataFrame:
    """The finished v2 runs of one study (``"isoflop"``, ``"ladder-matched"``, ...) and corpus."""
    runs = measured.load_runs(results if results is not None else RESULTS_V2)
    keep = (runs["study"] == f"v2-{study}") & (runs["corpus"] == corpus)
    return runs[keep & (runs["status"] == "finished")].reset_index(drop=True)


def profiles(runs: pd.DataFrame, params: str = "params_total") -> pd.DataFrame:
    """Per (budget, size): seeds, mean and sample sd of the final loss, and its extremes."""
    g = runs.groupby(["flops_budget", params], sort=True)["loss_nats"]
    out = g.agg(n_seeds="count", mean="mean", sd="std", lo="min", hi="max").reset_index()
    return out.rename(columns={params: "params"})


def _vertex(logN: np.ndarray, L: np.ndarray) -> tuple[float, float] | None:
    """Vertex (log10 N, loss) of the least-squares parabola in log10 N, or None when the parabola
    is not convex or its vertex lies outside the sampled sizes."""
    if np.unique(logN).size < 3:
        return None
    _, v, Lv = estimators.parabola_vertex(logN, L)
    if not logN.min() <= v <= logN.max():  # False for NaN: not convex
        return None
    return float(v), float(Lv)


@dataclass(frozen=True)
class Optima:
    """Each budget's optimum and its bootstrap replicates (log10 N_opt, NaN where one failed)."""

    table: pd.DataFrame  # budget, N_opt, N_lo, N_hi, D_opt, L_opt, rises, counts, n_failed
    budgets: np.ndarray
    replicates: np.ndarray  # (n_bootstrap, n_budgets) log10 N_opt
    level: float
    noise_sd: float | None = (
        None  # the parametric bootstrap's noise; None: sizes and seeds resampled
    )


def _tokens_table(g: pd.DataFrame, params: str) -> tuple[np.ndarray, np.ndarray]:
    """(log10 N, log10 tokens) of a budget's sizes, N ascending (the first run of each size)."""
    s = g.groupby(params)["tokens"].first().sort_index()
    return np.log10(s.index.to_numpy(float)), np.log10(s.to_numpy(float))


def _tokens_at(logN_opt, g: pd.DataFrame, params: str):
    """Tokens of a run of size N_opt at this budget, interpolated log-log between its runs
    (``logN_opt`` a number or an array of them)."""
    x, y = _tokens_table(g, params)
    out = 10 ** np.interp(logN_opt, x, y)
    return float(out) if np.ndim(out) == 0 else out


def _resample(groups: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Row indices of one replicate: sizes with replacement, then seeds within each drawn size."""
    picks = rng.integers(0, len(groups), len(groups))
    # rng.choice(g, g.size) draws exactly these integers from the stream, with more overhead
    return np.concatenate(
        [groups[j][rng.integers(0, groups[j].size, groups[j].size)] for j in picks]
    )


def optima(
    runs: pd.DataFrame,
    *,
    params: str = "params_total",
    n_bootstrap: int = 2000,
    seed: int = 0,
    level: float = 0.80,
    noise_sd: float | None = None,
) -> Optima:
    """Approach 2's vertex per budget through every seed's point, with a bootstrap interval
    (``level``: central interval; Hoffmann 2022 Table 2 prints 10th-90th percentiles).

    The bootstrap resamples the sizes within each budget and then the seeds within each size; with
    ``noise_sd`` it is parametric instead (Porian et al. 2024's method): every point keeps its size
    and gets Gaussian noise of that sd (nats), the seed-to-seed spread, which suits one seed per
    size, where resampling sizes leaves too few distinct sizes for a vertex."""
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if noise_sd is not None and not (np.isfinite(noise_sd) and noise_sd > 0):
        raise ValueError(f"noise_sd must be a positive number of nats, got {noise_sd}")
    rng = stream(seed, "study-v2.bootstrap")
    budgets = np.sort(runs["flops_budget"].unique())
    rows, reps = [], np.full((n_bootstrap, budgets.size), np.nan)
    q = (1 - level) / 2
    for j, C in enumerate(budgets):
        g = runs[runs["flops_budget"] == C].reset_index(drop=True)
        logN, L = np.log10(g[params].to_numpy(float)), g["loss_nats"].to_numpy(float)
        groups = [np.flatnonzero(logN == x) for x in np.unique(logN)]
        fit = _vertex(logN, L)
        for i in range(n_bootstrap):
            if noise_sd is None:
                idx = _resample(groups, rng)
                v = _vertex(logN[idx], L[idx])
            else:
                v = _vertex(logN, L + noise_sd * rng.standard_normal(L.size))
            reps[i, j] = np.nan if v is None else v[0]
        ok = reps[:, j][np.isfinite(reps[:, j])]
        prof = profiles(g, params)
        sd = float(np.sqrt(np.nanmean(prof["sd"] ** 2))) if prof["n_seeds"].max() > 1 else np.nan
        row = {
            "budget": C,
            "n_sizes": len(groups),
            "n_runs": len(g),
            "seed_sd": sd,
            "n_failed": int(n_bootstrap - ok.size),
        }
        if fit is None:
            rows.append(
                row
                | {
                    "N_opt": np.nan,
                    "N_lo": np.nan,
                    "N_hi": np.nan,
                    "D_opt": np.nan,
                    "L_opt": np.nan,
                    "rise_small": np.nan,
                    "rise_large": np.nan,
                }
            )
            continue
        v, Lmin = fit
        lo, hi = (10 ** np.quantile(ok, [q, 1 - q])) if ok.size else (np.nan, np.nan)
        ends = prof.iloc[[0, -1]]["mean"].to_numpy() - Lmin
        ends = ends / sd if sd > 0 else np.full(2, np.nan)  # rises in seed sds
        rows.append(
            row
            | {
                "N_opt": 10**v,
                "N_lo": float(lo),
                "N_hi": float(hi),
                "D_opt": _tokens_at(v, g, params),
                "L_opt": Lmin,
                "rise_small": ends[0],
                "rise_large": ends[1],
            }
        )
    return Optima(pd.DataFrame(rows), budgets, reps, level, noise_sd)


@dataclass(frozen=True)
class Exponent:
    """a of N_opt proportional to C^a (or b of D_opt) with an interval that covers both the noise
    within each budget and the scatter of the optima between budgets (:func:`slope_interval`)."""

    value: float
    lo: float  # the covering interval: the wider of the two below on each side
    hi: float
    level: float
    n_budgets: int
    n_failed: int  # replicates in which some budget had no vertex
    bootstrap: tuple[float, float] = (np.nan, np.nan)  # percentiles of the replicates' slopes
    regression: tuple[float, float] = (np.nan, np.nan)  # t interval from the optima's scatter

    @property
    def width(self) -> float:
        return self.hi - self.lo


def regression_interval(logC: np.ndarray, y: np.ndarray, level: float) -> tuple[float, float]:
    """The least-squares slope's t interval from the scatter of ``y`` about its line
    (:func:`scalinglaws.estimators.slope_t_interval`)."""
    return estimators.slope_t_interval(logC, y, level)


def slope_interval(logC, y, reps, level: float) -> tuple[tuple, tuple, tuple]:
    """(covering, bootstrap, regression) intervals of the slope of ``y`` on ``logC``.

    The bootstrap (percentiles of the slopes of ``reps``, rows of resampled optima) sees only the
    noise within each budget; the regression interval sees the optima's scatter about their line,
    which also holds whatever moves one budget's optimum and not the others' (a window, a shape
    step, the learning-rate rule). The covering interval is the wider of the two on each side, so
    its coverage is at least the regression interval's where the optima scatter beyond their own
    noise and at least the bootstrap's where they do not (tests/test_study_intervals.py)."""
    q = (1 - level) / 2
    r = _slopes(np.asarray(logC, float), np.asarray(reps, float))
    boot = tuple(map(float, np.quantile(r, [q, 1 - q]))) if r.size else (np.nan, np.nan)
    reg = regression_interval(np.asarray(logC, float), np.asarray(y, float), level)
    cover = (float(np.nanmin([boot[0], reg[0]])), float(np.nanmax([boot[1], reg[1]])))
    return cover, boot, reg


def _slope(logC: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(logC, y, 1)[0])


def _slopes(logC: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of Y (R, k) on logC (k,)."""
    dx = logC - logC.mean()
    return (Y - Y.mean(axis=1, keepdims=True)) @ dx / (dx @ dx)


def exponents(opt: Optima, runs: pd.DataFrame, params: str = "params_total") -> dict[str, Exponent]:
    """a and b over the budgets with a vertex; replicates carry every budget's resample at once
    (D_opt of a replicate is read off the same budget's runs at its N_opt)."""
    t = opt.table
    use = np.flatnonzero(np.isfinite(t["N_opt"].to_numpy()))
    if use.size < 2:
        raise ValueError(f"exponents need 2 or more budgets with a vertex, got {use.size}")
    logC = np.log10(opt.budgets[use])
    reps = opt.replicates[:, use]
    good = np.all(np.isfinite(reps), axis=1)
    frames = [runs[runs["flops_budget"] == C] for C in opt.budgets[use]]
    logD = np.column_stack(
        [np.log10(_tokens_at(reps[good, j], f, params)) for j, f in enumerate(frames)]
    ).reshape(-1, len(frames))
    out = {}
    for name, col, reps_y in (("a", "N_opt", reps[good]), ("b", "D_opt", logD)):
        y = np.log10(t[col].to_numpy()[use])
        (lo, hi), boot, reg = slope_interval(logC, y, reps_y, opt.level)
        out[name] = Exponent(
            _slope(logC, y), lo, hi, opt.level, int(use.size), int((~good).sum()), boot, reg
        )
    return out


def seed_sd(results=None) -> float:
    """The seed-to-seed sd of the final loss, pooled over the budgets of ``v2_noise.json`` (4
    seeds of one size at each of 3e11, 1e12 and 3e12 FLOP, lr 3e-3: the ladder's recipe)."""
    runs = load("noise", "prose", results)
    var = runs.groupby("flops_budget")["loss_nats"].var(ddof=1).dropna()
    if var.empty:
        raise ValueError("no v2 noise runs with 2 or more seeds: the seed sd is unknown")
    return float(np.sqrt(var.mean()))


DESIGN_MIN_SIZES = 6  # a plan budget is analysed once 6 of its window's 8 sizes have finished


def design_window(runs: pd.DataFrame, min_sizes: int = DESIGN_MIN_SIZES) -> pd.DataFrame:
    """The runs of each budget's designed window: the 8 ladder rungs the plan centres on the
    budget's expected optimum, 3 seeds each below the top budget, and the rungs added where a
    minimum fell near the window's edge (:func:`scalinglaws.designs.v2.window_of`). Dropped: the single-seed shorter horizons of larger sizes that a budget also holds (they
    serve Approach 1), runs off the ladder, and budgets with fewer than ``min_sizes`` window sizes
    finished (the 1e11 and 3e10 horizons on prose)."""
    rung = grid_v2.rung_of_shape()
    k = [
        rung.get((int(L), int(d)), -1)
        for L, d in zip(runs["n_layer"], runs["d_model"], strict=True)
    ]
    inside = np.array(
        [
            kk in grid_v2.window_of(c, float(C))
            for kk, c, C in zip(k, runs["corpus"], runs["flops_budget"], strict=True)
        ],
        dtype=bool,
    )
    r = runs[inside]
    n = r.groupby(["corpus", "flops_budget"])["params_total"].transform("nunique")
    return r[n >= min_sizes].reset_index(drop=True)


# ---- one corpus's IsoFLOP study, everything its figure and tables need -------------------------


@dataclass(frozen=True)
class IsoFLOPStudy:
    """Approach 2 on one corpus's v2 IsoFLOP plan."""

    corpus: str
    runs: pd.DataFrame  # the finished runs of each budget's designed window (:func:`design_window`)
    profiles: pd.DataFrame  # per budget and size: seeds, mean, sd (:func:`profiles`)
    parabolas: dict[float, np.ndarray]  # budget -> polyfit coefficients in log10 N (where convex)
    optima: Optima
    exponents: dict[str, Exponent] | None  # a and b; None with fewer than 2 vertices
    laws: dict[str, tuple[float, float]]  # "N_opt"/"D_opt" -> (log10 prefactor at 1, slope)


def isoflop_study(
    corpus: str = "prose", *, n_bootstrap: int = 2000, seed: int = 0, results=None
) -> IsoFLOPStudy:
    """The v2 IsoFLOP plan of ``corpus`` with every number its figure draws: per budget, every
    seed's point of the plan's designed window (:func:`design_window`)."""
    runs = design_window(load("isoflop", corpus, results))
    if runs.empty:
        raise ValueError(f"no finished v2 IsoFLOP runs on corpus {corpus!r} yet")
    opt = optima(runs, n_bootstrap=n_bootstrap, seed=seed)
    parabolas = {}
    for C, g in runs.groupby("flops_budget"):
        logN = np.log10(g["params_total"].to_numpy(float))
        if _vertex(logN, g["loss_nats"].to_numpy(float)) is not None:
            parabolas[float(C)] = np.polyfit(logN, g["loss_nats"].to_numpy(float), 2)
    try:
        ex = exponents(opt, runs)
    except ValueError:
        ex = None
    t = opt.table[np.isfinite(opt.table["N_opt"])]
    laws = {}
    if len(t) >= 2:
        logC = np.log10(t["budget"].to_numpy(float))
        for col in ("N_opt", "D_opt"):
            slope, icpt = np.polyfit(logC, np.log10(t[col].to_numpy(float)), 1)
            laws[col] = (float(icpt), float(slope))
    return IsoFLOPStudy(corpus, runs, profiles(runs), parabolas, opt, ex, laws)


def optima_table(study: IsoFLOPStudy) -> pd.DataFrame:
    """Per budget: sizes and runs, N_opt with its interval, D_opt, loss there, the seed sd and
    how far the profile rises at the window's ends, in seed sds."""
    t = study.optima.table
    return pd.DataFrame(
        {
            "budget (FLOP)": t["budget"].map(lambda x: f"{x:.0e}"),
            "sizes": t["n_sizes"],
            "runs": t["n_runs"],
            "N_opt": t["N_opt"].round(0),
            f"N_opt {study.optima.level:.0%} interval": [
                f"{lo:,.0f} - {hi:,.0f}" for lo, hi in zip(t["N_lo"], t["N_hi"], strict=True)
            ],
            "D_opt (bytes)": t["D_opt"].round(-3),
            "loss at N_opt": t["L_opt"].round(4),
            "seed sd": t["seed_sd"].round(4),
            "rise at ends (seed sds)": [
                f"{a:.1f}, {b:.1f}" for a, b in zip(t["rise_small"], t["rise_large"], strict=True)
            ],
            "replicates without a vertex": t["n_failed"],
        }
    )


def corpora(results=None) -> list[str]:
    """The corpora whose v2 IsoFLOP plan has a budget ready to analyse (:func:`design_window`),
    prose first; a corpus whose first runs have not yet filled a budget's window is not listed."""
    runs = measured.load_runs(results if results is not None else RESULTS_V2)
    runs = runs[(runs["study"] == "v2-isoflop") & (runs["status"] == "finished")]
    have = {c for c, g in runs.groupby("corpus") if len(design_window(g))}
    return sorted(have, key=lambda c: (c != "prose", c))


def exponent_table(studies: list[IsoFLOPStudy]) -> pd.DataFrame:
    """a and b per corpus with their intervals and widths, and the budgets behind them."""
    rows = []
    for st in studies:
        t = st.optima.table[np.isfinite(st.optima.table["N_opt"])]
        for name, e in (st.exponents or {}).items():
            rows.append(
                {
                    "corpus": st.corpus,
                    "exponent": name,
                    "value": round(e.value, 3),
                    f"{e.level:.0%} interval": f"{e.lo:.3f} - {e.hi:.3f}",
                    "width": round(e.width, 3),
                    "bootstrap": f"{e.bootstrap[0]:.3f} - {e.bootstrap[1]:.3f}",
                    "regression": f"{e.regression[0]:.3f} - {e.regression[1]:.3f}",
                    "budgets": f"{t['budget'].min():.0e} - {t['budget'].max():.0e} ({len(t)})",
                    "replicates without every vertex": e.n_failed,
                }
            )
    return pd.DataFrame(rows)
