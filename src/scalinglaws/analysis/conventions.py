"""How a data set's compute-optimal exponents move with the way parameters are counted.

Every data set of the cross-study table that Approach 3 applies to (not the Gemstones checkpoints:
one token count per run) is refitted by Approach 3 (Hoffmann et al. 2022, App. D.2:
eq 2 with the Huber loss over Hoffmann's grid of starts), its final checkpoints unchanged, with N
counted three ways: **total** (embeddings included, Chinchilla's count), **non-embedding**
(Kaplan's), and **effective**, the training FLOPs per token over 6 (so that C = 6 N D holds exactly
for the data set's own FLOP count: App. F's count, or the exact one, where the data give FLOPs).
For each: a = beta / (alpha + beta), b = alpha / (alpha + beta), and the tokens per parameter of
eq 4's optimum at ``C_REF`` FLOPs under C = 6 N D in that count, with how many decades of FLOPs
that lies beyond the data's largest run (not given beyond ``MAX_DECADES``). A count the data do not carry
gives a row that says so; a fit that is not identifiable is reported as such (its a and b then
rest on a parameter at its bound).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from scalinglaws.analysis import cross_study, fit_runs
from scalinglaws.analysis.predict import eq4_optimum

COUNTS = ("total", "non-embedding", "effective")
DATASETS = (
    cross_study.EPOCH,
    cross_study.LLAMA3,
    cross_study.MISFITTING,
    cross_study.MEASURED_PROSE,
    cross_study.MEASURED_CODE,
    *cross_study.GADRE,
)
C_REF = 1e22  # FLOPs at which the tokens per parameter are compared
# ... where that is at most this many decades of FLOPs past the data's largest run: as far as
# Hoffmann et al. extrapolated (runs to about 1e22 FLOPs, the Gopher budget 5.76e23: 1.8 decades).
# Further out the ratio is fixed by the exponents' last digits (the error of b - a times the log of
# the extrapolation), which move with the CPU's summation order: not reported.
MAX_DECADES = 2.0
COLUMNS = [
    "dataset",
    "params",
    "n_runs",
    "a",
    "b",
    "tokens_per_param",
    "decades_beyond",
    "identifiable",
    "note",
]


def counted(runs: pd.DataFrame, count: str) -> pd.DataFrame | None:
    """``runs`` with ``params`` holding N in ``count``; None where the data lack that count."""
    if count == "total":
        return runs
    if count == "non-embedding":
        if "params_non_embedding" not in runs.columns:
            return None
        return runs.assign(params=runs["params_non_embedding"])
    if count == "effective":
        if "flops" not in runs.columns:
            return None
        return runs.assign(params=runs["flops"] / (6.0 * runs["tokens"]))
    raise ValueError(f"count must be one of {', '.join(COUNTS)}, got {count!r}")


def refit(runs: pd.DataFrame, count: str, label: str = "runs", flops: float = C_REF) -> dict:
    """One row of :func:`table`: Approach 3 on ``runs`` with N in ``count``."""
    r = counted(runs, count)
    if r is None:
        missing = "params_non_embedding" if count == "non-embedding" else "flops"
        return {"dataset": label, "params": count, "note": f"no column '{missing}' in the data"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = fit_runs.fit(r, 3, params="params", label=label)
    e = res["estimate"]
    N, D, _ = eq4_optimum(e["E"], e["A"], e["B"], e["alpha"], e["beta"], flops)
    notes = (
        [] if res["identifiable"] else ["not identifiable: " + "; ".join(res["not_identifiable"])]
    )
    if count == "effective" and np.allclose(r["params"], runs["params"], rtol=1e-9, atol=0):
        notes.append("the data's FLOPs are 6 N D with N total: the same fit as total")
    spent = r["flops"] if "flops" in r.columns else 6.0 * r["params"] * r["tokens"]
    beyond = float(np.log10(flops / spent.max()))
    ratio = float(D / N)
    if beyond > MAX_DECADES:
        ratio = float("nan")
        notes.append(f"{flops:.0e} FLOPs lie {beyond:.1f} decades past the data: not extrapolated")
    return {
        "dataset": label,
        "params": count,
        "n_runs": res["n_runs"],
        "a": e["a"],
        "b": e["b"],
        "tokens_per_param": ratio,
        "decades_beyond": beyond,
        "identifiable": res["identifiable"],
        "note": "; ".join(notes),
    }


def table(datasets=DATASETS, flops: float = C_REF) -> pd.DataFrame:
    """One row per data set and count of N (:data:`COUNTS`)."""
    rows = []
    for name in datasets:
        runs = cross_study.runs_of(name, approach=3)
        rows += [refit(runs, count, name, flops) for count in COUNTS]
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["n_runs"] = out["n_runs"].astype("Int64")
    out["tokens_per_param"] = out["tokens_per_param"].astype(float).replace(np.inf, np.nan)
    return out
