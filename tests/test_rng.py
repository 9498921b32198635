"""Named random streams: the published figures keep their draws, new consumers get their own."""

import numpy as np
import pytest

from scalinglaws.core import rng


@pytest.mark.parametrize("seed", [0, 7, 2**40])
def test_table_streams_draw_what_the_figures_always_drew(seed):
    # Figs 3/4/A3: the two children of SeedSequence(seed).spawn(2); Fig 2's envelope: the third;
    # the rest: default_rng(seed) itself
    a3, a2 = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    expected = {
        "isoflop.approach3-bootstrap": a3,
        "isoflop.approach2-bootstrap": a2,
        "envelope.bootstrap": np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,))),
        "approach3-bootstrap": np.random.default_rng(seed),
        "c4-github.bootstrap": np.random.default_rng(seed),
    }
    for name, old in expected.items():
        np.testing.assert_array_equal(rng.stream(seed, name).random(64), old.random(64))


def test_new_names_get_their_own_stable_key():
    k = rng.spawn_key("some.new-consumer")
    assert k == rng.spawn_key("some.new-consumer")  # a function of the name alone
    assert len(k) == 1 and k[0] >= 2**63  # apart from every key of the table
    assert k not in rng.KEYS.values()
    assert rng.spawn_key("some.other-consumer") != k
    # the hash is part of the contract: a new consumer's draws must not move between versions
    assert k == (13529450708764015335,)  # BLAKE2b-64 of the name, top bit set
    a = rng.stream(3, "some.new-consumer").random(8)
    b = rng.stream(3, "some.other-consumer").random(8)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, rng.stream(3, "some.new-consumer").random(8))


@pytest.mark.badinput
@pytest.mark.parametrize(
    ("seed", "name", "match"),
    [
        (-1, "x", r"seed must be a non-negative integer, got -1"),
        (1.5, "x", r"seed must be a non-negative integer, got 1\.5"),
        (True, "x", r"seed must be a non-negative integer, got True"),
        (0, "", r"stream name must be a non-empty string, got ''"),
        (0, 3, r"stream name must be a non-empty string, got 3"),
    ],
)
def test_bad_seed_or_name_is_named(seed, name, match):
    with pytest.raises(ValueError, match=match):
        rng.stream(seed, name)
