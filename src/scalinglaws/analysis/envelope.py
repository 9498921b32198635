"""Hoffmann et al. 2022 Figure 2: the training-curve envelope (Approach 1, section 3.1).

Approach 1 trains a family of model sizes, each with several cosine horizons, takes at every FLOP
value the run with the lowest loss (the envelope; 1500 log-spaced FLOP values) and fits
N_opt ~ C^a and D_opt ~ C^b to the winners; Table 2 prints a = b = 0.50. The envelope itself is
:func:`scalinglaws.estimators.approach1`; this module prepares its curves and computes the numbers
of the figure's two rows (drawn by :mod:`scalinglaws.figures.hoffmann2022_fig2`; no plotting here):

* **published law, at the paper's scale**: eq 2 with the App. D.2 fit, evaluated as the final
  loss L(N, C / 6N) of a size family from 75M to 10B parameters (Fig 2's colour bar) for
  C = 1e17 to 1e23 FLOPs. Its envelope must recover eq 4's exponents of the same fit.
* **measured here**: the English-prose byte-level learning curves of the v2 study's IsoFLOP plan
  (``data/runs/results/v2/``, ``docs/study-v2.md``): each size but the smallest trained with a
  cosine matched to several horizons (4 or more, as section 3.1, for the sizes in two or more
  budgets' windows once the plan is complete; validation loss in nats per byte against
  training FLOPs counted exactly, tokens = bytes seen).

Symbols as in the paper: N parameters (with embeddings, Chinchilla's count, for the runs measured here too), D tokens,
C training FLOPs, L loss in nats per token (per byte for the runs measured here).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.constants import HOFFMANN, ParametricFit
from scalinglaws.core.params import Integer
from scalinglaws.core.rng import stream
from scalinglaws.datasets import measured as measured_runs
from scalinglaws.laws import chinchilla as ch

SIZE_RANGE = (75e6, 10e9)  # Fig 2 colour bar: model sizes 75M to 10B (caption: "70M to 10B")
CURVE_FLOPS = (1e17, 1e23)  # Fig 2 left panel's x-axis, FLOPs
LAST_FRACTION = HOFFMANN.claims.footnote4_last_fraction  # footnote 4: the last 15% of training
CORPUS = "prose"  # the measured-here corpus drawn in row 2
STUDIES = ("v2-isoflop",)  # its studies with learning curves: the v2 IsoFLOP plan's runs
RESULTS = measured_runs.RESULTS / "v2"  # where they are
PARAMS = "params_total"  # N of the measured runs: with embeddings (Chinchilla section 2.1)
LEVEL = 0.80  # bootstrap interval: 10th-90th percentile, as Table 2
N_SIZES = Integer("n_sizes", lo=3, hi=200, doc="Fig 2: model sizes from 75M to 10B under eq 2")
MIN_SIZES = Integer("min_sizes", lo=2, hi=20, doc="Fig 2: sizes that must reach the fitted FLOPs")


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
    flops_range: tuple[float, float]  # FLOPs at which the winner has a size on each side


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
    N_SIZES.check(n_sizes)
    sizes = np.geomspace(*SIZE_RANGE, n_sizes)
    C = np.geomspace(*CURVE_FLOPS, 400)
    L = np.array([ch.loss(N, ch.tokens_for_flops(C, N), fit) for N in sizes])
    curves = [(N, C, row) for N, row in zip(sizes, L, strict=True)]
    # the rule every data set's envelope is fitted by: where its winner has a size on each side
    rng = estimators.bracketed_range(curves=curves, n_flops=n_flops)
    drawn = estimators.approach1(curves=curves, n_flops=n_flops)
    fitted = estimators.approach1(curves=curves, n_flops=n_flops, flops_range=rng)
    return LawEnvelope(fit, sizes, C, L, drawn, fitted, rng)


# ---- row 2: measured here -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeasuredEnvelope:
    """Approach 1 on the learning curves measured here, with where its winners lie in training."""

    curves: pd.DataFrame  # one row per validation point (measured_runs.CURVE_COLUMNS)
    runs: pd.DataFrame  # one row per run: run_id, study, params, flops_budget, flops_final
    drawn: estimators.Approach1Result  # envelope over every curve's FLOPs (drawn)
    fitted: estimators.Approach1Result  # envelope over flops_range; N_opt/D_opt with intervals
    flops_range: tuple[float, float]  # FLOPs of the fit (see measured_fit_range)
    winner: np.ndarray  # per point of ``fitted``: row of ``runs`` that achieves the minimum
    position: np.ndarray  # per point of ``fitted``: C / (that run's final C), in (0, 1]
    n_bootstrap: int  # replicates behind the intervals (0: none)
    n_failed: int  # replicates whose envelope could not be fitted
    last15: estimators.Approach1Result | None = None  # the envelope of the runs' last 15% only


def prose_curves(curves: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measured-here learning curves drawn in Fig 2's second row: corpus "prose", studies
    "v2-isoflop" of the v2 study (``curves`` defaults to ``measured_runs.load_curves(RESULTS)``)."""
    df = measured_runs.load_curves(RESULTS) if curves is None else curves
    keep = (df["corpus"] == CORPUS) & df["study"].isin(STUDIES)
    return df[keep].sort_values([PARAMS, "run_id", "step"]).reset_index(drop=True)


def _curve_tuples(curves: pd.DataFrame):
    """(runs table, [(N, flops, loss, tokens) per run]) in the runs table's order."""
    runs, tuples = [], []
    for run_id, g in curves.groupby("run_id", sort=False):
        g = g.sort_values("flops")
        C = g["flops"].to_numpy(float)
        runs.append(
            {
                "run_id": run_id,
                "study": g["study"].iloc[0],
                "params": float(g[PARAMS].iloc[0]),
                "flops_budget": g["flops_budget"].iloc[0],
                "flops_first": C[0],
                "flops_final": C[-1],
            }
        )
        tuples.append(
            (
                float(g[PARAMS].iloc[0]),
                C,
                g["loss_nats"].to_numpy(float),
                g["tokens"].to_numpy(float),
            )
        )
    return pd.DataFrame(runs), tuples


def measured_fit_range(runs: pd.DataFrame, tuples, min_sizes: int = 3) -> tuple[float, float]:
    """FLOPs over which the measured envelope is fitted (FLOPs): the rule of every data set
    (:func:`scalinglaws.estimators.envelope_range`), declared before any fit: where the winner has
    a trained size on each side, from the earliest FLOP value at which some run has finished its
    cosine schedule, up to the largest that ``min_sizes`` distinct sizes reach.
    """
    MIN_SIZES.check(min_sizes)
    return estimators.envelope_range(
        curves=tuples, N=runs["params"], C_final=runs["flops_final"], min_sizes=min_sizes
    )


def _bootstrap(tuples, flops_range, n_bootstrap: int, rng: np.random.Generator, n_flops: int):
    """Exponents (a, b) of the envelope over runs resampled with replacement, each replicate
    fitted over one of the declared ranges around ``flops_range`` (so the interval covers the
    range choice too); (reps, failures)."""
    counts = resample_counts(rng, len(tuples), n_bootstrap)
    reps, failed = estimators.bootstrap_over_ranges(
        curves=tuples, counts=counts, n_flops=n_flops, ranges=estimators.range_variants(flops_range)
    )
    return reps[~failed, :2], int(failed.sum())


def resample_counts(rng: np.random.Generator, n: int, n_bootstrap: int) -> np.ndarray:
    """(n_bootstrap, n) counts of each of n curves in resamples drawn with replacement, one
    ``rng.integers(0, n, n)`` draw per replicate."""
    return np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_bootstrap)])


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
    embeddings (``PARAMS``, Chinchilla's count, as notebooks 05 and 09), C the training FLOPs counted exactly, D the bytes seen at that point (passed to
    :func:`estimators.approach1` as the curve's tokens, not C / 6N). n_bootstrap replicates resample
    the runs with replacement and refit the envelope over the same FLOP range; the exponents'
    10th-90th percentiles (Table 2's interval) are attached to N_opt and D_opt. The Generator is
    the named stream ``"envelope.bootstrap"`` of ``seed`` (:data:`scalinglaws.core.rng.KEYS`), so the
    same seed gives the same intervals.
    """
    curves = prose_curves() if curves is None else curves
    runs, tuples = _curve_tuples(curves)
    if len(tuples) < 2:
        raise estimators.FitError(
            f"the envelope needs >= 2 measured learning curves, got {len(tuples)}"
        )
    rng_range = measured_fit_range(runs, tuples, min_sizes)
    drawn = estimators.approach1(curves=tuples, n_flops=n_flops)
    fitted = estimators.approach1(curves=tuples, n_flops=n_flops, flops_range=rng_range)
    last15 = estimators.approach1(
        curves=estimators.last_part(tuples), n_flops=n_flops, flops_range=rng_range
    )
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
        # the last-15% envelope gets the same bootstrap of runs and ranges, from a stream of its own
        reps15, _ = _bootstrap(
            estimators.last_part(tuples),
            rng_range,
            n_bootstrap,
            stream(seed, "envelope.bootstrap.last15"),
            n_flops,
        )
        if len(reps15):
            (a_lo, b_lo), (a_hi, b_hi) = np.percentile(reps15, [q, 100 - q], axis=0)
            last15 = replace(
                last15,
                N_opt=replace(last15.N_opt, exponent_interval=(float(a_lo), float(a_hi))),
                D_opt=replace(last15.D_opt, exponent_interval=(float(b_lo), float(b_hi))),
            )
    return MeasuredEnvelope(
        curves, runs, drawn, fitted, rng_range, winner, position, n_bootstrap, failed, last15
    )


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
        (
            f"Approach 1 envelope of eq 2 over {law.sizes.size} sizes (published law)",
            fmt_exponent(law.fitted.N_opt.exponent),
            fmt_exponent(law.fitted.D_opt.exponent),
        ),
        (
            "Approach 1 [Table 2] (published)",
            fmt_exponent(t2.a, t2.a_interval),
            fmt_exponent(t2.b, t2.b_interval),
        ),
        (
            f"Approach 1 envelope, measured here ({len(measured.runs)} prose runs)",
            fmt_exponent(m.N_opt.exponent, m.N_opt.exponent_interval),
            fmt_exponent(m.D_opt.exponent, m.D_opt.exponent_interval),
        ),
    ]
    if measured.last15 is not None:
        rows.append(
            (
                "the same, points in the last 15% of their run only (footnote 4)",
                fmt_exponent(measured.last15.N_opt.exponent),
                fmt_exponent(measured.last15.D_opt.exponent),
            )
        )
    return pd.DataFrame(rows, columns=["series", "a (N_opt ~ C^a)", "b (D_opt ~ C^b)"])


def last_fraction(measured: MeasuredEnvelope) -> float:
    """Share of the fitted envelope's points in the last 15% of their run's training FLOPs
    (Hoffmann 2022 footnote 4 says all of theirs are)."""
    return estimators.in_last_fraction(measured.position)


def summary(law: LawEnvelope, measured: MeasuredEnvelope) -> str:
    """The numbers of Fig 2 in three sentences: law vs its envelope, measured vs Table 2, and the
    share of measured envelope points in the last 15% of training (footnote 4)."""
    a, b = ch.frontier_exponents(law.fit)
    t2 = HOFFMANN.table2.approach1
    m = measured.fitted
    boot = (
        f" (10th-90th pct of {measured.n_bootstrap} bootstrap replicates over runs and over "
        "9 fit ranges, each end moved inward by 0, 1/8 or 1/4 of the range)"
        if measured.n_bootstrap
        else ""
    )
    l15 = measured.last15
    last = (
        ""
        if l15 is None
        else f" Points in the last 15% of their run only: a = "
        f"{l15.N_opt.exponent:.3f}, b = {l15.D_opt.exponent:.3f}."
    )
    lo, hi = measured.flops_range
    return (
        f"published law: eq 4 gives a = {a:.3f}, b = {b:.3f}; the envelope of eq 2 over "
        f"{law.sizes.size} sizes, fitted over {law.flops_range[0]:.2g}-{law.flops_range[1]:.2g} "
        f"FLOPs, gives a = {law.fitted.N_opt.exponent:.3f}, b = {law.fitted.D_opt.exponent:.3f}.\n"
        f"measured here: {len(measured.runs)} prose runs, envelope fitted over {lo:.2g}-{hi:.2g} "
        f"FLOPs (where its winner has a size on each side): a = {fmt_exponent(m.N_opt.exponent, m.N_opt.exponent_interval)}, "
        f"b = {fmt_exponent(m.D_opt.exponent, m.D_opt.exponent_interval)}{boot}; Table 2, "
        f"Approach 1: a = {fmt_exponent(t2.a, t2.a_interval)}, "
        f"b = {fmt_exponent(t2.b, t2.b_interval)}.\n"
        f"{100 * last_fraction(measured):.1f}% of the measured envelope's points lie in the last "
        f"{100 * LAST_FRACTION:.0f}% of their run's training FLOPs (footnote 4: all of the paper's)."
        f"{last}"
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
        rows.append(
            {
                "_from": float(f.flops[sel].min()),
                "run_id": r["run_id"],
                "study": r["study"],
                "N (with embeddings)": int(r["params"]),
                "FLOP budget": "-" if pd.isna(r["flops_budget"]) else f"{r['flops_budget']:.0e}",
                "final FLOPs": f"{r['flops_final']:.3g}",
                "wins FLOPs": f"{f.flops[sel].min():.3g} - {f.flops[sel].max():.3g}",
                "share of points": round(float(sel.mean()), 3),
                "position in training": f"{pos.min():.2f} - {pos.max():.2f}",
                "in last 15%": round(estimators.in_last_fraction(pos), 3),
            }
        )
    out = pd.DataFrame(rows).sort_values("_from", ignore_index=True)
    return out.drop(columns="_from")
