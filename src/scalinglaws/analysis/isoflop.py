"""The numbers of Hoffmann et al. 2022 (Chinchilla) Figures 3, 4 and A3 and Tables 2, 3 and A3,
refitted on the only published run data: Besiroglu et al. 2024's extraction of Chinchilla's
Figure 4 (or on any runs table). Drawn by :mod:`scalinglaws.figures`; no plotting here.

Three kinds of numbers, labelled as such: published data (Epoch's 245 points, 5 highest losses
dropped), published law (Hoffmann's eq 2/4 fits, Kaplan's Table 6, Epoch's refit), refit here (this
package's Approaches 2 and 3, and the power laws it fits through the printed rows of Tables 3 and
A3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.analysis import allocation
from scalinglaws.analysis.envelope import fmt_exponent
from scalinglaws.constants import BESIROGLU, HOFFMANN
from scalinglaws.core.kinds import PUBLISHED_DATA, provenance
from scalinglaws.core.params import ParameterError
from scalinglaws.core.rng import stream
from scalinglaws.datasets import published
from scalinglaws.laws import chinchilla as ch

DATA = "epoch-chinchilla-fig4"
GOPHER = HOFFMANN.budgets.gopher
_DATA_LABEL = provenance(PUBLISHED_DATA, "Besiroglu 2024 extraction of Hoffmann 2022 Fig 4")
_LOSS_NORM = (2.0, 5.0)  # colour range of losses, as Epoch's scatter of the extracted points


@dataclass(frozen=True)
class Analysis:
    """Everything the figures and tables draw, computed once from the published points."""

    points: pd.DataFrame  # params, tokens, flops, loss_nats (the fitted points)
    n_excluded: int
    huber: estimators.Approach3Result  # summed Huber over Hoffmann's grid
    likelihood: estimators.Approach3Result  # Besiroglu 2024's objective
    bootstrap: estimators.BootstrapResult | None  # of the summed-Huber fit
    approach2: estimators.Approach2Result  # with 80% (10th-90th pct) bootstrap intervals
    seed: int
    runs: str = DATA  # the data set's name or the runs CSV's path
    budgets: tuple[float, ...] = tuple(HOFFMANN.budgets.isoflop)  # Approach 2's budgets, FLOPs
    label: str = _DATA_LABEL  # legend label of the points

    @property
    def default(self) -> bool:
        """True for the paper's data (Epoch's extraction): the figures compare with the paper."""
        return self.runs == DATA

    @property
    def loss_norm(self) -> tuple[float, float]:
        if self.default:
            return _LOSS_NORM
        L = self.points["loss_nats"]
        return float(L.min()) * 0.97, float(L.max()) * 1.03


def analyse(
    n_bootstrap: int = 200,
    seed: int = 0,
    n_exclude: int = 5,
    isoflop_tol: float = 0.06,
    min_points: int = 5,
    runs: str = DATA,
) -> Analysis:
    """Refit Approaches 2 and 3 on the extracted Figure 4 points (Besiroglu 2024 selection), or on
    any runs: ``runs`` is a runs CSV (docs/runs-schema.md) or a registered data set's name.

    n_bootstrap replicates (0: none) resample the points for Approach 3's standard errors and
    Approach 2's exponent intervals (at most 2,000 for Approach 2, whose replicates are refitted
    one by one); both Generators derive from ``seed``. n_exclude highest losses are dropped from
    Epoch's extraction only (Besiroglu 2024); other runs are fitted whole, each run's final
    checkpoint, grouped into budgets by their ``budget`` column or else by FLOPs (isoflop_tol).
    """
    if runs != DATA:
        return _analyse_runs(runs, n_bootstrap, seed, isoflop_tol, min_points)
    df = published.load(DATA)
    if n_exclude:
        df = published.drop_highest_losses(df, n_exclude)
    N, D, C, L = estimators.arrays(df)
    a2_input = dict(N=N, C=C, L=L, budgets=HOFFMANN.budgets.isoflop, tol_log10=isoflop_tol)
    huber, lik, boot, a2 = _fits(N, D, L, a2_input, n_bootstrap, seed, min_points)
    return Analysis(df, n_exclude, huber, lik, boot, a2, seed)


def _fits(N, D, L, a2_input: dict, n_bootstrap: int, seed: int, min_points: int):
    """Approach 3 (Huber and likelihood), its bootstrap, and Approach 2 with its bootstrap, on one
    seed split into two independent streams."""
    rng3 = stream(seed, "isoflop.approach3-bootstrap")
    rng2 = stream(seed, "isoflop.approach2-bootstrap")
    huber = estimators.approach3(N=N, D=D, L=L)
    lik = estimators.approach3(N=N, D=D, L=L, objective="huber_likelihood")
    boot = None
    if n_bootstrap:
        boot = estimators.bootstrap_approach3(
            N=N, D=D, L=L, n_bootstrap=n_bootstrap, rng=rng3, full_fit=huber
        )
    a2 = estimators.approach2(
        **a2_input, min_points=min_points, n_bootstrap=min(n_bootstrap, 2000), rng=rng2, level=0.80
    )
    return huber, lik, boot, a2


def _analyse_runs(runs: str, n_bootstrap, seed, isoflop_tol, min_points) -> Analysis:
    from scalinglaws.analysis import fit_runs
    from scalinglaws.datasets import schema

    try:
        table, name = fit_runs.load(runs)
        schema.check_approach(table, 3)
        schema.check_approach(table, 2, tol_log10=isoflop_tol)
    except (schema.RunsSchemaError, published.DataError) as err:
        raise ParameterError(f"parameter 'runs': {err}") from None
    final = schema.final_checkpoints(table)
    df = pd.DataFrame(
        {
            "params": final["params"],
            "tokens": final["tokens"],
            "flops": final["flops"],
            "loss_nats": final["loss"],
        }
    )
    N, D, C, L = estimators.arrays(df)
    inp = fit_runs.a2_input(final, "params", isoflop_tol)
    a2_input = dict(
        N=inp.N, C=inp.C, L=inp.L, budgets=inp.budgets, tol_log10=inp.tol_log10, D=inp.D
    )
    huber, lik, boot, a2 = _fits(N, D, L, a2_input, n_bootstrap, seed, min_points)
    kind = PUBLISHED_DATA if runs in published.REGISTRY else "runs"
    label = provenance(kind, name) if kind == PUBLISHED_DATA else f"runs ({name})"
    return Analysis(
        df, 0, huber, lik, boot, a2, seed, runs, tuple(float(b) for b in inp.budgets), label
    )


# ---- tables -------------------------------------------------------------------------------------


def fit_table(an: Analysis) -> pd.DataFrame:
    """Eq 2's constants: Hoffmann (printed, TeX), Besiroglu 2024, and the refits here."""
    u = BESIROGLU.uncertainty
    rows = {
        "Hoffmann 2022 App. D.2 (printed)": HOFFMANN.approach3_rounded,
        "Hoffmann 2022 (TeX values)": HOFFMANN.approach3_tex,
        "Besiroglu 2024 refit": BESIROGLU.refit,
        "Besiroglu 2024 grid-exact (summed Huber)": BESIROGLU.grid_exact,
        "refit here: Huber likelihood": an.likelihood.fit,
        "refit here: summed Huber, 4,500-start grid": an.huber.fit,
    }
    out = pd.DataFrame(
        {
            k: {p: getattr(f, p) for p in estimators.PARAM_NAMES} | {"a": f.a}
            for k, f in rows.items()
        }
    ).T
    out.loc["Besiroglu 2024 bootstrap SE"] = [*u.se().values(), np.nan]
    if an.bootstrap is not None:
        se = an.bootstrap.se
        out.loc[f"refit here: bootstrap SE ({len(an.bootstrap.replicates)} replicates)"] = [
            *se.values(),
            np.nan,
        ]
    return out


def exponent_table(an: Analysis) -> pd.DataFrame:
    """Table 2 (a, b with 10th-90th percentiles) beside the refits here."""
    fmt = fmt_exponent
    t2 = HOFFMANN.table2
    rows = [
        (e.label.split(":")[0] + " [Table 2]", fmt(e.a, e.a_interval), fmt(e.b, e.b_interval))
        for e in (t2.approach1, t2.approach2, t2.approach3, t2.kaplan)
    ]
    a2 = an.approach2
    rows.append(
        (
            f"Approach 2, refit here ({'published data' if an.runs in published.REGISTRY else 'runs'})",
            fmt(a2.a, a2.N_opt.exponent_interval),
            fmt(a2.b, a2.D_opt.exponent_interval),
        )
    )
    for name, r in (
        ("Approach 3, refit here (Huber likelihood)", an.likelihood),
        ("Approach 3, refit here (summed Huber)", an.huber),
    ):
        iv = _frontier_exponent_interval(an) if "summed" in name else None
        rows.append(
            (name, fmt(r.fit.a, iv), fmt(r.fit.b, None if iv is None else (1 - iv[1], 1 - iv[0])))
        )
    return pd.DataFrame(rows, columns=["approach", "a (N_opt ~ C^a)", "b (D_opt ~ C^b)"])


def _frontier_exponent_interval(an: Analysis, level: float = 0.80):
    if an.bootstrap is None:
        return None
    reps = an.bootstrap.replicates
    a = reps[:, 4] / (reps[:, 3] + reps[:, 4])
    q = 100 * (1 - level) / 2
    lo, hi = np.percentile(a, [q, 100 - q])
    return float(lo), float(hi)


def _table(rows, regenerated, extra=None) -> pd.DataFrame:
    out = []
    for i, (r, g) in enumerate(zip(rows, regenerated, strict=True)):
        row = {
            "params": f"{r.params:.3g}",
            "FLOPs printed": f"{r.flops:.3g}",
            "FLOPs from law": f"{g.flops:.3g}",
            "tokens printed": f"{r.tokens:.4g}",
            "tokens from law": f"{g.tokens:.4g}",
            "flag": g.flag,
        }
        if extra is not None:
            row.update(extra[i])
        out.append(row)
    return pd.DataFrame(out)


def table3() -> pd.DataFrame:
    """Table 3 (Approach 1) as printed beside N = k C^a through its rows (Gopher row from C)."""
    rows = HOFFMANN.tables.table3_approach1
    gopher = [i for i, r in enumerate(rows) if r.flops == GOPHER]
    law = allocation.table_law(rows)
    return _table(rows, allocation.regenerate_table(rows, law, from_flops=gopher))


def table_a3() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table A3: (Approach 2, Approach 3), printed beside the power law through the rows.

    The Approach 3 frame also shows eq 4 with the TeX fit (what the parametric law itself gives).
    The 175B row (FLOPs printed 1.26e24; 6ND = 1.26e25) is flagged and left out of the fit.
    """
    T = HOFFMANN.tables
    a2 = T.tableA3_approach2
    t2 = _table(a2, allocation.regenerate_table(a2, allocation.table_law(a2)))
    a3 = T.tableA3_approach3
    law = allocation.table_law(a3, skip=(T.tableA3_typo_index,))
    tex = HOFFMANN.approach3_tex
    extra = [
        {"FLOPs, eq 4 (TeX fit)": f"{float(ch.flops_for_optimal_N(r.params, tex)):.3g}"} for r in a3
    ]
    return t2, _table(a3, allocation.regenerate_table(a3, law), extra)


def budget_table(an: Analysis) -> pd.DataFrame:
    """Approach 2: which budgets had enough points, and each parabola's vertex."""
    rows = [
        {
            "budget": f"{p.budget:.0e}",
            "mean FLOPs of its runs": f"{p.flops:.3g}",
            "runs": p.n_points,
            "N_opt": f"{p.N_opt:.3g}",
            "D_opt": f"{p.D_opt:.3g}",
            "loss at vertex": round(p.L_min, 3),
            "used": "yes",
        }
        for p in an.approach2.profiles
    ]
    rows += [
        {"budget": f"{b:.0e}", "used": f"no: {why}"} for b, why in an.approach2.skipped.items()
    ]
    return pd.DataFrame(rows)


def point_budgets(an: Analysis):
    """(labels, nominal budgets) of the analysis's points, as Approach 2 grouped them."""
    if an.default:
        return estimators.isoflop_groups(
            C=an.points["flops"], budgets=HOFFMANN.budgets.isoflop, tol_log10=an.approach2.tol_log10
        )
    from scalinglaws.analysis import fit_runs
    from scalinglaws.datasets import schema

    table, _ = fit_runs.load(an.runs)
    final = schema.final_checkpoints(table)
    labels, budgets = schema.budgets(final, an.approach2.tol_log10)
    return labels, np.asarray(budgets, float)


def refit_band(an: Analysis, C, level: float = 0.80):
    """Percentile band of eq 4's N_opt(C), D_opt(C) over the bootstrap replicates (or None)."""
    if an.bootstrap is None:
        return None
    band = allocation.fit_band(an.bootstrap.replicates, an.bootstrap.names, C, level)
    return band["N_opt"], band["D_opt"]
