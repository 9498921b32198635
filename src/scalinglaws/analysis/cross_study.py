"""Every data set through the same methods: Llama 3, (Mis)Fitting, Chinchilla (Epoch's extraction),
Gadre et al.'s over-trained models, the Gemstones checkpoints and the runs measured here, in the runs schema, fitted by :mod:`scalinglaws.analysis.fit_runs`; no plotting.

- :func:`llama3_approach2_tokens`: Llama 3's own procedure (section 3.2.1): a second-degree
  polynomial of the loss in log tokens per IsoFLOP curve, its minimum, and D*(C) = A C^alpha.
- :func:`cross_study`: a and b with bootstrap intervals for every data set and approach the data
  allow, one row each, labelled with the data's provenance (``data/derived/cross_study.csv``).
- :func:`approach2_bias`: each data set's own grid simulated on its own fitted L(N, D) (Approach 3),
  Approach 2 run on the simulation, and how far its a lands from beta / (alpha + beta).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.analysis import fit_runs
from scalinglaws.datasets import schema

LEVEL = 0.95  # every interval of the cross-study table: 2.5th to 97.5th bootstrap percentiles
LLAMA3 = "llama3-isoflops"
MISFITTING = "misfitting-scaling-results"
EPOCH = "epoch-chinchilla-fig4"
EPOCH_EXCLUDED = 5  # Besiroglu 2024 drop the 5 highest losses
MEASURED_PROSE = "measured-here-prose"
MEASURED_CODE = "measured-here-code"
GADRE = ("gadre-c4", "gadre-rpj", "gadre-rw")  # Gadre et al. 2024, by training corpus
GEMSTONES = ("gemstones", "gemstones-cooldown")  # McLeish et al. 2025, without and with cooldown

PROVENANCE = {
    EPOCH: "published data: Besiroglu et al. 2024's extraction of Hoffmann et al. 2022 Fig 4 "
    "(240 of 245 points)",
    LLAMA3: "published data: points of Llama 3 Fig 2 (arXiv:2407.21783) extracted from the figure; "
    "N = C / (6 D)",
    MISFITTING: "published data: Li et al. 2025 (ICLR) learning curves on C4, 224 of 240 runs",
    MEASURED_PROSE: "measured here: this project's byte-level runs on English prose "
    "(data/runs/results/v2)",
    MEASURED_CODE: "measured here: this project's byte-level runs on Python code, SymPy's source "
    "(data/runs/results/v2)",
    **{
        g: f"published data: Gadre et al. 2024's models trained on {corpus}, final C4-eval loss "
        "(one cosine run each, 5-640 tokens per parameter)"
        for g, corpus in zip(GADRE, ("C4", "RedPajama", "RefinedWeb"), strict=True)
    },
    GEMSTONES[0]: "published data: McLeish et al. 2025's Gemstones, 22 shapes at a constant "
    "learning rate, training loss every 2B tokens to 100B",
    GEMSTONES[1]: "published data: McLeish et al. 2025's Gemstones with a cooldown at each run's "
    "end, training loss at the end of each cooldown",
}


# ---- data sets in the runs schema ---------------------------------------------------------------


def measured_runs(corpus: str, curves: bool = False) -> pd.DataFrame:
    """This project's v2 runs on ``corpus`` ("prose" or "code") in the runs schema.

    ``curves=False``: the final result of each IsoFLOP run in its budget's designed window, every
    seed (:func:`scalinglaws.analysis.c4_github.measured_runs`; budget = its planned FLOPs).
    ``curves=True``: every validation point of the v2 IsoFLOP plan's runs on the corpus, the
    shorter horizons included (Approach 1, as :mod:`scalinglaws.analysis.envelope` reads them).
    N is counted with embeddings (``params``) and without (``params_non_embedding``).
    """
    from scalinglaws.analysis import c4_github, study_v2
    from scalinglaws.datasets import measured

    if curves:
        c = measured.load_curves(study_v2.RESULTS_V2, study="v2-isoflop")
        c = c[c["corpus"] == c4_github.MEASURED_CORPUS[corpus]]
        non_emb = measured.load_runs(study_v2.RESULTS_V2).set_index("run_id")["params"]
        frame = pd.DataFrame(
            {
                "run": c["run_id"],
                "step": c["step"],
                "params": c["params_total"],
                "params_non_embedding": c["run_id"].map(non_emb),
                "tokens": c["tokens"],
                "flops": c["flops"],
                "loss": c["loss_nats"],
            }
        )
        frame = schema.validate(frame[frame["step"] > 0], source=f"{corpus} curves")
        return frame.assign(**measured.provenance("intermediate and final"))
    r = c4_github.measured_runs()
    r = r[r["corpus"] == corpus]
    frame = pd.DataFrame(
        {
            "run": r["run_id"],
            "params": r["params_total"],
            "params_non_embedding": r["params"],
            "tokens": r["tokens"],
            "flops": r["flops"],
            "loss": r["loss_nats"],
            "budget": r["flops_budget"],
        }
    )
    frame = schema.validate(frame, source=f"{corpus} IsoFLOP runs")
    return frame.assign(**measured.provenance("final"))


@functools.cache
def _registered(name: str) -> pd.DataFrame:
    from scalinglaws.datasets import published

    runs = published.load_runs(name)
    if name == EPOCH:
        runs = runs.drop(runs["loss"].nlargest(EPOCH_EXCLUDED).index).reset_index(drop=True)
    return runs


def runs_of(name: str, curves: bool = False, approach: int | None = None) -> pd.DataFrame:
    """The runs-schema table of a data set of the cross-study table (a copy).

    Epoch's points carry the nearest of Hoffmann's nine IsoFLOP budgets within 0.06 dex as their
    ``budget`` (blank for points near none, which Approach 2 leaves out).
    """
    if name == MEASURED_PROSE:
        return measured_runs("prose", curves)
    if name == MEASURED_CODE:
        return measured_runs("code", curves)
    runs = _registered(name).copy()
    if approach == 2 and "budget" in runs.columns:
        runs = runs[runs["budget"].notna()].reset_index(drop=True)
    return runs


# ---- Llama 3, as the paper does it --------------------------------------------------------------


@dataclass(frozen=True)
class TokensFit:
    """Llama 3 section 3.2.1: D*(C) = A C^alpha through the minima of per-budget parabolas."""

    alpha: float
    A: float
    budgets: np.ndarray  # FLOPs
    D_opt: np.ndarray  # tokens at each parabola's minimum
    L_min: np.ndarray

    def tokens(self, C):
        return self.A * np.asarray(C, float) ** self.alpha


def llama3_approach2_tokens(runs: pd.DataFrame | None = None) -> TokensFit:
    """Per budget a second-degree polynomial of the loss in log10 tokens, its minimum D*(C), then
    log D* = log A + alpha log C by least squares (the paper's Figures 2 and 3)."""
    runs = runs_of(LLAMA3) if runs is None else runs
    budgets, D_opt, L_min = [], [], []
    for C, g in runs.groupby("budget"):
        x = np.log10(g["tokens"].to_numpy())
        _, xv, Lv = estimators.parabola_vertex(x, g["loss"].to_numpy())
        if not np.isfinite(xv):
            raise estimators.FitError(f"Llama 3 budget {C:.3g}: the parabola is not convex")
        budgets.append(C)
        D_opt.append(10**xv)
        L_min.append(Lv)
    law = estimators.fit_power_law(budgets, D_opt)
    return TokensFit(law.exponent, law.k, np.array(budgets), np.array(D_opt), np.array(L_min))


def llama3_extrapolation(C: float, fit: TokensFit | None = None) -> tuple[float, float]:
    """(tokens, parameters) at budget C under the refit: D = A C^alpha, N = C / (6 D)."""
    fit = fit or llama3_approach2_tokens()
    D = float(fit.tokens(C))
    return D, C / (6.0 * D)


# ---- the cross-study table ----------------------------------------------------------------------

# (data set, approach, N counted as, curves?) -- every combination the data allow
PLAN = (
    (EPOCH, 2, "params", False),
    (EPOCH, 3, "params", False),
    (LLAMA3, 2, "params", False),
    (LLAMA3, 3, "params", False),
    (MISFITTING, 1, "params", True),
    (MISFITTING, 1, "params_non_embedding", True),
    (MISFITTING, 2, "params", False),
    (MISFITTING, 2, "params_non_embedding", False),
    (MISFITTING, 3, "params", False),
    (MISFITTING, 3, "params_non_embedding", False),
    (MEASURED_PROSE, 1, "params", True),
    (MEASURED_PROSE, 2, "params", False),
    (MEASURED_PROSE, 2, "params_non_embedding", False),
    (MEASURED_PROSE, 3, "params", False),
    (MEASURED_CODE, 2, "params", False),
    (MEASURED_CODE, 2, "params_non_embedding", False),
    (MEASURED_CODE, 3, "params", False),
    *((g, 3, "params", False) for g in GADRE),  # final losses only: Approach 3 alone applies
    # checkpoints of constant-rate runs, one token count at the end: Approach 1 alone applies
    *((g, 1, p, True) for g in GEMSTONES for p in ("params", "params_non_embedding")),
)
MIN_POINTS = {EPOCH: 5, LLAMA3: 5, MISFITTING: 3, MEASURED_PROSE: 5, MEASURED_CODE: 5,
              **dict.fromkeys(GADRE, 5), **dict.fromkeys(GEMSTONES, 5)}  # fmt: skip

CROSS_STUDY_COLUMNS = [
    "dataset",
    "approach",
    "params",
    "n_runs",
    "a",
    "a_lo",
    "a_hi",
    "b",
    "b_lo",
    "b_hi",
    "level",
    "n_bootstrap",
    "n_failed",
    "identifiable",
    "flops",
    "note",
    "provenance",
]


def _row(name: str, approach: int, params: str, res: dict, n_boot: int) -> dict:
    if approach == 3:
        a, b = res["estimate"]["a"], res["estimate"]["b"]
    else:
        a, b = res["a"], res["b"]
    boot = res.get("bootstrap", {})
    # Approach 2's exponents are slopes through per-budget vertices: their interval covers the
    # vertices' scatter too (fit_runs: the wider of the bootstrap and the regression t interval)
    iv = boot.get("interval_with_scatter", boot.get("interval", {}))
    note = ""
    if approach == 2:
        note = f"{len(res['budgets_used'])} budgets used"
        if "budget" not in runs_of(name, approach=2).columns:
            note += " (final checkpoints grouped by FLOPs within 0.06 dex: not an IsoFLOP design)"
    if approach == 1:
        note = (
            f"envelope over {res['flops_range'][0]:.2g}-{res['flops_range'][1]:.2g} FLOPs; "
            f"{100 * res['last_15pct_fraction']:.0f}% of its points in the last 15% of "
            "their run"
        )
        if res.get("last_15pct_only"):
            note += f"; those points alone: a = {res['last_15pct_only']['a']:.3f}"
    if approach == 3:
        e = res["estimate"]
        # a collapsed irreducible loss has no digits of the data's: print its bound, not the value
        E = f"{e['E']:.3g}" if res["identifiable"] else "0 (at its bound)"
        note = f"E={E} A={e['A']:.3g} B={e['B']:.3g} alpha={e['alpha']:.3f} beta={e['beta']:.3f}"
        if not res["identifiable"]:
            note = "not identifiable: " + "; ".join(res["not_identifiable"]) + f" ({note})"
    return {
        "dataset": name,
        "approach": approach,
        "params": "total" if params == "params" else "non-embedding",
        "n_runs": res["n_runs"],
        "a": a,
        "a_lo": iv.get("a", (np.nan,))[0],
        "a_hi": iv.get("a", (np.nan, np.nan))[1],
        "b": b,
        "b_lo": iv.get("b", (np.nan,))[0],
        "b_hi": iv.get("b", (np.nan, np.nan))[1],
        "level": LEVEL if iv else np.nan,
        "n_bootstrap": n_boot if iv else 0,
        "n_failed": boot.get("n_failed", 0),
        "identifiable": res.get("identifiable", True),
        "flops": res["flops"],
        "note": note,
        "provenance": PROVENANCE[name],
    }


def fit_one(
    name: str, approach: int, params: str = "params", *, n_bootstrap: int = 0, seed: int = 0
) -> dict:
    """fit_runs.fit on one data set of the plan (the same call as `fit --runs NAME`)."""
    runs = runs_of(name, curves=approach == 1, approach=approach)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        return fit_runs.fit(
            runs,
            approach,
            n_bootstrap=n_bootstrap,
            seed=seed,
            level=LEVEL,
            params=params,
            min_points=MIN_POINTS[name],
            label=name,
        )


def cross_study(n_bootstrap: int = 400, seed: int = 0, plan=PLAN) -> pd.DataFrame:
    """One row per (data set, approach, parameter count): a, b and their intervals."""
    rows = []
    for name, approach, params, _ in plan:
        res = fit_one(name, approach, params, n_bootstrap=n_bootstrap, seed=seed)
        rows.append(_row(name, approach, params, res, n_bootstrap))
    return pd.DataFrame(rows, columns=CROSS_STUDY_COLUMNS)


# ---- Approach 2's bias on each data set's own grid ----------------------------------------------


@dataclass(frozen=True)
class Bias:
    dataset: str
    params: str
    a_true: float  # beta / (alpha + beta) of the data set's own Approach 3 fit
    a_approach2: float  # Approach 2 on the noise-free simulation of the data set's grid
    a_approach2_data: float  # Approach 2 on the data themselves
    n_budgets: int
    identifiable: bool = True  # whether the data pin the Approach 3 surface down

    @property
    def bias(self) -> float:
        return self.a_approach2 - self.a_true


def approach2_bias(name: str, params: str = "params") -> Bias:
    """Simulate the data set's own final-checkpoint grid (its N, D, FLOPs and budgets) on its own
    Approach 3 surface L = E + A/N^alpha + B/D^beta, without noise; run Approach 2 on it with the
    settings used on the data; compare its a with the surface's beta / (alpha + beta)."""
    final = schema.final_checkpoints(runs_of(name, approach=2))
    N, D = final[params].to_numpy(float), final["tokens"].to_numpy(float)
    surface = estimators.approach3(N=N, D=D, L=final["loss"].to_numpy(float))
    sim = final.copy()
    sim["loss"] = surface.E + surface.A / N**surface.alpha + surface.B / D**surface.beta
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        on_sim = fit_runs.approach2(fit_runs.a2_input(sim, params), MIN_POINTS[name])
        on_data = fit_runs.approach2(fit_runs.a2_input(final, params), MIN_POINTS[name])
    return Bias(
        name,
        params,
        surface.fit.a,
        on_sim.a,
        on_data.a,
        len(on_sim.used_budgets),
        surface.identifiable,
    )


BIAS_PLAN = (
    (EPOCH, "params"),
    (LLAMA3, "params"),
    (MISFITTING, "params"),
    (MISFITTING, "params_non_embedding"),
    (MEASURED_PROSE, "params"),
    (MEASURED_CODE, "params"),
)


def bias_table(plan=BIAS_PLAN) -> pd.DataFrame:
    rows = []
    for name, params in plan:
        b = approach2_bias(name, params)
        rows.append(
            {
                "dataset": name,
                "params": "total" if params == "params" else "non-embedding",
                "a_true": b.a_true,
                "a_approach2_sim": b.a_approach2,
                "bias": b.bias,
                "a_approach2_data": b.a_approach2_data,
                "n_budgets": b.n_budgets,
                "identifiable": b.identifiable,
            }
        )
    return pd.DataFrame(rows)


# ---- (Mis)Fitting: Chinchilla Fig 2 and Kaplan Fig 2 from published curves ---------------------


def misfitting_longest_runs() -> pd.DataFrame:
    """Per model size, the run with the longest cosine horizon (the lowest final loss among that
    horizon's learning rates), every checkpoint: Kaplan 2020 Fig 2's one curve per size.
    Adds ``flops_kaplan`` = 6 N_non-embedding D (Kaplan's C, FLOPs)."""
    runs = runs_of(MISFITTING, curves=True)
    final = schema.final_checkpoints(runs)
    final = final.assign(horizon=final["step"])
    pick = []
    for _, g in final.groupby("params"):
        longest = g[g["horizon"] == g["horizon"].max()]
        pick.append(longest.loc[longest["loss"].idxmin(), "run"])
    out = runs[runs["run"].isin(pick)].sort_values(["params", "step"]).reset_index(drop=True)
    return out.assign(flops_kaplan=6.0 * out["params_non_embedding"] * out["tokens"])


def gemstones_approach1(name: str = "gemstones", params: str = "params") -> float:
    """The Gemstones authors' Approach 1 on their own runs, their way: the lower convex hull of
    every checkpoint's (FLOPs, training loss) (:func:`scalinglaws.estimators.hull_minimizers`),
    then least squares of log N on log FLOPs through the hull's points; N with embeddings
    (``params``) or without (``params_non_embedding``). Returns the slope a."""
    runs = runs_of(name, curves=True)
    idx = estimators.hull_minimizers(C=runs["flops"].to_numpy(float),
                                     L=runs["loss"].to_numpy(float))  # fmt: skip
    x = np.log(runs["flops"].to_numpy(float)[idx])
    y = np.log(runs[params].to_numpy(float)[idx])
    return float(np.polyfit(x, y, 1)[0])
