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

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.kaplan import (
    budget_optima,
    convergence_mark,
    law_compute,
    measured_pf_days,
)
from scalinglaws.figures import kaplan_common as kc
from scalinglaws.kinds import PUBLISHED_LAW, provenance
from scalinglaws.laws import kaplan, kaplan_efficient, kaplan_training
from scalinglaws.params import Integer, Less, ParameterSpec, Real
from scalinglaws.plotting import log_colorbar, use_style

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
    L, fitted = law_compute(sizes, C)

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

    measured: the frame of :func:`scalinglaws.analysis.kaplan.load_measured_runs` (loss in nats per byte). For
    each measured size N the published law (eq B.3, as in :func:`figure2_right`, against
    batch-adjusted C_min) is drawn over the paper's range compute_min_pf..compute_max_pf, and the
    measured curve at C = 6 N D over its own range; the x axis runs from axis_min_pf to
    compute_max_pf, the log y axis from loss_min to loss_max. Colours by N on the paper figure's
    scale, sizes_min..sizes_max. An empty frame draws the law for one size per decade.
    """
    C = np.geomspace(compute_min_pf, compute_max_pf, n_points)
    return kc.overlay_figure(
        measured,
        lambda sizes: law_compute(sizes, C),
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
