"""The v3 checks (scalinglaws.analysis.study_v3_checks) on the committed runs, against what their
declared rules (docs/study-v3.md) say in closed form: local slopes between consecutive optima, the
straightening rule, v2's exponent as the least-squares slope, each size's best rate as its lowest
loss, and the budgets that moved as the optima outside v2's intervals."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import study_v3_checks as checks
from scalinglaws.datasets import measured
from tests.conftest import shared_scope

N_BOOT = 40


@pytest.fixture(scope=shared_scope)
def shape():
    return checks.shape_check(n_bootstrap=N_BOOT, seed=1)


@pytest.fixture(scope=shared_scope)
def lr():
    return checks.lr_check(n_bootstrap=N_BOOT, seed=1)


def test_local_slopes_join_consecutive_optima(shape):
    for label, opt in shape.optima.groupby("windows"):
        opt = opt.sort_values("budget")
        s = shape.slopes[shape.slopes["windows"] == label].sort_values("from")
        x, y = np.log10(opt["budget"].to_numpy()), np.log10(opt["N_opt"].to_numpy())
        np.testing.assert_allclose(s["slope"], np.diff(y) / np.diff(x), rtol=1e-12)
        np.testing.assert_array_equal(s["from"], opt["budget"].to_numpy()[:-1])


def test_v2s_exponent_is_the_slope_through_its_optima(shape):
    v2 = shape.optima[(shape.optima["windows"] == "v2") & np.isfinite(shape.optima["N_opt"])]
    slope = np.polyfit(np.log10(v2["budget"]), np.log10(v2["N_opt"]), 1)[0]
    assert shape.exponent == pytest.approx(slope, rel=1e-12)
    row = shape.exponents.set_index("windows").loc["v2"]
    assert row["a"] == shape.exponent and row["lo"] <= row["a"] <= row["hi"]


def test_straightening_is_the_declared_rule(shape):
    s = shape.slopes[shape.slopes["from"].isin(checks.SHAPE_BUDGETS)]
    held = lambda d: bool(((d["lo"] <= shape.exponent) & (shape.exponent <= d["hi"])).all())  # noqa: E731
    want = held(s[s["windows"] == "2+ layers"]) and not held(s[s["windows"] == "v2"])
    assert shape.straightened == want
    text = checks.shape_summary(shape)
    assert ("they straighten" in text) == want and ("do not straighten" in text) == (not want)
    assert f"a = {shape.exponent:.3f}" in text


def test_each_sizes_best_rate_has_its_lowest_loss(lr):
    w = lr.best_rate
    rates = [c for c in w.columns if isinstance(c, float)]
    assert sorted(rates) == [0.5, 1.0, 2.0]
    complete = w[rates].notna().all(axis=1)
    lowest = np.array(rates)[np.argmin(w.loc[complete, rates].to_numpy(), axis=1)]
    np.testing.assert_array_equal(w.loc[complete, "best"].to_numpy(float), lowest)
    assert w.loc[~complete, "best"].isna().all()


def test_moved_budgets_are_the_best_optima_outside_v2s_interval(lr):
    o = lr.optima
    v2 = o[o["rate"] == "1x (v2, 3 seeds)"].set_index("budget")
    best = o[o["rate"] == "best of three"].set_index("budget")
    want = [
        float(c)
        for c in best.index
        if c in v2.index
        and np.isfinite(best.loc[c, "N_opt"])
        and not v2.loc[c, "N_lo"] <= best.loc[c, "N_opt"] <= v2.loc[c, "N_hi"]
    ]
    assert lr.moved == want
    assert set(o["rate"]) == {"1x (v2, 3 seeds)", "0.5x", "2x", "best of three"}
    plan = json.loads((measured.RESULTS.parent / "plans" / "v3_lrcheck.json").read_text())
    assert lr.planned == len(plan) and 0 < lr.finished <= lr.planned
    text = checks.lr_summary(lr)
    for c in lr.moved:
        assert f"{c:.0e}" in text


def test_the_shape_checks_windows_are_v2s_with_the_one_layer_sizes_replaced(shape):
    """ "2+ layers": at 3e11 and 1e12 v2's window runs of 2 or more layers and every finished v3
    shape run, the other budgets' windows as v2 has them; each set's optima and a are v2's
    estimators on those runs (study_v2.optima with the check's seed and 80% level, exponents)."""
    from scalinglaws.analysis import study_v2

    v2 = study_v2.design_window(study_v2.load("isoflop", "prose"))
    runs = measured.load_runs(measured.RESULTS / "v3", study="v3-shape")
    extra = runs[runs["status"] == "finished"]
    assert len(extra) and set(extra["flops_budget"]) <= {3e11, 1e12}
    keep = ~v2["flops_budget"].isin([3e11, 1e12]) | (v2["n_layer"] >= 2)
    assert (~keep).any()  # v2 has one-layer sizes at those budgets
    mixed = pd.concat([v2[keep], extra[[c for c in v2.columns if c in extra.columns]]],
                      ignore_index=True)  # fmt: skip
    for label, rs in (("v2", v2), ("2+ layers", mixed)):
        opt = study_v2.optima(rs, n_bootstrap=N_BOOT, seed=1, level=0.8)
        got = shape.optima[shape.optima["windows"] == label].reset_index(drop=True)
        cols = ["budget", "n_sizes", "n_runs", "N_opt", "N_lo", "N_hi", "n_failed"]
        pd.testing.assert_frame_equal(got[cols], opt.table[cols])
        e = study_v2.exponents(opt, rs)["a"]
        row = shape.exponents.set_index("windows").loc[label]
        assert (row["a"], row["lo"], row["hi"], row["n_budgets"]) == (
            e.value,
            e.lo,
            e.hi,
            e.n_budgets,
        )
    assert list(shape.exponents["windows"]) == ["v2", "2+ layers"]


def test_the_lr_checks_optima_are_v2s_estimator_on_each_rates_runs(lr):
    """Each rate's row set rebuilt: v2's windows at 3e11-1e13 (3 seeds, sizes then seeds
    resampled) for 1x; the lr-check runs at 0.5x and 2x of the rule's rate, and each size at its
    best of the three (1x: v2's seed-0 run), each through v2's optima with the parametric noise of
    v2's seed sd; every row set with the check's seed and 80% level."""
    from scalinglaws.analysis import study_v2

    v2 = study_v2.design_window(study_v2.load("isoflop", "prose"))
    v2 = v2[v2["flops_budget"].isin([3e11, 1e12, 3e12, 1e13])].reset_index(drop=True)
    runs = measured.load_runs(measured.RESULTS / "v3", study="v3-lrcheck")
    check = runs[runs["status"] == "finished"].reset_index(drop=True)
    check = check.assign(rate=checks._multiplier(check, v2))
    cols = ["flops_budget", "n_layer", "d_model", "params_total", "tokens", "loss_nats", "rate"]
    every = pd.concat([v2[v2["seed"] == 0].assign(rate=1.0)[cols], check[cols]], ignore_index=True)
    sd = study_v2.seed_sd()
    sets = {"1x (v2, 3 seeds)": (v2, None), "0.5x": (every[every["rate"] == 0.5], sd),
            "2x": (every[every["rate"] == 2.0], sd),
            "best of three": (checks.best_of_rates(every)[1], sd)}  # fmt: skip
    keep = ["budget", "n_sizes", "N_opt", "N_lo", "N_hi", "n_failed"]
    for label, (rs, noise) in sets.items():
        want = study_v2.optima(rs, n_bootstrap=N_BOOT, seed=1, level=0.8, noise_sd=noise).table
        got = lr.optima[lr.optima["rate"] == label].reset_index(drop=True)
        pd.testing.assert_frame_equal(got[keep], want[keep])
    assert list(dict.fromkeys(lr.optima["rate"])) == list(sets)
    assert lr.finished == len(check)


def test_a_check_without_its_runs_says_which_plan(tmp_path):
    """A results folder without v3 shape or lr-check runs: each error names the plan whose runs
    are missing (read from the folder given, not the committed one)."""
    (tmp_path / "none").mkdir()
    with pytest.raises(
        ValueError, match=r"^no finished v3 shape runs \(data/runs/plans/v3_shape\.json\)$"
    ):
        checks.shape_check(n_bootstrap=2, results=tmp_path / "none")
    with pytest.raises(
        ValueError, match=r"^no finished v3 lr-check runs \(data/runs/plans/v3_lrcheck\.json\)$"
    ):
        checks.lr_check(n_bootstrap=2, results=tmp_path / "none")


def test_the_shape_checks_tables_are_numbered_afresh(shape):
    """Each table of the shape check is one frame numbered 0..n-1 (the rows of both windows
    joined, not two numberings one after the other)."""
    for frame in (shape.optima, shape.slopes, shape.exponents):
        assert frame.index.equals(pd.RangeIndex(len(frame)))


def test_the_lr_checks_optima_are_numbered_afresh(lr):
    assert lr.optima.index.equals(pd.RangeIndex(len(lr.optima)))
