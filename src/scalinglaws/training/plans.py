"""The study's plans, written to ``data/runs/plans/*.json`` by ``python -m scalinglaws.training plans``.

* ``smoke.json``: 3 tiny runs (seconds each) for the tests and ``make runs-smoke``, on prose and
  on the v2 code corpus (``code-sympy``, the same bytes under any Python).
* ``v2_*.json``: the measured-here study (:mod:`scalinglaws.training.plans_v2`, ``docs/study-v2.md``).
* ``v3_*.json``: its third version, horizons per size (:mod:`scalinglaws.training.plans_v3`,
  ``docs/study-v3.md``).

The first version of the study (one seed per point, one learning rate, shapes whose depth jumped
between neighbouring sizes) was retired once v2 replaced it in every figure: its seed-to-seed
spread was as large as its IsoFLOP profiles were deep (``docs/study-v2.md``).

Smoke shapes: depth grows slowly with size (``DEPTHS``); d_model is a multiple of 4 (8 above 1e5)
chosen so that 12 n_layer d_model^2 (Kaplan eq 2.1) is closest to the target; the number of heads
is the divisor of d_model giving heads closest to 16 dimensions.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from scalinglaws.training.config import N_CTX, ModelConfig, counts
from scalinglaws.training.sweep import PLANS

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


def smoke_plan() -> list[dict]:
    tiny = {"batch_size": 8, "n_eval": 4, "eval_tokens": 2048}
    return [
        {**_run("smoke", "prose", 3e3, tokens=8 * N_CTX * 40), **tiny},
        {**_run("smoke", "code-sympy", 3e3, tokens=8 * N_CTX * 40), **tiny},
        {**_run("smoke", "prose", 1.2e4, tokens=8 * N_CTX * 40), **tiny},
    ]


def write_plans(folder: Path = PLANS) -> list[Path]:
    from scalinglaws.training import plans_v2, plans_v3

    plans = {
        "smoke.json": smoke_plan(),
        **plans_v2.plans(),
        **plans_v3.plans(),
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


def cost_table(gflops: float | None = None, versions: tuple[str, ...] = ("v2", "v3")) -> list[dict]:
    """Per plan of the study's ``versions``: runs, exact TFLOP (v2's IsoFLOP plans costed with a
    placeholder learning rate when its rule is not set, which does not change FLOP) and job-hours,
    at ``gflops`` GFLOP/s per worker if given, else at the measured throughput per size
    (:func:`scalinglaws.training.plans_v2.gflops_per_s`)."""
    from scalinglaws.training import plans_v2, plans_v3
    from scalinglaws.training.config import validate

    saved = plans_v2.LR_RULE
    plans_v2.LR_RULE = saved or (plans_v2.V1_LR, 0.0, 0.95)
    try:
        all_plans = (plans_v2.plans(with_isoflop=True) if "v2" in versions else {}) | (
            plans_v3.plans() if "v3" in versions else {}
        )
    finally:
        plans_v2.LR_RULE = saved
    rows = []
    for name, entries in all_plans.items():
        flops = seconds = 0.0
        for e in entries:
            d = validate(e).derived()
            flops += d["flops"]
            seconds += plans_v2.job_seconds(d, gflops)
        rows.append(
            {"plan": name, "runs": len(entries), "tflop": flops / 1e12, "job_hours": seconds / 3600}
        )
    return rows
