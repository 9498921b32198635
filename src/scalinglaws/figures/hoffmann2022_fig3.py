"""Hoffmann et al. 2022 (Chinchilla) Figure 3: IsoFLOP profiles (Approach 2), drawn from
:func:`scalinglaws.analysis.isoflop.analyse` on Besiroglu et al. 2024's extraction of the paper's
points (or any runs): the parabola per budget and its vertex (left), N_opt and D_opt at the
vertices against FLOPs with the power laws fitted here and through Table A3's rows, and the
Gopher-budget projection (centre, right).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis import allocation
from scalinglaws.analysis.isoflop import GOPHER, Analysis, point_budgets
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import (
    REFIT_HERE,
    provenance,
)
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import (
    BUDGET_CMAP,
    budget_colours,
    flops_axis,
    gopher_star,
    minima_axes,
)
from scalinglaws.figures.style import BLUE, log_colorbar, set_axes, use_style

FIGURES = (
    FigureInfo(
        "hoffmann2022_fig3",
        "03_isoflop",
        "Hoffmann 2022 Fig 3",
        "Approach 2: parabola in log10 N per budget (9 budgets 6e18-3e21), vertices, "
        "N_opt = k C^a, D_opt = k' C^b with bootstrap 10th-90th pct; power laws fitted here to "
        "Table A3's rows (Table 2 a = 0.49, b = 0.51)",
        "published data (Besiroglu 2024 extraction of Fig 4), refit here",
    ),
)


def figure3(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e25):
    """Hoffmann 2022 Fig 3 from the published points: IsoFLOP profiles (left), N_opt and D_opt
    against FLOPs with the fitted power laws (centre, right) and the Gopher-budget projection."""
    use_style()
    flops_min, flops_max = flops_axis(an.points["flops"], flops_min, flops_max)
    a2 = an.approach2
    budgets = [p.budget for p in a2.profiles]
    colours, norm = budget_colours(an.budgets)
    labels, nominal = point_budgets(an)
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.3), layout="constrained")
    ax = axes[0]
    N = an.points["params"].to_numpy()
    L = an.points["loss_nats"].to_numpy()
    for g, b in enumerate(nominal):
        sel = labels == g
        ax.scatter(N[sel], L[sel], s=12, color=colours[b], zorder=3)
    for p in a2.profiles:
        sel = labels == list(nominal).index(p.budget)
        x = np.linspace(np.log10(N[sel].min()) - 0.1, np.log10(N[sel].max()) + 0.1, 100)
        ax.plot(10**x, np.polyval(p.coef, x), color=colours[p.budget], lw=1.2)
        ax.plot([p.N_opt], [p.L_min], "o", ms=5, mfc="white", mec=colours[p.budget], zorder=4)
    ax.scatter([], [], s=12, color="0.4", label=an.label)
    ax.plot([], [], color="0.4", label=provenance(REFIT_HERE, "parabola in log N per budget"))
    set_axes(ax, "Parameters", "Training loss (nats/token)", "IsoFLOP profiles")
    ax.legend(loc="lower left", fontsize=6.8)
    cbar, _, _ = log_colorbar(fig, ax, BUDGET_CMAP, min(nominal), max(nominal), "FLOP budget")
    cbar.ax.set_yticks(list(nominal), [f"{b:.0e}" for b in nominal], fontsize=6.5)
    cbar.ax.minorticks_off()

    C = np.geomspace(flops_min, flops_max, 200)
    paper = allocation.allocations()["approach2"]
    pub = HOFFMANN.table2.approach2
    for ax, what, law, paper_fn, pub_exp, pub_iv, ylabel in (
        (axes[1], "N_opt", a2.N_opt, paper.N_opt, pub.a, pub.a_interval, "Parameters"),
        (axes[2], "D_opt", a2.D_opt, paper.D_opt, pub.b, pub.b_interval, "Tokens"),
    ):
        vals = [getattr(p, what) for p in a2.profiles]
        ax.scatter(
            [p.flops for p in a2.profiles],
            vals,
            s=22,
            c=[colours[b] for b in budgets],
            zorder=3,
            label=provenance(
                REFIT_HERE,
                "IsoFLOP minima of the published points"
                if an.default
                else f"IsoFLOP minima of the {an.label}",
            ),
        )
        iv = law.exponent_interval
        ivs = f" [{iv[0]:.3f}, {iv[1]:.3f}]" if iv is not None else ""
        sym = "a" if what == "N_opt" else "b"
        ax.plot(
            C,
            law(C),
            color="0.15",
            lw=1.3,
            label=provenance(REFIT_HERE, f"{sym} = {law.exponent:.3f}{ivs}"),
        )
        ax.plot(
            C,
            paper_fn(C),
            color=BLUE,
            ls="--",
            lw=1.2,
            label=provenance(
                REFIT_HERE,
                f"fitted to Table A3's rows; Table 2: {sym} = {pub_exp:.2f} "
                f"({pub_iv[0]:.3f}, {pub_iv[1]:.3f})",
            ),
        )
        ours_g, paper_g = float(law(GOPHER)), float(paper_fn(GOPHER))
        gopher_star(ax, ours_g, f"Gopher budget 5.76e23: {ours_g:.3g} (refit here)", GOPHER)
        ax.plot(
            [GOPHER],
            [paper_g],
            "*",
            ms=11,
            mfc="none",
            mec=BLUE,
            mew=1.0,
            zorder=5,
            label=f"Gopher budget 5.76e23: {paper_g:.3g} (fitted to Table A3)",
        )
        minima_axes(ax, "FLOPs", ylabel, (flops_min, flops_max))
        ax.legend(loc="upper left", fontsize=6.8)
    return fig
