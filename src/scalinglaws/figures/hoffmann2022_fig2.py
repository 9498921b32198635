"""Hoffmann et al. 2022 Figure 2: the training-curve envelope (Approach 1, section 3.1).

Approach 1 trains a family of model sizes, each with several cosine horizons, takes at every FLOP
value the run with the lowest loss (the envelope; 1500 log-spaced FLOP values) and fits
N_opt ~ C^a and D_opt ~ C^b to the winners; Table 2 prints a = b = 0.50. The envelope itself is
:func:`scalinglaws.estimators.approach1`; its numbers are :mod:`scalinglaws.analysis.envelope`'s,
and this module draws them in two rows:

* **published law, at the paper's scale**: eq 2 with the App. D.2 fit, evaluated as the final
  loss L(N, C / 6N) of a size family from 75M to 10B parameters (Fig 2's colour bar) for
  C = 1e17 to 1e23 FLOPs. Its envelope must recover eq 4's exponents of the same fit.
* **measured here**: the English-prose byte-level learning curves of ``data/runs/`` (validation
  loss in nats per byte against training FLOPs counted exactly, tokens = bytes seen).

Symbols as in the paper: N parameters (with embeddings, Chinchilla's count, for the runs measured here too), D tokens,
C training FLOPs, L loss in nats per token (per byte for the runs measured here).
Notebook 04 draws it, from :mod:`scalinglaws.analysis.envelope`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws import estimators
from scalinglaws.analysis import allocation
from scalinglaws.analysis.envelope import PARAMS, SIZE_RANGE, LawEnvelope, MeasuredEnvelope
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import (
    DERIVED_HERE,
    MEASURED_HERE,
    PUBLISHED_DATA,
    PUBLISHED_LAW,
    REFIT_HERE,
    provenance,
)
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import GOPHER_COLOUR
from scalinglaws.figures.style import ORANGE, log_colorbar, set_axes, use_style
from scalinglaws.laws import chinchilla as ch

FIGURES = (
    FigureInfo(
        "hoffmann2022_fig2",
        "04_envelope",
        "Hoffmann 2022 Fig 2",
        "Approach 1 envelope (1500 log-spaced FLOPs): eq 2 (App. D.2 TeX fit) as final losses of "
        "25 sizes 75M-10B, its envelope and power laws derived here, fitted where eq 4's optimum "
        "lies inside the family; Approach 1: power law fitted here to Table 3's rows (Table 2 "
        "a = b = 0.50), Gopher 67B / 1.5T; prose learning curves measured here with bootstrap "
        "10th-90th pct",
        "published law, derived here from a published law, published data, refit here, "
        "measured here",
    ),
)

SIZE_TICKS = (75e6, 250e6, 500e6, 1e9, 2.5e9, 5e9, 10e9)  # Fig 2 colour-bar ticks
AXIS_FLOPS = (1e17, 1e25)  # Fig 2 centre and right panels' x-axes, FLOPs
LAW_LOSS_AXIS = (1.8, 6.0)  # Fig 2 left panel's y-axis, about 2 to 6 nats/token

_SIZE_CMAP = "viridis"


# ---- figure -------------------------------------------------------------------------------------


def _size_colorbar(fig, ax, vmin, vmax, label, ticks=None):
    cbar, norm, cmap = log_colorbar(fig, ax, _SIZE_CMAP, vmin, vmax, label)
    if ticks is not None:
        cbar.ax.set_yticks(list(ticks), [_si(t) for t in ticks])
        cbar.ax.minorticks_off()
    return norm, cmap


def _si(n: float) -> str:
    """75e6 -> '75M', 2.5e9 -> '2.5B', 906080 -> '906k'."""
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:.3g}"


def _curves_panel(ax, curves, norm, cmap, env, fit_range, title, ylabel, env_label, ylim=None):
    for N, C, L in curves:
        ax.plot(C, L, color=cmap(norm(N)), lw=0.9, alpha=0.85)
    inside = (env.flops >= fit_range[0]) & (env.flops <= fit_range[1])
    ax.plot(env.flops, np.where(inside, np.nan, env.loss), color="k", lw=1.0, ls=":")
    ax.plot(env.flops, np.where(inside, env.loss, np.nan), color="k", lw=1.8, label=env_label)
    ax.axvspan(*fit_range, color="0.5", alpha=0.08, lw=0)
    set_axes(ax, "FLOPs", ylabel, title, ylim=ylim)


def _opt_panel(ax, env, fit_range, what, law, colour_of, point_label, fit_label, xlim):
    """Envelope points of ``env`` (filled inside the fit range, hollow outside) and the power
    law ``law`` fitted over that range."""
    y = env.N if what == "N" else env.D
    step = max(1, env.flops.size // 120)
    C, Y = env.flops[::step], y[::step]
    inside = (C >= fit_range[0]) & (C <= fit_range[1])
    ax.scatter(
        C[inside],
        Y[inside],
        s=9,
        c=colour_of(env.N[::step][inside]),
        zorder=3,
        edgecolors="0.2",
        linewidths=0.2,
        label=point_label,
    )
    if (~inside).any():
        ax.scatter(
            C[~inside],
            Y[~inside],
            s=9,
            facecolors="none",
            edgecolors="0.5",
            linewidths=0.5,
            zorder=3,
            label="envelope outside the fitted range",
        )
    Cx = np.geomspace(*xlim, 200)
    ax.plot(Cx, law(Cx), color="0.1", lw=1.3, label=fit_label)
    ax.axvspan(*fit_range, color="0.5", alpha=0.08, lw=0)
    ax.set(xscale="log", yscale="log", xlim=xlim, xlabel="FLOPs")


def _approach1_line(ax, x, y, lw: float, label: str) -> None:
    """Approach 1's power law (Table 3's or Table 2's slope) as both rows draw it: dashed orange."""
    ax.plot(x, y, color=ORANGE, ls="--", lw=lw, label=label)


def _interval_text(law) -> str:
    iv = law.exponent_interval
    return f" ({iv[0]:.3f}, {iv[1]:.3f})" if iv is not None else ""


def figure2(law: LawEnvelope, measured: MeasuredEnvelope):
    """Hoffmann 2022 Fig 2 in two rows. Top (published law, paper scale): eq 2's final loss per
    model size against FLOPs with its envelope (left), the envelope's N_opt and D_opt against
    FLOPs with their power laws, Table 3 and the Gopher-budget projection (centre, right).
    Bottom (measured here): the prose learning curves (nats per byte) with their envelope, and
    the measured N_opt and D_opt with Table 2's Approach 1 exponent as a reference slope."""
    use_style()
    fig, axes = plt.subplots(2, 3, figsize=(15.0, 9.2), layout="constrained")
    fig.get_layout_engine().set(wspace=0.07)  # room between a colour bar and the next axes
    a_law, b_law = ch.frontier_exponents(law.fit)

    # row 1, left: eq 2's final losses and their envelope
    norm, cmap = _size_colorbar(fig, axes[0, 0], *SIZE_RANGE, "Parameters", SIZE_TICKS)
    _curves_panel(
        axes[0, 0],
        [(N, law.flops, L) for N, L in zip(law.sizes, law.loss, strict=True)],
        norm,
        cmap,
        law.drawn,
        law.flops_range,
        f"{PUBLISHED_LAW}: eq 2 (App. D.2 fit), {law.sizes.size} sizes",
        "Loss (nats/token)",
        provenance(DERIVED_HERE, "envelope"),
        LAW_LOSS_AXIS,
    )
    axes[0, 0].plot(
        [], [], color=cmap(0.5), lw=0.9, label=provenance(PUBLISHED_LAW, "final loss L(N, C/6N)")
    )
    axes[0, 0].legend(loc="upper right", fontsize=6.8)

    # row 1, centre and right: N_opt, D_opt at the paper's scale
    a1 = allocation.allocations()["approach1"]
    t2 = HOFFMANN.table2.approach1
    rows = HOFFMANN.tables.table3_approach1
    gopher = next(r for r in rows if r.flops == HOFFMANN.budgets.gopher)
    for ax, what, sym, exact, pub, pub_iv, a1_fn, col, g_val, ylabel in (
        (
            axes[0, 1],
            "N",
            "a",
            a_law,
            t2.a,
            t2.a_interval,
            a1.N_opt,
            "params",
            gopher.params,
            "Parameters",
        ),
        (
            axes[0, 2],
            "D",
            "b",
            b_law,
            t2.b,
            t2.b_interval,
            a1.D_opt,
            "tokens",
            gopher.tokens,
            "Tokens",
        ),
    ):
        env_law = law.fitted.N_opt if what == "N" else law.fitted.D_opt
        _opt_panel(
            ax,
            law.drawn,
            law.flops_range,
            what,
            env_law,
            lambda n: cmap(norm(n)),
            provenance(DERIVED_HERE, "envelope of eq 2; colour: size"),
            provenance(
                DERIVED_HERE,
                f"envelope's power law {sym} = {env_law.exponent:.3f}; eq 4: {exact:.3f}",
            ),
            AXIS_FLOPS,
        )
        Cx = np.geomspace(*AXIS_FLOPS, 200)
        _approach1_line(
            ax,
            Cx,
            a1_fn(Cx),
            1.3,
            provenance(
                REFIT_HERE,
                f"power law fitted to Table 3; Table 2: "
                f"{sym} = {pub:.2f} ({pub_iv[0]:.3f}, {pub_iv[1]:.3f})",
            ),
        )
        ax.scatter(
            [r.flops for r in rows],
            [getattr(r, col) for r in rows],
            marker="s",
            s=16,
            facecolors="none",
            edgecolors=ORANGE,
            linewidths=1.0,
            zorder=4,
            label=provenance(PUBLISHED_DATA, "Hoffmann 2022 Table 3 rows"),
        )
        ax.axvline(HOFFMANN.budgets.gopher, color=GOPHER_COLOUR, lw=0.8, ls=":")
        ax.plot(
            [HOFFMANN.budgets.gopher],
            [g_val],
            "*",
            ms=12,
            color=GOPHER_COLOUR,
            mec="k",
            mew=0.5,
            zorder=5,
            label=provenance(PUBLISHED_DATA, f"Table 3: {_si(g_val)} at Gopher's 5.76e23 FLOPs"),
        )
        ax.annotate(
            _si(g_val),
            (HOFFMANN.budgets.gopher, g_val),
            xytext=(-8, 6),
            textcoords="offset points",
            ha="right",
            color=GOPHER_COLOUR,
            fontsize=8,
            fontweight="bold",
        )
        ax.set(ylabel=ylabel, title=f"derived from eq 2: optimal {ylabel.lower()}")
        ax.legend(loc="upper left", fontsize=6.5)

    # row 2, left: the measured learning curves and their envelope
    runs, f = measured.runs, measured.fitted
    nmin, nmax = runs["params"].min(), runs["params"].max()
    mnorm, mcmap = _size_colorbar(fig, axes[1, 0], nmin, nmax, "Parameters (with embeddings)")
    tuples = [
        (g[PARAMS].iloc[0], g["flops"].to_numpy(), g["loss_nats"].to_numpy())
        for _, g in measured.curves.groupby("run_id", sort=False)
    ]
    _curves_panel(
        axes[1, 0],
        tuples,
        mnorm,
        mcmap,
        measured.drawn,
        measured.flops_range,
        f"{MEASURED_HERE}: {len(runs)} prose learning curves",
        "Validation loss (nats/byte)",
        provenance(MEASURED_HERE, "envelope"),
    )
    axes[1, 0].plot(
        [], [], color=mcmap(0.5), lw=0.9, label=provenance(MEASURED_HERE, "learning curves")
    )
    axes[1, 0].legend(loc="lower left", fontsize=6.8)

    # row 2, centre and right: measured N_opt, D_opt with the published slope for reference
    c0 = float(np.sqrt(np.prod(measured.flops_range)))
    span = (measured.flops_range[0] / 10, measured.flops_range[1] * 10)
    for ax, what, sym, pub, ylabel in (
        (axes[1, 1], "N", "a", t2.a, "Parameters (with embeddings)"),
        (axes[1, 2], "D", "b", t2.b, "Tokens (bytes)"),
    ):
        fl = f.N_opt if what == "N" else f.D_opt
        _opt_panel(
            ax,
            measured.drawn,
            measured.flops_range,
            what,
            fl,
            lambda n: mcmap(mnorm(n)),
            provenance(MEASURED_HERE, "envelope points; colour: size"),
            provenance(MEASURED_HERE, f"power law: {sym} = {fl.exponent:.3f}{_interval_text(fl)}"),
            span,
        )
        ref = estimators.PowerLaw(k=float(fl(c0)) / c0**pub, exponent=pub)
        Cx = np.geomspace(*span, 200)
        _approach1_line(
            ax,
            Cx,
            ref(Cx),
            1.2,
            provenance(PUBLISHED_LAW, f"Table 2 Approach 1: {sym} = {pub:.2f}")
            + "\nslope only, drawn through the centre of the fit here",
        )
        ax.set(ylabel=ylabel, title=f"{MEASURED_HERE}: optimal {ylabel.split(' (')[0].lower()}")
        ax.legend(loc="upper left" if what == "N" else "lower right", fontsize=6.5)
    return fig
