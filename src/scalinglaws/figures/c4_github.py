"""Hoffmann et al. 2022 (Chinchilla) Appendix C, Figure A2 and Table A2, measured here.

The paper repeats its IsoFLOP analysis (Approach 2) on two more datasets, C4 and GitHub: 4 budgets
(1e19 to 1e21 FLOPs) each, giving a = 0.50, b = 0.50 on C4 and a = 0.53, b = 0.47 on GitHub
(Table A2; Kaplan 2020's 0.73 / 0.27 beside them). No runs were released, so this family measures
the same thing on this project's own two corpora at laptop scale: English prose in C4's role and
Python code in GitHub's (``data/runs/``, made by ``python -m scalinglaws.runs``).

Every series is labelled: the runs, their parabolas, vertices and power laws are measured here;
Table A2's and Kaplan's exponents are published laws, drawn as slopes through the middle of our
fit (their prefactors belong to another tokenizer and scale, so only the slope carries over).

Conventions: N counts parameters including embeddings (Chinchilla's convention, section 2.1) or,
with ``params_count = "non-embedding"``, without them (Kaplan's); C is training FLOP counted
exactly (attention and output layer included), so D at an IsoFLOP minimum is interpolated from the
runs' real token counts rather than set to C / 6N; losses are validation nats per byte.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scalinglaws import estimators, runs_data
from scalinglaws.constants import HOFFMANN
from scalinglaws.figures.isoflop import _budget_colours
from scalinglaws.params import Choice, Integer, Less, ParameterError, ParameterSpec, Real, Text
from scalinglaws.plotting import (
    MEASURED_HERE,
    PUBLISHED_DATA,
    PUBLISHED_LAW,
    REFIT_HERE,
    provenance,
    use_style,
)
from scalinglaws.rng import stream

NOTEBOOK = "04_c4_github"

PARAMETERS = ParameterSpec(
    notebook=NOTEBOOK,
    params=[
        Integer("n_bootstrap", lo=0, hi=100_000, doc="bootstrap replicates for a and b"),
        Text("runs", doc="'measured-here', a runs CSV (docs/runs-schema.md) or a data set name"),
        Real("fraction", lo=0.5, hi=1.0, hi_open=True, doc="share of runs kept per replicate"),
        Integer("seed", lo=0, hi=2**32 - 1, doc="seed of the bootstrap's numpy Generator"),
        Integer("min_points", lo=3, hi=50, doc="runs a budget needs for its parabola"),
        Choice("params_count", options=("total", "non-embedding"), doc="which N to count"),
        Real("flops_min", lo=1e8, hi=1e28, doc="left end of the FLOPs axes"),
        Real("flops_max", lo=1e8, hi=1e30, doc="right end of the FLOPs axes"),
    ],
    constraints=[Less("flops_min", "flops_max")],
)

CORPORA = ("prose", "code")
ROLE = {"prose": "C4", "code": "GitHub"}  # which of the paper's datasets each corpus stands in for
TITLE = {"prose": "English prose (in C4's role)", "code": "Python code (in GitHub's role)"}
MEASURED = "measured-here"  # the default `runs`: this project's runs in data/runs/
OTHER = "runs"  # the corpus name given to the runs of a runs CSV or a registered data set
LEVEL = 0.80  # interval level: Table 2's 10th to 90th percentiles
_PARAM_COLUMN = {"total": "params_total", "non-embedding": "params"}
_KAPLAN_COLOUR = "#d62728"
_PAPER_COLOUR = "#1f77b4"


def published_exponents(corpus: str) -> tuple[float, float]:
    """Table A2's (a, b) for the dataset ``corpus`` stands in for (C4 for prose, GitHub for code);
    for other runs Table 2's Approach 2 (section 3.2)."""
    table = HOFFMANN.table_a2
    if corpus not in ROLE:
        t2 = HOFFMANN.table2.approach2
        return t2.a, t2.b
    row = {"prose": table.c4, "code": table.github}[corpus]
    return row.a, row.b


def _role(corpus: str) -> str:
    return ROLE.get(corpus, "Table 2, Approach 2")


def runs_frame(spec: str) -> tuple[pd.DataFrame, str]:
    """A runs CSV or registered data set as this family's runs table (one corpus, ``OTHER``):
    final checkpoints, ``flops_budget`` from the ``budget`` column or the FLOPs clustered."""
    from scalinglaws import data, runs_fit, runs_schema

    try:
        table, name = runs_fit.load(spec)
        runs_schema.check_approach(table, 2)
    except (runs_schema.RunsSchemaError, data.DataError) as err:
        raise ParameterError(f"parameter 'runs': {err}") from None
    final = runs_schema.final_checkpoints(table)
    labels, budgets = runs_schema.budgets(final)
    final = final[labels >= 0]
    frame = pd.DataFrame({
        "run_id": final.get("run", pd.Series(range(len(final)), index=final.index)).astype(str),
        "study": "isoflop", "corpus": OTHER, "params_total": final["params"],
        "params": final.get("params_non_embedding", np.nan), "flops": final["flops"],
        "flops_budget": np.asarray(budgets, float)[labels[labels >= 0]],
        "tokens": final["tokens"], "loss_nats": final["loss"], "status": "finished",
    })  # fmt: skip
    return frame.reset_index(drop=True), name


@dataclass(frozen=True)
class CorpusFit:
    """One corpus's IsoFLOP runs and their Approach 2 fit."""

    corpus: str
    runs: pd.DataFrame  # the corpus's IsoFLOP runs (runs_data.RUN_COLUMNS)
    N: np.ndarray  # parameters used in the fit (per run)
    fit: estimators.Approach2Result


@dataclass(frozen=True)
class Analysis:
    corpora: dict[str, CorpusFit]
    params_count: str
    n_bootstrap: int
    fraction: float
    seed: int
    min_points: int
    source: str = MEASURED  # MEASURED, or the name of the runs CSV / data set

    @property
    def measured(self) -> bool:
        return self.source == MEASURED

    def series(self, what: str, fitted: bool = True) -> str:
        """Legend label of a series drawn from the runs (``fitted``: a fit to them), saying what
        the runs are: measured here, published data (refit here) or the reader's runs."""
        from scalinglaws import data

        if self.measured:
            return provenance(MEASURED_HERE, what)
        if self.source in data.REGISTRY:
            kind = REFIT_HERE if fitted else PUBLISHED_DATA
            return provenance(kind, f"{self.source}: {what}")
        return f"runs ({self.source}): {what}"


def analyse(
    runs: pd.DataFrame | None = None,
    *,
    n_bootstrap: int = 1000,
    fraction: float = 0.8,
    seed: int = 0,
    min_points: int = 5,
    params_count: str = "total",
    source: str = MEASURED,
) -> Analysis:
    """Approach 2 (Hoffmann 2022 section 3.2, App. C) on each corpus's measured IsoFLOP runs.

    runs: a ``runs_data.load_runs()`` frame (default: the committed results). Each budget needs
    ``min_points`` runs, a convex parabola and an interior vertex; the intervals on a and b come
    from ``n_bootstrap`` replicates that each keep ``fraction`` of the runs (Table 2's procedure),
    drawn from ``numpy.random.default_rng(seed)``. Raises estimators.FitError naming the corpus when
    fewer than 2 budgets qualify.
    """
    if runs is None:
        runs = runs_data.load_runs(study="isoflop") if source == MEASURED else runs_frame(source)[0]
    column = _PARAM_COLUMN[params_count]
    if runs[column].isna().all():
        raise ParameterError(f"parameter 'params_count': the runs have no {params_count} count")
    out = {}
    rng = stream(seed, "c4-github.bootstrap")
    present = [c for c in CORPORA if (runs["corpus"] == c).any()] or [OTHER]
    for corpus in present:
        g = runs[(runs["study"] == "isoflop") & (runs["corpus"] == corpus)]
        g = g.reset_index(drop=True)
        N = g[column].to_numpy(dtype=float)
        try:
            fit = estimators.approach2(
                N=N,
                D=g["tokens"].to_numpy(dtype=float),
                C=g["flops"].to_numpy(dtype=float),
                L=g["loss_nats"].to_numpy(dtype=float),
                budgets=sorted(g["flops_budget"].unique()),
                min_points=min_points,
                n_bootstrap=n_bootstrap,
                rng=rng,
                fraction=fraction,
                level=LEVEL,
            )
        except (estimators.FitError, ValueError) as err:
            raise estimators.FitError(f"{corpus} IsoFLOP runs: {err}") from err
        out[corpus] = CorpusFit(corpus, g, N, fit)
    return Analysis(out, params_count, n_bootstrap, fraction, seed, min_points, source)


def budget_table(an: Analysis, corpus: str) -> pd.DataFrame:
    """Per budget of one corpus: runs, the best run, the parabola's vertex and D/N there."""
    cf = an.corpora[corpus]
    vertex = {p.budget: p for p in cf.fit.profiles}
    rows = []
    for C, g in cf.runs.groupby("flops_budget", sort=True):
        best = g.loc[g["loss_nats"].idxmin()]
        p = vertex.get(float(C))
        rows.append(
            {
                "corpus": corpus,
                "flops_budget": float(C),
                "n_runs": len(g),
                "best_run_params": float(best[_PARAM_COLUMN[an.params_count]]),
                "best_run_tokens": float(best["tokens"]),
                "best_run_loss_nats": float(best["loss_nats"]),
                "interior": bool(g["params"].min() < best["params"] < g["params"].max()),
                "N_opt": p.N_opt if p else np.nan,
                "D_opt": p.D_opt if p else np.nan,
                "tokens_per_param_opt": p.D_opt / p.N_opt if p else np.nan,
                "L_min_nats": p.L_min if p else np.nan,
                "used_in_fit": p is not None,
                "skipped_because": cf.fit.skipped.get(float(C), ""),
            }
        )
    return pd.DataFrame(rows)


def exponent_table(an: Analysis) -> pd.DataFrame:
    """Per corpus: our a and b with their intervals beside Table A2's and Kaplan's exponents."""
    rows = []
    for corpus, cf in an.corpora.items():
        fit = cf.fit
        a_iv = fit.N_opt.exponent_interval or (np.nan, np.nan)
        b_iv = fit.D_opt.exponent_interval or (np.nan, np.nan)
        pa, pb = published_exponents(corpus)
        rows.append(
            {
                "corpus": corpus,
                "role": _role(corpus),
                "params_count": an.params_count,
                "n_budgets": len(fit.profiles),
                "budgets": " ".join(f"{b:.0e}" for b in fit.used_budgets),
                "a": fit.a,
                "a_p10": a_iv[0],
                "a_p90": a_iv[1],
                "b": fit.b,
                "b_p10": b_iv[0],
                "b_p90": b_iv[1],
                "n_bootstrap": an.n_bootstrap,
                "table_a2_a": pa,
                "table_a2_b": pb,
                "kaplan_a": HOFFMANN.table_a2.kaplan.a,
                "kaplan_b": HOFFMANN.table_a2.kaplan.b,
            }
        )
    return pd.DataFrame(rows)


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
    colours, _ = _budget_colours(budgets)
    nrows = len(an.corpora)
    fig, axes = plt.subplots(nrows, 3, figsize=(13.5, 4.1 * nrows), layout="constrained",
                             squeeze=False)  # fmt: skip
    C = np.geomspace(flops_min, flops_max, 200)
    nlabel = "Parameters " + (
        "(non-embedding)" if an.params_count == "non-embedding" else "(with embeddings)"
    )
    for row, (corpus, cf) in enumerate(an.corpora.items()):
        fit, N, g = cf.fit, cf.N, cf.runs
        ax = axes[row, 0]
        for b in budgets:
            sel = (g["flops_budget"] == b).to_numpy()
            ax.plot(N[sel], g["loss_nats"][sel], "o", ms=4, color=colours[b], zorder=3,
                    label=f"{b:.0e} FLOPs")  # fmt: skip
        for p in fit.profiles:
            sel = (g["flops_budget"] == p.budget).to_numpy()
            x = np.linspace(np.log10(N[sel].min()) - 0.1, np.log10(N[sel].max()) + 0.1, 100)
            ax.plot(10**x, np.polyval(p.coef, x), color=colours[p.budget], lw=1.2)
            ax.plot([p.N_opt], [p.L_min], "D", ms=5, mfc="white", mec=colours[p.budget], zorder=4)
        ax.plot([], [], "o", ms=4, color="0.4", label=an.series("final loss", fitted=False))
        ax.plot([], [], color="0.4", label=an.series("parabola in log N"))
        ax.plot([], [], "D", ms=5, mfc="white", mec="0.4", label="vertex: N_opt, L_min")
        ax.set(
            xscale="log",
            xlabel=nlabel,
            ylabel="Validation loss (nats/byte)" if an.measured else "Validation loss",
            title=f"{TITLE.get(corpus, 'Runs')}: IsoFLOP profiles",
        )
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.3 * (hi - lo))  # room for the legend above the profiles
        ax.legend(loc="upper right", fontsize=6.6, ncols=2)

        pa, pb = published_exponents(corpus)
        kap = HOFFMANN.table_a2.kaplan
        centre = float(np.exp(np.mean(np.log([p.flops for p in fit.profiles]))))
        for ax, what, law, pub, kexp, sym, ylabel in (
            (
                axes[row, 1],
                "D_opt",
                fit.D_opt,
                pb,
                kap.b,
                "b",
                "Tokens (bytes)" if an.measured else "Tokens",
            ),
            (axes[row, 2], "N_opt", fit.N_opt, pa, kap.a, "a", nlabel),
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
                ax.fill_between(C, np.minimum(lo, hi), np.maximum(lo, hi), color="0.5",
                                alpha=0.18, lw=0, label=f"{sym}'s {LEVEL:.0%} bootstrap interval")  # fmt: skip
            for exponent, colour, ls, lw, source in (
                (
                    pub,
                    _PAPER_COLOUR,
                    "--",
                    1.2,
                    f"Table A2, {ROLE[corpus]}" if corpus in ROLE else "Hoffmann 2022 Table 2",
                ),
                (kexp, _KAPLAN_COLOUR, ":", 1.3, "Kaplan 2020 (Table A2)"),
            ):
                ax.plot(C, _slope_through(C, law, exponent, centre), color=colour, ls=ls, lw=lw,
                        label=provenance(PUBLISHED_LAW, f"{source}: {sym} = {exponent:.2f}"))  # fmt: skip
            ax.set(
                xscale="log",
                yscale="log",
                xlim=(flops_min, flops_max),
                xlabel="Training FLOPs (exact count)" if an.measured else "Training FLOPs",
                ylabel=ylabel,
                title=f"{ylabel.split(' (')[0]} at the IsoFLOP minima",
            )
            ax.legend(loc="upper left", fontsize=6.6)
    fig.text(
        0.5,
        -0.01,
        "Published slopes are drawn through the middle of our fit; their prefactors belong to "
        "the paper's tokenizer and 1e19-1e21 FLOPs, so only the slopes compare.",
        ha="center",
        fontsize=7.5,
        color="0.3",
    )
    return fig


def count_comparison(an: Analysis) -> pd.DataFrame:
    """The exponents with both parameter counts (with embeddings, Chinchilla's; without,
    Kaplan's): the analysis's own count as fitted, the other refitted with the same settings."""
    runs = pd.concat([cf.runs for cf in an.corpora.values()], ignore_index=True)
    tables = []
    for count in [c for c, col in _PARAM_COLUMN.items() if runs[col].notna().all()]:
        other = an if count == an.params_count else analyse(
            runs, n_bootstrap=an.n_bootstrap, fraction=an.fraction, seed=an.seed,
            min_points=an.min_points, params_count=count, source=an.source)  # fmt: skip
        tables.append(exponent_table(other))
    cols = ["corpus", "params_count", "a", "a_p10", "a_p90", "b", "b_p10", "b_p90", "table_a2_a",
            "table_a2_b"]  # fmt: skip
    return pd.concat(tables, ignore_index=True)[cols].sort_values(["corpus", "params_count"],
                                                                   ignore_index=True)  # fmt: skip


def loss_comparison(an: Analysis) -> pd.DataFrame:
    """Per budget both corpora ran: each corpus's lowest final loss (nats and bits per byte) and
    the ratio code / prose (the paper's GitHub losses are a fraction of its C4 losses)."""
    best = {
        corpus: cf.runs.groupby("flops_budget")["loss_nats"].min()
        for corpus, cf in an.corpora.items()
    }
    if not set(CORPORA) <= set(best):
        return pd.DataFrame()  # needs both corpora
    shared = sorted(set(best["prose"].index) & set(best["code"].index))
    rows = []
    for C in shared:
        lp, lc = float(best["prose"][C]), float(best["code"][C])
        rows.append(
            {
                "flops_budget": C,
                "prose_nats_per_byte": lp,
                "code_nats_per_byte": lc,
                "prose_bits_per_byte": lp / np.log(2),
                "code_bits_per_byte": lc / np.log(2),
                "code_over_prose": lc / lp,
            }
        )
    return pd.DataFrame(rows)
