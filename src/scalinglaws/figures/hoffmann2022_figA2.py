"""Hoffmann et al. 2022 (Chinchilla) Appendix C, Figure A2, measured here: Approach 2 on this
project's prose (in C4's role) and Python code (in GitHub's role) runs, drawn from
:func:`scalinglaws.analysis.c4_github.analyse` (which says what is measured and how N, C and D are
counted). One row per corpus: the IsoFLOP parabolas, then D_opt and N_opt at the vertices against
FLOPs with the power laws measured here; Table A2's and Kaplan's exponents are published laws,
drawn as slopes through the middle of our fit (their prefactors belong to another tokenizer and
scale, so only the slope carries over).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws import estimators
from scalinglaws.analysis.c4_github import LEVEL, ROLE, Analysis, published_exponents
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import budget_colours, flops_axis, minima_axes, slope_band
from scalinglaws.figures.style import BLUE, RED, footnote, set_axes, use_style

FIGURES = (
    FigureInfo(
        "hoffmann2022_figA2_measured",
        "05_c4_github",
        "Hoffmann 2022 Fig A2 and Table A2, measured here",
        "Approach 2 on the v2 study's prose (C4's role) and SymPy code (GitHub's role) IsoFLOP "
        "runs, 3 seeds a size: parabola in log10 N per budget through every seed (exact FLOP "
        "count), vertices, N_opt = k C^a, D_opt = k' C^b with bootstrap 10th-90th pct over sizes "
        "then seeds; Table A2's and Kaplan's exponents as slopes",
        "measured here, published law",
    ),
)

TITLE = {"prose": "English prose (in C4's role)", "code": "Python code (in GitHub's role)"}
_KAPLAN_COLOUR = RED
_PAPER_COLOUR = BLUE


def _fmt_interval(iv) -> str:
    return "" if iv is None else f" [{iv[0]:.2f}, {iv[1]:.2f}]"


def _slope_through(C, law: estimators.PowerLaw, exponent: float, centre: float):
    """A power law of the given exponent through our fit's value at ``centre`` FLOPs."""
    return law(centre) * (C / centre) ** exponent


def figure_a2(an: Analysis, flops_min: float = 1e11, flops_max: float = 1e14):
    """Chinchilla Figure A2's layout on the measured runs: one row per corpus; loss vs N with
    the parabolas per budget (left), tokens (centre) and parameters (right) at the IsoFLOP
    minima against FLOPs with our power laws and intervals, and the published slopes."""
    use_style()
    budgets = sorted({b for cf in an.corpora.values() for b in cf.runs["flops_budget"].unique()})
    flops_min, flops_max = flops_axis(budgets, flops_min, flops_max)
    colours, _ = budget_colours(budgets)
    nrows = len(an.corpora)
    fig, axes = plt.subplots(
        nrows, 3, figsize=(13.5, 4.1 * nrows), layout="constrained", squeeze=False
    )
    C = np.geomspace(flops_min, flops_max, 200)
    nlabel = "Parameters " + (
        "(non-embedding)" if an.params_count == "non-embedding" else "(with embeddings)"
    )
    for row, (corpus, cf) in enumerate(an.corpora.items()):
        fit, N, g = cf.fit, cf.N, cf.runs
        ax = axes[row, 0]
        for b in budgets:  # colours shared by the rows; a row lists only the budgets it has
            sel = (g["flops_budget"] == b).to_numpy()
            if not sel.any():
                continue
            ax.plot(
                N[sel],
                g["loss_nats"][sel],
                "o",
                ms=4,
                color=colours[b],
                zorder=3,
                label=f"{b:.0e} FLOPs",
            )
        for p in fit.profiles:
            sel = (g["flops_budget"] == p.budget).to_numpy()
            x = np.linspace(np.log10(N[sel].min()) - 0.1, np.log10(N[sel].max()) + 0.1, 100)
            ax.plot(10**x, np.polyval(p.coef, x), color=colours[p.budget], lw=1.2)
            ax.plot([p.N_opt], [p.L_min], "D", ms=5, mfc="white", mec=colours[p.budget], zorder=4)
        ax.plot([], [], "o", ms=4, color="0.4", label=an.series("final loss", fitted=False))
        ax.plot([], [], color="0.4", label=an.series("parabola in log N"))
        ax.plot([], [], "D", ms=5, mfc="white", mec="0.4", label="vertex: N_opt, L_min")
        set_axes(
            ax,
            nlabel,
            "Validation loss (nats/byte)" if an.measured else "Validation loss",
            f"{TITLE.get(corpus, 'Runs')}: IsoFLOP profiles",
        )
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.3 * (hi - lo))  # room for the legend above the profiles
        ax.legend(loc="upper right", fontsize=6.6, ncols=2)

        pa, pb = published_exponents(corpus)
        kap = HOFFMANN.table_a2.kaplan
        centre = float(np.exp(np.mean(np.log([p.flops for p in fit.profiles]))))
        for ax, what, law, pub, kexp, sym, ylabel in (
            # Figure 3's order ("as in Figure 3", App. C): parameters in the middle, tokens right
            (axes[row, 1], "N_opt", fit.N_opt, pa, kap.a, "a", nlabel),
            (
                axes[row, 2],
                "D_opt",
                fit.D_opt,
                pb,
                kap.b,
                "b",
                "Tokens (bytes)" if an.measured else "Tokens",
            ),
        ):
            ax.scatter(
                [p.flops for p in fit.profiles],
                [getattr(p, what) for p in fit.profiles],
                s=28,
                c=[colours[p.budget] for p in fit.profiles],
                edgecolors="black",
                linewidths=0.5,
                zorder=4,
                label=an.series("IsoFLOP minima (vertices)"),
            )
            iv = law.exponent_interval
            ax.plot(
                C,
                law(C),
                color="0.1",
                lw=1.4,
                label=an.series(f"{sym} = {law.exponent:.2f}{_fmt_interval(iv)}"),
            )
            if iv is not None:
                lo = _slope_through(C, law, iv[0], centre)
                hi = _slope_through(C, law, iv[1], centre)
                slope_band(ax, C, lo, hi, f"{sym}'s {LEVEL:.0%} interval")
            for exponent, colour, ls, lw, source in (
                (
                    pub,
                    _PAPER_COLOUR,
                    "--",
                    1.2,
                    f"Table A2, {ROLE[corpus]}" if corpus in ROLE else "Hoffmann 2022 Table 2",
                ),
                (kexp, _KAPLAN_COLOUR, ":", 1.3, "Kaplan 2020 (Hoffmann 2022 Table A2)"),
            ):
                ax.plot(
                    C,
                    _slope_through(C, law, exponent, centre),
                    color=colour,
                    ls=ls,
                    lw=lw,
                    label=provenance(PUBLISHED_LAW, f"{source}: {sym} = {exponent:.2f}"),
                )
            minima_axes(
                ax,
                "Training FLOPs (exact count)" if an.measured else "Training FLOPs",
                ylabel,
                (flops_min, flops_max),
            )
            ax.legend(loc="upper left", fontsize=6.6)
    footnote(
        fig,
        "Published slopes are drawn through the middle of our fit; their prefactors belong to "
        "the paper's tokenizer and 1e19-1e21 FLOPs, so only the slopes compare.",
    )
    return fig
