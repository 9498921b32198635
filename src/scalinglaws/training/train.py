"""Train one model of the study: AdamW, linear warmup then cosine decay over the run's own budget.

A run is a :class:`RunConfig`: a model shape, a corpus and a budget, either ``flops`` (training FLOP
counted exactly, :func:`scalinglaws.training.model.counts`) or ``tokens``. The number of steps
S = round(D / (batch_size n_ctx)) follows from the budget, and the learning-rate schedule is
stretched to exactly S steps, as Chinchilla prescribes (Hoffmann et al. 2022 section 3.1 and
App. B: a cosine cycle longer than the run overestimates the loss). Validation loss (nats per
byte) is measured on a fixed set of validation windows at ``n_eval`` log-spaced steps, so every run
is also a learning curve.

Randomness comes only from two explicit ``torch.Generator`` objects seeded from ``seed`` (one for
the initial weights, one for the training windows); with the same seed, thread count and torch
build the losses are bit-identical.
"""

from __future__ import annotations

import dataclasses
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from scalinglaws.training import corpora
from scalinglaws.training.config import (  # noqa: F401 (re-exported: the plans and results name them here)
    N_CTX,
    OPTIONAL_FIELDS,
    RunConfig,
    eval_steps,
    lr_at,
    validate,
)
from scalinglaws.training.model import GPT


def versions() -> dict:
    import scalinglaws

    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "numpy": np.__version__,
        "scalinglaws": scalinglaws.__version__,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or _cpu_model(),
    }


def _cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def windows(data: torch.Tensor, starts: torch.Tensor, device: str):
    idx = starts[:, None] + torch.arange(N_CTX + 1)[None, :]
    chunk = data[idx].long().to(device)
    return chunk[:, :-1], chunk[:, 1:]


def splits(corpus: corpora.Corpus, eval_tokens: int):
    """The training split, the validation split and the fixed validation windows' starts (the
    same ``eval_tokens // N_CTX`` evenly spaced windows for every run)."""
    train_data = torch.from_numpy(corpus.train.copy())
    val_data = torch.from_numpy(corpus.validation.copy())
    n_val = max(1, eval_tokens // N_CTX)
    val_starts = torch.from_numpy(
        np.linspace(0, val_data.numel() - N_CTX - 1, n_val).astype(np.int64)
    )
    return train_data, val_data, val_starts


@dataclasses.dataclass
class Progress:
    """What a run has done so far: the state a checkpoint carries besides weights and moments."""

    step: int = 0  # optimiser steps done
    curve: list = dataclasses.field(default_factory=list)  # one dict per evaluation
    running: float = 0.0  # sum of training losses since the last evaluation
    n_running: int = 0  # ... over this many steps
    eval_s: float = 0.0  # seconds spent evaluating
    elapsed_s: float = 0.0  # seconds of training before this process (a resumed run)
    resumed: list = dataclasses.field(default_factory=list)  # steps at which the run continued


@torch.no_grad()
def validation_loss(model: GPT, val_data: torch.Tensor, val_starts: torch.Tensor, device: str):
    """Mean loss (nats per byte) over the fixed validation windows."""
    model.eval()
    total = 0.0
    for chunk in val_starts.split(64):
        x, y = windows(val_data, chunk, device)
        total += model(x, y)[1].item() * len(chunk)
    model.train()
    return total / len(val_starts)


def optimiser_step(model, opt, cfg: RunConfig, x: torch.Tensor, y: torch.Tensor, lr: float):
    """One AdamW step at learning rate ``lr`` with the gradient clipped; the batch's loss."""
    for group in opt.param_groups:
        group["lr"] = lr
    loss = model(x, y)[1]
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss.item()


def resume(checkpoint: Path | None, cfg: RunConfig, threads: int, model, opt, g_data, device):
    """The progress saved in ``checkpoint`` for this run and thread count (weights, moments and
    the data generator restored in place), or a fresh start."""
    if checkpoint is None or not Path(checkpoint).is_file():
        return Progress()
    st = torch.load(checkpoint, map_location=device, weights_only=False)
    if st["run_id"] != cfg.run_id() or st["threads"] != threads:
        return Progress()
    model.load_state_dict(st["model"])
    opt.load_state_dict(st["opt"])
    g_data.set_state(st["g_data"])
    return Progress(
        st["step"],
        st["curve"],
        st["running"],
        st["n_running"],
        st["eval_s"],
        st["elapsed_s"],
        [*st["resumed"], st["step"]],
    )


def save_checkpoint(path: Path, cfg: RunConfig, threads: int, model, opt, g_data, pr: Progress):
    """The whole training state, written atomically (a temporary file, then a rename)."""
    state = {
        "run_id": cfg.run_id(),
        "threads": threads,
        "step": pr.step,
        "model": model.state_dict(),
        "opt": opt.state_dict(),
        "g_data": g_data.get_state(),
        "curve": pr.curve,
        "running": pr.running,
        "n_running": pr.n_running,
        "eval_s": pr.eval_s,
        "elapsed_s": pr.elapsed_s,
        "resumed": pr.resumed,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(path).with_name(f".{Path(path).name}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(
    cfg: RunConfig,
    *,
    device: str = "cpu",
    threads: int = 1,
    corpus: corpora.Corpus | None = None,
    checkpoint: Path | None = None,
    checkpoint_every_s: float = 600.0,
) -> dict:
    """Train ``cfg`` and return its tidy result (config, counts, curve, final losses, timings).

    With ``checkpoint`` (a file path), the whole training state (weights, AdamW moments, the data
    generator, the curve so far) is saved there atomically every ``checkpoint_every_s`` seconds,
    and a run started again with the same path continues from it, bit for bit as if it had never
    stopped (same seed, threads and torch build). Long runs thus survive a killed session.
    """
    torch.set_num_threads(threads)
    corpus = corpus or corpora.load(cfg.corpus)
    d = cfg.derived()
    steps = d["steps"]
    g_init = torch.Generator().manual_seed(cfg.seed)
    g_data = torch.Generator().manual_seed(cfg.seed + 0x5EED)
    model = GPT(cfg.model(), generator=g_init).to(device)
    opt = torch.optim.AdamW(
        model.param_groups(cfg.weight_decay), lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), eps=1e-8
    )
    train_data, val_data, val_starts = splits(corpus, cfg.eval_tokens)
    marks = set(eval_steps(steps, cfg.n_eval, cfg.eval_late))
    pr = resume(checkpoint, cfg, threads, model, opt, g_data, device)
    t0 = time.perf_counter() - pr.elapsed_s
    saved = time.perf_counter()
    for step in range(pr.step, steps):
        lr = lr_at(step, steps, cfg)
        starts = torch.randint(train_data.numel() - N_CTX - 1, (cfg.batch_size,), generator=g_data)
        x, y = windows(train_data, starts, device)
        pr.running += optimiser_step(model, opt, cfg, x, y, lr)
        pr.n_running += 1
        pr.step = step + 1
        if step + 1 in marks:
            te = time.perf_counter()
            val = validation_loss(model, val_data, val_starts, device)
            pr.eval_s += time.perf_counter() - te
            tokens = (step + 1) * cfg.batch_size * N_CTX
            pr.curve.append(
                {
                    "step": step + 1,
                    "tokens": tokens,
                    "flops": tokens * d["flops_per_token"],
                    "val_loss": val,
                    "train_loss": pr.running / pr.n_running,
                    "lr": lr,
                    "elapsed_s": time.perf_counter() - t0,
                }
            )
            pr.running, pr.n_running = 0.0, 0
        if checkpoint is not None and step + 1 < steps:
            if time.perf_counter() - saved >= checkpoint_every_s:
                pr.elapsed_s = time.perf_counter() - t0
                save_checkpoint(checkpoint, cfg, threads, model, opt, g_data, pr)
                saved = time.perf_counter()
    return result(cfg, corpus, pr, time.perf_counter() - t0, device, threads)


def result(cfg: RunConfig, corpus, pr: Progress, wall: float, device: str, threads: int) -> dict:
    """A finished run's tidy result; ``status`` "diverged" if any validation loss is not finite."""
    d = cfg.derived()
    curve = pr.curve
    status = "finished" if all(math.isfinite(p["val_loss"]) for p in curve) else "diverged"
    return {
        "schema": 1,
        "run_id": cfg.run_id(),
        "status": status,
        "config": dataclasses.asdict(cfg),
        "derived": {**d, "epochs": d["tokens"] / corpus.train.size, "n_ctx": N_CTX},
        "corpus_sha256": corpus.sha256,
        "final": {"val_loss": curve[-1]["val_loss"], "train_loss": curve[-1]["train_loss"]},
        "curve": curve,
        "wall_s": wall,
        "eval_s": pr.eval_s,
        "tokens_per_s": d["tokens"] / max(wall - pr.eval_s, 1e-9),
        "device": device,
        "threads": threads,
        "resumed_at_steps": pr.resumed,  # steps at which the run continued from a checkpoint
        "versions": versions(),
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
