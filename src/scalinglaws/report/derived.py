"""Every derived number, without plotting: the tables behind each figure and the registry's values.

:func:`tables` computes, with the parameters `make figures` uses, what notebooks 03-05 and 08-11
print and save (the fits, their intervals and counts of failed replicates) and every value of
REPRODUCTION.md's registry, as named tables; notebook 08's trust verdicts aside (each of its 24
reports refits its data set about ten times, the fits checked here). :mod:`scalinglaws.report.dispatch` computes them once
under each of numpy's SIMD dispatch settings the CPU offers and requires them to agree: a number
that moves when only the kernels that sum it change is ill-conditioned, whatever figure shows it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def _notebook03() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import isoflop
    from scalinglaws.analysis.parameters import make_parameters

    p = make_parameters("03_isoflop")
    an = isoflop.analyse(
        p["n_bootstrap"], p["seed"], p["n_exclude"], p["isoflop_tol"], p["min_points"], p["runs"]
    )
    a2, a3 = isoflop.table_a3()
    return {
        "03.fit": isoflop.fit_table(an),
        "03.exponents": isoflop.exponent_table(an),
        "03.budgets": isoflop.budget_table(an),
        "03.table3": isoflop.table3(),
        "03.table_a3_approach2": a2,
        "03.table_a3_approach3": a3,
    }


def _notebook04() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import envelope
    from scalinglaws.analysis.parameters import make_parameters
    from scalinglaws.report import refits

    p = make_parameters("04_envelope")
    law = envelope.law_envelope(p["n_sizes"])
    if (p["min_sizes"], p["n_bootstrap"], p["seed"]) == (3, refits.ENVELOPE_BOOTSTRAP, 0):
        measured = refits.measured_envelope_fit()  # the registry's, computed once
    else:
        measured = envelope.measured_envelope(
            min_sizes=p["min_sizes"], n_bootstrap=p["n_bootstrap"], seed=p["seed"]
        )
    return {
        "04.envelope": envelope.exponent_table(law, measured),
        "04.envelope_winners": envelope.winner_table(measured),
        "04.envelope_counts": pd.DataFrame(
            {"n_failed": [measured.n_failed], "last_fraction": [envelope.last_fraction(measured)]}
        ),
    }


def _notebook05() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import c4_github
    from scalinglaws.analysis.parameters import make_parameters
    from scalinglaws.report import refits

    p = make_parameters("05_c4_github")
    # where the notebook's parameters are the registry's, the registry's fits (computed once)
    registry = (p["n_bootstrap"], p["seed"]) == (refits.C4_BOOTSTRAP, 0)
    defaults = (p["fraction"], p["min_points"], p["params_count"], p["runs"]) == (
        0.8,
        5,
        "total",
        c4_github.MEASURED,
    )
    if registry and defaults:
        an = refits.measured_isoflop_fit()
    else:
        an = c4_github.analyse(
            n_bootstrap=p["n_bootstrap"],
            fraction=p["fraction"],
            seed=p["seed"],
            min_points=p["min_points"],
            params_count=p["params_count"],
            source=p["runs"],
        )
    out = {f"05.budgets_{c}": c4_github.budget_table(an, c) for c in an.corpora}
    out["05.exponents"] = c4_github.exponent_table(an)
    out["05.counts"] = c4_github.count_comparison(an)
    out["05.losses"] = c4_github.loss_comparison(an)
    return out


def _notebook09() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import envelope, study_v2
    from scalinglaws.analysis.parameters import make_parameters
    from scalinglaws.report import refits

    p = make_parameters("09_study_v2")
    registry = (p["n_bootstrap"], p["seed"]) == (refits.C4_BOOTSTRAP, 0)
    v2 = [
        refits.v2_study(c)
        if registry
        else study_v2.isoflop_study(c, n_bootstrap=p["n_bootstrap"], seed=p["seed"])
        for c in study_v2.corpora()
    ]
    out = {f"09.study_v2_optima_{st.corpus}": study_v2.optima_table(st) for st in v2}
    out["09.study_v2_exponents"] = study_v2.exponent_table(v2)
    a1 = envelope.measured_envelope(n_bootstrap=p["n_bootstrap"], seed=p["seed"])
    out["09.envelope"] = envelope.exponent_table(envelope.law_envelope(), a1).iloc[2:]
    return out


def _notebook10() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import ladder as ladder_v2
    from scalinglaws.analysis.parameters import make_parameters
    from scalinglaws.constants import PORIAN
    from scalinglaws.report import refits

    p = make_parameters("10_ladder")
    kw = {"n_bootstrap": p["n_bootstrap"], "seed": p["seed"]}
    if (p["n_bootstrap"], p["seed"]) == (refits.C4_BOOTSTRAP, 0):
        ladder = list(refits.ladder_fits().values())
    else:
        ladder = ladder_v2.ladder(**kw)
    alternative = ladder_v2.ladder_alternative(**kw)
    porian = ladder_v2.ladder(steps=ladder_v2.PORIAN_STEPS, **kw)
    return {
        "10.ladder": ladder_v2.ladder_table(ladder, PORIAN.refinedweb, alternative),
        "10.porian": ladder_v2.ladder_table(porian, PORIAN.refinedweb),
        "10.porian_rates": ladder_v2.rates(ladder_v2.step_runs(ladder_v2.PORIAN_STEPS[2])),
    }


def _notebook08() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import cross_study, fit_runs
    from scalinglaws.analysis.parameters import make_parameters

    p = make_parameters("08_cross_study")
    # Approach 2's bias is a_approach2_sim - a_true, two numbers near 0.5 each compared here; their
    # difference carries their rounding (1e-10 absolute), 1e-7 of a bias of 4e-4: not compared
    out = {
        "08.cross_study": cross_study.cross_study(n_bootstrap=p["n_bootstrap"], seed=p["seed"]),
        "08.bias": cross_study.bias_table().drop(columns=["bias"]),
    }
    curves = cross_study.runs_of(cross_study.MISFITTING, curves=True)
    rows = []
    for params in ("params", "params_non_embedding"):
        env = fit_runs.envelope(curves, params)
        rows.append(
            {
                "params": params,
                "a": env.result.N_opt.exponent,
                "b": env.result.D_opt.exponent,
                "last_fraction": env.last_fraction,
            }
        )
    out["08.misfitting_envelope"] = pd.DataFrame(rows)
    from scalinglaws.analysis import conventions

    out["08.conventions"] = conventions.table()
    return out


def _notebook11() -> dict[str, pd.DataFrame]:
    from scalinglaws.analysis import study_v3
    from scalinglaws.analysis.parameters import make_parameters

    p = make_parameters("11_study_v3")
    runs, curves = study_v3.load()
    if runs.empty:
        return {}
    from scalinglaws.analysis import study_v3_checks as checks

    kw = {"n_bootstrap": p["n_bootstrap"], "seed": p["seed"]}
    shape, lr = checks.shape_check(seed=p["seed"]), checks.lr_check(seed=p["seed"])
    return {
        "11.study_v3": study_v3.table(runs, curves, **kw),
        "11.shape_check": shape.optima,
        "11.shape_slopes": shape.slopes,
        "11.lr_check": lr.optima,
    }


def _registry() -> dict[str, pd.DataFrame]:
    from scalinglaws.report import registry

    rows = []
    for o in registry.evaluate_all():
        lo, hi = o.interval if o.interval is not None else (np.nan, np.nan)
        rows.append({"id": o.entry.id, "value": o.value, "lo": lo, "hi": hi, "status": o.status})
    return {"registry": pd.DataFrame(rows)}


# the registry first: notebooks 04, 05, 09 and 10 reuse its cached fits where their parameters agree
PARTS = {
    "registry": _registry,
    "03": _notebook03,
    "04": _notebook04,
    "05": _notebook05,
    "08": _notebook08,
    "09": _notebook09,
    "10": _notebook10,
    "11": _notebook11,
}


def tables(parts=tuple(PARTS)) -> dict[str, pd.DataFrame]:
    """Every derived table, by name (``"03.fit"``, ``"registry"``, ...), for the parts named."""
    out: dict[str, pd.DataFrame] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        for part in parts:
            out.update(PARTS[part]())
    return {k: v.reset_index(drop=True) for k, v in out.items()}
