"""Two checks of v2's prose IsoFLOP optima that v3 runs (``docs/study-v3.md``, declared before the
runs were read):

* :func:`shape_check`: v2's 3e11 and 1e12 windows held one-layer models, on the step of v2's shape
  family from 1 to 2 layers (local slopes of N_opt 0.42, then 0.75). The check trains those sizes
  again with 2 layers (``v3_shape.json``, 3 seeds) and recomputes the two optima with every size at
  2 layers or more: v2's window runs with 2+ layers plus the shape runs, v2's estimator
  (:func:`scalinglaws.analysis.study_v2.optima`: parabola in log N through every seed's point,
  sizes then seeds resampled). The local slopes between consecutive budgets (3e12 and above
  unchanged) are shown before and after; they *straighten* if each 80% interval after contains v2's
  five-budget exponent where one before did not.
* :func:`lr_check`: every size of v2's windows at 3e11, 1e12, 3e12 and 1e13 at 0.5x and 2x the
  learning-rate rule's rate, one seed (``v3_lrcheck.json``; v2's seed-0 run is the 1x point). Each
  budget's optimum at 0.5x, at 2x and with each size at the best of its three rates (parametric
  bootstrap with v2's seed sd, one seed a point) is set beside v2's optimum and its interval; the
  rule is *where the optimum is* if no best-of-three optimum falls outside v2's 80% interval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws.analysis import study_v2
from scalinglaws.datasets import measured

RESULTS = measured.RESULTS / "v3"
SHAPE_BUDGETS = (3e11, 1e12)  # v2's windows with one-layer sizes
LR_BUDGETS = (3e11, 1e12, 3e12, 1e13)
LR_MULTIPLIERS = (0.5, 2.0)
LEVEL = 0.80
N_BOOTSTRAP = 2000  # replicates of each optimum, as declared (v2's estimator's own count)


def _finished(study: str, results=None) -> pd.DataFrame:
    runs = measured.load_runs(RESULTS if results is None else results, study=study)
    return runs[runs["status"] == "finished"].reset_index(drop=True)


def _v2_windows() -> pd.DataFrame:
    return study_v2.design_window(study_v2.load("isoflop", "prose"))


def local_slopes(opt: study_v2.Optima, label: str, level: float = LEVEL) -> pd.DataFrame:
    """Slope of log10 N_opt against log10 C between consecutive budgets, with the interval of the
    same difference over the bootstrap replicates (independent between budgets)."""
    t = opt.table
    q = (1 - level) / 2
    rows = []
    for j in range(len(opt.budgets) - 1):
        c0, c1 = float(opt.budgets[j]), float(opt.budgets[j + 1])
        dlogC = np.log10(c1 / c0)
        n0, n1 = t["N_opt"].iloc[j], t["N_opt"].iloc[j + 1]
        reps = (opt.replicates[:, j + 1] - opt.replicates[:, j]) / dlogC
        reps = reps[np.isfinite(reps)]
        lo, hi = np.quantile(reps, [q, 1 - q]) if reps.size else (np.nan, np.nan)
        rows.append(
            {
                "windows": label,
                "from": c0,
                "to": c1,
                "slope": float(np.log10(n1 / n0) / dlogC),
                "lo": float(lo),
                "hi": float(hi),
                "n_failed": int(opt.replicates.shape[0] - reps.size),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ShapeCheck:
    optima: pd.DataFrame  # budget, windows ("v2" / "2+ layers"), N_opt, N_lo, N_hi, n_sizes
    slopes: pd.DataFrame  # local_slopes of both
    exponent: float  # v2's five-budget a (with embeddings): the line the slopes are held to
    straightened: bool
    exponents: pd.DataFrame  # a over the five budgets with each windows, with its covering interval


def shape_check(n_bootstrap: int = N_BOOTSTRAP, seed: int = 0, results=None) -> ShapeCheck:
    """docs/study-v3.md's shape check (module docstring): optima and local slopes with v2's windows
    and with every size at 2 layers or more."""
    v2 = _v2_windows()
    shape = _finished("v3-shape", results)
    if shape.empty:
        raise ValueError("no finished v3 shape runs (data/runs/plans/v3_shape.json)")
    at = v2["flops_budget"].isin(SHAPE_BUDGETS)
    mixed = pd.concat(
        [v2[~at | (v2["n_layer"] >= 2)], shape[v2.columns.intersection(shape.columns)]],
        ignore_index=True,
    )
    out, slopes, exps = [], [], []
    for label, runs in (("v2", v2), ("2+ layers", mixed)):
        opt = study_v2.optima(runs, n_bootstrap=n_bootstrap, seed=seed, level=LEVEL)
        t = opt.table[["budget", "n_sizes", "n_runs", "N_opt", "N_lo", "N_hi", "n_failed"]]
        out.append(t.assign(windows=label))
        slopes.append(local_slopes(opt, label))
        e = study_v2.exponents(opt, runs)["a"]
        exps.append(
            {"windows": label, "a": e.value, "lo": e.lo, "hi": e.hi, "n_budgets": e.n_budgets}
        )
    a = exps[0]["a"]
    s = pd.concat(slopes, ignore_index=True)
    return ShapeCheck(
        pd.concat(out, ignore_index=True), s, float(a), straightens(s, a), pd.DataFrame(exps)
    )


def straightens(slopes: pd.DataFrame, a: float) -> bool:
    """The declared rule (docs/study-v3.md): the local slopes from :data:`SHAPE_BUDGETS` with
    every size at 2 layers or more each hold ``a`` in their interval (ends included), and those
    with v2's windows do not all hold it."""
    at = slopes[slopes["from"].isin(SHAPE_BUDGETS)]

    def holds(label: str) -> bool:
        d = at[at["windows"] == label]
        return bool(((d["lo"] <= a) & (a <= d["hi"])).all())

    return holds("2+ layers") and not holds("v2")


def shape_summary(r: ShapeCheck) -> str:
    """The shape check's result in words, by the declared rule."""
    s = r.slopes[r.slopes["from"].isin(SHAPE_BUDGETS)]
    parts = []
    for label in ("v2", "2+ layers"):
        d = s[s["windows"] == label]
        parts.append(
            f"{label}: "
            + ", ".join(f"{x.slope:.2f} [{x.lo:.2f}, {x.hi:.2f}]" for x in d.itertuples())
        )
    verdict = "straighten" if r.straightened else "do not straighten"
    return (
        f"local slopes from 3e11 and from 1e12 (80% intervals): {'; '.join(parts)}. "
        f"By the declared rule they {verdict} (v2's five-budget a = {r.exponent:.3f})."
    )


@dataclass(frozen=True)
class LRCheck:
    optima: pd.DataFrame  # budget, rate ("1x (v2)", "0.5x", "2x", "best of three"), N_opt, lo, hi
    best_rate: pd.DataFrame  # per budget and size: the loss at each rate and which was lowest
    moved: list[float]  # budgets whose best-of-three optimum lies outside v2's interval
    finished: int  # lr-check runs finished
    planned: int  # lr-check runs in the plan

    @property
    def complete(self) -> bool:
        return self.finished == self.planned


def lr_summary(r: LRCheck) -> str:
    """The learning-rate check's result in words, by the declared rule."""
    best = r.best_rate["best"].dropna()
    share = ", ".join(f"{k:g}x best at {v}" for k, v in sorted(best.value_counts().items()))
    if not r.complete:
        head = f"incomplete ({r.finished} of {r.planned} runs): no verdict yet"
    elif r.moved:
        head = (
            "the best-of-three optimum lies outside v2's 80% interval at "
            + ", ".join(f"{c:.0e}" for c in r.moved)
            + ": the rule is not where the optimum is"
        )
    else:
        head = "no budget's best-of-three optimum lies outside v2's 80% interval"
    return f"{head} ({share} of the {best.size} sizes run at all three rates)."


def _multiplier(check: pd.DataFrame, v2: pd.DataFrame) -> np.ndarray:
    key = ["flops_budget", "n_layer", "d_model"]
    rule = v2[v2["seed"] == 0][key + ["lr"]].rename(columns={"lr": "lr_rule"})
    m = check.merge(rule, on=key, how="left")
    if m["lr_rule"].isna().any():
        raise ValueError("an lr-check run has no v2 seed-0 run of its shape and budget")
    # the plan's rates are printed to 3 significant digits: 0.498x or 2.003x is 0.5x or 2x
    return 2.0 ** np.round(np.log2((m["lr"] / m["lr_rule"]).to_numpy(float)))


def best_of_rates(every: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide, best): per (budget, size) the final loss at each rate and the rate with the lowest
    (``best``; NaN unless the size has a loss at every rate), and the rows of ``every`` (one run
    per budget, size and rate) at each complete size's best rate."""
    key = ["flops_budget", "params_total"]
    wide = every.pivot_table(index=key, columns="rate", values="loss_nats").reset_index()
    rates = [c for c in wide.columns if isinstance(c, float)]
    complete = wide[rates].notna().all(axis=1)
    wide["best"] = np.where(complete, wide[rates].idxmin(axis=1), np.nan)
    best = every.merge(wide.loc[complete, key + ["best"]], on=key)
    return wide, best[best["rate"] == best["best"]].drop(columns="best").reset_index(drop=True)


def outside(optima: pd.DataFrame, ref: pd.DataFrame) -> list[float]:
    """Budgets whose ``N_opt`` in ``optima`` lies outside ``ref``'s [N_lo, N_hi] at that budget
    (a budget without a vertex in either is not counted)."""
    r = ref.set_index("budget")
    return [
        float(x.budget)
        for x in optima.itertuples()
        if x.budget in r.index
        and np.isfinite(x.N_opt)
        and not r.loc[x.budget, "N_lo"] <= x.N_opt <= r.loc[x.budget, "N_hi"]
    ]


def lr_check(n_bootstrap: int = N_BOOTSTRAP, seed: int = 0, results=None) -> LRCheck:
    """docs/study-v3.md's learning-rate check (module docstring)."""
    v2 = _v2_windows()
    v2 = v2[v2["flops_budget"].isin(LR_BUDGETS)].reset_index(drop=True)
    check = _finished("v3-lrcheck", results)
    if check.empty:
        raise ValueError("no finished v3 lr-check runs (data/runs/plans/v3_lrcheck.json)")
    check = check.assign(rate=_multiplier(check, v2))
    one = v2[v2["seed"] == 0].assign(rate=1.0)
    cols = ["flops_budget", "n_layer", "d_model", "params_total", "tokens", "loss_nats", "rate"]
    every = pd.concat([one[cols], check[cols]], ignore_index=True)
    wide, best = best_of_rates(every)
    noise = study_v2.seed_sd()
    opt_v2 = study_v2.optima(v2, n_bootstrap=n_bootstrap, seed=seed, level=LEVEL).table
    rows = [opt_v2.assign(rate="1x (v2, 3 seeds)")]
    variants = {f"{m:g}x": every[every["rate"] == m] for m in LR_MULTIPLIERS}
    variants["best of three"] = best
    for label, runs in variants.items():
        t = study_v2.optima(runs, n_bootstrap=n_bootstrap, seed=seed, level=LEVEL, noise_sd=noise)
        rows.append(t.table.assign(rate=label))
    keep = ["rate", "budget", "n_sizes", "N_opt", "N_lo", "N_hi", "n_failed"]
    optima = pd.concat(rows, ignore_index=True)[keep]
    moved = outside(optima[optima["rate"] == "best of three"], opt_v2)
    planned = len(json.loads((measured.RESULTS.parent / "plans" / "v3_lrcheck.json").read_text()))
    return LRCheck(optima, wide, moved, len(check), planned)
