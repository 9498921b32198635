"""The v3 study's analysis (scalinglaws.analysis.study_v3) on synthetic runs of known surface."""

import math

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import study_v3
from scalinglaws.training import plans_v3
from scalinglaws.training.config import counts, validate

E, A, B, ALPHA, BETA = 1.2, 60.0, 300.0, 0.35, 0.30  # a synthetic eq 2 surface (nats per byte)


def _runs() -> pd.DataFrame:
    """The v3 horizons plan with final losses from the surface above (no noise)."""
    rows = []
    for e in plans_v3.horizons_plan():
        cfg = validate(e)
        d = cfg.derived()
        c = counts(cfg.model())
        N, D = c["params_total"], d["tokens"]
        rows.append({"run_id": cfg.run_id(), "n_layer": e["n_layer"], "d_model": e["d_model"],
                     "params": c["params_nonembedding"], "params_total": N,
                     "params_effective": d["flops"] / d["tokens"] / 6, "flops": d["flops"],
                     "flops_per_token": c["flops_per_token"], "tokens": D,
                     "loss_nats": E + A / N**ALPHA + B / D**BETA})  # fmt: skip
    return pd.DataFrame(rows)


def test_isoflop_points_interpolate_each_size_between_its_bracketing_horizons():
    runs = _runs()
    pts = study_v3.isoflop_points(runs)
    assert set(pts["budget"]) <= set(study_v3._budget_grid(runs))
    for _, g in pts.groupby("budget"):
        assert len(g) >= study_v3.MIN_SIZES_AT_BUDGET
    # each value: linear in log C between the size's two horizons around the budget (closed form)
    for _, row in pts.iterrows():
        size = runs[runs["params_total"] == row["params"]].sort_values("flops")
        x, y = np.log(size["flops"].to_numpy()), size["loss_nats"].to_numpy()
        j = max(1, int(np.searchsorted(x, np.log(row["budget"]))))
        t = (np.log(row["budget"]) - x[j - 1]) / (x[j] - x[j - 1])
        assert 0 <= t <= 1
        assert row["loss_nats"] == pytest.approx(y[j - 1] + t * (y[j] - y[j - 1]), rel=1e-12)
    assert len(pts) >= 2 * study_v3.MIN_SIZES_AT_BUDGET


def test_approach3_recovers_the_surface():
    e, fit = study_v3.approach3(_runs())
    assert e.a == pytest.approx(BETA / (ALPHA + BETA), abs=1e-4)
    assert e.b == pytest.approx(ALPHA / (ALPHA + BETA), abs=1e-4)


def test_declared_range_is_the_plans_expected_budgets_of_the_second_smallest_and_largest():
    runs = _runs()
    sizes = sorted(runs["params_total"].unique())
    assert study_v3.declared_range(runs) == (plans_v3.expected_budget(sizes[1]),
                                             plans_v3.expected_budget(sizes[-2]))  # fmt: skip


def test_agreement_is_pairwise_overlap_of_the_intervals():
    def t(*ivs):
        return pd.DataFrame([{"N": "with embeddings", "approach": f"Approach {i + 1}",
                              "a_lo": lo, "a_hi": hi} for i, (lo, hi) in enumerate(ivs)])  # fmt: skip

    assert study_v3.agree(t((0.4, 0.5), (0.45, 0.6), (0.49, 0.7)))
    assert not study_v3.agree(t((0.4, 0.5), (0.45, 0.6), (0.51, 0.7)))  # 1 and 3 apart
    assert not study_v3.agree(t((0.4, 0.5), (0.45, 0.6)))  # an approach without an interval


def test_the_verdict_names_its_reason():
    rows = [{"N": "with embeddings", "approach": f"Approach {i}", "a_lo": lo, "a_hi": hi,
             "note": "n"} for i, (lo, hi) in ((1, (0.4, 0.5)), (2, (0.45, 0.6)), (3, (0.51, 0.7)))]  # fmt: skip
    t = pd.DataFrame(rows)
    assert "Approach 1 [0.400, 0.500] and Approach 3 [0.510, 0.700]" in study_v3.verdict(t)
    t.loc[2, ["a_lo", "a_hi", "note"]] = [np.nan, np.nan, "not identifiable: E at its bound 0"]
    assert "no interval (Approach 3: not identifiable" in study_v3.verdict(t)


def test_the_verdict_names_every_pair_apart_and_each_approach_without_an_interval():
    """Every pair is compared once: 1 and 2 apart, 2 and 3 apart (the adjacent pairs) and 1 and 3
    overlapping at a shared end (touching intervals overlap); each pair apart is named, in
    order, and so is each approach without an interval; three overlapping intervals agree."""

    def t(*ivs, note="n"):
        return pd.DataFrame([{"N": "with embeddings", "approach": f"Approach {i + 1}", "a_lo": lo,
                              "a_hi": hi, "note": note} for i, (lo, hi) in enumerate(ivs)])  # fmt: skip

    assert study_v3.verdict(t((0.4, 0.5), (0.55, 0.6), (0.5, 0.52))) == (
        "N with embeddings: the approaches do not agree: Approach 1 [0.400, 0.500] and "
        "Approach 2 [0.550, 0.600]; Approach 2 [0.550, 0.600] and Approach 3 [0.500, 0.520] "
        "do not overlap"
    )
    assert study_v3.verdict(t((0.4, 0.5), (0.45, 0.6), (0.49, 0.7))) == (
        "N with embeddings: the three approaches agree (every pair of 80% intervals for a overlaps)"
    )
    gaps = t((0.4, 0.5), (np.nan, np.nan), (np.nan, np.nan), note="at its bound")
    assert study_v3.verdict(gaps) == (
        "N with embeddings: no verdict, an approach has no interval (Approach 2: at its bound; "
        "Approach 3: at its bound)"
    )


def test_slice_plan_reads_the_losses_given_in_the_runs_order():
    """The plan depends on sizes and FLOPs only: rows shuffled, the same slices; new losses read
    through one plan equal the slices of runs carrying those losses (np.interp as the oracle)."""
    runs = _runs()
    shuffled = runs.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a, b = study_v3.isoflop_points(runs), study_v3.isoflop_points(shuffled)
    key = ["budget", "params"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )
    plan = study_v3.SlicePlan.of(runs)
    other = runs["loss_nats"].to_numpy() + np.linspace(0.0, 0.3, len(runs))
    got = plan.losses(other)
    for i in range(plan.budget.size):
        size = runs.assign(other=other)[runs["params_total"] == plan.params[i]].sort_values("flops")
        logs = [math.log(c) for c in size["flops"]]  # the plan's logs: one scalar function
        want = np.interp(math.log(plan.budget[i]), logs, size["other"])
        assert got[i] == want  # bit for bit, as np.interp computes it


def test_load_keeps_the_finished_v3_runs_and_their_curves_with_the_effective_count(tmp_path):
    """The committed v3 horizons runs: only finished runs, each with N_effective = its FLOPs per
    token / 6, and the curves of exactly those runs, each point carrying its run's N_effective; a
    folder without v3 results loads nothing."""
    from scalinglaws.datasets import measured

    runs, curves = study_v3.load()
    every = measured.load_runs(study_v3.RESULTS, study="v3-horizons")
    finished = every[every["status"] == "finished"]
    assert len(runs) == len(finished) > 0 and set(runs["run_id"]) == set(finished["run_id"])
    assert (runs["status"] == "finished").all() and list(runs.index) == list(range(len(runs)))
    np.testing.assert_array_equal(runs["params_effective"], runs["flops_per_token"] / 6)
    all_curves = measured.load_curves(study_v3.RESULTS, study="v3-horizons")
    mine = all_curves[all_curves["run_id"].isin(finished["run_id"])]
    assert len(curves) == len(mine) and set(curves["run_id"]) == set(runs["run_id"])
    eff = dict(zip(runs["run_id"], runs["params_effective"], strict=True))
    assert (curves["params_effective"] == curves["run_id"].map(eff)).all()
    empty_runs, empty_curves = study_v3.load(tmp_path)
    assert empty_runs.empty and empty_curves.empty


def test_tuples_are_the_runs_in_name_order_with_points_sorted_by_flops():
    """_tuples: one (N, C, L, D) per run, runs in order of run_id (whatever the rows' order), each
    curve's points sorted by FLOPs, N read from the chosen column, the runs table's final FLOPs
    the largest; a run logged once is kept."""
    from scalinglaws.analysis import study_v3

    rows = [
        {"run_id": "b", "params_total": 20.0, "params": 15.0, "flops": 2e9, "loss_nats": 2.0, "tokens": 200.0},
        {"run_id": "b", "params_total": 20.0, "params": 15.0, "flops": 1e9, "loss_nats": 3.0, "tokens": 100.0},
        {"run_id": "a", "params_total": 10.0, "params": 5.0, "flops": 5e8, "loss_nats": 4.0, "tokens": 50.0},
    ]  # fmt: skip
    table, tuples = study_v3._tuples(pd.DataFrame(rows), "params_total")
    assert table.to_dict("list") == {
        "run_id": ["a", "b"],
        "params": [10.0, 20.0],
        "flops_final": [5e8, 2e9],
    }
    (n_a, c_a, l_a, d_a), (n_b, c_b, l_b, d_b) = tuples
    assert (n_a, n_b) == (10.0, 20.0)
    assert list(c_a) == [5e8] and list(l_a) == [4.0] and list(d_a) == [50.0]
    assert list(c_b) == [1e9, 2e9] and list(l_b) == [3.0, 2.0] and list(d_b) == [100.0, 200.0]
    table, tuples = study_v3._tuples(pd.DataFrame(rows), "params")
    assert list(table["params"]) == [5.0, 15.0] and [t[0] for t in tuples] == [5.0, 15.0]


def test_slice_plan_rows_are_each_sizes_bracketing_horizons():
    """SlicePlan.of, row by row against its definition: for each budget of the half-decade grid
    that MIN_SIZES_AT_BUDGET sizes reach, each size (by n_layer, d_model) whose horizons span it;
    N from the chosen column, tokens C / FLOPs-per-token, lo the last horizon at or below C (by
    position in the runs), hi the next one (lo again at its last horizon), and their log FLOPs."""
    runs = _runs()
    runs.index = runs.index + 50  # positions, not labels
    for params in ("params_total", "params"):
        plan = study_v3.SlicePlan.of(runs, params=params)
        assert (
            plan.lo.dtype.kind == "i" and plan.hi.dtype.kind == "i" and plan.budget.dtype == float
        )
        flops = runs["flops"].to_numpy()
        seen = []
        for i in range(plan.budget.size):
            C = plan.budget[i]
            lo, hi = plan.lo[i], plan.hi[i]
            size = runs.iloc[lo][["n_layer", "d_model"]].tolist()
            assert runs.iloc[hi][["n_layer", "d_model"]].tolist() == size
            same = np.flatnonzero((runs["n_layer"] == size[0]) & (runs["d_model"] == size[1]))
            horizons = np.sort(flops[same])
            assert horizons[0] <= C <= horizons[-1]
            assert flops[lo] == horizons[horizons <= C].max()
            above = horizons[horizons > C]
            assert flops[hi] == (above.min() if above.size else flops[lo])
            assert plan.params[i] == runs.iloc[lo][params]
            assert plan.tokens[i] == pytest.approx(C / runs.iloc[lo]["flops_per_token"], rel=1e-15)
            assert (plan.x[i], plan.x_lo[i], plan.x_hi[i]) == (
                math.log(C),
                math.log(flops[lo]),
                math.log(flops[hi]),
            )
            seen.append((C, *size))
        assert seen == sorted(seen)  # budgets in order, sizes by (n_layer, d_model)
        per_budget = pd.Series([s[0] for s in seen]).value_counts()
        assert (per_budget >= study_v3.MIN_SIZES_AT_BUDGET).all()
        # every size that spans a kept budget is in it
        for C in per_budget.index:
            spans = runs.groupby(["n_layer", "d_model"])["flops"].agg(["min", "max"])
            n_span = int(((spans["min"] <= C) & (C <= spans["max"])).sum())
            assert per_budget[C] == n_span
    empty = study_v3.SlicePlan.of(runs.iloc[:3])  # one size: no budget reaches 6 sizes
    assert all(
        getattr(empty, f).size == 0
        for f in ("budget", "params", "tokens", "lo", "hi", "x", "x_lo", "x_hi")
    )


def test_slice_plan_at_budgets_that_are_horizons():
    """Six sizes, each trained to exactly 1e11, 3e11 and 1e12 FLOPs (three of the grid's budgets):
    a budget on a horizon is read at that horizon (lo, and hi the next one; at the last horizon
    both), the first and the last horizon included; each size's rows in order of (n_layer,
    d_model), listed here largest first."""
    rows = []
    for k in range(6, 0, -1):
        for C in (1e11, 3e11, 1e12):
            rows.append({"n_layer": k, "d_model": 64 * k, "params_total": 1e5 * k, "flops": C,
                         "flops_per_token": 6e5 * k, "loss_nats": 3.0 - 0.1 * k + 1e-13 * C})  # fmt: skip
    runs = pd.DataFrame(rows)
    plan = study_v3.SlicePlan.of(runs)
    assert list(plan.budget) == [1e11] * 6 + [3e11] * 6 + [1e12] * 6
    assert list(plan.params) == [1e5 * k for k in range(1, 7)] * 3
    flops = runs["flops"].to_numpy()
    np.testing.assert_array_equal(flops[plan.lo], plan.budget)
    nxt = {1e11: 3e11, 3e11: 1e12, 1e12: 1e12}
    np.testing.assert_array_equal(flops[plan.hi], [nxt[c] for c in plan.budget])
    np.testing.assert_array_equal(
        runs["n_layer"].to_numpy()[plan.lo], runs["n_layer"].to_numpy()[plan.hi]
    )
    np.testing.assert_array_equal(
        plan.losses(runs["loss_nats"].to_numpy()), runs["loss_nats"].to_numpy()[plan.lo]
    )


def test_the_budget_grid_is_every_half_decade_the_runs_span():
    """Budgets read off the v3 runs: every half decade (1, 3, 10, 30, ... x 10^k, to one
    significant digit) from the half decade at or below the smallest FLOPs to the one at or above
    the largest."""
    grid = study_v3._budget_grid(pd.DataFrame({"flops": [2e10, 4e11, 5e12]}))
    assert grid == [1e10, 3e10, 1e11, 3e11, 1e12, 3e12, 1e13]
    assert study_v3._budget_grid(pd.DataFrame({"flops": [1e11, 3.2e11]})) == [1e11, 3e11, 1e12]
