"""Porian et al. 2024 Figure 1, measured here: the Kaplan-Chinchilla discrepancy ladder on the v2
prose runs, drawn from :func:`scalinglaws.analysis.ladder.ladder`.

Left: each step's IsoFLOP optima (N_opt with its 80% bootstrap interval) against FLOPs in that
step's own count, with its power law. Right: the exponent a of every step with its 80% interval
(measured here) beside the exponents Porian et al. fit on RefinedWeb, with their 95% intervals
(published laws), and Kaplan's 0.73 and Chinchilla's Approach 2 value as reference lines.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from scalinglaws.analysis.ladder import LadderRow
from scalinglaws.constants import HOFFMANN, PORIAN
from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.style import BLUE, RED, set_axes, use_style

FIGURES = (
    FigureInfo(
        "porian2024_fig1_measured",
        "10_ladder",
        "Porian 2024 Fig 1 (the discrepancy ladder), measured here",
        "v2 prose ladder: IsoFLOP optima per step (6N without/with the output layer, exact count) "
        "from long runs' learning curves or final losses; a per step with its 80% interval (the wider of the bootstrap and the regression t interval of the optima's scatter); "
        "Porian's RefinedWeb a with 95% intervals",
        "measured here, published law",
    ),
)


def figure(rows: list[LadderRow], alternative: list[LadderRow] = ()):
    """The ladder: optima per step against FLOPs (left) and a per step (right)."""
    import seaborn as sns

    use_style()
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(14, 5.4), layout="constrained", gridspec_kw={"width_ratios": [1, 1.3]}
    )
    colours = dict(
        zip([r.step.key for r in rows], sns.color_palette("tab10", len(rows)), strict=True)
    )
    for r in rows:
        if r.optima is None:
            continue
        t = r.optima.table[np.isfinite(r.optima.table["N_opt"])]
        c = colours[r.step.key]
        left.errorbar(
            t["budget"],
            t["N_opt"],
            yerr=[t["N_opt"] - t["N_lo"], t["N_hi"] - t["N_opt"]],
            fmt="o",
            ms=4.5,
            color=c,
            capsize=2.5,
            lw=1,
            label=provenance(MEASURED_HERE, f"step {r.step.key}, {r.step.accounting} count"),
        )
        if r.a is not None and len(t) >= 2:
            x = np.log10(t["budget"].to_numpy(float))
            slope, icpt = np.polyfit(x, np.log10(t["N_opt"].to_numpy(float)), 1)
            xx = np.linspace(x.min() - 0.15, x.max() + 0.15, 20)
            left.plot(
                10**xx,
                10 ** (icpt + slope * xx),
                color=c,
                lw=1.1,
                label=provenance(MEASURED_HERE, f"step {r.step.key}: a = {slope:.2f}"),
            )
    set_axes(
        left,
        "Training FLOPs (in each step's count)",
        "N_opt (in each step's count)",
        "IsoFLOP optima per step (measured here, 80% intervals)",
        log="xy",
    )
    left.xaxis.set_minor_formatter(NullFormatter())
    left.yaxis.set_minor_formatter(NullFormatter())
    left.legend(fontsize=6.8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)

    pub = PORIAN.refinedweb
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows, strict=True):
        c = colours[r.step.key]
        if r.a is not None:
            right.errorbar(
                [r.a.value],
                [yi + 0.12],
                xerr=[[r.a.value - r.a.lo], [r.a.hi - r.a.value]],
                fmt="o",
                color=c,
                ms=6,
                capsize=3,
                lw=1.4,
            )
            used = r.optima.table["budget"][np.isfinite(r.optima.table["N_opt"])]
            right.annotate(
                f"{r.a.value:.2f}  ({used.min():.0e} - {used.max():.0e} FLOP)",
                (r.a.hi, yi + 0.12),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
                color=c,
            )
        else:
            n_valley = 0 if r.optima is None else int(np.isfinite(r.optima.table["N_opt"]).sum())
            valleys = "no budget" if n_valley == 0 else "1 budget"
            why = (
                f"{r.n_runs} runs so far: {valleys} with an IsoFLOP valley (2 needed)"
                if r.n_runs
                else "not yet run"
            )
            right.text(0.21, yi + 0.12, why, fontsize=7, color="0.5", va="center")
        alt = next((x for x in alternative if x.step.key == r.step.key and x.a is not None), None)
        if alt is not None:  # the curve-read steps under the window rule before step 1 was seen
            right.errorbar(
                [alt.a.value],
                [yi + 0.34],
                xerr=[[max(0, alt.a.value - alt.a.lo)], [max(0, alt.a.hi - alt.a.value)]],
                fmt="o",
                mfc="white",
                color=c,
                ms=5,
                capsize=2,
                lw=0.9,
            )
        if r.step.porian:
            v = getattr(pub, r.step.porian)
            lo, hi = pub.intervals[r.step.porian]
            right.errorbar(
                [v],
                [yi - 0.14],
                xerr=[[v - lo], [hi - v]],
                fmt="s",
                mfc="white",
                mec="0.25",
                ecolor="0.25",
                ms=5.5,
                capsize=3,
                lw=1,
            )
    right.errorbar(
        [],
        [],
        xerr=[],
        fmt="o",
        color="0.3",
        label=provenance(
            MEASURED_HERE, "v2 prose, 80% interval: bootstrap or the optima's scatter, the wider"
        ),
    )
    if alternative:
        right.errorbar(
            [],
            [],
            xerr=[],
            fmt="o",
            mfc="white",
            color="0.3",
            label=provenance(
                MEASURED_HERE,
                "the same, window rule before step 1 was seen "
                "(1 size each side of a budget's best, not 2)",
            ),
        )
    right.errorbar(
        [],
        [],
        xerr=[],
        fmt="s",
        mfc="white",
        mec="0.25",
        ecolor="0.25",
        label=provenance(PUBLISHED_LAW, "Porian 2024 Fig 1 fits, RefinedWeb, 95%"),
    )
    kap, chin = HOFFMANN.table_a2.kaplan.a, HOFFMANN.table2.approach2.a
    published = ((kap, RED, ":", "Kaplan 2020"), (chin, BLUE, "--", "Hoffmann 2022 Approach 2"))
    for a, colour, ls, source in published:
        label = provenance(PUBLISHED_LAW, f"{source}: a = {a:.2f}")
        right.axvline(a, color=colour, ls=ls, lw=1.2, label=label)
    right.set_yticks(y, [f"{r.step.key}. {r.step.label}" for r in rows], fontsize=7)
    right.set(
        xlabel="a  (N_opt proportional to C^a)",
        xlim=(0.2, 1.3),
        ylim=(-0.7, len(rows) - 0.3),
        title="The exponent at each step (cumulative)",
    )
    right.legend(fontsize=6.8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
    return fig
