"""Kaplan et al. 2020, compute-budget family: Figure 11 left and Figure 2 right.

Both are drawn from the published laws (the paper drew its runs and fitted curves over them):

* Figure 11 left, "Performance vs Compute Budget": the loss of each model size N trained with
  C PF-days at the paper's batch B = 2^19 tokens, from eq 5.6 (Table 3) with S = C/(6NB) and
  eqs 5.3-5.5, an implicit equation in L solved exactly (:func:`scalinglaws.laws.kaplan_training.loss_at_compute`).
  Each budget's loss-minimising size is found numerically and the optima are joined.
* Figure 2 right: learning curves against batch-adjusted compute C_min (eq B.3), one per size, with
  the L(C_min) frontier of eq 1.3 and the curves' envelope (eqs B.6-B.8); the annotation sits where
  eq B.5 puts compute-efficient training, 10% above the converged loss.
* Figure 2 right beside this project's measured learning curves (:func:`figure2_right_measured`):
  the same law for the measured sizes, and the curves of tiny byte-level models trained here at
  Kaplan's C = 6 N D (N non-embedding), with the size that is best at each compute
  (:func:`measured_best_size`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import units
from scalinglaws.constants import KAPLAN
from scalinglaws.estimators import fit_power_law
from scalinglaws.figures import kaplan_common as kc
from scalinglaws.laws import kaplan, kaplan_efficient, kaplan_training
from scalinglaws.params import Integer, Less, ParameterSpec, Real
from scalinglaws.plotting import PUBLISHED_LAW, log_colorbar, provenance, use_style

NOTEBOOK = "01_compute_budget"

PARAMETERS = ParameterSpec(
    notebook=NOTEBOOK,
    params=[
        Real(
            "budget_min_pf", lo=1e-9, hi=1e3, doc="smallest compute budget in Fig 11 left, PF-days"
        ),
        Real(
            "budget_max_pf", lo=1e-9, hi=1e3, doc="largest compute budget in Fig 11 left, PF-days"
        ),
        Integer("n_budgets", lo=2, hi=50, doc="compute budgets (curves) in Fig 11 left"),
        Real("fig11_params_min", lo=1e2, hi=1e12, doc="left end of Fig 11 left's N axis"),
        Real("fig11_params_max", lo=1e2, hi=1e12, doc="right end of Fig 11 left's N axis"),
        Real("sizes_min", lo=1e2, hi=1e12, doc="smallest model (non-embedding params) in Fig 2"),
        Real("sizes_max", lo=1e2, hi=1e12, doc="largest model (non-embedding params) in Fig 2"),
        Integer("n_sizes", lo=2, hi=50, doc="model sizes (curves) in Fig 2 right"),
        Real("compute_min_pf", lo=1e-12, hi=1e3, doc="left end of Fig 2 right's PF-days axis"),
        Real("compute_max_pf", lo=1e-12, hi=1e3, doc="right end of Fig 2 right's PF-days axis"),
        Integer("n_points", lo=20, hi=5000, doc="points per curve"),
    ],
    constraints=[
        Less("budget_min_pf", "budget_max_pf"),
        Less("fig11_params_min", "fig11_params_max"),
        Less("sizes_min", "sizes_max"),
        Less("compute_min_pf", "compute_max_pf"),
    ],
)

_FIG11_EQ = "Kaplan 2020 eqs 5.3-5.6, Table 3, B = 2^19"
_B = float(KAPLAN.setup.batch_tokens)


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


def figure11_left(
    budget_min_pf=1e-5,
    budget_max_pf=1.0,
    n_budgets=11,
    params_min=1e4,
    params_max=1e9,
    n_points=200,
):
    """Kaplan 2020 Figure 11 left: test loss vs non-embedding parameters at fixed compute budgets.

    budgets: ``n_budgets`` log-spaced PF-days from budget_min_pf to budget_max_pf (the paper's colour
    bar spans 1e-5 to 1e0); params: the N axis (paper: 1e4 to 1e9); n_points: points per curve.
    The n_budgets x n_points grid of losses is one vectorised exact solve.
    """
    use_style()
    C = np.geomspace(budget_min_pf, budget_max_pf, n_budgets)
    N = np.geomspace(params_min, params_max, n_points)
    L = kaplan_training.loss_at_compute(N[None, :], C[:, None])
    fitted = kaplan.in_fitted_range(
        N[None, :], kaplan_training.steps_at_compute(N[None, :], C[:, None])
    )
    opt = budget_optima(budget_min_pf, budget_max_pf, n_budgets)

    fig, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", budget_min_pf, budget_max_pf, "PF-days")
    for i, c in enumerate(C):
        kc.plot_law(ax, N, L[i], fitted[i], kc.colour_of(cmap, norm, c))
    inside = (opt.N_opt >= params_min) & (opt.N_opt <= params_max)
    ax.plot(
        opt.N_opt[inside],
        opt.L_opt[inside],
        "o--",
        color="black",
        ms=4,
        lw=1.0,
        zorder=4,
        label=f"optimal N at each budget (minimum of each curve), $N \\propto C^{{{opt.exponent:.2f}}}$",
    )
    ax.plot([], [], color=cmap(0.6), label=provenance(PUBLISHED_LAW, _FIG11_EQ))
    handles, labels = ax.get_legend_handles_labels()
    handles.append(kc.extrapolated_handle())
    ax.legend(handles=handles, loc="upper right", fontsize=7.2, frameon=True, framealpha=0.92)
    ax.set(
        xscale="log",
        xlim=(params_min, params_max),
        ylim=(2.0, 8.0),
        xlabel="Parameters (non-embedding)",
        ylabel="Test Loss (nats per token)",
        title="Performance vs Compute Budget",
    )
    return fig


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


def _law_compute(sizes, C):
    """(loss, in eq 5.6's fitted range) on the grid sizes x C_min PF-days (eq B.3, Figure 2 right).

    Eq B.3's curve trains at B_crit for S_min = C_min/(6 N B_crit(L)) steps (eq 5.5); the fit range
    is in steps at the paper's 2^19 batch, S = S_min (1 + B_crit/B) (eq 5.4).
    """
    L = kaplan_training.loss_at_min_compute(sizes[:, None], C[None, :])
    B_crit = kaplan.critical_batch(L)
    S_min = units.pf_days_to_flop(C)[None, :] / (6.0 * sizes[:, None] * B_crit)
    return L, kaplan.in_fitted_range(sizes[:, None], S_min * (1.0 + B_crit / _B))


def figure2_right(
    sizes_min=1e3,
    sizes_max=1e9,
    n_sizes=13,
    compute_min_pf=1e-9,
    compute_max_pf=1.0,
    n_points=200,
):
    """Kaplan 2020 Figure 2 right: test loss vs compute (PF-days) for models of 1e3 to 1e9 params.

    Each curve is eq B.3 (the learning curve against batch-adjusted compute C_min, as in Figure 1),
    coloured by size; over them eq 1.3's L(C_min) frontier and the curves' envelope (eq B.6). The
    annotation marks, on the largest model that becomes compute-efficient inside the axis, the
    point of eq B.5: loss (1 + alpha_N/alpha_S) times converged. The learning curves measured in
    this project are beside the law in :func:`figure2_right_measured`.
    """
    use_style()
    sizes = np.geomspace(sizes_min, sizes_max, n_sizes)
    C = np.geomspace(compute_min_pf, compute_max_pf, n_points)
    L, fitted = _law_compute(sizes, C)

    fig, ax = plt.subplots(figsize=(5.8, 4.2), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, kc.N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        kc.plot_law(ax, C, L[i], fitted[i], kc.colour_of(cmap, norm, n), lw=1.3)
    ax.plot(
        C,
        kaplan.loss_of_compute_min(C),
        color="black",
        lw=1.4,
        ls="--",
        zorder=3,
        label=provenance(PUBLISHED_LAW, "Kaplan 2020 eq 1.3, L(C_min) fit"),
    )
    ax.plot(
        C,
        kaplan_efficient.efficient_loss(C),
        color="0.45",
        lw=2.8,
        alpha=0.45,
        zorder=1,
        label="envelope of the curves (eqs B.6-B.8 from Table 3)",
    )
    ax.plot([], [], color=cmap(0.6), label=provenance(PUBLISHED_LAW, "Kaplan 2020 eq B.3, Table 3"))

    # eq B.5 annotation on the largest size that is compute-efficient inside the axis
    eff_C = kaplan_efficient.efficient_compute_for_params(sizes)
    candidates = sizes[eff_C <= compute_max_pf / 3]
    if candidates.size:
        m = convergence_mark(float(candidates[-1]), compute_max_pf)
        colour = kc.colour_of(cmap, norm, m.N)
        ax.hlines(m.L_converged, m.C_min_pf, compute_max_pf, colors=colour, lw=1.0, ls="--")
        ax.plot([m.C_min_pf], [m.L_eff], "o", color="black", ms=5, zorder=6)
        ax.annotate(
            "Compute-efficient training\nstops far short of convergence",
            (m.C_min_pf, m.L_eff),
            xytext=(0.36, 0.17),
            textcoords="axes fraction",
            fontsize=8.5,
            ha="center",
            arrowprops={"arrowstyle": "->", "color": "0.2", "lw": 0.9},
        )
        ax.text(
            0.36,
            0.03,
            f"eq B.5: the N = {m.N:.0e} model is compute-efficient at {m.C_min_pf:.2g} PF-days,\n"
            f"L = {m.L_eff:.2f} = (1 + α_N/α_S) × its converged loss {m.L_converged:.2f} (dashed)",
            transform=ax.transAxes,
            fontsize=6.8,
            ha="center",
            va="bottom",
            color="0.2",
        )
    handles, labels = ax.get_legend_handles_labels()
    handles.append(kc.extrapolated_handle())
    ax.legend(handles=handles, loc="upper right", fontsize=6.8, frameon=True, framealpha=0.92)
    ax.set(
        xscale="log",
        xlim=(compute_min_pf, compute_max_pf),
        xlabel="Compute (PF-days), batch-adjusted C_min",
        title="The optimal model size grows smoothly\nwith the loss target and compute budget",
    )
    kc.loss_axis(ax, 2.2, 12.0)
    return fig


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
            f"~{eff.alpha_C_min_eq_B_7} (B.7), ~{eff.alpha_C_min_eq_6_4} (6.4); "
            f"fit {KAPLAN.basic.alpha_C_min} (eq 1.3)",
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


def figure2_right_measured(
    measured,
    sizes_min=1e3,
    sizes_max=1e9,
    compute_min_pf=1e-9,
    compute_max_pf=1.0,
    n_points=200,
    axis_min_pf=1e-13,
    loss_min=1.5,
    loss_max=12.0,
):
    """Figure 2 right with this project's learning curves: loss vs compute (PF-days), one axes.

    measured: the frame of :func:`kaplan_common.load_measured_runs` (loss in nats per byte). For
    each measured size N the published law (eq B.3, as in :func:`figure2_right`, against
    batch-adjusted C_min) is drawn over the paper's range compute_min_pf..compute_max_pf, and the
    measured curve at C = 6 N D over its own range; the x axis runs from axis_min_pf to
    compute_max_pf, the log y axis from loss_min to loss_max. Colours by N on the paper figure's
    scale, sizes_min..sizes_max. An empty frame draws the law for one size per decade.
    """
    C = np.geomspace(compute_min_pf, compute_max_pf, n_points)
    return kc.overlay_figure(
        measured,
        lambda sizes: _law_compute(sizes, C),
        C,
        measured_pf_days,
        law_source="Kaplan 2020 eq B.3, Table 3",
        xlabel="Compute (PF-days; law: batch-adjusted C_min; measured: C = 6ND)",
        title="The optimal model size grows smoothly with the loss target and compute budget:\n"
        "measured here (left) beside the published law (right)",
        xlim=(axis_min_pf, compute_max_pf),
        ylim=(loss_min, loss_max),
        sizes_min=sizes_min,
        sizes_max=sizes_max,
        end_labels=((-2, -8, "right"), (4, -3, "left")),  # larger curves cross the smallest's end
    )


def measured_best_size(measured) -> pd.DataFrame:
    """At one compute per decade (C = 6 N D, PF-days) inside the measured range, the best run.

    measured: the frame of :func:`kaplan_common.load_measured_runs`. Each run's loss is interpolated
    linearly in log10 C between its validation points; only runs whose curve reaches C compete
    (every run trains on the same number of bytes, so small runs end at small C). Columns: C, the
    number of runs that reach it, the lowest-loss N and its loss (nats per byte).
    """
    runs = [
        (n, np.log10(measured_pf_days(g)), g["loss_nats"].to_numpy())
        for n, g in kc.measured_by_run(measured)
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
