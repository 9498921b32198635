"""The v2 study's size ladder and IsoFLOP windows: pure geometry, no torch, so the plans
(:mod:`scalinglaws.training.plans_v2`) and the analysis (:mod:`scalinglaws.analysis.study_v2`) share it
without importing each other.

Sizes lie on a geometric ladder of non-embedding parameter counts, ``LADDER_START`` x
``LADDER_RATIO``^k; each rung's shape is the depth whose width-to-depth ratio is closest to
``ASPECT``; each IsoFLOP budget trains the 8 consecutive rungs centred on its expected optimum.
``docs/study-v2.md`` is the design.
"""

from __future__ import annotations

import math

ASPECT = 16.0  # target d_model / n_layer
HEAD_DIM = 16
LADDER_START = 1000.0  # non-embedding parameters of rung 0
LADDER_RATIO = 16 ** (1 / 7)  # 8 rungs span 16x: 4x either side of their centre
LADDER_RUNGS = 18  # rungs 0..17: 1e3 to ~8.5e5
SIZES_PER_BUDGET = 8
# Expected compute-optimal non-embedding N (v1 minima, exact FLOP): 6e3 at 1e12, slope 0.8.
OPT_AT_1E12 = 6e3
OPT_SLOPE = 0.8
# Windows extended where a measured minimum fell near the window's edge: (corpus, budget) -> rungs
# added with every seed (appended after the first runs, so earlier runs keep their ids and order).
# prose 3e12: the optimum came out at rung 9 of the window's 3-10 (1.748 nats at N 54,160; 1.807 at
# rung 10), and the single-seed horizons at rungs 11-12 (1.823, 1.942) were all above it; seeds 1-2
# at rungs 11-12 put 3 seeds on two sizes past the minimum (12 TFLOP).
# code 1e12: the optimum lay at the window's largest rung (8: 1.788 nats against 1.798 at rung 7,
# no rise), so rungs 9-10 were added with 3 seeds (6 TFLOP); code 3e12: its window is centred on
# the same prose-based guess, so rungs 11-12 were added before its runs finished (18 TFLOP).
# prose 3e13 (the top budget, planned with 3 seeds at its central rungs 10-12 only): the best mean
# fell at rung 12 (1.439 nats over 3 seeds against 1.450 at rung 13, one seed) with the vertex
# above it, so seeds 1-2 at rungs 13-14, within 2x of the optimum, complete the design's rule
# there (3 seeds within 2x of the minimum at the top budget; 120 TFLOP).
EXTEND = {
    ("prose", 3e12): (11, 12),
    ("code-sympy", 1e12): (9, 10),
    ("code-sympy", 3e12): (11, 12),
    ("prose", 3e13): (13, 14),
}


def ladder(k: int) -> float:
    return LADDER_START * LADDER_RATIO**k


def shape(N: float, min_layers: int = 1) -> tuple[int, int, int]:
    """(n_layer, d_model, n_head) of the v2 family for non-embedding size ~N, with at least
    ``min_layers`` layers (v3 takes 2: :mod:`scalinglaws.designs.v3`)."""
    best = None
    for L in range(min_layers, 17):  # v3 starts at 2 layers (designs.v3.MIN_LAYERS)
        w = math.sqrt(N / (12 * L))
        step = 2 if w < 32 else 4 if w < 64 else 8  # whole heads of about 16 dimensions
        d = max(8, step * round(w / step))
        miss = abs(math.log(d / L / ASPECT))
        if best is None or miss < best[0]:
            best = (miss, L, d)
    _, L, d = best
    heads = [h for h in range(1, d + 1) if d % h == 0]
    return L, d, min(heads, key=lambda h: (abs(math.log(d / h / HEAD_DIM)), h))


def expected_optimum(C: float) -> float:
    return OPT_AT_1E12 * (C / 1e12) ** OPT_SLOPE


def centre_rung(C: float) -> int:
    """The ladder rung closest to the expected optimum of budget C."""
    return max(0, round(math.log(expected_optimum(C) / LADDER_START) / math.log(LADDER_RATIO)))


def window(C: float) -> list[int]:
    """The 8 consecutive rungs whose geometric centre is closest to the expected optimum."""
    centre = math.log(expected_optimum(C) / LADDER_START) / math.log(LADDER_RATIO)
    lo = max(0, round(centre - (SIZES_PER_BUDGET - 1) / 2))
    return list(range(lo, lo + SIZES_PER_BUDGET))


def window_of(corpus: str, C: float) -> list[int]:
    """Budget C's rungs on ``corpus``: its window, plus the rungs ``EXTEND`` adds."""
    return window(C) + [k for k in EXTEND.get((corpus, C), ()) if k not in window(C)]


def rung_of_shape() -> dict[tuple[int, int], int]:
    """(n_layer, d_model) -> ladder rung, for every rung's shape."""
    return {shape(ladder(k))[:2]: k for k in range(LADDER_RUNGS)}
