"""A trust report for a fit of a table of runs by Hoffmann et al. 2022's Approach 1, 2 or 3: what
the fit rests on, checked the ways it can fail, with one verdict (:func:`report_for`).

Approach 3's checks (:func:`report`; Approaches 2 and 1: :func:`report_a2`, :func:`report_a1`), each with the rule that decides it (thresholds from a stated rule, never from a result):

- **design**: the distinct model sizes and token counts among the final checkpoints; eq 2 has a
  size term and a data term, each with an exponent, so each needs 3 or more distinct values
  (fewer: not identifiable).
- **identifiability** (:attr:`Approach3Result.not_identifiable`): E at its bound 0 or a
  near-singular Hessian; the condition number at the optimum is reported.
- **start grid**: the fit repeated from each of ``N_SUBGRIDS`` disjoint interleaved parts of
  Hoffmann's 4,500-point grid of starts; how many reach the best objective (within
  ``OBJECTIVE_RTOL`` relative, plus ``OBJECTIVE_ATOL``, the optimiser's own precision) and the
  spread of a among them. A part that stops elsewhere is a warning.
- **Huber delta**: refitted with delta 10x smaller and 10x larger than App. D.2's 1e-3; a change of
  a beyond ``A_PRINTED`` (half a unit of the second decimal, Table 2's printed precision) is a
  warning.
- **backtest**: the runs of the largest budget (the ``budget`` column's largest; without one, the
  runs of the largest model size, the over-training studies' own test) left out, the law refitted
  on the rest and asked for their losses; with 3 or more held-out runs, a median error beyond
  ``BACKTEST_SDS`` times the fit's own residual spread (the sd of its log residuals) and beyond
  ``BACKTEST_FLOOR`` is a warning, as is (with a budget column) a held-out budget whose best
  run's size lies more than a factor ``OPTIMUM_FACTOR`` from eq 4's optimum predicted for it.
- **extrapolation**: eq 4's optimum at the data's largest budget (its mean FLOPs); a size more
  than ``OPTIMUM_FACTOR`` outside the sizes trained there (without a budget column: outside every
  size trained) is a warning: the law's optimum is then an extrapolation in N.

The summed Huber objective is minimised to a Newton decrement below 1e-10 of its magnitude
(:mod:`scalinglaws.estimators`), so a summed and a mean objective stop at the same optimum; that
choice is not a separate check here.

Verdict: "not identifiable" when the design or the identifiability check fails, else "warn" when
any other check warns, else "ok"; ``reasons`` lists every failed check.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.analysis.predict import eq4_optimum
from scalinglaws.datasets import schema

N_SUBGRIDS = 5  # disjoint parts of the start grid (every 5th start, offsets 0-4)
OBJECTIVE_RTOL = 1e-6  # a part "reaches the best objective" within this relative difference
OBJECTIVE_ATOL = 1e-10  # ... plus the optimiser's own precision (its Newton decrement bound)
A_PRINTED = 0.005  # half a unit of Table 2's printed precision for a (two decimals)
DELTAS = (1e-4, 1e-2)  # the Huber delta 10x either side of App. D.2's 1e-3
BACKTEST_SDS = 3.0  # held-out error beyond this many in-sample residual sds: a warning
BACKTEST_FLOOR = 1e-3  # ... and beyond 0.1% of the loss (a loss printed to 3 digits: no noise)
OPTIMUM_FACTOR = 2.0  # an optimum further than this factor outside the sizes trained: a warning
MIN_DISTINCT = 3  # distinct sizes and token counts eq 2's two exponents need
BUDGET_TOL = 0.06  # log10 FLOPs: without budgets, the runs this close to the largest FLOPs


@dataclass
class Trust:
    verdict: str  # "ok", "warn" or "not identifiable"
    reasons: list[str] = field(default_factory=list)
    checks: dict = field(default_factory=dict)  # every number behind the verdict

    def as_dict(self) -> dict:
        """JSON-ready: numpy scalars as Python numbers."""
        return {"verdict": self.verdict, "reasons": list(self.reasons), **_plain(self.checks)}


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value


def _fit(N, D, L, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return estimators.approach3(N=N, D=D, L=L, **kw)


def _try_fit(N, D, L, **kw):
    """The fit, or None where it does not converge (reported by the check that asked)."""
    try:
        return _fit(N, D, L, **kw)
    except estimators.FitError:
        return None


def _a(res) -> float:
    return res.beta / (res.alpha + res.beta)


def _flops(final: pd.DataFrame) -> np.ndarray:
    if "flops" in final.columns:
        return final["flops"].to_numpy(float)
    return 6.0 * final["params"].to_numpy(float) * final["tokens"].to_numpy(float)


def report(runs: pd.DataFrame, params: str = "params") -> Trust:
    """The trust report of Approach 3 on ``runs`` (runs schema) with N in column ``params``."""
    final = schema.final_checkpoints(runs)
    N, D, L = (final[c].to_numpy(float) for c in (params, "tokens", "loss"))
    C = _flops(final)
    checks: dict = {"n_runs": int(N.size)}
    reasons: list[str] = []
    n_sizes, n_tokens = np.unique(N).size, np.unique(D).size
    checks.update(distinct_sizes=int(n_sizes), distinct_tokens=int(n_tokens))
    design = [
        f"only {k} distinct {what}: eq 2's {term} term needs {MIN_DISTINCT} or more"
        for k, what, term in ((n_sizes, "model sizes", "size"), (n_tokens, "token counts", "data"))
        if k < MIN_DISTINCT
    ]
    if design or N.size < 6:
        reasons += design or [f"only {N.size} runs: eq 2 has 5 parameters"]
        return Trust("not identifiable", reasons, checks)
    best = _fit(N, D, L)
    checks.update(a=_a(best), condition=best.condition, E_share=best.E_share)
    if best.not_identifiable:  # the other checks would probe a direction the data leave flat
        return Trust("not identifiable", list(best.not_identifiable), checks)

    # the start grid, in disjoint parts
    grid = estimators.hoffmann_grid()
    parts = [_try_fit(N, D, L, starts=grid[i::N_SUBGRIDS]) for i in range(N_SUBGRIDS)]
    values = np.array([p.value if p is not None else np.inf for p in parts])
    reach = np.abs(values - best.value) <= OBJECTIVE_RTOL * abs(best.value) + OBJECTIVE_ATOL
    a_parts = np.array([_a(p) if p is not None else np.nan for p in parts])
    checks.update(
        start_parts=N_SUBGRIDS,
        start_parts_at_best=int(reach.sum()),
        # below 1e-6 the spread is the optimiser's rounding (and differs by CPU): reported as 0
        a_spread_at_best=_above(np.ptp(a_parts[reach]), 1e-6) if reach.any() else float("nan"),
    )
    if reach.sum() < N_SUBGRIDS:
        reasons.append(
            f"{N_SUBGRIDS - int(reach.sum())} of {N_SUBGRIDS} parts of the start grid stop at "
            "another optimum"
        )

    # the Huber delta
    by_delta = {f"{d:g}": _try_fit(N, D, L, delta=d) for d in DELTAS}
    a_delta = {k: _a(r) for k, r in by_delta.items() if r is not None}
    checks["a_by_delta"] = a_delta
    failed = [k for k, r in by_delta.items() if r is None]
    if failed:
        reasons.append(f"no converged fit with Huber delta {', '.join(failed)}")
    moved = max((abs(v - checks["a"]) for v in a_delta.values()), default=0.0)
    if moved > A_PRINTED:
        reasons.append(
            f"a moves by {moved:.3f} when the Huber delta changes 10x (over {A_PRINTED})"
        )

    # backtest: leave the largest budget (or, without budgets, the largest size) out
    by_budget = "budget" in final.columns and final["budget"].notna().any()
    if by_budget:
        b = final["budget"].to_numpy(float)
        held = b == np.nanmax(b)
    else:
        held = N == N.max()
    # the rest is what came before: runs at or above the held-out FLOPs (e.g. without a budget)
    # are left out of the refit too, so that it predicts forward only
    rest = ~held & (C < C[held].min())
    checks["backtest_holds_out"] = "the largest budget" if by_budget else "the largest size"
    resid_sd = float(np.std(np.log(L) - np.log(_loss(best, N, D)), ddof=1))
    checks["residual_sd_log"] = resid_sd
    enough = held.sum() >= 3 and rest.sum() >= 6 and np.unique(N[rest]).size >= MIN_DISTINCT
    back = _try_fit(N[rest], D[rest], L[rest]) if enough else None
    checks["backtest_runs"] = int(held.sum()) if back is not None else 0
    if enough and back is None:
        reasons.append("no converged fit without the held-out runs")
    if not enough:
        short = [
            f"{k} {what} (needs {need})"
            for k, what, need in (
                (int(held.sum()), f"runs at {checks['backtest_holds_out']}", 3),
                (int(rest.sum()), "runs before it", 6),
                (int(np.unique(N[rest]).size), "sizes before it", MIN_DISTINCT),
            )
            if k < need
        ]
        reasons.append("no backtest: only " + ", ".join(short))
    if back is not None:
        miss = float(np.median(np.abs(np.log(L[held]) - np.log(_loss(back, N[held], D[held])))))
        checks["backtest_median_error_log"] = miss
        if miss > max(BACKTEST_SDS * resid_sd, BACKTEST_FLOOR):
            reasons.append(
                f"the largest budget's losses, predicted from the others, miss by {miss:.3g} "
                f"(log), over {BACKTEST_SDS:g} residual sds and {BACKTEST_FLOOR:g}"
            )
        if by_budget:
            n_best = N[held][np.argmin(L[held])]
            n_pred = eq4_optimum(back.E, back.A, back.B, back.alpha, back.beta, C[held].mean())[0]
            ratio = float(n_pred / n_best)
            checks["backtest_optimum_ratio"] = ratio
            if not 1 / OPTIMUM_FACTOR <= ratio <= OPTIMUM_FACTOR:
                reasons.append(
                    f"the largest budget's best size is {ratio:.3g}x off the optimum predicted "
                    "from the other budgets"
                )

    # extrapolation at the data's largest budget
    top = held if by_budget else np.log10(C) >= np.log10(C.max()) - BUDGET_TOL
    n_opt = eq4_optimum(best.E, best.A, best.B, best.alpha, best.beta, C[top].mean())[0]
    lo, hi = (N[top].min(), N[top].max()) if by_budget else (N.min(), N.max())
    outside = max(lo / n_opt, n_opt / hi, 1.0)
    checks["optimum_outside_sizes_factor"] = float(outside)
    if outside > OPTIMUM_FACTOR:
        reasons.append(
            f"eq 4's optimum at the largest budget lies {outside:.3g}x outside the sizes trained "
            "there"
        )

    return Trust("warn" if reasons else "ok", reasons, checks)


def _above(x: float, floor: float) -> float:
    return float(x) if x > floor else 0.0


def _loss(res, N, D):
    return res.E + res.A / N**res.alpha + res.B / D**res.beta


# ---- Approaches 2 and 1 --------------------------------------------------------------------------

MIN_BUDGETS = 3  # a power law through 2 vertices has no residual to check it by
LAST_SHARE = 0.8  # footnote 4: all of Chinchilla's envelope points lie in the last 15% of a run
MIN_DECADES = 1.0  # an envelope fitted over less than a decade of FLOPs


def report_a2(runs: pd.DataFrame, params: str = "params", min_points: int = 5, tol_log10=0.06):
    """Trust report of Approach 2 (IsoFLOP parabolas, section 3.2): budgets with a vertex (fewer
    than ``MIN_BUDGETS``: not identifiable; fewer than those without: a warning), the largest budget's vertex predicted by the power
    law through the others (more than ``OPTIMUM_FACTOR`` off: a warning), and the bias of the
    method on the data's own grid, simulated without noise on its own Approach 3 surface (a
    difference in a beyond ``A_PRINTED``: a warning)."""
    from scalinglaws.analysis import fit_runs

    final = schema.final_checkpoints(runs)
    inp = fit_runs.a2_input(final, params, tol_log10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = fit_runs.approach2(inp, min_points)
        except (estimators.FitError, ValueError) as err:
            return Trust("not identifiable", [f"no power law: {err}"], {"budgets_used": 0})
    used = np.asarray(res.used_budgets, float)
    checks: dict = {"a": res.a, "budgets_used": int(used.size), "budgets_skipped": len(res.skipped)}
    reasons = []
    if len(res.skipped) > used.size:
        why = sorted({w.split(":")[0].split(" (")[0] for w in res.skipped.values()})
        reasons.append(
            f"{len(res.skipped)} of {len(res.skipped) + used.size} budgets without a vertex "
            f"({', '.join(why)}): the sizes do not bracket most optima"
        )
    if used.size < MIN_BUDGETS:
        return Trust(
            "not identifiable",
            [f"only {used.size} budgets with a vertex: a line through them has no check"],
            checks,
        )
    vert = {float(p.budget): p.N_opt for p in res.profiles if float(p.budget) in set(used)}
    C = np.array(sorted(vert))
    Nv = np.array([vert[c] for c in C])
    slope, icpt = np.polyfit(np.log10(C[:-1]), np.log10(Nv[:-1]), 1)
    ratio = float(10 ** (icpt + slope * np.log10(C[-1])) / Nv[-1])
    checks["backtest_optimum_ratio"] = ratio
    if not 1 / OPTIMUM_FACTOR <= ratio <= OPTIMUM_FACTOR:
        reasons.append(
            f"the largest budget's vertex is {ratio:.3g}x off the power law through the others"
        )
    N, D, L = (final[c].to_numpy(float) for c in (params, "tokens", "loss"))
    if N.size >= 6 and np.unique(N).size >= MIN_DISTINCT and np.unique(D).size >= MIN_DISTINCT:
        surface = _try_fit(N, D, L)
        bias = float("nan")
        if surface is not None:
            sim = final.assign(loss=_loss(surface, N, D))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    inp = fit_runs.a2_input(sim, params, tol_log10)
                    bias = float(fit_runs.approach2(inp, min_points).a - _a(surface))
                except (estimators.FitError, ValueError):
                    pass
        checks.update(
            bias_on_own_grid=bias,
            surface_identifiable=surface.identifiable if surface is not None else False,
        )
        if abs(bias) > A_PRINTED:
            reasons.append(f"on its own grid Approach 2 is biased by {bias:+.3f} in a")
    return Trust("warn" if reasons else "ok", reasons, checks)


def report_a1(runs: pd.DataFrame, params: str = "params", min_sizes: int = 3) -> Trust:
    """Trust report of Approach 1 (the envelope, section 3.1): the FLOP range it is fitted over
    (under ``MIN_DECADES``: a warning), the sizes that win it (fewer than ``MIN_DISTINCT``: not
    identifiable), and footnote 4's share of points in the last 15% of their run (under
    ``LAST_SHARE``: a warning, with a from those points alone beside it)."""
    from scalinglaws.analysis import fit_runs

    try:
        env = fit_runs.envelope(runs, params, min_sizes)
    except (estimators.FitError, ValueError, schema.RunsSchemaError) as err:
        return Trust("not identifiable", [f"no envelope: {err}"], {})
    lo, hi = env.flops_range
    inside = (env.result.flops >= lo) & (env.result.flops <= hi)
    winners = int(np.unique(env.result.N[inside]).size)
    checks = {
        "a": env.result.N_opt.exponent,
        "flops_decades": float(np.log10(hi / lo)),
        "last_15pct_share": float(env.last_fraction),
        "a_last_15pct_only": env.last15.N_opt.exponent if env.last15 is not None else None,
    }
    checks["sizes_winning"] = winners
    reasons = []
    if winners < MIN_DISTINCT:
        win = "wins" if winners == 1 else "win"
        why = f"only {winners} of the sizes trained {win} the envelope (needs {MIN_DISTINCT})"
        return Trust("not identifiable", [why], checks)
    if checks["flops_decades"] < MIN_DECADES:
        reasons.append(f"fitted over {checks['flops_decades']:.2f} decades of FLOPs only")
    if env.last_fraction < LAST_SHARE:
        reasons.append(
            f"{100 * env.last_fraction:.0f}% of the envelope's points in the last 15% of their "
            f"run (footnote 4: all; rule: {100 * LAST_SHARE:.0f}%)"
        )
    return Trust("warn" if reasons else "ok", reasons, checks)


def report_for(runs: pd.DataFrame, approach: int, params: str = "params", **kw) -> Trust:
    """The trust report of ``approach`` (1, 2 or 3) on ``runs``; ``kw``: ``min_points`` and
    ``tol_log10`` for Approach 2, ``min_sizes`` for Approach 1."""
    if approach == 3:
        return report(runs, params)
    if approach == 2:
        keep = {k: kw[k] for k in ("min_points", "tol_log10") if k in kw}
        return report_a2(runs, params, **keep)
    if approach == 1:
        return report_a1(runs, params, **{k: kw[k] for k in ("min_sizes",) if k in kw})
    raise ValueError(f"approach must be 1, 2 or 3, got {approach!r}")


def cross_study_table(plan=None) -> pd.DataFrame:
    """One trust verdict per row of the cross-study table (:data:`cross_study.PLAN`)."""
    from scalinglaws.analysis import cross_study

    rows = []
    for name, approach, params, curves in plan or cross_study.PLAN:
        runs = cross_study.runs_of(name, curves=curves, approach=approach)
        t = report_for(runs, approach, params, min_points=cross_study.MIN_POINTS[name])
        rows.append(
            {
                "dataset": name,
                "approach": approach,
                "params": "total" if params == "params" else "non-embedding",
                "verdict": t.verdict,
                "reasons": "; ".join(t.reasons),
            }
        )
    return pd.DataFrame(rows, columns=["dataset", "approach", "params", "verdict", "reasons"])
