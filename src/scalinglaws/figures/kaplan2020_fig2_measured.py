"""Kaplan et al. 2020, Figure 2 beside this project's measured learning curves: the published law
(eq 5.6 left, eq B.3 right, as :mod:`scalinglaws.figures.kaplan2020_fig2` draws it) for the
measured sizes, and the curves of tiny byte-level models trained here
(:func:`scalinglaws.analysis.kaplan.load_measured_runs`), against bytes and against Kaplan's
C = 6 N D (N non-embedding). Drawn by notebooks 01 (right) and 02 (left).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws.analysis.kaplan import law_compute, law_tokens, measured_by_run, measured_pf_days
from scalinglaws.constants import KAPLAN
from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures import _kaplan2020 as k20
from scalinglaws.figures.style import log_colorbar, use_style

FIGURES = (
    FigureInfo(
        "kaplan2020_fig2_right_measured",
        "01_compute_budget",
        "Kaplan 2020 Fig 2 (right), measured here",
        "eq B.3 per measured size (Table 3) against C_min; measured validation loss "
        "(nats per byte) against C = 6ND, N non-embedding, in PF-days",
        "published law, measured here",
    ),
    FigureInfo(
        "kaplan2020_fig2_left_measured",
        "02_steps",
        "Kaplan 2020 Fig 2 (left), measured here",
        "eq 5.6 with Table 3, eqs 5.3-5.4, S = tokens / 2^19 per measured size; measured "
        "validation loss (nats per byte) against bytes processed",
        "published law, measured here",
    ),
)

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
    ylim: tuple[float, float] = (1.5, 12.0),
    sizes_min: float = 1e3,
    sizes_max: float = 1e9,
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
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, k20.N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        k20.plot_law(ax, x_law, L[i], fitted[i], k20.colour_of(cmap, norm, n), lw=1.3)
    mid = cmap(norm(float(np.sqrt(sizes[0] * sizes[-1]))))
    ax.plot([], [], color=mid, lw=1.3, label=provenance(PUBLISHED_LAW, law_source))
    for n, g in runs:
        ax.plot(
            x_measured(g),
            g["loss_nats"].to_numpy(),
            "-o",
            color=k20.colour_of(cmap, norm, n),
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
        handles.append(k20.extrapolated_handle())
    legend = fig.legend(
        handles=handles,
        loc="outside lower center",
        fontsize=7,
        ncols=2,
        frameon=False,
        title=UNITS_NOTE,
    )
    legend.get_title().set(fontsize=6.8, color="0.2")
    ax.set(xscale="log", xlim=xlim, xlabel=xlabel, title=title)
    k20.loss_axis(ax, *ylim, ticks=(1.5, 2, 3, 4, 5, 6, 8, 10, 12))
    ax.set_ylabel("Test Loss (law: nats per token; measured: nats per byte)")
    return fig


def figure2_right_measured(measured, n_points=200):
    """Figure 2 right with this project's learning curves: loss vs compute (PF-days), one axes.

    measured: the frame of :func:`scalinglaws.analysis.kaplan.load_measured_runs` (loss in nats
    per byte). For each measured size N the published law (eq B.3, as in :func:`figure2_right`,
    against batch-adjusted C_min) is drawn over the paper's 1e-9 to 1 PF-days, and the measured
    curve at C = 6 N D over its own range, from 1e-13 PF-days. See :func:`overlay_figure`.
    """
    C = np.geomspace(1e-9, 1.0, n_points)
    return overlay_figure(
        measured, lambda sizes: law_compute(sizes, C), C, measured_pf_days, **_MEASURED["right"]
    )


def figure2_left_measured(measured, n_points=200):
    """Figure 2 left with this project's learning curves: loss vs tokens processed, one axes.

    measured: the frame of :func:`scalinglaws.analysis.kaplan.load_measured_runs` (tokens are
    bytes, loss in nats per byte). For each measured size N the published law (eq 5.6 with eqs
    5.3/5.4, B = 2^19, as in :func:`figure2_left`) is drawn over the paper's 1e7 to 1e11 tokens,
    and the measured curve over its own bytes, from 1e3. See :func:`overlay_figure`.
    """
    D = np.geomspace(1e7, 1e11, n_points)
    return overlay_figure(
        measured,
        lambda sizes: law_tokens(sizes, D),
        D,
        lambda g: g["tokens"].to_numpy(dtype=float),
        **_MEASURED["left"],
    )


_MEASURED = {
    "right": {
        "law_source": "Kaplan 2020 eq B.3, Table 3",
        "xlabel": "Compute (PF-days; law: batch-adjusted C_min; measured: C = 6ND)",
        "title": "The optimal model size grows smoothly with the loss target and compute budget:\n"
        "measured here (left) beside the published law (right)",
        "xlim": (1e-13, 1.0),
        "end_labels": (
            (-2, -8, "right"),
            (4, -3, "left"),
        ),  # larger curves cross the smallest's end
    },
    "left": {
        "law_source": k20.FIG2_EQ,
        "xlabel": "Tokens Processed (law: BPE tokens; measured: bytes)",
        "title": "Larger models require fewer samples to reach the same performance:\n"
        "measured here (left) beside the published law (right)",
        "xlim": (1e3, 1e11),
        "end_labels": (
            (4, 0, "left"),
            (-3, -7, "right"),
        ),  # the largest run has the smallest budget of bytes: its end is inside the bundle
    },
}
"""How :func:`overlay_figure` draws each panel beside the measured curves (the paper's axes)."""
