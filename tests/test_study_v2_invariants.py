"""The v2 IsoFLOP study's numbers (scalinglaws.analysis.study_v2) against what they must be by
construction: an exponent is the least-squares slope through the printed optima (closed form), its
bootstrap interval the percentiles of the replicates' slopes, its regression interval Student's t
(scipy), each optimum the vertex of its budget's parabola and inside its budget's sizes, and the
bootstrap a function of its seed alone. Oracles: closed forms and scipy, not committed outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scalinglaws.analysis import study_v2
from tests.conftest import shared_scope

N_BOOT = 60


@pytest.fixture(scope=shared_scope)
def st():
    return study_v2.isoflop_study("prose", n_bootstrap=N_BOOT, seed=5)


def _finite(st):
    t = st.optima.table
    return t[np.isfinite(t["N_opt"])]


def test_exponents_are_the_least_squares_slopes_through_the_optima(st):
    t = _finite(st)
    x = np.log10(t["budget"].to_numpy(float))
    for name, col in (("a", "N_opt"), ("b", "D_opt")):
        y = np.log10(t[col].to_numpy(float))
        slope, icpt = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
        assert st.exponents[name].value == pytest.approx(slope, rel=1e-12)
        assert st.laws[col] == pytest.approx((icpt, slope), rel=1e-12)
        assert st.exponents[name].n_budgets == len(t)


def test_regression_interval_is_students_t(st):
    t = _finite(st)
    x, y = np.log10(t["budget"].to_numpy(float)), np.log10(t["N_opt"].to_numpy(float))
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.9, len(x) - 2) * fit.stderr  # 80%: the 10th and 90th percentiles
    assert st.exponents["a"].regression == pytest.approx(
        (fit.slope - half, fit.slope + half), rel=1e-10
    )


def test_bootstrap_interval_is_the_replicates_slopes_percentiles(st):
    t = st.optima.table
    use = np.isfinite(t["N_opt"].to_numpy())
    x = np.log10(st.optima.budgets[use])
    reps = st.optima.replicates[:, use]
    reps = reps[np.all(np.isfinite(reps), axis=1)]
    slopes = [np.polyfit(x, r, 1)[0] for r in reps]
    assert st.exponents["a"].bootstrap == pytest.approx(
        tuple(np.quantile(slopes, [0.1, 0.9])), rel=1e-10
    )
    e = st.exponents["a"]
    assert (e.lo, e.hi) == (
        min(e.bootstrap[0], e.regression[0]),
        max(e.bootstrap[1], e.regression[1]),
    )
    assert e.n_failed == N_BOOT - len(reps)


def test_each_optimum_is_its_parabolas_vertex_inside_its_sizes(st):
    t = _finite(st).set_index("budget")
    for C, coef in st.parabolas.items():
        vertex = -coef[1] / (2 * coef[0])
        sizes = st.runs.loc[st.runs["flops_budget"] == C, "params_total"]
        assert coef[0] > 0  # a valley
        assert np.log10(t.loc[C, "N_opt"]) == pytest.approx(vertex, abs=1e-9)
        assert sizes.min() <= t.loc[C, "N_opt"] <= sizes.max()
        assert t.loc[C, "N_lo"] <= t.loc[C, "N_opt"] <= t.loc[C, "N_hi"]


def test_the_bootstrap_is_a_function_of_its_seed(st):
    again = study_v2.isoflop_study("prose", n_bootstrap=N_BOOT, seed=5)
    other = study_v2.isoflop_study("prose", n_bootstrap=N_BOOT, seed=6)
    np.testing.assert_array_equal(st.optima.replicates, again.optima.replicates)
    assert not np.array_equal(st.optima.replicates, other.optima.replicates)
    assert st.optima.replicates.shape == (N_BOOT, len(st.optima.budgets))


def test_slopes_of_many_rows_are_each_rows_slope():
    rng = np.random.default_rng(0)
    x, Y = np.log10([3e11, 1e12, 3e12, 1e13]), rng.normal(size=(7, 4))
    np.testing.assert_allclose(
        study_v2._slopes(x, Y), [np.polyfit(x, y, 1)[0] for y in Y], rtol=1e-12
    )


def test_resample_draws_sizes_then_seeds_as_rng_choice_would():
    """The bootstrap's rows: sizes with replacement, then seeds within each drawn size, the same
    draws numpy's Generator.choice makes from the same stream (the oracle, written out here)."""
    from scalinglaws.analysis import study_v2

    groups = [np.arange(0, 3), np.arange(3, 4), np.arange(4, 9), np.arange(9, 11)]
    got_rng, want_rng = np.random.default_rng(7), np.random.default_rng(7)
    for _ in range(50):
        got = study_v2._resample(groups, got_rng)
        picks = want_rng.integers(0, len(groups), len(groups))
        want = np.concatenate([want_rng.choice(groups[j], groups[j].size) for j in picks])
        assert np.array_equal(got, want)


def _plain_vertex(x, y):
    """Least squares in the monomials written out (normal equations by lstsq); None unless convex
    with the vertex inside the sizes and 3 or more sizes."""
    if np.unique(x).size < 3:
        return None
    c2, c1, c0 = np.linalg.lstsq(np.column_stack([x * x, x, np.ones_like(x)]), y, rcond=None)[0]
    if c2 <= 0 or not x.min() <= -c1 / (2 * c2) <= x.max():
        return None
    return -c1 / (2 * c2), c0 - c1 * c1 / (4 * c2)


@pytest.mark.parametrize("noise_sd", [None, 0.02])
def test_optima_against_a_plain_rewrite_of_its_bootstrap(noise_sd):
    """study_v2.optima against the procedure its docstring states, written out here: per budget,
    replicates that draw the sizes with replacement and then the seeds within each drawn size
    (Generator.choice on the study's stream), or with noise_sd the same points plus Gaussian
    noise; the vertex of each replicate's least-squares parabola; N_lo and N_hi the replicates'
    percentiles at level 0.6 (20th and 80th); the seed sd pooled over sizes; the profile's rise at
    the smallest and largest size over the vertex's loss, in seed sds. The second budget has no
    convex parabola: its row is empty but for its counts."""
    from scalinglaws.core.rng import stream

    rng0 = np.random.default_rng(8)
    rows = []
    for C, curv in ((1e12, 0.3), (3e12, -0.05)):
        for logN in np.linspace(4.0, 5.2, 7):
            for s in range(2):  # 2 seeds: the seed sd counts sizes with more than 1
                rows.append({"flops_budget": C, "params_total": 10**logN, "seed": s,
                             "tokens": C / (6 * 10**logN),
                             "loss_nats": 2.0 + curv * (logN - 4.55) ** 2 + 0.01 * rng0.normal()})  # fmt: skip
    runs = pd.DataFrame(rows).sample(frac=1.0, random_state=3).reset_index(drop=True)
    opt = study_v2.optima(runs, n_bootstrap=40, seed=6, level=0.6, noise_sd=noise_sd)
    assert opt.noise_sd == noise_sd and opt.level == 0.6

    rng = stream(6, "study-v2.bootstrap")
    for j, C in enumerate((1e12, 3e12)):
        g = runs[runs["flops_budget"] == C].reset_index(drop=True)
        x, y = np.log10(g["params_total"].to_numpy()), g["loss_nats"].to_numpy()
        sizes = [np.flatnonzero(x == u) for u in np.unique(x)]
        reps = []
        for _ in range(40):
            if noise_sd is None:
                idx = np.concatenate([sizes[p][rng.choice(sizes[p].size, sizes[p].size)]
                                      for p in rng.choice(len(sizes), len(sizes))])  # fmt: skip
                v = _plain_vertex(x[idx], y[idx])
            else:
                v = _plain_vertex(x, y + noise_sd * rng.standard_normal(y.size))
            reps.append(np.nan if v is None else v[0])
        reps = np.array(reps)
        np.testing.assert_allclose(opt.replicates[:, j], reps, rtol=1e-9)
        row = opt.table.iloc[j]
        ok = reps[np.isfinite(reps)]
        assert (row["budget"], row["n_sizes"], row["n_runs"]) == (C, 7, 14)
        assert row["n_failed"] == 40 - ok.size
        by_size = g.groupby("params_total")["loss_nats"]
        sd = np.sqrt(by_size.var(ddof=1).mean())  # the root of the mean variance
        assert row["seed_sd"] == pytest.approx(sd, rel=1e-12)
        fit = _plain_vertex(x, y)
        if C == 3e12:
            assert fit is None
            assert row[["N_opt", "N_lo", "N_hi", "D_opt", "L_opt", "rise_small",
                        "rise_large"]].isna().all()  # fmt: skip
            continue
        assert row["N_opt"] == pytest.approx(10 ** fit[0], rel=1e-9)
        assert row["L_opt"] == pytest.approx(fit[1], rel=1e-9)
        assert (row["N_lo"], row["N_hi"]) == pytest.approx(
            tuple(10 ** np.percentile(ok, [20, 80])), rel=1e-9
        )
        means = by_size.mean()
        rises = ((means.iloc[0] - fit[1]) / sd, (means.iloc[-1] - fit[1]) / sd)
        assert (row["rise_small"], row["rise_large"]) == pytest.approx(rises, rel=1e-9)
        assert rises[0] > 1 and rises[1] > 1  # a valley: both ends rise by more than the noise
