"""Li et al. 2025's (Mis)Fitting learning curves drawn as Hoffmann 2022 Fig 2 (the training-curve
envelope, Approach 1) and Kaplan 2020 Fig 2 (loss against tokens and compute per size); drawing
only (the numbers come from :mod:`scalinglaws.runs_fit` and :mod:`scalinglaws.studies`).
Drawn by notebook 07 (``figures.cross_study`` carries its parameters)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

from scalinglaws import runs_fit
from scalinglaws.constants import HOFFMANN
from scalinglaws.kinds import PUBLISHED_DATA, PUBLISHED_LAW, REFIT_HERE, provenance
from scalinglaws.plotting import use_style
from scalinglaws.units import flop_to_pf_days

_DATA = "Li et al. 2025, C4"
_CMAP = "viridis"


def _size_colours(sizes):
    norm = LogNorm(min(sizes) / 1.3, max(sizes) * 1.3)
    cmap = plt.get_cmap(_CMAP)
    return (lambda n: cmap(norm(n))), norm, cmap


def figure_envelope(runs: pd.DataFrame, total: runs_fit.Envelope, non_emb: runs_fit.Envelope):
    """Hoffmann 2022 Fig 2's layout: every curve (loss against FLOPs, coloured by N) with the
    envelope of minimal loss (left); N_opt (centre) and D_opt (right) of the envelope's points
    against FLOPs with the power laws, N counted with and without embeddings."""
    use_style()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), layout="constrained")
    colour, norm, cmap = _size_colours(runs["params"].unique())
    ax = axes[0]
    for _, g in runs.sort_values("step").groupby("run"):
        ax.plot(g["flops"], g["loss"], color=colour(g["params"].iloc[0]), lw=0.6, alpha=0.6)
    r = total.result
    ax.plot(r.flops, r.loss, color="k", lw=1.8,
            label=provenance(REFIT_HERE, "envelope of minimal loss (1500 FLOP values)"))  # fmt: skip
    ax.plot([], [], color="0.5", lw=0.8, label=provenance(PUBLISHED_DATA, _DATA))
    lo, hi = total.flops_range
    ax.axvspan(lo, hi, color="0.85", zorder=0, label="FLOPs of the fit")
    ax.set(xscale="log", xlabel="FLOPs (the authors' count)", ylabel="C4 validation loss (nats)",
           ylim=(2.6, 5.0), title="Training curves and their envelope")  # fmt: skip
    ax.legend(loc="lower left", fontsize=7)
    cbar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    cbar.set_label("Parameters (with embeddings)")
    C = np.geomspace(lo, hi, 100)
    last = 100 * total.last_fraction
    t2 = HOFFMANN.table2.approach1
    for ax, what, laws, ylabel, pub in (
        (axes[1], "N", ((total, "with embeddings", "k"), (non_emb, "non-embedding", "#d62728")),
         "Parameters", t2.a),
        (axes[2], "D", ((total, "", "k"),), "Tokens", t2.b),
    ):  # fmt: skip
        for env, label, c in laws:
            res = env.result
            law = res.N_opt if what == "N" else res.D_opt
            y = res.N if what == "N" else res.D
            ax.scatter(res.flops[::15], y[::15], s=8, color=c, alpha=0.5)
            sym = "a" if what == "N" else "b"
            name = f"N {label}: " if label else ""
            ax.plot(C, law(C), color=c, lw=1.4,
                    label=provenance(REFIT_HERE, f"{name}{sym} = {law.exponent:.3f}"))  # fmt: skip
        mid = float(np.sqrt(lo * hi))
        base = laws[0][0].result
        ref = (base.N_opt if what == "N" else base.D_opt)(mid)
        ax.plot(C, ref * (C / mid) ** pub, color="#1f77b4", ls="--", lw=1.2,
                label=provenance(PUBLISHED_LAW, f"Hoffmann 2022 Table 2, Approach 1: "
                                 f"{'a' if what == 'N' else 'b'} = {pub:.2f} (slope)"))  # fmt: skip
        ax.set(xscale="log", yscale="log", xlabel="FLOPs", ylabel=ylabel,
               title=f"{ylabel} at the envelope's points")  # fmt: skip
        ax.legend(loc="upper left", fontsize=7)
    axes[2].annotate(f"{last:.0f}% of the envelope's points lie in the last 15% of their run\n"
                     "(Hoffmann 2022 footnote 4: all of theirs)", (0.98, 0.03),
                     xycoords="axes fraction", ha="right", fontsize=7, color="0.3")  # fmt: skip
    return fig


def figure_kaplan2(longest: pd.DataFrame):
    """Kaplan 2020 Fig 2's layout on the longest run of each size: loss against tokens (left)
    and against compute C = 6 N D with N non-embedding, in PF-days (right)."""
    use_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    colour, norm, cmap = _size_colours(longest["params_non_embedding"].unique())
    for _, g in longest.groupby("run"):
        c = colour(g["params_non_embedding"].iloc[0])
        axes[0].plot(g["tokens"], g["loss"], color=c, lw=1.2)
        axes[1].plot(flop_to_pf_days(g["flops_kaplan"].to_numpy()), g["loss"], color=c, lw=1.2)
    for ax in axes:
        ax.plot([], [], color="0.4", label=provenance(PUBLISHED_DATA, f"{_DATA}: the longest "
                                                      "run of each size, best learning rate"))  # fmt: skip
        ax.set(xscale="log", ylabel="C4 validation loss (nats)", ylim=(2.6, 5.5))
        ax.legend(loc="lower left", fontsize=7)
    axes[0].set(xlabel="Tokens processed", title="Loss against tokens, per size")
    axes[1].set(xlabel="Compute (PF-days), C = 6 N D with N non-embedding",
                title="Loss against compute, per size")  # fmt: skip
    cbar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes[1], pad=0.01)
    cbar.set_label("Parameters (non-embedding)")
    return fig
