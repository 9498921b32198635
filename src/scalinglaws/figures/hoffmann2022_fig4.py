"""Hoffmann et al. 2022 (Chinchilla) Figure 4: eq 2's iso-loss contours over FLOPs x parameters
with the efficient frontier (eq 4), for the published fit and the refit here
(:func:`scalinglaws.analysis.isoflop.analyse`), and the loss along IsoFLOP slices.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from scalinglaws.analysis.isoflop import GOPHER, Analysis, point_budgets
from scalinglaws.constants import HOFFMANN, ParametricFit
from scalinglaws.core.kinds import (
    PUBLISHED_LAW,
    REFIT_HERE,
    provenance,
)
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import GOPHER_COLOUR, budget_colours, flops_axis, gopher_star
from scalinglaws.figures.style import BLUE, set_axes, use_style
from scalinglaws.laws import chinchilla as ch

_LOSS_CMAP = "magma"

FIGURES = (
    FigureInfo(
        "hoffmann2022_fig4",
        "03_isoflop",
        "Hoffmann 2022 Fig 4",
        "eq 2 contours and eq 4 frontier: App. D.2 TeX fit vs eq 2 refitted on the 240 "
        "points (Besiroglu 2024 objective)",
        "published law, published data, refit here",
    ),
)


def _contour_panel(
    fig,
    ax,
    fit: ParametricFit,
    an: Analysis,
    title,
    flops_min,
    flops_max,
    budgets,
    show_points: bool = True,
):
    lc = np.linspace(np.log10(flops_min), np.log10(flops_max), 240)
    n_lo, n_hi = _size_range(an)
    ln = np.linspace(n_lo, n_hi, 240)
    CC, NN = np.meshgrid(10**lc, 10**ln)
    LL = ch.loss(NN, ch.tokens_for_flops(CC, NN), fit)
    lo, hi = an.loss_norm
    norm = LogNorm(lo, hi)
    levels = np.geomspace(1.9 if an.default else lo * 1.01, hi, 14)
    ax.contour(CC, NN, LL, levels=levels, cmap=_LOSS_CMAP, norm=norm, linewidths=0.8)
    if show_points:
        pts = an.points
        ax.scatter(
            pts["flops"],
            pts["params"],
            c=pts["loss_nats"],
            cmap=_LOSS_CMAP,
            norm=norm,
            s=9,
            edgecolors="0.2",
            linewidths=0.2,
            zorder=3,
            label=an.label,
        )
    ax.plot(
        10**lc,
        ch.optimal_N(10**lc, fit),
        color=BLUE,
        lw=1.6,
        label=f"{title.split(' (')[0]}: efficient frontier (eq 4)",
    )
    for b in budgets:
        ax.axvline(b, color="0.45", lw=0.7, ls="--")
    ng = float(ch.optimal_N(GOPHER, fit))
    gopher_star(ax, ng, f"Gopher budget: {ng / 1e9:.0f}B parameters", GOPHER)
    set_axes(
        ax,
        "FLOPs",
        "Parameters",
        title,
        log="xy",
        xlim=(flops_min, flops_max),
        ylim=(10**n_lo, 10**n_hi),
    )
    ax.legend(loc="upper left", fontsize=6.8, frameon=True, framealpha=0.9)
    return norm


def _size_range(an: Analysis) -> tuple[float, float]:
    """log10 of the parameter axis of Fig 4: the paper's 1e7-10^12.5, or the runs' own +-1 dex."""
    if an.default:
        return 7.0, 12.5
    lN = np.log10(an.points["params"].to_numpy())
    return float(np.floor(lN.min()) - 1), float(np.ceil(lN.max()) + 1.5)


def _slices_panel(ax, fit: ParametricFit, an: Analysis, budgets, colours, title, labels, nominal):
    N = an.points["params"].to_numpy()
    L = an.points["loss_nats"].to_numpy()
    n_lo, n_hi = _size_range(an)
    for b in budgets:
        n = np.geomspace(10**n_lo, 10**n_hi, 300)
        ax.plot(n, ch.loss(n, ch.tokens_for_flops(b, n), fit), color=colours[b], lw=1.2)
        nb = float(ch.optimal_N(b, fit))
        lb = float(ch.optimal_loss(b, fit))
        ax.plot([nb], [lb], "o", ms=4, mfc="white", mec=colours[b])
        ax.annotate(
            f"{b:.3g}",
            (nb, lb),
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            fontsize=6.5,
            color=colours[b],
        )
        if b in list(nominal):
            sel = labels == list(nominal).index(b)
            ax.scatter(N[sel], L[sel], s=9, color=colours[b], zorder=3)
    ax.scatter([], [], s=9, color="0.4", label=an.label)
    kind = title.split(": ", 1)[-1].split(" (")[0]
    ax.plot([], [], color="0.4", label=f"{kind}: eq 2 along each IsoFLOP slice (label: FLOPs)")
    if an.default:
        ylim = (1.75, 4.0)
    else:
        span = float(L.max() - L.min())
        ylim = (float(L.min()) - 0.15 * span, float(L.max()) + 0.3 * span)
    set_axes(ax, "Parameters", "Loss (nats/token)", title, xlim=(10**n_lo, 10**n_hi), ylim=ylim)
    ax.legend(loc="upper right", fontsize=6.8)


def figure4(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e25):
    """Hoffmann 2022 Fig 4 for the published fit (top) and the refit here (bottom): iso-loss
    contours of eq 2 over FLOPs x parameters with the efficient frontier, dashed IsoFLOP lines and
    the points coloured by loss (left); loss along the IsoFLOP slices (right)."""
    use_style()
    flops_min, flops_max = flops_axis(an.points["flops"], flops_min, flops_max)
    budgets = list(an.budgets[::2]) + [GOPHER]
    colours, _ = budget_colours(budgets)
    colours[GOPHER] = GOPHER_COLOUR
    labels, nominal = point_budgets(an)
    fig, axes = plt.subplots(2, 2, figsize=(11.5, 9.0), layout="constrained")
    fits = (
        (HOFFMANN.approach3_tex, provenance(PUBLISHED_LAW, "Hoffmann 2022 eq 2, TeX values")),
        (
            an.likelihood.fit,
            provenance(
                REFIT_HERE,
                "eq 2 on the published points" if an.default else f"eq 2 on the {an.label}",
            ),
        ),
    )
    for row, (fit, name) in enumerate(fits):
        norm = _contour_panel(fig, axes[row, 0], fit, an, name, flops_min, flops_max, budgets[:-1])
        _slices_panel(
            axes[row, 1], fit, an, budgets, colours, f"IsoFLOP slices: {name}", labels, nominal
        )
    cbar = fig.colorbar(
        plt.cm.ScalarMappable(norm=norm, cmap=_LOSS_CMAP), ax=axes[:, 0], pad=0.01, shrink=0.6
    )
    cbar.set_label("Loss (nats/token)")
    if an.default:
        cbar.ax.set_yticks([2, 3, 4, 5], ["2", "3", "4", "5"])
        cbar.ax.minorticks_off()
    return fig
