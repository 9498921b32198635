"""Tidy tables of the measured-here training runs (``data/runs/results/v2/*.json``); pandas only.

The runs are made by ``python -m scalinglaws.training sweep`` (``make runs``); see
``data/runs/README.md`` for the result schema. This module needs no torch, so figure code can load
the results anywhere. Both loaders return an empty frame with the documented columns when no run
has finished.

Symbols: N is ``params`` (non-embedding parameters, LayerNorms included), ``params_total`` adds the
token and position embeddings; C is ``flops`` (training FLOP counted exactly: 3 x forward matmul
FLOP, attention and output layer included), ``flops_6n`` is 6 N D; D is ``tokens``; losses are
validation cross-entropy in nats per byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from scalinglaws.core import paths
from scalinglaws.estimators import parabola_vertex

RESULTS = paths.DATA / "runs" / "results"  # results of plans other than v2_* (none committed)
STUDY = RESULTS / "v2"  # the committed study's results: the loaders' default folder

RUN_COLUMNS = [
    "run_id",  # 16 hex digits: sha256 of the run's config
    "study",  # the plan's label: "v2-isoflop", "v2-lr", "v2-noise", "v2-ladder-*", "smoke"
    "corpus",  # "prose" or "code"
    "n_layer",
    "d_model",
    "n_head",
    "params",  # N: non-embedding parameters
    "params_kaplan",  # 12 n_layer d_model^2 (Kaplan 2020 eq 2.1)
    "params_total",  # all parameters (Chinchilla's N)
    "flops_budget",  # planned training FLOP (NaN for token-budget runs)
    "flops",  # C: training FLOP actually spent, exact count
    "flops_6n",  # 6 N D
    "flops_per_token",  # exact training FLOP per token
    "tokens",  # D: training tokens (bytes)
    "tokens_per_param",  # D / N
    "epochs",  # D / training split size
    "steps",
    "batch_size",  # sequences of 128 bytes
    "lr",
    "seed",
    "loss_nats",  # final validation loss, nats per byte
    "train_loss_nats",  # mean training loss over the last logging interval
    "wall_s",  # seconds, training and validation
    "tokens_per_s",  # training throughput, validation time excluded
    "device",
    "threads",
    "status",  # "finished" or "diverged"
    "beta2",  # AdamW beta2
]
CURVE_COLUMNS = [
    "run_id",
    "study",
    "corpus",
    "params",
    "params_total",
    "flops_budget",
    "step",
    "tokens",  # tokens seen at this point
    "flops",  # exact training FLOP spent at this point
    "loss_nats",  # validation loss, nats per byte
    "train_loss_nats",  # mean training loss since the previous point
    "lr",
    "elapsed_s",
]


def _results(results: Path | str | None) -> list[dict]:
    folder = Path(results) if results is not None else STUDY
    if not folder.is_dir():
        return []
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def _run_row(r: dict) -> dict:
    c, d = r["config"], r["derived"]
    return {
        "run_id": r["run_id"],
        "study": c["study"],
        "corpus": c["corpus"],
        "n_layer": c["n_layer"],
        "d_model": c["d_model"],
        "n_head": c["n_head"],
        "params": d["params_nonembedding"],
        "params_kaplan": d["params_kaplan"],
        "params_total": d["params_total"],
        "flops_budget": float("nan") if c["flops"] is None else c["flops"],
        "flops": d["flops"],
        "flops_6n": d["flops_6n"],
        "flops_per_token": d["flops_per_token"],
        "tokens": d["tokens"],
        "tokens_per_param": d["tokens_per_param"],
        "epochs": d["epochs"],
        "steps": d["steps"],
        "batch_size": c["batch_size"],
        "lr": c["lr"],
        "seed": c["seed"],
        "loss_nats": r["final"]["val_loss"],
        "train_loss_nats": r["final"]["train_loss"],
        "wall_s": r["wall_s"],
        "tokens_per_s": r["tokens_per_s"],
        "device": r["device"],
        "threads": r["threads"],
        "status": r["status"],
        "beta2": c.get("beta2", 0.95),
    }


def load_runs(results: Path | str | None = None, study: str | None = None) -> pd.DataFrame:
    """One row per finished run (columns ``RUN_COLUMNS``), sorted by study, corpus, budget, N.

    results: folder of result files (default ``data/runs/results/v2``); study: keep only that study.
    """
    rows = [_run_row(r) for r in _results(results)]
    df = pd.DataFrame(rows, columns=RUN_COLUMNS)
    if study is not None:
        df = df[df["study"] == study]
    keys = ["study", "corpus", "flops_budget", "tokens", "params"]
    return df.sort_values(keys, na_position="first").reset_index(drop=True)


def load_curves(results: Path | str | None = None, study: str | None = None) -> pd.DataFrame:
    """One row per validation point of every finished run (columns ``CURVE_COLUMNS``)."""
    rows = []
    for r in _results(results):
        run = _run_row(r)
        if study is not None and run["study"] != study:
            continue
        for p in r["curve"]:
            rows.append(
                {
                    **{k: run[k] for k in CURVE_COLUMNS[:6]},
                    "step": p["step"],
                    "tokens": p["tokens"],
                    "flops": p["flops"],
                    "loss_nats": p["val_loss"],
                    "train_loss_nats": p["train_loss"],
                    "lr": p["lr"],
                    "elapsed_s": p["elapsed_s"],
                }
            )
    df = pd.DataFrame(rows, columns=CURVE_COLUMNS)
    return df.sort_values(["study", "corpus", "params", "step"]).reset_index(drop=True)


SPREAD_KEYS = ["study", "corpus", "flops_budget", "n_layer", "d_model", "lr", "beta2"]


def seed_spread(runs: pd.DataFrame) -> pd.DataFrame:
    """Seed-to-seed spread of the final loss: one row per configuration trained with 2 or more
    seeds (columns ``SPREAD_KEYS``, params, n_seeds, seeds, losses, mean, sd (sample), range)."""
    rows = []
    for key, g in runs.groupby(SPREAD_KEYS, sort=True, dropna=False):
        if len(g) < 2:
            continue
        g = g.sort_values("seed")
        losses = g["loss_nats"].to_numpy()
        rows.append(
            {
                **dict(zip(SPREAD_KEYS, key, strict=True)),
                "params": int(g["params"].iloc[0]),
                "n_seeds": len(g),
                "seeds": g["seed"].tolist(),
                "losses": losses.round(4).tolist(),
                "mean": float(losses.mean()),
                "sd": float(losses.std(ddof=1)),
                "range": float(losses.max() - losses.min()),
            }
        )
    cols = [*SPREAD_KEYS, "params", "n_seeds", "seeds", "losses", "mean", "sd", "range"]
    return pd.DataFrame(rows, columns=cols)


def lr_sweep_best(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (corpus, size, beta2) of a learning-rate sweep: the best learning rate, as the vertex of a
    parabola in log10 lr through the grid's lowest loss and its two neighbours (``edge`` True, and
    the grid's best kept, when the lowest loss is at an end of the grid)."""
    rows = []
    for (corpus, params, beta2), g in runs.groupby(["corpus", "params", "beta2"], sort=True):
        g = g.groupby("lr", as_index=False)["loss_nats"].mean().sort_values("lr")
        if len(g) < 3:
            continue
        x = np.log10(g["lr"].to_numpy())
        y = g["loss_nats"].to_numpy()
        i = int(np.argmin(y))
        edge = i in (0, len(y) - 1)
        lr_best, loss_best = float(10 ** x[i]), float(y[i])
        if not edge:
            _, v, y_v = parabola_vertex(x[i - 1 : i + 2], y[i - 1 : i + 2])
            if np.isfinite(v):
                lr_best, loss_best = float(10**v), float(y_v)
        rows.append(
            {
                "corpus": corpus,
                "params": int(params),
                "beta2": float(beta2),
                "lr_best": lr_best,
                "loss_best": loss_best,
                "lr_grid_best": float(10 ** x[i]),
                "loss_grid_best": float(y[i]),
                "edge": edge,
                "n_lr": len(g),
            }
        )
    cols = ["corpus", "params", "beta2", "lr_best", "loss_best", "lr_grid_best"]
    return pd.DataFrame(rows, columns=[*cols, "loss_grid_best", "edge", "n_lr"])


def fit_lr_rule(best: pd.DataFrame, n_ref: float = 1e4) -> tuple[float, float]:
    """(a, p) of lr_best = a (N / n_ref)^p, least squares in log-log over the rows of ``best``
    (one beta2; sizes whose best is at the grid's edge are left out)."""
    b = best[~best["edge"]]
    if b["params"].nunique() < 2:
        raise ValueError(f"need 2 or more sizes with an interior best learning rate, got {len(b)}")
    p, log_a = np.polyfit(np.log(b["params"] / n_ref), np.log(b["lr_best"]), 1)
    return float(np.exp(log_a)), float(p)


def provenance(checkpoint: str) -> dict[str, str]:
    """The provenance columns of this project's runs in the runs schema (as
    :func:`scalinglaws.datasets.registered.with_provenance` gives a registered data set's);
    ``checkpoint``: "final" or "intermediate and final"."""
    return {
        "source": "this project: data/runs/results/v2",
        "licence": "MIT",
        "flops_convention": "exact count (attention and output layer included)",
        "params_convention": "total and non-embedding",
        "loss_kind": "validation loss, nats per byte",
        "schedule": "cosine matched to each run",
        "checkpoint_kind": checkpoint,
    }
