"""Hoffmann et al. 2022 Figure 3's layout (IsoFLOP profiles, then N_opt and D_opt against FLOPs) on
the v2 measured-here study (``docs/study-v2.md``), drawn from
:func:`scalinglaws.analysis.study_v2.isoflop_study`: one row per corpus with v2 IsoFLOP runs.

Left: every seed's final loss, the mean over seeds per size with a band of +-1 seed sd (seaborn),
the parabola in log N through every seed's point and its vertex with the bootstrap's 80% interval
on N_opt. Centre and right: the vertices against FLOPs (N_opt with its interval; D_opt is read
off the runs at N_opt), the power law measured here and the band of slopes its bootstrap allows; Table 2's Approach 2 exponents and Kaplan's are
published laws, drawn as slopes through the middle of the fit (their prefactors belong to another
tokenizer and scale).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.study_v2 import IsoFLOPStudy
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import budget_colours, flops_axis, minima_axes, slope_band
from scalinglaws.figures.style import BLUE, RED, footnote, set_axes, use_style

FIGURES = (
    FigureInfo(
        "hoffmann2022_fig3_measured",
        "09_study_v2",
        "Hoffmann 2022 Fig 3 (Approach 2), measured here: the v2 study",
        "v2 IsoFLOP plan: 8+ sizes a budget, 3 seeds each, lr tuned per size; parabola in log10 N "
        "through every seed; bootstrap over sizes and seeds (80%), exponents' intervals widened to the regression t interval where the optima scatter more; N_opt = k C^a, D_opt = k' C^b; "
        "Table 2's Approach 2 and Kaplan's exponents as slopes",
        "measured here, published law",
    ),
)

TITLE = {"prose": "English prose", "code-sympy": "Python code (SymPy)"}


def _power(C, law: tuple[float, float], slope: float | None = None, centre: float = 1.0):
    """10^icpt C^slope, or a line of another slope through the law's value at ``centre``."""
    icpt, s = law
    if slope is None:
        return 10**icpt * C**s
    return 10**icpt * centre**s * (C / centre) ** slope


def figure(studies: list[IsoFLOPStudy], flops_min: float = 1e11, flops_max: float = 1e14):
    """One row per corpus: profiles with seed bands, N_opt and D_opt against FLOPs."""
    import seaborn as sns

    use_style()
    budgets = sorted({float(b) for s in studies for b in s.runs["flops_budget"].unique()})
    flops_min, flops_max = flops_axis(budgets, flops_min, flops_max)
    colours, _ = budget_colours(budgets)
    C = np.geomspace(flops_min, flops_max, 200)
    fig, axes = plt.subplots(
        len(studies), 3, figsize=(14, 4.4 * len(studies)), layout="constrained", squeeze=False
    )
    t2, kap = HOFFMANN.table2.approach2, HOFFMANN.table_a2.kaplan
    for row, st in enumerate(studies):
        ax = axes[row, 0]
        runs = st.runs.assign(budget=st.runs["flops_budget"].map(lambda x: f"{x:.0e} FLOP"))
        palette = {f"{b:.0e} FLOP": colours[b] for b in budgets}
        sns.lineplot(
            data=runs,
            x="params_total",
            y="loss_nats",
            hue="budget",
            palette=palette,
            estimator="mean",
            errorbar="sd",
            err_kws={"alpha": 0.22, "lw": 0},
            lw=1.0,
            marker=None,
            ax=ax,
            legend=False,
        )
        ax.scatter(
            runs["params_total"],
            runs["loss_nats"],
            s=7,
            alpha=0.55,
            c=[colours[float(b)] for b in runs["flops_budget"]],
            lw=0,
            zorder=3,
        )
        t = st.optima.table
        for _, r in t.iterrows():
            b = float(r["budget"])
            if b not in st.parabolas:
                continue
            g = runs[runs["flops_budget"] == b]
            x = np.linspace(
                np.log10(g["params_total"].min()), np.log10(g["params_total"].max()), 80
            )
            ax.plot(10**x, np.polyval(st.parabolas[b], x), color=colours[b], lw=0.9, ls="--")
            ax.errorbar(
                [r["N_opt"]],
                [r["L_opt"]],
                xerr=[[r["N_opt"] - r["N_lo"]], [r["N_hi"] - r["N_opt"]]],
                fmt="D",
                ms=5,
                mfc="white",
                mec=colours[b],
                ecolor=colours[b],
                capsize=2.5,
                zorder=5,
            )
            ax.plot([], [], color=colours[b], lw=1.5, label=f"{b:.0e} FLOP")
        ax.plot([], [], "o", ms=3, color="0.4", label=provenance(MEASURED_HERE, "each seed"))
        ax.fill_between(
            [],
            [],
            color="0.6",
            alpha=0.3,
            label=provenance(MEASURED_HERE, "mean over seeds, +-1 seed sd"),
        )
        ax.plot(
            [],
            [],
            color="0.4",
            ls="--",
            lw=0.9,
            label=provenance(MEASURED_HERE, "parabola in log N, all seeds"),
        )
        ax.errorbar(
            [],
            [],
            xerr=[],
            fmt="D",
            ms=5,
            mfc="white",
            mec="0.4",
            ecolor="0.4",
            label=provenance(MEASURED_HERE, f"vertex, N_opt's {st.optima.level:.0%} interval"),
        )
        set_axes(
            ax,
            "Parameters (with embeddings)",
            "Validation loss (nats/byte)",
            f"{TITLE.get(st.corpus, st.corpus)}: IsoFLOP profiles (v2)",
        )
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.35 * (hi - lo))
        ax.legend(loc="upper center", fontsize=6.4, ncols=2)

        ok = t[np.isfinite(t["N_opt"])]
        centre = float(np.exp(np.mean(np.log(ok["budget"])))) if len(ok) else 1.0
        for ax, col, sym, pub, kexp, ylabel in (
            (axes[row, 1], "N_opt", "a", t2.a, kap.a, "Parameters (with embeddings)"),
            (axes[row, 2], "D_opt", "b", t2.b, kap.b, "Tokens (bytes)"),
        ):
            if col == "N_opt":
                err = [ok["N_opt"] - ok["N_lo"], ok["N_hi"] - ok["N_opt"]]
            else:
                err = None
            ax.errorbar(ok["budget"], ok[col], yerr=err, fmt="none", ecolor="0.3", capsize=3, lw=1)
            ax.scatter(
                ok["budget"],
                ok[col],
                s=34,
                c=[colours[float(b)] for b in ok["budget"]],
                edgecolors="black",
                linewidths=0.5,
                zorder=4,
                label=provenance(MEASURED_HERE, f"IsoFLOP vertices, {len(ok)} budgets"),
            )
            if st.exponents is not None and col in st.laws:
                e = st.exponents[sym]
                ax.plot(
                    C,
                    _power(C, st.laws[col]),
                    color="0.1",
                    lw=1.4,
                    label=provenance(
                        MEASURED_HERE,
                        f"{sym} = {e.value:.3f} [{e.lo:.3f}, {e.hi:.3f}], {e.level:.0%}",
                    ),
                )
                lo = _power(C, st.laws[col], e.lo, centre)
                hi = _power(C, st.laws[col], e.hi, centre)
                slope_band(ax, C, lo, hi, provenance(MEASURED_HERE, f"slopes in {sym}'s interval"))
                for exponent, colour, ls, source in (
                    (pub, BLUE, "--", f"Table 2 Approach 2: {sym} = {pub:.2f}"),
                    (kexp, RED, ":", f"Kaplan 2020 (Hoffmann 2022 Table A2): {sym} = {kexp:.2f}"),
                ):
                    ax.plot(
                        C,
                        _power(C, st.laws[col], exponent, centre),
                        color=colour,
                        ls=ls,
                        lw=1.2,
                        label=provenance(PUBLISHED_LAW, f"{source}, slope only"),
                    )
            minima_axes(ax, "Training FLOPs (exact count)", ylabel, (flops_min, flops_max))
            ax.legend(loc="upper left", fontsize=6.4)
    footnote(
        fig,
        "Published slopes are drawn through the middle of the fit measured here; "
        "their prefactors belong to the papers' tokenizers and scales, so only the slopes "
        "compare.",
    )
    return fig
