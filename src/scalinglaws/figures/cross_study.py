"""Every data set through the same methods: the cross-study figure (drawing only).

The numbers come from :mod:`scalinglaws.analysis.cross_study` (no plotting there): a and b with bootstrap
intervals for each data set, approach and count of N, and Approach 2's bias on each data set's own
grid. Left panel: a with its interval per row, beside Hoffmann 2022 Table 2's and Kaplan's values.
Right panel: Approach 2's a on the noise-free simulation of each data set's grid minus the true
beta / (alpha + beta) of the surface it was simulated from.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_LAW, REFIT_HERE, provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures.style import BLUE, RED, use_style

FIGURES = (
    FigureInfo(
        "cross_study",
        "08_cross_study",
        "Hoffmann 2022 Table 2 across data sets",
        "Approaches 1-3 (fit_runs) on Epoch's Chinchilla points, Llama 3's Fig 2 points, "
        "(Mis)Fitting's curves (N with and without embeddings), Gadre et al.'s over-trained "
        "models (Approach 3, per training corpus), the Gemstones checkpoints (Approach 1, "
        "without and with cooldown) and the runs measured here, "
        "95% bootstrap intervals; Approach 2's bias on each data set's own grid simulated on "
        "its own eq 2 fit",
        "published data, refit here, measured here, published law",
    ),
)

_APPROACH_MARKER = {1: "s", 2: "o", 3: "D"}
_KIND_COLOUR = {REFIT_HERE: BLUE, MEASURED_HERE: RED}
_SHORT = {
    "epoch-chinchilla-fig4": "Chinchilla (Epoch extraction)",
    "llama3-isoflops": "Llama 3 (Fig 2 points)",
    "misfitting-scaling-results": "(Mis)Fitting (Li et al. 2025)",
    "measured-here-prose": "this project, prose",
    "measured-here-code": "this project, code",
    "gadre-c4": "Gadre et al. 2024, C4",
    "gadre-rpj": "Gadre et al. 2024, RedPajama",
    "gadre-rw": "Gadre et al. 2024, RefinedWeb",
    "gemstones": "Gemstones (McLeish et al. 2025)",
    "gemstones-cooldown": "Gemstones, cooldown",
}


def _kind(row) -> str:
    return MEASURED_HERE if row["provenance"].startswith("measured here") else REFIT_HERE


def _label(row) -> str:
    n = "" if row["params"] == "total" else ", N non-emb."
    return f"{_SHORT.get(row['dataset'], row['dataset'])}: Approach {row['approach']}{n}"


def figure(table: pd.DataFrame, bias: pd.DataFrame):
    """Two panels: a with intervals per (data set, approach, N count); Approach 2's bias."""
    use_style()
    fig, (ax, bx) = plt.subplots(
        1, 2, figsize=(13, 0.32 * len(table) + 3.2), gridspec_kw={"width_ratios": [3, 1.6]}
    )
    y = np.arange(len(table))[::-1]
    for yi, (_, r) in zip(y, table.iterrows(), strict=True):
        colour = _KIND_COLOUR[_kind(r)]
        marker = _APPROACH_MARKER[int(r["approach"])]
        if not r["identifiable"]:
            # no interval: the data do not pin this fit down (the table's note says why)
            ax.plot(r["a"], yi, marker, mfc="white", mec=colour, mew=1.5, ms=6)
            continue
        if np.isfinite(r["a_lo"]):
            ax.plot([r["a_lo"], r["a_hi"]], [yi, yi], color=colour, lw=2, solid_capstyle="butt")
        ax.plot(r["a"], yi, marker, color=colour, ms=6)
    t2 = HOFFMANN.table2
    published = (
        (t2.approach1.a, "--", "Hoffmann 2022 Table 2"),
        (t2.kaplan.a, ":", "Kaplan 2020 via Table 2"),
    )
    for a, ls, source in published:
        label = provenance(PUBLISHED_LAW, f"{source}, a = {a:.2f}")
        ax.axvline(a, color="0.3", ls=ls, lw=1, label=label)
    ax.set_yticks(y, [_label(r) for _, r in table.iterrows()], fontsize=8)
    ax.set_xlabel(r"$a$ in $N_\mathrm{opt} \propto C^a$")
    level = table["level"].dropna()
    pct = f"{100 * level.iloc[0]:g}% bootstrap interval" if len(level) else "no bootstrap"
    for kind, colour in _KIND_COLOUR.items():
        what = "published data, refit here" if kind == REFIT_HERE else kind
        ax.plot([], [], color=colour, lw=2, label=f"{what} ({pct})")
    for approach, marker in _APPROACH_MARKER.items():
        ax.plot([], [], marker, color="0.4", label=f"Approach {approach}")
    if not table["identifiable"].all():
        ax.plot(
            [],
            [],
            "D",
            mfc="white",
            mec="0.4",
            mew=1.5,
            label="not identifiable: estimate only, no interval (see the table's note)",
        )
    ax.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.45, -0.07), ncol=2, frameon=False)
    ax.set_title("Compute-optimal exponent a, every data set and approach", fontsize=10)
    yb = np.arange(len(bias))[::-1]
    colours = [
        _KIND_COLOUR[MEASURED_HERE if d.startswith("measured") else REFIT_HERE]
        for d in bias["dataset"]
    ]
    ok = bias["identifiable"].to_numpy(bool)
    bx.barh(yb[ok], bias["bias"][ok], color=np.array(colours)[ok], height=0.6)
    # a surface the data do not pin down: its bias is drawn hollow, and its label says so
    bx.barh(
        yb[~ok],
        bias["bias"][~ok],
        height=0.6,
        color="white",
        edgecolor=np.array(colours)[~ok],
        hatch="//",
    )
    bx.axvline(0, color="0.3", lw=1)
    for yi, v in zip(yb, bias["bias"], strict=True):
        # right of the bar's end, or of zero for a negative bar: clear of the tick labels
        bx.annotate(
            f"{v:+.4f}",
            (max(v, 0.0), yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=8,
        )
    lo, hi = float(min(bias["bias"].min(), 0)), float(max(bias["bias"].max(), 0))
    bx.set_xlim(lo - 0.3 * (hi - lo), hi + 0.3 * (hi - lo))
    labels = [
        f"{_SHORT.get(d, d)}{'' if p == 'total' else ', N non-emb.'}"
        f"{'' if i else chr(10) + '(surface not identifiable)'}"
        for d, p, i in zip(bias["dataset"], bias["params"], ok, strict=True)
    ]
    bx.set_yticks(yb, labels, fontsize=8)
    bx.set_xlabel(r"Approach 2's $a$ minus $\beta/(\alpha+\beta)$")
    bx.set_title(
        "Approach 2's bias on each data set's own grid\n(noise-free, on its own Approach 3 fit)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
