"""Train one model of the study: AdamW, linear warmup then cosine decay over the run's own budget.

A run is a :class:`RunConfig`: a model shape, a corpus and a budget, either ``flops`` (training FLOP
counted exactly, :func:`scalinglaws.runs.model.counts`) or ``tokens``. The number of steps
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
import hashlib
import json
import math
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from scalinglaws.params import ParameterError, check_choice, check_int, check_real
from scalinglaws.runs import corpora
from scalinglaws.runs.model import GPT, N_CTX, ModelConfig, counts


@dataclass(frozen=True)
class RunConfig:
    study: str  # label grouping runs (e.g. "isoflop", "curves", "smoke"); part of the run's hash
    corpus: str  # "prose", "code-sympy" or "code" (scalinglaws.runs.corpora)
    n_layer: int
    d_model: int
    n_head: int
    flops: float | None = None  # training budget in FLOP, counted exactly; or give tokens
    tokens: int | None = None  # training tokens; exactly one of flops and tokens
    batch_size: int = 16  # sequences of n_ctx = 128 bytes per step
    lr: float = 2e-3  # peak AdamW learning rate
    warmup_frac: float = 0.05  # linear warmup over this fraction of the steps
    min_lr_frac: float = 0.1  # cosine decays to this fraction of lr at the last step
    weight_decay: float = 0.1  # on matrices and embeddings only
    beta1: float = 0.9
    beta2: float = 0.95
    grad_clip: float = 1.0  # global gradient-norm clip
    seed: int = 0
    n_eval: int = 16  # validation points, log-spaced in steps (the last one is the final loss)
    eval_tokens: int = 16384  # validation tokens per point: the same fixed windows for every run
    tied: bool = True  # output layer tied to the token embedding
    warmup_steps: int | None = (
        None  # a fixed warmup in steps instead of warmup_frac (Kaplan's 3000)
    )

    def model(self) -> ModelConfig:
        return ModelConfig(self.n_layer, self.d_model, self.n_head, tied=self.tied)

    def run_id(self) -> str:
        """First 16 hex digits of the sha256 of the config as canonical JSON.

        Fields added after the first results (``OPTIONAL_FIELDS``) enter the hash only when set,
        so every earlier run keeps its id."""
        cfg = dataclasses.asdict(self)
        for name in OPTIONAL_FIELDS:
            if cfg[name] is None:
                del cfg[name]
        text = json.dumps(cfg, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def derived(self) -> dict:
        """Counts, steps and the budget actually trained (tokens = steps x batch_size x n_ctx)."""
        c = counts(self.model())
        tokens = self.tokens if self.tokens is not None else self.flops / c["flops_per_token"]
        steps = max(1, round(tokens / (self.batch_size * N_CTX)))
        D = steps * self.batch_size * N_CTX
        return {
            **c,
            "steps": steps,
            "tokens": D,
            "flops": D * c["flops_per_token"],
            "flops_6n": D * c["flops_per_token_6n"],
            "tokens_per_param": D / c["params_nonembedding"],
        }


_FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}
OPTIONAL_FIELDS = ("warmup_steps",)  # left out of the run id when None


def validate(entry: dict) -> RunConfig:
    """A :class:`RunConfig` from a plan entry, or ParameterError naming the offending field."""
    if not isinstance(entry, dict):
        raise ParameterError(f"a plan entry must be a JSON object, got {entry!r}")
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise ParameterError(f"unknown field {unknown[0]!r}; accepted fields: {', '.join(_FIELDS)}")
    for name in ("study", "corpus", "n_layer", "d_model", "n_head"):
        if name not in entry:
            raise ParameterError(f"parameter '{name}' is required")
    e = dict(entry)
    if not isinstance(e["study"], str) or not e["study"].strip():
        raise ParameterError(f"parameter 'study' must be a non-empty string, got {e['study']!r}")
    check_choice("corpus", e["corpus"], corpora.CORPORA)
    check_int("n_layer", e["n_layer"], 1, 64)
    check_int("d_model", e["d_model"], 8, 8192)
    check_int("n_head", e["n_head"], 1, e["d_model"])
    if e["d_model"] % e["n_head"]:
        raise ParameterError(
            f"parameter 'n_head' must divide d_model = {e['d_model']}, got {e['n_head']}"
        )
    if (e.get("flops") is None) == (e.get("tokens") is None):
        raise ParameterError("exactly one of parameters 'flops' and 'tokens' must be given")
    if e.get("flops") is not None:
        e["flops"] = check_real("flops", e["flops"], 0, 1e24, lo_open=True)
    else:
        check_int("tokens", e["tokens"], 1, 10**13)
    check_int("batch_size", e.get("batch_size", 16), 1, 65536)
    e["lr"] = check_real("lr", e.get("lr", 2e-3), 0, 1, lo_open=True)
    for name in ("warmup_frac", "min_lr_frac", "weight_decay", "beta1", "beta2"):
        if name in e:
            e[name] = check_real(name, e[name], 0, 1, hi_open=name.startswith("beta"))
    if "grad_clip" in e:
        e["grad_clip"] = check_real("grad_clip", e["grad_clip"], 0, 1e6, lo_open=True)
    check_int("seed", e.get("seed", 0), 0, 2**63 - 1)
    check_int("n_eval", e.get("n_eval", 16), 1, 1000)
    check_int("eval_tokens", e.get("eval_tokens", 16384), N_CTX, 10**8)
    if e.get("warmup_steps") is not None:
        check_int("warmup_steps", e["warmup_steps"], 0, 10**9)
    if not isinstance(e.get("tied", True), bool):
        raise ParameterError(f"parameter 'tied' must be true or false, got {e['tied']!r}")
    return RunConfig(**e)


def lr_at(step: int, steps: int, cfg: RunConfig) -> float:
    """Learning rate for 0-based ``step`` of ``steps``: linear warmup (``warmup_steps``, else
    ``warmup_frac`` of the run), then cosine to min_lr_frac x lr at the last step. A warmup as long
    as the run or longer (Kaplan's fixed 3000 steps on a short run) never reaches the peak."""
    if cfg.warmup_steps is not None:
        warmup = cfg.warmup_steps
    else:
        warmup = max(1, round(cfg.warmup_frac * steps)) if cfg.warmup_frac > 0 else 0
    if step < warmup:
        return cfg.lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - 1 - warmup)
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return cfg.lr * (cfg.min_lr_frac + (1.0 - cfg.min_lr_frac) * cosine)


def eval_steps(steps: int, n_eval: int) -> list[int]:
    """Steps (completed) at which validation loss is measured: log-spaced, always ending at S."""
    pts = np.unique(np.round(np.geomspace(1, steps, n_eval)).astype(int))
    return sorted(set(pts.tolist()) | {steps})


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


def _windows(data: torch.Tensor, starts: torch.Tensor, device: str):
    idx = starts[:, None] + torch.arange(N_CTX + 1)[None, :]
    chunk = data[idx].long().to(device)
    return chunk[:, :-1], chunk[:, 1:]


def _splits(corpus: corpora.Corpus, eval_tokens: int):
    """The training split, the validation split and the fixed validation windows' starts (the
    same ``eval_tokens // N_CTX`` evenly spaced windows for every run)."""
    train_data = torch.from_numpy(corpus.train.copy())
    val_data = torch.from_numpy(corpus.validation.copy())
    n_val = max(1, eval_tokens // N_CTX)
    val_starts = torch.from_numpy(
        np.linspace(0, val_data.numel() - N_CTX - 1, n_val).astype(np.int64)
    )
    return train_data, val_data, val_starts


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
    train_data, val_data, val_starts = _splits(corpus, cfg.eval_tokens)
    n_val = len(val_starts)

    @torch.no_grad()
    def validation_loss() -> float:
        model.eval()
        total = 0.0
        for chunk in val_starts.split(64):
            x, y = _windows(val_data, chunk, device)
            total += model(x, y)[1].item() * len(chunk)
        model.train()
        return total / n_val

    marks = set(eval_steps(steps, cfg.n_eval))
    curve, running, n_running, eval_s, done, before, resumed = [], 0.0, 0, 0.0, 0, 0.0, []
    if checkpoint is not None and Path(checkpoint).is_file():
        st = torch.load(checkpoint, map_location=device, weights_only=False)
        if st["run_id"] == cfg.run_id() and st["threads"] == threads:
            model.load_state_dict(st["model"])
            opt.load_state_dict(st["opt"])
            g_data.set_state(st["g_data"])
            curve, running, n_running = st["curve"], st["running"], st["n_running"]
            eval_s, done, before, resumed = st["eval_s"], st["step"], st["elapsed_s"], st["resumed"]
            resumed = [*resumed, done]
    t0 = time.perf_counter() - before
    saved = time.perf_counter()
    for step in range(done, steps):
        lr = lr_at(step, steps, cfg)
        for group in opt.param_groups:
            group["lr"] = lr
        starts = torch.randint(train_data.numel() - N_CTX - 1, (cfg.batch_size,), generator=g_data)
        x, y = _windows(train_data, starts, device)
        loss = model(x, y)[1]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        running += loss.item()
        n_running += 1
        if step + 1 in marks:
            te = time.perf_counter()
            val = validation_loss()
            eval_s += time.perf_counter() - te
            tokens = (step + 1) * cfg.batch_size * N_CTX
            curve.append(
                {
                    "step": step + 1,
                    "tokens": tokens,
                    "flops": tokens * d["flops_per_token"],
                    "val_loss": val,
                    "train_loss": running / n_running,
                    "lr": lr,
                    "elapsed_s": time.perf_counter() - t0,
                }
            )
            running, n_running = 0.0, 0
        if checkpoint is not None and step + 1 < steps:
            if time.perf_counter() - saved >= checkpoint_every_s:
                state = {
                    "run_id": cfg.run_id(),
                    "threads": threads,
                    "step": step + 1,
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "g_data": g_data.get_state(),
                    "curve": curve,
                    "running": running,
                    "n_running": n_running,
                    "eval_s": eval_s,
                    "elapsed_s": time.perf_counter() - t0,
                    "resumed": resumed,
                }
                Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
                tmp = Path(checkpoint).with_name(f".{Path(checkpoint).name}.tmp")
                torch.save(state, tmp)
                os.replace(tmp, checkpoint)
                saved = time.perf_counter()
    wall = time.perf_counter() - t0
    if not all(math.isfinite(p["val_loss"]) for p in curve):
        status = "diverged"
    else:
        status = "finished"
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
        "eval_s": eval_s,
        "tokens_per_s": d["tokens"] / max(wall - eval_s, 1e-9),
        "device": device,
        "threads": threads,
        "resumed_at_steps": resumed,  # steps at which the run continued from a checkpoint
        "versions": versions(),
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
