"""The third version of the measured-here study (v3): horizons per size, so that Chinchilla's three
approaches are read from the same runs (``docs/study-v3.md`` is the design and its reasons).

v2's horizons sat on one shared half-decade budget grid, so at most ~15% of its envelope points
could come from the last 15% of a run (Hoffmann 2022 footnote 4), and its 16 log-spaced
evaluations left half of every run interpolated. v3 gives each size its own horizons:

* ``v3_horizons.json``: ``len(SIZES)`` prose sizes of the v3 shape family (:func:`shape`: v2's
  family with at least ``MIN_LAYERS`` layers, so no size sits on v2's one-to-two-layer step), their
  non-embedding counts geometric between ``N_LO`` and ``N_HI``. Each size is trained at
  ``HORIZONS`` cosine horizons, factors of 16^(1/3) from 1/4 to 4 times its expected optimal budget
  (Hoffmann 2022 section 3.1: 4 horizons over a factor 16), one seed, with ``EVAL_LATE``
  evaluations evenly spaced over the last 15% of each run besides the 16 log-spaced ones. The
  batch is fixed per size (the largest of 16, 8, 4 sequences giving its shortest horizon at least
  ``MIN_STEPS`` steps), so a size's horizons differ only in length. The learning rate is v2's
  fitted rule (:data:`scalinglaws.training.plans_v2.LR_RULE`) at the size's non-embedding count.

The expected optimal budget of a size comes from v2's prose Approach 2 optima
(``data/derived/study_v2_optima_prose.csv``: N_opt 11,061 at 3e11 FLOP and 169,231 at 3e13, all
parameters), through the power law joining them (:func:`expected_budget`). Runs are listed
cheapest first, so a partial sweep has every size's short horizons before any size's long ones.

``python -m scalinglaws.training plans --costs`` prints the TFLOP and job-hours of every plan.
"""

from __future__ import annotations

from scalinglaws.designs.v3 import (  # noqa: F401  (the plan's geometry, re-exported)
    HORIZONS,
    MIN_LAYERS,
    N_HI,
    N_LO,
    PORIAN_BUDGETS,
    SIZES,
    V2_OPTIMA,
    expected_budget,
    shape,
    sizes,
)
from scalinglaws.training import plans_v2
from scalinglaws.training.config import N_CTX, ModelConfig, counts
from scalinglaws.training.plans_v2 import lr_of

STUDY = "v3"
EVAL_LATE = 12  # evaluations over the last 15% of each run (goal: 10 or more there)
MIN_STEPS = 250
BATCHES = (16, 8, 4)


def _batch(tokens: float) -> int:
    return next((b for b in BATCHES if tokens / (b * N_CTX) >= MIN_STEPS), BATCHES[-1])


def horizons_plan() -> list[dict]:
    out = []
    for L, d, h in sizes():
        c = counts(ModelConfig(L, d, h))
        C_opt = expected_budget(c["params_total"])
        batch = _batch(min(HORIZONS) * C_opt / c["flops_per_token"])
        lr, beta2 = lr_of(c["params_nonembedding"])
        for f in HORIZONS:
            out.append(
                {
                    "study": f"{STUDY}-horizons",
                    "corpus": "prose",
                    "n_layer": L,
                    "d_model": d,
                    "n_head": h,
                    "flops": float(f"{f * C_opt:.4g}"),
                    "batch_size": batch,
                    "lr": lr,
                    "beta2": beta2,
                    "n_eval": 16,
                    "eval_late": EVAL_LATE,
                }
            )
    return sorted(out, key=lambda e: e["flops"])


LR_CHECK_BUDGETS = (3e11, 1e12, 3e12, 1e13)
LR_CHECK_FACTORS = (0.5, 2.0)
SHAPE_BUDGETS = (3e11, 1e12)


def lr_check_plan() -> list[dict]:
    """Every size of v2's prose windows at 3e11-1e13 at 0.5x and 2x the rule's learning rate, one
    seed (seed 0 at 1x is v2's own run): does any budget's optimum move beyond its interval?"""
    out = []
    for C in LR_CHECK_BUDGETS:
        for k in plans_v2.window(C):
            N = counts(ModelConfig(*plans_v2.shape(plans_v2.ladder(k))))["params_nonembedding"]
            lr, beta2 = lr_of(N)
            for f in LR_CHECK_FACTORS:
                out.append(
                    plans_v2.run(
                        "lrcheck", "prose", k, flops=C, lr=float(f"{f * lr:.3g}"), beta2=beta2
                    )
                    | {"study": f"{STUDY}-lrcheck"}
                )
    return out


def shape_plan() -> list[dict]:
    """v2's prose windows at 3e11 and 1e12 again, every size with ``MIN_LAYERS`` layers or more
    (v3's :func:`shape` on v2's ladder targets), 3 seeds, v2's recipe otherwise. Only the sizes
    whose shape changes are trained; the others are v2's own runs. Below ~1,600 non-embedding
    parameters two layers cannot be narrower than d_model 8, so two rungs can give one shape: it is
    trained once."""
    out = []
    for C in SHAPE_BUDGETS:
        seen = set()
        for k in plans_v2.window(C):
            old, new = plans_v2.shape(plans_v2.ladder(k)), shape(plans_v2.ladder(k))
            if old == new or new in seen:
                continue
            seen.add(new)
            c = counts(ModelConfig(*new))
            lr, beta2 = lr_of(c["params_nonembedding"])
            for seed in plans_v2.SEEDS:
                out.append(
                    {
                        "study": f"{STUDY}-shape",
                        "corpus": "prose",
                        "n_layer": new[0],
                        "d_model": new[1],
                        "n_head": new[2],
                        "flops": C,
                        "batch_size": plans_v2.batch_for(C / c["flops_per_token"]),
                        "lr": lr,
                        "beta2": beta2,
                        "seed": seed,
                        "n_eval": 16,
                    }
                )
    return out


# Porian et al. 2024's step (e) as they ran it: a constant learning rate after a short warmup of
# about N tokens (their step (c)), tuned per size; one long run a size and rate, read off its
# learning curve at every budget (a constant rate does not depend on the run's length). The budgets
# stop at 3e12: v2's 1e13 window alone would cost 80 TFLOP a rate.
PORIAN_LR_FACTORS = (0.25, 0.5, 1.0, 2.0)  # times v2's rule (fitted under a cosine)
# Added after the first 8 runs (3e11 and 1e12, the two smallest sizes): both ended lowest at 0.25x,
# the grid's end, so the grid goes one step down at every size; appended after the plan's runs.
PORIAN_LR_EXTRA = (0.125,)
PORIAN_N_EVAL = 60  # log-spaced evaluations, as v2's long ladder runs


def porian_plan() -> list[dict]:
    """Every rung of v2's prose windows at ``PORIAN_BUDGETS``, one run as long as the largest
    budget the rung serves, at each of ``PORIAN_LR_FACTORS`` (then ``PORIAN_LR_EXTRA``, appended)
    times v2's rule; constant rate
    (``min_lr_frac`` 1), warmup of ``params_total`` tokens (at least one step), v2's shape, batch
    and beta2, one seed. Cheapest first."""
    rungs: dict[int, float] = {}
    for C in PORIAN_BUDGETS:
        for k in plans_v2.window(C):
            rungs[k] = max(rungs.get(k, 0.0), C)
    out = []
    for k, C in sorted(rungs.items()):
        c = counts(ModelConfig(*plans_v2.shape(plans_v2.ladder(k))))
        lr, beta2 = lr_of(c["params_nonembedding"])
        entry = plans_v2.run("porian", "prose", k, flops=C)
        warmup = max(1, round(c["params_total"] / (entry["batch_size"] * N_CTX)))
        for f in PORIAN_LR_FACTORS + PORIAN_LR_EXTRA:
            out.append(
                entry
                | {
                    "study": f"{STUDY}-porian",
                    "lr": float(f"{f * lr:.3g}"),
                    "beta2": beta2,
                    "min_lr_frac": 1.0,
                    "warmup_steps": warmup,
                    "n_eval": PORIAN_N_EVAL,
                    "lr_factor": f,
                }
            )
    first = [e for e in out if e["lr_factor"] in PORIAN_LR_FACTORS]
    extra = [e for e in out if e["lr_factor"] not in PORIAN_LR_FACTORS]
    ordered = sorted(first, key=lambda e: e["flops"]) + sorted(extra, key=lambda e: e["flops"])
    return [_drop_factor(e) for e in ordered]


def _drop_factor(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "lr_factor"}


def plans() -> dict[str, list[dict]]:
    """Every v3 plan by file name, in the order they are run."""
    return {
        "v3_horizons.json": horizons_plan(),
        "v3_shape.json": shape_plan(),
        "v3_lrcheck.json": lr_check_plan(),
        "v3_porian.json": porian_plan(),
    }
