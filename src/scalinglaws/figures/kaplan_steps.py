"""Kaplan et al. 2020, steps family: Figure 11 right and Figure 2 left.

Both are drawn from the published laws (the paper drew its runs and fitted curves over them):

* Figure 11 right, "Performance vs Steps": the loss of each model size N after S steps at the paper's
  batch B = 2^19 tokens, from eq 5.6 (Table 3) with S_min from eq 5.4 and B_crit(L) from eq 5.3,
  an implicit equation in L solved exactly (:func:`scalinglaws.laws.kaplan_training.loss_at_steps`).
* Figure 2 left, "Larger models require fewer samples to reach the same performance": learning
  curves against tokens processed (the same law with S = tokens / 2^19), one per size, with the
  tokens each size needs to reach a target loss solved exactly (eq 5.6 inverted) and the ratio
  between two sizes computed.
* Figure 2 left beside this project's measured learning curves (:func:`figure2_left_measured`):
  the same law for the measured sizes, and the curves of tiny byte-level models trained here.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.kaplan import law_tokens, sample_efficiency
from scalinglaws.constants import KAPLAN
from scalinglaws.figures import kaplan_common as kc
from scalinglaws.kinds import PUBLISHED_LAW, provenance
from scalinglaws.laws import kaplan, kaplan_training
from scalinglaws.params import Integer, Less, ParameterSpec, Real
from scalinglaws.plotting import log_colorbar, use_style

NOTEBOOK = "02_steps"

PARAMETERS = ParameterSpec(
    notebook=NOTEBOOK,
    params=[
        Real("steps_min", lo=1.0, hi=1e7, doc="fewest steps in Fig 11 right (colour bar start)"),
        Real("steps_max", lo=1.0, hi=1e7, doc="most steps in Fig 11 right (colour bar end)"),
        Integer("n_steps", lo=2, hi=50, doc="step counts (curves) in Fig 11 right"),
        Real("fig11_params_min", lo=1e2, hi=1e12, doc="left end of Fig 11 right's N axis"),
        Real("fig11_params_max", lo=1e2, hi=1e12, doc="right end of Fig 11 right's N axis"),
        Real("sizes_min", lo=1e2, hi=1e12, doc="smallest model (non-embedding params) in Fig 2"),
        Real("sizes_max", lo=1e2, hi=1e12, doc="largest model (non-embedding params) in Fig 2"),
        Integer("n_sizes", lo=2, hi=50, doc="model sizes (curves) in Fig 2 left"),
        Real("tokens_min", lo=1e3, hi=1e15, doc="left end of Fig 2 left's tokens axis"),
        Real("tokens_max", lo=1e3, hi=1e15, doc="right end of Fig 2 left's tokens axis"),
        Real("target_loss", lo=1.0, hi=20.0, lo_open=True, doc="loss each size is timed to, nats"),
        Real("ratio_small", lo=1e2, hi=1e12, doc="smaller model of the token ratio"),
        Real("ratio_large", lo=1e2, hi=1e12, doc="larger model of the token ratio"),
        Integer("n_points", lo=20, hi=5000, doc="points per curve"),
    ],
    constraints=[
        Less("steps_min", "steps_max"),
        Less("fig11_params_min", "fig11_params_max"),
        Less("sizes_min", "sizes_max"),
        Less("tokens_min", "tokens_max"),
        Less("ratio_small", "ratio_large"),
    ],
)

_FIG11_EQ = "Kaplan 2020 eqs 5.3, 5.4, 5.6, Table 3, B = 2^19"
_FIG2_EQ = "Kaplan 2020 eqs 5.3, 5.4, 5.6, Table 3, B = 2^19"


def figure11_right(
    steps_min=1e4, steps_max=1e5, n_steps=6, params_min=1e6, params_max=1e9, n_points=200
):
    """Kaplan 2020 Figure 11 right: test loss vs non-embedding parameters at fixed step counts.

    steps: ``n_steps`` log-spaced step counts at B = 2^19 (the paper's colour bar spans 1e4 to 1e5);
    params: the N axis (paper: 1e6 to 1e9); n_points: points per curve. One vectorised exact solve.
    """
    use_style()
    S = np.geomspace(steps_min, steps_max, n_steps)
    N = np.geomspace(params_min, params_max, n_points)
    L = kaplan_training.loss_at_steps(N[None, :], S[:, None])
    fitted = kaplan.in_fitted_range(N[None, :], S[:, None])

    fig, ax = plt.subplots(figsize=(5.6, 4.2), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", steps_min, steps_max, "Steps")
    for i, s in enumerate(S):
        kc.plot_law(ax, N, L[i], fitted[i], kc.colour_of(cmap, norm, s))
    ax.plot([], [], color=cmap(0.5), label=provenance(PUBLISHED_LAW, _FIG11_EQ))
    ax.plot(
        N,
        kaplan.loss_of_params(N, fit=KAPLAN.joint_NS),
        "k--",
        lw=1.0,
        label=r"converged, $S \to \infty$: $(N_c/N)^{\alpha_N}$ (Table 3)",
    )
    handles, _ = ax.get_legend_handles_labels()
    if not fitted.all():
        handles.append(kc.extrapolated_handle())
    ax.legend(handles=handles, loc="upper right", fontsize=7.2, frameon=True, framealpha=0.92)
    ax.set(
        xscale="log",
        xlim=(params_min, params_max),
        ylim=(2.4, 5.4),
        xlabel="Parameters (non-embedding)",
        ylabel="Test Loss (nats per token)",
        title="Performance vs Steps",
    )
    return fig


def _power(x: float) -> str:
    """10^k in mathtext when x is a power of ten, else x in %.2g."""
    k = np.log10(x)
    return f"$10^{{{k:.0f}}}$" if abs(k - round(k)) < 1e-9 else f"{x:.2g}"


def figure2_left(
    sizes_min=1e3,
    sizes_max=1e9,
    n_sizes=13,
    tokens_min=1e7,
    tokens_max=1e11,
    target_loss=5.0,
    ratio_small=1e5,
    ratio_large=1e9,
    n_points=200,
):
    """Kaplan 2020 Figure 2 left: test loss vs tokens processed, models of 1e3 to 1e9 parameters.

    Curves: eq 5.6 with eqs 5.3/5.4 at B = 2^19 and S = tokens / B, coloured by size; dotted before
    the 3000-step warm-up the fit excludes. A horizontal line at ``target_loss`` (nats) with the
    tokens each size needs to reach it (exact inverse), and the ratio ratio_small : ratio_large.
    The learning curves measured in this project are beside the law in
    :func:`figure2_left_measured`.
    """
    use_style()
    sizes = np.geomspace(sizes_min, sizes_max, n_sizes)
    D = np.geomspace(tokens_min, tokens_max, n_points)
    L, fitted = law_tokens(sizes, D)
    eff = sample_efficiency(target_loss, sizes_min, sizes_max, n_sizes, ratio_small, ratio_large)

    fig, ax = plt.subplots(figsize=(5.8, 4.2), layout="constrained")
    _, norm, cmap = log_colorbar(fig, ax, "viridis", sizes_min, sizes_max, kc.N_SIZES_LABEL)
    for i, n in enumerate(sizes):
        kc.plot_law(ax, D, L[i], fitted[i], kc.colour_of(cmap, norm, n), lw=1.3)
    ax.plot([], [], color=cmap(0.6), label=provenance(PUBLISHED_LAW, _FIG2_EQ))
    ln_vocab = float(np.log(KAPLAN.setup.n_vocab))
    ax.axhline(
        ln_vocab,
        color="0.5",
        lw=0.8,
        ls="-.",
        label=f"ln(n_vocab) = {ln_vocab:.1f}: uniform guess, where real curves start",
    )
    ax.axhline(target_loss, color="0.25", lw=0.8, ls="--")
    shown = (eff.tokens >= tokens_min) & (eff.tokens <= tokens_max)
    ax.scatter(
        eff.tokens[shown],
        np.full(shown.sum(), target_loss),
        s=22,
        zorder=5,
        c=[kc.colour_of(cmap, norm, n) for n in eff.sizes[shown]],
        edgecolors="black",
        linewidths=0.6,
        label=f"tokens each size needs to reach L = {target_loss:g}",
    )
    ax.text(
        0.02,
        0.03,
        f"to reach L = {target_loss:g}: a {_power(eff.ratio_small)}-parameter model needs "
        f"{eff.ratio:.0f}x the tokens\nof a {_power(eff.ratio_large)}-parameter model "
        "(eqs 5.3, 5.4, 5.6 inverted)",
        transform=ax.transAxes,
        fontsize=7.5,
        va="bottom",
        ha="left",
    )
    # the paper's end labels, at the right end of the smallest and largest curves
    for n, y, dy in ((sizes[0], L[0, -1], 4), (sizes[-1], L[-1, -1], -11)):
        ax.annotate(
            f"{_power(n)} Params",
            (tokens_max, y),
            xytext=(-3, dy),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
    handles, _ = ax.get_legend_handles_labels()
    handles.append(kc.extrapolated_handle())
    ax.legend(handles=handles, loc="upper right", fontsize=6.8, frameon=True, framealpha=0.92)
    ax.set(
        xscale="log",
        xlim=(tokens_min, tokens_max),
        xlabel="Tokens Processed",
        title="Larger models require fewer samples\nto reach the same performance",
    )
    kc.loss_axis(ax, 2.2, 12.0)
    return fig


def figure2_left_measured(
    measured,
    sizes_min=1e3,
    sizes_max=1e9,
    tokens_min=1e7,
    tokens_max=1e11,
    n_points=200,
    axis_min=1e3,
    loss_min=1.5,
    loss_max=12.0,
):
    """Figure 2 left with this project's learning curves: loss vs tokens processed, one axes.

    measured: the frame of :func:`scalinglaws.analysis.kaplan.load_measured_runs` (tokens are bytes, loss in nats
    per byte). For each measured size N the published law (eq 5.6 with eqs 5.3/5.4, B = 2^19, as in
    :func:`figure2_left`) is drawn over the paper's range tokens_min..tokens_max, and the measured
    curve over its own tokens; the x axis runs from axis_min to tokens_max, the log y axis from
    loss_min to loss_max. Colours by N on the paper figure's scale, sizes_min..sizes_max. An empty
    frame draws the law for one size per decade (see :func:`kaplan_common.overlay_figure`).
    """
    D = np.geomspace(tokens_min, tokens_max, n_points)
    return kc.overlay_figure(
        measured,
        lambda sizes: law_tokens(sizes, D),
        D,
        lambda g: g["tokens"].to_numpy(dtype=float),
        law_source=_FIG2_EQ,
        xlabel="Tokens Processed (law: BPE tokens; measured: bytes)",
        title="Larger models require fewer samples to reach the same performance:\n"
        "measured here (left) beside the published law (right)",
        xlim=(axis_min, tokens_max),
        ylim=(loss_min, loss_max),
        sizes_min=sizes_min,
        sizes_max=sizes_max,
    )
