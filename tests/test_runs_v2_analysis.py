"""Seed spread and learning-rate sweep analysis of the v2 study (scalinglaws.datasets.measured); no torch."""

import numpy as np
import pandas as pd
import pytest

from scalinglaws.datasets import measured


def _runs(rows):
    base = {k: None for k in measured.RUN_COLUMNS}
    base.update(study="v2-lr", corpus="prose", flops_budget=1e12, n_layer=1, d_model=24)
    base.update(beta2=0.95, lr=3e-3, seed=0, params=7056)
    return pd.DataFrame([{**base, **r} for r in rows], columns=measured.RUN_COLUMNS)


def test_seed_spread_is_the_sample_sd_and_range_per_configuration():
    losses = [2.4695, 2.4811, 2.4851, 2.4843]
    runs = _runs(
        [{"seed": s, "loss_nats": v} for s, v in enumerate(losses)]
        + [{"seed": 0, "loss_nats": 2.0, "lr": 1e-3}]  # a single seed: no spread
    )
    out = measured.seed_spread(runs)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["n_seeds"] == 4 and row["seeds"] == [0, 1, 2, 3]
    assert row["sd"] == pytest.approx(np.std(losses, ddof=1))
    assert row["range"] == pytest.approx(max(losses) - min(losses))


def test_lr_sweep_best_finds_the_parabola_vertex_and_flags_edges():
    grid = [1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2]
    true = 5e-3
    rows = [
        {"lr": lr, "loss_nats": 2.0 + 0.3 * (np.log10(lr) - np.log10(true)) ** 2, "params": 7056}
        for lr in grid
    ]
    rows += [{"lr": lr, "loss_nats": 3.0 - lr, "params": 2436} for lr in grid]  # best at the edge
    best = measured.lr_sweep_best(_runs(rows)).set_index("params")
    assert best.loc[7056, "lr_best"] == pytest.approx(true, rel=1e-9)  # exact for a parabola
    assert best.loc[7056, "loss_best"] == pytest.approx(2.0, abs=1e-12)
    assert not best.loc[7056, "edge"]
    assert best.loc[2436, "edge"] and best.loc[2436, "lr_best"] == pytest.approx(1.6e-2)


def test_fit_lr_rule_recovers_a_power_law():
    sizes = [2436, 7056, 16484, 38800]
    best = pd.DataFrame(
        {
            "params": sizes,
            "lr_best": [6e-3 * (n / 1e4) ** -0.35 for n in sizes],
            "edge": [False, False, False, True],
        }
    )
    best.loc[3, "lr_best"] = 1.0  # an edge row is ignored
    a, p = measured.fit_lr_rule(best)
    assert a == pytest.approx(6e-3) and p == pytest.approx(-0.35)
    with pytest.raises(ValueError, match="2 or more sizes"):
        measured.fit_lr_rule(best.iloc[:1])
