"""Named random streams: one user seed, an independent Generator for each consumer.

Every computation that draws random numbers (a bootstrap, a resampling) asks for its own stream
by name, ``stream(seed, "isoflop.approach3-bootstrap")``, so that adding a consumer changes no
one else's draws, and two consumers share draws only where :data:`KEYS` says so (the names kept on
the root key, which they have always used: the published numbers depend on it).

A stream is ``numpy.random.default_rng(numpy.random.SeedSequence(seed, spawn_key=key))``. The
key of a name is fixed in :data:`KEYS` for the consumers whose published figures and numbers
depend on it (these are the keys they have always used, so their draws stay the same); for any
other name it is derived from the name alone, :func:`spawn_key`: the first 8 bytes of the
BLAKE2b digest of the UTF-8 name, as a big-endian integer with its top bit set, which keeps it
apart from the small keys of the table and the same on every machine and Python version.
"""

from __future__ import annotations

import hashlib

import numpy as np

KEYS: dict[str, tuple[int, ...]] = {
    # Hoffmann 2022 Figs 3, 4, A3 (notebook 03): the two children of SeedSequence(seed).spawn(2)
    "isoflop.approach3-bootstrap": (0,),
    "isoflop.approach2-bootstrap": (1,),
    # Hoffmann 2022 Fig 2's envelope of measured learning curves: the third child
    "envelope.bootstrap": (2,),
    # Consumers that draw from default_rng(seed) itself, the root of the seed's tree (key ()).
    # The command line's `fit` and the calculator share it on purpose: the same data and seed
    # give the same bootstrap band in both.
    "approach3-bootstrap": (),
    "c4-github.bootstrap": (),
    "runs-fit.bootstrap": (),
    "runs-fit.predict": (),
}


def spawn_key(name: str) -> tuple[int, ...]:
    """The SeedSequence spawn key of stream ``name``: from :data:`KEYS`, else from its hash."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"stream name must be a non-empty string, got {name!r}")
    if name in KEYS:
        return KEYS[name]
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "big") | 1 << 63,)


def stream(seed: int, name: str) -> np.random.Generator:
    """The Generator of stream ``name`` under ``seed`` (a non-negative integer)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=spawn_key(name)))
