"""The Kaplan-Chinchilla discrepancy ladder of Porian et al. 2024 (Figure 1), measured here on the v2
prose runs: each step's IsoFLOP points, read off long runs' learning curves (steps 1-3e) or the
final losses of runs matched to their budgets (steps 4-5), their optima and the exponent a; and
their step (e) as they ran it on the v3 runs (``PORIAN_STEPS``: constant rate, one long run a size
and rate).

Split from :mod:`scalinglaws.analysis.study_v2`, whose optima, exponents and design windows it
uses; the ladder's design is ``docs/study-v2.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws.analysis.curve_points import (
    BUDGET_GRID,
    MIN_SIDE,
    ladder_points,
    window,
)
from scalinglaws.analysis.study_v2 import (
    RESULTS_V2,
    Exponent,
    Optima,
    design_window,
    exponents,
    load,
    optima,
    seed_sd,
)
from scalinglaws.datasets import measured
from scalinglaws.designs.v3 import PORIAN_BUDGETS

RESULTS_V3 = measured.RESULTS / "v3"  # as analysis.study_v3.RESULTS


@dataclass(frozen=True)
class LadderStep:
    """One step of the discrepancy ladder (Porian et al. 2024, Figure 1), cumulative."""

    key: str  # "1", "2", ... ("3e": the exact count on step 3's runs, not one of Porian's steps)
    label: str  # what the step changes
    study: str  # the v2 study whose runs it uses
    accounting: str  # key of ACCOUNTINGS: FLOP count and N
    read: str  # "curve": points read off long runs' learning curves; "final": final losses
    porian: str | None  # field of constants.PORIAN.refinedweb with Porian's a, or None
    version: str = "v2"  # the study whose results it reads ("v3": data/runs/results/v3/)
    budgets: tuple[float, ...] | None = None  # the budgets it is read at (None: the ladder's)
    tune: str | None = None  # runs at several rates a size: "size" or "budget" (:func:`tuned`)


LADDER = (
    LadderStep(
        "1",
        "Kaplan: 6N without embeddings, 3000-step warmup, one long cosine a size",
        "ladder-kaplan",
        "6N (non-embedding)",
        "curve",
        "kaplan",
    ),
    LadderStep(
        "2",
        "+ the output layer counted (N and FLOP)",
        "ladder-kaplan",
        "6N (with output layer)",
        "curve",
        "last_layer",
    ),
    LadderStep(
        "3",
        "+ short warmup (5% of the run)",
        "ladder-short",
        "6N (with output layer)",
        "curve",
        "warmup",
    ),
    LadderStep(
        "3e",
        "+ exact FLOP count, N with embeddings (same runs)",
        "ladder-short",
        "exact",
        "curve",
        None,
    ),
    LadderStep(
        "4",
        "+ cosine matched to each run (one run per size and budget)",
        "ladder-matched",
        "exact",
        "final",
        "cosine",
    ),
    LadderStep(
        "5", "+ learning rate tuned per size (beta2 checked)", "isoflop", "exact", "final", "tuned"
    ),
)

# Porian et al.'s step (e) as they ran it (v3_porian.json, docs/study-v3.md), read at its three
# budgets, beside the cosine steps 4 and 5 over the same budgets.
PORIAN_STEPS = (
    LadderStep(
        "4 (3e11-3e12)",
        "step 4 over (e)'s budgets",
        "ladder-matched",
        "exact",
        "final",
        None,
        budgets=PORIAN_BUDGETS,
    ),
    LadderStep(
        "5 (3e11-3e12)",
        "step 5 (cosine, the rule's rate) over (e)'s budgets",
        "isoflop",
        "exact",
        "final",
        None,
        budgets=PORIAN_BUDGETS,
    ),
    LadderStep(
        "(e)",
        "Porian's (e) as they ran it: warmup of N tokens, constant rate tuned per size (the best "
        "of its rates at its run's end), one long run a size and rate",
        "porian",
        "exact",
        "curve",
        "tuned",
        version="v3",
        budgets=PORIAN_BUDGETS,
        tune="size",
    ),
    LadderStep(
        "(e) per budget",
        "(e)'s runs, each size at its best rate at each budget (tuned per budget: a bound)",
        "porian",
        "exact",
        "curve",
        None,
        version="v3",
        budgets=PORIAN_BUDGETS,
        tune="budget",
    ),
)


def tuned(runs: pd.DataFrame, points: pd.DataFrame, tune: str | None) -> pd.DataFrame:
    """Points of runs trained at several learning rates a size, one rate kept per size.
    ``tune`` "size": each size's points come from the rate whose run ends lowest (its final
    loss, at the largest budget the size serves), at every budget; "budget": each size and
    budget keeps its lowest point of any rate; None: every point."""
    if tune is None or points.empty:
        return points
    if tune == "size":
        best = runs.loc[runs.groupby("params_total")["loss_nats"].idxmin(), "run_id"]
        return points[points["run_id"].isin(best)].reset_index(drop=True)
    if tune == "budget":
        keep = points.groupby(["flops_budget", "params_total"])["loss_nats"].idxmin()
        return points.loc[sorted(keep)].reset_index(drop=True)
    raise ValueError(f"tune must be 'size', 'budget' or None, got {tune!r}")


def rates(runs: pd.DataFrame) -> pd.DataFrame:
    """Per size of a step trained at several rates: how many, the best at its run's end, and
    whether that best sits at an end of the grid (the tuning then does not bracket it)."""
    rows = []
    for n, g in runs.groupby("params_total", sort=True):
        g = g.sort_values("lr")
        i = int(np.argmin(g["loss_nats"].to_numpy()))
        rows.append(
            {
                "params_total": int(n),
                "rates": len(g),
                "lr_best": float(g["lr"].iloc[i]),
                "loss_best": float(g["loss_nats"].iloc[i]),
                "edge": i in (0, len(g) - 1),
            }
        )
    return pd.DataFrame(rows, columns=["params_total", "rates", "lr_best", "loss_best", "edge"])


def step_points(
    step: LadderStep,
    runs: pd.DataFrame,
    curves: pd.DataFrame | None = None,
    budgets=BUDGET_GRID,
    min_side: int = MIN_SIDE,
) -> pd.DataFrame:
    """The IsoFLOP points of one ladder step in its accounting (``params_total`` holds the
    accounting's N): for "curve" steps read off the learning curves and windowed around each
    budget's best point (:func:`window`); otherwise the final losses of each plan budget's
    designed window (:func:`design_window`, exact count) whose budget lies within the span of
    ``budgets``: the ladder stops at 1e13, as its plans do, so steps 4 and 5 share their budgets
    (prose's 3e13 serves the IsoFLOP study only)."""
    if step.read == "curve":
        if curves is None:
            raise ValueError(f"ladder step {step.key} reads learning curves; pass curves=")
        pts = ladder_points(
            curves[curves["run_id"].isin(runs["run_id"])], runs, step.accounting, budgets
        )
        return window(tuned(runs, pts, step.tune), min_side=min_side)
    if step.accounting != "exact":
        raise ValueError(
            f"ladder step {step.key}: final losses sit at exact-FLOP budgets; "
            f"accounting must be 'exact', got {step.accounting!r}"
        )
    pts = design_window(runs)
    budgets = np.asarray(budgets, dtype=float)
    lo, hi = budgets.min() * (1 - 1e-9), budgets.max() * (1 + 1e-9)
    pts = pts[pts["flops_budget"].between(lo, hi)]  # every step over the same span of budgets
    return pts[["run_id", "flops_budget", "params_total", "seed", "tokens", "loss_nats"]]


@dataclass(frozen=True)
class LadderRow:
    step: LadderStep
    # (the rows of :func:`ladder`; ``min_side`` is the window rule they were read with)
    n_runs: int  # finished runs of the step's study
    points: pd.DataFrame  # its IsoFLOP points in the windows of budgets with a valley
    optima: Optima | None
    a: Exponent | None  # None where fewer than 2 budgets have a vertex


def step_runs(step: LadderStep, results=None) -> pd.DataFrame:
    """The finished prose runs of a step's study, from v2's results or v3's."""
    if step.version == "v2":
        return load(step.study, "prose", results)
    runs = measured.load_runs(results if results is not None else RESULTS_V3, study=_label(step))
    keep = (runs["corpus"] == "prose") & (runs["status"] == "finished")
    return runs[keep].reset_index(drop=True)


def _label(step: LadderStep) -> str:
    return f"{step.version}-{step.study}"


def ladder(
    n_bootstrap: int = 1000,
    seed: int = 0,
    results=None,
    steps=LADDER,
    min_side: int = MIN_SIDE,
    results_v3=None,
) -> list[LadderRow]:
    """Every ladder step's exponent a with its bootstrap interval, from the committed runs (v2's;
    v3's for the steps with ``version`` "v3", from ``results_v3``).
    Steps with one run per size (1-4) take the parametric bootstrap of Porian et al. (each point
    plus Gaussian noise of the seed-to-seed sd, :func:`seed_sd`): resampling 5-8 sizes leaves too
    few distinct ones for a vertex. Step 5 has 3 seeds a size and resamples sizes, then seeds,
    as :func:`optima` does by default; it carries sizes whose spread exceeds the pooled sd.
    Replicates in which some budget has no vertex are left out; the table reports how many."""
    out = []
    curves: dict[str, pd.DataFrame] = {}  # loaded when a curve step first needs them
    sd = None  # the seed sd, read from the noise runs when a one-seed step first needs it
    for step in steps:
        folder = results if step.version == "v2" else results_v3
        runs = step_runs(step, folder)
        if runs.empty:
            out.append(LadderRow(step, 0, runs, None, None))
            continue
        key = "v2" if step.version == "v2" else _label(step)  # v2's curves are read once, all
        if step.read == "curve" and key not in curves:
            if step.version == "v2":
                curves[key] = measured.load_curves(folder if folder is not None else RESULTS_V2)
            else:
                curves[key] = measured.load_curves(
                    folder if folder is not None else RESULTS_V3, study=key
                )
        kw = {} if step.budgets is None else {"budgets": step.budgets}
        pts = step_points(step, runs, curves.get(key), min_side=min_side, **kw)
        if pts["flops_budget"].nunique() < 2:
            out.append(LadderRow(step, len(runs), pts, None, None))
            continue
        one_seed = pts.groupby(["flops_budget", "params_total"])["seed"].nunique().median() < 2
        if one_seed and sd is None:
            sd = seed_sd(results)
        opt = optima(pts, n_bootstrap=n_bootstrap, seed=seed, noise_sd=sd if one_seed else None)
        try:
            a = exponents(opt, pts)["a"]
        except ValueError:
            a = None
        out.append(LadderRow(step, len(runs), pts, opt, a))
    return out


ALTERNATIVE_MIN_SIDE = 1  # the window rule of the curve-read steps before step 1 was seen


def ladder_alternative(n_bootstrap: int = 1000, seed: int = 0, results=None) -> list[LadderRow]:
    """The curve-read steps (1-3e) under the window rule they had before step 1's result was seen:
    1 size on each side of a budget's best (:data:`ALTERNATIVE_MIN_SIDE`), not 2. The rule now
    used came after step 1 gave 0.96 with a one-sided 3e11 budget; the table shows both."""
    steps = tuple(s for s in LADDER if s.read == "curve")
    return ladder(n_bootstrap, seed, results, steps, min_side=ALTERNATIVE_MIN_SIDE)


def ladder_table(
    rows: list[LadderRow], porian=None, alternative: list[LadderRow] = ()
) -> pd.DataFrame:
    """One line per step: its setting, budgets used, a with its interval, and Porian's a; then,
    marked, the rows of ``alternative`` (:func:`ladder_alternative`)."""
    out = []
    tagged = [(r, "") for r in rows] + [
        (
            r,
            f" (alternative rule: {ALTERNATIVE_MIN_SIDE} size each side of the best; the rule "
            "used came after step 1 was seen)",
        )
        for r in alternative
    ]
    for r, tag in tagged:
        t = r.optima.table if r.optima is not None else None
        used = t[np.isfinite(t["N_opt"])]["budget"] if t is not None else pd.Series(dtype=float)
        pub = getattr(porian, r.step.porian) if porian is not None and r.step.porian else np.nan
        out.append(
            {
                "step": r.step.key,
                "setting": r.step.label + tag,
                "FLOP count": r.step.accounting,
                "budgets": (
                    f"{used.min():.0e} - {used.max():.0e} ({used.size})"
                    if used.size
                    else "none yet"
                    if not r.n_runs
                    else "no valley yet"
                ),
                "runs": r.n_runs,
                "a": r.a.value if r.a else np.nan,
                "a_lo": r.a.lo if r.a else np.nan,
                "a_hi": r.a.hi if r.a else np.nan,
                "replicates without every vertex": r.a.n_failed if r.a else np.nan,
                "interval": (
                    "no fit"
                    if r.a is None
                    else "sizes, then seeds, resampled"
                    if r.optima.noise_sd is None
                    else f"parametric: noise sd {r.optima.noise_sd:.4f} nats"
                ),
                "Porian a (RefinedWeb)": pub,
            }
        )
    return pd.DataFrame(out)
