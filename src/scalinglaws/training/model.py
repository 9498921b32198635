"""A minimal decoder-only transformer for the measured-here study, with exact parameter and FLOP counts.

Shape: byte vocabulary (``n_vocab`` = 256), learned position embeddings over a context of
``n_ctx`` = 128 bytes, ``n_layer`` pre-LN blocks of causal multi-head attention
(``torch.nn.functional.scaled_dot_product_attention``) and a GELU MLP of width ``d_ff`` = 4
``d_model``, a final LayerNorm, and an output layer **tied** to the token embedding by default
(``tied=False`` gives a separate, untied output matrix). Linear layers have no biases, so the
weight matrices are exactly Kaplan et al. 2020's eq 2.1, N = 2 d_model n_layer (2 d_attn + d_ff).

Counting (symbols as in Kaplan 2020 Table 1; ``d_attn`` = ``d_model``):

* ``params_kaplan``: eq 2.1, the block weight matrices, 12 n_layer d_model^2.
* ``params_nonembedding``: every parameter except the token and position embeddings (and an untied
  output matrix): eq 2.1 plus the (2 n_layer + 1) LayerNorms' 2 d_model each.
* ``params_total``: all parameters (what Chinchilla calls N).
* ``flops_per_token``: exact training FLOP per token, 3 x the forward matmul FLOP (backward = 2 x
  forward), counting as Hoffmann et al. 2022 App. F does: QKV, attention logits **and** the
  attention-weighted sum over the full context (2 n_ctx d_model each per layer), the projection,
  the MLP and the output layer (2 d_model n_vocab). Element-wise work (softmax, LayerNorm, GELU,
  AdamW) is left out; it is under 1% of the total above ~1e5 parameters.
* ``flops_per_token_6n``: Kaplan's 6 N with N = ``params_nonembedding``.

At small d_model the attention and output terms dominate: the exact count is 2.3x 6N for
(2 layers, d_model 24) and tends to 1 as d_model grows (``tests/test_runs_model.py``).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from scalinglaws.training.config import N_CTX, N_VOCAB, ModelConfig, counts  # noqa: F401 (re-exported)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.n_head = cfg.n_head
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, cfg.ff, bias=False)
        self.out = nn.Linear(cfg.ff, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        shape = (B, T, self.n_head, C // self.n_head)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    """Decoder-only pre-LN transformer over bytes; ``forward(idx, targets)`` -> (logits, loss)."""

    def __init__(self, cfg: ModelConfig, generator: torch.Generator | None = None):
        super().__init__()
        if cfg.d_model % cfg.n_head:
            raise ValueError(f"d_model ({cfg.d_model}) must be a multiple of n_head ({cfg.n_head})")
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.n_vocab, cfg.d_model)
        self.wpe = nn.Embedding(cfg.n_ctx, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = None if cfg.tied else nn.Linear(cfg.d_model, cfg.n_vocab, bias=False)
        # Initialise with an explicit generator, so the weights depend on the seed alone.
        resid_std = cfg.init_std / math.sqrt(2 * cfg.n_layer)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = resid_std if name.endswith(("proj.weight", "out.weight")) else cfg.init_std
                nn.init.normal_(p, 0.0, std, generator=generator)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T, device=idx.device))
        for block in self.blocks:
            x = block(x)
        x = self.ln_f(x)
        logits = x @ self.wte.weight.T if self.head is None else self.head(x)
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        return logits, loss

    def param_groups(self, weight_decay: float) -> list[dict]:
        """AdamW groups: weight decay on matrices and embeddings, none on LayerNorm parameters."""
        decay = [p for p in self.parameters() if p.dim() >= 2]
        rest = [p for p in self.parameters() if p.dim() < 2]
        return [
            {"params": decay, "weight_decay": weight_decay},
            {"params": rest, "weight_decay": 0.0},
        ]
