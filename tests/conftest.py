"""Shared fixtures: the offline data mirror, a private cache, and papermill execution."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MIRROR = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True, scope="session")
def _offline_mirror():
    """Use ../shared/data as the offline mirror unless the environment names another."""
    if "SCALINGLAWS_DATA_MIRROR" not in os.environ and SHARED_MIRROR.is_dir():
        os.environ["SCALINGLAWS_DATA_MIRROR"] = str(SHARED_MIRROR)
    yield


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A fresh, empty data cache for one test."""
    from scalinglaws.core import paths

    cache = tmp_path / "cache"
    monkeypatch.setattr(paths, "CACHE", cache)
    return cache


@pytest.fixture(scope="session")
def epoch240():
    """Named arrays N, D, L of Besiroglu 2024's 240 points: the 245 extracted from Hoffmann 2022
    Fig 4, the 5 highest losses dropped (``approach3(**epoch240)``)."""
    from scalinglaws.constants import BESIROGLU
    from scalinglaws.datasets import published

    df = published.drop_highest_losses(published.load("epoch-chinchilla-fig4"), 5)
    assert len(df) == BESIROGLU.selection.n_points_fitted
    return {
        "N": df["params"].to_numpy(),
        "D": df["tokens"].to_numpy(),
        "L": df["loss_nats"].to_numpy(),
    }
