"""The compute-optimal calculator drawn: N_opt, D_opt and predicted loss against the budget for
the laws of :mod:`scalinglaws.analysis.calculator` (the same laws and numbers as
``python -m scalinglaws optimal``, plus the refit here with its bootstrap band and a user's fit),
each law's value at the chosen budget marked.

:func:`interactive` wraps :func:`~scalinglaws.analysis.calculator.table` and :func:`figure` in
ipywidgets (a budget slider, a law menu and a fit-file box) for JupyterLab; under papermill the
notebook saves :func:`figure` at its fixed parameters.
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
from scalinglaws.core.kinds import provenance
from scalinglaws.figures import FigureInfo
from scalinglaws.figures._hoffmann2022 import LAW_STYLES, LAW_ZORDER
from scalinglaws.figures.style import PINK, use_style

FIGURES = (
    FigureInfo(
        "calculator",
        "07_calculator",
        "Compute-optimal calculator (Hoffmann 2022 Fig A3's laws at one budget)",
        "N_opt, D_opt and loss at 1e24 FLOPs as `scalinglaws optimal` prints them: Kaplan 2020 "
        "Table 6 and eq 1.3; Approaches 1-2 power laws through Tables 3/A3; eq 4 and eq 2 with "
        "App. D.2's rounded and TeX fits, Besiroglu 2024's refit and the refit here with its "
        "bootstrap 10th-90th pct band",
        "published law, refit here",
    ),
)

_STYLES = {**LAW_STYLES, REFIT: ("k", "-"), USER: (PINK, "-")}


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
    flops_min, flops_max = min(flops_min, flops / 10), max(flops_max, flops * 10)  # C in view
    C = np.geomspace(flops_min, flops_max, n_points)
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.6), layout="constrained")
    panels = (
        ("N_opt", "Parameters", "log"),
        ("D_opt", "Tokens", "log"),
        ("loss", "Predicted loss (nats/token)", "linear"),
    )
    chosen = calc.chosen(law)
    for ax, (key, ylabel, yscale) in zip(axes, panels, strict=True):
        for a in chosen:
            colour, ls = _STYLES[a.name]
            label = provenance(a.kind, a.label)
            if a.params_kind == "non-embedding":
                label += "; non-embedding N; loss on WebText2"
            lw = 4.0 if a.name == "epoch-refit" else 1.4  # wide: the refit here runs inside it
            z = LAW_ZORDER.get(a.name, 2)
            ax.plot(C, getattr(a, key)(C), color=colour, ls=ls, lw=lw, zorder=z, label=label)
            ax.plot([flops], [a.at(flops)[key]], "o", color=colour, ms=5, mec="white", mew=0.6)
            band = calc.band(a.name, C)
            if band is not None:
                ax.fill_between(
                    C,
                    *band[key],
                    color=colour,
                    alpha=0.15,
                    lw=0,
                    label=f"refit here: {LEVEL:.0%} bootstrap band",
                )
        ax.axvline(flops, color="0.3", lw=0.9, ls=":")
        ax.set(
            xscale="log",
            yscale=yscale,
            xlim=(flops_min, flops_max),
            xlabel="Budget C (FLOPs)",
            ylabel=ylabel,
        )
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


def interactive(
    calc: Calculator, flops: float, law: str, flops_min: float = 1e18, flops_max: float = 1e26
):
    """ipywidgets: a budget slider, a law menu and a fit-file box redrawing :func:`table` (an HTML
    widget) and :func:`figure` (an Image widget) for JupyterLab. No Output widget: capturing
    displays into one can hang a headless run (papermill), and a static page shows no widgets."""
    import io

    import ipywidgets as w

    flops_min, flops_max = min(flops_min, flops / 10), max(flops_max, flops * 10)
    state = {"calc": calc}
    budget = w.FloatLogSlider(
        value=flops,
        base=10,
        min=math.log10(flops_min),
        max=math.log10(flops_max),
        step=0.05,
        description="C (FLOPs)",
        readout_format=".3g",
        continuous_update=False,
        layout=w.Layout(width="480px"),
    )
    menu = w.Dropdown(options=LAW_CHOICES, value=law, description="law")
    path = w.Text(
        value="",
        placeholder="fit.json from `scalinglaws fit --json`",
        description="user fit",
        continuous_update=False,
    )
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
