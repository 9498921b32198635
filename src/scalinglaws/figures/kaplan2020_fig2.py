"""Kaplan et al. 2020, Figure 2: learning curves of models from 1e3 to 1e9 parameters against
tokens processed (left, "Larger models require fewer samples to reach the same performance") and
against compute in PF-days (right, "The optimal model size grows smoothly with the loss target and
compute budget"), from the published laws, and each beside this project's measured curves.

* Left: eq 5.6 (Table 3) with eqs 5.3-5.4 at B = 2^19 and S = tokens / 2^19, one curve per size,
  with the tokens each size needs to reach a target loss solved exactly (eq 5.6 inverted;
  :func:`scalinglaws.analysis.kaplan.sample_efficiency`) and the ratio between two sizes.
* Right: eq B.3 per size against batch-adjusted compute C_min, with the L(C_min) frontier of
  eq 1.3 and the curves' envelope (eqs B.6-B.8); the annotation sits where eq B.5 puts
  compute-efficient training, 10% above the converged loss
  (:func:`scalinglaws.analysis.kaplan.convergence_mark`).
* Measured: the same law for the measured sizes, and the curves of tiny byte-level models trained
  here (:func:`scalinglaws.analysis.kaplan.load_measured_runs`), against bytes and against Kaplan's
  C = 6 N D (N non-embedding).

Drawn by notebooks 01 (right) and 02 (left).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.kaplan import (
    convergence_mark,
    law_compute,
    law_tokens,
    sample_efficiency,
)
from scalinglaws.constants import KAPLAN
from scalinglaws.core.kinds import PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._kaplan2020 import (
    FIG2_EQ,
    N_SIZES_LABEL,
    colour_of,
    extrapolated_handle,
    loss_axis,
    plot_law,
)
from scalinglaws.figures.style import log_colorbar, use_style
from scalinglaws.laws import kaplan, kaplan_efficient

FIGURES = (
    FigureInfo(
        "kaplan2020_fig2_right",
        "01_compute_budget",
        "Kaplan 2020 Fig 2 (right)",
        "eq B.3 per size (eq 5.6 at the critical batch, Table 3); L(C_min) eq 1.3; "
        "envelope eqs B.6-B.8; annotation at eq B.5",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_left",
        "02_steps",
        "Kaplan 2020 Fig 2 (left)",
        "eq 5.6 with Table 3, eqs 5.3-5.4, S = tokens / 2^19; tokens to a target loss by "
        "the exact inverse",
        "published law",
    ),
)


def _power(x: float) -> str:
    """10^k in mathtext when x is a power of ten, else x in %.2g."""
    k = np.log10(x)
    return f"$10^{{{k:.0f}}}$" if abs(k - round(k)) < 1e-9 else f"{x:.2g}"


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
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        plot_law(ax, C, L[i], fitted[i], colour_of(cmap, norm, n), lw=1.3)
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
        colour = colour_of(cmap, norm, m.N)
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
            f"eq B.5: the N = {m.N:.0e} model is compute-efficient at {m.C_min_pf:.2g} "
            f"PF-days,\nL = {m.L_eff:.2f} = (1 + α_N/α_S) × its converged loss "
            f"{m.L_converged:.2f} (dashed)",
            transform=ax.transAxes,
            fontsize=6.8,
            ha="center",
            va="bottom",
            color="0.2",
        )
    _finish(
        ax,
        (compute_min_pf, compute_max_pf),
        "Compute (PF-days), batch-adjusted C_min",
        "The optimal model size grows smoothly\nwith the loss target and compute budget",
    )
    return fig


def figure2_left(
    sizes_min=1e3,
    sizes_max=1e9,
    n_sizes=13,
    tokens_min=1e7,
    tokens_max=1e11,
    target_loss=5.0,
    ratio_small=1e5,
    ratio_large=1e9,
    n_points=200,
):
    """Kaplan 2020 Figure 2 left: test loss vs tokens processed, models of 1e3 to 1e9 parameters.

    Curves: eq 5.6 with eqs 5.3/5.4 at B = 2^19 and S = tokens / B, coloured by size; dotted before
    the 3000-step warm-up the fit excludes. A horizontal line at ``target_loss`` (nats) with the
    tokens each size needs to reach it (exact inverse), and the ratio ratio_small : ratio_large.
    The learning curves measured in this project are beside the law in
    :func:`figure2_left_measured`.
    """
    use_style()
    sizes = np.geomspace(sizes_min, sizes_max, n_sizes)
    D = np.geomspace(tokens_min, tokens_max, n_points)
    L, fitted = law_tokens(sizes, D)
    eff = sample_efficiency(target_loss, sizes_min, sizes_max, n_sizes, ratio_small, ratio_large)

    fig, ax = plt.subplots(figsize=(5.8, 4.2), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        plot_law(ax, D, L[i], fitted[i], colour_of(cmap, norm, n), lw=1.3)
    ax.plot([], [], color=cmap(0.6), label=provenance(PUBLISHED_LAW, FIG2_EQ))
    ln_vocab = float(np.log(KAPLAN.setup.n_vocab))
    ax.axhline(
        ln_vocab,
        color="0.5",
        lw=0.8,
        ls="-.",
        label=f"ln(n_vocab) = {ln_vocab:.1f}: uniform guess, where real curves start",
    )
    ax.axhline(target_loss, color="0.25", lw=0.8, ls="--")
    shown = (eff.tokens >= tokens_min) & (eff.tokens <= tokens_max)
    ax.scatter(
        eff.tokens[shown],
        np.full(shown.sum(), target_loss),
        s=22,
        zorder=5,
        c=[colour_of(cmap, norm, n) for n in eff.sizes[shown]],
        edgecolors="black",
        linewidths=0.6,
        label=f"tokens each size needs to reach L = {target_loss:g}",
    )
    ax.text(
        0.02,
        0.03,
        f"to reach L = {target_loss:g}: a {_power(eff.ratio_small)}-parameter model needs "
        f"{eff.ratio:.0f}x the tokens\nof a {_power(eff.ratio_large)}-parameter model "
        "(eqs 5.3, 5.4, 5.6 inverted)",
        transform=ax.transAxes,
        fontsize=7.5,
        va="bottom",
        ha="left",
    )
    # the paper's end labels, at the right end of the smallest and largest curves
    for n, y, dy in ((sizes[0], L[0, -1], 4), (sizes[-1], L[-1, -1], -11)):
        ax.annotate(
            f"{_power(n)} Params",
            (tokens_max, y),
            xytext=(-3, dy),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
    _finish(
        ax,
        (tokens_min, tokens_max),
        "Tokens Processed",
        "Larger models require fewer samples\nto reach the same performance",
    )
    return fig


def _finish(ax, xlim, xlabel, title):
    """The legend (with the dotted style's entry), the x axis and the paper's loss axis."""
    handles, _ = ax.get_legend_handles_labels()
    handles.append(extrapolated_handle())
    ax.legend(handles=handles, loc="upper right", fontsize=6.8, frameon=True, framealpha=0.92)
    ax.set(xscale="log", xlim=xlim, xlabel=xlabel, title=title)
    loss_axis(ax, 2.2, 12.0)
