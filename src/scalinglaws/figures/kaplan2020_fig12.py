"""Kaplan et al. 2020, Figure 12: excess compute and excess steps away from the efficient size.

Both panels are published laws: eqs B.16 and B.17 (App. B.4) with alpha_N = 0.076 and
alpha_S = 0.76 (Table 5). The annotated numbers are solved from the equations, not typed
(:func:`scalinglaws.analysis.excess.figure12_numbers`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.excess import figure12_numbers
from scalinglaws.constants import KAPLAN
from scalinglaws.core.kinds import PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.style import BLUE, set_axes, use_style
from scalinglaws.laws.kaplan_efficient import excess_compute_ratio, excess_steps_ratio

FIGURES = (
    FigureInfo(
        "kaplan2020_fig12",
        "06_excess_compute_steps",
        "Kaplan 2020 Fig 12",
        "eqs B.16, B.17; alpha_N, alpha_S from Table 5",
        "published law",
    ),
)

_C_EQ = "Kaplan 2020 eq B.16"
_S_EQ = "Kaplan 2020 eq B.17"


def figure12(ratio_min: float = 0.1, ratio_max: float = 10.0, n_points: int = 400):
    """Kaplan 2020 Figure 12, both panels, from eqs B.16 (left) and B.17 (right).

    ratio_min, ratio_max: the N/N_eff axis range (the paper shows 0.1 to 10); the curves start just
    above the equations' pole at 0.285. n_points: points per curve, log-spaced.
    """
    use_style()
    nums = figure12_numbers()
    start = max(ratio_min, nums.pole * (1.0 + 1e-6))
    x = np.geomspace(start, ratio_max, n_points)
    c_ratio = excess_compute_ratio(x)
    s_ratio = excess_steps_ratio(x)

    fig, (ax_c, ax_s) = plt.subplots(1, 2, figsize=(9.6, 3.9), layout="constrained")
    law_colour = BLUE

    # Left: excess compute (eq B.16), linear y from 1 to 4 as in the paper.
    ax_c.plot(x, c_ratio, color=law_colour, label=provenance(PUBLISHED_LAW, _C_EQ))
    ax_c.axvspan(nums.lower_ratio, nums.upper_ratio, color=law_colour, alpha=0.12, lw=0)
    ax_c.axhline(nums.penalty, color="0.35", lw=0.8, ls="--")
    for r in (nums.lower_ratio, nums.upper_ratio):
        ax_c.plot([r], [nums.penalty], "o", ms=4, color="0.15")
        ax_c.annotate(
            f"{r:.2f}x",
            (r, nums.penalty),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax_c.text(  # upper right: the curve's left branch rises through the upper middle
        0.98,
        0.97,
        f"Models between {nums.lower_ratio:.2f}x and {nums.upper_ratio:.2f}x the optimal size\n"
        f"can be trained with a {nums.penalty - 1:.0%} larger compute budget\n"
        f"(paper: {KAPLAN.figure12.lower_ratio}x and {KAPLAN.figure12.upper_ratio}x)",
        transform=ax_c.transAxes,
        ha="right",
        va="top",
        fontsize=8,
    )
    ax_c.axvline(nums.pole, color="0.5", lw=0.8, ls=":")
    ax_c.annotate(
        f"pole of eq B.16 at {nums.pole:.3f}",
        (nums.pole, 2.5),
        xytext=(-3, 0),
        textcoords="offset points",
        fontsize=7.5,
        color="0.3",
        va="center",
        ha="right",
        rotation=90,
    )
    set_axes(
        ax_c,
        r"Deviation from Optimal Model ($N/N_\mathrm{efficient}$)",
        r"Excess Compute ($C/C_\mathrm{efficient}$)",
        xlim=(ratio_min, ratio_max),
        ylim=(1.0, 4.0),
    )
    ax_c.legend(loc="upper right", bbox_to_anchor=(1.0, 0.83))

    # Right: excess steps (eq B.17), log y from 10^-0.5 to 10^1 as in the paper.
    up = KAPLAN.figure12.upper_ratio
    ax_s.plot(x, s_ratio, color=law_colour, label=provenance(PUBLISHED_LAW, _S_EQ))
    ax_s.axhline(1.0, color="0.35", lw=0.8, ls="--")
    ax_s.plot([up], [nums.step_ratio_at_paper_upper], "o", ms=4, color="0.15")
    ax_s.annotate(
        f"{up}x the optimal size:\n{nums.step_saving_at_paper_upper:.0%} fewer steps "
        f"($S/S_\\mathrm{{eff}}$ = {nums.step_ratio_at_paper_upper:.3f})",
        (up, nums.step_ratio_at_paper_upper),
        xytext=(-8, -6),
        textcoords="offset points",
        fontsize=8,
        ha="right",
        va="top",
    )
    ax_s.text(
        0.97,
        0.97,
        "Smaller models require more steps to train,\nwhile larger models require fewer",
        transform=ax_s.transAxes,
        ha="right",
        va="top",
        fontsize=8,
    )
    x_far = ratio_max / 1.6
    ax_s.annotate(
        "Our framework does not capture\nearly training dynamics",
        (x_far, float(excess_steps_ratio(x_far))),
        xytext=(0.97, 0.62),
        textcoords="axes fraction",
        fontsize=8,
        ha="right",
        va="center",
        arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8},
    )
    ax_s.axvline(nums.pole, color="0.5", lw=0.8, ls=":")
    set_axes(
        ax_s,
        r"Deviation from Optimal Model ($N/N_\mathrm{efficient}$)",
        r"Excess Steps ($S/S_\mathrm{efficient}$)",
        log="xy",
        xlim=(ratio_min, ratio_max),
        ylim=(10**-0.5, 10**1),
    )
    ax_s.legend(loc="upper right", bbox_to_anchor=(1.0, 0.86))
    return fig
