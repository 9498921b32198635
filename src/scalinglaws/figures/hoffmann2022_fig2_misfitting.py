"""Hoffmann et al. 2022 Figure 2 (the training-curve envelope, Approach 1) drawn from Li et al.
2025's (Mis)Fitting learning curves; drawing only (the numbers come from
:func:`scalinglaws.analysis.fit_runs.envelope` and :mod:`scalinglaws.analysis.cross_study`). Drawn by notebook 08.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

from scalinglaws.analysis import fit_runs
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import PUBLISHED_DATA, PUBLISHED_LAW, REFIT_HERE, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.style import BLUE, RED, curves_by_size, set_axes, use_style

FIGURES = (
    FigureInfo(
        "hoffmann2022_fig2_misfitting",
        "08_cross_study",
        "Hoffmann 2022 Fig 2 from Li et al. 2025's curves",
        "Approach 1 envelope (1500 log-spaced FLOPs) over the (Mis)Fitting learning curves, "
        "N_opt = k C^a with N with and without embeddings, D_opt = k' C^b; Table 2's "
        "Approach 1 slopes; footnote 4's share of points in the last 15% of their run",
        "published data, refit here, published law",
    ),
)

DATA = "Li et al. 2025, C4"
_CMAP = "viridis"


def size_colours(sizes):
    norm = LogNorm(min(sizes) / 1.3, max(sizes) * 1.3)
    cmap = plt.get_cmap(_CMAP)
    return (lambda n: cmap(norm(n))), norm, cmap


def figure_envelope(runs: pd.DataFrame, total: fit_runs.Envelope, non_emb: fit_runs.Envelope):
    """Hoffmann 2022 Fig 2's layout: every curve (loss against FLOPs, coloured by N) with the
    envelope of minimal loss (left); N_opt (centre) and D_opt (right) of the envelope's points
    against FLOPs with the power laws, N counted with and without embeddings."""
    use_style()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), layout="constrained")
    colour, norm, cmap = size_colours(runs["params"].unique())
    ax = axes[0]  # one line per run, coloured by N
    curves_by_size(ax, runs.sort_values("step"), "flops", "params", norm, cmap, lw=0.6, alpha=0.6)
    r = total.result
    ax.plot(
        r.flops,
        r.loss,
        color="k",
        lw=1.8,
        label=provenance(REFIT_HERE, "envelope of minimal loss (1500 FLOP values)"),
    )
    ax.plot([], [], color="0.5", lw=0.8, label=provenance(PUBLISHED_DATA, DATA))
    lo, hi = total.flops_range
    ax.axvspan(lo, hi, color="0.85", zorder=0, label="FLOPs of the fit")
    set_axes(
        ax,
        "FLOPs (the authors' count)",
        "C4 validation loss (nats)",
        "Training curves and their envelope",
        ylim=(2.6, 5.0),
    )
    ax.legend(loc="lower left", fontsize=7)
    cbar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    cbar.set_label("Parameters (with embeddings)")
    C = np.geomspace(lo, hi, 100)
    last = 100 * total.last_fraction
    t2 = HOFFMANN.table2.approach1
    for ax, what, laws, ylabel, pub in (
        (
            axes[1],
            "N",
            ((total, "with embeddings", "k"), (non_emb, "non-embedding", RED)),
            "Parameters",
            t2.a,
        ),
        (axes[2], "D", ((total, "", "k"),), "Tokens", t2.b),
    ):
        for env, label, c in laws:
            res = env.result
            law = res.N_opt if what == "N" else res.D_opt
            y = res.N if what == "N" else res.D
            ax.scatter(res.flops[::15], y[::15], s=8, color=c, alpha=0.5)
            sym = "a" if what == "N" else "b"
            name = f"N {label}: " if label else ""
            ax.plot(
                C,
                law(C),
                color=c,
                lw=1.4,
                label=provenance(REFIT_HERE, f"{name}{sym} = {law.exponent:.3f}"),
            )
        mid = float(np.sqrt(lo * hi))
        base = laws[0][0].result
        ref = (base.N_opt if what == "N" else base.D_opt)(mid)
        ax.plot(
            C,
            ref * (C / mid) ** pub,
            color=BLUE,
            ls="--",
            lw=1.2,
            label=provenance(
                PUBLISHED_LAW,
                f"Hoffmann 2022 Table 2, Approach 1: "
                f"{'a' if what == 'N' else 'b'} = {pub:.2f} (slope)",
            ),
        )
        set_axes(ax, "FLOPs", ylabel, f"{ylabel} at the envelope's points", log="xy")
        ax.legend(loc="upper left", fontsize=7)
    axes[2].annotate(
        f"{last:.0f}% of the envelope's points lie in the last 15% of their run\n"
        "(Hoffmann 2022 footnote 4: all of theirs)",
        (0.98, 0.03),
        xycoords="axes fraction",
        ha="right",
        fontsize=7,
        color="0.3",
    )
    return fig
