"""The drawing conventions shared by the Hoffmann et al. 2022 figures: each published allocation
law's colour and line style, the Gopher budget's colour, and the colours of FLOP budgets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm

GOPHER_COLOUR = "#2ca02c"
BUDGET_CMAP = "viridis"
LAW_STYLES = {
    "kaplan": ("#7f7f7f", "-."), "approach1": ("#ff7f0e", "--"),
    "approach2": ("#9467bd", "--"), "approach3-rounded": ("#8c564b", ":"),
    "approach3-tex": ("#d62728", "--"), "epoch-refit": ("#17becf", "-"),
}  # fmt: skip
"""(colour, line style) of each published allocation law, the same on every figure."""


def budget_colours(budgets):
    norm = LogNorm(min(budgets), max(budgets))
    cmap = plt.get_cmap(BUDGET_CMAP)
    return {b: cmap(0.9 * norm(b)) for b in budgets}, norm
