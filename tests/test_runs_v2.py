"""The v2 study's design (scalinglaws.training.plans_v2), its plan files and the training options it adds."""

import json
import math

import pytest

pytest.importorskip("torch")

from scalinglaws.core import paths  # noqa: E402
from scalinglaws.datasets import measured
from scalinglaws.training import plans, plans_v2, sweep, train  # noqa: E402
from scalinglaws.training.model import ModelConfig, counts  # noqa: E402

PLANS = paths.DATA / "runs" / "plans"
TINY = {"study": "test", "corpus": "prose", "n_layer": 1, "d_model": 16, "n_head": 2}


def _n(k):
    return counts(ModelConfig(*plans_v2.shape(plans_v2.ladder(k))))["params_nonembedding"]


def test_one_shape_family_grows_monotonically_with_whole_heads():
    sizes = [_n(k) for k in range(plans_v2.LADDER_RUNGS)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    depths = [plans_v2.shape(plans_v2.ladder(k))[0] for k in range(plans_v2.LADDER_RUNGS)]
    assert depths == sorted(depths)  # depth never falls as size grows
    for k in range(plans_v2.LADDER_RUNGS):
        L, d, h = plans_v2.shape(plans_v2.ladder(k))
        assert d % h == 0
        # the rule: the integer depth nearest (in log) to the target aspect ratio; an integer depth
        # cannot miss by more than a factor (L+1)/L either way, plus the width's rounding
        assert abs(math.log(d / L / plans_v2.ASPECT)) <= math.log(2.0) + 0.1
        w = math.sqrt(plans_v2.ladder(k) / (12 * L))  # eq 2.1 solved for the width
        assert abs(d - w) <= (2 if w < 32 else 4 if w < 64 else 8) / 2  # the rounding step


def test_each_budget_spans_4x_either_side_and_the_optimum_moves_10x():
    for corpus, budgets in plans_v2.BUDGETS.items():
        for C in budgets:
            w = plans_v2.window(C)
            assert len(w) == 8 and w == list(range(w[0], w[0] + 8))
            assert _n(w[-1]) / _n(w[0]) >= 16 * 0.8  # 16x across the window (width rounding)
        lo, hi = (plans_v2.expected_optimum(C) for C in (budgets[0], budgets[-1]))
        assert hi / lo >= 10, corpus


def test_isoflop_grid_has_three_seeds_near_each_optimum_and_four_horizons_per_size():
    for corpus in plans_v2.BUDGETS:
        grid = plans_v2.isoflop_grid(corpus)
        assert len(set(grid)) == len(grid)
        for C in plans_v2.BUDGETS[corpus]:
            centre = plans_v2.centre_rung(C)
            for k in (centre - 1, centre, centre + 1):
                assert {s for CC, kk, s in grid if (CC, kk) == (C, k)} == set(plans_v2.SEEDS)
    grid = plans_v2.isoflop_grid("prose")
    horizons = {}
    for C, k, _ in grid:
        horizons.setdefault(k, set()).add(C)
    shared = [k for k, hs in horizons.items() if len(hs & set(plans_v2.BUDGETS["prose"])) >= 2]
    assert shared and all(len(horizons[k]) >= plans_v2.MIN_HORIZONS for k in shared)


def test_plan_files_match_the_code_and_the_study_fits_its_budget(monkeypatch):
    for name, entries in plans_v2.plans().items():
        on_disk = json.loads((PLANS / name).read_text())
        assert on_disk == entries, (
            f"{name} differs from plans_v2: run `python -m scalinglaws.training plans`"
        )
        sweep.load_plan(PLANS / name)  # every entry validates, no duplicates
    total = sum(r["tflop"] for r in plans.cost_table(versions=("v2",)))
    top = {(c, max(b)) for c, b in plans_v2.BUDGETS.items() if max(b) in plans_v2.SEEDS_AT_TOP}
    # at most seeds 1-2 for each window size the plan gave one seed (a run at budget C costs C)
    top_cap = sum(2 * (plans_v2.SIZES_PER_BUDGET - plans_v2.SEEDS_AT_TOP[C]) * C / 1e12
                  for _, C in top)  # fmt: skip
    monkeypatch.setattr(plans_v2, "EXTEND", {k: v for k, v in plans_v2.EXTEND.items() if k in top})
    below_top = total - sum(r["tflop"] for r in plans.cost_table(versions=("v2",)))
    monkeypatch.setattr(plans_v2, "EXTEND", {})
    designed = sum(r["tflop"] for r in plans.cost_table(versions=("v2",)))
    # the design: about 1,500 TFLOP (the issue's budget), 5% leeway; the windows' later extensions
    # below the top budget (grid_v2.EXTEND, rungs added where a measured minimum fell at a window's
    # edge): at most 5%. The top budget's seeds deferred until its minimum is seen are held to their
    # rule by test_top_budget_has_three_seeds_within_2x_of_its_measured_optimum.
    assert 1000 < designed < 1.05 * 1500
    assert 0 < below_top <= 0.05 * 1500
    assert total - designed - below_top <= top_cap * 1.001  # the count rounds each run's steps


def test_top_budget_has_three_seeds_within_2x_of_its_measured_optimum():
    """At a top budget planned with 3 seeds at its central sizes only (SEEDS_AT_TOP), the
    extension adds seeds to window sizes only (no new sizes), and once the budget's window has
    finished, every size within 2x of its measured optimum (Approach 2's vertex) has 3 seeds and no
    size further out has been given extra ones."""
    from scalinglaws.analysis import study_v2

    checked = 0
    for corpus, budgets in plans_v2.BUDGETS.items():
        C = max(budgets)
        if C not in plans_v2.SEEDS_AT_TOP:
            continue
        grid = [(k, s) for CC, k, s in plans_v2.isoflop_grid(corpus) if CC == C]
        w = plans_v2.window(C)
        assert {k for k, _ in grid} == set(w)
        seeds = {k: {s for kk, s in grid if kk == k} for k in w}
        runs = study_v2.design_window(study_v2.load("isoflop", corpus))
        runs = runs[runs["flops_budget"] == C]
        if runs["params_total"].nunique() < len(w):
            continue  # the budget's window is still being trained
        n_opt = study_v2.optima(runs, n_bootstrap=1).table["N_opt"].iloc[0]
        assert math.isfinite(n_opt), (corpus, C, "no vertex")
        lo = (len(w) - plans_v2.SEEDS_AT_TOP[C]) // 2
        central = w[lo : lo + plans_v2.SEEDS_AT_TOP[C]]
        for k in w:
            N = counts(ModelConfig(*plans_v2.shape(plans_v2.ladder(k))))["params_total"]
            if abs(math.log(N / n_opt)) <= math.log(2):
                assert seeds[k] == set(plans_v2.SEEDS), (corpus, C, k, N, n_opt)
            elif k not in central:
                assert seeds[k] == {0}, (corpus, C, k, N, n_opt)
        checked += 1
    if not checked:
        pytest.skip("no top budget's window has finished yet")


def test_v2_plans_write_to_their_own_results_folder():
    assert sweep.results_for(PLANS / "v2_noise.json") == sweep.RESULTS / "v2"
    assert sweep.results_for(PLANS / "smoke.json") == sweep.RESULTS
    assert sweep.results_for(PLANS / "v2_noise.json", "/tmp/x").as_posix() == "/tmp/x"


RATE = "at one worker's measured own-core rate (longer on a shared or slower machine)"


def test_status_counts_finished_runs_and_costs_what_is_left(tmp_path, capsys):
    plans, results = tmp_path / "plans", tmp_path / "results"
    plans.mkdir()
    results.mkdir()
    # 2 x 32: 24,896 non-embedding parameters, 294,912 FLOP a token (exact), 2,048 tokens a step
    entry = {"study": "t", "corpus": "prose", "n_layer": 2, "d_model": 32, "n_head": 2,
             "batch_size": 16, "lr": 3e-3}  # fmt: skip
    (plans / "a.json").write_text(json.dumps([{**entry, "flops": 1e12}, {**entry, "flops": 1e9}]))
    (plans / "b.json").write_text(json.dumps([{**entry, "flops": 3e13}]))
    first = sweep.load_plan(plans / "a.json")[0]
    sweep.result_path(results, first).write_text("{}")  # a.json's first run has finished
    sweep.status(results, plans=plans)
    assert capsys.readouterr().out.splitlines() == [
        "a.json: 1e+12 FLOP: 1/1, 1e+09 FLOP: 0/1",
        # 1e9 FLOP is 1.66 steps, trained as 2: 4,096 x 294,912 = 1.208e9 FLOP
        f"  left: 1 run, 0.00121 TFLOP, under a job-minute {RATE}",
        "b.json: 3e+13 FLOP: 0/1",
        # 49,671 steps: 3.00003e13 FLOP at 38.6 GFLOP/s (THROUGHPUT at 24,896), 777 s
        f"  left: 1 run, 30 TFLOP, about 13 job-minutes {RATE}",
    ]
    assert plans_v2.gflops_per_s(24_896) == pytest.approx(38.6, abs=0.05)


@pytest.mark.parametrize(
    "seconds, words",
    [(59, "under a job-minute"), (60, "about 1 job-minute"), (3599, "about 60 job-minutes"),
     (3600, "about 1.0 job-hours"), (8280, "about 2.3 job-hours")],
)  # fmt: skip
def test_status_job_time_in_words(seconds, words):
    assert sweep._job_time(seconds) == words


@pytest.mark.badinput
@pytest.mark.parametrize(
    "value, message",
    [("", "parameter 'results' must name a result folder, got ''"),
     ("no/such/folder", "parameter 'results': no such folder 'no/such/folder'")],
)  # fmt: skip
def test_status_rejects_a_results_folder_that_is_not_there(value, message, capsys):
    from scalinglaws.training.__main__ import main

    for verb in ("status", "summary"):
        assert main([verb, "--results", value]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {message}") and err.count("\n") == 1, verb


def test_fixed_warmup_steps_and_run_ids_of_earlier_results_unchanged():
    cfg = train.validate({**TINY, "tokens": 1000 * 16 * 128, "lr": 1e-3, "warmup_steps": 3000})
    lrs = [train.lr_at(s, 1000, cfg) for s in range(1000)]
    assert lrs[-1] == pytest.approx(1e-3 * 1000 / 3000)  # a warmup longer than the run
    assert all(a < b for a, b in zip(lrs, lrs[1:], strict=False))
    base = train.validate({**TINY, "tokens": 1000})
    assert train.validate({**TINY, "tokens": 1000, "warmup_steps": None}).run_id() == base.run_id()
    assert cfg.run_id() != train.validate({**TINY, "tokens": 1000 * 16 * 128, "lr": 1e-3}).run_id()
    # a config written without the field (every plan before it) keeps its run id
    folder = paths.DATA / "runs" / "results" / "v2"
    committed = [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]
    without = [r for r in committed if r["config"]["warmup_steps"] is None]
    assert without
    for r in without[:20]:
        old = {k: v for k, v in r["config"].items() if k != "warmup_steps"}
        assert train.validate(old).run_id() == r["run_id"]


def test_lr_rule_is_required_before_isoflop_plans(monkeypatch):
    assert "v2_isoflop_prose.json" in plans_v2.plans()
    monkeypatch.setattr(plans_v2, "LR_RULE", None)
    with pytest.raises(RuntimeError, match="LR_RULE"):
        plans_v2.lr_of(1e4)
    assert "v2_isoflop_prose.json" not in plans_v2.plans()


def test_lr_rule_is_the_fit_through_the_committed_lr_sweep():
    """LR_RULE holds the power law through the sweep's per-size best learning rates (beta2 0.95),
    to the 3 significant digits it is written with."""
    runs = measured.load_runs(sweep.RESULTS / "v2", study="v2-lr")
    best = measured.lr_sweep_best(runs)
    a, p = measured.fit_lr_rule(best[best["beta2"] == plans_v2.LR_RULE[2]])
    assert float(f"{a:.3g}") == plans_v2.LR_RULE[0]
    assert float(f"{p:.3g}") == plans_v2.LR_RULE[1]
    assert best["params"].nunique() >= 3  # a rule from 3 or more sizes (the design's bar)


@pytest.mark.badinput
@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf"])
def test_costs_refuse_a_throughput_out_of_range(value, capsys):
    from scalinglaws.training.__main__ import main

    assert main(["plans", "--costs", "--gflops", value]) == 2
    err = capsys.readouterr().err
    assert "parameter '--gflops' must be a number in (0, 1e+09]" in err and err.count("\n") == 1
