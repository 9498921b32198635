"""The C4/GitHub family (Hoffmann 2022 App. C, Figure A2, Table A2) on the measured-here runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws import estimators
from scalinglaws.analysis import c4_github
from scalinglaws.core.params import ParameterError
from scalinglaws.figures import hoffmann2022_figA2
from scalinglaws.figures.style import save_table

# A known eq-2 law for synthetic IsoFLOP runs: N_opt ~ C^(beta/(alpha+beta)) = C^0.6
E, A, B, ALPHA, BETA = 1.0, 50.0, 200.0, 0.4, 0.6
BUDGETS = (1e11, 1e12, 1e13, 1e14)


def _synthetic_runs(corpora=("prose", "code"), budgets=BUDGETS, sizes=9, noise=0.0, seed=0,
                    seeds=1):  # fmt: skip
    rng = np.random.default_rng(seed)
    rows = []
    for corpus in corpora:
        for C in budgets:
            # centre the sizes on the law's optimum, 1/4x to 4x as the study's plans
            G = (ALPHA * A / (BETA * B)) ** (1 / (ALPHA + BETA))
            n_opt = G * (C / 6) ** (BETA / (ALPHA + BETA))
            for N in n_opt * np.geomspace(0.25, 4, sizes):
                D = C / (6 * N)
                L = E + A / N**ALPHA + B / D**BETA
                for k in range(seeds):
                    rows.append(
                        {
                            "study": "isoflop",
                            "corpus": corpus,
                            "params": N,
                            "params_total": N,
                            "flops_budget": C,
                            "flops": C,
                            "tokens": D,
                            "seed": k,
                            "loss_nats": L * (1 + noise * rng.standard_normal()),
                        }
                    )
    return pd.DataFrame(rows)


def test_runs_with_seeds_take_their_intervals_from_resampling_sizes_then_seeds():
    """3 seeds a size: the intervals on a and b are study_v2's (sizes within each budget, then
    seeds within each size; same seed, same replicates), the point values Approach 2's."""
    from scalinglaws.analysis import study_v2

    runs = _synthetic_runs(corpora=("prose",), noise=0.01, seeds=3)
    an = c4_github.analyse(runs, n_bootstrap=200, seed=3)
    fit = an.corpora["prose"].fit
    opt = study_v2.optima(an.corpora["prose"].runs, n_bootstrap=200, seed=3)
    ex = study_v2.exponents(opt, an.corpora["prose"].runs)
    assert fit.N_opt.exponent_interval == (ex["a"].lo, ex["a"].hi)
    assert fit.D_opt.exponent_interval == (ex["b"].lo, ex["b"].hi)
    assert fit.N_opt.exponent == pytest.approx(ex["a"].value, abs=1e-9)
    assert fit.N_opt.exponent_interval[0] < BETA / (ALPHA + BETA) < fit.N_opt.exponent_interval[1]
    table = c4_github.budget_table(an, "prose")
    assert (table["n_sizes"] == 9).all() and (table["n_runs"] == 27).all()


def test_best_size_is_the_lowest_mean_over_seeds():
    runs = _synthetic_runs(corpora=("prose",), seeds=3)
    edge = runs.groupby("flops_budget")["params"].transform("min") == runs["params"]
    depth = runs["loss_nats"] - runs.groupby("flops_budget")["loss_nats"].transform("min")
    lucky = edge & (runs["seed"] == 0)  # one seed of the smallest size beats the best size's
    runs.loc[lucky, "loss_nats"] -= 2 * depth[lucky]
    table = c4_github.budget_table(c4_github.analyse(runs, n_bootstrap=0), "prose")
    assert table["interior"].all()  # the mean over seeds is not fooled by one seed
    assert (table["best_size_params"] > runs["params"].min()).all()


def test_table_a2_constants():
    """Hoffmann 2022 Table A2: C4 a = 0.50, b = 0.50; GitHub a = 0.53, b = 0.47."""
    assert c4_github.published_exponents("prose") == (0.50, 0.50)
    assert c4_github.published_exponents("code") == (0.53, 0.47)


def test_recovers_a_known_law():
    an = c4_github.analyse(_synthetic_runs(), n_bootstrap=0)
    for corpus in c4_github.CORPORA:
        fit = an.corpora[corpus].fit
        assert len(fit.profiles) == len(BUDGETS)
        # parabolas in log N over a 16x range locate the optimum of eq 2 to a few per cent
        assert fit.a == pytest.approx(BETA / (ALPHA + BETA), abs=0.01)
        assert fit.b == pytest.approx(ALPHA / (ALPHA + BETA), abs=0.01)


def test_bootstrap_interval_brackets_the_estimate_and_is_seeded():
    runs = _synthetic_runs(noise=0.003, seed=1)
    an1 = c4_github.analyse(runs, n_bootstrap=200, seed=3)
    an2 = c4_github.analyse(runs, n_bootstrap=200, seed=3)
    t1, t2 = c4_github.exponent_table(an1), c4_github.exponent_table(an2)
    pd.testing.assert_frame_equal(t1, t2)
    assert (t1["a_p10"] <= t1["a"]).all() and (t1["a"] <= t1["a_p90"]).all()
    assert (t1["a_p10"] < t1["a_p90"]).all()


def test_too_few_budgets_names_the_corpus():
    runs = _synthetic_runs(budgets=(1e12,))
    with pytest.raises(estimators.FitError, match="prose IsoFLOP runs"):
        c4_github.analyse(runs, n_bootstrap=0)


def test_approach2_tokens_match_6nd_when_runs_have_6nd_tokens():
    runs = _synthetic_runs(corpora=("prose",))
    args = {"N": runs["params"], "C": runs["flops"], "L": runs["loss_nats"]}
    plain = estimators.approach2(**args, budgets=BUDGETS)
    given = estimators.approach2(**args, D=runs["tokens"], budgets=BUDGETS)
    for p, q in zip(plain.profiles, given.profiles, strict=True):
        assert q.D_opt == pytest.approx(p.D_opt, rel=1e-9)


def test_approach2_fraction_is_checked():
    runs = _synthetic_runs(corpora=("prose",))
    with pytest.raises(ValueError, match="fraction"):
        estimators.approach2(N=runs["params"], C=runs["flops"], L=runs["loss_nats"],
                             budgets=BUDGETS, n_bootstrap=5, rng=np.random.default_rng(0),
                             fraction=1.5)  # fmt: skip


def test_measured_runs_are_the_v2_design_windows_under_this_familys_corpus_names():
    from scalinglaws.analysis import study_v2

    runs = c4_github.measured_runs()
    assert set(runs["study"]) == {"isoflop"} and set(runs["corpus"]) <= set(c4_github.CORPORA)
    for key, corpus in c4_github.MEASURED_CORPUS.items():
        window = study_v2.design_window(study_v2.load("isoflop", corpus))
        assert sorted(runs.loc[runs["corpus"] == key, "run_id"]) == sorted(window["run_id"])


def test_measured_runs_read_each_corpus_from_its_v2_corpus(tmp_path):
    """From a folder of v2 results at 3e11 FLOP: only the IsoFLOP runs of the designed windows
    count (8 sizes x 3 seeds a corpus; not the lr sweep, the noise runs or single-seed shorter
    horizons of larger sizes), and the code-sympy runs are read as "code"."""
    import json
    import shutil

    from scalinglaws.core import paths

    isoflop = set()
    for f in sorted((paths.DATA / "runs" / "results" / "v2").glob("*.json")):
        cfg = json.loads(f.read_text())["config"]
        if cfg["flops"] == 3e11:
            shutil.copy(f, tmp_path / f.name)
            if cfg["study"] == "v2-isoflop":
                isoflop.add(f.stem)
    runs = c4_github.measured_runs(tmp_path)
    assert set(runs["study"]) == {"isoflop"} and set(runs["run_id"]) <= isoflop
    assert runs.groupby("corpus").size().to_dict() == {"code": 24, "prose": 24}
    assert runs.groupby(["corpus", "params_total"])["seed"].nunique().eq(3).all()
    assert c4_github.measured_runs(tmp_path / "absent").empty


def test_measured_runs_have_an_interior_minimum_at_every_complete_budget():
    an = c4_github.analyse(n_bootstrap=0)
    for corpus in c4_github.CORPORA:
        table = c4_github.budget_table(an, corpus)
        complete = table[table["n_sizes"] >= 6]
        assert len(complete) >= 3, f"{corpus}: fewer than 3 complete budgets"
        assert complete["interior"].all(), complete
        assert complete["used_in_fit"].all(), complete


def test_loss_comparison_uses_shared_budgets():
    an = c4_github.analyse(n_bootstrap=0)
    table = c4_github.loss_comparison(an)
    runs = c4_github.measured_runs()
    shared = set(runs[runs.corpus == "prose"].flops_budget) & set(
        runs[runs.corpus == "code"].flops_budget
    )
    assert sorted(table["flops_budget"]) == sorted(shared)
    assert np.allclose(table["code_bits_per_byte"], table["code_nats_per_byte"] / np.log(2))


def test_figure_labels_every_series():
    an = c4_github.analyse(_synthetic_runs(), n_bootstrap=50)
    fig = hoffmann2022_figA2.figure_a2(an)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()]
    assert any(t.startswith("measured here") for t in labels)
    assert sum("Table A2, C4" in t for t in labels) == 2
    assert sum("Table A2, GitHub" in t for t in labels) == 2
    assert sum("Kaplan 2020" in t for t in labels) == 4


def test_save_table_is_deterministic_and_atomic(tmp_path):
    table = pd.DataFrame({"x": [1 / 3, 2e-7], "name": ["a", "b"]})
    first = save_table(table, "t", tmp_path).read_bytes()
    assert save_table(table, "t", tmp_path).read_bytes() == first
    assert first == b"x,name\n0.333333,a\n2e-07,b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


@pytest.mark.badinput
def test_save_table_rejects_a_bad_name(tmp_path):
    with pytest.raises(ValueError, match="table name"):
        save_table(pd.DataFrame({"x": [1]}), "../t", tmp_path)


def test_count_comparison_refits_the_other_count_with_the_same_settings():
    """Runs on a known law in the count without embeddings, with 20,000 embedding parameters on
    top in the other: the table holds both counts per corpus, the analysis's own as fitted (the
    law's a within the parabolas' 0.01) and the other refitted with every setting of the analysis
    (compared with that refit made here); a count whose column has a gap is left out."""
    runs = _synthetic_runs(noise=0.002, seed=4)
    runs["params_total"] = runs["params"] + 20_000.0
    settings = dict(n_bootstrap=30, fraction=0.7, seed=5, min_points=6)
    an = c4_github.analyse(runs, params_count="non-embedding", **settings)
    t = c4_github.count_comparison(an)
    assert list(t.columns) == ["corpus", "params_count", "a", "a_p10", "a_p90", "b", "b_p10",
                               "b_p90", "table_a2_a", "table_a2_b"]  # fmt: skip
    assert list(zip(t["corpus"], t["params_count"], strict=True)) == [
        ("code", "non-embedding"), ("code", "total"), ("prose", "non-embedding"), ("prose", "total")
    ]  # fmt: skip
    own = t[t["params_count"] == "non-embedding"]
    assert own["a"].to_numpy() == pytest.approx(BETA / (ALPHA + BETA), abs=0.01)
    refit = c4_github.exponent_table(c4_github.analyse(runs, params_count="total", **settings))
    got = t[t["params_count"] == "total"].set_index("corpus")
    for _, row in refit.iterrows():
        for col in ("a", "a_p10", "a_p90", "b", "b_p10", "b_p90", "table_a2_a", "table_a2_b"):
            assert got.loc[row["corpus"], col] == row[col], col
    assert (got["a"] < own.set_index("corpus")["a"]).all()  # the embeddings flatten N_opt's growth
    gap = runs.assign(params_total=runs["params_total"].where(runs.index > 0))
    one = c4_github.count_comparison(c4_github.analyse(gap, params_count="non-embedding",
                                                       **settings))  # fmt: skip
    assert set(one["params_count"]) == {"non-embedding"}


def _runs_csv(path, budgets=(1e18, 1e19, 1e20), sizes=4, extra=None, no_budget_row=False):
    rows = []
    for C in budgets:
        for N in np.geomspace(1e7, 1e9, sizes):
            rows.append({"params": N, "tokens": C / (6 * N), "budget": C,
                         "loss": E + A / N**ALPHA + B / (C / (6 * N)) ** BETA})  # fmt: skip
    if no_budget_row:  # a run outside every budget (empty budget cell)
        rows.insert(2, {"params": 5e8, "tokens": 1e9, "budget": np.nan, "loss": 3.0})
    frame = pd.DataFrame(rows)
    for k, v in (extra or {}).items():
        frame[k] = v(frame)
    frame.to_csv(path, index=False)
    return str(path)


def test_runs_frame_is_the_families_table_of_a_runs_csv(tmp_path):
    """A runs CSV as this family's runs table: its final checkpoints in a budget (a run with an
    empty budget cell left out), named by position when the CSV has no ``run`` column, N without
    embeddings unknown (NaN) unless given, flops_budget from the ``budget`` column, every run
    "finished" in study "isoflop" of corpus "runs", indexed 0, 1, ..."""
    frame, name = c4_github.runs_frame(_runs_csv(tmp_path / "r.csv", no_budget_row=True))
    assert name == "r.csv"
    assert list(frame.columns) == ["run_id", "study", "corpus", "params_total", "params", "flops",
                                   "flops_budget", "tokens", "loss_nats", "status"]  # fmt: skip
    assert list(frame.index) == list(range(12)) and list(frame["run_id"]) == [
        str(k) for k in range(12)
    ]
    assert frame["params"].isna().all() and (frame["status"] == "finished").all()
    assert c4_github.OTHER == "runs" and (frame["corpus"] == "runs").all()
    assert (frame["study"] == "isoflop").all()
    assert list(frame["flops_budget"]) == [C for C in (1e18, 1e19, 1e20) for _ in range(4)]
    assert frame["flops_budget"].dtype == float
    np.testing.assert_allclose(
        frame["flops"], 6 * frame["params_total"] * frame["tokens"], rtol=1e-12
    )
    named, _ = c4_github.runs_frame(_runs_csv(tmp_path / "n.csv", extra={
        "run": lambda f: [f"r{k}" for k in range(len(f))],
        "params_non_embedding": lambda f: 0.8 * f["params"]}))  # fmt: skip
    assert list(named["run_id"]) == [f"r{k}" for k in range(12)]
    np.testing.assert_allclose(named["params"], 0.8 * named["params_total"], rtol=1e-12)


def test_runs_frame_needs_what_approach_2_needs(tmp_path):
    """Six runs at one budget are not enough for Approach 2 (two budgets): the error names the
    parameter and the column."""
    path = _runs_csv(tmp_path / "one.csv", budgets=(1e19,), sizes=6)
    with pytest.raises(
        ParameterError, match=r"^parameter 'runs': column 'budget': Approach 2 needs at least 2"
    ):
        c4_github.runs_frame(path)


def test_analysis_keeps_its_settings_and_each_corpus_its_runs():
    """The Analysis carries the settings it was made with; each corpus's fit holds that corpus's
    IsoFLOP runs, reindexed 0, 1, ..., and N as floats; Approach 2 reads the runs' own tokens (here
    0.75 C / 6N: D_opt at each vertex is 0.75 C / 6 N_opt, not C / 6 N_opt)."""
    runs = _synthetic_runs(noise=0.002, seed=4)
    runs["tokens"] *= 0.75
    runs.index = runs.index + 100  # the corpus's runs are reindexed from 0
    an = c4_github.analyse(runs, n_bootstrap=30, fraction=0.7, seed=5, min_points=4)
    assert (an.params_count, an.n_bootstrap, an.fraction, an.seed, an.min_points, an.source) == (
        "total",
        30,
        0.7,
        5,
        4,
        c4_github.MEASURED,
    )
    for corpus in ("prose", "code"):
        cf = an.corpora[corpus]
        assert cf.corpus == corpus and (cf.runs["corpus"] == corpus).all()
        assert list(cf.runs.index) == list(range(len(cf.runs))) and cf.N.dtype == float
        for p in cf.fit.profiles:
            assert p.D_opt == pytest.approx(0.75 * p.budget / (6 * p.N_opt), rel=1e-6)
    # min_points is Approach 2's: 9 sizes a budget pass 9 and fail 10
    c4_github.analyse(runs, n_bootstrap=0, min_points=9)
    with pytest.raises(estimators.FitError, match="^prose IsoFLOP runs: "):
        c4_github.analyse(runs, n_bootstrap=0, min_points=10)


def test_one_seed_a_size_takes_table_2s_subsample_bootstrap_from_its_named_stream():
    """One run a size: the intervals are Approach 2's own bootstrap (each replicate keeps
    ``fraction`` of the runs; it also gives k an interval), drawn from the stream
    "c4-github.bootstrap" of the seed, shared by the corpora in order; with two seeds a size the
    intervals come from elsewhere (the size-then-seed resampling, tested above with three seeds):
    k has no interval."""
    from scalinglaws.core.rng import stream

    runs = _synthetic_runs(noise=0.002, seed=6)
    an = c4_github.analyse(runs, n_bootstrap=40, seed=2, fraction=0.8)
    rng = stream(2, "c4-github.bootstrap")
    for corpus in ("prose", "code"):
        g = an.corpora[corpus].runs
        ref = estimators.approach2(N=g["params_total"].to_numpy(float), C=g["flops"].to_numpy(float),
                                   L=g["loss_nats"].to_numpy(float), D=g["tokens"].to_numpy(float),
                                   budgets=sorted(g["flops_budget"].unique()), min_points=5,
                                   n_bootstrap=40, rng=rng, fraction=0.8, level=0.80)  # fmt: skip
        fit = an.corpora[corpus].fit
        assert fit.N_opt.exponent_interval == ref.N_opt.exponent_interval
        assert fit.D_opt.exponent_interval == ref.D_opt.exponent_interval
        assert fit.N_opt.k_interval is not None
    two = c4_github.analyse(
        _synthetic_runs(corpora=("prose",), noise=0.002, seeds=2), n_bootstrap=40
    )
    assert two.corpora["prose"].fit.N_opt.k_interval is None
    assert two.corpora["prose"].fit.N_opt.exponent_interval is not None


def test_runs_without_the_chosen_count_are_refused():
    runs = _synthetic_runs(corpora=("prose",))
    runs["params"] = np.nan
    with pytest.raises(
        ParameterError, match=r"^parameter 'params_count': the runs have no non-embedding count$"
    ):
        c4_github.analyse(runs, n_bootstrap=0, params_count="non-embedding")


def test_the_defaults_are_the_documented_ones():
    """Defaults (docstring): 1000 replicates keeping 80% of the runs each (Table 2's 10th-90th
    percentile interval), seed 0, 5 runs a budget, N with embeddings, the runs measured here."""
    runs = _synthetic_runs(noise=0.002, seed=6)
    default = c4_github.analyse(runs)
    given = c4_github.analyse(runs, n_bootstrap=1000, fraction=0.8, seed=0, min_points=5,
                              params_count="total")  # fmt: skip
    assert (default.n_bootstrap, default.seed, default.min_points) == (1000, 0, 5)
    for corpus in ("prose", "code"):
        assert default.corpora[corpus].fit == given.corpora[corpus].fit
    assert default.source == c4_github.MEASURED and default.measured


def test_budget_table_writes_each_budget_with_its_vertex_or_why_not():
    """One row per budget in order (the runs given largest budget first): sizes and runs, the best
    size by its mean loss, interior when neither the smallest nor the largest size; the vertex's
    N, D, D/N and loss where Approach 2 used the budget, NaN and the reason where it skipped it (a
    budget whose loss only falls, or only rises, with N has its best size at an edge)."""
    runs = _synthetic_runs(corpora=("prose",), noise=0.001, seed=2)
    edge = runs["flops_budget"] == BUDGETS[-1]
    runs.loc[edge, "loss_nats"] = 3.0 - 0.01 * np.log(runs.loc[edge, "params"])
    first = (
        runs["flops_budget"] == BUDGETS[0]
    )  # and one whose loss only rises: best at the smallest
    runs.loc[first, "loss_nats"] = 3.0 + 0.01 * np.log(runs.loc[first, "params"])
    runs = runs.iloc[::-1].reset_index(drop=True)
    an = c4_github.analyse(runs, n_bootstrap=0)
    t = c4_github.budget_table(an, "prose")
    assert list(t["flops_budget"]) == list(BUDGETS) and (t["corpus"] == "prose").all()
    assert (t["n_sizes"] == 9).all() and (t["n_runs"] == 9).all()
    fit = an.corpora["prose"].fit
    for row in t.itertuples():
        g = runs[runs["flops_budget"] == row.flops_budget]
        best = g.loc[g["loss_nats"].idxmin()]
        assert (
            row.best_size_params == best["params_total"]
            and row.best_size_loss_nats == best["loss_nats"]
        )
        assert row.best_size_tokens == best["tokens"]
        assert row.interior == (
            g["params_total"].min() < best["params_total"] < g["params_total"].max()
        )
        p = next((p for p in fit.profiles if p.budget == row.flops_budget), None)
        assert row.used_in_fit == (p is not None)
        if p is None:
            assert np.isnan(row.N_opt) and np.isnan(row.D_opt) and np.isnan(row.L_min_nats)
            assert np.isnan(row.tokens_per_param_opt)
            assert row.skipped_because == fit.skipped[row.flops_budget] != ""
        else:
            assert (row.N_opt, row.D_opt, row.L_min_nats) == (p.N_opt, p.D_opt, p.L_min)
            assert row.tokens_per_param_opt == p.D_opt / p.N_opt and row.skipped_because == ""
    assert list(t["interior"]) == [False, True, True, False]
    assert list(t["used_in_fit"]) == [False, True, True, False]


def test_loss_comparison_is_each_corpus_best_mean_loss_per_shared_budget():
    """Per budget both corpora ran (here the code corpus lacks the largest): each corpus's lowest
    mean loss over its sizes' seeds, in nats and in bits (/ ln 2), and code / prose; with one
    corpus, an empty table with the same columns."""
    runs = _synthetic_runs(noise=0.01, seed=8, seeds=2)
    runs.loc[runs["corpus"] == "code", "loss_nats"] *= 0.6
    runs = runs[~((runs["corpus"] == "code") & (runs["flops_budget"] == BUDGETS[-1]))]
    an = c4_github.analyse(runs, n_bootstrap=0, params_count="non-embedding")
    t = c4_github.loss_comparison(an)
    assert list(t.columns) == list(c4_github.LOSS_COMPARISON_COLUMNS)
    assert list(t["flops_budget"]) == list(BUDGETS[:-1])
    for row in t.itertuples(index=False):
        best = {}
        for corpus in ("prose", "code"):
            g = runs[(runs["corpus"] == corpus) & (runs["flops_budget"] == row.flops_budget)]
            best[corpus] = g.groupby("params")["loss_nats"].mean().min()
        assert row.prose_nats_per_byte == pytest.approx(best["prose"], rel=1e-12)
        assert row.code_nats_per_byte == pytest.approx(best["code"], rel=1e-12)
        assert row.prose_bits_per_byte == pytest.approx(best["prose"] / np.log(2), rel=1e-12)
        assert row.code_bits_per_byte == pytest.approx(best["code"] / np.log(2), rel=1e-12)
        assert row.code_over_prose == pytest.approx(best["code"] / best["prose"], rel=1e-12)
    one = c4_github.loss_comparison(
        c4_github.analyse(runs[runs["corpus"] == "prose"], n_bootstrap=0)
    )
    assert one.empty and list(one.columns) == list(c4_github.LOSS_COMPARISON_COLUMNS)


def test_each_corpus_is_compared_with_the_row_it_stands_in_for():
    """Prose stands in for C4 and code for GitHub (Hoffmann 2022 Table A2: a = 0.50, 0.53 and b =
    0.50, 0.47 as printed); any other runs are compared with Table 2's Approach 2 (a = 0.49,
    b = 0.51), and named so."""
    assert c4_github.published_exponents("prose") == (0.50, 0.50)
    assert c4_github.published_exponents("code") == (0.53, 0.47)
    assert c4_github.published_exponents(c4_github.OTHER) == (0.49, 0.51)
    assert [c4_github._role(c) for c in ("prose", "code", c4_github.OTHER)] == [
        "C4", "GitHub", "Table 2, Approach 2"]  # fmt: skip


def test_each_series_says_what_its_runs_are():
    """The legend label of a series (CONVENTIONS: every curve says what it is): the runs measured
    here are "measured here"; a registered published data set is "published data" and a fit to
    it "refit here", each naming the set; a reader's runs CSV says it is the reader's runs."""

    def label(source, *args):
        return c4_github.Analysis({}, "total", 0, 0.8, 0, 5, source).series("a = 0.5", *args)

    assert (
        label(c4_github.MEASURED) == label(c4_github.MEASURED, False) == "measured here (a = 0.5)"
    )
    name = "llama3-isoflops"
    assert label(name) == f"refit here ({name}: a = 0.5)"
    assert label(name, False) == f"published data ({name}: a = 0.5)"
    assert label("my_runs.csv") == "runs (my_runs.csv): a = 0.5"
