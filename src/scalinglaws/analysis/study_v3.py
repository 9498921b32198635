"""The v3 study: Chinchilla's three approaches on one set of runs (``docs/study-v3.md``).

Every rule here was declared in ``docs/study-v3.md`` before the runs:

* :func:`approach1`: the envelope of every v3 learning curve (1,500 log-spaced FLOP values, N with
  embeddings, exact FLOP), fitted from the expected optimal budget of the second-smallest size to
  that of the second-largest (:func:`declared_range`); the general rule of every other data set
  (where the winner has a size on each side, :func:`scalinglaws.estimators.envelope_range`) and the
  envelope of the runs' last 15% are shown beside; footnote 4's share.
* :func:`approach2`: IsoFLOP slices of the same runs: a size's loss at budget C is its final loss
  interpolated linearly in log C between its two horizons that bracket C (a run whose cosine is
  matched to C; never extrapolated), at the half-decade budgets that 6 or more sizes bracket;
  parabola in log N per budget (:func:`scalinglaws.estimators.approach2`).
* :func:`approach3`: Hoffmann's Huber fit of eq 2 on the final losses, with the bootstrap of runs.

Intervals are 80% (Table 2's 10th-90th percentiles); the exponents through per-budget vertices
(Approach 2) take the wider of the bootstrap and the regression t interval on each side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.core.rng import stream
from scalinglaws.datasets import measured

RESULTS = measured.RESULTS / "v3"
STUDY = "v3-horizons"
LEVEL = 0.80
MIN_SIZES_AT_BUDGET = 6  # docs/study-v3.md: a budget of Approach 2 needs 6 or more sizes
PARAMS = {
    "with embeddings": "params_total",
    "without embeddings": "params",
    "effective (FLOP per token / 6)": "params_effective",
}


def load(results=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(runs, curves) of the v3 horizons plan that have finished, with ``params_effective``."""
    folder = RESULTS if results is None else results
    runs = measured.load_runs(folder, study=STUDY)
    runs = runs[runs["status"] == "finished"].reset_index(drop=True)
    runs["params_effective"] = runs["flops_per_token"] / 6
    curves = measured.load_curves(folder, study=STUDY)
    curves = curves[curves["run_id"].isin(runs["run_id"])].reset_index(drop=True)
    curves = curves.merge(runs[["run_id", "params_effective"]], on="run_id")
    return runs, curves


def declared_range(runs: pd.DataFrame) -> tuple[float, float]:
    """docs/study-v3.md: from the expected optimal budget of the second-smallest size to that of
    the second-largest (the plan's own guess, fixed before the runs)."""
    from scalinglaws.designs import v3

    sizes = sorted(runs["params_total"].unique())
    if len(sizes) < 4:
        raise estimators.FitError(f"Approach 1 needs 4 or more sizes, got {len(sizes)}")
    return v3.expected_budget(sizes[1]), v3.expected_budget(sizes[-2])


def _tuples(curves: pd.DataFrame, params: str) -> tuple[pd.DataFrame, list]:
    table, tuples = [], []
    for run_id, g in curves.groupby("run_id", sort=True):
        g = g.sort_values("flops")
        C = g["flops"].to_numpy(float)
        table.append({"run_id": run_id, "params": float(g[params].iloc[0]), "flops_final": C[-1]})
        tuples.append(
            (
                float(g[params].iloc[0]),
                C,
                g["loss_nats"].to_numpy(float),
                g["tokens"].to_numpy(float),
            )
        )
    return pd.DataFrame(table), tuples


@dataclass(frozen=True)
class Exponents:
    """a and b with their intervals (80%) for one approach and one count of N."""

    approach: str
    params: str
    a: float
    a_lo: float
    a_hi: float
    b: float
    b_lo: float
    b_hi: float
    note: str = ""


def approach1(
    curves: pd.DataFrame,
    runs: pd.DataFrame,
    *,
    params: str = "params_total",
    n_bootstrap: int = 0,
    seed: int = 0,
) -> tuple[Exponents, dict]:
    """Approach 1 on the v3 curves over :func:`declared_range`; (exponents, details): the
    footnote-4 share, the envelope of the last 15% only and the general range rule's fit."""
    table, tuples = _tuples(curves, params)
    rng_ = declared_range(runs)
    res = estimators.approach1(curves=tuples, flops_range=rng_)
    position = res.flops / table["flops_final"].to_numpy()[res.curve]
    details = {"flops_range": rng_, "footnote4_share": estimators.in_last_fraction(position)}
    try:
        last = estimators.approach1(curves=estimators.last_part(tuples), flops_range=rng_)
        details["last15"] = (last.N_opt.exponent, last.D_opt.exponent)
    except (estimators.FitError, ValueError) as err:
        details["last15"] = str(err)
    try:
        general = estimators.envelope_range(
            curves=tuples, N=table["params"], C_final=table["flops_final"]
        )
        g = estimators.approach1(curves=tuples, flops_range=general)
        details["general_rule"] = (general, g.N_opt.exponent, g.D_opt.exponent)
    except estimators.FitError as err:
        details["general_rule"] = str(err)
    a_lo = a_hi = b_lo = b_hi = math.nan
    if n_bootstrap:
        rng = stream(seed, "study-v3.approach1")
        n = len(tuples)
        counts = np.stack(
            [np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_bootstrap)]
        )
        reps, failed = estimators.bootstrap_over_ranges(
            curves=tuples, counts=counts, ranges=estimators.range_variants(rng_)
        )
        q = 100 * (1 - LEVEL) / 2
        (a_lo, b_lo), (a_hi, b_hi) = np.percentile(reps[~failed, :2], [q, 100 - q], axis=0)
    note = (
        f"envelope over {rng_[0]:.2g}-{rng_[1]:.2g} FLOP; "
        f"{100 * details['footnote4_share']:.0f}% of its points in the last 15% of their run"
    )
    return Exponents(
        "Approach 1", params, res.N_opt.exponent, a_lo, a_hi, res.D_opt.exponent, b_lo, b_hi, note
    ), details


def _budget_grid(runs: pd.DataFrame) -> list[float]:
    lo = math.floor(math.log10(runs["flops"].min()) * 2) / 2
    hi = math.ceil(math.log10(runs["flops"].max()) * 2) / 2
    return [float(f"{10 ** (k / 2):.1g}") for k in range(int(lo * 2), int(hi * 2) + 1)]


@dataclass(frozen=True)
class SlicePlan:
    """Where :func:`isoflop_points` reads each (budget, size) row from the runs: the two horizons
    of the size that bracket the budget (their positions in the runs) and the log FLOPs to
    interpolate between. It depends on the runs' sizes and FLOPs only, so a bootstrap that moves
    the losses reads every replicate's slices from one plan."""

    budget: np.ndarray  # C of each row
    params: np.ndarray  # N of each row
    tokens: np.ndarray  # C / (FLOPs per token) of each row
    lo: np.ndarray  # position in the runs of the horizon at or below the budget
    hi: np.ndarray  # ... and of the next one (the same where the budget is the last horizon)
    x: np.ndarray  # log C
    x_lo: np.ndarray  # log FLOPs of the two horizons
    x_hi: np.ndarray

    @classmethod
    def of(cls, runs: pd.DataFrame, params: str = "params_total") -> SlicePlan:
        rows = []
        ordered = runs.reset_index(drop=True).sort_values("flops")
        sizes = [g for _, g in ordered.groupby(["n_layer", "d_model"], sort=True)]
        for C in _budget_grid(runs):
            pts = []
            for g in sizes:
                flops = g["flops"].to_numpy(float)
                if len(flops) < 2 or not flops[0] <= C <= flops[-1]:
                    continue
                # the bracket is found on the FLOPs themselves and every log taken by one scalar
                # function, so a budget that is a horizon is read at it whatever numpy's SIMD log
                # gives in its last bit (np.log of an array and math.log can differ by one ulp)
                at = g.index.to_numpy()
                j = min(int(np.searchsorted(flops, C, side="right")) - 1, len(flops) - 1)
                k = min(j + 1, len(flops) - 1)
                N, per_token = float(g[params].iloc[0]), float(g["flops_per_token"].iloc[0])
                logs = (math.log(C), math.log(flops[j]), math.log(flops[k]))
                pts.append((C, N, C / per_token, at[j], at[k], *logs))
            if len(pts) >= MIN_SIZES_AT_BUDGET:
                rows += pts
        cols = list(zip(*rows, strict=True)) if rows else [()] * 8
        ints = {3, 4}
        return cls(*(np.array(c, dtype=int if i in ints else float) for i, c in enumerate(cols)))

    def losses(self, loss: np.ndarray) -> np.ndarray:
        """Each row's loss from the runs' final losses (``loss``, in the runs' order), as
        ``np.interp`` gives it: the lower horizon's where the budget is on it, else the line
        between the two in log C."""
        y0, y1 = loss[self.lo], loss[self.hi]
        with np.errstate(invalid="ignore", divide="ignore"):
            line = (y1 - y0) / (self.x_hi - self.x_lo) * (self.x - self.x_lo) + y0
        return np.where(self.x == self.x_lo, y0, line)


def isoflop_points(runs: pd.DataFrame, params: str = "params_total") -> pd.DataFrame:
    """One row per (budget, size): the size's final loss interpolated linearly in log C between
    its two horizons that bracket the budget; budgets on the half-decade grid that
    ``MIN_SIZES_AT_BUDGET`` or more sizes bracket. Columns budget, params, tokens, loss_nats."""
    plan = SlicePlan.of(runs, params)
    loss = plan.losses(runs["loss_nats"].to_numpy(float))
    return pd.DataFrame(
        {"budget": plan.budget, "params": plan.params, "tokens": plan.tokens, "loss_nats": loss}
    )


def _approach2_fit(plan: SlicePlan, loss: np.ndarray):
    if plan.budget.size == 0:
        raise estimators.FitError(f"no budget that {MIN_SIZES_AT_BUDGET} sizes bracket yet")
    return estimators.approach2(
        N=plan.params,
        D=plan.tokens,
        C=plan.budget,
        L=plan.losses(loss),
        budgets=sorted(np.unique(plan.budget)),
        min_points=MIN_SIZES_AT_BUDGET,
    )


def approach2(
    runs: pd.DataFrame, *, params: str = "params_total", n_bootstrap: int = 0, seed: int = 0
) -> tuple[Exponents, object]:
    """Approach 2 on IsoFLOP slices of the v3 runs, with each exponent's interval the wider of a
    parametric bootstrap and the regression t interval of the vertices' scatter.

    The bootstrap is v2's for one seed a point (its ladder steps; Porian et al. 2024): every run
    keeps its place and its final loss gets noise of the seed-to-seed sd v2 measured
    (:func:`scalinglaws.analysis.study_v2.seed_sd`), then the slices are read again. Resampling
    whole runs, tried first on the first 40 runs, left fewer than 6 sizes at a budget in 395 of
    400 replicates: a size that loses a horizon no longer brackets the budget."""
    from scalinglaws.analysis.study_v2 import seed_sd

    plan = SlicePlan.of(runs, params)
    loss = runs["loss_nats"].to_numpy(float)
    res = _approach2_fit(plan, loss)
    logC = np.log(res.used_budgets)
    out = []
    reps = []
    if n_bootstrap:
        rng = stream(seed, "study-v3.approach2")
        sd = seed_sd()
        for _ in range(n_bootstrap):
            noisy = loss + sd * rng.standard_normal(loss.size)
            try:
                r = _approach2_fit(plan, noisy)
            except estimators.FitError:
                continue
            reps.append((r.a, r.b))
    reps = np.array(reps).reshape(-1, 2)
    q = (1 - LEVEL) / 2
    for j, (value, col) in enumerate(((res.a, "N_opt"), (res.b, "D_opt"))):
        reg = estimators.slope_t_interval(
            logC, np.log([getattr(p, col) for p in res.profiles]), LEVEL
        )
        boot = np.quantile(reps[:, j], [q, 1 - q]) if len(reps) else (np.nan, np.nan)
        out.append(
            (value, float(np.nanmin([boot[0], reg[0]])), float(np.nanmax([boot[1], reg[1]])))
        )
    note = (
        f"{len(res.used_budgets)} budgets ({min(res.used_budgets):.0e}-"
        f"{max(res.used_budgets):.0e}); parametric bootstrap, {n_bootstrap - len(reps)} of "
        f"{n_bootstrap} replicates failed"
    )
    (a, a_lo, a_hi), (b, b_lo, b_hi) = out
    return Exponents("Approach 2", params, a, a_lo, a_hi, b, b_lo, b_hi, note), res


def approach3(
    runs: pd.DataFrame, *, params: str = "params_total", n_bootstrap: int = 0, seed: int = 0
) -> tuple[Exponents, object]:
    """Approach 3 (App. D.2) on the final losses: a = beta/(alpha+beta), b = alpha/(alpha+beta),
    bootstrap of runs; a fit that is not identifiable gets no interval and says why."""
    N, D, L = (runs[c].to_numpy(float) for c in (params, "tokens", "loss_nats"))
    fit = estimators.approach3(N=N, D=D, L=L)
    a, b = fit.fit.a, fit.fit.b
    a_lo = a_hi = b_lo = b_hi = math.nan
    note = f"E={fit.E:.3g} alpha={fit.alpha:.3f} beta={fit.beta:.3f}"
    if not fit.identifiable:
        # a collapsed E has no digits of the data's (its value is rounding): its bound is printed
        E = "0 (at its bound)" if fit.E_share < estimators.E_SHARE_MIN else f"{fit.E:.3g}"
        note = (f"not identifiable: {'; '.join(fit.not_identifiable)} (E={E} "
                f"alpha={fit.alpha:.3f} beta={fit.beta:.3f})")  # fmt: skip
    elif n_bootstrap:
        boot = estimators.bootstrap_approach3(
            N=N, D=D, L=L, n_bootstrap=n_bootstrap, seed=seed, full_fit=fit
        )
        r = boot.replicates
        ok = np.all(np.isfinite(r), axis=1)
        ra, rb = r[ok, 4] / (r[ok, 3] + r[ok, 4]), r[ok, 3] / (r[ok, 3] + r[ok, 4])
        q = (1 - LEVEL) / 2
        (a_lo, a_hi), (b_lo, b_hi) = np.quantile(ra, [q, 1 - q]), np.quantile(rb, [q, 1 - q])
    return Exponents("Approach 3", params, a, a_lo, a_hi, b, b_lo, b_hi, note), fit


TABLE_COLUMNS = ("N", "approach", "a", "a_lo", "a_hi", "b", "b_lo", "b_hi", "note")


def table(
    runs: pd.DataFrame, curves: pd.DataFrame, *, n_bootstrap: int = 400, seed: int = 0
) -> pd.DataFrame:
    """The three approaches side by side for each count of N, with Hoffmann's Table 2 beside."""
    from scalinglaws.constants import HOFFMANN

    rows = []
    kw = {"n_bootstrap": n_bootstrap, "seed": seed}
    fits = (
        ("Approach 1", approach1, (curves, runs)),
        ("Approach 2", approach2, (runs,)),
        ("Approach 3", approach3, (runs,)),
    )
    for label, col in PARAMS.items():
        for name, fn, args in fits:
            try:
                e = fn(*args, params=col, **kw)[0]
            except estimators.FitError as err:
                rows.append({"N": label, "approach": name, "note": f"not fitted: {err}"})
                continue
            rows.append(
                {
                    "N": label,
                    "approach": e.approach,
                    "a": e.a,
                    "a_lo": e.a_lo,
                    "a_hi": e.a_hi,
                    "b": e.b,
                    "b_lo": e.b_lo,
                    "b_hi": e.b_hi,
                    "note": e.note,
                }
            )
    t2 = HOFFMANN.table2
    for name, ap in (
        ("Approach 1", t2.approach1),
        ("Approach 2", t2.approach2),
        ("Approach 3", t2.approach3),
    ):
        rows.append(
            {
                "N": "Hoffmann 2022 Table 2",
                "approach": name,
                "a": ap.a,
                "a_lo": ap.a_interval[0],
                "a_hi": ap.a_interval[1],
                "b": ap.b,
                "b_lo": ap.b_interval[0],
                "b_hi": ap.b_interval[1],
                "note": "published",
            }
        )
    # the columns in this order whichever fits failed (a failed fit's row has N, approach, note)
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def agree(t: pd.DataFrame, params: str = "with embeddings") -> bool:
    """docs/study-v3.md's rule: the approaches agree when every pair of their 80% intervals for
    a overlaps."""
    rows = t[t["N"] == params].dropna(subset=["a_lo", "a_hi"])
    return len(rows) == 3 and all(
        max(x.a_lo, y.a_lo) <= min(x.a_hi, y.a_hi)
        for i, x in enumerate(rows.itertuples())
        for y in list(rows.itertuples())[i + 1 :]
    )


def verdict(t: pd.DataFrame, params: str = "with embeddings") -> str:
    """The declared rule's verdict in words, with its reason: which approach has no interval (and
    why), or which pairs of 80% intervals for a do not overlap."""
    rows = t[t["N"] == params]
    missing = rows[rows["a_lo"].isna()]
    if len(missing):
        why = "; ".join(f"{r.approach}: {r.note}" for r in missing.itertuples())
        return f"N {params}: no verdict, an approach has no interval ({why})"
    apart = [f"{x.approach} [{x.a_lo:.3f}, {x.a_hi:.3f}] and {y.approach} [{y.a_lo:.3f}, {y.a_hi:.3f}]"
             for i, x in enumerate(rows.itertuples()) for y in list(rows.itertuples())[i + 1:]
             if max(x.a_lo, y.a_lo) > min(x.a_hi, y.a_hi)]  # fmt: skip
    if apart:
        return f"N {params}: the approaches do not agree: " + "; ".join(apart) + " do not overlap"
    return f"N {params}: the three approaches agree (every pair of 80% intervals for a overlaps)"
