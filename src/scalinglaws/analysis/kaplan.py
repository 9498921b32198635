"""The numbers of Kaplan et al. 2020 Figures 2 and 11 (no plotting here; drawn by
:mod:`scalinglaws.figures.kaplan2020_fig2` and :mod:`scalinglaws.figures.kaplan2020_fig11`).

All from the published laws (:mod:`scalinglaws.laws.kaplan`) at the paper's batch B = 2^19 tokens:
each budget's loss-minimising size (Figure 11 left), the point where eq B.5 puts compute-efficient
training (Figure 2 right), the tokens each size needs to reach a loss (Figure 2 left), the law's
curves on a grid with where eq 5.6 is inside its fitted range, and App. B's and section 6's printed
numbers beside what the equations give. And the learning curves measured in this project: loaded,
compared at one compute per decade, timed to a loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scalinglaws.constants import KAPLAN
from scalinglaws.core import units
from scalinglaws.datasets import measured as measured_runs
from scalinglaws.estimators import fit_power_law
from scalinglaws.laws import kaplan, kaplan_efficient, kaplan_training

MEASURED_CORPUS = "prose"  # the learning-curve runs train on the prose corpus only
# The learning curves: the v2 study's runs in Kaplan's setting (step 1 of the discrepancy ladder,
# docs/study-v2.md): one cosine to 0 over each run after a 3000-step warmup, lr 3e-3, 14 sizes.
MEASURED_STUDY = "v2-ladder-kaplan"
MEASURED_RESULTS = measured_runs.RESULTS / "v2"
_B = float(KAPLAN.setup.batch_tokens)


def load_measured_runs(results: Path | str | None = None) -> pd.DataFrame:
    """Learning curves measured in this project: the prose runs of the ``MEASURED_STUDY`` study.

    Kaplan's setting (section 2.2's long warmup, a cosine to zero over each run): 14 sizes from
    about 1e3 to 2e5 non-embedding parameters, each trained to its own budget of 3e11 to 1e13
    FLOP (the larger the model, the larger its budget) with about 54 validation points.

    One row per validation point (columns :data:`scalinglaws.datasets.measured.CURVE_COLUMNS`): ``params``
    is N (non-embedding parameters), ``tokens`` the bytes processed so far, ``flops`` the exact
    training FLOP so far and ``loss_nats`` the validation loss in nats per **byte**. Read from the
    result files in ``data/runs/results/v2`` (or ``results``) by
    :func:`scalinglaws.datasets.measured.load_curves`; an empty frame with the same columns when no run
    has finished.
    """
    folder = MEASURED_RESULTS if results is None else results
    df = measured_runs.load_curves(folder, study=MEASURED_STUDY)
    return df[df["corpus"] == MEASURED_CORPUS].reset_index(drop=True)


def measured_by_run(measured: pd.DataFrame) -> list[tuple[float, pd.DataFrame]]:
    """(N, that run's points in step order) for each measured run, smallest N first."""
    runs = [
        (float(g["params"].iloc[0]), g.sort_values("step"))
        for _, g in measured.groupby("run_id", sort=True)
    ]
    return sorted(runs, key=lambda r: r[0])


@dataclass(frozen=True)
class BudgetOptima:
    """Each budget's loss-minimising model at B = 2^19 (Figure 11 left's marked optima)."""

    budgets_pf: np.ndarray  # PF-days
    N_opt: np.ndarray  # non-embedding parameters
    L_opt: np.ndarray  # nats per token
    S_opt: np.ndarray  # steps at 2^19 tokens
    exponent: float  # slope of log N_opt against log C

    def table(self) -> list[tuple[str, str, str, str]]:
        """(budget, N_opt, loss, steps) rows for the notebook."""
        return [
            (f"{c:.2g}", f"{n:.3g}", f"{loss:.3f}", f"{s:.3g}")
            for c, n, loss, s in zip(
                self.budgets_pf, self.N_opt, self.L_opt, self.S_opt, strict=True
            )
        ]


def budget_optima(budget_min_pf=1e-5, budget_max_pf=1.0, n_budgets=11) -> BudgetOptima:
    """Minimise the fixed-compute loss (B = 2^19) over N for each budget, exactly (golden section)."""
    C = np.geomspace(budget_min_pf, budget_max_pf, n_budgets)
    N_opt, L_opt = kaplan_training.optimal_params_at_compute(C, B=_B)
    p = fit_power_law(C, N_opt).exponent
    return BudgetOptima(C, N_opt, L_opt, kaplan_training.steps_at_compute(N_opt, C), p)


@dataclass(frozen=True)
class ConvergenceMark:
    """Where eq B.5 puts compute-efficient training for one model size (Figure 2 right)."""

    N: float  # non-embedding parameters
    C_min_pf: float  # PF-days at which N is the efficient size (inverse of eq B.9)
    L_eff: float  # loss there, (1 + alpha_N/alpha_S) L(N, inf)
    L_converged: float  # L(N, inf) = (N_c/N)^alpha_N (Table 3)


def convergence_mark(N, compute_max_pf=1.0) -> ConvergenceMark:
    """The point on N's curve that touches the frontier (eqs B.5, B.9), checked to be in range."""
    C = float(kaplan_efficient.efficient_compute_for_params(N))
    if C > compute_max_pf:
        raise ValueError(
            f"the model of N={N:.3g} parameters is compute-efficient only at {C:.3g} PF-days, beyond "
            f"compute_max_pf={compute_max_pf!r}"
        )
    t3 = KAPLAN.joint_NS
    L_inf = float(kaplan.loss_of_params(N, fit=t3))
    return ConvergenceMark(float(N), C, float(kaplan_training.loss_at_min_compute(N, C)), L_inf)


def law_compute(sizes, C):
    """(loss, in eq 5.6's fitted range) on the grid sizes x C_min PF-days (eq B.3, Figure 2 right).

    Eq B.3's curve trains at B_crit for S_min = C_min/(6 N B_crit(L)) steps (eq 5.5); the fit range
    is in steps at the paper's 2^19 batch, S = S_min (1 + B_crit/B) (eq 5.4).
    """
    L = kaplan_training.loss_at_min_compute(sizes[:, None], C[None, :])
    B_crit = kaplan.critical_batch(L)
    S_min = units.pf_days_to_flop(C)[None, :] / (6.0 * sizes[:, None] * B_crit)
    return L, kaplan.in_fitted_range(sizes[:, None], S_min * (1.0 + B_crit / _B))


def frontier_table() -> list[tuple[str, str, str]]:
    """(quantity, as the paper prints it, what the equations give) for App. B and section 6.

    The equations use Table 3's alpha_N = 0.077, alpha_S = 0.76, N_c, S_c and Table 5's B_*,
    alpha_B; the numerical optimum of eq B.3 reproduces eqs B.5-B.10 (tests/test_kaplan_laws.py).
    """
    eff, t3 = KAPLAN.efficient, KAPLAN.joint_NS
    p = kaplan_efficient.efficient_exponents()
    x, ref = kaplan.data_limit_intersection(), KAPLAN.intersection
    return [
        (
            "alpha_C^min, eq 1.8 / B.7",
            f"~{eff.alpha_C_min_eq_B_7} (B.7), ~{eff.alpha_C_min_eq_6_4} "
            f"(6.4); fit {KAPLAN.basic.alpha_C_min} (eq 1.3)",
            f"{kaplan_efficient.alpha_C_min_theory():.4f}",
        ),
        (
            "N_eff ~ C_min^p, eq 6.5 / B.9",
            f"~{eff.eq_6_5_exponent}; empirical {eff.p_N} (eq 6.1)",
            f"{p['N']:.3f}",
        ),
        ("B_crit ~ C_min^p, eq 1.7", f"{eff.p_B} (Table 6)", f"{p['B']:.3f}"),
        ("S_min ~ C_min^p, eq 1.7", f"{eff.p_S} (Table 6)", f"{p['S']:.3f}"),
        (
            "L(N_eff, C) / L(N_eff, inf), eq B.5",
            "1 + alpha_N/alpha_S ~ 1.10",
            f"{1 + t3.alpha_N / t3.alpha_S:.4f}",
        ),
        (
            "C_c, eq B.8 (PF-days)",
            f"{KAPLAN.basic.C_c_min:.2g} (eq 1.3 fit)",
            f"{kaplan_efficient.efficient_C_c():.3g}",
        ),
        (
            "N_eff at 1 PF-day, eq B.9",
            f"{eff.N_e:.2g} (Table 6)",
            f"{float(kaplan_efficient.efficient_params(1.0)):.3g}",
        ),
        (
            "B_crit at 1 PF-day, eq B.2 at eq B.6 (tokens)",
            f"{eff.B_e:.2g} (Table 6)",
            f"{float(kaplan_efficient.efficient_batch(1.0)):.3g}",
        ),
        (
            "S_min at 1 PF-day, eq B.10",
            f"{eff.S_e:.2g} (Table 6, lower bound)",
            f"{float(kaplan_efficient.efficient_steps(1.0)):.3g}",
        ),
        (
            "L at 1 PF-day, eq B.6",
            f"{float(kaplan.loss_of_compute_min(1.0)):.3f} (eq 1.3 fit)",
            f"{float(kaplan_efficient.efficient_loss(1.0)):.3f}",
        ),
        ("C*, eq 6.8 (PF-days)", f"~{ref.C_star_pf_days:.0e}", f"{x['C_star']:.3g}"),
        ("N*, eq 6.8", f"~{ref.N_star:.0e}", f"{x['N_star']:.3g}"),
        ("D*, eq 6.8 (tokens)", f"~{ref.D_star:.0e}", f"{x['D_star']:.3g}"),
        ("L*, eq 6.8 (nats/token)", f"~{ref.L_star}", f"{x['L_star']:.3f}"),
    ]


def measured_pf_days(g) -> np.ndarray:
    """Kaplan's training compute C = 6 N D of measured points (N non-embedding), in PF-days."""
    return units.flop_to_pf_days(6.0 * g["params"].to_numpy(float) * g["tokens"].to_numpy(float))


def measured_best_size(measured) -> pd.DataFrame:
    """At one compute per decade (C = 6 N D, PF-days) inside the measured range, the best run.

    measured: the frame of :func:`load_measured_runs`. Each run's loss is interpolated
    linearly in log10 C between its validation points; only runs whose curve covers C compete
    (each run ends at its own budget, so small runs end at small C). Columns: C, the
    number of runs that reach it, the lowest-loss N and its loss (nats per byte).
    """
    runs = [
        (n, np.log10(measured_pf_days(g)), g["loss_nats"].to_numpy())
        for n, g in measured_by_run(measured)
    ]
    columns = ["compute (PF-days)", "runs reaching it", "best N", "its loss (nats/byte)"]
    if not runs:
        return pd.DataFrame([], columns=columns)
    lo = min(x[0] for _, x, _ in runs)
    hi = max(x[-1] for _, x, _ in runs)
    rows = []
    for k in range(math.ceil(lo), math.floor(hi) + 1):
        c = float(k)
        there = [(float(np.interp(c, x, y)), n) for n, x, y in runs if x[0] <= c <= x[-1]]
        loss, n = min(there)
        rows.append([10.0**k, len(there), n, loss])
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class SampleEfficiency:
    """Tokens each size needs to reach ``target_loss`` at B = 2^19 (eq 5.6 inverted exactly)."""

    target_loss: float  # nats per token
    sizes: np.ndarray  # non-embedding parameters, those that can reach the target
    tokens: np.ndarray  # tokens processed to reach it
    steps: np.ndarray  # steps at 2^19 tokens
    in_fitted_range: np.ndarray  # bool: S >= 3000 and 768 <= N <= 1.5e9
    ratio_small: float
    ratio_large: float
    ratio: float  # tokens(ratio_small) / tokens(ratio_large)

    def table(self) -> list[tuple[str, str, str, str]]:
        """(N, tokens, steps, within eq 5.6's fitted range) rows for the notebook."""
        return [
            (f"{n:.2g}", f"{d:.3g}", f"{s:.3g}", "yes" if ok else "no (extrapolated)")
            for n, d, s, ok in zip(
                self.sizes, self.tokens, self.steps, self.in_fitted_range, strict=True
            )
        ]


def sample_efficiency(
    target_loss=5.0, sizes_min=1e3, sizes_max=1e9, n_sizes=13, ratio_small=1e5, ratio_large=1e9
) -> SampleEfficiency:
    """Tokens to reach ``target_loss`` for each size that can (its converged loss is below it).

    sizes: ``n_sizes`` log-spaced N from sizes_min to sizes_max (Figure 2's 1e3 to 1e9, two per
    decade).

    Raises ValueError if ``ratio_small`` cannot reach the target (its converged loss is higher).
    """
    t3 = KAPLAN.joint_NS
    sizes = np.geomspace(sizes_min, sizes_max, n_sizes)
    reach = kaplan.loss_of_params(sizes, fit=t3) < target_loss
    sizes = sizes[reach]
    tokens = kaplan_training.tokens_to_reach(sizes, target_loss)
    steps = tokens / _B
    pair = kaplan_training.tokens_to_reach(np.array([ratio_small, ratio_large]), target_loss)
    return SampleEfficiency(
        float(target_loss),
        sizes,
        tokens,
        steps,
        kaplan.in_fitted_range(sizes, steps),
        float(ratio_small),
        float(ratio_large),
        float(pair[0] / pair[1]),
    )


def law_tokens(sizes, D):
    """(loss, in eq 5.6's fitted range) on the grid sizes x tokens D at B = 2^19 (Figure 2 left)."""
    L = kaplan_training.learning_curve_tokens(sizes[:, None], D[None, :])
    return L, kaplan.in_fitted_range(sizes[:, None], D[None, :] / _B)


def measured_tokens_to_reach(measured, losses=(3.0, 2.5)) -> pd.DataFrame:
    """Bytes each measured run had processed at its first validation point at or below each loss.

    measured: the frame of :func:`load_measured_runs`; losses: nats per byte. One row
    per run, smallest N first: N, its steps, its final loss and, per loss, the bytes (NaN if never
    reached).
    """
    rows = []
    for n, g in measured_by_run(measured):
        row = {
            "N": n,
            "steps": int(g["step"].iloc[-1]),
            "final loss (nats/byte)": float(g["loss_nats"].iloc[-1]),
        }
        for target in losses:
            hit = g.loc[g["loss_nats"] <= target, "tokens"]
            row[f"bytes to {target:g} nats"] = float(hit.iloc[0]) if len(hit) else np.nan
        rows.append(row)
    columns = ["N", "steps", "final loss (nats/byte)"] + [f"bytes to {t:g} nats" for t in losses]
    return pd.DataFrame(rows, columns=columns)
