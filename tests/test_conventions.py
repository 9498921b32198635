"""Counting conventions (analysis.conventions): oracles are invariances of eq 2's fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import conventions
from scalinglaws.laws import chinchilla


def _runs(flops_per_token=None) -> pd.DataFrame:
    """Final losses exactly on Hoffmann's eq 2 (App. D.2 rounded constants) over a grid."""
    N, D = np.meshgrid(np.geomspace(1e8, 1e10, 6), np.geomspace(2e9, 2e11, 6))
    N, D = N.ravel(), D.ravel()
    out = pd.DataFrame({"params": N, "tokens": D, "loss": chinchilla.loss(N, D)})
    out["params_non_embedding"] = 0.8 * N
    if flops_per_token is not None:
        out["flops"] = flops_per_token(N) * D
    return out


def test_effective_count_equals_total_when_flops_are_6nd():
    runs = _runs(lambda N: 6.0 * N)
    total = conventions.refit(runs, "total")
    eff = conventions.refit(runs, "effective")
    assert eff["a"] == total["a"] and eff["tokens_per_param"] == total["tokens_per_param"]
    assert "the same fit as total" in eff["note"]


def test_a_scaled_count_leaves_the_exponents_and_recovers_eq2s():
    """N x 0.8 is absorbed by A: a and b do not move, and equal eq 2's beta / (alpha + beta)."""
    runs = _runs()
    total, non = conventions.refit(runs, "total"), conventions.refit(runs, "non-embedding")
    fit = chinchilla.HOFFMANN.approach3_rounded
    assert total["a"] == pytest.approx(fit.beta / (fit.alpha + fit.beta), rel=1e-4)
    assert non["a"] == pytest.approx(total["a"], rel=1e-4)
    # the tokens per parameter at 1e22 are eq 4's closed form for the same constants
    expected = float(chinchilla.optimal_ratio(conventions.C_REF, fit))
    assert total["tokens_per_param"] == pytest.approx(expected, rel=1e-3)


def test_a_count_the_data_lack_says_so_and_a_bad_count_is_refused():
    row = conventions.refit(_runs().drop(columns="params_non_embedding"), "non-embedding")
    assert row["note"] == "no column 'params_non_embedding' in the data" and "a" not in row
    assert "no column 'flops'" in conventions.refit(_runs(), "effective")["note"]
    with pytest.raises(ValueError, match="count must be one of"):
        conventions.counted(_runs(), "kaplan")


def test_an_effective_count_that_grows_faster_than_n_raises_a():
    """FLOPs per token growing faster than N (attention, output layer) make the effective count
    grow faster than N at fixed D: N_opt in that count grows faster with C."""
    runs = _runs(lambda N: 6.0 * N * (N / 1e8) ** 0.1)
    assert conventions.refit(runs, "effective")["a"] > conventions.refit(runs, "total")["a"]


def test_a_ratio_far_past_the_data_is_not_extrapolated():
    """1e22 FLOPs more than MAX_DECADES past the data: the ratio is left out, with the reason."""
    runs = _runs(lambda N: 6.0 * N)
    near = conventions.refit(runs, "total", flops=10.0 * runs["flops"].max())
    far = conventions.refit(runs, "total", flops=1e4 * runs["flops"].max())
    assert np.isfinite(near["tokens_per_param"]) and near["decades_beyond"] == pytest.approx(1.0)
    assert np.isnan(far["tokens_per_param"]) and "not extrapolated" in far["note"]


def _eq2_runs(flops_factor: float = 1.0, seed: int = 6):
    """An IsoFLOP design on eq 2 (App. D.2's rounded constants, 0.2% noise), with a count without
    embeddings (20,000 fewer) and training FLOPs ``flops_factor`` x 6 N D."""
    fit = chinchilla.HOFFMANN.approach3_rounded
    rng = np.random.default_rng(seed)
    rows = []
    for C in (1e18, 1e19, 1e20):
        for N in float(chinchilla.optimal_N(C, fit)) * np.logspace(-0.7, 0.7, 7):
            D = C / (6 * N)
            rows.append({"params": N, "params_non_embedding": N - 2e4, "tokens": D,
                         "flops": flops_factor * 6 * N * D,
                         "loss": float(chinchilla.loss(N, D, fit)) * np.exp(0.002 * rng.normal())})  # fmt: skip
    return pd.DataFrame(rows)


def test_a_refit_row_is_eq4_of_the_fit_in_its_count():
    """Each row against Approach 3 fitted here in that count (the estimator alone) and eq 4's
    tokens per parameter in closed form at the reference FLOPs; how far those FLOPs lie past the
    data; the notes for a count the data lack, for FLOPs that make the effective count the total
    one, and for a reference too far past the data to extrapolate to."""
    from scalinglaws import estimators

    runs = _eq2_runs(flops_factor=1.2)
    for count, N in (("total", runs["params"]), ("non-embedding", runs["params_non_embedding"]),
                     ("effective", runs["flops"] / (6 * runs["tokens"]))):  # fmt: skip
        row = conventions.refit(runs, count, label="syn", flops=1e21)
        f = estimators.approach3(N=N.to_numpy(), D=runs["tokens"].to_numpy(),
                                 L=runs["loss"].to_numpy())  # fmt: skip
        G = (f.alpha * f.A / (f.beta * f.B)) ** (1 / (f.alpha + f.beta))
        n_opt = G * (1e21 / 6) ** (f.beta / (f.alpha + f.beta))
        assert (row["dataset"], row["params"], row["n_runs"]) == ("syn", count, 21)
        assert (row["a"], row["b"]) == pytest.approx(
            (f.beta / (f.alpha + f.beta), f.alpha / (f.alpha + f.beta)), rel=1e-12
        )
        assert row["tokens_per_param"] == pytest.approx(1e21 / (6 * n_opt) / n_opt, rel=1e-9)
        assert row["decades_beyond"] == pytest.approx(
            np.log10(1e21 / runs["flops"].max()), rel=1e-12
        )
        assert row["identifiable"] and row["note"] == ""
    same = conventions.refit(_eq2_runs(), "effective", flops=1e21)
    assert same["note"] == "the data's FLOPs are 6 N D with N total: the same fit as total"
    far = conventions.refit(runs, "total", flops=1e24)
    beyond = np.log10(1e24 / runs["flops"].max())
    assert beyond > 2 and np.isnan(far["tokens_per_param"])
    assert far["note"] == f"1e+24 FLOPs lie {beyond:.1f} decades past the data: not extrapolated"
    bare = runs.drop(columns=["params_non_embedding", "flops"])
    assert conventions.refit(bare, "non-embedding", label="b") == {
        "dataset": "b", "params": "non-embedding", "note": "no column 'params_non_embedding' in the data"
    }  # fmt: skip
    assert (
        conventions.refit(bare, "effective", label="b")["note"] == "no column 'flops' in the data"
    )
    no_flops = conventions.refit(bare, "total", flops=1e21)
    assert no_flops["decades_beyond"] == pytest.approx(
        np.log10(1e21 / (6 * bare["params"] * bare["tokens"]).max()), rel=1e-12
    )


def test_a_fit_at_its_bound_says_so_and_notes_are_joined():
    """Losses of eq 2 without its irreducible term (E = 0, the bound): the row says the fit is not
    identifiable with fit_runs' reasons, and, with FLOPs too far past the data, both notes in
    order, joined by "; "; the label defaults to "runs"."""
    from scalinglaws.analysis import fit_runs

    fit = chinchilla.HOFFMANN.approach3_rounded
    runs = _eq2_runs()
    runs["loss"] = chinchilla.loss(runs["params"], runs["tokens"], fit) - fit.E  # no noise
    res = fit_runs.fit(runs, 3, params="params", label="runs")
    assert not res["identifiable"] and res["not_identifiable"]
    reasons = "not identifiable: " + "; ".join(res["not_identifiable"])
    row = conventions.refit(runs, "total", flops=1e21)
    assert row["dataset"] == "runs" and row["identifiable"] is False and row["note"] == reasons
    far = conventions.refit(runs, "total", flops=1e25)
    beyond = np.log10(1e25 / runs["flops"].max())
    assert (
        far["note"]
        == f"{reasons}; 1e+25 FLOPs lie {beyond:.1f} decades past the data: not extrapolated"
    )


def test_the_table_is_each_data_sets_refit_in_each_count():
    """conventions.table: for each data set, one refit row per count of N in COUNTS' order, with
    the table's columns and run counts as a nullable integer (a count the data lack has none)."""
    from scalinglaws.analysis import cross_study

    t = conventions.table(datasets=(cross_study.LLAMA3,), flops=1e22)
    assert list(t.columns) == list(conventions.COLUMNS)
    assert (
        list(t["params"]) == list(conventions.COUNTS) and (t["dataset"] == cross_study.LLAMA3).all()
    )
    runs = cross_study.runs_of(cross_study.LLAMA3, approach=3)
    for row, count in zip(t.to_dict("records"), conventions.COUNTS, strict=True):
        want = conventions.refit(runs, count, cross_study.LLAMA3, 1e22)
        for k, v in want.items():
            got = row[k]
            assert (pd.isna(got) and pd.isna(v)) or got == v or got == pytest.approx(v), (count, k)
    assert str(t["n_runs"].dtype) == "Int64" and t["tokens_per_param"].dtype == float
