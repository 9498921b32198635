"""Hoffmann et al. 2022's three approaches on any table of runs in the runs schema; no plotting.

:func:`load` takes a path to a runs CSV or the name of a registered data set, :func:`fit` runs
Approach 1, 2 or 3 (with an optional bootstrap over runs) and returns a JSON-ready dict;
:func:`scalinglaws.analysis.predict.predict` gives the compute-optimal allocation and loss at a
FLOP budget under such a saved fit.

Conventions (the same for every data set): N is ``params`` (total, with embeddings) unless
``params="params_non_embedding"``; C is ``flops`` (6 N D where the table has none, said in
``flops``); Approaches 2 and 3 use each run's final checkpoint; intervals are bootstrap
percentile intervals at ``level`` over runs resampled with replacement.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.core.rng import stream
from scalinglaws.datasets import schema
from scalinglaws.datasets.schema import RunsSchemaError

PARAMS_COLUMNS = ("params", "params_non_embedding")
FIT_FORMAT = "scalinglaws-fit/1"


def load(spec: str | Path) -> tuple[pd.DataFrame, str]:
    """(validated runs table, its label) for a registered data set name or a CSV path."""
    from scalinglaws.datasets import published

    text = str(spec)
    if text in published.REGISTRY:
        return published.load_runs(text), text
    parts = sorted(n for n, d in published.REGISTRY.items() if d.folder == text and n != text)
    if parts and not Path(text).exists():
        raise RunsSchemaError(
            f"--runs: {text!r} holds {len(parts)} data sets, fitted one at a time (one per "
            f"training corpus, as its authors fit them): give one of {', '.join(parts)}"
        )
    if not Path(text).exists():
        raise RunsSchemaError(
            f"--runs: {text!r} not found: give a runs CSV file that exists or one of the "
            f"registered data sets ({', '.join(sorted(published.REGISTRY))})"
        )
    return schema.read_csv(text), Path(text).name


def percentile_interval(reps: np.ndarray, level: float) -> tuple[float, float]:
    q = 100 * (1 - level) / 2
    lo, hi = np.percentile(reps, [q, 100 - q])
    return float(lo), float(hi)


def _summary(names, reps: np.ndarray, level: float) -> dict:
    reps = np.asarray(reps, dtype=float).reshape(-1, len(names))
    return {
        "se": {k: float(np.std(reps[:, i], ddof=1)) for i, k in enumerate(names)},
        "interval": {k: percentile_interval(reps[:, i], level) for i, k in enumerate(names)},
    }


def _check_params(runs: pd.DataFrame, params: str) -> None:
    if params not in PARAMS_COLUMNS:
        raise RunsSchemaError(f"params must be one of {', '.join(PARAMS_COLUMNS)}, got {params!r}")
    if params not in runs.columns:
        raise RunsSchemaError(f"column '{params}' is missing: it is needed to count N that way")


# ---- Approach 3 ---------------------------------------------------------------------------------


def _approach3(final, params, n_boot, rng, level) -> dict:
    N, D, L = (final[c].to_numpy(float) for c in (params, "tokens", "loss"))
    res = estimators.approach3(N=N, D=D, L=L)
    if not res.alpha + res.beta > 0:
        raise RunsSchemaError(
            "column 'loss': the losses fall with neither N nor D (alpha + beta = "
            f"{res.alpha + res.beta:.3g}): eq 2 gives no compute-optimal exponent"
        )
    a, b = res.fit.a, res.fit.b
    pred = res.E + res.A / N**res.alpha + res.B / D**res.beta
    out = {
        "estimate": {**res.as_dict(), "a": a, "b": b},
        "identifiable": res.identifiable,
        "not_identifiable": list(res.not_identifiable),
        "condition": res.condition,
        "residuals_log": (np.log(L) - np.log(pred)).tolist(),  # log L - log L_hat, per run
    }
    # A fit the data do not pin down gets no interval: its replicates would scatter along the flat
    # direction wherever each optimiser stops, and their percentiles would look like a measurement.
    if n_boot and res.identifiable:
        boot = estimators.bootstrap_approach3(
            N=N, D=D, L=L, n_bootstrap=n_boot, rng=rng, full_fit=res
        )
        A, B, E, al, be = boot.replicates.T
        ab = np.column_stack([be / (al + be), al / (al + be)])
        reps = np.column_stack([boot.replicates, ab])
        names = (*estimators.PARAM_NAMES, "a", "b")
        out["bootstrap"] = {
            "n": n_boot,
            "n_failed": boot.n_failed,
            "level": level,
            **_summary(names, reps, level),
            "replicates": {
                "names": list(estimators.PARAM_NAMES),
                "values": boot.replicates.tolist(),
            },
        }
    return out


# ---- Approach 2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class A2Input:
    """What Approach 2 needs: N, C, L, D per run and the runs' budget labels."""

    N: np.ndarray
    C: np.ndarray  # the budget a run belongs to (nominal) when the table says, else its FLOPs
    L: np.ndarray
    D: np.ndarray
    budgets: np.ndarray
    tol_log10: float


def a2_input(final: pd.DataFrame, params: str = "params", tol_log10: float = 0.06) -> A2Input:
    """Approach 2's arrays from final checkpoints: budgets from ``budget`` or clustered FLOPs."""
    labels, budgets = schema.budgets(final, tol_log10)
    keep = labels >= 0
    f = final[keep]
    C = budgets[labels[keep]] if "budget" in final.columns else f["flops"].to_numpy(float)
    # with a budget column every run is grouped by it exactly (tolerance well below any gap)
    tol = 1e-6 if "budget" in final.columns else tol_log10
    return A2Input(
        f[params].to_numpy(float),
        np.asarray(C, float),
        f["loss"].to_numpy(float),
        f["tokens"].to_numpy(float),
        np.asarray(budgets, float),
        tol,
    )


def approach2(inp: A2Input, min_points: int, D_given: bool = True) -> estimators.Approach2Result:
    return estimators.approach2(
        N=inp.N,
        D=inp.D if D_given else None,
        C=inp.C,
        L=inp.L,
        budgets=inp.budgets,
        tol_log10=inp.tol_log10,
        min_points=min_points,
    )


def _approach2(final, params, n_boot, rng, level, min_points, tol_log10) -> dict:
    inp = a2_input(final, params, tol_log10)
    res = approach2(inp, min_points)
    out = {
        "a": res.a,
        "b": res.b,
        "N_opt": {"k": res.N_opt.k, "exponent": res.a},
        "D_opt": {"k": res.D_opt.k, "exponent": res.b},
        "budgets_used": list(res.used_budgets),
        "budgets_skipped": {f"{k:.4g}": v for k, v in res.skipped.items()},
        "vertices": [
            {
                "budget": p.budget,
                "flops": p.flops,
                "N_opt": p.N_opt,
                "D_opt": p.D_opt,
                "L_min": p.L_min,
                "n_points": p.n_points,
            }
            for p in res.profiles
        ],
    }
    if n_boot:
        reps, failed = [], 0
        n = inp.N.size
        for _ in range(n_boot):
            i = rng.integers(0, n, n)
            sub = A2Input(inp.N[i], inp.C[i], inp.L[i], inp.D[i], inp.budgets, inp.tol_log10)
            try:
                with warnings.catch_warnings():  # a resample may repeat a budget's few sizes
                    warnings.simplefilter("ignore", np.exceptions.RankWarning)
                    r = approach2(sub, min_points)
            except estimators.FitError:
                failed += 1
                continue
            reps.append((r.a, r.b, r.N_opt.k, r.D_opt.k))
        out["bootstrap"] = _boot_powerlaws(reps, n_boot, failed, level)
        # the exponents are slopes through per-budget vertices: their interval also covers the
        # vertices' scatter about the line (the wider of the bootstrap and the t interval)
        logC = np.log([p.flops for p in res.profiles])
        cover = {}
        for name, col in (("a", "N_opt"), ("b", "D_opt")):
            reg = estimators.slope_t_interval(
                logC, np.log([getattr(p, col) for p in res.profiles]), level
            )
            boot = out["bootstrap"]["interval"][name]
            cover[name] = [float(np.nanmin([boot[0], reg[0]])), float(np.nanmax([boot[1], reg[1]]))]
            out["bootstrap"].setdefault("regression", {})[name] = list(reg)
        out["bootstrap"]["interval_with_scatter"] = cover
    return out


def _boot_powerlaws(reps, n_boot, failed, level) -> dict:
    reps = np.asarray(reps, float).reshape(-1, 4)
    if len(reps) < 2:
        raise estimators.FitError(f"bootstrap: {failed} of {n_boot} replicates failed")
    return {
        "n": n_boot,
        "n_failed": failed,
        "level": level,
        **_summary(("a", "b", "N_opt_k", "D_opt_k"), reps, level),
        "replicates": {"names": ["a", "b", "N_opt_k", "D_opt_k"], "values": reps.tolist()},
    }


# ---- Approach 1 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """Approach 1 on a runs table: the envelope fit and where its points lie in their runs."""

    result: estimators.Approach1Result
    flops_range: tuple[float, float]
    runs: pd.DataFrame  # one row per curve: run, params, flops_final
    position: np.ndarray  # per envelope point: its FLOPs / its run's final FLOPs
    last15: estimators.Approach1Result | None = None  # the envelope of the runs' last 15% only

    @property
    def last_fraction(self) -> float:
        """Share of envelope points in the last 15% of their run (Hoffmann 2022 footnote 4)."""
        return estimators.in_last_fraction(self.position)


def _curve_table(runs: pd.DataFrame, params: str):
    order = "step" if "step" in runs.columns else "tokens"
    rows, tuples = [], []
    for run, g in runs.sort_values(["run", order]).groupby("run", sort=True):
        if len(g) < schema.MIN_CHECKPOINTS_A1:
            continue
        g = g.sort_values("flops")
        C = g["flops"].to_numpy(float)
        if np.any(np.diff(C) <= 0):
            raise RunsSchemaError(
                f"column 'flops' must increase along run {run!r} (one value per checkpoint)"
            )
        rows.append({"run": run, "params": float(g[params].iloc[0]), "flops_final": C[-1]})
        tuples.append(
            (float(g[params].iloc[0]), C, g["loss"].to_numpy(float), g["tokens"].to_numpy(float))
        )
    return pd.DataFrame(rows), tuples


def envelope(runs: pd.DataFrame, params: str = "params", min_sizes: int = 3) -> Envelope:
    """Approach 1 (section 3.1) on the curves of a runs table, fitted over the declared range
    (:func:`scalinglaws.estimators.envelope_range`: where the winner has a size on each side),
    with the envelope of the runs' last 15% (footnote 4's points only) over the same range."""
    if "run" not in runs.columns:
        raise estimators.FitError(
            "column 'run' is missing: Approach 1 needs training curves (a 'run' column naming "
            "each run's checkpoints)"
        )
    table, tuples = _curve_table(runs, params)
    if len(tuples) < schema.MIN_CURVES_A1:
        raise estimators.FitError(
            f"Approach 1 needs at least {schema.MIN_CURVES_A1} runs with "
            f"{schema.MIN_CHECKPOINTS_A1}+ checkpoints each (column 'run'), got {len(tuples)}"
        )
    rng_ = estimators.envelope_range(
        curves=tuples, N=table["params"], C_final=table["flops_final"], min_sizes=min_sizes
    )
    res = estimators.approach1(curves=tuples, flops_range=rng_)
    pos = res.flops / table["flops_final"].to_numpy()[res.curve]
    try:
        last15 = estimators.approach1(curves=estimators.last_part(tuples), flops_range=rng_)
    except (estimators.FitError, ValueError):
        last15 = None
    return Envelope(res, rng_, table, pos, last15)


def _approach1(runs, params, n_boot, rng, level, min_sizes) -> dict:
    env = envelope(runs, params, min_sizes)
    res = env.result
    out = {
        "a": res.N_opt.exponent,
        "b": res.D_opt.exponent,
        "N_opt": {"k": res.N_opt.k, "exponent": res.N_opt.exponent},
        "D_opt": {"k": res.D_opt.k, "exponent": res.D_opt.exponent},
        "flops_range": list(env.flops_range),
        "flops_range_rule": "the winner has a trained size on each side",
        "n_curves": len(env.runs),
        "last_15pct_fraction": env.last_fraction,
        "last_15pct_only": None
        if env.last15 is None
        else {"a": env.last15.N_opt.exponent, "b": env.last15.D_opt.exponent},
    }
    if n_boot:
        _, tuples = _curve_table(runs, params)
        n = len(tuples)
        counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_boot)])
        # the interval covers the range choice: each replicate is fitted over one of the declared
        # set of ranges around the rule's (each end moved inward by 0, 1/8 or 1/4 of its width)
        reps, failed = estimators.bootstrap_over_ranges(
            curves=tuples, counts=counts, ranges=estimators.range_variants(env.flops_range)
        )
        out["bootstrap"] = _boot_powerlaws(reps[~failed], n_boot, int(failed.sum()), level)
    return out


# ---- the entry points ---------------------------------------------------------------------------


def fit(
    runs: pd.DataFrame,
    approach: int,
    *,
    n_bootstrap: int = 0,
    seed: int = 0,
    level: float = 0.95,
    params: str = "params",
    min_points: int = 5,
    tol_log10: float = 0.06,
    min_sizes: int = 3,
    label: str = "runs",
) -> dict:
    """Approach ``approach`` on a validated runs table; a JSON-ready dict (see docs/runs-schema.md).

    n_bootstrap replicates resample runs with replacement (Approach 1: whole curves); intervals
    are percentiles at ``level``. The Generator is ``core.rng.stream(seed, "runs-fit.bootstrap")``.
    """
    _check_params(runs, params)
    schema.check_approach(runs, approach, tol_log10=tol_log10)
    rng = stream(seed, "runs-fit.bootstrap")
    final = schema.final_checkpoints(runs)
    head = {
        "format": FIT_FORMAT,
        "runs": label,
        "approach": approach,
        "params": params,
        "n_runs": int(len(final)),
        "n_rows": int(len(runs)),
        "flops": schema.flops_note(runs),
        "seed": seed,
    }
    if approach == 3:
        body = _approach3(final, params, n_bootstrap, rng, level)
    elif approach == 2:
        body = _approach2(final, params, n_bootstrap, rng, level, min_points, tol_log10)
    else:
        body = _approach1(runs, params, n_bootstrap, rng, level, min_sizes)
    return {**head, **body}
