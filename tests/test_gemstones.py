"""The Gemstones suite (McLeish et al. 2025): its counters and its Approach 1, against the
authors' own logged counts and fitted slopes (the slopes are registry rows: test_reproduction)."""

import numpy as np
import pytest

from scalinglaws import estimators
from scalinglaws.datasets import gemstones, published
from tests.conftest import shared_scope


@pytest.fixture(scope=shared_scope)
def raw():
    return published.load("gemstones")


def test_the_parameter_counter_gives_the_authors_logged_counts(raw):
    # oracle: the count the authors logged with each run (params_active_precise)
    counted = [gemstones.params(w, d) for w, d in zip(raw["width"], raw["depth"], strict=True)]
    assert (np.asarray(counted) == raw["params_active_precise"].to_numpy()).all()
    # without embeddings: the input embedding and the untied head, vocab x width each, are gone
    w, d = 1024, 28
    assert gemstones.params(w, d) - gemstones.params(w, d, vocab_size=0) == 2 * 50304 * w


def test_runs_schema_counts_flops_per_token_times_tokens(raw):
    runs = published.load_runs("gemstones")
    assert len(runs) == int((raw["step"] > 0).sum()) and runs["run"].nunique() == 22
    fpt = gemstones.flops_per_token(runs["width"].to_numpy(), runs["depth"].to_numpy())
    np.testing.assert_allclose(runs["flops"], fpt * runs["tokens"], rtol=1e-15)
    # the counter exceeds 6 N for these shapes (attention and logits), as their FLOP plot shows
    assert (fpt > 6 * runs["params_non_embedding"].to_numpy()).all()


def test_hull_minimizers_find_a_known_frontier():
    # the lower frontier by hand, in log-log: (10, 4), (100, 2.6), (1000, 2); (100, 2.6) lies below
    # the chord from (10, 4) to (1000, 2) (sqrt(8) = 2.83 at 100); (30, 5) and (300, 3.2) lie
    # above the frontier; (3000, 2.5) is on the hull but not lower than (1000, 2)
    C = np.array([30.0, 1e2, 1e3, 1e1, 3e2, 3e3])
    L = np.array([5.0, 2.6, 2.0, 4.0, 3.2, 2.5])
    idx = estimators.hull_minimizers(C=C, L=L)
    assert list(idx) == [3, 1, 2]
    assert (np.diff(L[idx]) < 0).all() and (np.diff(C[idx]) > 0).all()


def test_the_hull_is_scale_free_and_checks_its_inputs_by_name():
    """The hull lives in log C: FLOPs in any unit (below 1 too) give the same frontier; bad inputs
    are named."""
    C = np.array([30.0, 1e2, 1e3, 1e1, 3e2, 3e3])
    L = np.array([5.0, 2.6, 2.0, 4.0, 3.2, 2.5])
    for unit in (1.0, 1e-3, 1e-6):
        assert list(estimators.hull_minimizers(C=C * unit, L=L)) == [3, 1, 2]
    with pytest.raises(ValueError, match=r"^L \(loss\) must have 6 values"):
        estimators.hull_minimizers(C=C, L=L[:-1])
    with pytest.raises(ValueError, match=r"^C \(flops\) must be finite"):
        estimators.hull_minimizers(C=np.append(C[:-1], np.nan), L=L)


def test_the_frontier_does_not_depend_on_the_order_of_the_runs():
    """Invariance: listing the runs in any order gives the same frontier points (the first run
    listed, on the frontier or not, is a run like the others)."""
    C = np.array([30.0, 1e2, 1e3, 1e1, 3e2, 3e3])
    L = np.array([5.0, 2.6, 2.0, 4.0, 3.2, 2.5])
    rng = np.random.default_rng(0)
    for p in [np.array([3, 1, 2, 0, 4, 5])] + [rng.permutation(6) for _ in range(10)]:
        idx = estimators.hull_minimizers(C=C[p], L=L[p])
        assert list(p[idx]) == [3, 1, 2]
