"""IsoFLOP points read off learning curves: where a long run's counted FLOP reach each budget
(:func:`ladder_points`), and the window of sizes around each budget's best point
(:func:`window`). Used by the discrepancy ladder (:mod:`scalinglaws.analysis.ladder`), whose
steps 1-3 and Porian et al.'s step (e) read one long run per size at every budget.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scalinglaws.analysis.study_v2 import ACCOUNTINGS, VOCAB


def with_head(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``params_head``: Kaplan's non-embedding N plus the output layer (d_model x vocab)."""
    return frame.assign(params_head=frame["params_kaplan"] + frame["d_model"] * VOCAB)


def ladder_points(
    curves: pd.DataFrame, runs: pd.DataFrame, accounting: str, budgets
) -> pd.DataFrame:
    """IsoFLOP points of long runs at each budget in one accounting: the validation loss where a
    run's counted FLOP (6 N tokens, or the exact count) reach the budget, interpolated linearly in
    log FLOP between its two neighbouring checkpoints (a run ending less than one optimiser step
    short of a budget, as a run planned to it does when its step count rounds down, gives its
    last evaluation); a run that does not reach a budget, or reaches it before its first
    checkpoint, gives no point there. Rows by run (``run_id`` order), budgets as given; columns as
    :func:`scalinglaws.analysis.study_v2.load`'s
    (``flops_budget``, the accounting's N as ``params_total``, ``loss_nats``, ``tokens``)."""
    if accounting not in ACCOUNTINGS:
        raise ValueError(f"accounting must be one of {sorted(ACCOUNTINGS)}, got {accounting!r}")
    col = ACCOUNTINGS[accounting]
    info = with_head(runs).set_index("run_id")
    rows = []
    for run_id, c in curves.groupby("run_id", sort=True):
        r = info.loc[run_id]
        c = c[c["step"] > 0].sort_values("tokens")
        tokens = c["tokens"].to_numpy(float)
        spent = c["flops"].to_numpy(float) if col == "params_total" else 6 * r[col] * tokens
        # a run planned to a budget ends within one optimiser step of it (the step count is
        # rounded): that short of the budget, its last evaluation is the budget's point
        per_step = spent[-1] / float(c["step"].iloc[-1])
        for C in budgets:
            if not spent[0] <= C <= spent[-1] + per_step:
                continue
            x = min(np.log10(C), np.log10(spent[-1]))
            loss = float(np.interp(x, np.log10(spent), c["loss_nats"].to_numpy(float)))
            tok = float(10 ** np.interp(x, np.log10(spent), np.log10(tokens)))
            rows.append(
                {
                    "run_id": run_id,
                    "flops_budget": float(C),
                    "params_total": float(r[col]),
                    "seed": int(r["seed"]),
                    "tokens": tok,
                    "loss_nats": loss,
                }
            )
    return pd.DataFrame(
        rows, columns=["run_id", "flops_budget", "params_total", "seed", "tokens", "loss_nats"]
    )


BUDGET_GRID = 10 ** np.arange(10.0, 13.01, 0.5)  # half-decade budgets for points read off curves
WINDOW = np.log10(4.0)  # an IsoFLOP window: sizes within 4x of the budget's best point
MIN_SIZES = 5  # a budget read off learning curves needs this many sizes in its window
MIN_SIDE = 2  # ... and this many on each side of its best size (a valley, not an edge)


def window(
    points: pd.DataFrame,
    half_width: float = WINDOW,
    min_sizes: int = MIN_SIZES,
    min_side: int = MIN_SIDE,
) -> pd.DataFrame:
    """Per budget, the points whose size lies within ``half_width`` decades of the size with the
    lowest mean loss there; budgets with fewer than ``min_sizes`` sizes in it, or fewer than
    ``min_side`` on either side of the best size, are dropped (no IsoFLOP valley to fit: a vertex
    on a one-sided profile is an extrapolation)."""
    keep = []
    for _, g in points.groupby("flops_budget", sort=True):
        mean = g.groupby("params_total")["loss_nats"].mean()
        best = np.log10(mean.idxmin())
        logN = np.log10(mean.index.to_numpy(float))
        inside = np.abs(logN - best) <= half_width + 1e-12
        below, above = (logN[inside] < best).sum(), (logN[inside] > best).sum()
        if inside.sum() < min_sizes or min(below, above) < min_side:
            continue
        keep.append(g[np.isin(np.log10(g["params_total"].to_numpy(float)), logN[inside])])
    if not keep:
        return points.iloc[0:0]
    return pd.concat(keep, ignore_index=True)
