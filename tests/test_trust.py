"""Trust reports (analysis.trust) on synthetic runs built to provoke each verdict: the truth is
known, so each check must fire where it should and stay quiet on a clean design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import trust
from scalinglaws.laws import chinchilla

FIT = chinchilla.HOFFMANN.approach3_rounded


def _isoflop(budgets=(1e18, 1e19, 1e20), n_sizes=9, width=1.0, E=FIT.E, noise=0.0, seed=0):
    """An IsoFLOP design on eq 2 (App. D.2's rounded constants, E replaceable): per budget,
    ``n_sizes`` sizes over +-``width`` decades around eq 4's optimum, D = C / (6 N)."""
    rng = np.random.default_rng(seed)
    rows = []
    for C in budgets:
        n_opt = float(chinchilla.optimal_N(C, FIT))
        for N in n_opt * np.logspace(-width, width, n_sizes):
            D = C / (6 * N)
            L = E + FIT.A / N**FIT.alpha + FIT.B / D**FIT.beta
            rows.append({"params": N, "tokens": D, "loss": L * np.exp(noise * rng.standard_normal()),
                         "flops": C, "budget": C})  # fmt: skip
    return pd.DataFrame(rows)


def _eq4_N(fit, C):
    """Eq 4's optimum, written out: G (C/6)^a, G = (alpha A / (beta B))^(1/(alpha+beta)),
    a = beta/(alpha+beta) (Hoffmann 2022 eq 4)."""
    G = (fit.alpha * fit.A / (fit.beta * fit.B)) ** (1 / (fit.alpha + fit.beta))
    return G * (C / 6) ** (fit.beta / (fit.alpha + fit.beta))


def _a(fit) -> float:
    return fit.beta / (fit.alpha + fit.beta)


def test_a_clean_isoflop_design_is_trusted_by_every_approach_that_applies():
    runs = _isoflop()
    t3 = trust.report(runs)
    assert t3.verdict == "ok", t3.reasons
    assert t3.checks["start_parts_at_best"] == trust.N_SUBGRIDS
    assert t3.checks["a"] == pytest.approx(FIT.beta / (FIT.alpha + FIT.beta), rel=1e-4)
    t2 = trust.report_a2(runs, min_points=5)
    assert t2.checks["budgets_used"] == 3 and abs(t2.checks["bias_on_own_grid"]) < 0.05


def test_two_sizes_only_are_not_identifiable():
    """Two model sizes trained at every budget: eq 2's size exponent has nothing to rest on."""
    rows = [{"params": N, "tokens": C / (6 * N), "flops": C, "budget": C,
             "loss": float(chinchilla.loss(N, C / (6 * N), FIT))}
            for C in (1e18, 1e19, 1e20, 1e21) for N in (1e8, 1e9)]  # fmt: skip
    runs = pd.DataFrame(rows)
    t = trust.report(runs)
    assert t.verdict == "not identifiable"
    assert any("only 2 distinct model sizes" in r for r in t.reasons)
    t2 = trust.report_a2(runs, min_points=2)
    assert t2.verdict == "not identifiable"  # no parabola through 2 points per budget


def test_a_flat_profile_has_no_vertex_and_no_power_law():
    runs = _isoflop()
    runs["loss"] = 3.0 + 0.01 * np.log(runs["flops"] / 1e18)  # no dependence on N
    t = trust.report_a2(runs, min_points=5)
    assert t.verdict == "not identifiable"
    assert t.checks.get("budgets_used", 0) < trust.MIN_BUDGETS


def test_an_irreducible_loss_at_its_bound_is_not_identifiable():
    runs = _isoflop(E=0.0)
    t = trust.report(runs)
    assert t.verdict == "not identifiable"
    assert any("E at its bound" in r for r in t.reasons)
    # the checks behind the verdict stay: the fit's a, condition number and E's share
    from scalinglaws import estimators

    N, D, L = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss"))
    fit = estimators.approach3(N=N, D=D, L=L)
    assert {k: t.checks[k] for k in ("a", "condition", "E_share")} == {
        "a": fit.beta / (fit.alpha + fit.beta),
        "condition": fit.condition,
        "E_share": fit.E_share,
    }


def test_an_optimum_far_past_the_sizes_trained_is_flagged():
    """Every size 30x to 300x below eq 4's optimum at the largest budget: the law's optimum there
    is an extrapolation in N."""
    rows = []
    for C in (1e18, 1e19, 1e20):
        n_opt = float(chinchilla.optimal_N(1e20, FIT))
        for N in n_opt * np.logspace(-2.5, -1.5, 7):
            D = C / (6 * N)
            rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                         "loss": FIT.E + FIT.A / N**FIT.alpha + FIT.B / D**FIT.beta})  # fmt: skip
    t = trust.report(pd.DataFrame(rows))
    assert t.checks["optimum_outside_sizes_factor"] > trust.OPTIMUM_FACTOR
    assert t.verdict in ("warn", "not identifiable")
    assert any("outside the sizes trained" in r for r in t.reasons)


def test_a_largest_budget_off_the_law_fails_the_backtest():
    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.001)
    top = runs["budget"] == 1e21
    runs.loc[top, "loss"] *= 1.2  # the largest budget 20% above what the others predict
    t = trust.report(runs)
    assert any("largest budget's losses" in r for r in t.reasons), t.reasons


def test_the_report_is_json_ready_and_a_bad_approach_is_refused():
    import json

    d = trust.report_for(_isoflop(), 3).as_dict()
    assert json.loads(json.dumps(d))["verdict"] == "ok"
    with pytest.raises(ValueError, match="approach must be 1, 2 or 3"):
        trust.report_for(_isoflop(), 4)


def test_every_check_of_a_clean_report_is_its_own_computation():
    """The numbers behind an "ok" verdict, each against an independent computation on the same
    runs: the fit itself (the estimator on its own), the closed-form optimum of eq 4, the counts."""
    from scalinglaws import estimators

    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=3)
    t = trust.report(runs)
    assert t.verdict == "ok", t.reasons
    c = t.checks
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    assert (c["n_runs"], c["distinct_sizes"], c["distinct_tokens"]) == (
        len(runs),
        np.unique(N).size,
        np.unique(D).size,
    )
    fit = estimators.approach3(N=N, D=D, L=L)
    assert c["a"] == fit.beta / (fit.alpha + fit.beta)
    assert (c["condition"], c["E_share"]) == (fit.condition, fit.E_share)
    assert (c["start_parts"], c["start_parts_at_best"], c["a_spread_at_best"]) == (5, 5, 0.0)
    for delta in ("0.0001", "0.01"):
        other = estimators.approach3(N=N, D=D, L=L, delta=float(delta))
        assert c["a_by_delta"][delta] == other.beta / (other.alpha + other.beta)
    pred = fit.E + fit.A / N**fit.alpha + fit.B / D**fit.beta
    assert c["residual_sd_log"] == pytest.approx(np.std(np.log(L / pred), ddof=1), rel=1e-12)
    # the backtest refits the three smaller budgets and predicts the largest
    held = C == C.max()
    assert (c["backtest_holds_out"], c["backtest_runs"]) == ("the largest budget", held.sum())
    back = estimators.approach3(N=N[~held], D=D[~held], L=L[~held])
    pred_held = back.E + back.A / N[held] ** back.alpha + back.B / D[held] ** back.beta
    miss = np.median(np.abs(np.log(L[held] / pred_held)))
    assert c["backtest_median_error_log"] == pytest.approx(miss, rel=1e-9)

    # eq 4's optimum at the largest budget, from the backtest's fit against the best size
    # trained there, and from the full fit against the sizes trained

    best_size = N[held][np.argmin(L[held])]
    assert c["backtest_optimum_ratio"] == pytest.approx(_eq4_N(back, 1e21) / best_size, rel=1e-9)
    n = _eq4_N(fit, 1e21)
    lo, hi = N[held].min(), N[held].max()
    assert c["optimum_outside_sizes_factor"] == pytest.approx(max(lo / n, n / hi, 1.0), rel=1e-9)


def test_a_backtest_that_cannot_run_says_what_it_lacks():
    """Two runs at the largest budget: the backtest needs three, and the reason counts them."""
    runs = _isoflop(budgets=(1e18, 1e19, 1e20), n_sizes=9)
    top = runs.index[runs["budget"] == 1e20]
    runs = runs.drop(top[2:]).reset_index(drop=True)
    t = trust.report(runs)
    assert t.checks["backtest_runs"] == 0
    assert "no backtest: only 2 runs at the largest budget (needs 3)" in t.reasons


def test_every_check_of_approach2s_report_is_its_own_computation():
    """report_a2 on a clean IsoFLOP design: a from the estimator on its own, the largest budget's
    vertex against the line through the other three (a least-squares line written out here), and
    the method's bias on a noise-free copy of the runs' own Approach 3 surface."""
    from scalinglaws import estimators

    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=5)
    t = trust.report_a2(runs, min_points=5)
    assert t.verdict == "ok", t.reasons
    c = t.checks
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    budgets = [1e18, 1e19, 1e20, 1e21]
    res = estimators.approach2(N=N, D=D, C=C, L=L, budgets=budgets, min_points=5)
    assert c["a"] == pytest.approx(res.a, rel=1e-12)
    assert (c["budgets_used"], c["budgets_skipped"]) == (4, 0)
    x = np.log10(budgets[:3])
    y = np.log10([p.N_opt for p in res.profiles[:3]])
    slope = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    pred = 10 ** (y.mean() + slope * (np.log10(1e21) - x.mean()))
    assert c["backtest_optimum_ratio"] == pytest.approx(pred / res.profiles[3].N_opt, rel=1e-9)
    surface = estimators.approach3(N=N, D=D, L=L)
    clean = surface.E + surface.A / N**surface.alpha + surface.B / D**surface.beta
    sim = estimators.approach2(N=N, D=D, C=C, L=clean, budgets=budgets, min_points=5)
    want = sim.a - surface.beta / (surface.alpha + surface.beta)
    assert c["bias_on_own_grid"] == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert c["surface_identifiable"] is True


def test_approach2_says_when_most_budgets_have_no_vertex():
    """Sizes all above the optimum at four of seven budgets: their parabolas' vertices fall outside
    the sizes; the three others still give a power law, with a warning that counts the rest."""
    budgets = np.logspace(17, 20, 7)

    def runs(shifted):
        rows = []
        for i, C in enumerate(budgets):
            n_opt = float(chinchilla.optimal_N(C, FIT))
            shift = 1.5 if i in shifted else 0.0
            for N in n_opt * np.logspace(-1 + shift, 1 + shift, 7):
                D = C / (6 * N)
                rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                             "loss": FIT.E + FIT.A / N**FIT.alpha + FIT.B / D**FIT.beta})  # fmt: skip
        return pd.DataFrame(rows)

    t = trust.report_a2(runs({0, 2, 4, 6}), min_points=5)
    assert (t.checks["budgets_used"], t.checks["budgets_skipped"]) == (3, 4)
    assert t.verdict == "warn"
    assert t.reasons[0] == (
        "4 of 7 budgets without a vertex (vertex outside the sampled sizes): the sizes do not "
        "bracket most optima"
    )
    half = runs({0, 2, 4})
    half = half[half["budget"] != budgets[-1]]  # 3 of 6: half, not most
    t = trust.report_a2(half, min_points=5)
    assert (t.checks["budgets_used"], t.checks["budgets_skipped"]) == (3, 3)
    assert not any("without a vertex" in r for r in t.reasons)


def test_runs_without_budgets_hold_out_the_largest_size_and_predict_forward():
    """A grid of sizes x token counts (Kaplan's design) has no budgets: the backtest holds out the
    largest size and refits the runs below its smallest FLOPs only (C = 6ND; the run of the
    smallest size and most tokens has exactly those FLOPs and is left out too), and the optimum
    is judged against every size, at the runs within BUDGET_TOL decades of the largest FLOPs."""
    from scalinglaws import estimators

    rng = np.random.default_rng(5)
    rows = [{"params": N, "tokens": D, "flops": 6 * N * D,
             "loss": float(chinchilla.loss(N, D, FIT)) * np.exp(0.002 * rng.standard_normal())}
            for N in np.logspace(7, 9, 5) for D in np.logspace(9, 11, 5)]  # fmt: skip
    runs = pd.DataFrame(rows)
    t = trust.report(runs)
    c = t.checks
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    held = N == 1e9
    rest = (N < 1e9) & (C < 6e18)
    assert 6e18 in C[N == 1e7]  # the boundary run, left out
    assert (c["backtest_holds_out"], c["backtest_runs"]) == ("the largest size", 5)
    back = estimators.approach3(N=N[rest], D=D[rest], L=L[rest])
    pred = back.E + back.A / N[held] ** back.alpha + back.B / D[held] ** back.beta
    miss = np.median(np.abs(np.log(L[held] / pred)))
    assert c["backtest_median_error_log"] == pytest.approx(miss, rel=1e-9)
    assert "backtest_optimum_ratio" not in c  # no budget to find a best size at
    fit = estimators.approach3(N=N, D=D, L=L)
    top = np.log10(C) >= np.log10(C.max()) - 0.06
    assert top.sum() == 1  # the next largest FLOPs are half a decade below
    n = _eq4_N(fit, C[top].mean())
    assert c["optimum_outside_sizes_factor"] == pytest.approx(max(1e7 / n, n / 1e9, 1.0), rel=1e-9)


def _few(N, D):
    N, D = np.asarray(N, float), np.asarray(D, float)
    return pd.DataFrame({"params": N, "tokens": D, "flops": 6 * N * D,
                         "loss": chinchilla.loss(N, D, FIT)})  # fmt: skip


def test_the_design_checks_count_runs_sizes_and_tokens_at_their_minimums():
    """eq 2 has 5 parameters: 5 runs are too few, 6 are enough to try; 3 distinct sizes and 3
    distinct token counts are enough, 2 of either is not, and the reason names which."""
    N6, D6 = [1e7, 1e7, 1e8, 1e8, 1e9, 1e9], [1e9, 1e10, 1e10, 1e11, 1e9, 1e11]
    five = trust.report(_few(N6[:5], D6[:5]))
    assert (five.verdict, five.reasons) == (
        "not identifiable",
        ["only 5 runs: eq 2 has 5 parameters"],
    )
    six = trust.report(_few(N6, D6))
    assert not any("runs: eq 2 has 5 parameters" in r or "distinct" in r for r in six.reasons)
    assert (six.checks["distinct_sizes"], six.checks["distinct_tokens"]) == (3, 3)
    sizes = trust.report(_few([1e7, 1e8] * 4, [1e9, 1e9, 1e10, 1e10, 1e11, 1e11, 1e12, 1e12]))
    assert sizes.reasons == ["only 2 distinct model sizes: eq 2's size term needs 3 or more"]
    tokens = trust.report(_few([1e7, 1e7, 1e8, 1e8, 1e9, 1e9, 1e10, 1e10], [1e9, 1e10] * 4))
    assert tokens.reasons == ["only 2 distinct token counts: eq 2's data term needs 3 or more"]
    assert "n_runs" in tokens.checks and tokens.checks["n_runs"] == 8


def test_a_backtest_runs_with_three_runs_at_the_largest_budget():
    runs = _isoflop(budgets=(1e18, 1e19, 1e20), n_sizes=9, noise=0.002, seed=2)
    top = runs.index[runs["budget"] == 1e20]
    t = trust.report(runs.drop(top[3:]).reset_index(drop=True))
    assert t.checks["backtest_runs"] == 3
    assert not any(r.startswith("no backtest") for r in t.reasons)


def _curves(ends: float, start: float = 0.01, n_sizes: int = 10, points: int = 40) -> pd.DataFrame:
    """One learning curve a size on eq 2 (App. D.2's rounded constants), each run to ``ends``
    times the tokens eq 4 gives its size, with checkpoints log-spaced from ``start`` of that."""
    rows = []
    for i, N in enumerate(np.logspace(7.5, 9.5, n_sizes)):
        D_end = ends * float(chinchilla.flops_for_optimal_N(N, FIT)) / (6 * N)
        for k, D in enumerate(np.geomspace(start * D_end, D_end, points)):
            rows.append({"run": f"r{i}", "step": k, "params": N, "tokens": D,
                         "flops": 6 * N * D, "loss": float(chinchilla.loss(N, D, FIT))})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("ends", "start"), [(10.0, 0.01), (30.0, 0.001)])
def test_approach1s_report_is_its_envelopes_own_numbers(ends, start):
    """report_a1 against the envelope computed on its own: a, the decades of FLOPs fitted, the
    distinct sizes winning inside that range, footnote 4's share (each winner's FLOPs over its
    run's final FLOPs, at least 0.85) and a from the last 15% alone; the verdict "ok" unless a
    rule is broken, each broken rule in its own words. On eq 2's curves (no schedule), runs 10x
    and 30x past their size's optimum put the envelope's points early in the runs: under footnote
    4's 80% rule."""
    from scalinglaws.analysis import fit_runs

    runs = _curves(ends, start)
    t = trust.report_a1(runs)
    env = fit_runs.envelope(runs)
    res = env.result
    lo, hi = env.flops_range
    inside = (res.flops >= lo) & (res.flops <= hi)
    final = runs.groupby("run")["flops"].max().sort_index().to_numpy()
    share = float(np.mean(res.flops / final[res.curve] >= 0.85))
    c = t.checks
    assert c["a"] == res.N_opt.exponent
    assert c["flops_decades"] == pytest.approx(np.log10(hi / lo), rel=1e-12)
    assert c["sizes_winning"] == np.unique(res.N[inside]).size >= 3
    assert c["last_15pct_share"] == share
    assert c["a_last_15pct_only"] == (env.last15.N_opt.exponent if env.last15 else None)
    reasons = []
    if np.log10(hi / lo) < 1.0:
        reasons.append(f"fitted over {np.log10(hi / lo):.2f} decades of FLOPs only")
    if share < 0.8:
        reasons.append(f"{100 * share:.0f}% of the envelope's points in the last 15% of their "
                       "run (footnote 4: all; rule: 80%)")  # fmt: skip
    assert (t.verdict, t.reasons) == ("warn" if reasons else "ok", reasons)
    assert share < 0.8 and t.verdict == "warn"


def test_approach1s_report_without_an_envelope_says_why():
    """Runs that end at their size's optimum: no FLOP value has the winner bracketed (a smaller and
    a larger size reaching it); final checkpoints alone: no curve to envelope."""
    for runs in (_curves(1.0), _curves(10.0).groupby("run").tail(1)):
        t = trust.report_a1(runs)
        assert t.verdict == "not identifiable" and t.checks == {}
        assert len(t.reasons) == 1 and t.reasons[0].startswith("no envelope: ")
    assert "a size on each side" in trust.report_a1(_curves(1.0)).reasons[0]
    assert trust.report_a1(_curves(10.0).groupby("run").tail(1)).reasons == [
        "no envelope: Approach 1 needs at least 2 runs with 2+ checkpoints each (column 'run'), "
        "got 0"
    ]


def test_approach2s_report_words_each_failed_rule():
    """Two budgets with a vertex: not identifiable (a line through two points has no check). The
    largest budget's sizes trained 3x larger than the law's optimum there, each loss shifted with
    them: its vertex lies 3x off the line through the others, and the reason gives that ratio. A
    grid lopsided one way at the smallest budget and the other way at the largest: the method's
    bias on its own grid, beyond half of Table 2's last digit, is named with its sign."""
    from scalinglaws import estimators

    two = trust.report_a2(_isoflop(budgets=(1e18, 1e19)), min_points=5)
    assert two.verdict == "not identifiable" and two.checks["budgets_used"] == 2
    assert two.reasons == ["only 2 budgets with a vertex: a line through them has no check"]

    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21))
    top = runs["budget"] == 1e21
    runs.loc[top, "params"] *= 3.0  # every size 3x larger, its loss as the law gave its 1/3 size
    t = trust.report_a2(runs, min_points=5)
    ratio = t.checks["backtest_optimum_ratio"]
    assert ratio == pytest.approx(1 / 3, rel=0.02)  # the line through exact vertices: 1/3
    assert f"the largest budget's vertex is {ratio:.3g}x off the power law through the others" in (
        t.reasons
    )

    rows = []
    for i, C in enumerate((1e18, 1e19, 1e20, 1e21)):
        n_opt = float(chinchilla.optimal_N(C, FIT))
        for N in n_opt * np.logspace(-1.5 + 0.6 * i, 0.5 + 0.6 * i, 9):
            D = C / (6 * N)
            rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                         "loss": FIT.E + FIT.A / N**FIT.alpha + FIT.B / D**FIT.beta})  # fmt: skip
    lop = pd.DataFrame(rows)
    t = trust.report_a2(lop, min_points=5)
    bias = t.checks["bias_on_own_grid"]
    N, D, L = (lop[k].to_numpy(float) for k in ("params", "tokens", "loss"))
    surface = estimators.approach3(N=N, D=D, L=L)
    assert abs(bias) > 0.005
    assert bias == pytest.approx(t.checks["a"] - surface.beta / (surface.alpha + surface.beta))
    assert f"on its own grid Approach 2 is biased by {bias:+.3f} in a" in t.reasons
    assert t.verdict == "warn"


def test_the_cross_study_trust_table_holds_each_rows_report():
    """A plan of four rows (Llama 3's IsoFLOPs and Epoch's points by Approach 2, the (Mis)Fitting
    runs by Approach 1 without embeddings and by Approach 3): each row the report of its approach
    on the data set as that approach reads it (Approach 2: the points with a budget; Approach 1:
    the curves), with the data set's minimum points per budget; the count of N by name."""
    from scalinglaws.analysis import cross_study

    plan = ((cross_study.LLAMA3, 2, "params", False),
            (cross_study.MISFITTING, 1, "params_non_embedding", True),
            (cross_study.EPOCH, 2, "params", False),
            (cross_study.MISFITTING, 3, "params", False))  # fmt: skip
    t = trust.cross_study_table(plan)
    assert list(t.columns) == ["dataset", "approach", "params", "verdict", "reasons"]
    want = [
        trust.report_a2(cross_study.runs_of(cross_study.LLAMA3, approach=2), "params", min_points=5),
        trust.report_a1(cross_study.runs_of(cross_study.MISFITTING, curves=True),
                        "params_non_embedding"),
        trust.report_a2(cross_study.runs_of(cross_study.EPOCH, approach=2), "params", min_points=5),
        trust.report(cross_study.runs_of(cross_study.MISFITTING), "params"),
    ]  # fmt: skip
    for (_, row), (name, approach, _, _), w in zip(t.iterrows(), plan, want, strict=True):
        assert (row["dataset"], row["approach"]) == (name, approach)
        assert (row["verdict"], row["reasons"]) == (w.verdict, "; ".join(w.reasons))
    assert list(t["params"]) == ["total", "non-embedding", "total", "total"]
    assert [w.verdict for w in want] == ["ok", "warn", "warn", "warn"]  # each path exercised


def test_approach1s_report_on_a_table_without_runs_names_the_column():
    t = trust.report_a1(_curves(10.0).drop(columns=["run"]))
    assert t.verdict == "not identifiable"
    assert t.reasons == ["no envelope: column 'run' is missing: Approach 1 needs training curves "
                         "(a 'run' column naming each run's checkpoints)"]  # fmt: skip


def _spy(monkeypatch, fail=lambda kw, N: False, replace=None):
    """Wrap trust._try_fit (every fit but the best one): record each call's keywords and run
    size, return None where ``fail(kw, N)`` says the fit did not converge, and pass each result
    through ``replace(kw, res)`` where given (a part of the start grid that stopped elsewhere)."""
    real, calls = trust._try_fit, []

    def spy(N, D, L, **kw):
        calls.append((N.size, kw))
        if fail(kw, N):
            return None
        res = real(N, D, L, **kw)
        return replace(kw, res) if replace is not None and res is not None else res

    monkeypatch.setattr(trust, "_try_fit", spy)
    return calls


def _part(kw) -> int | None:
    """Which of the N_SUBGRIDS interleaved parts of Hoffmann's grid a call started from."""
    from scalinglaws import estimators

    if "starts" not in kw:
        return None
    grid = estimators.hoffmann_grid()
    hits = [
        i
        for i in range(trust.N_SUBGRIDS)
        if np.array_equal(kw["starts"], grid[i :: trust.N_SUBGRIDS])
    ]
    assert len(hits) == 1, "a part of the start grid is not one of the interleaved fifths"
    return hits[0]


def test_the_start_grid_is_split_into_disjoint_interleaved_parts(monkeypatch):
    """The module docstring: the fit repeated from each of N_SUBGRIDS disjoint interleaved parts
    of Hoffmann's grid (every 5th start, offsets 0-4), each once."""
    calls = _spy(monkeypatch)
    trust.report(_isoflop(noise=0.002, seed=1))
    parts = [_part(kw) for _, kw in calls if "starts" in kw]
    assert sorted(parts) == list(range(trust.N_SUBGRIDS))


def test_a_part_of_the_start_grid_that_stops_elsewhere_is_counted_and_named(monkeypatch):
    """Part 1 stops at an objective 1e-5 (relative) above the best: beyond OBJECTIVE_RTOL, it is
    a part at another optimum. Part 3 stops at the best objective with a moved by 0.002: the
    spread of a among the parts at the best is that 0.002 (and part 1's a is not in it)."""
    from dataclasses import replace

    def stop(kw, res):
        if _part(kw) == 1:
            return replace(res, value=res.value * (1 + 1e-5), alpha=res.alpha * 1.5)
        if _part(kw) == 3:
            a = res.beta / (res.alpha + res.beta) + 0.002  # the same objective, a moved
            return replace(res, alpha=res.beta * (1 - a) / a)
        return res

    _spy(monkeypatch, replace=stop)
    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=3)
    t = trust.report(runs)
    assert t.checks["start_parts_at_best"] == trust.N_SUBGRIDS - 1
    assert t.checks["a_spread_at_best"] == pytest.approx(0.002, abs=1e-6)
    assert t.reasons == [f"1 of {trust.N_SUBGRIDS} parts of the start grid stop at another optimum"]
    assert t.verdict == "warn"


def test_fits_that_do_not_converge_are_each_named(monkeypatch):
    """Every part of the start grid, both Huber deltas and the backtest's refit fail to converge:
    no part reaches the best (the spread of a among none is nan), no delta moves a (none to
    compare), and each failure is its own reason, in the checks' order."""
    _spy(monkeypatch, fail=lambda kw, N: True)
    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=3)
    t = trust.report(runs)
    c = t.checks
    assert (c["start_parts_at_best"], c["a_by_delta"], c["backtest_runs"]) == (0, {}, 0)
    assert np.isnan(c["a_spread_at_best"])
    assert "backtest_median_error_log" not in c and "backtest_optimum_ratio" not in c
    assert t.reasons == [
        f"{trust.N_SUBGRIDS} of {trust.N_SUBGRIDS} parts of the start grid stop at another optimum",
        "no converged fit with Huber delta 0.0001, 0.01",
        "no converged fit without the held-out runs",
    ]


def test_one_huber_delta_that_fails_is_named_and_the_other_still_checked(monkeypatch):
    _spy(monkeypatch, fail=lambda kw, N: kw.get("delta") == 1e-2)
    t = trust.report(_isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=3))
    assert list(t.checks["a_by_delta"]) == ["0.0001"]
    assert t.reasons == ["no converged fit with Huber delta 0.01"]


def _shared_sizes(sizes_by_budget: dict[float, list[float]]) -> pd.DataFrame:
    rows = [{"params": N, "tokens": C / (6 * N), "flops": C, "budget": C,
             "loss": float(chinchilla.loss(N, C / (6 * N), FIT))}
            for C, sizes in sizes_by_budget.items() for N in sizes]  # fmt: skip
    return pd.DataFrame(rows)


def test_the_backtests_minimums_are_inclusive_and_each_shortfall_is_counted():
    """The backtest needs 6 runs and 3 distinct sizes before the held-out budget: exactly 6 runs
    of exactly 3 sizes are enough; 5 runs of 2 sizes are not, and the reason counts both."""
    top = list(np.logspace(8.4, 9.6, 9))
    small = [2e7, 6e7, 2e8]
    six = trust.report(_shared_sizes({1e18: small, 1e19: small, 1e21: top}))
    assert six.checks["backtest_runs"] == 9
    assert not any(r.startswith("no backtest") for r in six.reasons), six.reasons
    five = trust.report(
        _shared_sizes({1e17: small[:1], 1e18: small[:2], 1e19: small[:2], 1e21: top})
    )
    assert five.checks["backtest_runs"] == 0
    assert (
        "no backtest: only 5 runs before it (needs 6), 2 sizes before it (needs 3)" in five.reasons
    )
    two = trust.report(_shared_sizes({C: small[:2] for C in (1e17, 1e18, 1e19)} | {1e21: top}))
    assert "no backtest: only 2 sizes before it (needs 3)" in two.reasons  # 6 runs: enough


def test_the_largest_budgets_sizes_and_flops_decide_the_optimums_checks():
    """The largest budget trained only 3x to 30x above eq 4's optimum, each run's FLOPs off the
    nominal budget by up to 25% (tokens rounded): eq 4's optimum at that budget (the held-out
    runs' mean FLOPs) lies below the smallest size trained there, by the factor the closed form
    gives, though smaller sizes were trained at other budgets; and its best size is that factor
    off the optimum the other budgets predict, each in its own words."""
    from scalinglaws import estimators

    rng = np.random.default_rng(4)
    rows = []
    for C in (1e18, 1e19, 1e20, 1e21):
        n_opt = float(chinchilla.optimal_N(C, FIT))
        lo, hi = (0.5, 1.5) if C == 1e21 else (-1.0, 1.0)
        for N in n_opt * np.logspace(lo, hi, 9):
            flops = C * (rng.uniform(0.8, 1.25) if C == 1e21 else 1.0)
            D = flops / (6 * N)
            rows.append({"params": N, "tokens": D, "flops": flops, "budget": C,
                         "loss": float(chinchilla.loss(N, D, FIT))})  # fmt: skip
    runs = pd.DataFrame(rows)
    t = trust.report(runs)
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    held = runs["budget"].to_numpy() == 1e21
    assert np.ptp(np.log10(C[held])) > 2 * trust.BUDGET_TOL  # the FLOPs alone would pick fewer
    fit = estimators.approach3(N=N, D=D, L=L)
    n = _eq4_N(fit, C[held].mean())
    factor = N[held].min() / n
    assert factor > trust.OPTIMUM_FACTOR and N.min() < n  # below the held sizes, not all sizes
    assert t.checks["optimum_outside_sizes_factor"] == pytest.approx(factor, rel=1e-9)
    ratio = t.checks["backtest_optimum_ratio"]
    assert ratio < 1 / trust.OPTIMUM_FACTOR
    assert t.reasons[-2:] == [
        f"the largest budget's best size is {ratio:.3g}x off the optimum predicted from the other "
        "budgets",
        f"eq 4's optimum at the largest budget lies {factor:.3g}x outside the sizes trained there",
    ]


def test_without_budgets_the_optimum_is_judged_against_every_size():
    """A grid of sizes x token counts (no budgets) whose largest FLOPs belong to the largest size
    alone: eq 4's optimum there lies inside the sizes trained (1e7 to 1e10), so no factor, though
    it is below the one size at those FLOPs."""
    from scalinglaws import estimators

    rows = [{"params": N, "tokens": D, "flops": 6 * N * D, "loss": float(chinchilla.loss(N, D, FIT))}
            for N in np.logspace(7, 10, 7) for D in np.logspace(8, 10, 5)]  # fmt: skip
    runs = pd.DataFrame(rows)
    t = trust.report(runs)
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    fit = estimators.approach3(N=N, D=D, L=L)
    n = _eq4_N(fit, C.max())
    assert 1e7 < n < 1e10 / trust.OPTIMUM_FACTOR  # inside every size, off the largest one
    assert t.checks["optimum_outside_sizes_factor"] == 1.0
    assert not any("outside the sizes trained" in r for r in t.reasons)


def _envelope(monkeypatch, flops, sizes, flops_range, position, last15_a=0.49):
    """Stand in for fit_runs.envelope with an envelope of known points (their FLOPs, winning
    sizes and position in their runs) over a known range; record the arguments it was called
    with. The rules of report_a1 are then checked on numbers chosen to sit on their edges."""
    from types import SimpleNamespace

    from scalinglaws.analysis import fit_runs

    def fit(exponent):
        return SimpleNamespace(N_opt=SimpleNamespace(exponent=exponent))

    result = SimpleNamespace(flops=np.asarray(flops, float), N=np.asarray(sizes, float),
                             N_opt=SimpleNamespace(exponent=0.5))  # fmt: skip
    env = fit_runs.Envelope(result, flops_range, pd.DataFrame(), np.asarray(position, float),
                            None if last15_a is None else fit(last15_a))  # fmt: skip
    calls = []

    def stub(runs, params, min_sizes):
        calls.append((params, min_sizes))
        return env

    monkeypatch.setattr(fit_runs, "envelope", stub)
    return calls


def test_approach1s_rules_count_the_sizes_winning_inside_the_range_ends_included(monkeypatch):
    """Five envelope points, one a decade: the range [1e18, 1e20] holds the three in the middle,
    its ends included, so exactly 3 sizes win (enough); every point in the last 15% of its run
    and 2 decades fitted: "ok". The arguments reach the envelope unchanged."""
    calls = _envelope(monkeypatch, [1e17, 1e18, 1e19, 1e20, 1e21], [1, 2, 3, 4, 5],
                      (1e18, 1e20), [0.9] * 5)  # fmt: skip
    t = trust.report_a1(pd.DataFrame(), "params_non_embedding", min_sizes=7)
    assert calls == [("params_non_embedding", 7)]
    assert (t.verdict, t.reasons) == ("ok", [])
    assert t.checks == {"a": 0.5, "flops_decades": 2.0, "last_15pct_share": 1.0,
                        "a_last_15pct_only": 0.49, "sizes_winning": 3}  # fmt: skip


def test_approach1s_rules_word_a_short_range_and_few_late_points(monkeypatch):
    """Half a decade fitted and a quarter of the points before the last 15% of their runs: two warnings,
    each with its number; no envelope of the last 15% alone: its a is None."""
    _envelope(monkeypatch, [1e18, 2e18, 3e18, 3.16e18], [1, 2, 3, 4], (1e18, 10**18.5),
              [0.9, 0.5, 0.95, 0.9], last15_a=None)  # fmt: skip
    t = trust.report_a1(pd.DataFrame())
    assert t.verdict == "warn" and t.checks["a_last_15pct_only"] is None
    assert t.reasons == [
        "fitted over 0.50 decades of FLOPs only",
        "75% of the envelope's points in the last 15% of their run (footnote 4: all; rule: 80%)",
    ]


def test_approach1s_rules_refuse_an_envelope_won_by_two_sizes(monkeypatch):
    _envelope(monkeypatch, [1e18, 1e19, 1e20], [1, 1, 2], (1e18, 1e20), [0.9] * 3)
    t = trust.report_a1(pd.DataFrame())
    assert (t.verdict, t.reasons) == (
        "not identifiable",
        ["only 2 of the sizes trained win the envelope (needs 3)"],
    )
    assert t.checks["sizes_winning"] == 2 and t.checks["a"] == 0.5
    _envelope(monkeypatch, [1e18, 1e19, 1e20], [1, 1, 1], (1e18, 1e20), [0.9] * 3)
    assert trust.report_a1(pd.DataFrame()).reasons == [
        "only 1 of the sizes trained wins the envelope (needs 3)"
    ]


def test_approach2s_report_groups_runs_without_budgets_by_their_flops():
    """No budget column, each run's FLOPs within 0.02 decades of one of four budgets: the report's
    defaults (5 points a budget, FLOPs grouped within 0.06 decades) find the four, and a and the
    bias are the estimator's own on those groups (called here with the true budgets), a on the
    runs and on a noise-free copy of their Approach 3 surface."""
    from scalinglaws import estimators

    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=5).drop(columns="budget")
    rng = np.random.default_rng(1)
    runs["flops"] *= 10 ** rng.uniform(-0.02, 0.02, len(runs))
    runs["tokens"] = runs["flops"] / (6 * runs["params"])
    top = runs.index[runs["flops"] > 5e20]
    runs = runs.drop(top[[0, 1, -1, -2]]).reset_index(drop=True)  # 5 runs left there: enough
    t = trust.report_a2(runs)
    N, D, L, C = (runs[k].to_numpy(float) for k in ("params", "tokens", "loss", "flops"))
    kw = {"budgets": [1e18, 1e19, 1e20, 1e21], "tol_log10": 0.06, "min_points": 5}
    res = estimators.approach2(N=N, D=D, C=C, L=L, **kw)
    assert (t.checks["budgets_used"], t.checks["a"]) == (4, pytest.approx(res.a, rel=1e-12))
    surface = estimators.approach3(N=N, D=D, L=L)
    clean = surface.E + surface.A / N**surface.alpha + surface.B / D**surface.beta
    want = estimators.approach2(N=N, D=D, C=C, L=clean, **kw).a - _a(surface)
    assert t.checks["bias_on_own_grid"] == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_approach2s_report_without_a_power_law_says_why():
    """Losses flat in N: no budget has a vertex, so there is no power law; the reason is the
    estimator's own refusal, and the count of budgets used is 0."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs
    from scalinglaws.datasets import schema

    runs = _isoflop()
    runs["loss"] = 3.0 + 0.01 * np.log(runs["flops"] / 1e18)
    with pytest.raises(estimators.FitError) as err:
        fit_runs.approach2(fit_runs.a2_input(schema.final_checkpoints(runs)), 5)
    t = trust.report_a2(runs, min_points=5)
    assert (t.verdict, t.reasons, t.checks) == (
        "not identifiable",
        [f"no power law: {err.value}"],
        {"budgets_used": 0},
    )


def test_approach2s_report_names_every_kind_of_skipped_budget():
    """Of seven budgets, two have their sizes all above the optimum (no vertex inside) and two
    have 2 runs only (under min_points): four of seven skipped, each kind named once."""
    rows = []
    for i, C in enumerate(np.logspace(17, 20, 7)):
        n_opt = float(chinchilla.optimal_N(C, FIT))
        sizes = n_opt * np.logspace(0.5 if i in (1, 3) else -1, 2.5 if i in (1, 3) else 1, 7)
        for N in sizes[:2] if i in (2, 4) else sizes:
            D = C / (6 * N)
            rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                         "loss": float(chinchilla.loss(N, D, FIT))})  # fmt: skip
    t = trust.report_a2(pd.DataFrame(rows), min_points=5)
    assert (t.checks["budgets_used"], t.checks["budgets_skipped"]) == (3, 4)
    assert t.reasons[0] == (
        "4 of 7 budgets without a vertex (2 runs, vertex outside the sampled sizes): the sizes do "
        "not bracket most optima"
    )


def test_approach2s_backtest_accepts_a_vertex_within_its_factor():
    """The largest budget's sizes trained 1.3x larger than the law's optimum, each loss the law's
    at its 1/1.3 size: the vertex is 1/1.3 of the line's prediction, inside the factor of 2 either
    way, so no warning about it."""
    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21))
    runs.loc[runs["budget"] == 1e21, "params"] *= 1.3
    t = trust.report_a2(runs, min_points=5)
    assert t.checks["backtest_optimum_ratio"] == pytest.approx(1 / 1.3, rel=0.02)
    assert not any("vertex is" in r for r in t.reasons), t.reasons


@pytest.mark.parametrize("shared", ["sizes", "tokens"])
def test_approach2s_bias_check_runs_on_exactly_three_sizes_or_token_counts(shared):
    """Three budgets of three runs, the same three sizes (or token counts) at each: eq 2's surface
    needs 3 distinct sizes and 3 distinct token counts, and these have exactly that, so the bias
    is checked."""
    n19 = float(chinchilla.optimal_N(1e19, FIT))
    d19 = 1e19 / (6 * n19)
    rows = []
    for C in (1e18, 1e19, 1e20):
        for x in (0.1, 1.0, 10.0):
            N, D = (
                (n19 * x, C / (6 * n19 * x)) if shared == "sizes" else (C / (6 * d19 * x), d19 * x)
            )
            rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                         "loss": float(chinchilla.loss(N, D, FIT))})  # fmt: skip
    runs = pd.DataFrame(rows)
    assert runs[{"sizes": "params", "tokens": "tokens"}[shared]].nunique() == 3
    t = trust.report_a2(runs, min_points=3)
    assert t.checks["budgets_used"] == 3
    assert np.isfinite(t.checks["bias_on_own_grid"]) and t.checks["surface_identifiable"] is True


def test_approach2s_bias_is_not_a_number_without_a_surface(monkeypatch):
    """When eq 2's surface does not converge there is no grid to simulate: the bias is nan, the
    surface not identifiable, and no bias warning is given."""
    monkeypatch.setattr(trust, "_try_fit", lambda N, D, L, **kw: None)
    t = trust.report_a2(_isoflop(budgets=(1e18, 1e19, 1e20, 1e21)), min_points=5)
    assert np.isnan(t.checks["bias_on_own_grid"]) and t.checks["surface_identifiable"] is False
    assert (t.verdict, t.reasons) == ("ok", [])


def test_without_a_flops_column_the_flops_are_6ND():
    """A grid without budgets, its FLOPs as a column at 7.2 N D (a count that adds attention) and
    without one: the optimum is judged at the largest FLOPs the table gives, or 6 N D where it
    gives none (Kaplan's C = 6NBS, section 2.1), each as eq 4's closed form says."""
    from scalinglaws import estimators

    rows = [{"params": N, "tokens": D, "loss": float(chinchilla.loss(N, D, FIT))}
            for N in np.logspace(7, 9, 5) for D in np.logspace(10, 12, 5)]  # fmt: skip
    plain = pd.DataFrame(rows)
    N, D, L = (plain[k].to_numpy(float) for k in ("params", "tokens", "loss"))
    fit = estimators.approach3(N=N, D=D, L=L)
    for runs, C in ((plain, 6 * N * D), (plain.assign(flops=7.2 * N * D), 7.2 * N * D)):
        t = trust.report(runs)
        top = np.log10(C) >= np.log10(C.max()) - trust.BUDGET_TOL
        n = _eq4_N(fit, C[top].mean())
        # sizes 1e7-1e9 trained: the optimum at the largest FLOPs lies above 1e9
        assert n > 1e9
        assert t.checks["optimum_outside_sizes_factor"] == pytest.approx(n / 1e9, rel=1e-9)


def test_report_for_passes_the_column_and_each_approachs_settings_on():
    """report_for(approach) is report, report_a2 or report_a1 called with the same column of N and
    the settings that approach takes (min_points and tol_log10; min_sizes), the others dropped."""
    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=3)
    runs = runs.rename(columns={"params": "n"}).assign(params=runs["params"] * 3)
    got = trust.report_for(runs, 3, "n", min_points=7)
    assert got.as_dict() == trust.report(runs, "n").as_dict() != trust.report(runs).as_dict()
    # without budgets, FLOPs within 0.02 decades of each: grouped within 0.06 decades, or split
    jit = runs.drop(columns="budget")
    jit["flops"] *= 10 ** np.random.default_rng(1).uniform(-0.02, 0.02, len(jit))
    kw = {"min_points": 6, "tol_log10": 0.01, "min_sizes": 5}
    got = trust.report_for(jit, 2, "n", **kw)
    want = trust.report_a2(jit, "n", min_points=6, tol_log10=0.01)
    assert got.as_dict() == want.as_dict()
    assert want.as_dict() != trust.report_a2(jit, "n", min_points=6).as_dict()
    assert want.as_dict() != trust.report_a2(jit, "n", tol_log10=0.01).as_dict()
    assert trust.report_a2(jit, "n").as_dict() != trust.report_a2(jit).as_dict()
    curves = _curves(10.0)
    curves = curves.rename(columns={"params": "n"}).assign(params=curves["params"] * 3)
    got = trust.report_for(curves, 1, "n", **kw)
    assert got.as_dict() == trust.report_a1(curves, "n", min_sizes=5).as_dict()
    assert got.as_dict() != trust.report_a1(curves, "n").as_dict()
    assert trust.report_a1(curves, "n").as_dict() != trust.report_a1(curves).as_dict()


def test_the_curves_table_orders_checkpoints_and_refuses_flops_that_do_not_increase():
    """Approach 1's curves from a runs table (fit_runs._curve_table): one row per run in run
    order with its size and final FLOPs, each curve's checkpoints in step order (by tokens where
    there is no step column), FLOPs of any scale accepted while they increase, and a run whose
    FLOPs repeat refused by name."""
    from scalinglaws.analysis import fit_runs
    from scalinglaws.datasets.schema import RunsSchemaError

    runs = pd.DataFrame({"run": ["b", "b", "b", "a", "a", "a"], "step": [3, 1, 2, 2, 1, 3],
                         "params": [20.0] * 3 + [10.0] * 3, "tokens": [3.0, 1.0, 2.0, 2.0, 1.0, 3.0],
                         "flops": [1.5, 0.5, 1.0, 1.0, 0.5, 1.5],
                         "loss": [1.0, 3.0, 2.0, 2.0, 3.0, 1.0]})  # fmt: skip
    for table in (runs, runs.drop(columns="step")):
        t, curves = fit_runs._curve_table(table, "params")
        assert t.to_dict("list") == {"run": ["a", "b"], "params": [10.0, 20.0],
                                     "flops_final": [1.5, 1.5]}  # fmt: skip
        assert [c[0] for c in curves] == [10.0, 20.0]
        for c in curves:
            assert c[1].tolist() == [0.5, 1.0, 1.5] and c[2].tolist() == [3.0, 2.0, 1.0]
    flat = runs.assign(flops=[1.5, 0.5, 0.5, 1.0, 0.5, 1.5])
    with pytest.raises(RunsSchemaError, match=r"^column 'flops' must increase along run 'b' "
                                              r"\(one value per checkpoint\)$"):  # fmt: skip
        fit_runs._curve_table(flat, "params")


def test_fit_runs_defaults_are_its_documented_ones_and_its_tolerance_is_passed_on():
    """fit_runs.fit(approach=2) on runs without budgets, each budget's FLOPs spread over 0.04
    decades and one budget down to 5 runs: by default (FLOPs grouped within 0.06 decades, 5
    points a budget, seed 0, label "runs") the four budgets are found, each with a vertex; grouped
    within 0.01 decades the spread budgets fall apart into other groups."""
    from scalinglaws.analysis import fit_runs

    runs = _isoflop(budgets=(1e18, 1e19, 1e20, 1e21), noise=0.002, seed=5).drop(columns="budget")
    runs["flops"] *= 10 ** np.random.default_rng(1).uniform(-0.02, 0.02, len(runs))
    runs["tokens"] = runs["flops"] / (6 * runs["params"])
    top = runs.index[runs["flops"] > 5e20]
    runs = runs.drop(top[[0, 1, -1, -2]]).reset_index(drop=True)
    out = fit_runs.fit(runs, 2)
    assert (out["runs"], out["seed"], len(out["budgets_used"])) == ("runs", 0, 4)
    narrow = fit_runs.fit(runs, 2, min_points=3, tol_log10=0.01)
    assert len(narrow["budgets_used"]) != 4


def test_approach1s_rules_are_met_at_exactly_one_decade_and_80_percent(monkeypatch):
    """The thresholds are minimums: an envelope fitted over exactly one decade, with exactly 4 of
    its 5 points in the last 15% of their runs, breaks no rule."""
    _envelope(monkeypatch, [1e18, 2e18, 4e18, 6e18, 1e19], [1, 2, 3, 4, 5], (1e18, 1e19),
              [0.9, 0.9, 0.9, 0.9, 0.5])  # fmt: skip
    t = trust.report_a1(pd.DataFrame())
    assert (t.checks["flops_decades"], t.checks["last_15pct_share"]) == (1.0, 0.8)
    assert (t.verdict, t.reasons) == ("ok", [])
