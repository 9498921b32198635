"""Hoffmann et al. 2022 (Chinchilla) Figure A3: N_opt and D_opt against FLOPs for every
allocation law (Kaplan's Table 6, Approaches 1-3 as published, Epoch's refit) and the refits here
(:func:`scalinglaws.analysis.isoflop.analyse`, with the bootstrap band), Gopher's budget marked.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis import allocation
from scalinglaws.analysis.isoflop import GOPHER, Analysis, refit_band
from scalinglaws.core.kinds import (
    REFIT_HERE,
    provenance,
)
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import GOPHER_COLOUR, LAW_STYLES, LAW_ZORDER, flops_axis
from scalinglaws.figures.style import set_axes, use_style
from scalinglaws.laws import chinchilla as ch

FIGURES = (
    FigureInfo(
        "hoffmann2022_figA3",
        "03_isoflop",
        "Hoffmann 2022 Fig A3",
        "eq 4 (App. D.2 rounded and TeX; Besiroglu 2024 refit; refit here with bootstrap "
        "band); Approaches 1-2: power laws fitted here to Tables 3/A3; Kaplan 2020 Table 6 "
        "(non-embedding N) at C_min = C/2 (Hoffmann 2022 App. D.4)",
        "published law, refit here",
    ),
)


def figure_a3(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e25):
    """Hoffmann 2022 Fig A3 style: N_opt and D_opt against FLOPs for Kaplan (Table 6 at
    C_min = C/2, as Hoffmann's App. D.4), Approaches 1-2 (power laws fitted here to Tables 3/A3),
    Approach 3 as published, Epoch's refit and the refits here, with the Gopher budget marked."""
    use_style()
    flops_min, flops_max = flops_axis(an.points["flops"], flops_min, flops_max)
    C = np.geomspace(flops_min, flops_max, 200)
    laws = allocation.allocations()
    styles = LAW_STYLES
    widths = {"epoch-refit": 4.0}
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.6), layout="constrained")
    band = refit_band(an, C)
    for k, (ax, fn, ylabel) in enumerate(
        ((axes[0], "N_opt", "Parameters"), (axes[1], "D_opt", "Tokens"))
    ):
        for name, law in laws.items():
            colour, ls = styles[name]
            extra = "; non-embedding N" if law.params_kind == "non-embedding" else ""
            ax.plot(
                C,
                getattr(law, fn)(C),
                color=colour,
                ls=ls,
                lw=widths.get(name, 1.3),
                zorder=LAW_ZORDER[name],
                label=provenance(law.kind, law.label + extra),
            )
        fit = an.likelihood.fit
        ours = ch.optimal_N(C, fit) if fn == "N_opt" else ch.optimal_D(C, fit)
        ax.plot(
            C,
            ours,
            color="k",
            lw=1.1,
            label=provenance(REFIT_HERE, "Approach 3, eq 4 (Huber likelihood)"),
        )
        if band is not None:
            lo, hi = band[k]
            ax.fill_between(
                C,
                lo,
                hi,
                color="k",
                alpha=0.12,
                lw=0,
                label="refit here: 10th-90th pct (bootstrap)",
            )
        a2 = an.approach2.N_opt if fn == "N_opt" else an.approach2.D_opt
        ax.plot(
            C,
            a2(C),
            color="k",
            ls=(0, (1, 1.5)),
            lw=1.4,
            label=provenance(REFIT_HERE, f"Approach 2, exponent {a2.exponent:.3f}"),
        )
        ax.axvline(GOPHER, color=GOPHER_COLOUR, lw=1.0, ls=":")
        ax.annotate(
            "Gopher budget\n5.76e23 FLOPs",
            (GOPHER, 0.03),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=7,
            color=GOPHER_COLOUR,
        )
        set_axes(
            ax,
            "FLOPs",
            ylabel,
            f"Optimal {ylabel.lower()} for a FLOP budget",
            log="xy",
            xlim=(flops_min, flops_max),
        )
    axes[0].legend(loc="upper left", fontsize=6.8)
    return fig
