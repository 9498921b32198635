"""The Gemstones suite (McLeish et al. 2025): its counting conventions and its runs as tables.

The counters are the authors' (github.com/mcleish7/gemstone-scaling-laws at 5f42047,
``plotters/plotting_utils.py``): ``flops_per_token`` is their ``flops_per_token_gqa`` (grouped-query
attention with 2 queries a group, RoPE, causal attention scores halved, GEGLU MLP, RMSNorm, the
logits; the input embedding counted as a sparse lookup, 0), ``params`` their ``param_counter``
(``vocab_size=0`` gives their count without embeddings). Their FLOPs of a checkpoint are
``flops_per_token(width, depth) x tokens``, not 6 N D. The loss is the **training** loss logged at
each checkpoint (``final_loss``), in nats per token of their 50,304-token vocabulary.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from scalinglaws.constants import GEMSTONES

COLUMNS = ("run_name", "params_active_precise", "width", "depth", "tokens", "step", "final_loss")


def flops_per_token(width, depth, vocab_size: int = GEMSTONES.vocab_size):
    """Training FLOPs per token of a Gemstones shape (forward and backward, flash attention)."""
    seq, hs = GEMSTONES.seq_len, GEMSTONES.head_size
    width = np.asarray(width, dtype=float)
    nq = width / hs
    nkv = 2 * nq / GEMSTONES.queries_per_group
    attention = 2.0 * seq * (nq + nkv) * width * hs + 3.5 * seq * (nq + nkv / 2) * hs
    kq_logits = 1.0 * seq * seq * hs * nq
    softmax = 3.0 * seq * seq * nq
    softmax_q_red = 2.0 * seq * seq * hs * nq
    final_linear = 2.0 * seq * width * hs * nq
    attn_bwd = (
        2.0 * attention + 2.5 * (kq_logits + softmax + softmax_q_red) + 2.0 * final_linear
    ) * depth
    attention = attention + kq_logits + softmax + softmax_q_red + final_linear
    ffw = GEMSTONES.expand_factor * width
    dense = 6.0 * seq * width * ffw + 10 * seq * ffw + 2.0 * width * seq
    rmsnorm = 2 * 7.0 * width * seq
    final_rms = 7.0 * width * seq
    final_logits = 2.0 * seq * width * vocab_size
    nonattn_bwd = 2.0 * (depth * (dense + rmsnorm) + final_rms + final_logits)
    forward = depth * (attention + dense + rmsnorm) + final_rms + final_logits
    return (forward + attn_bwd + nonattn_bwd) / seq


def params(width: int, depth: int, vocab_size: int = GEMSTONES.vocab_size) -> int:
    """Parameters of a Gemstones shape: input embedding and untied head each vocab x width."""
    hs = GEMSTONES.head_size
    n_head = int(width / hs)
    groups = int(n_head / 2)
    inner = int(GEMSTONES.expand_factor * width)
    attn = width * (n_head + 2 * groups) * hs + hs * n_head * width
    mlp = 3 * width * inner
    block = attn + mlp + 2 * width
    return block * depth + 2 * vocab_size * width + width


def load(path: Path) -> pd.DataFrame:
    """One row per checkpoint of a ``wandb_df_for_fitting_*.jsonl`` file (its own columns)."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    df = pd.DataFrame(rows)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{Path(path).name}: column {missing[0]!r} is missing")
    return df


def runs(raw: pd.DataFrame) -> pd.DataFrame:
    """The runs schema: one row per checkpoint after step 0 (as the authors' Approach 1 reads
    them), FLOPs and the count without embeddings by the authors' counters."""
    raw = raw[raw["step"] > 0].reset_index(drop=True)
    width, depth = raw["width"].to_numpy(), raw["depth"].to_numpy()
    no_emb = [params(w, d, vocab_size=0) for w, d in zip(width, depth, strict=True)]
    return pd.DataFrame({
        "run": raw["run_name"], "step": raw["step"], "params": raw["params_active_precise"],
        "params_non_embedding": np.asarray(no_emb, dtype=float), "tokens": raw["tokens"],
        "flops": flops_per_token(width, depth) * raw["tokens"].to_numpy(float),
        "loss": raw["final_loss"], "width": width, "depth": depth,
    })  # fmt: skip
