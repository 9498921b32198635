"""The measured-here study, v2 (``docs/study-v2.md``): its numbers, no drawing.

- :func:`profiles`: each IsoFLOP budget's final losses per size, with their seed spread.
- :func:`optima`: each budget's compute-optimal size (Approach 2's parabola in log N through every
  seed's point) with an interval from a bootstrap that resamples sizes within the budget and then
  seeds within each size, and how far the profile rises at the window's ends in seed sds.
- :func:`exponents`: a and b of N_opt, D_opt proportional to C^a, C^b, the same bootstrap carried
  through every budget at once.
- :func:`ladder_points`: IsoFLOP points read off long runs' learning curves in a given FLOP
  accounting (the discrepancy ladder's steps 1-3, Porian et al. 2024).

Inputs are the tidy frames of :mod:`scalinglaws.runs_data`. N is ``params_total`` (all parameters,
Chinchilla's count) unless a function is told otherwise; C is the exact training FLOP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws import runs_data
from scalinglaws.rng import stream

RESULTS_V2 = runs_data.RESULTS / "v2"
VOCAB = 256  # bytes: the output layer has d_model x 256 weights (tied to the input embedding)

# FLOP accountings of the discrepancy ladder: (N column, C per token as a function of a run row)
ACCOUNTINGS = {
    "6N (non-embedding)": "params_kaplan",  # Kaplan 2020: C = 6 N D, N = 12 n_layer d_model^2
    "6N (with output layer)": "params_head",  # + the last layer: N = 12 L d^2 + d_model x vocab
    "exact": "params_total",  # 3 x forward matmul FLOP, attention included; Chinchilla's N
}


def load(study: str, corpus: str = "prose", results=None) -> pd.DataFrame:
    """The finished v2 runs of one study (``"isoflop"``, ``"ladder-matched"``, ...) and corpus."""
    runs = runs_data.load_runs(results if results is not None else RESULTS_V2)
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
    a, b, c = np.polyfit(logN, L, 2)
    if a <= 0:
        return None
    v = -b / (2 * a)
    if not logN.min() <= v <= logN.max():
        return None
    return float(v), float(c - b * b / (4 * a))


@dataclass(frozen=True)
class Optima:
    """Each budget's optimum and its bootstrap replicates (log10 N_opt, NaN where one failed)."""

    table: pd.DataFrame  # budget, N_opt, N_lo, N_hi, D_opt, L_opt, rises, counts, n_failed
    budgets: np.ndarray
    replicates: np.ndarray  # (n_bootstrap, n_budgets) log10 N_opt
    level: float


def _tokens_at(logN_opt: float, g: pd.DataFrame, params: str) -> float:
    """Tokens of a run of size N_opt at this budget, interpolated log-log between its runs."""
    s = g.groupby(params)["tokens"].first().sort_index()
    return float(10 ** np.interp(logN_opt, np.log10(s.index), np.log10(s.to_numpy())))


def _resample(groups: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Row indices of one replicate: sizes with replacement, then seeds within each drawn size."""
    picks = rng.integers(0, len(groups), len(groups))
    return np.concatenate([rng.choice(groups[j], groups[j].size) for j in picks])


def optima(runs: pd.DataFrame, *, params: str = "params_total", n_bootstrap: int = 2000,
           seed: int = 0, level: float = 0.80) -> Optima:  # fmt: skip
    """Approach 2's vertex per budget through every seed's point, with a bootstrap over sizes and
    seeds (``level``: central interval; Hoffmann 2022 Table 2 prints 10th-90th percentiles)."""
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
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
            idx = _resample(groups, rng)
            v = _vertex(logN[idx], L[idx])
            reps[i, j] = np.nan if v is None else v[0]
        ok = reps[:, j][np.isfinite(reps[:, j])]
        prof = profiles(g, params)
        sd = float(np.sqrt(np.nanmean(prof["sd"] ** 2))) if prof["n_seeds"].max() > 1 else np.nan
        row = {"budget": C, "n_sizes": len(groups), "n_runs": len(g), "seed_sd": sd,
               "n_failed": int(n_bootstrap - ok.size)}  # fmt: skip
        if fit is None:
            rows.append(row | {"N_opt": np.nan, "N_lo": np.nan, "N_hi": np.nan, "D_opt": np.nan,
                               "L_opt": np.nan, "rise_small": np.nan, "rise_large": np.nan})  # fmt: skip
            continue
        v, Lmin = fit
        lo, hi = (10 ** np.quantile(ok, [q, 1 - q])) if ok.size else (np.nan, np.nan)
        ends = prof.iloc[[0, -1]]["mean"].to_numpy() - Lmin
        ends = ends / sd if sd > 0 else np.full(2, np.nan)  # rises in seed sds
        rows.append(row | {"N_opt": 10**v, "N_lo": float(lo), "N_hi": float(hi),
                           "D_opt": _tokens_at(v, g, params), "L_opt": Lmin,
                           "rise_small": ends[0], "rise_large": ends[1]})  # fmt: skip
    return Optima(pd.DataFrame(rows), budgets, reps, level)


@dataclass(frozen=True)
class Exponent:
    """a of N_opt proportional to C^a (or b of D_opt) with its bootstrap interval."""

    value: float
    lo: float
    hi: float
    level: float
    n_budgets: int
    n_failed: int  # replicates in which some budget had no vertex

    @property
    def width(self) -> float:
        return self.hi - self.lo


def _slope(logC: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(logC, y, 1)[0])


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
    a_reps = np.array([_slope(logC, r) for r in reps[good]])
    d_reps = np.array(
        [_slope(logC, np.log10([_tokens_at(x, f, params) for x, f in zip(r, frames, strict=True)]))
         for r in reps[good]]
    )  # fmt: skip
    q = (1 - opt.level) / 2
    out = {}
    for name, col, r in (("a", "N_opt", a_reps), ("b", "D_opt", d_reps)):
        lo, hi = np.quantile(r, [q, 1 - q]) if r.size else (np.nan, np.nan)
        value = _slope(logC, np.log10(t[col].to_numpy()[use]))
        out[name] = Exponent(value, float(lo), float(hi), opt.level, int(use.size),
                             int((~good).sum()))  # fmt: skip
    return out


# ---- the discrepancy ladder: IsoFLOP points read off learning curves -----------------------------


def with_head(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``params_head``: Kaplan's non-embedding N plus the output layer (d_model x vocab)."""
    return frame.assign(params_head=frame["params_kaplan"] + frame["d_model"] * VOCAB)


def ladder_points(curves: pd.DataFrame, runs: pd.DataFrame, accounting: str,
                  budgets) -> pd.DataFrame:  # fmt: skip
    """IsoFLOP points of long runs at each budget in one accounting: the validation loss where a
    run's counted FLOP (6 N tokens, or the exact count) reach the budget, interpolated linearly in
    log FLOP between its two neighbouring checkpoints; a run that does not reach a budget, or
    reaches it before its first checkpoint, gives no point there. Columns as :func:`load`'s
    (``flops_budget``, the accounting's N as ``params_total``, ``loss_nats``, ``tokens``)."""
    if accounting not in ACCOUNTINGS:
        raise ValueError(f"accounting must be one of {sorted(ACCOUNTINGS)}, got {accounting!r}")
    col = ACCOUNTINGS[accounting]
    info = with_head(runs).set_index("run_id")
    rows = []
    for run_id, c in curves.groupby("run_id", sort=True):
        r = info.loc[run_id]
        c = c[c["step"] > 0].sort_values("tokens")
        tokens = c["tokens"].to_numpy(float)
        spent = c["flops"].to_numpy(float) if col == "params_total" else 6 * r[col] * tokens
        for C in budgets:
            if not spent[0] <= C <= spent[-1]:
                continue
            x = np.log10(C)
            loss = float(np.interp(x, np.log10(spent), c["loss_nats"].to_numpy(float)))
            tok = float(10 ** np.interp(x, np.log10(spent), np.log10(tokens)))
            rows.append({"run_id": run_id, "flops_budget": float(C), "params_total": float(r[col]),
                         "seed": int(r["seed"]), "tokens": tok, "loss_nats": loss})  # fmt: skip
    return pd.DataFrame(rows, columns=["run_id", "flops_budget", "params_total", "seed",
                                       "tokens", "loss_nats"])  # fmt: skip
