"""The drawing conventions shared by the Hoffmann et al. 2022 figures: each published allocation
law's colour and line style, the Gopher budget's colour, and the colours of FLOP budgets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

from scalinglaws.plotting import BROWN, CYAN, GREEN, GREY, ORANGE, PURPLE, RED

GOPHER_COLOUR = GREEN
BUDGET_CMAP = "viridis"
LAW_STYLES = {
    "kaplan": (GREY, "-."), "approach1": (ORANGE, "--"),
    "approach2": (PURPLE, "--"), "approach3-rounded": (BROWN, ":"),
    "approach3-tex": (RED, "--"), "epoch-refit": (CYAN, "-"),
}  # fmt: skip
"""(colour, line style) of each published allocation law, the same on every figure."""


def budget_colours(budgets):
    norm = LogNorm(min(budgets), max(budgets))
    cmap = plt.get_cmap(BUDGET_CMAP)
    return {b: cmap(0.9 * norm(b)) for b in budgets}, norm
