"""Hoffmann 2022 Fig 2 (Approach 1, section 3.1): the envelope recovers eq 4 from eq 2's curves,
takes measured tokens, uses only real runs, and draws the same figure twice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws import estimators
from scalinglaws.analysis import envelope
from scalinglaws.constants import HOFFMANN
from scalinglaws.core.kinds import (
    DERIVED_HERE,
    MEASURED_HERE,
    PUBLISHED_DATA,
    PUBLISHED_LAW,
    REFIT_HERE,
)
from scalinglaws.datasets import measured
from scalinglaws.figures import hoffmann2022_fig2
from scalinglaws.figures.style import save_figure
from scalinglaws.laws import chinchilla as ch
from tests.conftest import shared_scope

# 25 sizes from 75M to 10B are 1.22x apart, so at every FLOP value the envelope's N lies within
# a factor 1.105 of eq 4's optimum. Over the 4.7 decades of FLOPs where that optimum lies inside
# the family, such a staircase can tilt the fitted slope by at most 2 log10(1.105) / 4.7 = 0.018;
# the steps are regular, so the least-squares slope is much closer (about 5e-4). 0.01 is half the
# worst case.
TOL = 0.01


@pytest.fixture(scope=shared_scope)
def law():
    return envelope.law_envelope(25)


@pytest.mark.parametrize("fit", [HOFFMANN.approach3_tex, HOFFMANN.approach3_rounded])
def test_law_envelope_recovers_eq4_exponents(fit):
    env = envelope.law_envelope(25, fit)
    a, b = ch.frontier_exponents(fit)
    assert env.fitted.N_opt.exponent == pytest.approx(a, abs=TOL)
    assert env.fitted.D_opt.exponent == pytest.approx(b, abs=TOL)
    # ... and only over the range where the optimum is inside the family: over all of
    # 1e17-1e23 the end members flatten the staircase and the slope is biased low.
    assert env.drawn.N_opt.exponent < a - 2 * TOL


def test_law_fit_range_is_where_the_optimum_is_inside_the_family(law):
    # the declared rule (the winner has a size on each side) on eq 2's curves: inside the range
    # where eq 4's optimum lies within the family, by less than one size step at each end
    lo, hi = law.flops_range
    a_lo, a_hi = envelope.law_fit_range(law.fit)
    step = (envelope.SIZE_RANGE[1] / envelope.SIZE_RANGE[0]) ** (1 / (law.sizes.size - 1))
    n_lo, n_hi = ch.optimal_N([lo, hi], law.fit)
    assert a_lo <= lo < hi <= a_hi
    assert n_lo / envelope.SIZE_RANGE[0] <= step and envelope.SIZE_RANGE[1] / n_hi <= step
    assert envelope.CURVE_FLOPS[0] < lo < hi < envelope.CURVE_FLOPS[1]
    with pytest.raises(ValueError, match=r"'n_sizes' must be an integer in \[3, 200\], got 2"):
        envelope.law_envelope(2)


def test_approach1_returns_the_curves_tokens():
    # FLOPs counted exactly: C = 7.5 N D here, not 6 N D; the envelope must report the tokens
    # the curves give (interpolated in log FLOPs: exact for a power law), not C / 6N.
    curves = []
    for N, L0 in ((1e3, 0.0), (4e3, 0.3)):
        D = np.geomspace(1e5, 1e8, 50)
        C = 7.5 * N * D
        curves.append((N, C, 2.0 + L0 + 50 / D**0.3 - 0.2 * np.log10(N), D))
    r = estimators.approach1(curves=curves, n_flops=200)
    np.testing.assert_allclose(r.D, r.flops / (7.5 * r.N), rtol=1e-9)
    r3 = estimators.approach1(curves=[c[:3] for c in curves], n_flops=200)
    np.testing.assert_allclose(r3.D, r3.flops / (6 * r3.N), rtol=1e-12)


def _synthetic_curves(sizes=(1e3, 3e3, 1e4, 3e4)) -> pd.DataFrame:
    """Learning curves of 4 sizes x 3 cosine horizons: loss falls with tokens and size, plus a
    penalty that vanishes at the end of each horizon (the learning rate decayed)."""
    rows = []
    for N in sizes:
        for horizon in (3e5, 1e6, 3e6):
            D = np.geomspace(2e3, horizon, 30)
            loss = 1.5 + 30 / N**0.3 + 40 / D**0.3 + 0.3 * (1 - D / horizon)
            for k, (d, l_) in enumerate(zip(D, loss, strict=True)):
                rows.append({
                    "run_id": f"N{N:.0e}-D{horizon:.0e}", "study": "isoflop", "corpus": "prose",
                    "params": N, "params_total": N + 5e4, "flops_budget": 7 * N * horizon,
                    "step": k, "tokens": d, "flops": 7 * N * d, "loss_nats": l_,
                })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope=shared_scope)
def synthetic():
    return envelope.measured_envelope(_synthetic_curves(), n_bootstrap=50, seed=1, n_flops=300)


def test_measured_envelope_on_synthetic_curves(synthetic):
    m = synthetic
    assert len(m.runs) == 12
    assert m.flops_range[0] == m.runs["flops_final"].min()
    assert np.all((m.position > 0) & (m.position <= 1 + 1e-12))
    # winners are the curves' own: same N, and the tokens they report are the curves' tokens
    np.testing.assert_array_equal(m.runs["params"].to_numpy()[m.winner], m.fitted.N)
    # N counts embeddings (params_total = params + 5e4 in these curves); C = 7 x params x D
    np.testing.assert_allclose(m.fitted.D, m.fitted.flops / (7 * (m.fitted.N - 5e4)), rtol=1e-9)
    iv = m.fitted.N_opt.exponent_interval
    assert iv is not None and iv[0] <= iv[1] and m.n_bootstrap == 50
    again = envelope.measured_envelope(_synthetic_curves(), n_bootstrap=50, seed=1, n_flops=300)
    assert again.fitted.N_opt.exponent_interval == iv  # seeded Generator


def test_measured_fit_range_checks():
    # 3 sizes x 3 horizons (1e10, 1e11, 1e12 FLOPs); the optimal log10 N is (log10 C - 9) 2/3, so
    # the middle size (N 10) wins for log10 C in [9.75, 11.25]; the first run ends at 1e10
    tuples, rows = [], []
    for N in (1, 10, 100):
        for H in (1e10, 1e11, 1e12):
            C = np.geomspace(1e9, H, 200)
            tuples.append((N, C, 2 + ((np.log10(C) - 9) * 2 / 3 - np.log10(N)) ** 2))
            rows.append({"params": N, "flops_final": H})
    runs = pd.DataFrame(rows)
    lo, hi = envelope.measured_fit_range(runs, tuples, 2)
    assert lo == pytest.approx(1e10) and np.log10(hi) == pytest.approx(11.25, abs=0.01)
    with pytest.raises(ValueError, match=r"'min_sizes' must be an integer in \[2, 20\], got 1"):
        envelope.measured_fit_range(runs, tuples, 1)
    with pytest.raises(estimators.FitError, match="sizes"):
        envelope.measured_fit_range(runs, tuples, 4)


def test_measured_envelope_uses_only_real_runs():
    curves = envelope.prose_curves()
    if curves.empty:
        pytest.skip("no measured prose learning curves in data/runs/")
    m = envelope.measured_envelope(curves)
    runs = measured.load_runs(envelope.RESULTS)
    real = runs[(runs["corpus"] == "prose") & runs["study"].isin(envelope.STUDIES)]
    assert set(m.runs["run_id"]) <= set(real["run_id"])
    assert m.fitted.flops.size > 0 and set(np.unique(m.fitted.N)) <= set(real["params_total"])
    # the optimal size grows with compute, roughly: positive exponent, and larger N in the
    # upper half of the fitted range than in the lower half
    assert m.fitted.N_opt.exponent > 0
    half = m.fitted.flops > np.sqrt(np.prod(m.flops_range))
    assert np.median(m.fitted.N[half]) >= np.median(m.fitted.N[~half])
    assert 0 <= envelope.last_fraction(m) <= 1
    table = envelope.winner_table(m)
    assert table["share of points"].sum() == pytest.approx(1.0, abs=0.01)
    # with no curves given, the same prose curves
    default = envelope.measured_envelope()
    assert list(default.runs["run_id"]) == list(m.runs["run_id"])
    assert default.fitted.N_opt.exponent == m.fitted.N_opt.exponent


def test_tables(law, synthetic):
    t = envelope.exponent_table(law, synthetic)
    assert list(t["a (N_opt ~ C^a)"])[2] == "0.500 (0.488, 0.502)"  # Table 2, Approach 1
    assert list(t["b (D_opt ~ C^b)"])[2] == "0.500 (0.501, 0.512)"
    assert t.shape == (5, 3)  # the last row: footnote 4's points only
    assert "last 15%" in list(t["series"])[4]
    text = envelope.summary(law, synthetic)
    assert "last 15%" in text and "0.500 (0.488, 0.502)" in text


def test_figure2_draws_every_kind_and_is_deterministic(law, synthetic, tmp_path):
    import matplotlib.pyplot as plt

    fig = hoffmann2022_fig2.figure2(law, synthetic)
    axes = fig.axes
    labels = [t.get_text() for ax in axes[:8] if ax.get_legend() for t in ax.get_legend().texts]
    for kind in (PUBLISHED_LAW, PUBLISHED_DATA, MEASURED_HERE, DERIVED_HERE, REFIT_HERE):
        assert any(s.startswith(kind) for s in labels), kind
    # the envelope of eq 2 is derived here; the line through Table 3 is fitted here
    assert not any(s.startswith(f"{PUBLISHED_LAW} (envelope") for s in labels), labels
    assert any(s.startswith(f"{REFIT_HERE} (power law fitted to Table 3") for s in labels)
    curves_ax = axes[0]
    assert len(curves_ax.lines) >= law.sizes.size + 2  # one per size, envelope in and out
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert "67B" in texts and "1.5T" in texts  # Table 3 at Gopher's budget
    digests = []
    for i in range(2):
        fig = hoffmann2022_fig2.figure2(law, synthetic)
        (png,) = save_figure(fig, "fig2", ["png"], tmp_path / str(i))
        digests.append(png.read_bytes())
        plt.close(fig)
    assert digests[0] == digests[1]


def test_the_declared_range_is_where_the_winner_is_bracketed():
    # synthetic curves, 5 sizes each trained over the same FLOPs: the loss-optimal size grows with
    # C, so the smallest size wins at first and the largest at the end: neither stretch is fitted
    C = np.geomspace(1e7, 1e12, 200)
    sizes = np.geomspace(1e3, 1e5, 5)
    curves = [(N, C, 1.5 + 30 / N**0.3 + 40 / (C / (6 * N)) ** 0.3) for N in sizes]
    lo, hi = estimators.bracketed_range(curves=curves, n_flops=400)
    env = estimators.approach1(curves=curves, n_flops=400)
    inside = (env.flops >= lo) & (env.flops <= hi)
    assert set(env.N[inside]) <= set(sizes[1:-1])
    assert sizes[0] in env.N[env.flops < lo] and sizes[-1] in env.N[env.flops > hi]
    # every size reaches every grid value here, so the range's ends are exactly the first and the
    # last grid values won by an inner size (the same grid: no range was given to either)
    inner = env.flops[np.isin(env.N, sizes[1:-1])]
    assert (lo, hi) == (pytest.approx(inner[0], rel=1e-12), pytest.approx(inner[-1], rel=1e-12))
    # the declared set of ranges moves each end inward only
    for r_lo, r_hi in estimators.range_variants((lo, hi)):
        assert lo <= r_lo < r_hi <= hi
    assert len(estimators.range_variants((lo, hi))) == 9


def test_range_variants_move_each_end_inward_by_each_share_of_the_log_width():
    """range_variants: (lo (hi/lo)^a, hi (lo/hi)^b) for every pair of shifts a, b, in that order."""
    lo, hi = 1e18, 1e21
    got = estimators.range_variants((lo, hi), shifts=(0.0, 0.1, 0.5))
    want = [
        (lo * (hi / lo) ** a, hi * (lo / hi) ** b) for a in (0.0, 0.1, 0.5) for b in (0.0, 0.1, 0.5)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_without_a_range_the_envelopes_grid_runs_from_the_first_to_the_last_flops():
    """approach1 with no flops_range: its grid spans the earliest first FLOPs of any curve to the
    latest last FLOPs, so the envelope's first and last points are there."""
    sizes = np.geomspace(1e3, 1e5, 5)
    curves = [
        (
            N,
            np.geomspace(1e9 * N / 1e3, 1e12 * N / 1e3, 40),
        )
        for N in sizes
    ]
    curves = [(N, C, 1.5 + 30 / N**0.3 + 40 / (C / (6 * N)) ** 0.3) for N, C in curves]
    env = estimators.approach1(curves=curves, n_flops=100)
    assert env.flops[0] == pytest.approx(1e9, rel=1e-12)
    assert env.flops[-1] == pytest.approx(1e14, rel=1e-12)
    assert env.N[0] == sizes[0] and env.N[-1] == sizes[-1]


def test_last_part_keeps_a_curve_whose_cut_falls_between_its_first_two_points():
    """A curve is dropped only when its cut at 85% of its final FLOPs comes before its first point;
    a cut between its first and second points keeps it, starting at the interpolated cut."""
    C, L = np.array([10.0, 90.0, 100.0]), np.array([4.0, 3.0, 2.9])
    ((_, c, l_),) = estimators.last_part([(1.0, C, L)])
    assert list(c) == [85.0, 90.0, 100.0] and l_[0] == pytest.approx(
        np.interp(np.log(85.0), np.log(C), L), rel=1e-12
    )
    assert estimators.last_part([(1.0, np.array([86.0, 100.0]), np.array([3.0, 2.9]))]) == []


def test_last_part_keeps_the_last_15_percent_of_each_curve():
    C = np.geomspace(1e10, 1e12, 20)
    L = 3 - 0.1 * np.log10(C)
    ((N, c, l_, d),) = estimators.last_part([(1e4, C, L, C / 6e4)])
    assert c[0] == pytest.approx(0.85 * C[-1]) and c[-1] == C[-1]
    assert l_[0] == pytest.approx(3 - 0.1 * np.log10(0.85e12), rel=1e-12)  # exact: linear in log C
    assert d[0] == pytest.approx(0.85e12 / 6e4, rel=1e-9)


def test_a_resample_won_by_one_size_has_an_exponent_of_exactly_zero():
    """A resample holding one curve: its envelope is that size at every FLOP value, so N_opt does
    not move with C and a is 0 exactly, not the rounding of a sum (which differs by CPU)."""
    C = np.geomspace(1e18, 1e20, 40)
    curves = [
        (n, C * n / 1e8, 2.0 + 1e3 / (C * n / 1e8) ** 0.2, C * n / 1e8 / (6 * n))
        for n in (1e8, 3e8, 1e9)
    ]
    counts = np.array([[0, 3, 0], [1, 1, 1]])
    reps, failed = estimators.bootstrap_approach1(curves=curves, counts=counts)
    assert not failed[0] and reps[0, 0] == 0.0
    assert reps[1, 0] != 0.0  # three sizes: an exponent


def _tenth_and_ninetieth(x: np.ndarray) -> tuple[float, float]:
    """Table 2's interval of replicates x: the 10th and 90th percentiles, by linear interpolation
    between order statistics (position p (n - 1) of the sorted values), written out."""
    s = np.sort(x)
    out = []
    for p in (0.10, 0.90):
        k = p * (len(s) - 1)
        i = int(np.floor(k))
        out.append(float(s[i] + (k - i) * (s[min(i + 1, len(s) - 1)] - s[i])))
    return out[0], out[1]


def test_measured_envelopes_parts_are_the_documented_computations():
    """measured_envelope() on synthetic curves of 6 sizes against what its docstring says, part by
    part: the drawn envelope spans every curve's FLOPs on n_flops points, the fitted one lies inside
    the declared range of min_sizes = 3 sizes (4 gives another range here), the last-15% envelope
    over the same range, positions are C / the winner's final FLOPs, and each interval is the
    10th-90th percentile of the replicates drawn from the named streams "envelope.bootstrap" and
    "envelope.bootstrap.last15" of the seed (default 0)."""
    from scalinglaws.core.rng import stream

    curves = _synthetic_curves((1e3, 3e3, 1e4, 3e4, 1e5, 3e5))
    runs, tuples = envelope._curve_tuples(curves)
    lo, hi = envelope.measured_fit_range(runs, tuples, 3)
    assert envelope.measured_fit_range(runs, tuples, 4) != (lo, hi)  # so the default is seen
    assert envelope.measured_fit_range(runs, tuples) == (lo, hi)
    plain = envelope.measured_envelope(curves, n_flops=300)
    assert plain.flops_range == (lo, hi) and plain.curves is curves
    four = envelope.measured_envelope(curves, n_flops=300, min_sizes=4)
    assert four.flops_range == envelope.measured_fit_range(runs, tuples, 4)
    assert plain.n_bootstrap == 0 and plain.n_failed == 0
    assert (
        plain.fitted.N_opt.exponent_interval is None
        and plain.last15.N_opt.exponent_interval is None
    )
    first, final = runs["flops_first"].min(), runs["flops_final"].max()
    assert plain.drawn.flops.size == 300 and plain.fitted.flops.size == 300
    assert plain.drawn.flops[0] == pytest.approx(first, rel=1e-12)
    assert plain.drawn.flops[-1] == pytest.approx(final, rel=1e-12)
    assert plain.fitted.flops[0] == pytest.approx(lo, rel=1e-12)
    assert plain.fitted.flops[-1] == pytest.approx(hi, rel=1e-12)
    assert lo <= plain.last15.flops.min() and plain.last15.flops.max() <= hi * (1 + 1e-12)
    np.testing.assert_array_equal(plain.winner, plain.fitted.curve)
    np.testing.assert_allclose(
        plain.position,
        plain.fitted.flops / runs["flops_final"].to_numpy()[plain.winner],
        rtol=1e-15,
    )
    # the last-15% envelope only takes points in the last 15% of their run
    last = estimators.approach1(
        curves=estimators.last_part(tuples), n_flops=300, flops_range=(lo, hi)
    )
    np.testing.assert_array_equal(plain.last15.flops, last.flops)
    np.testing.assert_array_equal(plain.last15.N, last.N)
    assert plain.last15.N_opt.exponent == last.N_opt.exponent

    n = 40
    boot = envelope.measured_envelope(curves, n_bootstrap=n, n_flops=300)
    assert boot.n_bootstrap == n
    ranges = estimators.range_variants((lo, hi))
    for key, parts, result in (
        ("envelope.bootstrap", tuples, boot.fitted),
        ("envelope.bootstrap.last15", estimators.last_part(tuples), boot.last15),
    ):
        counts = envelope.resample_counts(stream(0, key), len(parts), n)
        reps, failed = estimators.bootstrap_over_ranges(curves=parts, counts=counts, ranges=ranges,
                                                        n_flops=300)  # fmt: skip
        if key == "envelope.bootstrap":
            assert boot.n_failed == int(failed.sum())
        ok = reps[~failed]
        assert result.N_opt.exponent_interval == pytest.approx(
            _tenth_and_ninetieth(ok[:, 0]), rel=1e-12
        )
        assert result.D_opt.exponent_interval == pytest.approx(
            _tenth_and_ninetieth(ok[:, 1]), rel=1e-12
        )
        # the point estimates are the plain envelope's: the bootstrap only adds the interval
        assert (
            result.N_opt.exponent
            == (plain.fitted if key == "envelope.bootstrap" else plain.last15).N_opt.exponent
        )
    other = envelope.measured_envelope(curves, n_bootstrap=n, n_flops=300, seed=1)
    assert other.fitted.N_opt.exponent_interval != boot.fitted.N_opt.exponent_interval


def test_the_measured_envelope_needs_two_curves():
    curves = _synthetic_curves()
    one = curves[curves["run_id"] == curves["run_id"].iloc[0]]
    with pytest.raises(estimators.FitError, match=r"needs >= 2 measured learning curves, got 1$"):
        envelope.measured_envelope(one)
    # two curves of two sizes pass that check (and then meet the range's own rule)
    two = curves[curves["run_id"].isin(["N1e+03-D3e+06", "N3e+03-D3e+06"])]
    with pytest.raises(estimators.FitError, match="size on each side"):
        envelope.measured_envelope(two)


def test_winner_table_writes_each_winning_run_as_its_columns_say():
    """One row per run that wins some point of the fitted envelope, in the order of the FLOPs where
    it first wins (index 0, 1, ...), each cell written out by the column's rule; a run with no
    FLOP budget shows "-". The runs are listed largest first, so the runs table's order is not
    the order of the FLOPs they win."""
    curves = _synthetic_curves((1e3, 3e3, 1e4, 3e4, 1e5, 3e5)).iloc[::-1].reset_index(drop=True)
    curves.loc[curves["run_id"] == "N1e+05-D3e+05", "flops_budget"] = np.nan
    m = envelope.measured_envelope(curves, n_flops=300)
    t = envelope.winner_table(m)
    assert list(t.columns) == ["run_id", "study", "N (with embeddings)", "FLOP budget", "final FLOPs",
                               "wins FLOPs", "share of points", "position in training", "in last 15%"]  # fmt: skip
    first = {}
    for k, j in enumerate(m.winner):
        first.setdefault(int(j), k)
    order = sorted(first, key=first.get)  # winners by the first envelope point they win
    assert list(t.index) == list(range(len(order)))
    assert list(t["run_id"]) == [m.runs["run_id"].iloc[j] for j in order]
    assert order != sorted(order) and "N1e+05-D3e+05" in set(t["run_id"])
    for row, j in zip(t.itertuples(index=False), order, strict=True):
        run = m.runs.iloc[j]
        pts = np.flatnonzero(m.winner == j)
        C, pos = m.fitted.flops[pts], m.position[pts]
        assert row[1] == "isoflop" and row[2] == int(run["params"])
        assert row[3] == ("-" if run["run_id"] == "N1e+05-D3e+05" else f"{run['flops_budget']:.0e}")
        assert row[4] == f"{run['flops_final']:.3g}"
        assert row[5] == f"{C.min():.3g} - {C.max():.3g}"
        assert row[6] == round(pts.size / m.winner.size, 3)
        assert row[7] == f"{pos.min():.2f} - {pos.max():.2f}"
        assert row[8] == round(float(np.mean(pos >= 1 - envelope.LAST_FRACTION)), 3)
    assert sum(t["share of points"]) == pytest.approx(1, abs=0.0005 * len(t))


def test_curve_tuples_list_runs_in_order_of_appearance_with_their_points_sorted():
    """_curve_tuples on rows out of order: runs in the order they first appear (not sorted by
    name), each curve's points sorted by FLOPs, the run's first and last FLOPs, and a run logged
    once (one point) kept with first = final."""
    rows = [
        # run "b" first, its points out of order; then "a", logged once
        {"run_id": "b", "study": "s2", "params_total": 20.0, "flops_budget": 3e9, "flops": 2e9,
         "loss_nats": 2.0, "tokens": 200.0},
        {"run_id": "b", "study": "s2", "params_total": 20.0, "flops_budget": 3e9, "flops": 1e9,
         "loss_nats": 3.0, "tokens": 100.0},
        {"run_id": "a", "study": "s1", "params_total": 10.0, "flops_budget": np.nan, "flops": 5e8,
         "loss_nats": 4.0, "tokens": 50.0},
    ]  # fmt: skip
    runs, tuples = envelope._curve_tuples(pd.DataFrame(rows))
    assert list(runs.columns) == [
        "run_id",
        "study",
        "params",
        "flops_budget",
        "flops_first",
        "flops_final",
    ]
    assert list(runs["run_id"]) == ["b", "a"] and list(runs["study"]) == ["s2", "s1"]
    assert list(runs["params"]) == [20.0, 10.0]
    assert runs["flops_budget"].iloc[0] == 3e9 and np.isnan(runs["flops_budget"].iloc[1])
    assert list(runs["flops_first"]) == [1e9, 5e8] and list(runs["flops_final"]) == [2e9, 5e8]
    (n_b, c_b, l_b, d_b), (n_a, c_a, l_a, d_a) = tuples
    assert (n_b, n_a) == (20.0, 10.0)
    assert list(c_b) == [1e9, 2e9] and list(l_b) == [3.0, 2.0] and list(d_b) == [100.0, 200.0]
    assert list(c_a) == [5e8] and list(l_a) == [4.0] and list(d_a) == [50.0]


def test_the_summary_says_each_number_and_only_the_parts_it_has(law, synthetic):
    """The three sentences of Fig 2's numbers: the law's exponents and its envelope's fit range,
    the measured envelope's range and exponents with their bootstrap interval (said only when
    there is one), Table 2's, and the share of points in the last 15% (footnote 4), with the
    last-15% envelope's exponents only when there is one."""
    a, b = ch.frontier_exponents(law.fit)
    text = envelope.summary(law, synthetic)
    lines = text.splitlines()
    assert len(lines) == 3
    assert f"eq 4 gives a = {a:.3f}, b = {b:.3f}" in lines[0]
    lo, hi = law.flops_range
    assert f"over {law.sizes.size} sizes, fitted over {lo:.2g}-{hi:.2g} FLOPs" in lines[0]
    m = synthetic.fitted
    (a_lo, a_hi), (b_lo, b_hi) = m.N_opt.exponent_interval, m.D_opt.exponent_interval
    assert f"a = {m.N_opt.exponent:.3f} ({a_lo:.3f}, {a_hi:.3f})" in lines[1]
    assert f"b = {m.D_opt.exponent:.3f} ({b_lo:.3f}, {b_hi:.3f})" in lines[1]
    assert "(10th-90th pct of 50 bootstrap replicates over runs and over 9 fit ranges, each end " \
           "moved inward by 0, 1/8 or 1/4 of the range)" in lines[1]  # fmt: skip
    s_lo, s_hi = synthetic.flops_range
    assert f"envelope fitted over {s_lo:.2g}-{s_hi:.2g} FLOPs" in lines[1]
    assert "Table 2, Approach 1: a = 0.500 (0.488, 0.502), b = 0.500 (0.501, 0.512)." in lines[1]
    share = 100 * np.mean(synthetic.position >= 1 - envelope.LAST_FRACTION)
    assert lines[2].startswith(
        f"{share:.1f}% of the measured envelope's points lie in the last 15% "
    )
    l15 = synthetic.last15
    assert lines[2].endswith(f"Points in the last 15% of their run only: a = {l15.N_opt.exponent:.3f}, "
                             f"b = {l15.D_opt.exponent:.3f}.")  # fmt: skip
    from dataclasses import replace

    bare = replace(synthetic, n_bootstrap=0, last15=None,
                   fitted=replace(m, N_opt=replace(m.N_opt, exponent_interval=None),
                                  D_opt=replace(m.D_opt, exponent_interval=None)))  # fmt: skip
    lines = envelope.summary(law, bare).splitlines()
    assert (
        "bootstrap" not in lines[1]
        and f"a = {m.N_opt.exponent:.3f}, b = {m.D_opt.exponent:.3f}; Table 2" in lines[1]
    )
    assert lines[2].endswith("(footnote 4: all of the paper's).")


def test_law_envelope_is_eq2_on_the_figures_grid():
    """law_envelope(): 25 sizes (default) log-spaced over Fig 2's 75M-10B, 400 FLOP values over
    1e17-1e23, each curve eq 2's loss E + A/N^alpha + B/D^beta at D = C / 6N (written out), the
    drawn envelope on n_flops points over all of them, the fitted one over the bracketed range."""
    fit = HOFFMANN.approach3_rounded
    env = envelope.law_envelope(fit=fit, n_flops=200)
    np.testing.assert_allclose(env.sizes, np.geomspace(75e6, 10e9, 25), rtol=1e-15)
    assert (
        env.flops.size == 400
        and env.flops[0] == pytest.approx(1e17)
        and env.flops[-1] == pytest.approx(1e23)
    )
    N, C = env.sizes[:, None], env.flops[None, :]
    eq2 = fit.E + fit.A / N**fit.alpha + fit.B / (C / (6 * N)) ** fit.beta
    np.testing.assert_allclose(env.loss, eq2, rtol=1e-12)
    assert env.drawn.flops.size == 200
    assert env.drawn.flops[0] == pytest.approx(1e17) and env.drawn.flops[-1] == pytest.approx(1e23)
    curves = [(n, env.flops, row) for n, row in zip(env.sizes, env.loss, strict=True)]
    assert env.flops_range == estimators.bracketed_range(curves=curves, n_flops=200)
    lo, hi = env.flops_range
    assert env.fitted.flops.size == 200
    assert env.fitted.flops[0] == pytest.approx(lo) and env.fitted.flops[-1] == pytest.approx(hi)
    # the fit range of another fit is that fit's: eq 4's N_opt is the family's ends there
    f_lo, f_hi = envelope.law_fit_range(fit)
    assert ch.optimal_N(f_lo, fit) == pytest.approx(75e6, rel=1e-9)
    assert ch.optimal_N(f_hi, fit) == pytest.approx(10e9, rel=1e-9)
    assert envelope.law_fit_range(fit) != envelope.law_fit_range(HOFFMANN.approach3_tex)


def test_prose_curves_keep_the_prose_isoflop_rows_sorted():
    rows = [
        {"corpus": "prose", "study": "v2-isoflop", "params_total": 30, "run_id": "b", "step": 2},
        {"corpus": "code", "study": "v2-isoflop", "params_total": 10, "run_id": "c", "step": 1},
        {"corpus": "prose", "study": "v2-isoflop", "params_total": 30, "run_id": "b", "step": 1},
        {"corpus": "prose", "study": "v2-lr", "params_total": 10, "run_id": "d", "step": 1},
        {"corpus": "prose", "study": "v2-isoflop", "params_total": 20, "run_id": "a", "step": 5},
    ]
    out = envelope.prose_curves(pd.DataFrame(rows))
    assert list(out.columns) == ["corpus", "study", "params_total", "run_id", "step"]
    assert list(out.index) == [0, 1, 2]
    assert list(zip(out["run_id"], out["step"], strict=True)) == [("a", 5), ("b", 1), ("b", 2)]


def test_resample_counts_draw_every_curve_alike():
    """Counts of n curves in resamples with replacement: each row sums to n and is the bincount of
    one integers(0, n, n) draw of the Generator; over many rows each curve is drawn n_bootstrap
    times on average (the first and the last too)."""
    from scalinglaws.core.rng import stream

    counts = envelope.resample_counts(stream(3, "envelope.bootstrap"), 5, 4000)
    assert counts.shape == (4000, 5) and (counts.sum(axis=1) == 5).all()
    rng = stream(3, "envelope.bootstrap")
    np.testing.assert_array_equal(counts[0], np.bincount(rng.integers(0, 5, 5), minlength=5))
    # each mean is 1 with sd sqrt(0.8 / 4000) = 0.014: 5 sd is 0.071
    np.testing.assert_allclose(counts.mean(axis=0), 1.0, atol=0.071)


def test_the_exponent_table_prints_each_series(law, synthetic):
    """Fig 2's exponent table, each cell from its source: eq 4 of the fit, the law's envelope,
    Table 2's Approach 1 with its printed interval, the measured envelope with its bootstrap
    interval, and the last-15% envelope (footnote 4)."""
    a, b = ch.frontier_exponents(law.fit)
    m, l15 = synthetic.fitted, synthetic.last15
    t = envelope.exponent_table(law, synthetic)
    assert list(t.columns) == ["series", "a (N_opt ~ C^a)", "b (D_opt ~ C^b)"]

    def iv(p):
        return f"{p.exponent:.3f} ({p.exponent_interval[0]:.3f}, {p.exponent_interval[1]:.3f})"

    assert t.values.tolist() == [
        ["eq 4, App. D.2 fit (published law)", f"{a:.3f}", f"{b:.3f}"],
        ["Approach 1 envelope of eq 2 over 25 sizes (published law)",
         f"{law.fitted.N_opt.exponent:.3f}", f"{law.fitted.D_opt.exponent:.3f}"],
        ["Approach 1 [Table 2] (published)", "0.500 (0.488, 0.502)", "0.500 (0.501, 0.512)"],
        ["Approach 1 envelope, measured here (12 prose runs)", iv(m.N_opt), iv(m.D_opt)],
        ["the same, points in the last 15% of their run only (footnote 4)",
         f"{l15.N_opt.exponent:.3f}", f"{l15.D_opt.exponent:.3f}"],
    ]  # fmt: skip
    assert envelope.last_fraction(synthetic) == float(np.mean(synthetic.position >= 0.85))
    from dataclasses import replace

    assert len(envelope.exponent_table(law, replace(synthetic, last15=None))) == 4


def test_replicate_i_is_fitted_over_range_i_mod_k():
    """bootstrap_over_ranges: replicate i is bootstrap_approach1 of its counts over
    ranges[i % len(ranges)], each one alone."""
    runs, curves = envelope._curve_tuples(_synthetic_curves((1e3, 3e3, 1e4, 3e4, 1e5, 3e5)))
    n = len(curves)
    counts = np.stack(
        [np.bincount(np.random.default_rng(k).integers(0, n, n), minlength=n) for k in range(5)]
    )
    ranges = estimators.range_variants(
        envelope.measured_fit_range(runs, curves), shifts=(0.0, 0.25)
    )
    reps, failed = estimators.bootstrap_over_ranges(
        curves=curves, counts=counts, ranges=ranges, n_flops=200
    )
    for i in range(5):
        alone, f1 = estimators.bootstrap_approach1(curves=curves, counts=counts[i : i + 1],
                                                   flops_range=ranges[i % len(ranges)], n_flops=200)  # fmt: skip
        np.testing.assert_array_equal(reps[i], alone[0])
        assert failed[i] == f1[0]


def test_last_part_starts_at_a_point_that_sits_on_the_cut_once():
    """A curve with a point exactly at 85% of its final FLOPs: that point starts the last 15%,
    once (not also as the interpolated start)."""
    C = np.array([10.0, 50.0, 85.0, 100.0])
    L = np.array([4.0, 3.0, 2.5, 2.4])
    assert 0.85 * C[-1] == 85.0
    ((_, c, l_),) = estimators.last_part([(1.0, C, L)])
    assert list(c) == [85.0, 100.0] and list(l_) == [2.5, 2.4]


def test_a_resample_whose_envelope_has_one_point_fails_alone():
    """Three long curves and one that spans a single point of the FLOP grid: a resample holding
    only the short curve has an envelope of one point, so it fails (NaN, flagged), while the
    resamples beside it in the same chunk do not; the failed mask is boolean, as a mask must be."""
    C = np.geomspace(1e18, 1e20, 40)
    curves = [(n, C * n / 1e8, 2.0 + 1e3 / (C * n / 1e8) ** 0.2, C * n / 1e8 / (6 * n))
              for n in (1e8, 3e8, 1e9)]  # fmt: skip
    c = np.array([1e19, 1.0005e19])  # well inside one step of the 1500-point grid
    curves.append((5e8, c, 2.0 + 1e3 / c**0.2, c / 3e9))
    counts = np.array([[1, 1, 1, 0], [0, 0, 0, 2], [1, 1, 1, 1]])
    reps, failed = estimators.bootstrap_approach1(curves=curves, counts=counts)
    assert failed.dtype == bool and failed.tolist() == [False, True, False]
    assert np.isnan(reps[1]).all() and np.isfinite(reps[[0, 2]]).all()
    with pytest.raises(estimators.FitError):
        estimators.approach1(curves=[curves[3]])  # the envelope of the short curve alone


@pytest.mark.badinput
@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 5)])
def test_bootstrap_approach1_refuses_counts_of_another_shape(shape):
    C = np.geomspace(1e18, 1e20, 40)
    curves = [(n, C * n / 1e8, 2.0 + 1e3 / (C * n / 1e8) ** 0.2) for n in (1e8, 3e8, 1e9, 3e9)]
    import re

    words = f"counts must have shape (R, 4), got {shape}"
    with pytest.raises(ValueError, match=f"^{re.escape(words)}$"):
        estimators.bootstrap_approach1(curves=curves, counts=np.ones(shape, int))


@pytest.mark.badinput
def test_the_envelopes_inputs_and_ranges_say_what_is_wrong():
    C = np.geomspace(1e18, 1e20, 10)
    one = (1e8, C, 3 - 0.1 * np.log10(C))
    with pytest.raises(
        estimators.FitError, match=r"^Approach 1 needs at least 2 training curves, got 1$"
    ):
        estimators.approach1(curves=[one])
    bad = (2e8, C, np.where(np.arange(10) == 3, -1.0, 2.5))
    with pytest.raises(ValueError, match=r"^curves\[1\] loss must be > 0 everywhere, got min -1$"):
        estimators.approach1(curves=[one, bad])
    with pytest.raises(ValueError, match=r"^curves\[0\] must be \(N, C, L\) or \(N, C, L, D\)$"):
        estimators.approach1(curves=[one[:2], one])
    with pytest.raises(
        estimators.FitError, match=r"^no FLOP range for the envelope fit: \[1e\+20, 1e\+20\]$"
    ):
        estimators.fit_range(N=[1e8, 2e8, 4e8], C_final=[1e20, 1e20, 1e20])


@pytest.mark.badinput
def test_the_fit_range_names_its_inputs_and_the_bracket_needs_three_sizes():
    with pytest.raises(ValueError, match=r"^N \(params\) must be > 0 everywhere, got min -1$"):
        estimators.fit_range(N=[-1.0, 2e8, 4e8], C_final=[1e20, 2e20, 3e20])
    msg = r"^C_final \(flops\) must have 3 values \(one per run\), got 2$"
    with pytest.raises(ValueError, match=msg):
        estimators.fit_range(N=[1e8, 2e8, 4e8], C_final=[1e20, 2e20])
    C = np.geomspace(1e7, 1e12, 50)
    two = [(N, C, 1.5 + 30 / N**0.3 + 40 / (C / (6 * N)) ** 0.3) for N in (1e3, 1e5)]
    msg = r"^no FLOP value at which the envelope's winner has a size on each side$"
    with pytest.raises(estimators.FitError, match=msg):
        estimators.bracketed_range(curves=two, n_flops=50)
