"""The study's configurations without torch: model shapes and their parameter and FLOP counts, one
run's configuration and its validation, the learning-rate schedule and the evaluation steps.

Split from :mod:`scalinglaws.training.model` and :mod:`scalinglaws.training.train` (which re-export these
names) so that the read-only verbs (``status``, ``summary`` and ``plans --costs`` of ``python -m scalinglaws.training``) and
the plans work in the venv `make figures` builds, which has no torch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np

from scalinglaws.core.params import ParameterError, check_choice, check_int, check_real
from scalinglaws.training import corpora

N_VOCAB = 256  # byte-level tokens
N_CTX = 128  # context length in bytes


@dataclass(frozen=True)
class ModelConfig:
    n_layer: int
    d_model: int
    n_head: int
    d_ff: int | None = None  # MLP width; None means 4 d_model (Kaplan's standard shape)
    n_ctx: int = N_CTX
    n_vocab: int = N_VOCAB
    tied: bool = True  # output layer shares the token embedding matrix
    init_std: float = 0.02  # GPT-2 init; residual output projections get init_std / sqrt(2 n_layer)

    @property
    def ff(self) -> int:
        return 4 * self.d_model if self.d_ff is None else self.d_ff


def counts(cfg: ModelConfig) -> dict[str, int]:
    """Parameter counts (parameters) and training FLOP per token (FLOP), as integers."""
    L, d, dff, T, V = cfg.n_layer, cfg.d_model, cfg.ff, cfg.n_ctx, cfg.n_vocab
    matrices = L * (3 * d * d + d * d + 2 * d * dff)  # Kaplan 2020 eq 2.1
    layernorms = (2 * L + 1) * 2 * d
    nonemb = matrices + layernorms
    embedding = V * d + T * d + (0 if cfg.tied else V * d)
    forward = 2 * matrices + 2 * 2 * L * T * d + 2 * d * V  # matmuls; logits and A@V; output layer
    return {
        "params_kaplan": matrices,
        "params_nonembedding": nonemb,
        "params_embedding": embedding,
        "params_total": nonemb + embedding,
        "flops_forward_per_token": forward,
        "flops_per_token": 3 * forward,
        "flops_per_token_6n": 6 * nonemb,
    }


@dataclass(frozen=True)
class RunConfig:
    study: str  # label grouping runs (e.g. "isoflop", "curves", "smoke"); part of the run's hash
    corpus: str  # "prose", "code-sympy" or "code" (scalinglaws.training.corpora)
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
    eval_late: int | None = None  # extra validation points evenly spaced over the last 15% (v3)

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
OPTIONAL_FIELDS = ("warmup_steps", "eval_late")  # left out of the run id when None


_DEFAULTS = {
    f.name: f.default for f in dataclasses.fields(RunConfig) if f.default is not dataclasses.MISSING
}  # the dataclass's defaults, declared once there


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
    check_int("batch_size", e.get("batch_size", _DEFAULTS["batch_size"]), 1, 65536)
    e["lr"] = check_real("lr", e.get("lr", _DEFAULTS["lr"]), 0, 1, lo_open=True)
    for name in ("warmup_frac", "min_lr_frac", "weight_decay", "beta1", "beta2"):
        if name in e:
            e[name] = check_real(name, e[name], 0, 1, hi_open=name.startswith("beta"))
    if "grad_clip" in e:
        e["grad_clip"] = check_real("grad_clip", e["grad_clip"], 0, 1e6, lo_open=True)
    check_int("seed", e.get("seed", _DEFAULTS["seed"]), 0, 2**63 - 1)
    check_int("n_eval", e.get("n_eval", _DEFAULTS["n_eval"]), 1, 1000)
    check_int("eval_tokens", e.get("eval_tokens", _DEFAULTS["eval_tokens"]), N_CTX, 10**8)
    if e.get("warmup_steps") is not None:
        check_int("warmup_steps", e["warmup_steps"], 0, 10**9)
    if e.get("eval_late") is not None:
        check_int("eval_late", e["eval_late"], 1, 1000)
    if not isinstance(e.get("tied", _DEFAULTS["tied"]), bool):
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


LATE_FRACTION = 0.15  # ``eval_late`` points lie in the last 15% of the run (Hoffmann 2022 fn 4)


def eval_steps(steps: int, n_eval: int, late: int | None = None) -> list[int]:
    """Steps (completed) at which validation loss is measured: ``n_eval`` log-spaced, always
    ending at ``steps``; with ``late``, that many more evenly spaced over the last 15% of the run
    (ending at ``steps``), so that the late part of a learning curve is measured, not
    interpolated."""
    pts = set(np.unique(np.round(np.geomspace(1, steps, n_eval)).astype(int)).tolist())
    if late:
        start = (1.0 - LATE_FRACTION) * steps
        pts |= set(
            np.unique(np.round(np.linspace(start, steps, late + 1)[1:])).astype(int).tolist()
        )
    return sorted(pts | {steps})
