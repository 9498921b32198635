"""The v3 study's geometry (``docs/study-v3.md``): its sizes, their shape family and the budget at
which each is expected to be compute-optimal. Pure arithmetic, shared by the plans
(:mod:`scalinglaws.training.plans_v3`) and the analysis (:mod:`scalinglaws.analysis.study_v3`)."""

from __future__ import annotations

import math

from scalinglaws.designs.v2 import shape as v2_shape

MIN_LAYERS = 2
N_LO, N_HI = 3.0e3, 8.4e4  # non-embedding parameters of the smallest and largest size
SIZES = 12
HORIZONS = tuple(16 ** (k / 3) / 4 for k in range(4))  # 0.25, 0.63, 1.59, 4.0 x expected optimum
# Porian et al.'s step (e) as they ran it: v2's prose windows at these budgets (docs/study-v3.md)
PORIAN_BUDGETS = (3e11, 1e12, 3e12)
# v2's prose Approach 2 optima at its smallest and largest budget (all parameters; the design's
# guess of where each size's optimum lies, not a result of v3)
V2_OPTIMA = ((3e11, 11061.0), (3e13, 169231.0))


def shape(N: float) -> tuple[int, int, int]:
    """(n_layer, d_model, n_head) of the v3 family for non-embedding size ~N: the depth with
    at least ``MIN_LAYERS`` layers whose d_model / n_layer is closest to ``ASPECT`` in log terms,
    d_model from 12 n_layer d_model^2 = N (Kaplan 2020 eq 2.1), even, heads of about 16 dims."""
    return v2_shape(N, min_layers=MIN_LAYERS)


def sizes() -> list[tuple[int, int, int]]:
    """The shapes of the v3 sizes, smallest first."""
    r = (N_HI / N_LO) ** (1 / (SIZES - 1))
    return [shape(N_LO * r**i) for i in range(SIZES)]


def expected_budget(N_total: float) -> float:
    """FLOP at which a model of N_total parameters is expected to be compute-optimal (v2's optima)."""
    (c0, n0), (c1, n1) = V2_OPTIMA
    slope = math.log(n1 / n0) / math.log(c1 / c0)
    return c0 * (N_total / n0) ** (1 / slope)
