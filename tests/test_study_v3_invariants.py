"""The v3 study's Approaches 2 and 3 (scalinglaws.analysis.study_v3) on runs of a known eq 2
surface (tests/test_study_v3.py's): each exponent is the closed form it claims to be (the
least-squares slope through the vertices; beta / (alpha + beta)), each interval covers its value
and is the percentiles it claims, and the bootstrap is a function of its seed."""

from __future__ import annotations

import numpy as np
import pytest

from scalinglaws.analysis import study_v3
from scalinglaws.constants import HOFFMANN
from tests.conftest import shared_scope
from tests.test_study_v3 import _runs


@pytest.fixture(scope=shared_scope)
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


def _curves(runs, noise: float = 0.003, seed: int = 5):
    """Each run's learning curve on the surface (loss at every 1/20th of its tokens, log-spaced
    from 5%), times a small seeded noise, with the runs' three counts of N."""
    import pandas as pd

    from tests.test_study_v3 import ALPHA, BETA, A, B, E

    rng = np.random.default_rng(seed)
    rows = []
    for _, r in runs.iterrows():
        tokens = r["tokens"] * np.geomspace(0.05, 1.0, 20)
        loss = E + A / r["params_total"] ** ALPHA + B / tokens**BETA
        rows.append(pd.DataFrame({
            "run_id": r["run_id"], "tokens": tokens, "flops": tokens * r["flops_per_token"],
            "loss_nats": loss * np.exp(rng.normal(0, noise, tokens.size)),
            "params_total": r["params_total"], "params": r["params"],
            "params_effective": r["params_effective"],
        }))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _by_run(curves, params):
    """(N, C, L, D) per run, sorted by run id, each along its FLOPs (the estimator's input)."""
    out = []
    for run_id in sorted(curves["run_id"].unique()):
        g = curves[curves["run_id"] == run_id].sort_values("flops")
        out.append((g[params].iloc[0], g["flops"].to_numpy(), g["loss_nats"].to_numpy(),
                    g["tokens"].to_numpy()))  # fmt: skip
    return out


@pytest.mark.parametrize("params", ["params_total", "params"])
def test_approach1_is_the_estimators_envelope_over_the_declared_range(runs, params):
    """The study's Approach 1 against the estimators called alone on curves regrouped here: the
    envelope over the declared range, the same over each curve's last 15% (footnote 4), the
    general range rule's fit, footnote 4's share from each winner's place in its run, and the
    note that says them."""
    from scalinglaws import estimators

    curves = _curves(runs)
    e, details = study_v3.approach1(curves, runs, params=params)
    tuples = _by_run(curves, params)
    declared = study_v3.declared_range(runs)
    res = estimators.approach1(curves=tuples, flops_range=declared)
    assert (e.approach, e.params) == ("Approach 1", params)
    assert (e.a, e.b) == (res.N_opt.exponent, res.D_opt.exponent)
    assert all(np.isnan(v) for v in (e.a_lo, e.a_hi, e.b_lo, e.b_hi))  # no bootstrap asked for
    final = np.array([t[1][-1] for t in tuples])
    share = np.mean(res.flops / final[res.curve] >= 0.85)  # footnote 4: the last 15%
    assert details["flops_range"] == declared and details["footnote4_share"] == share
    last = estimators.approach1(curves=estimators.last_part(tuples, 0.15), flops_range=declared)
    assert details["last15"] == (last.N_opt.exponent, last.D_opt.exponent)
    general = estimators.envelope_range(curves=tuples, N=[t[0] for t in tuples], C_final=final)
    g = estimators.approach1(curves=tuples, flops_range=general)
    assert details["general_rule"] == (general, g.N_opt.exponent, g.D_opt.exponent)
    assert e.note == (
        f"envelope over {declared[0]:.2g}-{declared[1]:.2g} FLOP; "
        f"{round(100 * share)}% of its points in the last 15% of their run"
    )


def test_approach1_interval_is_the_bootstrap_of_curves_over_the_range_variants(runs):
    """The 80% interval: the 10th and 90th percentiles of replicates that each resample the curves
    (counts drawn as Generator.choice draws them from the study's stream) and take one of the
    declared range's variants in turn; a replicate that fails is left out."""
    from scalinglaws import estimators
    from scalinglaws.core.rng import stream

    curves = _curves(runs)
    e, _ = study_v3.approach1(curves, runs, n_bootstrap=12, seed=3)
    tuples = _by_run(curves, "params_total")
    rng, n = stream(3, "study-v3.approach1"), len(tuples)
    counts = np.stack([np.bincount(rng.choice(n, n), minlength=n) for _ in range(12)])
    reps, failed = estimators.bootstrap_over_ranges(
        curves=tuples, counts=counts,
        ranges=estimators.range_variants(study_v3.declared_range(runs)),
    )  # fmt: skip
    ok = reps[~failed]
    assert len(ok) >= 10 and np.ptp(ok[:, 0]) > 0  # the replicates differ: the percentiles matter
    assert (e.a_lo, e.a_hi) == pytest.approx(tuple(np.quantile(ok[:, 0], [0.1, 0.9])), rel=1e-12)
    assert (e.b_lo, e.b_hi) == pytest.approx(tuple(np.quantile(ok[:, 1], [0.1, 0.9])), rel=1e-12)
    assert study_v3.approach1(curves, runs, n_bootstrap=12, seed=4)[0] != e


def test_table_rows_are_each_approach_for_each_count_of_n(runs):
    """study_v3.table: for each count of N (PARAMS), the three approaches' Exponents called alone
    with that count and the same n_bootstrap and seed, in the order 1, 2, 3, every number in its
    column, then Table 2's rows marked "published"."""
    curves = _curves(runs)
    t = study_v3.table(runs, curves, n_bootstrap=6, seed=2)
    fitted = t[t["N"] != "Hoffmann 2022 Table 2"]
    assert len(fitted) == 3 * len(study_v3.PARAMS)
    for (label, col), k in zip(study_v3.PARAMS.items(), range(0, len(fitted), 3), strict=True):
        alone = (study_v3.approach1(curves, runs, params=col, n_bootstrap=6, seed=2)[0],
                 study_v3.approach2(runs, params=col, n_bootstrap=6, seed=2)[0],
                 study_v3.approach3(runs, params=col, n_bootstrap=6, seed=2)[0])  # fmt: skip
        for j, e in enumerate(alone):
            row = fitted.iloc[k + j]
            assert row["N"] == label and row["approach"] == e.approach == f"Approach {j + 1}"
            got = [row[c] for c in ("a", "a_lo", "a_hi", "b", "b_lo", "b_hi")]
            want = [e.a, e.a_lo, e.a_hi, e.b, e.b_lo, e.b_hi]
            np.testing.assert_array_equal(got, want)
            assert row["note"] == e.note
    printed = t[t["N"] == "Hoffmann 2022 Table 2"]
    assert list(printed["approach"]) == ["Approach 1", "Approach 2", "Approach 3"]
    assert (printed["note"] == "published").all()
    counts = list(study_v3.PARAMS.values())
    a2 = fitted[fitted["approach"] == "Approach 2"]["a"].to_numpy()
    assert len(set(a2)) == len(counts)  # each count of N gives its own exponent


def test_approach2_interval_is_the_wider_of_its_parametric_bootstrap_and_the_t_interval(runs):
    """Each end of Approach 2's 80% interval is the wider of the 10th/90th percentile of the
    parametric bootstrap (v2's seed sd as noise on each final loss, drawn from the stream
    "study-v3.approach2" of the seed, the slices read again through one plan) and the regression
    t interval of the vertices; the note counts budgets and failed replicates."""
    from scalinglaws import estimators
    from scalinglaws.analysis.study_v2 import seed_sd
    from scalinglaws.core.rng import stream

    e, res = study_v3.approach2(runs, params="params", n_bootstrap=10, seed=4)
    assert (e.approach, e.params) == ("Approach 2", "params")
    plan = study_v3.SlicePlan.of(runs, "params")
    loss = runs["loss_nats"].to_numpy(float)
    rng, sd, reps = stream(4, "study-v3.approach2"), seed_sd(), []
    for _ in range(10):
        try:
            r = study_v3._approach2_fit(plan, loss + sd * rng.standard_normal(loss.size))
        except estimators.FitError:
            continue
        reps.append((r.a, r.b))
    reps = np.array(reps)
    logC = np.log(res.used_budgets)
    for j, (col, value, lo, hi) in enumerate(
        (("N_opt", e.a, e.a_lo, e.a_hi), ("D_opt", e.b, e.b_lo, e.b_hi))
    ):
        reg = estimators.slope_t_interval(
            logC, np.log([getattr(p, col) for p in res.profiles]), 0.80
        )
        boot = np.quantile(reps[:, j], [0.1, 0.9])
        # the code's level (1 - 0.80) / 2 is 0.09999999999999998, not 0.1: the last bit may differ
        want = (min(boot[0], reg[0]), max(boot[1], reg[1]))
        assert (lo, hi) == pytest.approx(want, rel=1e-12)
        assert lo <= value <= hi
    used = res.used_budgets
    assert e.note == (f"{len(used)} budgets ({min(used):.0e}-{max(used):.0e}); parametric bootstrap, "
                      f"{10 - len(reps)} of 10 replicates failed")  # fmt: skip


def test_approach3_at_its_bound_prints_the_bound_and_no_interval(runs):
    """Losses of the surface without E (noise-free): the fit is not identifiable, so no interval
    (NaN, even with a bootstrap asked for), and the note gives the reasons and E as its bound."""
    from tests.test_study_v3 import ALPHA, BETA, A, B

    bound = runs.assign(loss_nats=A / runs["params_total"] ** ALPHA + B / runs["tokens"] ** BETA)
    e, fit = study_v3.approach3(bound, n_bootstrap=5)
    assert not fit.identifiable and e.approach == "Approach 3" and e.params == "params_total"
    assert all(np.isnan(v) for v in (e.a_lo, e.a_hi, e.b_lo, e.b_hi))
    assert e.note == (f"not identifiable: {'; '.join(fit.not_identifiable)} (E=0 (at its bound) "
                      f"alpha={fit.alpha:.3f} beta={fit.beta:.3f})")  # fmt: skip
