"""The v3 checks of v2's optima (scalinglaws.analysis.study_v3_checks) on synthetic inputs with a
known answer."""

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import study_v2
from scalinglaws.analysis import study_v3_checks as checks


def _optima(budgets, logN, reps=None) -> study_v2.Optima:
    logN = np.asarray(logN, float)
    table = pd.DataFrame({"budget": budgets, "N_opt": 10**logN})
    reps = np.tile(logN, (50, 1)) if reps is None else reps
    return study_v2.Optima(table, np.asarray(budgets, float), reps, 0.8)


def test_local_slopes_are_the_closed_form_between_consecutive_budgets():
    # N_opt = 10^(0.4 log C) up to 1e12, then 10^(0.8 ...) : slopes 0.4, 0.4, 0.8 exactly
    logC = np.array([11.0, 11.5, 12.0, 12.5])
    logN = np.array([4.4, 4.6, 4.8, 5.2])
    s = checks.local_slopes(_optima(10**logC, logN), "synthetic")
    assert s["slope"].to_numpy() == pytest.approx([0.4, 0.4, 0.8], rel=1e-12)
    # replicates equal to the estimate: a zero-width interval at it
    assert s["lo"].to_numpy() == pytest.approx(s["slope"].to_numpy(), rel=1e-12)
    assert s["hi"].to_numpy() == pytest.approx(s["slope"].to_numpy(), rel=1e-12)
    assert (s["from"].to_numpy() == 10 ** logC[:-1]).all() and s["windows"].eq("synthetic").all()


def test_local_slope_interval_is_the_percentiles_of_the_replicates_differences():
    rng = np.random.default_rng(0)
    logN = np.array([4.0, 4.5])
    reps = logN + 0.05 * rng.standard_normal((4000, 2))
    s = checks.local_slopes(_optima([1e11, 1e12], logN, reps), "noisy")
    d = reps[:, 1] - reps[:, 0]  # dlogC = 1
    assert (s["lo"].iloc[0], s["hi"].iloc[0]) == pytest.approx(tuple(np.quantile(d, [0.1, 0.9])))
    # the difference of two independent N(0, 0.05^2) has sd 0.05 sqrt 2: its 10-90% half-width is
    # 1.2816 sd; with 4,000 replicates the estimated half-width has a relative sd of about 1.5%, so
    # 5% is more than 3 sds
    assert (s["hi"].iloc[0] - s["lo"].iloc[0]) / 2 == pytest.approx(
        1.2816 * 0.05 * 2**0.5, rel=0.05
    )


def test_rates_snap_to_the_plans_multiples():
    v2 = pd.DataFrame({"flops_budget": [1e12] * 3, "n_layer": [1, 2, 2], "d_model": [10, 22, 26],
                       "seed": 0, "lr": [0.0552, 0.0200, 0.0100]})  # fmt: skip
    check = v2.assign(lr=[0.0276, 0.0401, 0.00499])  # 0.5x, 2.005x, 0.499x as printed in the plan
    assert checks._multiplier(check, v2).tolist() == [0.5, 2.0, 0.5]
    with pytest.raises(ValueError, match="no v2 seed-0 run"):
        checks._multiplier(check.assign(d_model=[10, 22, 30]), v2)


def test_best_of_rates_takes_each_complete_sizes_lowest_loss():
    rows = []
    losses = {100.0: {0.5: 2.0, 1.0: 2.1, 2.0: 2.2},  # 0.5x best
              200.0: {0.5: 1.9, 1.0: 1.8, 2.0: 1.85},  # 1x best
              300.0: {0.5: 1.9, 2.0: 1.7}}  # fmt: skip  # no 1x run: incomplete
    for N, by_rate in losses.items():
        for rate, loss in by_rate.items():
            rows.append({"flops_budget": 1e12, "params_total": N, "rate": rate, "loss_nats": loss})
    wide, best = checks.best_of_rates(pd.DataFrame(rows))
    assert wide.set_index("params_total")["best"].to_dict() == pytest.approx(
        {100.0: 0.5, 200.0: 1.0, 300.0: np.nan}, nan_ok=True
    )
    assert best[["params_total", "rate", "loss_nats"]].values.tolist() == [[100.0, 0.5, 2.0],
                                                                           [200.0, 1.0, 1.8]]  # fmt: skip


def test_outside_counts_only_optima_beyond_the_reference_interval():
    ref = pd.DataFrame({"budget": [1e11, 1e12, 1e13], "N_lo": [10.0, 20.0, 30.0],
                        "N_hi": [12.0, 24.0, 36.0]})  # fmt: skip
    opt = pd.DataFrame({"budget": [1e11, 1e12, 1e13], "N_opt": [12.0, 25.0, np.nan]})
    assert checks.outside(opt, ref) == [1e12]  # an end of the interval is inside; NaN is no vertex


def _slopes(rows):
    return pd.DataFrame(rows, columns=["windows", "from", "slope", "lo", "hi"])


def test_the_shape_check_straightens_by_the_declared_rule_only():
    """docs/study-v3.md's rule on synthetic local slopes (a = 0.5): straightened when every slope
    from 3e11 and 1e12 with 2+ layers holds a (an interval's end counts) and not every one with
    v2's windows does; a slope from another budget, outside a, decides nothing."""
    both = [("v2", 3e11, 0.7, 0.6, 0.8), ("v2", 1e12, 0.5, 0.45, 0.55),
            ("2+ layers", 3e11, 0.5, 0.5, 0.6), ("2+ layers", 1e12, 0.45, 0.4, 0.5),
            ("v2", 3e12, 0.9, 0.8, 1.0), ("2+ layers", 3e12, 0.9, 0.8, 1.0)]  # fmt: skip
    assert checks.straightens(_slopes(both), 0.5) is True
    v2_holds = [r if r[0] != "v2" or r[1] != 3e11 else ("v2", 3e11, 0.55, 0.45, 0.6) for r in both]
    assert checks.straightens(_slopes(v2_holds), 0.5) is False  # nothing to straighten
    after_misses = [r if r[:2] != ("2+ layers", 1e12) else ("2+ layers", 1e12, 0.4, 0.3, 0.49)
                    for r in both]  # fmt: skip
    assert checks.straightens(_slopes(after_misses), 0.5) is False
    v2_one_misses = [r if r[:2] != ("v2", 1e12) else ("v2", 1e12, 0.4, 0.3, 0.49) for r in v2_holds]
    assert checks.straightens(_slopes(v2_one_misses), 0.5) is True


def test_the_shape_summary_reads_each_windows_slopes_and_the_verdict():
    """shape_summary on a ShapeCheck of chosen slopes: the slopes from 3e11 and 1e12 of each
    windows in turn (a slope from another budget is not read), with their intervals to two
    decimals, and the verdict the check carries."""
    slopes = _slopes([("v2", 3e11, 0.71, 0.6, 0.8), ("v2", 1e12, 0.5, 0.45, 0.55),
                      ("2+ layers", 3e11, 0.52, 0.5, 0.6), ("2+ layers", 1e12, 0.45, 0.4, 0.5),
                      ("v2", 3e12, 0.9, 0.8, 1.0)])  # fmt: skip
    for straight, verdict in ((True, "straighten"), (False, "do not straighten")):
        r = checks.ShapeCheck(pd.DataFrame(), slopes, 0.5123, straight, pd.DataFrame())
        assert checks.shape_summary(r) == (
            "local slopes from 3e11 and from 1e12 (80% intervals): v2: 0.71 [0.60, 0.80], "
            "0.50 [0.45, 0.55]; 2+ layers: 0.52 [0.50, 0.60], 0.45 [0.40, 0.50]. "
            f"By the declared rule they {verdict} (v2's five-budget a = 0.512)."
        )


def test_the_lr_summary_words_each_outcome_with_the_rates_that_won():
    """lr_summary on chosen LRChecks: incomplete, complete with budgets moved, complete with
    none; the share of sizes each rate won, over the sizes run at all three rates."""
    best = pd.DataFrame({"best": [0.5, 2.0, 1.0, 1.0, np.nan]})
    tail = "(0.5x best at 1, 1x best at 2, 2x best at 1 of the 4 sizes run at all three rates)."
    r = checks.LRCheck(pd.DataFrame(), best, [1e12, 1e13], 10, 12)
    assert checks.lr_summary(r) == f"incomplete (10 of 12 runs): no verdict yet {tail}"
    r = checks.LRCheck(pd.DataFrame(), best, [1e12, 1e13], 12, 12)
    assert checks.lr_summary(r) == (
        "the best-of-three optimum lies outside v2's 80% interval at 1e+12, 1e+13: the rule is "
        f"not where the optimum is {tail}"
    )
    r = checks.LRCheck(pd.DataFrame(), best, [], 12, 12)
    assert checks.lr_summary(r) == (
        f"no budget's best-of-three optimum lies outside v2's 80% interval {tail}"
    )


def test_local_slopes_leave_out_and_count_the_replicates_without_both_vertices():
    """A replicate missing the middle budget's vertex gives neither slope beside it; one missing
    every vertex gives none. Those are counted as failed per pair, the interval comes from the
    rest, and a pair with no replicate left has no interval (nan), not an error. "to" is the
    pair's second budget."""
    logN = np.array([4.0, 4.5, 5.0])
    reps = np.array([[4.0, 4.5, 5.0], [4.1, np.nan, 5.1], [3.9, 4.3, 4.9], [4.0, 4.6, 5.2]])
    s = checks.local_slopes(_optima([1e11, 1e12, 1e13], logN, reps), "gaps")
    assert s["n_failed"].tolist() == [1, 1] and s["to"].tolist() == [1e12, 1e13]
    d = np.array([0.5, 0.4, 0.6])  # the first pair's differences from replicates 1, 3 and 4
    assert (s["lo"].iloc[0], s["hi"].iloc[0]) == pytest.approx(tuple(np.quantile(d, [0.1, 0.9])))
    none = checks.local_slopes(_optima([1e11, 1e12], logN[:2], np.full((3, 2), np.nan)), "none")
    assert none["n_failed"].tolist() == [3] and np.isnan(none[["lo", "hi"]].to_numpy()).all()
