"""The v2 study's analysis (scalinglaws.analysis.study_v2) on synthetic runs with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import curve_points, study_v2
from scalinglaws.analysis import ladder as ladder_v2

A_TRUE = 0.6  # N_opt = 1e4 (C / 1e12)^0.6 in the synthetic study
CURV = 0.4  # loss rises by CURV per (log10 N - log10 N_opt)^2
BUDGETS = (3e11, 1e12, 3e12, 1e13)


def synthetic(noise: float = 0.0, seeds: int = 3, rng_seed: int = 1) -> pd.DataFrame:
    """8 sizes a budget, 16x window around the known optimum, loss exactly parabolic in log N."""
    rng = np.random.default_rng(rng_seed)
    rows = []
    for C in BUDGETS:
        log_opt = 4 + A_TRUE * np.log10(C / 1e12)
        for k in range(8):
            # off-centre, so the vertex is not a grid point
            logN = log_opt - 0.6 + k * 1.2 / 7 + 0.05
            for s in range(seeds):
                N = 10**logN
                rows.append({"flops_budget": C, "params_total": N, "seed": s, "tokens": C / (6 * N),
                             "loss_nats": 2.0 - 0.1 * np.log10(C) + CURV * (logN - log_opt) ** 2
                             + noise * rng.standard_normal()})  # fmt: skip
    return pd.DataFrame(rows)


def test_noise_free_vertices_and_exponents_are_exact():
    runs = synthetic()
    opt = study_v2.optima(runs, n_bootstrap=50)
    expected = 1e4 * (np.asarray(BUDGETS) / 1e12) ** A_TRUE
    np.testing.assert_allclose(opt.table["N_opt"], expected, rtol=1e-9)
    ex = study_v2.exponents(opt, runs)
    assert ex["a"].value == pytest.approx(A_TRUE, abs=1e-9)
    # D = C / 6N exactly, so b = 1 - a
    assert ex["b"].value == pytest.approx(1 - A_TRUE, abs=1e-9)
    assert ex["a"].lo == pytest.approx(A_TRUE, abs=1e-9) and ex["a"].hi == pytest.approx(A_TRUE)


def test_noisy_study_interval_covers_the_truth_and_shrinks_with_seeds():
    """With seed noise the 80% interval covers the known exponent in most synthetic studies,
    and more seeds per size narrow it (the design's reason for 3 seeds)."""
    covered, widths = 0, {1: [], 4: []}
    for rs in range(10):
        for seeds in (1, 4):
            runs = synthetic(noise=0.015, seeds=seeds, rng_seed=rs)
            ex = study_v2.exponents(study_v2.optima(runs, n_bootstrap=300, seed=rs), runs)["a"]
            widths[seeds].append(ex.width)
            covered += seeds == 4 and ex.lo <= A_TRUE <= ex.hi
    # an 80% interval misses the truth in 2 of 10 studies on average; 5 or more misses is
    # below 3% likely (binomial 10, 0.2), so 6 of 10 covered is the bar
    assert covered >= 6
    assert np.median(widths[4]) < np.median(widths[1])


def test_profile_rise_in_seed_sds():
    runs = synthetic(noise=0.01, seeds=3)
    t = study_v2.optima(runs, n_bootstrap=20).table
    # the window's ends lie 0.6 decades from the optimum: 0.4 x 0.36 = 0.144 nats, ~14 seed sds
    assert (t["rise_small"] > 5).all() and (t["rise_large"] > 5).all()
    assert t["seed_sd"].between(0.005, 0.02).all()


def test_no_vertex_is_reported_not_invented():
    runs = synthetic()
    mono = runs[runs["flops_budget"] == 1e12].assign(loss_nats=lambda f: -np.log10(f.params_total))
    t = study_v2.optima(mono, n_bootstrap=10).table
    assert np.isnan(t["N_opt"].iloc[0]) and t["n_failed"].iloc[0] == 10
    with pytest.raises(ValueError, match="2 or more budgets"):
        study_v2.exponents(study_v2.optima(mono, n_bootstrap=10), mono)


def test_level_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"level must lie in \(0, 1\), got 1.5"):
        study_v2.optima(synthetic(), level=1.5)


def test_a_run_ending_within_one_step_of_a_budget_gives_its_last_point_there():
    """A run planned to a budget whose step count rounded down ends just short of it: its last
    evaluation is the budget's point; a run more than one step short gives none."""
    runs = pd.DataFrame({"run_id": ["r"], "params_kaplan": [3072], "d_model": [16], "seed": [0],
                         "params_total": [9312]})  # fmt: skip
    steps = np.array([10, 100, 1000])
    flops = steps * 1e9  # 1e9 FLOPs a step: the run ends at 1e12
    curves = pd.DataFrame({"run_id": "r", "step": steps, "tokens": steps * 2048.0,
                           "flops": flops, "loss_nats": [3.0, 2.5, 2.0]})  # fmt: skip
    pts = curve_points.ladder_points(curves, runs, "exact", [1e12 + 0.5e9, 1e12 + 2e9])
    assert pts["flops_budget"].tolist() == [1e12 + 0.5e9]  # half a step short: read; two: not
    assert pts["loss_nats"].iloc[0] == 2.0


def test_ladder_points_read_the_curve_at_each_budget():
    """A run whose loss falls linearly in log FLOP is read exactly at a budget between two
    checkpoints; budgets outside its curve give no point."""
    tokens = np.array([1e5, 1e6, 1e7])
    runs = pd.DataFrame({"run_id": ["r"], "params_kaplan": [3072], "d_model": [16], "seed": [0],
                         "params_total": [9312]})  # fmt: skip
    spent6 = 6 * 3072 * tokens
    curves = pd.DataFrame({"run_id": "r", "step": [1, 2, 3], "tokens": tokens,
                           "flops": 3.5 * spent6, "loss_nats": [3.0, 2.5, 2.0]})  # fmt: skip
    C = 6 * 3072 * 10**5.5
    pts = curve_points.ladder_points(curves, runs, "6N (non-embedding)", [C, 1e20])
    assert len(pts) == 1
    assert pts["loss_nats"].iloc[0] == pytest.approx(2.75)
    assert pts["tokens"].iloc[0] == pytest.approx(10**5.5)
    head = curve_points.ladder_points(curves, runs, "6N (with output layer)", [C])
    assert head["params_total"].iloc[0] == 3072 + 16 * 256
    with pytest.raises(ValueError, match="accounting must be one of"):
        curve_points.ladder_points(curves, runs, "6ND", [C])


def test_window_keeps_sizes_within_4x_of_the_best_and_drops_budgets_without_a_valley():
    runs = synthetic()
    far = runs[runs["flops_budget"] == 1e12].assign(params_total=lambda f: f.params_total * 40,
                                                    loss_nats=9.0)  # fmt: skip
    w = curve_points.window(pd.concat([runs, far], ignore_index=True))
    assert (w["loss_nats"] < 9).all()  # the far sizes (40x the grid) are outside every window
    assert sorted(w["flops_budget"].unique()) == sorted(BUDGETS)
    mono = runs.assign(loss_nats=lambda f: -np.log10(f.params_total))  # best at the largest size
    assert curve_points.window(mono).empty
    # best at the second-smallest size: one size below it, a one-sided profile
    g = runs[runs["flops_budget"] == 1e12]
    sizes = np.sort(g["params_total"].unique())
    edge = g.assign(loss_nats=lambda f: (np.log10(f.params_total) - np.log10(sizes[1])) ** 2)
    assert curve_points.window(edge).empty
    assert not curve_points.window(edge, min_side=1).empty  # the old rule would have kept it


def _ladder_runs(corpus: str, C: float, rungs, seeds=(0, 1, 2)) -> pd.DataFrame:
    from scalinglaws.designs import v2 as grid_v2

    rows = []
    for k in rungs:
        L, d, _ = grid_v2.shape(grid_v2.ladder(k))
        for s in seeds:
            rows.append({"corpus": corpus, "flops_budget": C, "n_layer": L, "d_model": d,
                         "params_total": 1.3 * grid_v2.ladder(k), "seed": s, "loss_nats": 2.0,
                         "run_id": f"{C:g}-{k}-{s}", "tokens": C / (6 * grid_v2.ladder(k))})  # fmt: skip
    return pd.DataFrame(rows)


def test_design_window_keeps_the_plan_windows_and_drops_horizons():
    from scalinglaws.designs import v2 as grid_v2

    C = 1e12
    w = grid_v2.window(C)
    runs = pd.concat([
        _ladder_runs("prose", C, w),
        _ladder_runs("prose", C, [w[-1] + 3], seeds=(0,)),  # a horizon of a larger size
        _ladder_runs("prose", 1e11, w[2:7], seeds=(0,)),  # 5 single-seed horizons
        _ladder_runs("prose", 3e12, grid_v2.window_of("prose", 3e12)),  # window + extension
        _ladder_runs("code-sympy", 1e13, grid_v2.window(1e13) + [14, 15]),  # not extended
    ], ignore_index=True)  # fmt: skip
    kept = study_v2.design_window(runs)
    n = kept.groupby(["corpus", "flops_budget"])["run_id"].count().to_dict()
    assert n == {("prose", 1e12): 24, ("prose", 3e12): 30, ("code-sympy", 1e13): 24}
    assert {11, 12} <= set(grid_v2.window_of("prose", 3e12)) - set(grid_v2.window(3e12))


def test_design_window_keeps_a_budget_at_its_minimum_of_sizes_and_no_run_off_the_ladder():
    """A budget with exactly DESIGN_MIN_SIZES of its window's sizes finished is analysed; a run
    whose shape is no ladder rung (here 7 layers of width 13) is dropped even at a budget whose
    window starts at the first rungs; the kept runs are one frame numbered 0..n-1."""
    from scalinglaws.designs import v2 as grid_v2

    six = _ladder_runs("prose", 3e11, grid_v2.window(3e11)[: study_v2.DESIGN_MIN_SIZES])
    stray = six.iloc[:1].assign(n_layer=7, d_model=13, run_id="stray")
    assert (7, 13) not in grid_v2.rung_of_shape()
    kept = study_v2.design_window(pd.concat([stray, six], ignore_index=True))
    assert kept["run_id"].tolist() == six["run_id"].tolist()
    assert kept.index.equals(pd.RangeIndex(len(kept)))


def test_ladder_steps_name_studies_that_the_plans_train():
    """Each step's study is one the committed plan files train (a misspelt name would leave a
    step "not yet run" forever)."""
    import json

    from scalinglaws.core import paths

    studies = {r["study"] for p in (paths.DATA / "runs" / "plans").glob("v2_*.json")
               for r in json.loads(p.read_text())}  # fmt: skip
    for step in ladder_v2.LADDER:
        assert f"v2-{step.study}" in studies, step
    v3 = {r["study"] for r in json.loads((paths.DATA / "runs/plans/v3_porian.json").read_text())}
    for step in ladder_v2.PORIAN_STEPS:
        assert f"{step.version}-{step.study}" in (studies | v3), step


def _rated(rates_losses: dict[int, dict[float, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs at several rates a size (final loss given) and their points at two budgets: at
    1e11 each run's loss is its final loss plus 1 minus twice its rate (the largest rate wins there)."""
    runs, pts = [], []
    for n, by_lr in rates_losses.items():
        for lr, loss in by_lr.items():
            rid = f"{n}-{lr}"
            runs.append({"run_id": rid, "params_total": n, "lr": lr, "loss_nats": loss})
            pts.append({"run_id": rid, "flops_budget": 1e12, "params_total": n, "loss_nats": loss})
            pts.append(
                {
                    "run_id": rid,
                    "flops_budget": 1e11,
                    "params_total": n,
                    "loss_nats": loss + 1 - 2 * lr,
                }
            )
    return pd.DataFrame(runs), pd.DataFrame(pts)


def test_tuned_per_size_keeps_the_rate_that_ends_lowest_at_every_budget():
    runs, pts = _rated({100: {0.1: 2.0, 0.2: 1.9, 0.4: 2.1}, 200: {0.1: 1.7, 0.2: 1.8, 0.4: 1.9}})
    got = ladder_v2.tuned(runs, pts, "size")
    assert sorted(got["run_id"].unique()) == ["100-0.2", "200-0.1"]
    assert len(got) == 4  # both budgets of the two kept runs
    per_budget = ladder_v2.tuned(runs, pts, "budget")
    at_1e11 = per_budget[per_budget["flops_budget"] == 1e11].set_index("params_total")["run_id"]
    assert at_1e11.to_dict() == {100: "100-0.4", 200: "200-0.4"}  # its own best, not the run's
    assert ladder_v2.tuned(runs, pts, None) is pts
    with pytest.raises(ValueError, match="tune must be"):
        ladder_v2.tuned(runs, pts, "seed")


def test_rates_flags_a_best_rate_at_the_grids_end():
    runs, _ = _rated({100: {0.1: 2.0, 0.2: 1.9, 0.4: 2.1}, 200: {0.1: 1.7, 0.2: 1.8, 0.4: 1.9}})
    r = ladder_v2.rates(runs.iloc[::-1])  # sizes given largest first: the table by size
    assert r.to_dict("list") == {"params_total": [100, 200], "rates": [3, 3], "lr_best": [0.2, 0.1],
                                 "loss_best": [1.9, 1.7], "edge": [False, True]}  # fmt: skip
    top, _ = _rated({300: {0.1: 2.0, 0.2: 1.9, 0.4: 1.8}})  # best at the largest rate: an edge
    assert ladder_v2.rates(top)["edge"].tolist() == [True]


def test_final_steps_refuse_a_6n_accounting():
    step = ladder_v2.LadderStep("x", "x", "isoflop", "6N (with output layer)", "final", None)
    with pytest.raises(ValueError, match="accounting must be 'exact'"):
        ladder_v2.step_points(step, synthetic().assign(corpus="prose"))


def test_a_curve_step_without_curves_is_refused_by_its_key():
    step = ladder_v2.LadderStep("7c", "x", "ladder-kaplan", "exact", "curve", None)
    with pytest.raises(ValueError, match=r"^ladder step 7c reads learning curves; pass curves=$"):
        ladder_v2.step_points(step, synthetic().assign(corpus="prose"))


def test_a_final_step_keeps_the_budgets_within_the_span_asked():
    """A final-loss step over the span 1e12-3e12 of budgets keeps the design windows of exactly
    those budgets (their ends included), not 3e11's or 1e13's."""
    from scalinglaws.designs import v2 as grid_v2

    runs = pd.concat([_ladder_runs("prose", C, grid_v2.window_of("prose", C))
                      for C in (3e11, 1e12, 3e12, 1e13)], ignore_index=True)  # fmt: skip
    step = ladder_v2.LadderStep("x", "x", "isoflop", "exact", "final", None)
    pts = ladder_v2.step_points(step, runs, budgets=[1e12, 3e12])
    assert sorted(pts["flops_budget"].unique()) == [1e12, 3e12]


def test_final_steps_keep_only_the_ladders_budgets():
    """A plan budget above the ladder's span (prose's 3e13) is left out of a final-loss step, so
    steps 4 and 5 share their budgets (3e11 - 1e13); the span's top is the ladder plans' top."""
    from scalinglaws.designs import v2 as grid_v2
    from scalinglaws.training import plans_v2

    assert max(plans_v2.BUDGETS["prose"][:-1]) == ladder_v2.BUDGET_GRID.max()

    runs = pd.concat([_ladder_runs("prose", 1e13, grid_v2.window(1e13)),
                      _ladder_runs("prose", 3e13, grid_v2.window(3e13))], ignore_index=True)  # fmt: skip
    step = ladder_v2.LadderStep("x", "x", "isoflop", "exact", "final", None)
    assert set(study_v2.design_window(runs)["flops_budget"]) == {1e13, 3e13}
    assert set(ladder_v2.step_points(step, runs)["flops_budget"]) == {1e13}
    wider = ladder_v2.step_points(step, runs, budgets=[1e13, 3e13])
    assert set(wider["flops_budget"]) == {1e13, 3e13}


def test_parametric_bootstrap_covers_the_truth_and_scales_with_the_noise():
    """With the seed sd given, every point keeps its size and gets noise of that sd: one seed per
    size, noisy studies: the 80% interval covers the known exponent in 6 or more of 10 (as the
    resampling bootstrap above), and a noise 4x smaller gives an interval about 4x narrower."""
    covered, ratios = 0, []
    for rs in range(10):
        runs = synthetic(noise=0.015, seeds=1, rng_seed=rs)
        wide = study_v2.exponents(study_v2.optima(runs, n_bootstrap=300, seed=rs,
                                                  noise_sd=0.015), runs)["a"]  # fmt: skip
        narrow = study_v2.exponents(study_v2.optima(runs, n_bootstrap=300, seed=rs,
                                                    noise_sd=0.015 / 4), runs)["a"]  # fmt: skip
        covered += wide.lo <= A_TRUE <= wide.hi
        # the bootstrap part scales with the noise (the covering interval also holds the
        # regression interval of the optima's scatter, which the given sd does not set)
        ratios.append(np.diff(wide.bootstrap)[0] / np.diff(narrow.bootstrap)[0])
    assert covered >= 6
    assert 3 < np.median(ratios) < 5
    with pytest.raises(ValueError, match="noise_sd must be a positive number of nats, got -1"):
        study_v2.optima(synthetic(), noise_sd=-1)


def _chinchilla_curves(alpha: float, beta: float, head: bool):
    """Long runs on a ladder of sizes, loss L = E + A / N^alpha + B / D^beta along each run
    (Hoffmann eq 2's form) with N the count of the accounting under test."""
    sizes = 1e3 * (16 ** (1 / 7)) ** np.arange(18)
    runs, curves = [], []
    for i, n in enumerate(sizes):
        d_model = 16
        n_kaplan = n - (d_model * 256 if head else 0)
        run_id = f"r{i}"
        runs.append({"run_id": run_id, "params_kaplan": n_kaplan, "d_model": d_model,
                     "seed": 0, "params_total": n * 1.3})  # fmt: skip
        tokens = np.geomspace(1e4, 1e10, 120)
        loss = 1.5 + 400 / n**alpha + 600 / tokens**beta
        curves.append(pd.DataFrame({"run_id": run_id, "step": np.arange(1, 121), "tokens": tokens,
                                    "flops": 10 * n * tokens, "loss_nats": loss}))  # fmt: skip
    return pd.DataFrame(runs), pd.concat(curves, ignore_index=True)


@pytest.mark.parametrize("accounting", ["6N (non-embedding)", "6N (with output layer)"])
def test_ladder_step_recovers_the_exponent_of_a_known_law(accounting):
    """For L = E + A/N^alpha + B/D^beta the compute-optimal N grows as C^(beta/(alpha+beta))
    (Hoffmann 2022 eq 4). A ladder step reading points off the runs' curves in the law's own
    count recovers it; the rule for the tolerance: a vertex is placed to within half a ladder
    rung (0.086 decades), so over the budgets' span (>= 1.5 decades) the slope to within 0.06."""
    alpha, beta = 0.34, 0.28
    runs, curves = _chinchilla_curves(alpha, beta, head=accounting != "6N (non-embedding)")
    step = ladder_v2.LadderStep("t", "test", "x", accounting, "curve", None)
    pts = ladder_v2.step_points(step, runs, curves)
    opt = study_v2.optima(pts, n_bootstrap=50, noise_sd=0.01)
    used = opt.table[np.isfinite(opt.table["N_opt"])]
    span = np.log10(used["budget"].max() / used["budget"].min())
    assert span >= 1.5
    a = study_v2.exponents(opt, pts)["a"].value
    assert a == pytest.approx(beta / (alpha + beta), abs=np.log10(16 ** (1 / 7)) / 2 / span)


def test_ladder_table_sets_porian_beside_each_step():
    from scalinglaws.constants import PORIAN

    rows = [ladder_v2.LadderRow(s, 0, pd.DataFrame(), None, None) for s in ladder_v2.LADDER]
    t = ladder_v2.ladder_table(rows, PORIAN.refinedweb)
    pub = dict(zip(t["step"], t["Porian a (RefinedWeb)"], strict=True))
    # Porian et al. 2024 Figure 1 (a)-(e), RefinedWeb
    assert [pub[k] for k in ("1", "2", "3", "4", "5")] == [0.835, 0.706, 0.602, 0.571, 0.497]
    assert np.isnan(pub["3e"])  # the exact-count step is this study's own, not one of theirs
    assert (t["budgets"] == "none yet").all()


def test_runs_summary_prints_the_ladder_beside_porian(capsys):
    """`python -m scalinglaws.training summary` on the committed results: every ladder step, with
    Porian et al.'s RefinedWeb value where they have one."""
    from scalinglaws.constants import PORIAN
    from scalinglaws.training.__main__ import main

    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    ladder = out[out.index("discrepancy ladder") :]
    lines = ladder.splitlines()[1:]
    assert [ln.split()[0] for ln in lines[:6]] == ["1", "2", "3", "3e", "4", "5"]
    for v in (PORIAN.refinedweb.kaplan, PORIAN.refinedweb.tuned):
        assert f"Porian {v:.3f}" in ladder


def test_the_ladders_alternative_rule_is_looser_and_marked():
    """The window rule before step 1 was seen (1 size each side) keeps every budget the rule
    used now (2 each side) keeps; the table marks its rows."""
    from scalinglaws.constants import PORIAN

    used = {r.step.key: r for r in ladder_v2.ladder(n_bootstrap=20) if r.step.read == "curve"}
    alt = ladder_v2.ladder_alternative(n_bootstrap=20)
    assert [r.step.key for r in alt] == list(used)
    for r in alt:
        if used[r.step.key].optima is None:
            continue
        now = set(used[r.step.key].points["flops_budget"])
        assert now <= set(r.points["flops_budget"]), r.step.key
    t = ladder_v2.ladder_table(list(used.values()), PORIAN.refinedweb, alt)
    assert t["setting"].str.contains("alternative rule").sum() == len(alt)


_NO_RUNS = ladder_v2.LadderStep("none", "a v3 study without runs", "nostudy", "exact", "final", None,
                                version="v3")  # fmt: skip


@pytest.mark.parametrize("steps", [ladder_v2.LADDER, (*ladder_v2.PORIAN_STEPS, _NO_RUNS)],
                         ids=["ladder", "porian-steps"])  # fmt: skip
def test_ladder_rows_are_each_steps_pipeline_called_alone(steps):
    """ladder() on the committed runs against its parts called one by one for each step: the
    step's finished runs (v2's folder or v3's), its points (read off the learning curves, or the
    final losses, at the step's own budgets where it has them), the optima with the seed sd as
    noise where each point has one seed (steps 1-4, (e)) and resampled seeds where each has
    several (step 5), and a through those optima. A step without runs or with fewer than 2
    budgets carries neither."""
    rows = ladder_v2.ladder(n_bootstrap=20, seed=2, results=ladder_v2.RESULTS_V2,
                            results_v3=ladder_v2.RESULTS_V3, steps=steps)  # fmt: skip
    fitted = _rows_are_their_pipelines(rows, steps, ladder_v2.RESULTS_V2, ladder_v2.RESULTS_V3)
    assert fitted >= (
        5 if steps is ladder_v2.LADDER else 3
    )  # the committed runs give most an exponent


def _rows_are_their_pipelines(rows, steps, v2, v3, n_bootstrap=20, seed=2) -> int:
    """Each ladder row against its step's parts called one by one on the folders v2 and v3;
    returns how many rows carry an exponent."""
    from scalinglaws.datasets import measured

    assert [r.step for r in rows] == list(steps)
    fitted = 0
    for r in rows:
        step = r.step
        folder = v2 if step.version == "v2" else v3
        runs = ladder_v2.step_runs(step, folder)
        assert r.n_runs == len(runs), step.key
        if runs.empty:
            assert r.optima is None and r.a is None and r.n_runs == 0 and r.points.empty
            continue
        curves = None
        if step.read == "curve":
            curves = (measured.load_curves(folder) if step.version == "v2"
                      else measured.load_curves(folder, study=f"v3-{step.study}"))  # fmt: skip
        budgets = ladder_v2.BUDGET_GRID if step.budgets is None else step.budgets
        pts = ladder_v2.step_points(step, runs, curves, budgets=budgets)
        pd.testing.assert_frame_equal(r.points, pts)
        if pts["flops_budget"].nunique() < 2:
            assert r.optima is None and r.a is None, step.key
            continue
        seeds = pts.groupby(["flops_budget", "params_total"])["seed"].nunique()
        assert (seeds == 1).all() or (seeds >= 2).all(), step.key  # one rule or the other
        noise = study_v2.seed_sd(v2) if (seeds == 1).all() else None
        opt = study_v2.optima(pts, n_bootstrap=n_bootstrap, seed=seed, noise_sd=noise)
        pd.testing.assert_frame_equal(r.optima.table, opt.table)
        assert r.a == study_v2.exponents(opt, pts)["a"], step.key
        fitted += 1
    return fitted


def test_the_ladder_reads_the_folders_it_is_given(tmp_path):
    """ladder() on copies of the committed results with a seventh of step 1's runs, of the (e)
    step's runs and of the noise runs left out: each row is its step's pipeline on those folders
    (its runs, curves and seed sd), not on the committed ones, which hold more runs."""
    import json
    import shutil

    drop = {"v2-ladder-kaplan", "v2-noise", "v3-porian"}
    folders = {}
    for version, source in (("v2", ladder_v2.RESULTS_V2), ("v3", ladder_v2.RESULTS_V3)):
        folders[version] = tmp_path / version
        folders[version].mkdir()
        seen: dict[str, int] = {}
        for p in sorted(source.glob("*.json")):
            study = json.loads(p.read_text())["config"].get("study")
            seen[study] = seen.get(study, 0) + 1
            if study in drop and seen[study] % 7 == 0:
                continue
            shutil.copy(p, folders[version] / p.name)
    steps = (ladder_v2.LADDER[0], ladder_v2.PORIAN_STEPS[-2])
    assert [s.study for s in steps] == ["ladder-kaplan", "porian"]
    rows = ladder_v2.ladder(n_bootstrap=10, seed=1, results=folders["v2"],
                            results_v3=folders["v3"], steps=steps)  # fmt: skip
    assert _rows_are_their_pipelines(rows, steps, folders["v2"], folders["v3"], 10, 1) == 2
    for r in rows:
        assert r.n_runs < len(ladder_v2.step_runs(r.step)), r.step.key
    assert study_v2.seed_sd(folders["v2"]) != study_v2.seed_sd()


def _study_with(table: dict, exponents=None) -> study_v2.IsoFLOPStudy:
    t = pd.DataFrame(table)
    opt = study_v2.Optima(t, t["budget"].to_numpy(), np.zeros((0, len(t))), 0.8)
    return study_v2.IsoFLOPStudy("prose", pd.DataFrame(), pd.DataFrame(), {}, opt, exponents, {})


def test_optima_table_writes_each_number_as_its_column_says():
    """The table the notebook prints, from an optima table of chosen numbers; every expected
    cell written by hand from the column's rule (budget as 1e+11, N_opt to a whole parameter,
    its interval with thousands separators, D_opt to thousands, losses to 4 decimals, rises to 1)."""
    study = _study_with({
        "budget": [3e11, 1e12], "n_sizes": [8, 7], "n_runs": [24, 21],
        "N_opt": [123456.4, 2.5e6], "N_lo": [99999.5, 2e6], "N_hi": [150000.49, 3.1e6],
        "D_opt": [404123.0, 6.66e7 + 499], "L_opt": [2.345678, 1.98766], "seed_sd": [0.01234, 0.005],
        "rise_small": [3.14, 0.05], "rise_large": [12.25, 2.0], "n_failed": [0, 3],
    })  # fmt: skip
    t = study_v2.optima_table(study)
    assert list(t.columns) == ["budget (FLOP)", "sizes", "runs", "N_opt", "N_opt 80% interval",
                               "D_opt (bytes)", "loss at N_opt", "seed sd", "rise at ends (seed sds)",
                               "replicates without a vertex"]  # fmt: skip
    assert t.to_dict("list") == {
        "budget (FLOP)": ["3e+11", "1e+12"], "sizes": [8, 7], "runs": [24, 21],
        "N_opt": [123456.0, 2500000.0],
        "N_opt 80% interval": ["100,000 - 150,000", "2,000,000 - 3,100,000"],
        "D_opt (bytes)": [404000.0, 66600000.0], "loss at N_opt": [2.3457, 1.9877],
        "seed sd": [0.0123, 0.005], "rise at ends (seed sds)": ["3.1, 12.2", "0.1, 2.0"],
        "replicates without a vertex": [0, 3],
    }  # fmt: skip


def test_exponent_table_writes_each_exponent_with_its_intervals_and_budgets():
    e = study_v2.Exponent(0.51234, 0.4449, 0.58951, 0.8, 3, 2, (0.46, 0.57), (0.4449, 0.58951))
    study = _study_with({"budget": [3e11, 1e12, 3e12, 1e13], "N_opt": [1e5, np.nan, 3e5, 6e5]},
                        {"a": e})  # fmt: skip
    t = study_v2.exponent_table([study])
    assert t.to_dict("records") == [{
        "corpus": "prose", "exponent": "a", "value": 0.512, "80% interval": "0.445 - 0.590",
        "width": 0.145, "bootstrap": "0.460 - 0.570", "regression": "0.445 - 0.590",
        "budgets": "3e+11 - 1e+13 (3)", "replicates without every vertex": 2,
    }]  # fmt: skip
    assert study_v2.exponent_table([_study_with({"budget": [1e12], "N_opt": [1e5]})]).empty


def _results_with_strays(tmp_path, source, study: str, n: int = 6):
    """A results folder of ``n`` committed runs of ``study`` (from ``source``), plus two strays:
    one of another corpus and one whose status is not "finished"."""
    import json
    import shutil

    folder = tmp_path / "results"
    folder.mkdir()
    picked = []
    for p in sorted(source.glob("*.json")):
        r = json.loads(p.read_text())
        if r["config"]["study"] == study and r["config"]["corpus"] == "prose":
            picked.append((p, r))
        if len(picked) == n + 2:
            break
    for p, _ in picked[:n]:
        shutil.copy(p, folder / p.name)
    (p1, r1), (p2, r2) = picked[n:]
    r1["config"]["corpus"] = "code-sympy"
    r2["status"] = "failed"
    (folder / p1.name).write_text(json.dumps(r1))
    (folder / p2.name).write_text(json.dumps(r2))
    return folder, [r["run_id"] for _, r in picked[:n]]


@pytest.mark.parametrize("version, study", [("v2", "ladder-matched"), ("v3", "porian")])
def test_a_steps_runs_are_its_studys_finished_prose_runs(tmp_path, version, study):
    """step_runs: the runs of the step's study (v2's or v3's folder, "version-study") that are prose
    and finished, indexed 0, 1, ...; a run of another corpus or not finished is left out. The
    default folder is the committed results of that version."""
    source = ladder_v2.RESULTS_V2 if version == "v2" else ladder_v2.RESULTS_V3
    folder, kept = _results_with_strays(tmp_path, source, f"{version}-{study}")
    step = ladder_v2.LadderStep("x", "test", study, "chinchilla", "final", None, version=version)
    runs = ladder_v2.step_runs(step, folder)
    assert sorted(runs["run_id"]) == sorted(kept) and list(runs.index) == list(range(len(kept)))
    assert (runs["study"] == f"{version}-{study}").all()
    committed = ladder_v2.step_runs(step)
    from scalinglaws.datasets import measured

    every = measured.load_runs(source)
    mine = (every["study"] == f"{version}-{study}") & (every["corpus"] == "prose")
    assert len(committed) == int((mine & (every["status"] == "finished")).sum())


def test_corpora_lists_those_with_a_ready_window_prose_first(tmp_path):
    """corpora(): the corpora of finished v2-isoflop runs with a budget's window filled, prose
    first and then by name; another study's runs, unfinished runs and a corpus with too few runs
    for a window are not listed. Built from the committed runs: code-sympy's copied as "aardvark"
    (sorts before it), two prose runs relabelled "few", prose runs of the lr study as "lr-only",
    and code-sympy runs marked failed as "broken"."""
    import json

    folder = tmp_path / "results"
    folder.mkdir()
    few = 0
    for p in sorted(ladder_v2.RESULTS_V2.glob("*.json")):
        r = json.loads(p.read_text())
        c = r["config"]
        (folder / p.name).write_text(p.read_text())
        if c["study"] == "v2-isoflop" and c["corpus"] == "code-sympy":
            for name, status in (("aardvark", "finished"), ("broken", "failed")):
                copy = json.loads(p.read_text())
                copy["config"]["corpus"], copy["status"] = name, status
                (folder / f"{name}-{p.name}").write_text(json.dumps(copy))
        if c["study"] == "v2-isoflop" and c["corpus"] == "prose" and few < 2:
            r["config"]["corpus"], few = "few", few + 1
            (folder / f"few-{p.name}").write_text(json.dumps(r))
        if c["study"] == "v2-lr":
            r["config"]["corpus"] = "lr-only"
            (folder / f"lr-{p.name}").write_text(json.dumps(r))
    committed = study_v2.corpora()
    assert (
        committed[0] == "prose"
        and "code-sympy" in committed
        and committed[1:] == sorted(committed[1:])
    )
    assert all(c > "aardvark" for c in committed[1:])
    assert study_v2.corpora(folder) == ["prose", "aardvark", *committed[1:]]


def test_isoflop_study_holds_each_number_its_figure_draws(tmp_path):
    """isoflop_study on the committed prose runs: the designed window's runs, their profiles, the
    optima with the given bootstrap and seed, a least-squares parabola in log10 N for each budget
    with a vertex (solved here from the normal equations), the power laws through the finite optima
    (slope and intercept of least squares, written out) and the exponents."""
    st = study_v2.isoflop_study("prose", n_bootstrap=20, seed=3)
    runs = study_v2.design_window(study_v2.load("isoflop", "prose"))
    assert st.corpus == "prose"
    pd.testing.assert_frame_equal(st.runs, runs)
    pd.testing.assert_frame_equal(
        st.optima.table, study_v2.optima(runs, n_bootstrap=20, seed=3).table
    )
    assert st.exponents == study_v2.exponents(st.optima, runs)
    assert len(st.profiles) == len(study_v2.profiles(runs))
    assert st.parabolas and set(st.parabolas) <= set(runs["flops_budget"].astype(float))
    for C, coef in st.parabolas.items():
        g = runs[runs["flops_budget"] == C]
        x, y = np.log10(g["params_total"].to_numpy(float)), g["loss_nats"].to_numpy(float)
        V = np.column_stack([x**2, x, np.ones_like(x)])
        # the normal equations square the condition number of V (at most 9.1e3 over these
        # windows, x = log10 N from 3.7 to 5.1): about 1e8 x 1e-16 = 1e-8 relative error; 1e-6 is
        # a hundred times that
        np.testing.assert_allclose(coef, np.linalg.solve(V.T @ V, V.T @ y), rtol=1e-6)
    t = st.optima.table[np.isfinite(st.optima.table["N_opt"])]
    x = np.log10(t["budget"].to_numpy(float))
    for col in ("N_opt", "D_opt"):
        y = np.log10(t[col].to_numpy(float))
        slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
        icpt, s = st.laws[col]
        assert s == pytest.approx(slope, rel=1e-9) and icpt == pytest.approx(
            y.mean() - slope * x.mean(), rel=1e-9
        )
    with pytest.raises(ValueError, match=r"^no finished v2 IsoFLOP runs on corpus 'latin' yet$"):
        study_v2.isoflop_study("latin", n_bootstrap=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="corpus 'prose'"):
        study_v2.isoflop_study(n_bootstrap=0, results=tmp_path / "empty")


def test_ladder_table_writes_each_kind_of_step_as_its_columns_say():
    """ladder_table on hand-made rows: a step without runs ("none yet", "no fit"), one with runs
    but no budget with a vertex ("no valley yet"), a fitted one-seed step (parametric interval with
    its noise sd) and a fitted several-seed step ("sizes, then seeds, resampled"); a, its interval
    and failures from the Exponent; Porian's a from the constants; alternative rows marked."""
    from scalinglaws.constants import PORIAN

    s1, s2, s3, s5 = (ladder_v2.LADDER[k] for k in (0, 1, 2, 5))
    table = pd.DataFrame({"budget": [1e12, 3e12, 1e13], "N_opt": [1e5, np.nan, 3e5]})
    e = study_v2.Exponent(0.51, 0.45, 0.58, 0.8, 2, 7)
    rows = [
        ladder_v2.LadderRow(s1, 0, pd.DataFrame(), None, None),
        ladder_v2.LadderRow(s2, 12, pd.DataFrame(), None, None),
        ladder_v2.LadderRow(s3, 30, pd.DataFrame(), study_v2.Optima(table, table["budget"].to_numpy(), np.zeros((0, 3)), 0.8, 0.0123), e),
        ladder_v2.LadderRow(s5, 60, pd.DataFrame(), study_v2.Optima(table, table["budget"].to_numpy(), np.zeros((0, 3)), 0.8, None), e),
    ]  # fmt: skip
    t = ladder_v2.ladder_table(rows, PORIAN.refinedweb, alternative=rows[2:3])
    assert list(t["step"]) == [s1.key, s2.key, s3.key, s5.key, s3.key]
    assert list(t["budgets"]) == ["none yet", "no valley yet", "1e+12 - 1e+13 (2)", "1e+12 - 1e+13 (2)",
                                  "1e+12 - 1e+13 (2)"]  # fmt: skip
    assert list(t["interval"]) == ["no fit", "no fit", "parametric: noise sd 0.0123 nats",
                                   "sizes, then seeds, resampled", "parametric: noise sd 0.0123 nats"]  # fmt: skip
    assert list(t["runs"]) == [0, 12, 30, 60, 30]
    assert np.isnan(t["a"][0]) and np.isnan(t["a_lo"][1]) and np.isnan(t["a_hi"][1])
    assert np.isnan(t["replicates without every vertex"][0])
    assert (t["a"][2], t["a_lo"][2], t["a_hi"][2], t["replicates without every vertex"][2]) == (
        0.51,
        0.45,
        0.58,
        7,
    )
    assert t["Porian a (RefinedWeb)"][0] == getattr(PORIAN.refinedweb, s1.porian)
    assert t["FLOP count"][3] == s5.accounting
    assert t["setting"][2] == s3.label
    assert t["setting"][4] == (s3.label + " (alternative rule: 1 size each side of the best; the rule "
                               "used came after step 1 was seen)")  # fmt: skip
    no_porian = ladder_v2.ladder_table(rows)
    assert no_porian["Porian a (RefinedWeb)"].isna().all()


def test_ladder_points_at_the_ends_of_a_curve_and_in_run_order():
    """Two runs given in reverse order and with a step-0 evaluation (before any FLOP is spent):
    the rows come in run_id order, with the columns study_v2.load gives; a budget exactly at a
    run's first checkpoint is read there, one exactly one step past its last is its last
    evaluation, one below the first checkpoint gives nothing (step 0 is no point to read
    between), and a budget the run cannot reach, listed first, does not stop the others."""
    runs = pd.DataFrame({"run_id": ["a", "b"], "params_kaplan": [3072, 3072], "d_model": [16, 16],
                         "seed": [4, 5], "params_total": [9312, 9312]})  # fmt: skip
    steps = np.array([0, 10, 100, 1000])
    curves = pd.concat([pd.DataFrame({"run_id": r, "step": steps, "tokens": steps * 2048.0,
                                      "flops": steps * 1e9, "loss_nats": [9.0, 3.0, 2.5, 2.0]})
                        for r in ("b", "a")], ignore_index=True)  # fmt: skip
    budgets = [1e15, 1e10, 1e12 + 1e9, 5e9]
    pts = curve_points.ladder_points(curves, runs, "exact", budgets)
    assert list(pts.columns) == ["run_id", "flops_budget", "params_total", "seed", "tokens",
                                 "loss_nats"]  # fmt: skip
    assert pts["run_id"].tolist() == ["a", "a", "b", "b"]
    assert pts["seed"].tolist() == [4, 4, 5, 5]
    assert pts["flops_budget"].tolist() == [1e10, 1e12 + 1e9] * 2
    assert pts["loss_nats"].tolist() == [3.0, 2.0] * 2
    assert pts["tokens"].tolist() == pytest.approx([10 * 2048.0, 1000 * 2048.0] * 2, rel=1e-12)


def test_window_ends_are_inclusive_and_each_budget_is_judged_on_its_own():
    """Sizes a factor 10^0.6 apart, the window half a width of 0.6 decades: the sizes either side
    of the best are in it (its ends included). A budget without a valley listed before one with
    a valley does not stop it. The kept rows are one frame numbered 0..n-1."""
    sizes = 10 ** (6 + 0.6 * np.arange(5))
    rows = []
    for C, best in ((1e11, sizes[-1]), (1e12, sizes[2])):  # 1e11: best at the largest size
        for N in sizes:
            rows.append({"flops_budget": C, "params_total": N, "seed": 0,
                         "loss_nats": 2.0 + (np.log10(N) - np.log10(best)) ** 2})  # fmt: skip
    pts = pd.DataFrame(rows)
    w = curve_points.window(pts, half_width=0.6, min_sizes=3, min_side=1)
    assert w["flops_budget"].unique().tolist() == [1e12]
    assert sorted(w["params_total"]) == pytest.approx(sizes[1:4], rel=1e-12)
    assert w.index.equals(pd.RangeIndex(len(w)))


def test_exponents_over_the_budgets_with_a_vertex_and_the_replicates_without_a_gap():
    """exponents() on optima chosen here: three budgets with a vertex and one without; runs with
    tokens exactly C / (6 N), so a replicate's D_opt read off its budget's runs is C / (6 N_opt)
    and b's slope is 1 - a's, replicate by replicate. a is the least-squares slope through the
    vertices, its bootstrap the 10th-90th percentiles of the slopes of the replicates with every
    vertex (one replicate with a gap is left out and counted), its regression interval the t
    interval; b mirrors a. Two budgets with a vertex are enough."""
    from scalinglaws.analysis.study_v2 import regression_interval

    rng = np.random.default_rng(12)
    budgets = np.array([1e18, 1e19, 1e20, 1e21])
    logN = np.array([8.0, 8.5, 9.05, np.nan])
    reps = logN + 0.05 * rng.standard_normal((60, 4))
    reps[7, 1] = np.nan  # a replicate in which the second budget had no vertex
    table = pd.DataFrame({"budget": budgets, "N_opt": 10**logN, "D_opt": budgets / (6 * 10**logN)})
    opt = study_v2.Optima(table, budgets, reps, 0.8)
    runs = pd.DataFrame([{"flops_budget": C, "params_total": N, "tokens": C / (6 * N)}
                         for C in budgets for N in np.logspace(7, 10.5, 15)])  # fmt: skip
    ex = study_v2.exponents(opt, runs)
    a, b = ex["a"], ex["b"]
    x = np.log10(budgets[:3])
    assert a.value == pytest.approx(np.polyfit(x, logN[:3], 1)[0], rel=1e-12)
    good = np.delete(reps[:, :3], 7, axis=0)
    slopes = [np.polyfit(x, row, 1)[0] for row in good]
    assert a.bootstrap == pytest.approx(tuple(np.quantile(slopes, [0.1, 0.9])), rel=1e-9)
    assert a.regression == regression_interval(x, logN[:3], 0.8)
    assert (a.lo, a.hi) == (
        min(a.bootstrap[0], a.regression[0]),
        max(a.bootstrap[1], a.regression[1]),
    )
    assert (a.level, a.n_budgets, a.n_failed) == (0.8, 3, 1)
    assert b.value == pytest.approx(1 - a.value, rel=1e-9)
    assert b.bootstrap == pytest.approx((1 - a.bootstrap[1], 1 - a.bootstrap[0]), rel=1e-9)
    assert (b.n_budgets, b.n_failed) == (3, 1)
    two = study_v2.Optima(table.iloc[[0, 1, 3]].reset_index(drop=True), budgets[[0, 1, 3]],
                          reps[:, [0, 1, 3]], 0.8)  # fmt: skip
    assert study_v2.exponents(two, runs)["a"].n_budgets == 2


def test_profiles_are_each_budget_and_sizes_seeds_summarised():
    """profiles(): per (budget, size), in that order, the number of seeds, the mean, the sample
    sd (ddof 1) and the lowest and highest final loss, the size column named "params"."""
    runs = synthetic(noise=0.01)
    p = study_v2.profiles(runs.iloc[::-1])
    assert list(p.columns) == ["flops_budget", "params", "n_seeds", "mean", "sd", "lo", "hi"]
    for (C, N), g in runs.groupby(["flops_budget", "params_total"]):
        row = p[(p["flops_budget"] == C) & (p["params"] == N)].iloc[0]
        L = g["loss_nats"].to_numpy()
        assert (row["n_seeds"], row["lo"], row["hi"]) == (3, L.min(), L.max())
        assert row["mean"] == pytest.approx(L.mean(), rel=1e-12)
        assert row["sd"] == pytest.approx(np.std(L, ddof=1), rel=1e-12)
    assert p[["flops_budget", "params"]].equals(
        p[["flops_budget", "params"]].sort_values(["flops_budget", "params"])
    )


def test_the_seed_sd_is_pooled_over_the_noise_budgets_and_refused_without_them(tmp_path):
    """seed_sd(): the square root of the mean over v2_noise's budgets of each budget's sample
    variance (ddof 1) of the final loss, written out here on the committed runs; a folder without
    noise runs is refused in words."""
    runs = study_v2.load("noise", "prose")
    var = [np.var(g.to_numpy(), ddof=1) for _, g in runs.groupby("flops_budget")["loss_nats"]]
    assert study_v2.seed_sd() == pytest.approx(np.sqrt(np.mean(var)), rel=1e-12)
    with pytest.raises(ValueError, match=r"^no v2 noise runs with 2 or more seeds: the seed sd is "
                                         r"unknown$"):  # fmt: skip
        study_v2.seed_sd(tmp_path)
