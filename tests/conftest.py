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
    from scalinglaws import paths

    cache = tmp_path / "cache"
    monkeypatch.setattr(paths, "CACHE", cache)
    return cache
