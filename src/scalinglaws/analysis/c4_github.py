"""Hoffmann et al. 2022 (Chinchilla) Appendix C, Figure A2 and Table A2, measured here: the numbers
(drawn by :mod:`scalinglaws.figures.hoffmann2022_figA2`; no plotting here).

The paper repeats its IsoFLOP analysis (Approach 2) on two more datasets, C4 and GitHub: 4 budgets
(1e19 to 1e21 FLOPs) each, giving a = 0.50, b = 0.50 on C4 and a = 0.53, b = 0.47 on GitHub
(Table A2; Kaplan 2020's 0.73 / 0.27 beside them). No runs were released, so this family measures
the same thing on this project's own two corpora at laptop scale: English prose in C4's role and
Python code in GitHub's (``data/runs/``, made by ``python -m scalinglaws.training``).

Every series is labelled: the runs, their parabolas, vertices and power laws are measured here;
Table A2's and Kaplan's exponents are published laws, drawn as slopes through the middle of our
fit (their prefactors belong to another tokenizer and scale, so only the slope carries over).

Conventions: N counts parameters including embeddings (Chinchilla's convention, section 2.1) or,
with ``params_count = "non-embedding"``, without them (Kaplan's); C is training FLOP counted
exactly (attention and output layer included), so D at an IsoFLOP minimum is interpolated from the
runs' real token counts rather than set to C / 6N; losses are validation nats per byte.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from scalinglaws import estimators
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import MEASURED_HERE, PUBLISHED_DATA, REFIT_HERE, provenance
from scalinglaws.core.params import ParameterError
from scalinglaws.core.rng import stream
from scalinglaws.datasets import measured as measured_data

CORPORA = ("prose", "code")
ROLE = {"prose": "C4", "code": "GitHub"}  # which of the paper's datasets each corpus stands in for
MEASURED = "measured-here"  # the default `runs`: this project's runs in data/runs/
# The measured runs: the v2 study's IsoFLOP plans (docs/study-v2.md), each corpus of this family
# read from the v2 corpus it names (the code corpus is SymPy's source, pinned by sha256).
MEASURED_CORPUS = {"prose": "prose", "code": "code-sympy"}
OTHER = "runs"  # the corpus name given to the runs of a runs CSV or a registered data set
LEVEL = 0.80  # interval level: Table 2's 10th to 90th percentiles
PARAM_COLUMN = {"total": "params_total", "non-embedding": "params"}


def published_exponents(corpus: str) -> tuple[float, float]:
    """Table A2's (a, b) for the dataset ``corpus`` stands in for (C4 for prose, GitHub for code);
    for other runs Table 2's Approach 2 (section 3.2)."""
    table = HOFFMANN.table_a2
    if corpus not in ROLE:
        t2 = HOFFMANN.table2.approach2
        return t2.a, t2.b
    row = {"prose": table.c4, "code": table.github}[corpus]
    return row.a, row.b


def measured_runs(results=None) -> pd.DataFrame:
    """This project's IsoFLOP runs, as this family reads them: the v2 study's finished IsoFLOP
    runs in each budget's designed window (every seed; :func:`study_v2.design_window`), with
    ``corpus`` set to this family's key ("prose", "code") and ``study`` to "isoflop"."""
    from scalinglaws.analysis import study_v2

    runs = measured_data.load_runs(results if results is not None else study_v2.RESULTS_V2)
    runs = runs[(runs["study"] == "v2-isoflop") & (runs["status"] == "finished")]
    parts = []
    for key, corpus in MEASURED_CORPUS.items():
        window = study_v2.design_window(runs[runs["corpus"] == corpus])
        if len(window):
            parts.append(window.assign(corpus=key, study="isoflop"))
    if not parts:
        return runs.iloc[:0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


def _role(corpus: str) -> str:
    return ROLE.get(corpus, "Table 2, Approach 2")


def runs_frame(spec: str) -> tuple[pd.DataFrame, str]:
    """A runs CSV or registered data set as this family's runs table (one corpus, ``OTHER``):
    final checkpoints, ``flops_budget`` from the ``budget`` column or the FLOPs clustered."""
    from scalinglaws.analysis import fit_runs
    from scalinglaws.datasets import published, schema

    try:
        table, name = fit_runs.load(spec)
        schema.check_approach(table, 2)
    except (schema.RunsSchemaError, published.DataError) as err:
        raise ParameterError(f"parameter 'runs': {err}") from None
    final = schema.final_checkpoints(table)
    labels, budgets = schema.budgets(final)
    final = final[labels >= 0]
    frame = pd.DataFrame(
        {
            "run_id": final.get("run", pd.Series(range(len(final)), index=final.index)).astype(str),
            "study": "isoflop",
            "corpus": OTHER,
            "params_total": final["params"],
            "params": final.get("params_non_embedding", np.nan),
            "flops": final["flops"],
            "flops_budget": np.asarray(budgets, float)[labels[labels >= 0]],
            "tokens": final["tokens"],
            "loss_nats": final["loss"],
            "status": "finished",
        }
    )
    return frame.reset_index(drop=True), name


@dataclass(frozen=True)
class CorpusFit:
    """One corpus's IsoFLOP runs and their Approach 2 fit."""

    corpus: str
    runs: pd.DataFrame  # the corpus's IsoFLOP runs (measured_data.RUN_COLUMNS)
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
        from scalinglaws.datasets import published

        if self.measured:
            return provenance(MEASURED_HERE, what)
        if self.source in published.REGISTRY:
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

    runs: a ``measured_data.load_runs()`` frame (default: :func:`measured_runs`). Each budget needs
    ``min_points`` runs, a convex parabola and an interior vertex; the intervals on a and b come
    from ``n_bootstrap`` replicates that each keep ``fraction`` of the runs (Table 2's procedure),
    drawn from ``numpy.random.default_rng(seed)``. Runs that hold several seeds of a size (the
    measured runs: 3 a size) are instead resampled by size within each budget, then by seed within
    each size (:func:`scalinglaws.analysis.study_v2.optima`, the same replicates as notebook 09's
    v2 tables): an 80% subsample of 3-seed runs almost never drops a whole size, and its interval
    would leave out most of the spread between sizes. Raises estimators.FitError naming the corpus
    when fewer than 2 budgets qualify.
    """
    if runs is None:
        runs = measured_runs() if source == MEASURED else runs_frame(source)[0]
    column = PARAM_COLUMN[params_count]
    if runs[column].isna().all():
        raise ParameterError(f"parameter 'params_count': the runs have no {params_count} count")
    out = {}
    rng = stream(seed, "c4-github.bootstrap")
    present = [c for c in CORPORA if (runs["corpus"] == c).any()] or [OTHER]
    for corpus in present:
        g = runs[(runs["study"] == "isoflop") & (runs["corpus"] == corpus)]
        g = g.reset_index(drop=True)
        N = g[column].to_numpy(dtype=float)
        seeded = bool(g.groupby(["flops_budget", column]).size().max() > 1)
        try:
            fit = estimators.approach2(
                N=N,
                C=g["flops"].to_numpy(dtype=float),
                L=g["loss_nats"].to_numpy(dtype=float),
                budgets=sorted(g["flops_budget"].unique()),
                D=g["tokens"].to_numpy(dtype=float),
                min_points=min_points,
                n_bootstrap=0 if seeded else n_bootstrap,
                rng=rng,
                fraction=fraction,
                level=LEVEL,
            )
            if seeded and n_bootstrap:
                fit = _seed_intervals(fit, g, column, n_bootstrap, seed)
        except (estimators.FitError, ValueError) as err:
            raise estimators.FitError(f"{corpus} IsoFLOP runs: {err}") from err
        out[corpus] = CorpusFit(corpus, g, N, fit)
    return Analysis(out, params_count, n_bootstrap, fraction, seed, min_points, source)


def _seed_intervals(fit, runs: pd.DataFrame, column: str, n_bootstrap: int, seed: int):
    """``fit`` with the intervals on a and b from the bootstrap that resamples sizes, then seeds."""
    from scalinglaws.analysis import study_v2

    opt = study_v2.optima(runs, params=column, n_bootstrap=n_bootstrap, seed=seed, level=LEVEL)
    ex = study_v2.exponents(opt, runs, params=column)
    return replace(
        fit,
        N_opt=replace(fit.N_opt, exponent_interval=(ex["a"].lo, ex["a"].hi), k_interval=None),
        D_opt=replace(fit.D_opt, exponent_interval=(ex["b"].lo, ex["b"].hi), k_interval=None),
    )


def _size_means(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per size of one budget: the mean over its seeds of loss and tokens, and the seeds."""
    return runs.groupby(column).agg(
        loss=("loss_nats", "mean"), tokens=("tokens", "first"), seeds=("loss_nats", "size")
    )


def budget_table(an: Analysis, corpus: str) -> pd.DataFrame:
    """Per budget of one corpus: sizes and runs, the best size (lowest loss, averaged over its
    seeds), the parabola's vertex and D/N there."""
    cf = an.corpora[corpus]
    column = PARAM_COLUMN[an.params_count]
    vertex = {p.budget: p for p in cf.fit.profiles}
    rows = []
    for C, g in cf.runs.groupby("flops_budget", sort=True):
        sizes = _size_means(g, column)
        best = sizes["loss"].idxmin()
        p = vertex.get(float(C))
        rows.append(
            {
                "corpus": corpus,
                "flops_budget": float(C),
                "n_sizes": len(sizes),
                "n_runs": len(g),
                "best_size_params": float(best),
                "best_size_tokens": float(sizes.loc[best, "tokens"]),
                "best_size_loss_nats": float(sizes.loc[best, "loss"]),
                "interior": bool(sizes.index.min() < best < sizes.index.max()),
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


def count_comparison(an: Analysis) -> pd.DataFrame:
    """The exponents with both parameter counts (with embeddings, Chinchilla's; without,
    Kaplan's): the analysis's own count as fitted, the other refitted with the same settings."""
    runs = pd.concat([cf.runs for cf in an.corpora.values()], ignore_index=True)
    tables = []
    for count in [c for c, col in PARAM_COLUMN.items() if runs[col].notna().all()]:
        other = (
            an
            if count == an.params_count
            else analyse(
                runs,
                n_bootstrap=an.n_bootstrap,
                fraction=an.fraction,
                seed=an.seed,
                min_points=an.min_points,
                params_count=count,
                source=an.source,
            )
        )
        tables.append(exponent_table(other))
    cols = [
        "corpus",
        "params_count",
        "a",
        "a_p10",
        "a_p90",
        "b",
        "b_p10",
        "b_p90",
        "table_a2_a",
        "table_a2_b",
    ]
    return pd.concat(tables, ignore_index=True)[cols].sort_values(
        ["corpus", "params_count"], ignore_index=True
    )


LOSS_COMPARISON_COLUMNS = [
    "flops_budget",
    "prose_nats_per_byte",
    "code_nats_per_byte",
    "prose_bits_per_byte",
    "code_bits_per_byte",
    "code_over_prose",
]


def loss_comparison(an: Analysis) -> pd.DataFrame:
    """Per budget both corpora ran: each corpus's lowest final loss (nats and bits per byte; the
    best size's mean over its seeds) and the ratio code / prose (the paper's GitHub losses are a
    fraction of its C4 losses). Empty, with these columns, unless both corpora are present."""
    from scalinglaws.analysis.study_v2 import profiles

    column = PARAM_COLUMN[an.params_count]
    best = {
        corpus: profiles(cf.runs, column).groupby("flops_budget")["mean"].min()
        for corpus, cf in an.corpora.items()
    }
    if not set(CORPORA) <= set(best):
        return pd.DataFrame([], columns=LOSS_COMPARISON_COLUMNS)  # needs both corpora
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
    return pd.DataFrame(rows, columns=LOSS_COMPARISON_COLUMNS)
