"""Shared fixtures: the offline data mirror, a private cache, and papermill execution."""

from __future__ import annotations

import os
import sys
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


def _clear_the_packages_caches() -> None:
    """Empty every cache of a function of scalinglaws (core.memo.by_value, functools.cache)."""
    for name, module in list(sys.modules.items()):
        if name == "scalinglaws" or name.startswith("scalinglaws."):
            for obj in list(vars(module).values()):
                clear = getattr(obj, "cache_clear", None)
                if callable(clear) and str(getattr(obj, "__module__", "")).startswith(
                    "scalinglaws"
                ):
                    clear()


@pytest.fixture(autouse=True)
def _no_cached_results_under_mutmut():
    """Under mutmut (MUTANT_UNDER_TEST set) each test starts with empty caches. mutmut runs each
    mutant's tests in a process forked from one that ran the suite unmutated: a fit or a table
    of laws cached there would hand the mutant the unmutated result, and the mutant would survive
    without its code having run (its stats would also miss the tests that reach it through a
    cache). Outside mutmut the caches stand, as in the notebooks."""
    if "MUTANT_UNDER_TEST" in os.environ:
        _clear_the_packages_caches()
    yield


def pytest_collection_modifyitems(config, items):
    """Under mutmut the quickest tests run first. mutmut runs a mutant's tests until the first one
    fails, in the order of a set; its statistics (mutants/mutmut-stats.json) hold each test's time.
    Running the quick ones first changes how soon a mutant is killed, never whether it is."""
    stats = Path("mutmut-stats.json")  # mutmut runs the tests from inside mutants/
    if "MUTANT_UNDER_TEST" not in os.environ or not stats.is_file():
        return
    import json

    seconds = json.loads(stats.read_text()).get("duration_by_test", {})
    items.sort(key=lambda item: seconds.get(item.nodeid, float("inf")))


def shared_scope(fixture_name: str, config) -> str:
    """The scope of a fixture whose result several tests check: the module, except under mutmut,
    where it is the test. mutmut maps each function to the tests that call it while it records its
    statistics; a module-scoped fixture calls it during the first of its tests only, so a mutant of
    that function would be run against that one test and survive the others' checks."""
    return "function" if "MUTANT_UNDER_TEST" in os.environ else "module"


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
