"""The drawing conventions shared by the Hoffmann et al. 2022 figures: each published allocation
law's colour and line style, the Gopher budget's colour, and the colours of FLOP budgets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from scalinglaws.figures.style import BROWN, CYAN, GREEN, GREY, ORANGE, PURPLE, RED, set_axes

GOPHER_COLOUR = GREEN
BUDGET_CMAP = "viridis"
LAW_STYLES = {
    "kaplan": (GREY, "-."),
    "approach1": (ORANGE, "--"),
    "approach2": (PURPLE, "--"),
    "approach3-rounded": (BROWN, ":"),
    "approach3-tex": (RED, "--"),
    "epoch-refit": (CYAN, "-"),
}
"""(colour, line style) of each published allocation law, the same on every figure."""
LAW_ZORDER = {name: 1.5 if name == "epoch-refit" else 2.5 for name in LAW_STYLES}
"""Drawing order: Epoch's wide refit underneath, the refits here (matplotlib's 2) above it, and
the thin dashed published laws on top, so that a law lying on another (Approach 1 on the refits,
at a near 0.5) still shows its dashes."""


def budget_colours(budgets):
    norm = LogNorm(min(budgets), max(budgets))
    cmap = plt.get_cmap(BUDGET_CMAP)
    return {b: cmap(0.9 * norm(b)) for b in budgets}, norm


def flops_axis(budgets, lo: float, hi: float) -> tuple[float, float]:
    """A FLOPs axis from ``lo`` to ``hi``, widened to whole decades that take in every budget (a
    reader's runs may lie anywhere)."""
    b = np.asarray([float(x) for x in budgets], float)
    if b.size == 0:
        return lo, hi
    first, last = int(np.floor(np.log10(b.min()))), int(np.floor(np.log10(b.max()))) + 1
    return min(lo, float(f"1e{first}")), max(hi, float(f"1e{last}"))


def gopher_star(ax, value: float, label: str, budget: float) -> None:
    """The Gopher budget as a dotted line and ``value`` at it as a star (Figs 3 and 4)."""
    ax.axvline(budget, color=GOPHER_COLOUR, lw=0.8, ls=":")
    ax.plot(
        [budget], [value], "*", ms=11, color=GOPHER_COLOUR, mec="k", mew=0.5, zorder=5, label=label
    )


def minima_axes(ax, xlabel: str, ylabel: str, flops: tuple[float, float]) -> None:
    """Log-log axes of the optimum (N or D, ``ylabel``) at each IsoFLOP minimum against FLOPs."""
    set_axes(
        ax, xlabel, ylabel, f"{ylabel.split(' (')[0]} at the IsoFLOP minima", log="xy", xlim=flops
    )


def slope_band(ax, x, lo, hi, label: str) -> None:
    """The grey band between the lines of an exponent interval's two ends (either may be the
    lower one)."""
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
    ax.fill_between(x, lo, hi, color="0.5", alpha=0.18, lw=0, label=label)
