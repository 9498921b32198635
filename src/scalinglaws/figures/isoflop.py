"""Hoffmann et al. 2022 (Chinchilla) Figures 3, 4 and A3, drawn from
:func:`scalinglaws.analysis.isoflop.analyse` (the refits on Besiroglu et al. 2024's extraction of
Chinchilla's Figure 4, and the tables). The same notebook draws Figure 2 (Approach 1's
training-curve envelope) with :mod:`.envelope`.

Three kinds of series, labelled as such on every figure:
published data (Epoch's 245 points, 5 highest losses dropped), published law (Hoffmann's eq 2/4
fits, Kaplan's Table 6, Epoch's refit), refit here (this package's Approaches 2 and 3, and the
power laws it fits through the printed rows of Tables 3 and A3).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from scalinglaws.analysis import allocation
from scalinglaws.analysis.isoflop import GOPHER, Analysis, point_budgets, refit_band
from scalinglaws.constants import HOFFMANN, ParametricFit
from scalinglaws.kinds import PUBLISHED_LAW, REFIT_HERE, provenance
from scalinglaws.laws import chinchilla as ch
from scalinglaws.params import Integer, Less, ParameterSpec, Real, Text
from scalinglaws.plotting import log_colorbar, use_style

NOTEBOOK = "03_isoflop"

PARAMETERS = ParameterSpec(
    notebook=NOTEBOOK,
    params=[
        Integer("n_bootstrap", lo=0, hi=100_000, doc="bootstrap replicates (Besiroglu: 4000)"),
        Text("runs", doc="a runs CSV (docs/runs-schema.md) or a registered data set name"),
        Integer("seed", lo=0, hi=2**32 - 1, doc="seed of the bootstrap's numpy Generator"),
        Integer("n_exclude", lo=0, hi=100, doc="highest-loss points dropped (Besiroglu: 5)"),
        Real("isoflop_tol", lo=0.005, hi=0.5, doc="log10-FLOPs distance to join a budget"),
        Integer("min_points", lo=3, hi=50, doc="runs a budget needs for its parabola"),
        Real("flops_min", lo=1e15, hi=1e30, doc="left end of the FLOPs axes"),
        Real("flops_max", lo=1e15, hi=1e32, doc="right end of the FLOPs axes"),
        Integer("n_sizes", lo=3, hi=200, doc="Fig 2: model sizes from 75M to 10B under eq 2"),
        Integer("min_sizes", lo=2, hi=20, doc="Fig 2: sizes that must reach the fitted FLOPs"),
    ],
    constraints=[Less("flops_min", "flops_max")],
)

_GOPHER_COLOUR = "#2ca02c"
_LOSS_CMAP = "magma"
_BUDGET_CMAP = "viridis"
LAW_STYLES = {
    "kaplan": ("#7f7f7f", "-."), "approach1": ("#ff7f0e", "--"),
    "approach2": ("#9467bd", "--"), "approach3-rounded": ("#8c564b", ":"),
    "approach3-tex": ("#d62728", "--"), "epoch-refit": ("#17becf", "-"),
}  # fmt: skip
"""(colour, line style) of each published allocation law, the same on every figure."""


# ---- figures ------------------------------------------------------------------------------------


def _budget_colours(budgets):
    norm = LogNorm(min(budgets), max(budgets))
    cmap = plt.get_cmap(_BUDGET_CMAP)
    return {b: cmap(0.9 * norm(b)) for b in budgets}, norm


def figure3(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e25):
    """Hoffmann 2022 Fig 3 from the published points: IsoFLOP profiles (left), N_opt and D_opt
    against FLOPs with the fitted power laws (centre, right) and the Gopher-budget projection."""
    use_style()
    a2 = an.approach2
    budgets = [p.budget for p in a2.profiles]
    colours, norm = _budget_colours(an.budgets)
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
    ax.set(xscale="log", xlabel="Parameters", ylabel="Training loss (nats/token)",
           title="IsoFLOP profiles")  # fmt: skip
    ax.legend(loc="lower left", fontsize=6.8)
    cbar, _, _ = log_colorbar(fig, ax, _BUDGET_CMAP, min(nominal), max(nominal), "FLOP budget")
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
            color="#1f77b4",
            ls="--",
            lw=1.2,
            label=provenance(
                REFIT_HERE,
                f"fitted to Table A3's rows; Table 2: {sym} = {pub_exp:.2f} "
                f"({pub_iv[0]:.3f}, {pub_iv[1]:.3f})",
            ),
        )
        ours_g, paper_g = float(law(GOPHER)), float(paper_fn(GOPHER))
        ax.axvline(GOPHER, color=_GOPHER_COLOUR, lw=0.8, ls=":")
        ax.plot(
            [GOPHER],
            [ours_g],
            "*",
            ms=11,
            color=_GOPHER_COLOUR,
            mec="k",
            mew=0.5,
            zorder=5,
            label=f"Gopher budget 5.76e23: {ours_g:.3g} (refit here)",
        )
        ax.plot(
            [GOPHER],
            [paper_g],
            "*",
            ms=11,
            mfc="none",
            mec="#1f77b4",
            mew=1.0,
            zorder=5,
            label=f"Gopher budget 5.76e23: {paper_g:.3g} (fitted to Table A3)",
        )
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="FLOPs",
            ylabel=ylabel,
            xlim=(flops_min, flops_max),
            title=f"{ylabel} at the IsoFLOP minima",
        )
        ax.legend(loc="upper left", fontsize=6.8)  # fmt: skip
    return fig


def _contour_panel(fig, ax, fit: ParametricFit, an: Analysis, title, flops_min, flops_max,
                   budgets, show_points: bool = True):  # fmt: skip
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
        ax.scatter(pts["flops"], pts["params"], c=pts["loss_nats"], cmap=_LOSS_CMAP, norm=norm,
                   s=9, edgecolors="0.2", linewidths=0.2, zorder=3, label=an.label)  # fmt: skip
    ax.plot(10**lc, ch.optimal_N(10**lc, fit), color="#1f77b4", lw=1.6,
            label=f"{title.split(' (')[0]}: efficient frontier (eq 4)")  # fmt: skip
    for b in budgets:
        ax.axvline(b, color="0.45", lw=0.7, ls="--")
    ng = float(ch.optimal_N(GOPHER, fit))
    ax.axvline(GOPHER, color=_GOPHER_COLOUR, lw=0.8, ls=":")
    ax.plot([GOPHER], [ng], "*", ms=11, color=_GOPHER_COLOUR, mec="k", mew=0.5, zorder=5,
            label=f"Gopher budget: {ng / 1e9:.0f}B parameters")  # fmt: skip
    ax.set(xscale="log", yscale="log", xlim=(flops_min, flops_max), ylim=(10**n_lo, 10**n_hi),
           xlabel="FLOPs", ylabel="Parameters", title=title)  # fmt: skip
    ax.legend(loc="upper left", fontsize=6.8)
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
        ax.annotate(f"{b:.3g}", (nb, lb), xytext=(0, -9), textcoords="offset points",
                    ha="center", fontsize=6.5, color=colours[b])  # fmt: skip
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
    ax.set(xscale="log", xlim=(10**n_lo, 10**n_hi), ylim=ylim, xlabel="Parameters",
           ylabel="Loss (nats/token)", title=title)  # fmt: skip
    ax.legend(loc="upper right", fontsize=6.8)


def figure4(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e25):
    """Hoffmann 2022 Fig 4 for the published fit (top) and the refit here (bottom): iso-loss
    contours of eq 2 over FLOPs x parameters with the efficient frontier, dashed IsoFLOP lines and
    the points coloured by loss (left); loss along the IsoFLOP slices (right)."""
    use_style()
    budgets = list(an.budgets[::2]) + [GOPHER]
    colours, _ = _budget_colours(budgets)
    colours[GOPHER] = _GOPHER_COLOUR
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
        norm = _contour_panel(fig, axes[row, 0], fit, an, name, flops_min, flops_max,
                              budgets[:-1])  # fmt: skip
        _slices_panel(axes[row, 1], fit, an, budgets, colours, f"IsoFLOP slices: {name}",
                      labels, nominal)  # fmt: skip
    cbar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=_LOSS_CMAP), ax=axes[:, 0],
                        pad=0.01, shrink=0.6)  # fmt: skip
    cbar.set_label("Loss (nats/token)")
    if an.default:
        cbar.ax.set_yticks([2, 3, 4, 5], ["2", "3", "4", "5"])
        cbar.ax.minorticks_off()
    return fig


def figure_a3(an: Analysis, flops_min: float = 1e18, flops_max: float = 1e26):
    """Hoffmann 2022 Fig A3 style: N_opt and D_opt against FLOPs for Kaplan (Table 6 at
    C_min = C/2, as Hoffmann's App. D.4), Approaches 1-2 (power laws fitted here to Tables 3/A3),
    Approach 3 as published, Epoch's refit and the refits here, with the Gopher budget marked."""
    use_style()
    C = np.geomspace(flops_min, flops_max, 200)
    laws = allocation.allocations()
    styles = LAW_STYLES
    widths = {"epoch-refit": 4.0}
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4.6), layout="constrained")
    band = refit_band(an, C)
    for k, (ax, fn, ylabel) in enumerate(((axes[0], "N_opt", "Parameters"),
                                          (axes[1], "D_opt", "Tokens"))):  # fmt: skip
        for name, law in laws.items():
            colour, ls = styles[name]
            extra = "; non-embedding N" if law.params_kind == "non-embedding" else ""
            ax.plot(C, getattr(law, fn)(C), color=colour, ls=ls, lw=widths.get(name, 1.3),
                    label=provenance(law.kind, law.label + extra))  # fmt: skip
        fit = an.likelihood.fit
        ours = ch.optimal_N(C, fit) if fn == "N_opt" else ch.optimal_D(C, fit)
        ax.plot(C, ours, color="k", lw=1.1,
                label=provenance(REFIT_HERE, "Approach 3, eq 4 (Huber likelihood)"))  # fmt: skip
        if band is not None:
            lo, hi = band[k]
            ax.fill_between(C, lo, hi, color="k", alpha=0.12, lw=0,
                            label="refit here: 10th-90th pct (bootstrap)")  # fmt: skip
        a2 = an.approach2.N_opt if fn == "N_opt" else an.approach2.D_opt
        ax.plot(
            C,
            a2(C),
            color="k",
            ls=(0, (1, 1.5)),
            lw=1.4,
            label=provenance(REFIT_HERE, f"Approach 2, exponent {a2.exponent:.3f}"),
        )
        ax.axvline(GOPHER, color=_GOPHER_COLOUR, lw=1.0, ls=":")
        ax.annotate(
            "Gopher budget\n5.76e23 FLOPs",
            (GOPHER, 0.03),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=7,
            color=_GOPHER_COLOUR,
        )
        ax.set(xscale="log", yscale="log", xlim=(flops_min, flops_max), xlabel="FLOPs",
               ylabel=ylabel, title=f"Optimal {ylabel.lower()} for a FLOP budget")  # fmt: skip
    axes[0].legend(loc="upper left", fontsize=6.8)
    return fig
