"""The v3 study's Approaches 2 and 3 (scalinglaws.analysis.study_v3) on runs of a known eq 2
surface (tests/test_study_v3.py's): each exponent is the closed form it claims to be (the
least-squares slope through the vertices; beta / (alpha + beta)), each interval covers its value
and is the percentiles it claims, and the bootstrap is a function of its seed."""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws.analysis import study_v3
from scalinglaws.constants import HOFFMANN
from tests.test_study_v3 import _runs


@pytest.fixture(scope="module")
def runs():
    return _runs()


def test_approach2_is_the_slope_through_its_vertices(runs):
    e, res = study_v3.approach2(runs, n_bootstrap=8, seed=1)
    x = np.log(res.used_budgets)
    for value, col in ((e.a, "N_opt"), (e.b, "D_opt")):
        y = np.log([getattr(p, col) for p in res.profiles])
        assert value == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)
    assert e.a_lo <= e.a <= e.a_hi and e.b_lo <= e.b <= e.b_hi
    assert f"{len(res.used_budgets)} budgets" in e.note and "of 8 replicates failed" in e.note


def test_approach2_bootstrap_follows_its_seed(runs):
    one = study_v3.approach2(runs, n_bootstrap=8, seed=1)[0]
    assert study_v3.approach2(runs, n_bootstrap=8, seed=1)[0] == one
    assert study_v3.approach2(runs, n_bootstrap=8, seed=2)[0] != one


def test_approach3_interval_is_the_bootstraps_percentiles(runs):
    noisy = runs.assign(
        loss_nats=runs["loss_nats"] * np.exp(np.random.default_rng(2).normal(0, 0.005, len(runs)))
    )
    e, fit = study_v3.approach3(noisy, n_bootstrap=30, seed=4)
    assert fit.identifiable
    assert (e.a, e.b) == (fit.fit.a, fit.fit.b)
    from scalinglaws import estimators

    N, D, L = (noisy[c].to_numpy(float) for c in ("params_total", "tokens", "loss_nats"))
    boot = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=30, seed=4, full_fit=fit)
    r = boot.replicates[np.all(np.isfinite(boot.replicates), axis=1)]
    a = r[:, 4] / (r[:, 3] + r[:, 4])
    assert (e.a_lo, e.a_hi) == pytest.approx(tuple(np.quantile(a, [0.1, 0.9])), rel=1e-12)
    assert (e.b_lo, e.b_hi) == pytest.approx(tuple(np.quantile(1 - a, [0.1, 0.9])), rel=1e-12)
    assert e.note == f"E={fit.E:.3g} alpha={fit.alpha:.3f} beta={fit.beta:.3f}"


def test_table_has_hoffmanns_table_2_as_printed(runs):
    t = study_v3.table(runs, runs.iloc[:0], n_bootstrap=0)
    printed = t[t["N"] == "Hoffmann 2022 Table 2"].set_index("approach")
    for name, ap in (("Approach 1", HOFFMANN.table2.approach1), ("Approach 2", HOFFMANN.table2.approach2),
                     ("Approach 3", HOFFMANN.table2.approach3)):  # fmt: skip
        row = printed.loc[name]
        assert (row["a"], row["a_lo"], row["a_hi"]) == (ap.a, *ap.a_interval)
        assert (row["b"], row["b_lo"], row["b_hi"]) == (ap.b, *ap.b_interval)
    for label in study_v3.PARAMS:
        mine = t[t["N"] == label]
        assert len(mine) == 3, label  # one row per approach, fitted or saying why not
