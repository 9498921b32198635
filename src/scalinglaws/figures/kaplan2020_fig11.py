"""Kaplan et al. 2020, Figure 11: test loss against non-embedding parameters at a fixed compute
budget (left, "Performance vs Compute Budget") and at a fixed number of steps (right, "Performance
vs Steps"), from the published laws (the paper drew its runs and fitted curves over them).

Both panels are eq 5.6 (Table 3) at the paper's batch B = 2^19 tokens with eqs 5.3-5.4 (and, at
fixed compute, S = C/(6NB) and eq 5.5), an implicit equation in L solved exactly
(:func:`scalinglaws.laws.kaplan_training.loss_at_compute`, :func:`~scalinglaws.laws.kaplan_training.loss_at_steps`);
the left panel marks each budget's loss-minimising size
(:func:`scalinglaws.analysis.kaplan.budget_optima`). Drawn by notebooks 01 (left) and 02 (right).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.kaplan import budget_optima
from scalinglaws.constants import KAPLAN
from scalinglaws.core.kinds import PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._kaplan2020 import colour_of, extrapolated_handle, plot_law
from scalinglaws.figures.style import log_colorbar, set_axes, use_style
from scalinglaws.laws import kaplan, kaplan_training

FIGURES = (
    FigureInfo(
        "kaplan2020_fig11_left",
        "01_compute_budget",
        "Kaplan 2020 Fig 11 (left)",
        "eq 5.6 with Table 3, eqs 5.3-5.5 at B = 2^19 (implicit in L, solved exactly); "
        "each budget's optimum found numerically and joined",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig11_right",
        "02_steps",
        "Kaplan 2020 Fig 11 (right)",
        "eq 5.6 with Table 3, eqs 5.3-5.4 at B = 2^19 (implicit in L, solved exactly)",
        "published law",
    ),
)

_LEFT_EQ = "Kaplan 2020 eqs 5.3-5.6, Table 3, B = 2^19"
_RIGHT_EQ = "Kaplan 2020 eqs 5.3, 5.4, 5.6, Table 3, B = 2^19"


def _curves(ax, fig, N, L, fitted, values, label):
    """One eq 5.6 curve per row of L, coloured by ``values`` on a log colour bar named ``label``."""
    _, norm, cmap = log_colorbar(fig, ax, "viridis", values[0], values[-1], label)
    for i, v in enumerate(values):
        plot_law(ax, N, L[i], fitted[i], colour_of(cmap, norm, v))
    return cmap


def _finish(ax, handles, xlim, ylim, title):
    ax.legend(handles=handles, loc="upper right", fontsize=7.2, frameon=True, framealpha=0.92)
    set_axes(
        ax, "Parameters (non-embedding)", "Test Loss (nats per token)", title, xlim=xlim, ylim=ylim
    )


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
    cmap = _curves(ax, fig, N, L, fitted, C, "PF-days")
    inside = (opt.N_opt >= params_min) & (opt.N_opt <= params_max)
    ax.plot(
        opt.N_opt[inside],
        opt.L_opt[inside],
        "o--",
        color="black",
        ms=4,
        lw=1.0,
        zorder=4,
        label="optimal N at each budget (minimum of each curve), "
        f"$N \\propto C^{{{opt.exponent:.2f}}}$",
    )
    ax.plot([], [], color=cmap(0.6), label=provenance(PUBLISHED_LAW, _LEFT_EQ))
    handles, _ = ax.get_legend_handles_labels()
    handles.append(extrapolated_handle())
    _finish(ax, handles, (params_min, params_max), (2.0, 8.0), "Performance vs Compute Budget")
    return fig


def figure11_right(
    steps_min=1e4, steps_max=1e5, n_steps=6, params_min=1e6, params_max=1e9, n_points=200
):
    """Kaplan 2020 Figure 11 right: test loss vs non-embedding parameters at fixed step counts.

    steps: ``n_steps`` log-spaced step counts at B = 2^19 (the paper's colour bar spans 1e4 to 1e5);
    params: the N axis (paper: 1e6 to 1e9); n_points: points per curve. One vectorised exact solve.
    """
    use_style()
    S = np.geomspace(steps_min, steps_max, n_steps)
    N = np.geomspace(params_min, params_max, n_points)
    L = kaplan_training.loss_at_steps(N[None, :], S[:, None])
    fitted = kaplan.in_fitted_range(N[None, :], S[:, None])

    fig, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
    cmap = _curves(ax, fig, N, L, fitted, S, "Steps")
    ax.plot([], [], color=cmap(0.5), label=provenance(PUBLISHED_LAW, _RIGHT_EQ))
    ax.plot(
        N,
        kaplan.loss_of_params(N, fit=KAPLAN.joint_NS),
        "k--",
        lw=1.0,
        label=r"converged, $S \to \infty$: $(N_c/N)^{\alpha_N}$ (Table 3)",
    )
    handles, _ = ax.get_legend_handles_labels()
    if not fitted.all():
        handles.append(extrapolated_handle())
    _finish(ax, handles, (params_min, params_max), (2.4, 5.4), "Performance vs Steps")
    return fig
