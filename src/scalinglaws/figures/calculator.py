"""The compute-optimal calculator: N_opt, D_opt and predicted loss at a FLOP budget, per law,
drawn across budgets with the chosen budget marked from :mod:`scalinglaws.analysis.calculator`
(the same laws and numbers as ``python -m scalinglaws optimal``), including two laws fitted rather
than published:

- ``refit-here``: Approach 3 (Hoffmann 2022 eq 2, Besiroglu 2024's Huber-likelihood objective)
  refitted on Besiroglu 2024's 240 extracted points, as ``scalinglaws fit`` does, with a
  10th-90th percentile band from a bootstrap of the summed-Huber fit (the level of Table 2);
- ``user-fit``: any eq 2 fit saved by ``scalinglaws fit --json``, read with
  :func:`~scalinglaws.analysis.allocation.load_fit` (as ``scalinglaws optimal --fit``).

The published laws come without an interval on N_opt(C): Table 2 prints percentiles of the
exponents only, and Besiroglu 2024 per-parameter intervals without their covariance. So the band
is drawn where a law has replicates to take it from: the refit here.

:func:`interactive` wraps :func:`table` and :func:`figure` in ipywidgets (a budget slider, a law
menu and a fit-file box) for JupyterLab; under papermill the notebook saves :func:`figure` at its
fixed parameters.
"""

from __future__ import annotations

import html
import math

import matplotlib.pyplot as plt
import numpy as np

from scalinglaws.analysis.calculator import (
    LAW_CHOICES,
    LEVEL,
    REFIT,
    USER,
    Calculator,
    table,
    with_user_fit,
)
from scalinglaws.cli import FLOPS_RANGE
from scalinglaws.figures.isoflop import LAW_STYLES
from scalinglaws.kinds import provenance
from scalinglaws.params import Choice, Integer, Less, ParameterSpec, Real, Text
from scalinglaws.plotting import use_style

NOTEBOOK = "06_calculator"

PARAMETERS = ParameterSpec(
    notebook=NOTEBOOK,
    params=[
        Real("flops", lo=FLOPS_RANGE[0], hi=FLOPS_RANGE[1], doc="training budget C in FLOPs"),
        Choice("law", options=LAW_CHOICES, doc="the law to show, or all"),
        Text("user_fit", doc="JSON fit saved by `scalinglaws fit --json` ('' for none)"),
        Integer("n_bootstrap", lo=0, hi=100_000, doc="bootstrap replicates of the refit band"),
        Integer("seed", lo=0, hi=2**32 - 1, doc="seed of the bootstrap's numpy Generator"),
        Real("flops_min", lo=FLOPS_RANGE[0], hi=FLOPS_RANGE[1], doc="left end of the axes"),
        Real("flops_max", lo=FLOPS_RANGE[0], hi=FLOPS_RANGE[1], doc="right end of the axes"),
    ],
    constraints=[Less("flops_min", "flops"), Less("flops", "flops_max")],
)

_STYLES = {**LAW_STYLES, REFIT: ("k", "-"), USER: ("#e377c2", "-")}


def figure(
    calc: Calculator,
    flops: float,
    law: str = "all",
    flops_min: float = 1e18,
    flops_max: float = 1e26,
    n_points: int = 200,
):
    """N_opt, D_opt and predicted loss against the budget for the chosen laws, with the refit's
    band, and each law's value at ``flops`` marked on the dotted vertical line."""
    use_style()
    C = np.geomspace(flops_min, flops_max, n_points)
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.6), layout="constrained")
    panels = (("N_opt", "Parameters", "log"), ("D_opt", "Tokens", "log"),
              ("loss", "Predicted loss (nats/token)", "linear"))  # fmt: skip
    chosen = calc.chosen(law)
    for ax, (key, ylabel, yscale) in zip(axes, panels, strict=True):
        for a in chosen:
            colour, ls = _STYLES[a.name]
            label = provenance(a.kind, a.label)
            if a.params_kind == "non-embedding":
                label += "; non-embedding N; loss on WebText2"
            lw = 4.0 if a.name == "epoch-refit" else 1.4  # wide: the refit here runs inside it
            ax.plot(C, getattr(a, key)(C), color=colour, ls=ls, lw=lw, label=label)
            ax.plot([flops], [a.at(flops)[key]], "o", color=colour, ms=5, mec="white", mew=0.6)
            band = calc.band(a.name, C)
            if band is not None:
                ax.fill_between(C, *band[key], color=colour, alpha=0.15, lw=0,
                                label=f"refit here: {LEVEL:.0%} bootstrap band")  # fmt: skip
        ax.axvline(flops, color="0.3", lw=0.9, ls=":")
        ax.set(xscale="log", yscale=yscale, xlim=(flops_min, flops_max), xlabel="Budget C (FLOPs)",
               ylabel=ylabel)  # fmt: skip
    axes[0].set_title("Compute-optimal parameters N_opt")
    axes[1].set_title("Compute-optimal tokens D_opt (C = 6ND)")
    axes[2].set_title("Loss at the optimum (eq 2; Kaplan: eq 1.3)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=7.5)
    fig.suptitle(f"Compute-optimal allocation at C = {_sci(flops)} FLOPs (dotted line, dots)")
    return fig


def _sci(x: float) -> str:
    e = math.floor(math.log10(x))
    m = x / 10**e
    return f"{m:.3g}e{e}" if abs(m - 1) > 1e-9 else f"1e{e}"


def interactive(calc: Calculator, flops: float, law: str, flops_min: float, flops_max: float):
    """ipywidgets: a budget slider, a law menu and a fit-file box redrawing :func:`table` (an HTML
    widget) and :func:`figure` (an Image widget) for JupyterLab. No Output widget: capturing
    displays into one can hang a headless run (papermill), and a static page shows no widgets."""
    import io

    import ipywidgets as w

    state = {"calc": calc}
    budget = w.FloatLogSlider(
        value=flops, base=10, min=math.log10(flops_min), max=math.log10(flops_max), step=0.05,
        description="C (FLOPs)", readout_format=".3g", continuous_update=False,
        layout=w.Layout(width="480px"),
    )  # fmt: skip
    menu = w.Dropdown(options=LAW_CHOICES, value=law, description="law")
    path = w.Text(value="", placeholder="fit.json from `scalinglaws fit --json`",
                  description="user fit", continuous_update=False)  # fmt: skip
    message = w.HTML()
    numbers = w.HTML()
    picture = w.Image(format="png", layout=w.Layout(max_width="100%"))

    def redraw(_=None):
        c, message.value = state["calc"], ""
        if path.value:
            try:
                c = with_user_fit(c, path.value)
            except ValueError as err:  # ParameterError: a bad fit file is shown, not raised
                message.value = f"<b>{html.escape(str(err))}</b>"
        numbers.value = table(c, budget.value, menu.value).to_html()
        fig = figure(c, budget.value, menu.value, flops_min, flops_max)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)
        picture.value = buf.getvalue()

    for widget in (budget, menu, path):
        widget.observe(redraw, "value")
    redraw()
    return w.VBox([w.HBox([budget, menu]), path, message, numbers, picture])
