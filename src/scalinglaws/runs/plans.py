"""The study's plans, written to ``data/runs/plans/*.json`` by ``python -m scalinglaws.runs plans``.

* ``smoke.json``: 3 tiny runs (seconds each) for the tests and ``make runs-smoke``, on prose and
  on the v2 code corpus (``code-sympy``, the same bytes under any Python).
* ``isoflop_prose.json``, ``isoflop_code.json``: Chinchilla's Approach 2 (Hoffmann et al. 2022
  section 3.2, Figure 3): at each budget C in ``ISOFLOP_BUDGETS`` (3e11 to 1e13 training FLOP,
  counted exactly),
  6 sizes spaced evenly in log N from 1/4x to 4x a guessed optimum ``N_opt(C)``, each trained on
  D = C / (FLOP per token) tokens. The guess ``ISOFLOP_CENTRE`` comes from a first probe on this
  machine (byte-level models at 1e12-3e12 FLOP are best near 1e4 non-embedding parameters).
  Runs are ordered by budget, smallest first, so a partial sweep yields whole budgets first.
* ``curves_prose.json``: Kaplan et al. 2020 Figure 2/4-style learning curves: 8 sizes from ~1e3
  to ~3e6 non-embedding parameters, each trained on ``CURVE_TOKENS`` prose tokens with 40
  log-spaced validation points.

Shapes: depth grows slowly with size (``DEPTHS``); d_model is a multiple of 4 (8 above 1e5) chosen so that
12 n_layer d_model^2 (Kaplan eq 2.1) is closest to the target; the number of heads is the
divisor of d_model giving heads closest to 16 dimensions (3 heads of 4 ran 2.3x slower than 1 of 12).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from scalinglaws.runs.model import N_CTX, ModelConfig, counts
from scalinglaws.runs.sweep import PLANS

# Training FLOP, exact count. Measured on 2 shared cores: the 6 runs at 1e12 took 2,100
# job-seconds (~350 s per TFLOP: tiny models reach only 2-5 GFLOP/s), so a 3e13 budget would take
# ~17 job-hours per corpus; it is left out and 3e11 added: 4 budgets over 1.5 decades, 86 TFLOP
# (~8 job-hours) per corpus.
ISOFLOP_BUDGETS = (3e11, 1e12, 3e12, 1e13)
ISOFLOP_CENTRE = {3e11: 4e3, 1e12: 8e3, 3e12: 1.6e4, 1e13: 3.2e4}  # guessed N_opt (non-emb)
ISOFLOP_SIZES = 6  # per budget, from 1/4x to 4x the centre
CURVE_TOKENS = 2**21  # ~2.1 M bytes, 0.2 epochs of prose; 1,024 steps; ~64 TFLOP for all 8
CURVE_SIZES = (1e3, 3e6, 8)  # geomspace of non-embedding parameters
MIN_STEPS = 250  # smaller batches where a run would otherwise take fewer steps
HEAD_DIM = 16  # target head width: narrower heads cost far more time per FLOP on CPU
DEPTHS = ((2e4, 2), (6e4, 3), (2.5e5, 4), (1e6, 6), (math.inf, 8))  # (N below, n_layer); 1 < 4e3


def shape(N: float) -> tuple[int, int, int]:
    """(n_layer, d_model, n_head) whose 12 n_layer d_model^2 is closest to N (log scale)."""
    L = 1 if N < 4e3 else next(layers for bound, layers in DEPTHS if N < bound)
    step = 4 if N < 1e5 else 8
    d = max(8, step * round(math.sqrt(N / (12 * L)) / step))
    heads = [h for h in range(1, d + 1) if d % h == 0]
    return L, d, min(heads, key=lambda h: (abs(math.log(d / h / HEAD_DIM)), h))


def lr_for(d_model: int) -> float:
    """Peak learning rate: 3e-3 below d_model 100, 1.5e-3 to 200, 1e-3 above (first probe)."""
    return 3e-3 if d_model < 100 else 1.5e-3 if d_model < 200 else 1e-3


def batch_for(tokens: float) -> int:
    """16 sequences per step, halved (down to 4) until the run takes >= MIN_STEPS steps."""
    b = 16
    while b > 4 and tokens / (b * N_CTX) < MIN_STEPS:
        b //= 2
    return b


def _run(study: str, corpus: str, N: float, **budget) -> dict:
    L, d, h = shape(N)
    fpt = counts(ModelConfig(L, d, h))["flops_per_token"]
    tokens = budget.get("tokens") or budget["flops"] / fpt
    return {
        "study": study,
        "corpus": corpus,
        "n_layer": L,
        "d_model": d,
        "n_head": h,
        **budget,
        "batch_size": batch_for(tokens),
        "lr": lr_for(d),
    }


def isoflop_plan(corpus: str) -> list[dict]:
    runs = []
    for C in ISOFLOP_BUDGETS:
        for i in range(ISOFLOP_SIZES):
            N = ISOFLOP_CENTRE[C] * 4.0 ** (-1 + 2 * i / (ISOFLOP_SIZES - 1))
            runs.append(_run("isoflop", corpus, N, flops=C, n_eval=12))
    return runs


def curves_plan() -> list[dict]:
    lo, hi, n = CURVE_SIZES
    sizes = [lo * (hi / lo) ** (i / (n - 1)) for i in range(n)]
    return [_run("curves", "prose", N, tokens=CURVE_TOKENS, n_eval=40) for N in sizes]


def smoke_plan() -> list[dict]:
    tiny = {"batch_size": 8, "n_eval": 4, "eval_tokens": 2048}
    return [
        {**_run("smoke", "prose", 3e3, tokens=8 * N_CTX * 40), **tiny},
        {**_run("smoke", "code-sympy", 3e3, tokens=8 * N_CTX * 40), **tiny},
        {**_run("smoke", "prose", 1.2e4, tokens=8 * N_CTX * 40), **tiny},
    ]


def write_plans(folder: Path = PLANS) -> list[Path]:
    from scalinglaws.runs import plans_v2

    plans = {
        "smoke.json": smoke_plan(),
        "isoflop_prose.json": isoflop_plan("prose"),
        "isoflop_code.json": isoflop_plan("code"),
        "curves_prose.json": curves_plan(),
        **plans_v2.plans(),
    }
    out = []
    folder.mkdir(parents=True, exist_ok=True)
    for name, plan in plans.items():
        path = folder / name
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(plan, indent=1) + "\n")
        os.replace(tmp, path)
        out.append(path)
    return out
