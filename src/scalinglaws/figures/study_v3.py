"""The v3 study: Chinchilla's three approaches on one set of runs (drawing only).

Left: every v3 learning curve (colour: size) with the envelope's winners over the declared fit
range (Approach 1). Middle: the IsoFLOP slices read from the same runs, one parabola per budget and
its vertex (Approach 2). Right: a of each approach with its 80% interval, for N with embeddings
(filled) and the two other counts of N (open), beside Hoffmann 2022 Table 2's three rows.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_LAW, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.style import BLUE, RED, set_axes, use_style

FIGURES = (
    FigureInfo(
        "study_v3",
        "11_study_v3",
        "Hoffmann 2022 Table 2 and Figs 2-4, measured here: the v3 study",
        "v3 prose runs (12 sizes x 4 cosine horizons over 16x, docs/study-v3.md): Approach 1 "
        "envelope over the declared range; Approach 2 parabolas on IsoFLOP slices of the same runs; "
        "Approach 3 Huber fit of eq 2 on their final losses; 80% intervals; Table 2's rows",
        "measured here, published law",
    ),
)

_MARK = {"Approach 1": "s", "Approach 2": "o", "Approach 3": "D"}


def figure(
    curves: pd.DataFrame,
    runs: pd.DataFrame,
    a1_details: dict,
    points: pd.DataFrame,
    a2_result,
    table: pd.DataFrame,
):
    """Three panels (see the module's docstring): ``points`` are the IsoFLOP slices
    (:func:`scalinglaws.analysis.study_v3.isoflop_points`); ``a2_result`` may be None."""
    use_style()
    fig, (ax, bx, cx) = plt.subplots(
        1, 3, figsize=(16, 4.8), layout="constrained", gridspec_kw={"width_ratios": [1.15, 1, 1]}
    )
    sizes = np.sort(runs["params_total"].unique())
    norm = LogNorm(sizes.min(), sizes.max())
    cmap = plt.get_cmap("viridis")
    for _, g in curves.groupby("run_id"):
        g = g.sort_values("flops")
        ax.plot(
            g["flops"],
            g["loss_nats"],
            color=cmap(norm(g["params_total"].iloc[0])),
            lw=0.8,
            alpha=0.8,
        )
    lo, hi = a1_details["flops_range"]
    ax.axvspan(
        lo, hi, color="0.5", alpha=0.1, lw=0, label=f"fit range (declared): {lo:.2g}-{hi:.2g} FLOP"
    )
    ax.plot([], [], color=cmap(0.5), lw=0.8, label=provenance(MEASURED_HERE, "v3 learning curves"))
    set_axes(
        ax,
        "training FLOP (exact count)",
        "validation loss (nats/byte)",
        "Approach 1: curves of 12 sizes x 4 horizons",
        xlim=(0.1 * runs["flops"].min(), 1.5 * runs["flops"].max()),
        ylim=(None, 2.6),
    )
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.02, label="N")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1)

    if a2_result is not None:
        colours = plt.get_cmap("plasma")(np.linspace(0.1, 0.8, len(a2_result.profiles)))
        for p, c in zip(a2_result.profiles, colours, strict=True):
            pts = points[points["budget"] == p.budget]
            bx.plot(pts["params"], pts["loss_nats"], "o", color=c, ms=4)
            xx = np.linspace(np.log10(pts["params"]).min(), np.log10(pts["params"]).max(), 50)
            bx.plot(
                10**xx,
                np.polyval(p.coef, xx),
                color=c,
                lw=1,
                label=provenance(MEASURED_HERE, f"{p.flops:.0e} FLOP"),
            )
            bx.plot([p.N_opt], [p.L_min], "*", color=c, ms=10, mec="k", mew=0.5)
        bx.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)
    else:
        bx.text(0.5, 0.5, "no two budgets with 6 sizes yet", ha="center", transform=bx.transAxes)
    set_axes(
        bx,
        "parameters (with embeddings)",
        "loss at the budget (nats/byte)",
        "Approach 2: IsoFLOP slices of the same runs",
    )

    rows = table[table["approach"].isin(list(_MARK))].reset_index(drop=True)
    labels = []
    y = 0
    for _, r in rows.iloc[::-1].iterrows():
        published = r["N"].startswith("Hoffmann")
        main = r["N"] == "with embeddings"
        colour = BLUE if published else RED
        if np.isfinite(r.get("a_lo", np.nan)):  # an interval need not hold its point estimate
            cx.hlines(y, r["a_lo"], r["a_hi"], color=colour, lw=1.4)
            cx.plot([r["a_lo"], r["a_hi"]], [y, y], "|", color=colour, ms=7)
        if np.isfinite(r.get("a", np.nan)):
            # hollow: another count of N, or a fit without an interval (not identifiable)
            filled = published or (main and np.isfinite(r.get("a_lo", np.nan)))
            cx.plot(
                [r["a"]],
                [y],
                _MARK[r["approach"]],
                color=colour,
                ms=6,
                mfc=colour if filled else "white",
            )
        labels.append(f"{r['approach']}, {r['N']}")
        y += 1
    cx.set_yticks(range(len(labels)), labels, fontsize=7)
    cx.axvline(0.5, color="0.6", lw=0.8, ls=":")
    cx.errorbar(
        [],
        [],
        xerr=[],
        fmt="o",
        color=RED,
        label=provenance(
            MEASURED_HERE, "v3, 80% interval (open: other counts of N; no bar: not identifiable)"
        ),
    )
    cx.errorbar(
        [],
        [],
        xerr=[],
        fmt="o",
        color=BLUE,
        label=provenance(PUBLISHED_LAW, "Hoffmann 2022 Table 2, 10th-90th pct"),
    )
    cx.set(xlabel="a  (N_opt proportional to C^a)", title="The three approaches' a")
    cx.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1)
    return fig
