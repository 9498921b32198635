"""Counting conventions (analysis.conventions): oracles are invariances of eq 2's fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.analysis import conventions
from scalinglaws.laws import chinchilla


def _runs(flops_per_token=None) -> pd.DataFrame:
    """Final losses exactly on Hoffmann's eq 2 (App. D.2 rounded constants) over a grid."""
    N, D = np.meshgrid(np.geomspace(1e8, 1e10, 6), np.geomspace(2e9, 2e11, 6))
    N, D = N.ravel(), D.ravel()
    out = pd.DataFrame({"params": N, "tokens": D, "loss": chinchilla.loss(N, D)})
    out["params_non_embedding"] = 0.8 * N
    if flops_per_token is not None:
        out["flops"] = flops_per_token(N) * D
    return out


def test_effective_count_equals_total_when_flops_are_6nd():
    runs = _runs(lambda N: 6.0 * N)
    total = conventions.refit(runs, "total")
    eff = conventions.refit(runs, "effective")
    assert eff["a"] == total["a"] and eff["tokens_per_param"] == total["tokens_per_param"]
    assert "the same fit as total" in eff["note"]


def test_a_scaled_count_leaves_the_exponents_and_recovers_eq2s():
    """N x 0.8 is absorbed by A: a and b do not move, and equal eq 2's beta / (alpha + beta)."""
    runs = _runs()
    total, non = conventions.refit(runs, "total"), conventions.refit(runs, "non-embedding")
    fit = chinchilla.HOFFMANN.approach3_rounded
    assert total["a"] == pytest.approx(fit.beta / (fit.alpha + fit.beta), rel=1e-4)
    assert non["a"] == pytest.approx(total["a"], rel=1e-4)
    # the tokens per parameter at 1e22 are eq 4's closed form for the same constants
    expected = float(chinchilla.optimal_ratio(conventions.C_REF, fit))
    assert total["tokens_per_param"] == pytest.approx(expected, rel=1e-3)


def test_a_count_the_data_lack_says_so_and_a_bad_count_is_refused():
    row = conventions.refit(_runs().drop(columns="params_non_embedding"), "non-embedding")
    assert row["note"] == "no column 'params_non_embedding' in the data" and "a" not in row
    assert "no column 'flops'" in conventions.refit(_runs(), "effective")["note"]
    with pytest.raises(ValueError, match="count must be one of"):
        conventions.counted(_runs(), "kaplan")


def test_an_effective_count_that_grows_faster_than_n_raises_a():
    """FLOPs per token growing faster than N (attention, output layer) make the effective count
    grow faster than N at fixed D: N_opt in that count grows faster with C."""
    runs = _runs(lambda N: 6.0 * N * (N / 1e8) ** 0.1)
    assert conventions.refit(runs, "effective")["a"] > conventions.refit(runs, "total")["a"]


def test_a_ratio_far_past_the_data_is_not_extrapolated():
    """1e22 FLOPs more than MAX_DECADES past the data: the ratio is left out, with the reason."""
    runs = _runs(lambda N: 6.0 * N)
    near = conventions.refit(runs, "total", flops=10.0 * runs["flops"].max())
    far = conventions.refit(runs, "total", flops=1e4 * runs["flops"].max())
    assert np.isfinite(near["tokens_per_param"]) and near["decades_beyond"] == pytest.approx(1.0)
    assert np.isnan(far["tokens_per_param"]) and "not extrapolated" in far["note"]
