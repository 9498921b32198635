"""The second version of the measured-here study (v2): design, plans and their cost in TFLOP.

v1 (retired; in the git history) trained one seed per point, with one learning rate for most
sizes and shapes whose depth jumped between neighbouring sizes; its seed-to-seed spread turned out
as large as its IsoFLOP profiles are deep. v2 is designed around that noise. Its parts, each a plan file
``data/runs/plans/v2_*.json`` with results in ``data/runs/results/v2/``:

* **one shape family** (:func:`shape`): sizes on a fixed geometric ladder of non-embedding
  parameter counts (``LADDER_START`` x ``LADDER_RATIO``^k, ratio 16^(1/7), so 8 consecutive rungs
  span 4x either side of their centre); for each, the depth whose width-to-depth ratio
  d_model / n_layer is closest to ``ASPECT`` (16) in log terms, the width then set by
  12 n_layer d_model^2 = N (Kaplan 2020 eq 2.1), rounded to an even number; heads of about 16
  dimensions.
* ``v2_noise.json``: the seed-to-seed spread, first: 4 seeds at the expected optimum of three
  budgets, with the v1 recipe (lr 3e-3, beta2 0.95).
* ``v2_lr.json``: learning rate (7 values, factors of 2 from 1e-3 to 6.4e-2) x AdamW beta2 (0.95 and 0.99,
  Porian et al. 2024) at the expected optima of the three smallest budgets, and 6 learning rates
  (1e-3 to 3.2e-2) at beta2 0.95 at the expected optimum of 1e13; a power law lr(N) fitted to the per-size best sets the
  learning rate of every later v2 run (``LR_RULE``, filled in from those results).
* ``v2_isoflop_prose.json``, ``v2_isoflop_code.json`` (corpus ``code-sympy``): Chinchilla's Approach 2 (Hoffmann et al. 2022 section 3.2): at
  each budget of ``BUDGETS`` 8 consecutive ladder sizes centred on the expected optimum
  (:func:`expected_optimum`), 3 seeds each (``SEEDS_AT_TOP`` at the top prose budget, see its note).
  The ladder being shared, each size is trained at several budgets, i.e. several cosine horizons
  matched to their runs; on prose, sizes with fewer than ``MIN_HORIZONS`` get extra single-seed
  shorter horizons (the budget grid continued downwards), so Approach 1 (section 3.1: every size at 4 or more horizons; the
  envelope of the final losses) comes from the same plan.
* ``v2_ladder_<step>.json``: the Kaplan-Chinchilla discrepancy ladder of Porian et al. 2024 on
  prose, cumulatively: (1) Kaplan's accounting (6 N non-embedding) with a long fixed warmup
  (Kaplan's 3000 steps) and one long run per size whose cosine is not matched to the budgets (the
  IsoFLOP points are read off its learning curve); (2) the same runs with the last layer's FLOP
  counted (no new runs); (3) short warmup (5% of the run), still one long run per size; (4) cosine
  matched to each run (one run per size and budget, the v1 learning rate); (5) the tuned learning
  rate and beta2, which is ``v2_isoflop_prose.json`` itself.

``python -m scalinglaws.training plans --v2-costs`` prints the plan's TFLOP table (the exact count of
:func:`scalinglaws.training.model.counts`).
"""

from __future__ import annotations

import math

from scalinglaws.designs.v2 import (  # noqa: F401  (the plan's geometry, re-exported)
    ASPECT,
    EXTEND,
    HEAD_DIM,
    LADDER_RATIO,
    LADDER_RUNGS,
    LADDER_START,
    OPT_AT_1E12,
    OPT_SLOPE,
    SIZES_PER_BUDGET,
    centre_rung,
    expected_optimum,
    ladder,
    shape,
    window,
)
from scalinglaws.training.config import N_CTX, ModelConfig, counts

STUDY = "v2"  # prefix of every v2 study label (part of each run's id)
SEEDS = (0, 1, 2)
BATCH = 16  # sequences of 128 bytes per step
MIN_STEPS = 250  # the batch halves (down to 4) until a run has at least this many steps
MIN_HORIZONS = 4  # Approach 1: every size of the central range at 4 or more horizons
APPROACH1_CORPORA = ("prose",)
BUDGETS = {
    "prose": (3e11, 1e12, 3e12, 1e13, 3e13),
    "code-sympy": (3e11, 1e12, 3e12, 1e13),
}
PLAN_NAME = {"prose": "v2_isoflop_prose.json", "code-sympy": "v2_isoflop_code.json"}
# At 3e13 a run costs 30 TFLOP (~15 job-minutes): 3 seeds for the 3 central sizes, 1 for the
# outer 5, keeping the study under ~1,500 TFLOP. Once the minimum is seen, the sizes within 2x of
# it get their seeds 1-2 (``EXTEND``; tests/test_runs_v2.py checks them against the results).
SEEDS_AT_TOP = {3e13: 3}
V1_LR = 3e-3  # v1's learning rate below d_model 100 (all v2 sizes): the noise and ladder step 4
LR_GRID = (1e-3, 2e-3, 4e-3, 8e-3, 1.6e-2)
LR_EXTRA = 3.2e-2  # one step above the grid, then 2 x LR_EXTRA (see lr_plan)
BETA2 = (0.95, 0.99)
KAPLAN_WARMUP_STEPS = 3000  # Kaplan et al. 2020 section 2.2: 3000-step linear warmup
# lr(N) = LR_RULE[0] * (N / 1e4) ** LR_RULE[1] and beta2 = LR_RULE[2]: set from the v2_lr results
# (`python -m scalinglaws.training summary`: the per-size best at beta2 0.95 of N = 2,436, 7,056, 16,484
# and 38,800 is 2.7e-2, 2.4e-2, 1.7e-2 and 4.0e-3; the power law through them, to 3 digits). beta2
# 0.95 over 0.99: at the vertices 0.99 is 0.024 nats better at N 2,436 and 0.015 and 0.026 worse at
# 7,056 and 16,484, within two seed sds each; on average 0.95 is ahead by 0.006.
# tests/test_runs_v2.py refits it from the committed results.
LR_RULE: tuple[float, float, float] | None = (0.0147, -0.638, 0.95)


def batch_for(tokens: float) -> int:
    b = BATCH
    while b > 4 and tokens / (b * N_CTX) < MIN_STEPS:
        b //= 2
    return b


def lr_of(N: float) -> tuple[float, float]:
    """(lr, beta2) of the fitted rule; an error until the v2_lr results have set it."""
    if LR_RULE is None:
        raise RuntimeError("LR_RULE is not set: run v2_lr.json and fit it first")
    a, p, beta2 = LR_RULE
    return float(f"{a * (N / 1e4) ** p:.3g}"), beta2


def run(study: str, corpus: str, k: int, **fields) -> dict:
    L, d, h = shape(ladder(k))
    fpt = counts(ModelConfig(L, d, h))["flops_per_token"]
    tokens = fields.get("tokens") or fields["flops"] / fpt
    entry = {"study": f"{STUDY}-{study}", "corpus": corpus, "n_layer": L, "d_model": d}
    entry.update(n_head=h, batch_size=batch_for(tokens), n_eval=16)
    entry.update(fields)
    return entry


def noise_plan() -> list[dict]:
    """4 seeds at the expected optimum of 3e11, 1e12 and 3e12, v1 recipe (lr 3e-3, beta2 0.95)."""
    out = []
    for C in (3e11, 1e12, 3e12):
        k = centre_rung(C)
        out += [run("noise", "prose", k, flops=C, lr=V1_LR, seed=s) for s in range(4)]
    return out


def lr_plan() -> list[dict]:
    """lr x beta2 at the expected optima of 3e11, 1e12, 3e12 (10 runs each); 3 lrs at 1e13."""
    out = []
    for C in (3e11, 1e12, 3e12):
        k = centre_rung(C)
        for beta2 in BETA2:
            out += [run("lr", "prose", k, flops=C, lr=lr, beta2=beta2) for lr in LR_GRID]
    k = centre_rung(1e13)
    # 2e-3 was dropped here before it ran (the 3e11 and 1e12 sizes lost 0.2-0.3 nats at 2e-3)
    out += [run("lr", "prose", k, flops=1e13, lr=lr, beta2=0.95) for lr in LR_GRID[2:4]]
    # Added after the first points (3e11, 2026-12-01): the loss still fell at the grid's top
    # (lr 8e-3: 2.192, 1.6e-2: 2.187 nats), so the grid is extended one step up at every size.
    # Appended, so the earlier entries keep their places (and --shard its split).
    for C in (3e11, 1e12, 3e12):
        k = centre_rung(C)
        out += [run("lr", "prose", k, flops=C, lr=LR_EXTRA, beta2=beta2) for beta2 in BETA2]
    k = centre_rung(1e13)
    out.append(run("lr", "prose", k, flops=1e13, lr=LR_GRID[4], beta2=0.95))
    # Second extension (2026-12-01): 3.2e-2 was best again at 3e11 (2.177 / 2.154 nats for beta2
    # 0.95 / 0.99) and 1.6e-2 at 1e12 (3.2e-2 still running): one more step up, 6.4e-2.
    for C in (3e11, 1e12, 3e12):
        k = centre_rung(C)
        out += [run("lr", "prose", k, flops=C, lr=2 * LR_EXTRA, beta2=beta2) for beta2 in BETA2]
    # The two smaller sizes' vertices (2.0e-2 to 2.8e-2) put the 1e13 size's best near the top of
    # its grid: 3.2e-2 there too, in place of the dropped 2e-3.
    out.append(run("lr", "prose", centre_rung(1e13), flops=1e13, lr=LR_EXTRA, beta2=0.95))
    # Third extension: at 1e13 (N 38,800) the best point came out at the grid's low end (4e-3:
    # 1.599 nats; 8e-3: 1.620; 1.6e-2: 1.678; 3.2e-2: 1.723), so the grid goes down there: 2e-3, 1e-3.
    k = centre_rung(1e13)
    out += [run("lr", "prose", k, flops=1e13, lr=lr, beta2=0.95) for lr in LR_GRID[1::-1]]
    return out


def isoflop_grid(corpus: str) -> list[tuple[float, int, int]]:
    """(budget, rung, seed) of the v2 IsoFLOP plan, budgets ascending; extra horizons last."""
    cells = []
    for C in BUDGETS[corpus]:
        w = window(C)
        n_central = SEEDS_AT_TOP.get(C, SIZES_PER_BUDGET)
        lo = (SIZES_PER_BUDGET - n_central) // 2
        for i, k in enumerate(w):
            seeds = SEEDS if lo <= i < lo + n_central else SEEDS[:1]
            cells += [(C, k, s) for s in seeds]
    if corpus not in APPROACH1_CORPORA:
        return cells + _extensions(corpus, cells)
    # Approach 1: every rung in the windows of 2 or more budgets gets MIN_HORIZONS horizons or more;
    # the missing ones are shorter runs (half-decade steps below its smallest budget), the cheap side
    rungs = sorted({k for C, k, _ in cells})
    have = {k: sorted({C for C, kk, _ in cells if kk == k}) for k in rungs}
    for k in rungs:
        missing = MIN_HORIZONS - len(have[k])
        if missing <= 0 or len(have[k]) < 2:
            continue
        C = have[k][0]
        for _ in range(missing):
            C = _half_decade_below(C)
            cells.append((C, k, 0))
    return cells + _extensions(corpus, cells)


def _extensions(corpus: str, cells: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """The cells of ``EXTEND`` that the grid does not have yet."""
    have = set(cells)
    return [
        (C, k, s)
        for (c, C), rungs in EXTEND.items()
        if c == corpus
        for k in rungs
        for s in SEEDS
        if (C, k, s) not in have
    ]


def _half_decade_below(C: float) -> float:
    """1e12 -> 3e11 -> 1e11 -> 3e10: the budget grid continued downwards."""
    e = math.floor(math.log10(C) + 1e-9)
    return 3.0 * 10.0 ** (e - 1) if C / 10.0**e < 2 else 10.0**e


def isoflop_plan(corpus: str) -> list[dict]:
    out = []
    for C, k, s in isoflop_grid(corpus):
        N = counts(ModelConfig(*shape(ladder(k))))["params_nonembedding"]
        lr, beta2 = lr_of(N)
        out.append(run("isoflop", corpus, k, flops=C, lr=lr, beta2=beta2, seed=s))
    return out


def ladder_long_runs(warmup: str) -> list[dict]:
    """Ladder steps 1-3: one long run per prose rung, as long as the largest budget the rung serves
    (its window's budgets), read at every budget from a dense learning curve (60 points)."""
    out = []
    rungs: dict[int, float] = {}
    for C in BUDGETS["prose"][:-1]:  # the ladder spans 3e11..1e13
        for k in window(C):
            rungs[k] = max(rungs.get(k, 0.0), C)
    for k, C in sorted(rungs.items()):
        extra = {"warmup_steps": KAPLAN_WARMUP_STEPS} if warmup == "kaplan" else {}
        out.append(
            run(f"ladder-{warmup}", "prose", k, flops=C, lr=V1_LR, min_lr_frac=0.0, **extra)
            | {"n_eval": 60}
        )
    return out


def ladder_matched_plan() -> list[dict]:
    """Ladder step 4: cosine matched to each run, v1 learning rate, one seed, budgets 3e11..1e13."""
    return [
        run("ladder-matched", "prose", k, flops=C, lr=V1_LR)
        for C in BUDGETS["prose"][:-1]
        for k in window(C)
    ]


def plans(with_isoflop: bool | None = None) -> dict[str, list[dict]]:
    """Every v2 plan by file name; the IsoFLOP plans only once ``LR_RULE`` is set."""
    out = {
        "v2_noise.json": noise_plan(),
        "v2_lr.json": lr_plan(),
        "v2_ladder_kaplan.json": ladder_long_runs("kaplan"),
        "v2_ladder_short_warmup.json": ladder_long_runs("short"),
        "v2_ladder_matched.json": ladder_matched_plan(),
    }
    if with_isoflop if with_isoflop is not None else LR_RULE is not None:
        for corpus in BUDGETS:
            out[PLAN_NAME[corpus]] = isoflop_plan(corpus)
    return out


# Measured training throughput of one single-thread worker with a core to itself (GFLOP/s by the
# exact count, against non-embedding N): v1 results of 2026-11-29 (1e13 budgets, the 3e6 curve)
# and the first v2 noise run (1 x 14, 2026-12-01). Tiny models are slow per FLOP (module docs).
THROUGHPUT = ((2.4e3, 13.5), (1e4, 31.0), (4.7e4, 45.0), (1.1e5, 57.0), (3e6, 61.0))


def gflops_per_s(N: float) -> float:
    """Throughput of one worker at size N, log-log interpolated in ``THROUGHPUT``."""
    pts = THROUGHPUT
    if N <= pts[0][0]:
        return pts[0][1] * (N / pts[0][0]) ** 0.5  # falls further below the smallest measured
    for (n0, g0), (n1, g1) in zip(pts, pts[1:], strict=False):
        if N <= n1:
            t = math.log(N / n0) / math.log(n1 / n0)
            return math.exp(math.log(g0) + t * math.log(g1 / g0))
    return pts[-1][1]


def job_seconds(derived: dict, gflops: float | None = None) -> float:
    """Seconds one worker takes for a run with these ``RunConfig.derived()`` counts, at ``gflops``
    GFLOP/s if given, else at the measured throughput for its size (:func:`gflops_per_s`)."""
    return derived["flops"] / ((gflops or gflops_per_s(derived["params_nonembedding"])) * 1e9)
