"""Kaplan et al. 2020 Figure 2 (loss against tokens and against compute, per size) drawn from Li et
al. 2025's (Mis)Fitting learning curves, the longest run of each size
(:func:`scalinglaws.analysis.cross_study.misfitting_longest_runs`). Drawn by notebook 08.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from scalinglaws.core.kinds import (
    PUBLISHED_DATA,
    provenance,
)
from scalinglaws.core.units import flop_to_pf_days
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.hoffmann2022_fig2_misfitting import DATA, size_colours
from scalinglaws.figures.style import curves_by_size, use_style

FIGURES = (
    FigureInfo(
        "kaplan2020_fig2_misfitting",
        "08_cross_study",
        "Kaplan 2020 Fig 2 from Li et al. 2025's curves",
        "the longest cosine horizon of each size (best learning rate): loss against tokens and "
        "against C = 6 N D (N non-embedding) in PF-days",
        "published data",
    ),
)


def figure_kaplan2(longest: pd.DataFrame):
    """Kaplan 2020 Fig 2's layout on the longest run of each size: loss against tokens (left)
    and against compute C = 6 N D with N non-embedding, in PF-days (right)."""
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    _, norm, cmap = size_colours(longest["params_non_embedding"].unique())
    tidy = longest.assign(pf_days=flop_to_pf_days(longest["flops_kaplan"].to_numpy()))
    for ax, x in ((axes[0], "tokens"), (axes[1], "pf_days")):  # one line per run, coloured by N
        curves_by_size(ax, tidy, x, "params_non_embedding", norm, cmap, lw=1.2)
    for ax in axes:
        ax.set(xscale="log", ylabel="C4 validation loss (nats)", ylim=(2.6, 5.5))
    # one entry for both panels, below them (inside, it would lie across the curves)
    (entry,) = axes[0].plot([], [], color="0.4")
    label = provenance(PUBLISHED_DATA, f"{DATA}: the longest run of each size, best learning rate")
    fig.legend([entry], [label], loc="outside lower center", fontsize=7)
    axes[0].set(xlabel="Tokens processed", title="Loss against tokens, per size")
    axes[1].set(
        xlabel="Compute (PF-days), C = 6 N D with N non-embedding",
        title="Loss against compute, per size",
    )
    cbar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes[1], pad=0.01)
    cbar.set_label("Parameters (non-embedding)")
    return fig
