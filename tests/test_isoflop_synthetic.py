"""Notebook 03's analysis (scalinglaws.analysis.isoflop) on runs made from eq 2 with known constants:
its tables must give back the truth (the closed forms of eq 4), its bootstrap must follow its seed,
and its budget table must list the design's budgets. Oracle: the synthetic truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import isoflop
from scalinglaws.core.params import ParameterError
from tests.conftest import shared_scope
from tests.test_runs_cli import BUDGETS, SIZES_PER_BUDGET, TRUE, TRUE_A, true_loss, true_optimum

NOISE = 1e-4  # sd of the log noise: small enough that the fit's error is far below the tolerances


def _eq2_points(seed: int):
    """(C, N, L) of an IsoFLOP design on eq 2: each budget's sizes over +-0.5 decades around its
    true optimum, each loss times seeded log noise of sd NOISE."""
    rng = np.random.default_rng(seed)
    for C in BUDGETS:
        n_opt, _ = true_optimum(C)
        for x in np.linspace(-0.5, 0.5, SIZES_PER_BUDGET):
            N = n_opt * 10**x
            yield C, N, true_loss(N, C / (6 * N)) * np.exp(NOISE * rng.standard_normal())


@pytest.fixture(scope=shared_scope)
def runs_csv(tmp_path_factory):
    rows = [{"params": N, "tokens": C / (6 * N), "loss": L, "budget": C}
            for C, N, L in _eq2_points(11)]  # fmt: skip
    path = tmp_path_factory.mktemp("iso") / "eq2_runs.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope=shared_scope)
def an(runs_csv):
    return isoflop.analyse(n_bootstrap=40, seed=3, runs=str(runs_csv))


def _number(cell: str) -> float:
    return float(str(cell).split()[0])


def test_the_summed_huber_refit_recovers_eq_2(an):
    fit = isoflop.fit_table(an).loc["refit here: summed Huber, 4,500-start grid"]
    for name in ("E", "A", "B", "alpha", "beta"):
        assert fit[name] == pytest.approx(getattr(TRUE, name), rel=2e-2), name
    assert fit["a"] == pytest.approx(TRUE_A, abs=1e-3)


def test_the_likelihood_refit_recovers_eq_4s_exponent(an):
    row = isoflop.fit_table(an).loc["refit here: Huber likelihood"]
    assert row["a"] == pytest.approx(TRUE_A, abs=1e-3)


def test_exponent_table_gives_eq_4s_a_and_b(an):
    t = isoflop.exponent_table(an).set_index("approach")
    for name in (
        "Approach 3, refit here (summed Huber)",
        "Approach 3, refit here (Huber likelihood)",
    ):
        assert _number(t.loc[name, "a (N_opt ~ C^a)"]) == pytest.approx(TRUE_A, abs=2e-3)
        assert _number(t.loc[name, "b (D_opt ~ C^b)"]) == pytest.approx(1 - TRUE_A, abs=2e-3)
    # the parabola's bias on a grid of +-0.5 decades (tests/test_runs_cli.py's tolerance)
    a2 = t.loc["Approach 2, refit here (runs)"]  # a CSV of runs, not published data
    assert _number(a2["a (N_opt ~ C^a)"]) == pytest.approx(TRUE_A, abs=0.02)
    assert _number(a2["b (D_opt ~ C^b)"]) == pytest.approx(1 - TRUE_A, abs=0.02)
    # Table 2's printed rows come first, unchanged
    assert t.index[:4].tolist() == [
        "Approach 1 [Table 2]",
        "Approach 2 [Table 2]",
        "Approach 3 [Table 2]",
        "Kaplan et al. (2020) [Table 2]",
    ]


def test_summed_huber_interval_is_the_bootstraps_percentiles(an):
    cell = (
        isoflop.exponent_table(an)
        .set_index("approach")
        .loc["Approach 3, refit here (summed Huber)", "a (N_opt ~ C^a)"]
    )
    reps = an.bootstrap.replicates
    names = list(an.bootstrap.names)
    a = reps[:, names.index("beta")] / (
        reps[:, names.index("alpha")] + reps[:, names.index("beta")]
    )
    lo, hi = np.percentile(a[np.isfinite(a)], [10, 90])
    assert f"({lo:.3f}, {hi:.3f})" in cell


def test_budget_table_lists_each_budget_and_its_vertex(an):
    t = isoflop.budget_table(an)
    assert t["budget"].tolist() == [f"{b:.0e}" for b in BUDGETS]
    assert (t["runs"] == SIZES_PER_BUDGET).all() and (t["used"] == "yes").all()
    for C, n in zip(BUDGETS, t["N_opt"], strict=True):
        # each vertex within the parabola's bias of the true optimum (a tenth of a decade)
        assert abs(np.log10(float(n) / true_optimum(C)[0])) < 0.1


def test_point_budgets_group_every_run_under_its_design_budget(an):
    labels, budgets = isoflop.point_budgets(an)
    assert len(labels) == len(BUDGETS) * SIZES_PER_BUDGET
    np.testing.assert_allclose(np.sort(np.unique(budgets)), BUDGETS, rtol=1e-12)


def test_the_bootstrap_follows_its_seed(runs_csv, an):
    again = isoflop.analyse(n_bootstrap=40, seed=3, runs=str(runs_csv))
    other = isoflop.analyse(n_bootstrap=40, seed=4, runs=str(runs_csv))
    np.testing.assert_array_equal(an.bootstrap.replicates, again.bootstrap.replicates)
    assert not np.array_equal(an.bootstrap.replicates, other.bootstrap.replicates)
    assert len(an.bootstrap.replicates) == 40


def test_refit_band_brackets_the_fit(an):
    C = np.logspace(18, 22, 5)
    N_band, D_band = isoflop.refit_band(an, C)
    from scalinglaws.laws import chinchilla

    N_fit = chinchilla.optimal_N(C, an.huber.fit)
    assert np.all(N_band[0] <= N_fit * (1 + 1e-9)) and np.all(N_fit <= N_band[1] * (1 + 1e-9))
    assert np.all(D_band[0] < D_band[1])


def _write(rows, path):
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_a_runs_csv_is_analysed_with_its_own_points_budgets_and_label(runs_csv, an):
    """analyse(runs=CSV): the points are the CSV's final checkpoints (FLOPs 6ND where the CSV has
    none), nothing excluded, the seed and path kept, the design's budgets (the CSV's ``budget``
    column, grouped exactly: tolerance 1e-6), labelled as runs of that file, not as the paper."""
    csv = pd.read_csv(runs_csv)
    assert list(an.points.columns) == ["params", "tokens", "flops", "loss_nats"]
    np.testing.assert_array_equal(an.points["params"], csv["params"])
    np.testing.assert_array_equal(an.points["tokens"], csv["tokens"])
    np.testing.assert_array_equal(an.points["loss_nats"], csv["loss"])
    np.testing.assert_allclose(an.points["flops"], 6 * csv["params"] * csv["tokens"], rtol=1e-12)
    assert an.n_excluded == 0 and an.seed == 3 and an.runs == str(runs_csv) and not an.default
    assert an.budgets == tuple(float(b) for b in BUDGETS)
    assert an.label == f"runs ({runs_csv.name})"
    assert an.approach2.tol_log10 == 1e-6
    assert an.approach2.used_budgets == pytest.approx(tuple(BUDGETS), rel=1e-12)


def test_a_registered_data_set_is_labelled_as_published_data():
    """A registered name (Llama 3's IsoFLOP extraction): labelled published data, with the budgets
    of Llama 3's Figure 2 (6e18 to 1e22 FLOPs)."""
    from scalinglaws.core.kinds import PUBLISHED_DATA, provenance

    an = isoflop.analyse(n_bootstrap=0, runs="llama3-isoflops")
    assert an.label == provenance(PUBLISHED_DATA, "llama3-isoflops")
    assert an.runs == "llama3-isoflops" and not an.default and an.bootstrap is None
    assert an.budgets == (6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21, 1e22)


def test_approach2_reads_the_runs_tokens_not_c_over_6n(tmp_path):
    """Runs whose FLOPs are 8ND (counted exactly, say): each budget's D_opt is the runs' tokens
    interpolated at the vertex, C / (8 N_opt), not C / (6 N_opt)."""
    rows = [{"params": N, "tokens": C / (8 * N), "flops": C, "budget": C, "loss": L}
            for C, N, L in _eq2_points(12)]  # fmt: skip
    an8 = isoflop.analyse(n_bootstrap=0, runs=_write(rows, tmp_path / "eq2_8nd.csv"))
    for p in an8.approach2.profiles:
        assert p.D_opt == pytest.approx(p.budget / (8 * p.N_opt), rel=1e-6)


def test_isoflop_tol_groups_runs_without_a_budget_column(tmp_path):
    """Without a ``budget`` column the runs are grouped by FLOPs within isoflop_tol (log10): a
    budget's runs spread over 0.048 decades, 0.006 apart, group at the default 0.06 and do not at
    0.005, where the error names the parameter and the column."""
    rng, rows = np.random.default_rng(13), []
    for C in BUDGETS:
        n_opt, _ = true_optimum(C)
        for k, x in enumerate(np.linspace(-0.5, 0.5, SIZES_PER_BUDGET)):
            N = n_opt * 10**x
            c = C * 10 ** (0.006 * (k - 4))  # 0.006 decades apart, 0.048 in all
            L = true_loss(N, c / (6 * N)) * np.exp(NOISE * rng.standard_normal())
            rows.append({"params": N, "tokens": c / (6 * N), "loss": L})
    path = _write(rows, tmp_path / "no_budget.csv")
    an = isoflop.analyse(n_bootstrap=0, runs=path)
    assert len(an.budgets) == len(BUDGETS) and an.approach2.tol_log10 == 0.06
    with pytest.raises(
        ParameterError, match=r"^parameter 'runs': column 'flops': Approach 2 needs"
    ):
        isoflop.analyse(n_bootstrap=0, runs=path, isoflop_tol=0.005)


def test_the_exponent_table_prints_table_2_then_each_refit(an):
    """Hoffmann 2022 Table 2 as printed (a and b with their 10th-90th percentiles; Kaplan's without),
    then Approach 2 refit here with its bootstrap intervals, the likelihood refit without one and
    the summed-Huber refit with the 10th-90th percentiles of its replicates' a (b's interval is
    1 - a's, reversed)."""
    t = isoflop.exponent_table(an)
    assert list(t.columns) == ["approach", "a (N_opt ~ C^a)", "b (D_opt ~ C^b)"]
    assert t.values.tolist()[:4] == [
        ["Approach 1 [Table 2]", "0.500 (0.488, 0.502)", "0.500 (0.501, 0.512)"],
        ["Approach 2 [Table 2]", "0.490 (0.462, 0.534)", "0.510 (0.483, 0.529)"],
        ["Approach 3 [Table 2]", "0.460 (0.454, 0.455)", "0.540 (0.542, 0.543)"],
        ["Kaplan et al. (2020) [Table 2]", "0.730", "0.270"],
    ]
    a2 = an.approach2
    (alo, ahi), (blo, bhi) = a2.N_opt.exponent_interval, a2.D_opt.exponent_interval
    assert t.values.tolist()[4] == ["Approach 2, refit here (runs)", f"{a2.a:.3f} ({alo:.3f}, {ahi:.3f})",
                                    f"{a2.b:.3f} ({blo:.3f}, {bhi:.3f})"]  # fmt: skip
    assert t.values.tolist()[5] == ["Approach 3, refit here (Huber likelihood)",
                                    f"{an.likelihood.fit.a:.3f}", f"{an.likelihood.fit.b:.3f}"]  # fmt: skip
    r = an.bootstrap.replicates
    lo, hi = np.percentile(r[:, 4] / (r[:, 3] + r[:, 4]), [10, 90])
    assert t.values.tolist()[6] == ["Approach 3, refit here (summed Huber)",
                                    f"{an.huber.fit.a:.3f} ({lo:.3f}, {hi:.3f})",
                                    f"{an.huber.fit.b:.3f} ({1 - hi:.3f}, {1 - lo:.3f})"]  # fmt: skip
    llama = isoflop.exponent_table(isoflop.analyse(n_bootstrap=0, runs="llama3-isoflops"))
    assert llama["approach"][4] == "Approach 2, refit here (published data)"
    assert llama["a (N_opt ~ C^a)"][6] == f"{float(llama['a (N_opt ~ C^a)'][6]):.3f}"  # no interval


def test_budget_table_lists_each_vertex_then_each_skipped_budget(tmp_path):
    """Approach 2's budget table: a row per parabola used (its budget, the mean FLOPs and number of
    its runs, the vertex's N, D to 3 significant digits and loss to 3 decimals, "yes"), then a row
    per budget skipped with the reason; on the paper's points, the nine budgets of Hoffmann 2022
    Figure 3, all used."""
    from scalinglaws.constants import HOFFMANN

    rows = []
    for C, N, L in _eq2_points(14):
        if C == BUDGETS[-1]:
            L = 3.0 - 0.01 * np.log(N)  # falls with N only: the vertex is not inside
        rows.append({"params": N, "tokens": C / (6 * N), "budget": C, "loss": L})
    an = isoflop.analyse(n_bootstrap=0, runs=_write(rows, tmp_path / "edge.csv"))
    t = isoflop.budget_table(an)
    assert list(t.columns) == ["budget", "mean FLOPs of its runs", "runs", "N_opt", "D_opt",
                               "loss at vertex", "used"]  # fmt: skip
    used = an.approach2.profiles
    assert len(t) == len(used) + 1 and len(an.approach2.skipped) == 1
    for row, p in zip(t.itertuples(index=False), used, strict=False):
        assert row[:7] == (f"{p.budget:.0e}", f"{p.flops:.3g}", p.n_points, f"{p.N_opt:.3g}",
                           f"{p.D_opt:.3g}", round(p.L_min, 3), "yes")  # fmt: skip
    ((b, why),) = an.approach2.skipped.items()
    last = t.iloc[-1]
    assert last["budget"] == f"{BUDGETS[-1]:.0e}" == f"{b:.0e}" and last["used"] == f"no: {why}"
    paper = isoflop.budget_table(isoflop.analyse(n_bootstrap=0))
    assert list(paper["budget"]) == [f"{b:.0e}" for b in HOFFMANN.budgets.isoflop]
    assert (paper["used"] == "yes").all() and len(paper) == 9


def test_the_published_points_analysis_is_each_estimator_called_alone():
    """analyse() on Epoch's extraction against its docstring with every setting moved off its
    default: the n_exclude highest losses dropped (Besiroglu 2024's selection), the summed-Huber
    and the likelihood fits of Approach 3, the bootstrap of the Huber fit from the seed's
    Approach 3 stream, Approach 2 on Hoffmann's nine budgets with the grouping tolerance and
    minimum points given, its 80% bootstrap from the seed's Approach 2 stream."""
    from scalinglaws import estimators
    from scalinglaws.constants import HOFFMANN
    from scalinglaws.core.rng import stream
    from scalinglaws.datasets import published

    a = isoflop.analyse(n_bootstrap=6, seed=3, n_exclude=4, isoflop_tol=0.05, min_points=4)
    df = published.drop_highest_losses(published.load(isoflop.DATA), 4)
    pd.testing.assert_frame_equal(a.points, df)
    assert (a.n_excluded, a.seed) == (4, 3)
    N, D, C, L = estimators.arrays(df)
    huber = estimators.approach3(N=N, D=D, L=L)
    assert a.huber == huber
    assert a.likelihood == estimators.approach3(N=N, D=D, L=L, objective="huber_likelihood")
    boot = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=6, full_fit=huber,
                                          rng=stream(3, "isoflop.approach3-bootstrap"))  # fmt: skip
    np.testing.assert_array_equal(a.bootstrap.replicates, boot.replicates)
    assert a.bootstrap.estimate == boot.estimate
    a2 = estimators.approach2(N=N, C=C, L=L, budgets=HOFFMANN.budgets.isoflop, tol_log10=0.05,
                              min_points=4, n_bootstrap=6, level=0.8,
                              rng=stream(3, "isoflop.approach2-bootstrap"))  # fmt: skip
    assert a.approach2.N_opt == a2.N_opt and a.approach2.D_opt == a2.D_opt
    assert (a.approach2.used_budgets, a.approach2.skipped) == (a2.used_budgets, a2.skipped)
    assert a.approach2.tol_log10 == 0.05
