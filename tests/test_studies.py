"""The other studies through the same methods: Llama 3's own procedure, (Mis)Fitting's envelope,
the cross-study table and Approach 2's bias."""

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import cross_study, fit_runs
from scalinglaws.constants import LLAMA3


def test_llama3_tokens_parabola_equals_approach2_in_parameters():
    """With N = C / (6 D) at a fixed budget, a parabola in log D is one in log N: the paper's
    tokens fit and Approach 2's D_opt law must agree to rounding."""
    tokens = cross_study.llama3_approach2_tokens()
    a2 = cross_study.fit_one(cross_study.LLAMA3, 2)
    assert tokens.alpha == pytest.approx(a2["b"], abs=1e-9)
    assert tokens.A == pytest.approx(a2["D_opt"]["k"], rel=1e-6)
    assert len(tokens.budgets) == 10


def test_llama3_extrapolation_against_the_paper():
    """Llama 3 section 3.2.1: 16.55T tokens and 402B parameters at 3.8e25 FLOPs; tolerance from
    alpha's printed precision (+-0.005 in the exponent = +-0.005 log10 C in log10 D)."""
    D, N = cross_study.llama3_extrapolation(LLAMA3.flagship_flops)
    tol = 0.005 * np.log10(LLAMA3.flagship_flops)
    assert abs(np.log10(D / LLAMA3.flagship_tokens)) <= tol
    assert abs(np.log10(N / LLAMA3.flagship_params)) <= tol
    # the printed (rounded) constants alone give 10.5T: the paper's numbers disagree by 0.2 dex
    printed = LLAMA3.A * LLAMA3.flagship_flops**LLAMA3.alpha
    assert printed == pytest.approx(10.5e12, rel=0.01)


def test_misfitting_envelope_exponents_with_and_without_embeddings():
    """Same curves, two counts of N: b is unchanged, a rises without the embeddings."""
    runs = cross_study.runs_of(cross_study.MISFITTING, curves=True)
    total = fit_runs.envelope(runs, "params")
    non_emb = fit_runs.envelope(runs, "params_non_embedding")
    assert total.result.D_opt.exponent == pytest.approx(non_emb.result.D_opt.exponent)
    assert non_emb.result.N_opt.exponent > total.result.N_opt.exponent + 0.1
    # 224 runs, of which 205 have two or more checkpoints (a curve)
    assert 0 <= total.last_fraction <= 1 and len(total.runs) == 205


def test_approach2_bias_is_zero_on_a_centred_grid():
    """On a symmetric grid around the optimum of a known surface, Approach 2 recovers a closely:
    the bias machinery itself adds no error. Uses the synthetic runs of test_runs_cli."""
    from tests.test_runs_cli import TRUE_A, synthetic_runs

    runs = synthetic_runs().assign(loss=lambda f: 0)  # replaced below by the noise-free law
    from tests.test_runs_cli import true_loss

    runs["loss"] = true_loss(runs["params"], runs["tokens"])
    from scalinglaws.datasets import schema

    final = schema.validate(runs)
    res = fit_runs.approach2(fit_runs.a2_input(final), 5)
    assert abs(res.a - TRUE_A) < 0.01


def test_cross_study_table_rows():
    plan = ((cross_study.LLAMA3, 2, "params", False), (cross_study.EPOCH, 3, "params", False))
    t = cross_study.cross_study(n_bootstrap=50, seed=0, plan=plan)
    assert list(t.columns) == cross_study.CROSS_STUDY_COLUMNS
    for _, r in t.iterrows():
        assert r["a_lo"] <= r["a"] <= r["a_hi"] and r["b_lo"] <= r["b"] <= r["b_hi"]
        assert r["provenance"].startswith(("published data", "measured here"))


def test_measured_data_sets_are_the_v2_runs():
    """The cross-study's measured rows read the v2 study: the IsoFLOP runs of each budget's
    designed window (Approaches 2 and 3) and every v2 IsoFLOP learning curve (Approach 1)."""
    from scalinglaws.analysis import c4_github, envelope

    final = cross_study.runs_of(cross_study.MEASURED_PROSE)
    assert len(final) == (c4_github.measured_runs()["corpus"] == "prose").sum() > 0
    assert final["budget"].notna().all()
    curves = cross_study.runs_of(cross_study.MEASURED_PROSE, curves=True)
    assert curves["run"].nunique() == envelope.prose_curves()["run_id"].nunique()


def _fit(approach, *, identifiable=True, scatter=True, interval=True, failed=0, last_only=None):
    """A synthetic fit_runs.fit result with distinct numbers in every field _row reads."""
    res = {"n_runs": 37, "flops": "6ND", "identifiable": identifiable}
    if approach == 3:
        res["estimate"] = {"a": 0.41, "b": 0.59, "E": 1.234, "A": 456.7, "B": 890.1,
                           "alpha": 0.3456, "beta": 0.2345}  # fmt: skip
        res["not_identifiable"] = [] if identifiable else ["E at its bound 0", "Hessian singular"]
    else:
        res.update(a=0.52, b=0.48)
    if approach == 2:
        res["budgets_used"] = [1e18, 1e19, 1e20]
    if approach == 1:
        res.update(flops_range=(2.5e17, 3.5e21), last_15pct_fraction=0.123)
        if last_only is not None:
            res["last_15pct_only"] = {"a": last_only}
    boot = {"n_failed": failed}
    if interval:
        boot["interval"] = {"a": (0.1, 0.2), "b": (0.3, 0.4)}
        if scatter:
            boot["interval_with_scatter"] = {"a": (0.05, 0.25), "b": (0.25, 0.45)}
    res["bootstrap"] = boot
    return res


def test_a_row_carries_the_fit_it_is_given():
    """_row against synthetic fits (the truth is the fit handed in): every number lands in its
    column, the interval that includes the vertices' scatter wins where both are given, and a
    row without an interval says so (level NaN, no bootstrap)."""
    EPOCH, MIS = cross_study.EPOCH, cross_study.MISFITTING
    row = cross_study._row(EPOCH, 2, "params", _fit(2, failed=3), 400)
    assert (row["dataset"], row["approach"], row["params"], row["n_runs"]) == (
        EPOCH,
        2,
        "total",
        37,
    )
    assert (row["a"], row["b"]) == (0.52, 0.48)
    assert (row["a_lo"], row["a_hi"], row["b_lo"], row["b_hi"]) == (0.05, 0.25, 0.25, 0.45)
    assert (row["level"], row["n_bootstrap"], row["n_failed"]) == (cross_study.LEVEL, 400, 3)
    assert row["identifiable"] is True and row["flops"] == "6ND"
    assert row["note"] == "3 budgets used" and row["provenance"] == cross_study.PROVENANCE[EPOCH]
    row = cross_study._row(EPOCH, 2, "params_non_embedding", _fit(2, scatter=False), 400)
    assert row["params"] == "non-embedding"
    assert (row["a_lo"], row["a_hi"], row["b_lo"], row["b_hi"]) == (0.1, 0.2, 0.3, 0.4)
    row = cross_study._row(EPOCH, 2, "params", _fit(2, interval=False), 400)
    assert np.isnan([row["a_lo"], row["a_hi"], row["b_lo"], row["b_hi"], row["level"]]).all()
    assert row["n_bootstrap"] == 0 and row["n_failed"] == 0
    # Approach 2 on runs that are not an IsoFLOP design says so
    row = cross_study._row(MIS, 2, "params", _fit(2), 400)
    assert row["note"].startswith("3 budgets used (final checkpoints grouped by FLOPs within 0.06")


def test_a_row_of_approach_1_and_3_notes_what_the_fit_found():
    MIS = cross_study.MISFITTING
    row = cross_study._row(MIS, 1, "params", _fit(1), 400)
    assert (row["a"], row["b"]) == (0.52, 0.48)
    assert row["note"] == (
        "envelope over 2.5e+17-3.5e+21 FLOPs; 12% of its points in the last 15% of their run"
    )
    row = cross_study._row(MIS, 1, "params", _fit(1, last_only=0.6789), 400)
    assert row["note"].endswith("; those points alone: a = 0.679")
    row = cross_study._row(MIS, 3, "params", _fit(3), 400)
    assert (row["a"], row["b"], row["identifiable"]) == (0.41, 0.59, True)
    assert row["note"] == "E=1.23 A=457 B=890 alpha=0.346 beta=0.234"
    row = cross_study._row(MIS, 3, "params", _fit(3, identifiable=False), 400)
    assert row["identifiable"] is False
    assert row["note"] == (
        "not identifiable: E at its bound 0; Hessian singular "
        "(E=0 (at its bound) A=457 B=890 alpha=0.346 beta=0.234)"
    )


def test_approach2_bias_simulates_the_data_sets_own_grid_on_its_own_surface():
    """Epoch's Chinchilla points (those near one of Hoffmann's budgets, as Approach 2 uses them):
    a_true is beta/(alpha+beta) of eq 2 fitted to them (the estimator alone); the simulation puts
    that surface's loss, written out here, at every point; the bias is Approach 2 on it minus
    a_true; Approach 2 on the data themselves beside it."""
    import warnings

    import numpy as np

    from scalinglaws import estimators
    from scalinglaws.datasets import schema

    b = cross_study.approach2_bias(cross_study.EPOCH)
    runs = cross_study.runs_of(cross_study.EPOCH)
    final = schema.final_checkpoints(runs[runs["budget"].notna()].reset_index(drop=True))
    assert len(final) < len(runs)  # the points near no budget are left out
    N, D, L = (final[c].to_numpy(float) for c in ("params", "tokens", "loss"))
    fit = estimators.approach3(N=N, D=D, L=L)
    assert (b.dataset, b.params) == (cross_study.EPOCH, "params")
    assert b.a_true == fit.beta / (fit.alpha + fit.beta)
    assert b.identifiable == fit.identifiable
    sim = final.assign(loss=fit.E + fit.A / N**fit.alpha + fit.B / D**fit.beta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.RankWarning)
        on_sim = fit_runs.approach2(fit_runs.a2_input(sim, "params"), 5)
        on_data = fit_runs.approach2(fit_runs.a2_input(final, "params"), 5)
    assert (b.a_approach2, b.a_approach2_data) == (on_sim.a, on_data.a)
    assert b.n_budgets == len(on_sim.used_budgets) >= 3
    assert b.bias == on_sim.a - b.a_true


def test_misfittings_longest_runs_are_one_curve_a_size_at_its_longest_horizon():
    """Kaplan Fig 2's curves from the (Mis)Fitting runs: for each size, among its runs of the longest
    horizon (most steps), the one that ends lowest (its best learning rate), every checkpoint in
    step order, with Kaplan's C = 6 N_non-embedding D."""
    import numpy as np

    out = cross_study.misfitting_longest_runs()
    runs = cross_study.runs_of(cross_study.MISFITTING, curves=True)
    steps = runs.groupby("run")["step"].max()
    last = runs.loc[runs.groupby("run")["step"].idxmax()].set_index("run")
    assert out.groupby("params")["run"].nunique().eq(1).all()
    assert set(out["params"]) == set(runs["params"])
    for n, g in out.groupby("params"):  # most sizes ran their longest horizon at 3 or 4 rates
        mine = last[last["params"] == n]
        longest = mine[steps[mine.index] == steps[mine.index].max()]
        assert g["run"].iloc[0] == longest["loss"].idxmin()
        full = runs[runs["run"] == g["run"].iloc[0]].sort_values("step")
        np.testing.assert_array_equal(g["step"], full["step"])
    assert (out.groupby("params")["step"].diff().dropna() > 0).all()
    np.testing.assert_allclose(out["flops_kaplan"],
                               6 * out["params_non_embedding"] * out["tokens"], rtol=0)  # fmt: skip
    assert len(out["params"].unique()) >= 5 and (out["params"].diff().dropna() >= 0).all()


def test_the_bias_table_writes_each_data_sets_bias_as_the_readme_documents():
    """bias_table's rows are approach2_bias's numbers, the count of N by name (params: total,
    params_non_embedding: non-embedding), in data/derived/README.md's columns."""
    from tests.test_analysis import _documented_columns

    plan = ((cross_study.EPOCH, "params"), (cross_study.MISFITTING, "params_non_embedding"))
    t = cross_study.bias_table(plan)
    assert list(t.columns) == _documented_columns()["cross_study_bias.csv"]
    for (_, row), (name, params) in zip(t.iterrows(), plan, strict=True):
        b = cross_study.approach2_bias(name, params)
        assert row.to_dict() == {
            "dataset": name, "params": "total" if params == "params" else "non-embedding",
            "a_true": b.a_true, "a_approach2_sim": b.a_approach2, "bias": b.bias,
            "a_approach2_data": b.a_approach2_data, "n_budgets": b.n_budgets,
            "identifiable": b.identifiable,
        }  # fmt: skip


@pytest.mark.parametrize("corpus, name", [("prose", "prose"), ("code", "code-sympy")])
def test_measured_runs_are_the_v2_runs_in_the_runs_schema(corpus, name):
    """cross_study.measured_runs: by default (curves=False) each IsoFLOP run of the corpus's
    designed windows once, its N with and without embeddings, tokens, FLOPs, final loss and
    planned budget, marked "final"; with curves=True every validation point after step 0 of the
    corpus's v2 IsoFLOP runs, marked "intermediate and final". The corpus "code" is code-sympy's."""
    from scalinglaws.analysis import c4_github, study_v2
    from scalinglaws.datasets import measured

    prov = measured.provenance("final")
    final = cross_study.measured_runs(corpus)
    assert list(final.columns[:7]) == ["run", "params", "params_non_embedding", "tokens", "flops",
                                       "loss", "budget"]  # fmt: skip
    assert list(final.columns[-len(prov) :]) == list(prov)
    for key, value in prov.items():
        assert (final[key] == value).all(), key
    src = c4_github.measured_runs()
    src = src[src["corpus"] == corpus].set_index("run_id").loc[final["run"]]
    for mine, theirs in (("params", "params_total"), ("params_non_embedding", "params"), ("tokens", "tokens"),
                         ("flops", "flops"), ("loss", "loss_nats"), ("budget", "flops_budget")):  # fmt: skip
        np.testing.assert_array_equal(final[mine].to_numpy(), src[theirs].to_numpy(), err_msg=mine)
    curves = cross_study.measured_runs(corpus, curves=True)
    assert (curves["checkpoint_kind"] == "intermediate and final").all() and "budget" not in curves
    every = measured.load_curves(study_v2.RESULTS_V2, study="v2-isoflop")
    every = every[(every["corpus"] == name) & (every["step"] > 0)]
    assert len(curves) == len(every) > 0 and (curves["step"] > 0).all()
    assert set(curves["run"]) == set(every["run_id"])
    runs = measured.load_runs(study_v2.RESULTS_V2).set_index("run_id")
    np.testing.assert_array_equal(curves["params_non_embedding"].to_numpy(),
                                  runs.loc[curves["run"], "params"].to_numpy())  # fmt: skip
    np.testing.assert_array_equal(curves["flops"].to_numpy(), every["flops"].to_numpy())


def test_a_row_of_a_fit_without_a_bootstrap_or_verdict_keys_reads_their_absence():
    """A fit result without a bootstrap (n_bootstrap 0) and without an ``identifiable`` key
    (Approaches 1 and 2 write none): no interval, no failed replicates, identifiable. Approach 1's
    note in full, its share of points rounded to a whole percent."""
    MIS = cross_study.MISFITTING
    res = _fit(1, last_only=0.6789)
    del res["bootstrap"], res["identifiable"]
    res["last_15pct_fraction"] = 0.5
    row = cross_study._row(MIS, 1, "params", res, 400)
    assert (row["n_bootstrap"], row["n_failed"], row["identifiable"]) == (0, 0, True)
    assert np.isnan([row["a_lo"], row["a_hi"], row["b_lo"], row["b_hi"], row["level"]]).all()
    assert row["note"] == (
        "envelope over 2.5e+17-3.5e+21 FLOPs; 50% of its points in the last 15% of their run; "
        "those points alone: a = 0.679"
    )


@pytest.mark.parametrize(
    ("name", "approach", "params"),
    [(cross_study.EPOCH, 2, "params"), (cross_study.MISFITTING, 1, "params_non_embedding"),
     (cross_study.MISFITTING, 2, "params")],
)  # fmt: skip
def test_fit_one_is_the_fit_of_the_data_set_as_its_approach_reads_it(name, approach, params):
    """fit_one against fit_runs.fit called here with every setting spelled out: the data set's
    curves for Approach 1 and its points with a budget for Approach 2, the table's 95% level, the
    data set's minimum points per budget (3 for the (Mis)Fitting runs, 5 otherwise), its name as
    the label, the seed given (0 by default)."""
    import json

    from scalinglaws.analysis import fit_runs

    runs = cross_study.runs_of(name, curves=approach == 1, approach=approach)
    want = fit_runs.fit(runs, approach, n_bootstrap=3, seed=2, level=0.95, params=params,
                        min_points=cross_study.MIN_POINTS[name], label=name)  # fmt: skip
    got = cross_study.fit_one(name, approach, params, n_bootstrap=3, seed=2)
    assert json.dumps(got, sort_keys=True, default=str) == json.dumps(
        want, sort_keys=True, default=str
    )
    assert got["runs"] == name and got["bootstrap"]["level"] == 0.95 and got["seed"] == 2
    assert cross_study.fit_one(name, approach, params)["seed"] == 0  # by default


def test_the_cross_study_table_is_one_row_per_plan_entry_of_its_own_fit():
    """cross_study(plan) against fit_one and _row called for each entry of a two-row plan, with
    the parameter count, bootstrap size and seed passed on, in the table's columns."""
    plan = ((cross_study.MISFITTING, 2, "params_non_embedding", False),
            (cross_study.EPOCH, 2, "params", False))  # fmt: skip
    t = cross_study.cross_study(n_bootstrap=3, seed=2, plan=plan)
    want = pd.DataFrame(
        [cross_study._row(n, a, p, cross_study.fit_one(n, a, p, n_bootstrap=3, seed=2), 3)
         for n, a, p, _ in plan],
        columns=cross_study.CROSS_STUDY_COLUMNS,
    )  # fmt: skip
    pd.testing.assert_frame_equal(t, want)
    assert t["params"].tolist() == ["non-embedding", "total"] and (t["n_bootstrap"] == 3).all()
