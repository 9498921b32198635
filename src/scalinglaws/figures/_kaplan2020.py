"""The drawing conventions of Kaplan et al. 2020's figures, shared by :mod:`.kaplan2020_fig2` and
:mod:`.kaplan2020_fig11`: eq 5.6 dotted outside its fitted range, the paper's loss axis, the colour
a colour bar gives a value."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

from scalinglaws.constants import KAPLAN

EXTRAPOLATED = {"ls": (0, (1.2, 1.6)), "alpha": 0.75}  # dotted: eq 5.6 outside its fitted range
N_SIZES_LABEL = "Line color indicates number of parameters (non-embedding)"

FIG2_EQ = "Kaplan 2020 eqs 5.3, 5.4, 5.6, Table 3, B = 2^19"  # the source of Figure 2 left's law


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
