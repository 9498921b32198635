"""Drawing helpers shared by the Kaplan 2020 compute-budget and steps families (Figures 2 and 11).

Not a family itself (no ``NOTEBOOK``): the curve style that marks where eq 5.6 is outside its fitted
range, the loss axis the paper uses, and :func:`overlay_figure`, which draws the learning curves
measured in this project (:func:`scalinglaws.analysis.kaplan.load_measured_runs`) beside the
published law (Figure 2's measured panels).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

from scalinglaws.analysis.kaplan import measured_by_run
from scalinglaws.constants import KAPLAN
from scalinglaws.kinds import MEASURED_HERE, PUBLISHED_LAW, provenance
from scalinglaws.plotting import log_colorbar, use_style

EXTRAPOLATED = {"ls": (0, (1.2, 1.6)), "alpha": 0.75}  # dotted: eq 5.6 outside its fitted range
N_SIZES_LABEL = "Line color indicates number of parameters (non-embedding)"
MEASURED_SOURCE = "prose bytes, 2 CPU cores, data/runs"
N_BYTE_VOCAB = 256  # the measured models read bytes: ln 256 = 5.55 nats is the uniform guess
UNITS_NOTE = (
    "Units differ: measured loss is nats per byte (vocabulary of 256 bytes), the law's is nats per\n"
    "token (GPT-2 BPE, WebText2). Levels are not comparable, only shapes: slopes and how larger\n"
    "models pull away."
)


def _sci(x: float) -> str:
    """816 -> '816', 906080 -> '9.1e5': a compact parameter count."""
    if x < 1e4:
        return f"{x:.0f}"
    k = math.floor(math.log10(x))
    return f"{x / 10**k:.1f}e{k}"


def overlay_figure(
    measured: pd.DataFrame,
    law_curves: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    x_law: np.ndarray,
    x_measured: Callable[[pd.DataFrame], np.ndarray],
    *,
    law_source: str,
    xlabel: str,
    title: str,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    sizes_min: float,
    sizes_max: float,
    end_labels=((4, -3, "left"), (4, -3, "left")),
):
    """One axes: the published law for the measured runs' own sizes beside the measured curves.

    law_curves: N (1-d array) -> (loss, in-fitted-range mask), each of shape (len(N), len(x_law));
    x_measured: one run's points -> their x values (same unit as x_law). Colours: viridis on a log
    scale from sizes_min to sizes_max parameters, the paper figure's scale. With no measured run
    (an empty frame) the law is drawn for one size per decade of that scale and a note says so.
    Each measured line carries ``gid="measured:<run_id>"``. end_labels: (dx, dy in points,
    alignment) of the size labels at the ends of the smallest and largest measured curves.
    """
    use_style()
    runs = measured_by_run(measured)
    if runs:
        sizes = np.array([n for n, _ in runs])
    else:
        decades = max(1, round(math.log10(sizes_max / sizes_min)))
        sizes = np.geomspace(sizes_min, sizes_max, decades + 1)
    L, fitted = law_curves(sizes)

    fig, ax = plt.subplots(figsize=(6.4, 5.4), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        plot_law(ax, x_law, L[i], fitted[i], colour_of(cmap, norm, n), lw=1.3)
    mid = cmap(norm(float(np.sqrt(sizes[0] * sizes[-1]))))
    ax.plot([], [], color=mid, lw=1.3, label=provenance(PUBLISHED_LAW, law_source))
    for n, g in runs:
        ax.plot(
            x_measured(g),
            g["loss_nats"].to_numpy(),
            "-o",
            color=colour_of(cmap, norm, n),
            lw=1.3,
            ms=2.2,
            zorder=4,
            gid=f"measured:{g['run_id'].iloc[0]}",
        )
    if runs:
        ax.plot(
            [],
            [],
            "-o",
            color=mid,
            lw=1.3,
            ms=2.2,
            label=provenance(MEASURED_HERE, MEASURED_SOURCE),
        )
        # the sizes at the ends of both families of curves
        for (n, g), (dx, dy, ha) in zip((runs[0], runs[-1]), end_labels, strict=True):
            ax.annotate(
                f"{_sci(n)} params",
                (x_measured(g)[-1], g["loss_nats"].iloc[-1]),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=7,
                ha=ha,
                va="center",
            )
        for i in (0, -1):
            ax.annotate(
                f"{_sci(sizes[i])} params",
                (x_law[-1], L[i, -1]),
                xytext=(-3, 4 if i == 0 else -10),
                textcoords="offset points",
                ha="right",
                fontsize=7,
            )
    else:
        ax.text(
            0.03,
            0.5,
            "no measured run in data/runs/results yet",
            transform=ax.transAxes,
            fontsize=8,
        )
    for v, unit, ls in ((N_BYTE_VOCAB, "byte", ":"), (KAPLAN.setup.n_vocab, "token", "-.")):
        ln = math.log(v)
        ax.axhline(
            ln, color="0.5", lw=0.8, ls=ls, label=f"ln {v} = {ln:.2f}: uniform guess per {unit}"
        )
    handles, _ = ax.get_legend_handles_labels()
    if not fitted.all():
        handles.append(extrapolated_handle())
    legend = fig.legend(handles=handles, loc="outside lower center", fontsize=7, ncols=2,
                        frameon=False, title=UNITS_NOTE)  # fmt: skip
    legend.get_title().set(fontsize=6.8, color="0.2")
    ax.set(xscale="log", xlim=xlim, xlabel=xlabel, title=title)
    loss_axis(ax, *ylim, ticks=(1.5, 2, 3, 4, 5, 6, 8, 10, 12))
    ax.set_ylabel("Test Loss (law: nats per token; measured: nats per byte)")
    return fig


def plot_law(ax, x, y, fitted, color, lw=1.5, zorder=2):
    """Plot one published-law curve: solid where ``fitted`` is True, dotted where it is not."""
    x, y, fitted = np.asarray(x), np.asarray(y), np.asarray(fitted, dtype=bool)
    solid = np.where(fitted, y, np.nan)
    dotted = np.where(fitted, np.nan, y)
    # share the boundary point so the two styles join
    edge = np.flatnonzero(np.diff(fitted.astype(int)) != 0)
    for i in edge:
        dotted[i : i + 2] = y[i : i + 2]
    ax.plot(x, solid, color=color, lw=lw, zorder=zorder)
    ax.plot(x, dotted, color=color, lw=lw, zorder=zorder, **EXTRAPOLATED)


def extrapolated_handle(text=None):
    """Legend entry for the dotted style."""
    text = text or (
        f"dotted: S < {KAPLAN.studied.fit_min_steps:.0f} steps (or N outside 768 to 1.5e9),\n"
        "outside eq 5.6's fitted range"
    )
    return Line2D([], [], color="0.35", lw=1.5, label=text, **EXTRAPOLATED)


def loss_axis(ax, lo: float, hi: float, log: bool = True, ticks=(2, 3, 4, 5, 6, 8, 10)):
    """A 'Test Loss' y axis from lo to hi nats; log-scaled with plain tick labels by default."""
    ax.set_ylim(lo, hi)
    ax.set_ylabel("Test Loss (nats per token)")
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(FixedLocator([t for t in ticks if lo <= t <= hi]))
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())


def colour_of(cmap, norm, value):
    """The colour a colour bar gives ``value``."""
    return cmap(norm(value))
