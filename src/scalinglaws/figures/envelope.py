"""Hoffmann et al. 2022 Figure 2: the training-curve envelope (Approach 1, section 3.1).

Approach 1 trains a family of model sizes, each with several cosine horizons, takes at every FLOP
value the run with the lowest loss (the envelope; 1500 log-spaced FLOP values) and fits
N_opt ~ C^a and D_opt ~ C^b to the winners; Table 2 prints a = b = 0.50. The envelope itself is
:func:`scalinglaws.fitting.approach1`; this module only prepares its curves, checks it, and draws
two rows:

* **published law, at the paper's scale**: eq 2 with the App. D.2 fit, evaluated as the final
  loss L(N, C / 6N) of a size family from 75M to 10B parameters (Fig 2's colour bar) for
  C = 1e17 to 1e23 FLOPs. Its envelope must recover eq 4's exponents of the same fit.
* **measured here**: the English-prose byte-level learning curves of ``data/runs/`` (validation
  loss in nats per byte against training FLOPs counted exactly, tokens = bytes seen).

Symbols as in the paper: N parameters (with embeddings, Chinchilla's count, for the runs measured here too), D tokens,
C training FLOPs, L loss in nats per token (per byte for the runs measured here).
This module has no ``NOTEBOOK``: it is drawn by notebook 03 through :mod:`.isoflop`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import estimators, runs_data
from scalinglaws.constants import HOFFMANN, ParametricFit
from scalinglaws.laws import allocation
from scalinglaws.laws import chinchilla as ch
from scalinglaws.plotting import (
    DERIVED_HERE,
    MEASURED_HERE,
    PUBLISHED_DATA,
    PUBLISHED_LAW,
    REFIT_HERE,
    log_colorbar,
    provenance,
    use_style,
)
from scalinglaws.rng import stream

SIZE_RANGE = (75e6, 10e9)  # Fig 2 colour bar: model sizes 75M to 10B (caption: "70M to 10B")
SIZE_TICKS = (75e6, 250e6, 500e6, 1e9, 2.5e9, 5e9, 10e9)  # Fig 2 colour-bar ticks
CURVE_FLOPS = (1e17, 1e23)  # Fig 2 left panel's x-axis, FLOPs
AXIS_FLOPS = (1e17, 1e25)  # Fig 2 centre and right panels' x-axes, FLOPs
LAW_LOSS_AXIS = (1.8, 6.0)  # Fig 2 left panel's y-axis, about 2 to 6 nats/token
LAST_FRACTION = 0.15  # Hoffmann 2022 footnote 4: envelope points lie in the last 15% of training
CORPUS = "prose"  # the measured-here corpus drawn in row 2
STUDIES = ("isoflop", "curves")  # its studies with learning curves
PARAMS = "params_total"  # N of the measured runs: with embeddings (Chinchilla section 2.1)
LEVEL = 0.80  # bootstrap interval: 10th-90th percentile, as Table 2

_SIZE_CMAP = "viridis"
_GOPHER_COLOUR = "#2ca02c"
_LAW_SOURCE = "Hoffmann 2022 eq 2, App. D.2 fit (TeX values)"


# ---- row 1: the published law at the paper's scale ----------------------------------------------


@dataclass(frozen=True)
class LawEnvelope:
    """Approach 1 applied to eq 2's final losses over a size family (published law)."""

    fit: ParametricFit  # eq 2's constants
    sizes: np.ndarray  # N of the family, parameters
    flops: np.ndarray  # C at which each curve is evaluated, FLOPs
    loss: np.ndarray  # (sizes, flops): L(N, C / 6N), nats per token
    drawn: estimators.Approach1Result  # envelope over the whole of CURVE_FLOPS (drawn)
    fitted: estimators.Approach1Result  # envelope over flops_range (its power laws are the fit)
    flops_range: tuple[float, float]  # FLOPs at which eq 4's optimum lies inside the family


def law_fit_range(fit: ParametricFit, sizes=SIZE_RANGE) -> tuple[float, float]:
    """FLOPs at which eq 4's N_opt(C) equals the smallest and the largest size (FLOPs).

    Outside this range the envelope can only pick the family's end member, whatever the law's
    optimum, so a power law fitted there would measure the family's edges, not the law.
    """
    return float(ch.flops_for_optimal_N(min(sizes), fit)), float(
        ch.flops_for_optimal_N(max(sizes), fit)
    )


def law_envelope(
    n_sizes: int = 25,
    fit: ParametricFit = HOFFMANN.approach3_tex,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
) -> LawEnvelope:
    """Eq 2's final loss L(N, C / 6N) for ``n_sizes`` log-spaced N from 75M to 10B, C from 1e17
    to 1e23 FLOPs, and Approach 1 (section 3.1) on those curves, with D = C / 6N.

    Each point of a curve is the loss the law predicts for a run of size N that ends at C, so
    the envelope is the law's best size per budget among the family; over :func:`law_fit_range`
    its power laws should recover eq 4's a = beta/(alpha+beta), b = alpha/(alpha+beta).
    """
    if not 3 <= n_sizes <= 200:
        raise ValueError(f"n_sizes must be an integer in [3, 200], got {n_sizes}")
    sizes = np.geomspace(*SIZE_RANGE, n_sizes)
    C = np.geomspace(*CURVE_FLOPS, 400)
    L = np.array([ch.loss(N, ch.tokens_for_flops(C, N), fit) for N in sizes])
    curves = [(N, C, row) for N, row in zip(sizes, L, strict=True)]
    rng = law_fit_range(fit)
    drawn = estimators.approach1(curves=curves, n_flops=n_flops)
    fitted = estimators.approach1(curves=curves, n_flops=n_flops, flops_range=rng)
    return LawEnvelope(fit, sizes, C, L, drawn, fitted, rng)


# ---- row 2: measured here -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeasuredEnvelope:
    """Approach 1 on the learning curves measured here, with where its winners lie in training."""

    curves: pd.DataFrame  # one row per validation point (runs_data.CURVE_COLUMNS)
    runs: pd.DataFrame  # one row per run: run_id, study, params, flops_budget, flops_final
    drawn: estimators.Approach1Result  # envelope over every curve's FLOPs (drawn)
    fitted: estimators.Approach1Result  # envelope over flops_range; N_opt/D_opt with intervals
    flops_range: tuple[float, float]  # FLOPs of the fit (see measured_fit_range)
    winner: np.ndarray  # per point of ``fitted``: row of ``runs`` that achieves the minimum
    position: np.ndarray  # per point of ``fitted``: C / (that run's final C), in (0, 1]
    n_bootstrap: int  # replicates behind the intervals (0: none)
    n_failed: int  # replicates whose envelope could not be fitted


def prose_curves(curves: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measured-here learning curves drawn in Fig 2's second row: corpus "prose", studies
    "isoflop" and "curves" (``curves`` defaults to ``runs_data.load_curves()``)."""
    df = runs_data.load_curves() if curves is None else curves
    keep = (df["corpus"] == CORPUS) & df["study"].isin(STUDIES)
    return df[keep].sort_values([PARAMS, "run_id", "step"]).reset_index(drop=True)


def _curve_tuples(curves: pd.DataFrame):
    """(runs table, [(N, flops, loss, tokens) per run]) in the runs table's order."""
    runs, tuples = [], []
    for run_id, g in curves.groupby("run_id", sort=False):
        g = g.sort_values("flops")
        C = g["flops"].to_numpy(float)
        runs.append({
            "run_id": run_id, "study": g["study"].iloc[0], "params": float(g[PARAMS].iloc[0]),
            "flops_budget": g["flops_budget"].iloc[0], "flops_first": C[0], "flops_final": C[-1],
        })  # fmt: skip
        tuples.append((float(g[PARAMS].iloc[0]), C, g["loss_nats"].to_numpy(float),
                       g["tokens"].to_numpy(float)))  # fmt: skip
    return pd.DataFrame(runs), tuples


def measured_fit_range(runs: pd.DataFrame, min_sizes: int = 3) -> tuple[float, float]:
    """FLOPs over which the measured envelope is fitted (FLOPs).

    Lower end: the earliest FLOP value at which some run has finished its cosine schedule;
    before it every candidate is mid-schedule (warm-up, high learning rate). Upper end: the
    largest FLOP value that ``min_sizes`` distinct model sizes reach; beyond it the envelope
    picks whichever of the few longest runs is left, with no competitor that finished there,
    the analogue of the paper-scale family's edge (:func:`law_fit_range`).
    """
    if not 2 <= min_sizes <= 20:
        raise ValueError(f"min_sizes must be an integer in [2, 20], got {min_sizes}")
    reach = runs.groupby("params")["flops_final"].max().sort_values(ascending=False)
    if len(reach) < min_sizes:
        raise estimators.FitError(
            f"the envelope needs runs of >= {min_sizes} sizes, got {len(reach)}"
        )
    lo, hi = float(runs["flops_final"].min()), float(reach.iloc[min_sizes - 1])
    if not lo < hi:
        raise estimators.FitError(f"no FLOP range for the envelope fit: [{lo:.3g}, {hi:.3g}]")
    return lo, hi


def _bootstrap(tuples, flops_range, n_bootstrap: int, rng: np.random.Generator, n_flops: int):
    """Exponents (a, b) of the envelope over runs resampled with replacement; (reps, failures)."""
    reps, failed = [], 0
    for _ in range(n_bootstrap):
        pick = rng.integers(0, len(tuples), len(tuples))
        try:
            r = estimators.approach1(curves=[tuples[j] for j in pick], n_flops=n_flops,
                                     flops_range=flops_range)  # fmt: skip
        except estimators.FitError:
            failed += 1
            continue
        reps.append((r.N_opt.exponent, r.D_opt.exponent))
    return np.array(reps).reshape(-1, 2), failed


def measured_envelope(
    curves: pd.DataFrame | None = None,
    *,
    min_sizes: int = 3,
    n_bootstrap: int = 0,
    seed: int = 0,
    n_flops: int = HOFFMANN.budgets.approach1_n_flop_points,
) -> MeasuredEnvelope:
    """Approach 1 (section 3.1) on the prose learning curves measured here.

    curves: tidy learning curves (default :func:`prose_curves`); N is the parameter count with
    embeddings (``PARAMS``, Chinchilla's count, as notebook 04), C the training FLOPs counted exactly, D the bytes seen at that point (passed to
    :func:`estimators.approach1` as the curve's tokens, not C / 6N). n_bootstrap replicates resample
    the runs with replacement and refit the envelope over the same FLOP range; the exponents'
    10th-90th percentiles (Table 2's interval) are attached to N_opt and D_opt. The Generator is
    the third child of ``numpy.random.SeedSequence(seed)`` (:func:`isoflop.analyse` uses the first
    two), so the same seed gives the same intervals.
    """
    curves = prose_curves() if curves is None else curves
    runs, tuples = _curve_tuples(curves)
    if len(tuples) < 2:
        raise estimators.FitError(
            f"the envelope needs >= 2 measured learning curves, got {len(tuples)}"
        )
    rng_range = measured_fit_range(runs, min_sizes)
    drawn = estimators.approach1(curves=tuples, n_flops=n_flops)
    fitted = estimators.approach1(curves=tuples, n_flops=n_flops, flops_range=rng_range)
    winner = fitted.curve  # row of ``runs`` whose curve gives each envelope point
    position = fitted.flops / runs["flops_final"].to_numpy()[winner]
    failed = 0
    if n_bootstrap:
        rng = stream(seed, "envelope.bootstrap")
        reps, failed = _bootstrap(tuples, rng_range, n_bootstrap, rng, n_flops)
        q = 100 * (1 - LEVEL) / 2
        (a_lo, b_lo), (a_hi, b_hi) = np.percentile(reps, [q, 100 - q], axis=0)
        fitted = replace(
            fitted,
            N_opt=replace(fitted.N_opt, exponent_interval=(float(a_lo), float(a_hi))),
            D_opt=replace(fitted.D_opt, exponent_interval=(float(b_lo), float(b_hi))),
        )
    return MeasuredEnvelope(curves, runs, drawn, fitted, rng_range, winner, position,
                            n_bootstrap, failed)  # fmt: skip


# ---- tables -------------------------------------------------------------------------------------


def fmt_exponent(x: float, interval: tuple[float, float] | None = None) -> str:
    """An exponent to 3 decimals, with its (10th, 90th) percentile interval where there is one."""
    return f"{x:.3f}" + (f" ({interval[0]:.3f}, {interval[1]:.3f})" if interval else "")


def exponent_table(law: LawEnvelope, measured: MeasuredEnvelope) -> pd.DataFrame:
    """Approach 1's exponents: eq 4 of the App. D.2 fit, the envelope of that law (recovers it),
    Table 2's Approach 1 (10th, 90th percentiles) and the envelope measured here."""
    a, b = ch.frontier_exponents(law.fit)
    t2 = HOFFMANN.table2.approach1
    m = measured.fitted
    rows = [
        ("eq 4, App. D.2 fit (published law)", fmt_exponent(a), fmt_exponent(b)),
        (f"Approach 1 envelope of eq 2 over {law.sizes.size} sizes (published law)",
         fmt_exponent(law.fitted.N_opt.exponent), fmt_exponent(law.fitted.D_opt.exponent)),
        ("Approach 1 [Table 2] (published)", fmt_exponent(t2.a, t2.a_interval),
         fmt_exponent(t2.b, t2.b_interval)),
        (f"Approach 1 envelope, measured here ({len(measured.runs)} prose runs)",
         fmt_exponent(m.N_opt.exponent, m.N_opt.exponent_interval),
         fmt_exponent(m.D_opt.exponent, m.D_opt.exponent_interval)),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["series", "a (N_opt ~ C^a)", "b (D_opt ~ C^b)"])


def last_fraction(measured: MeasuredEnvelope) -> float:
    """Share of the fitted envelope's points in the last 15% of their run's training FLOPs
    (Hoffmann 2022 footnote 4 says all of theirs are)."""
    return float(np.mean(measured.position >= 1 - LAST_FRACTION))


def summary(law: LawEnvelope, measured: MeasuredEnvelope) -> str:
    """The numbers of Fig 2 in three sentences: law vs its envelope, measured vs Table 2, and the
    share of measured envelope points in the last 15% of training (footnote 4)."""
    a, b = ch.frontier_exponents(law.fit)
    t2 = HOFFMANN.table2.approach1
    m = measured.fitted
    boot = (f" (10th-90th pct of {measured.n_bootstrap} bootstrap replicates over runs)"
            if measured.n_bootstrap else "")  # fmt: skip
    lo, hi = measured.flops_range
    return (
        f"published law: eq 4 gives a = {a:.3f}, b = {b:.3f}; the envelope of eq 2 over "
        f"{law.sizes.size} sizes, fitted over {law.flops_range[0]:.2g}-{law.flops_range[1]:.2g} "
        f"FLOPs, gives a = {law.fitted.N_opt.exponent:.3f}, b = {law.fitted.D_opt.exponent:.3f}.\n"
        f"measured here: {len(measured.runs)} prose runs, envelope fitted over {lo:.2g}-{hi:.2g} "
        f"FLOPs: a = {fmt_exponent(m.N_opt.exponent, m.N_opt.exponent_interval)}, "
        f"b = {fmt_exponent(m.D_opt.exponent, m.D_opt.exponent_interval)}{boot}; Table 2, "
        f"Approach 1: a = {fmt_exponent(t2.a, t2.a_interval)}, "
        f"b = {fmt_exponent(t2.b, t2.b_interval)}.\n"
        f"{100 * last_fraction(measured):.1f}% of the measured envelope's points lie in the last "
        f"{100 * LAST_FRACTION:.0f}% of their run's training FLOPs (footnote 4: all of the paper's)."
    )


def winner_table(measured: MeasuredEnvelope) -> pd.DataFrame:
    """The runs that win the fitted envelope: the FLOP range each wins, its share of the 1500
    points and where in its training those points lie (fraction of its final FLOPs)."""
    rows = []
    f = measured.fitted
    for j in np.unique(measured.winner):
        sel = measured.winner == j
        r = measured.runs.iloc[j]
        pos = measured.position[sel]
        rows.append({
            "run_id": r["run_id"], "study": r["study"], "N (with embeddings)": int(r["params"]),
            "FLOP budget": "-" if pd.isna(r["flops_budget"]) else f"{r['flops_budget']:.0e}",
            "final FLOPs": f"{r['flops_final']:.3g}",
            "wins FLOPs": f"{f.flops[sel].min():.3g} - {f.flops[sel].max():.3g}",
            "share of points": round(float(sel.mean()), 3),
            "position in training": f"{pos.min():.2f} - {pos.max():.2f}",
            "in last 15%": round(float(np.mean(pos >= 1 - LAST_FRACTION)), 3),
        })  # fmt: skip
    out = pd.DataFrame(rows)
    return out.sort_values("wins FLOPs", key=lambda s: s.str.split().str[0].astype(float),
                           ignore_index=True)  # fmt: skip


# ---- figure -------------------------------------------------------------------------------------


def _size_colorbar(fig, ax, vmin, vmax, label, ticks=None):
    cbar, norm, cmap = log_colorbar(fig, ax, _SIZE_CMAP, vmin, vmax, label)
    if ticks is not None:
        cbar.ax.set_yticks(list(ticks), [_si(t) for t in ticks])
        cbar.ax.minorticks_off()
    return norm, cmap


def _si(n: float) -> str:
    """75e6 -> '75M', 2.5e9 -> '2.5B', 906080 -> '906k'."""
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:.3g}"


def _curves_panel(ax, curves, norm, cmap, env, fit_range, title, ylabel, env_label, ylim=None):
    for N, C, L in curves:
        ax.plot(C, L, color=cmap(norm(N)), lw=0.9, alpha=0.85)
    inside = (env.flops >= fit_range[0]) & (env.flops <= fit_range[1])
    ax.plot(env.flops, np.where(inside, np.nan, env.loss), color="k", lw=1.0, ls=":")
    ax.plot(env.flops, np.where(inside, env.loss, np.nan), color="k", lw=1.8, label=env_label)
    ax.axvspan(*fit_range, color="0.5", alpha=0.08, lw=0)
    ax.set(xscale="log", xlabel="FLOPs", ylabel=ylabel, title=title, ylim=ylim)


def _opt_panel(ax, env, fit_range, what, law, colour_of, point_label, fit_label, xlim):
    """Envelope points of ``env`` (filled inside the fit range, hollow outside) and the power
    law ``law`` fitted over that range."""
    y = env.N if what == "N" else env.D
    step = max(1, env.flops.size // 120)
    C, Y = env.flops[::step], y[::step]
    inside = (C >= fit_range[0]) & (C <= fit_range[1])
    ax.scatter(C[inside], Y[inside], s=9, c=colour_of(env.N[::step][inside]), zorder=3,
               edgecolors="0.2", linewidths=0.2, label=point_label)  # fmt: skip
    if (~inside).any():
        ax.scatter(C[~inside], Y[~inside], s=9, facecolors="none", edgecolors="0.5",
                   linewidths=0.5, zorder=3, label="envelope outside the fitted range")  # fmt: skip
    Cx = np.geomspace(*xlim, 200)
    ax.plot(Cx, law(Cx), color="0.1", lw=1.3, label=fit_label)
    ax.axvspan(*fit_range, color="0.5", alpha=0.08, lw=0)
    ax.set(xscale="log", yscale="log", xlim=xlim, xlabel="FLOPs")


def _interval_text(law) -> str:
    iv = law.exponent_interval
    return f" ({iv[0]:.3f}, {iv[1]:.3f})" if iv is not None else ""


def figure2(law: LawEnvelope, measured: MeasuredEnvelope):
    """Hoffmann 2022 Fig 2 in two rows. Top (published law, paper scale): eq 2's final loss per
    model size against FLOPs with its envelope (left), the envelope's N_opt and D_opt against
    FLOPs with their power laws, Table 3 and the Gopher-budget projection (centre, right).
    Bottom (measured here): the prose learning curves (nats per byte) with their envelope, and
    the measured N_opt and D_opt with Table 2's Approach 1 exponent as a reference slope."""
    use_style()
    fig, axes = plt.subplots(2, 3, figsize=(15.0, 9.2), layout="constrained")
    fig.get_layout_engine().set(wspace=0.07)  # room between a colour bar and the next axes
    a_law, b_law = ch.frontier_exponents(law.fit)

    # row 1, left: eq 2's final losses and their envelope
    norm, cmap = _size_colorbar(fig, axes[0, 0], *SIZE_RANGE, "Parameters", SIZE_TICKS)
    _curves_panel(
        axes[0, 0], [(N, law.flops, L) for N, L in zip(law.sizes, law.loss, strict=True)],
        norm, cmap, law.drawn, law.flops_range,
        f"{PUBLISHED_LAW}: eq 2 (App. D.2 fit), {law.sizes.size} sizes", "Loss (nats/token)",
        provenance(DERIVED_HERE, "envelope"), LAW_LOSS_AXIS,
    )  # fmt: skip
    axes[0, 0].plot([], [], color=cmap(0.5), lw=0.9,
                    label=provenance(PUBLISHED_LAW, "final loss L(N, C/6N)"))  # fmt: skip
    axes[0, 0].legend(loc="upper right", fontsize=6.8)

    # row 1, centre and right: N_opt, D_opt at the paper's scale
    a1 = allocation.allocations()["approach1"]
    t2 = HOFFMANN.table2.approach1
    rows = HOFFMANN.tables.table3_approach1
    gopher = next(r for r in rows if r.flops == HOFFMANN.budgets.gopher)
    for ax, what, sym, exact, pub, pub_iv, a1_fn, col, g_val, ylabel in (
        (axes[0, 1], "N", "a", a_law, t2.a, t2.a_interval, a1.N_opt, "params", gopher.params,
         "Parameters"),
        (axes[0, 2], "D", "b", b_law, t2.b, t2.b_interval, a1.D_opt, "tokens", gopher.tokens,
         "Tokens"),
    ):  # fmt: skip
        env_law = law.fitted.N_opt if what == "N" else law.fitted.D_opt
        _opt_panel(
            ax, law.drawn, law.flops_range, what, env_law, lambda n: cmap(norm(n)),
            provenance(DERIVED_HERE, "envelope of eq 2; colour: size"),
            provenance(DERIVED_HERE, f"envelope's power law {sym} = {env_law.exponent:.3f}; "
                                     f"eq 4: {exact:.3f}"),
            AXIS_FLOPS,
        )  # fmt: skip
        Cx = np.geomspace(*AXIS_FLOPS, 200)
        ax.plot(Cx, a1_fn(Cx), color="#ff7f0e", ls="--", lw=1.3,
                label=provenance(REFIT_HERE, f"power law fitted to Table 3; Table 2: "
                                 f"{sym} = {pub:.2f} ({pub_iv[0]:.3f}, {pub_iv[1]:.3f})"))  # fmt: skip
        ax.scatter([r.flops for r in rows], [getattr(r, col) for r in rows], marker="s", s=16,
                   facecolors="none", edgecolors="#ff7f0e", linewidths=1.0, zorder=4,
                   label=provenance(PUBLISHED_DATA, "Hoffmann 2022 Table 3 rows"))  # fmt: skip
        ax.axvline(HOFFMANN.budgets.gopher, color=_GOPHER_COLOUR, lw=0.8, ls=":")
        ax.plot([HOFFMANN.budgets.gopher], [g_val], "*", ms=12, color=_GOPHER_COLOUR, mec="k",
                mew=0.5, zorder=5, label=provenance(PUBLISHED_DATA, f"Table 3: {_si(g_val)} at "
                                                     "Gopher's 5.76e23 FLOPs"))  # fmt: skip
        ax.annotate(_si(g_val), (HOFFMANN.budgets.gopher, g_val), xytext=(-8, 6),
                    textcoords="offset points", ha="right", color=_GOPHER_COLOUR,
                    fontsize=8, fontweight="bold")  # fmt: skip
        ax.set(ylabel=ylabel, title=f"derived from eq 2: optimal {ylabel.lower()}")
        ax.legend(loc="upper left", fontsize=6.5)

    # row 2, left: the measured learning curves and their envelope
    runs, f = measured.runs, measured.fitted
    nmin, nmax = runs["params"].min(), runs["params"].max()
    mnorm, mcmap = _size_colorbar(fig, axes[1, 0], nmin, nmax, "Parameters (with embeddings)")
    tuples = [(g[PARAMS].iloc[0], g["flops"].to_numpy(), g["loss_nats"].to_numpy())
              for _, g in measured.curves.groupby("run_id", sort=False)]  # fmt: skip
    _curves_panel(
        axes[1, 0], tuples, mnorm, mcmap, measured.drawn, measured.flops_range,
        f"{MEASURED_HERE}: {len(runs)} prose learning curves", "Validation loss (nats/byte)",
        provenance(MEASURED_HERE, "envelope"),
    )  # fmt: skip
    axes[1, 0].plot([], [], color=mcmap(0.5), lw=0.9,
                    label=provenance(MEASURED_HERE, "learning curves"))  # fmt: skip
    axes[1, 0].legend(loc="lower left", fontsize=6.8)

    # row 2, centre and right: measured N_opt, D_opt with the published slope for reference
    c0 = float(np.sqrt(np.prod(measured.flops_range)))
    span = (measured.flops_range[0] / 10, measured.flops_range[1] * 10)
    for ax, what, sym, pub, ylabel in (
        (axes[1, 1], "N", "a", t2.a, "Parameters (with embeddings)"),
        (axes[1, 2], "D", "b", t2.b, "Tokens (bytes)"),
    ):
        fl = f.N_opt if what == "N" else f.D_opt
        _opt_panel(
            ax, measured.drawn, measured.flops_range, what, fl, lambda n: mcmap(mnorm(n)),
            provenance(MEASURED_HERE, "envelope points; colour: size"),
            provenance(MEASURED_HERE, f"power law: {sym} = {fl.exponent:.3f}{_interval_text(fl)}"),
            span,
        )  # fmt: skip
        ref = estimators.PowerLaw(k=float(fl(c0)) / c0**pub, exponent=pub)
        Cx = np.geomspace(*span, 200)
        ax.plot(Cx, ref(Cx), color="#ff7f0e", ls="--", lw=1.2,
                label=provenance(PUBLISHED_LAW, f"Table 2 Approach 1: {sym} = {pub:.2f}")
                + "\nslope only, drawn through the centre of the fit here")  # fmt: skip
        ax.set(ylabel=ylabel, title=f"{MEASURED_HERE}: optimal {ylabel.split(' (')[0].lower()}")
        ax.legend(loc="upper left", fontsize=6.5)
    return fig
