"""Kaplan 2020 Figures 2 and 11 families: parameters, the numbers they annotate, and drawing."""

import matplotlib
import numpy as np
import pytest

from scalinglaws.analysis import kaplan
from scalinglaws.constants import KAPLAN
from scalinglaws.core.params import ParameterError
from scalinglaws.figures import (
    _kaplan2020,
    kaplan2020_fig2,
    kaplan2020_fig2_measured,
    kaplan2020_fig11,
)
from scalinglaws.notebooks import SPECS

matplotlib.use("Agg")

STEPS_OK = {
    "target_loss": 5.0, "ratio_small": 1e5, "ratio_large": 1e9, "formats": ["png"],
    "output_dir": "",
}  # fmt: skip


def test_families_are_discovered():
    from scalinglaws.figures import families

    found = families()
    assert found["01_compute_budget"].modules == (
        kaplan2020_fig11,
        kaplan2020_fig2,
        kaplan2020_fig2_measured,
    )
    assert found["02_steps"].modules == (
        kaplan2020_fig11,
        kaplan2020_fig2,
        kaplan2020_fig2_measured,
    )


@pytest.mark.parametrize(
    ("stem", "good", "name", "value", "pattern"),
    [
        ("01_compute_budget", {"formats": ["png"], "output_dir": ""}, "formats", ["gif"],
         r"'formats' must be a non-empty list"),
        ("02_steps", STEPS_OK, "target_loss", 1.0, r"'target_loss' must be a number in \(1, 20\]"),
        ("02_steps", STEPS_OK, "target_loss", "5", r"'target_loss' must be a number in"),
        ("02_steps", STEPS_OK, "ratio_small", 1e10, r"'ratio_small' must be less than"),
        ("02_steps", STEPS_OK, "ratio_large", 1e13, r"'ratio_large' must be a number in \[100, "),
        ("02_steps", STEPS_OK, "target_loss", float("nan"), r"'target_loss' must be a number in"),
        ("02_steps", STEPS_OK, "ratio_small", 50.0, r"'ratio_small' must be a number in \[100, "),
        ("01_compute_budget", {"formats": ["png"], "output_dir": ""}, "output_dir", 3,
         r"'output_dir' must be a folder path"),
    ],
)  # fmt: skip
@pytest.mark.badinput
def test_bad_notebook_parameters_name_the_parameter_and_range(stem, good, name, value, pattern):
    SPECS[stem].validate(good)
    with pytest.raises(ParameterError, match=pattern):
        SPECS[stem].validate({**good, name: value})


def test_budget_optima_lie_on_their_curves_and_scale_with_compute():
    # Fig 11 caption: "Each value of compute budget has an associated optimal model size"
    opt = kaplan.budget_optima(1e-5, 1.0, 6)
    from scalinglaws.laws import kaplan_training as law

    for f in (0.9, 1.1):  # the minimum: neighbours on the same curve are higher
        assert np.all(law.loss_at_compute(opt.N_opt * f, opt.budgets_pf) > opt.L_opt)
    assert np.all(np.diff(opt.N_opt) > 0) and np.all(np.diff(opt.L_opt) < 0)
    assert 0.7 < opt.exponent < 0.9  # fixed batch; compare eq 6.1's 0.73 at C_min


def test_convergence_mark_is_10_percent_above_converged():
    # Kaplan 2020 eq B.5, Figure 2 right's "stops far short of convergence"
    m = kaplan.convergence_mark(1e8)
    t3 = KAPLAN.joint_NS
    assert m.L_eff / m.L_converged == pytest.approx(1 + t3.alpha_N / t3.alpha_S, rel=1e-10)
    with pytest.raises(ValueError, match=r"compute_max_pf"):
        kaplan.convergence_mark(1e12, compute_max_pf=1.0)


def test_sample_efficiency_ratio_is_computed_from_the_law():
    # Figure 2 left: "Larger models require fewer samples to reach the same performance"
    eff = kaplan.sample_efficiency(5.0, 1e3, 1e9, 7, 1e5, 1e9)
    assert np.all(np.diff(eff.tokens) < 0)
    from scalinglaws.laws import kaplan_training as law

    expected = law.tokens_to_reach(1e5, 5.0) / law.tokens_to_reach(1e9, 5.0)
    assert eff.ratio == pytest.approx(float(expected))
    assert eff.sizes.min() >= 1e5  # smaller models' converged loss is above 5 nats
    with pytest.raises(ValueError, match=r"above the converged loss"):
        kaplan.sample_efficiency(4.0, 1e3, 1e9, 7, 1e5, 1e9)


def test_frontier_table_has_paper_and_equation_columns():
    rows = kaplan.frontier_table()
    assert all(len(r) == 3 for r in rows)
    assert any("eq 6.8" in r[0] for r in rows)


def test_measured_runs_loader_returns_the_committed_prose_curves(tmp_path):
    from scalinglaws.datasets import measured

    df = kaplan.load_measured_runs()
    assert list(df.columns) == measured.CURVE_COLUMNS
    assert len(df) and set(df["study"]) == {"v2-ladder-kaplan"} and set(df["corpus"]) == {"prose"}
    sizes = df.groupby("run_id")["params"].first()
    assert len(sizes) == 14 and sizes.min() < 2e3 and sizes.max() > 1e5  # the plan's 14 sizes
    ends = df.groupby("run_id")["flops"].max() / df.groupby("run_id")["flops_budget"].first()
    assert np.allclose(ends, 1.0, rtol=0.01)  # every curve runs to its planned budget
    assert (df["loss_nats"] < 5.6).all()  # nats per byte: at most about ln 256 = 5.55
    empty = kaplan.load_measured_runs(tmp_path / "absent")
    assert empty.empty and list(empty.columns) == measured.CURVE_COLUMNS


def _measured_lines(ax):
    return [ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("measured:")]


def _two_runs():
    import pandas as pd

    rows = []
    for run_id, n, losses in (("a", 2e3, [5.5, 4.0, 3.0]), ("b", 2e5, [5.5, 3.5, 2.4])):
        for step, (tokens, loss) in enumerate(zip([2e3, 2e4, 2e6], losses, strict=True), 1):
            rows.append({"run_id": run_id, "params": n, "step": step, "tokens": tokens,
                         "loss_nats": loss})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    "draw",
    [
        kaplan2020_fig2_measured.figure2_left_measured,
        kaplan2020_fig2_measured.figure2_right_measured,
    ],
)
def test_measured_figures_draw_one_line_per_run_coloured_by_size(draw):
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    fig = draw(_two_runs(), n_points=30)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # one axes and its colour bar
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = _measured_lines(ax)
    assert [ln.get_gid() for ln in lines] == ["measured:a", "measured:b"]
    norm, cmap = LogNorm(1e3, 1e9), plt.get_cmap("viridis")  # the paper figure's colour scale
    for ln, n in zip(lines, (2e3, 2e5), strict=True):
        assert ln.get_color() == _kaplan2020.colour_of(cmap, norm, n)
    labels = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "published law (Kaplan 2020 eq" in labels and "measured here (" in labels
    assert "nats per byte" in fig.legends[0].get_title().get_text()
    assert ax.get_xlim()[0] <= 2e3  # the axis covers the measured range too
    plt.close(fig)


@pytest.mark.parametrize(
    "draw",
    [
        kaplan2020_fig2_measured.figure2_left_measured,
        kaplan2020_fig2_measured.figure2_right_measured,
    ],
)
def test_measured_figures_draw_the_law_alone_without_runs(draw):
    import matplotlib.pyplot as plt

    fig = draw(_two_runs().iloc[:0], n_points=30)
    ax = fig.axes[0]
    assert _measured_lines(ax) == []
    assert any("no measured run" in t.get_text() for t in ax.texts)
    labels = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "published law" in labels and "measured here" not in labels
    plt.close(fig)


def test_measured_tables_from_the_curves():
    runs = _two_runs()
    reach = kaplan.measured_tokens_to_reach(runs, losses=(3.0, 2.5))
    assert reach["N"].tolist() == [2e3, 2e5] and reach["steps"].tolist() == [3, 3]
    assert list(reach.columns) == ["N", "steps", "final loss (nats/byte)", "bytes to 3 nats",
                                   "bytes to 2.5 nats"]  # fmt: skip
    assert reach["final loss (nats/byte)"].tolist() == [3.0, 2.4]  # each run's last evaluation
    assert reach["bytes to 3 nats"].tolist() == [2e6, 2e6]
    assert (
        np.isnan(reach["bytes to 2.5 nats"].iloc[0]) and reach["bytes to 2.5 nats"].iloc[1] == 2e6
    )
    best = kaplan.measured_best_size(runs)
    C = best["compute (PF-days)"].to_numpy()
    assert np.allclose(np.log10(C), np.round(np.log10(C)))  # one per decade
    # at the largest compute only the larger run is there
    assert best["best N"].iloc[-1] == 2e5 and best["runs reaching it"].iloc[-1] == 1
    assert kaplan.measured_best_size(runs.iloc[:0]).empty


def test_figures_draw_with_small_settings(tmp_path):
    figs = [
        kaplan2020_fig11.figure11_left(1e-5, 1.0, 3, 1e4, 1e9, 30),
        kaplan2020_fig2.figure2_right(1e3, 1e9, 4, 1e-9, 1.0, 30),
        kaplan2020_fig11.figure11_right(1e4, 1e5, 3, 1e6, 1e9, 30),
        kaplan2020_fig2.figure2_left(1e3, 1e9, 4, 1e7, 1e11, 5.0, 1e5, 1e9, 30),
    ]
    for fig in figs:
        ax = fig.axes[0]
        assert ax.get_xscale() == "log"
        assert len(fig.axes) == 2  # the axes and its colour bar
        labels = " ".join(t.get_text() for t in ax.get_legend().get_texts())
        assert "published law (Kaplan 2020 eq" in labels
        assert "measured here" not in labels  # the paper figures are the law alone
    assert figs[0].axes[1].get_ylabel() == "PF-days"
    assert figs[2].axes[1].get_ylabel() == "Steps"
    import matplotlib.pyplot as plt

    for fig in figs:
        plt.close(fig)


def test_frontier_table_prints_the_papers_numbers_beside_closed_forms():
    """Each row's printed column as Kaplan 2020 prints it (eqs 1.3, 6.1, 6.4, 6.5, 6.8, B.7 and
    Table 6; PAPER_FACTS.md), and the equations' column in closed form where it has one: eq 1.8's
    alpha_C^min = 1/(1/alpha_S + 1/alpha_B + 1/alpha_N) with Table 3's 0.76, 0.21 and 0.077; eq
    B.5's 1 + alpha_N/alpha_S; eq 1.3's loss at 1 PF-day, (3.1e8 / 1)^0.050."""
    rows = kaplan.frontier_table()
    printed = [
        ("alpha_C^min, eq 1.8 / B.7", "~0.052 (B.7), ~0.054 (6.4); fit 0.05 (eq 1.3)"),
        ("N_eff ~ C_min^p, eq 6.5 / B.9", "~0.71; empirical 0.73 (eq 6.1)"),
        ("B_crit ~ C_min^p, eq 1.7", "0.24 (Table 6)"),
        ("S_min ~ C_min^p, eq 1.7", "0.03 (Table 6)"),
        ("L(N_eff, C) / L(N_eff, inf), eq B.5", "1 + alpha_N/alpha_S ~ 1.10"),
        ("C_c, eq B.8 (PF-days)", "3.1e+08 (eq 1.3 fit)"),
        ("N_eff at 1 PF-day, eq B.9", "1.3e+09 (Table 6)"),
        ("B_crit at 1 PF-day, eq B.2 at eq B.6 (tokens)", "2e+06 (Table 6)"),
        ("S_min at 1 PF-day, eq B.10", "5.4e+03 (Table 6, lower bound)"),
        ("L at 1 PF-day, eq B.6", f"{3.1e8**0.050:.3f} (eq 1.3 fit)"),
        ("C*, eq 6.8 (PF-days)", "~1e+04"),
        ("N*, eq 6.8", "~1e+12"),
        ("D*, eq 6.8 (tokens)", "~1e+12"),
        ("L*, eq 6.8 (nats/token)", "~1.7"),
    ]
    assert [r[:2] for r in rows] == printed
    assert printed[9][1] == "2.658 (eq 1.3 fit)"
    give = {r[0]: r[2] for r in rows}
    assert give["alpha_C^min, eq 1.8 / B.7"] == f"{1 / (1 / 0.76 + 1 / 0.21 + 1 / 0.077):.4f}"
    assert give["L(N_eff, C) / L(N_eff, inf), eq B.5"] == f"{1 + 0.077 / 0.76:.4f}"
    # eq 6.8 printed to one digit ("~1e4", "~1.7"): within half a unit of that digit
    assert float(give["C*, eq 6.8 (PF-days)"]) == pytest.approx(1e4, rel=0.5)
    assert float(give["N*, eq 6.8"]) == pytest.approx(1e12, rel=0.5)
    assert float(give["L*, eq 6.8 (nats/token)"]) == pytest.approx(1.7, abs=0.05)


def test_sample_efficiency_table_writes_each_size_as_its_columns_say():
    """One row per size that reaches the target: N to 2 significant digits, tokens and steps to 3,
    and whether (N, S) lies in eq 5.6's fitted range (S >= 3000, 768 <= N <= 1.5e9; Kaplan 2020
    section 5) or is extrapolated; both kinds occur over Figure 2's sizes."""
    from scalinglaws.analysis import kaplan as kaplan_analysis

    se = kaplan_analysis.sample_efficiency()
    rows = se.table()
    assert len(rows) == len(se.sizes) == len(se.tokens) == len(se.steps)
    for (n, d, s, ok), N, D, S, inside in zip(
        rows, se.sizes, se.tokens, se.steps, se.in_fitted_range, strict=True
    ):
        assert (n, d, s) == (f"{N:.2g}", f"{D:.3g}", f"{S:.3g}")
        assert ok == ("yes" if (S >= 3000 and 768 <= N <= 1.5e9) else "no (extrapolated)")
        assert bool(inside) == (ok == "yes")
    assert {r[3] for r in rows} == {"yes", "no (extrapolated)"}


def test_budget_optima_table_writes_each_budget():
    """Figure 11's marked optima as the notebook prints them: budget (PF-days, 2 digits), N_opt and
    steps (3 digits), loss (3 decimals), one row per budget in order."""
    opt = kaplan.budget_optima(1e-5, 1.0, 6)
    rows = opt.table()
    assert len(rows) == 6
    for row, c, n, loss, s in zip(
        rows, opt.budgets_pf, opt.N_opt, opt.L_opt, opt.S_opt, strict=True
    ):
        assert row == (f"{c:.2g}", f"{n:.3g}", f"{loss:.3f}", f"{s:.3g}")
    assert [r[0] for r in rows] == ["1e-05", "0.0001", "0.001", "0.01", "0.1", "1"]


def test_the_measured_best_size_is_read_at_each_decade_the_runs_cover():
    """Two runs, the smaller covering 10^-1.5 to 10^0.5 PF-days and the larger 10^-0.5 to 10^1.5
    (C = 6 N D): the decades -1, 0 and 1 are read; at 0.1 PF-days only the smaller run is there,
    at 1 both (the lower of their losses, 2.8 and 3.0, each interpolated linearly in log10 C), at 10 the
    larger; an empty frame has the same columns."""
    import pandas as pd

    rows = []
    for run_id, n, logc, losses in (("a", 1e6, [-1.5, -0.5, 0.5], [4.0, 3.0, 2.6]),
                                    ("b", 1e8, [-0.5, 0.5, 1.5], [3.5, 2.5, 2.0])):  # fmt: skip
        for step, (c, loss) in enumerate(zip(logc, losses, strict=True), 1):
            rows.append({"run_id": run_id, "params": n, "step": step, "loss_nats": loss,
                         "tokens": 10**c * 8.64e19 / (6 * n)})  # fmt: skip
    best = kaplan.measured_best_size(pd.DataFrame(rows))
    columns = ["compute (PF-days)", "runs reaching it", "best N", "its loss (nats/byte)"]
    assert list(best.columns) == columns
    assert best["compute (PF-days)"].tolist() == [0.1, 1.0, 10.0]
    assert best["runs reaching it"].tolist() == [1, 2, 1]
    assert best["best N"].tolist() == [1e6, 1e6, 1e8]  # at 1 PF-day: 2.8 (smaller) beats 3.0
    assert best["its loss (nats/byte)"].tolist() == pytest.approx([3.5, 2.8, 2.25], rel=1e-9)
    assert list(kaplan.measured_best_size(pd.DataFrame(rows).iloc[:0]).columns) == columns


def test_figure_2s_fitted_range_is_eq_5_6s_in_steps_at_the_papers_batch():
    """law_compute's mask on a grid of sizes and C_min, against Kaplan 2020 written out here:
    B_crit = B* / L^(1/alpha_B) (eq 5.3, Table 5: B* = 2.1e8 tokens, alpha_B = 0.21),
    S_min = C / (6 N B_crit) (eq 5.5, C in FLOPs = PF-days x 8.64e19), S = S_min (1 + B_crit / 2^19)
    (eq 5.4 at the paper's batch), and the range S >= 3000 steps, 768 <= N <= 1.5e9 (sections 2.2 and 3). The grid crosses
    every edge of the range."""
    sizes = np.logspace(2, 10.5, 35)
    C = np.logspace(-10, 2, 49)
    L, mask = kaplan.law_compute(sizes, C)
    B_crit = 2.1e8 / L ** (1 / 0.21)
    S = C[None, :] * 8.64e19 / (6 * sizes[:, None] * B_crit) * (1 + B_crit / 2**19)
    want = (S >= 3000) & (sizes[:, None] >= 768) & (sizes[:, None] <= 1.5e9)
    assert want.any() and not want.all() and (want != (S >= 3000)).any()
    np.testing.assert_array_equal(mask, want)


def test_measured_runs_come_smallest_first_each_in_step_order():
    runs = _two_runs()
    shuffled = runs.iloc[[5, 0, 3, 2, 4, 1]]  # the larger run's rows first, steps out of order
    got = kaplan.measured_by_run(shuffled)
    assert [n for n, _ in got] == [2e3, 2e5]
    assert [g["step"].tolist() for _, g in got] == [[1, 2, 3], [1, 2, 3]]
    assert [g["run_id"].unique().tolist() for _, g in got] == [["a"], ["b"]]
