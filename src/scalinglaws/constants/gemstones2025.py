"""Published constants of the Gemstones suite (McLeish et al. 2025).

McLeish, Kirchenbauer, Miller, Singh, Bhatele, Goldblum, Panda, Goldstein (2025), *Gemstones: A
Model Suite for Multi-Faceted Scaling Laws*, arXiv:2502.06857 (NeurIPS 2025). The authors' own
Approach 1 fits, as their repository writes them (github.com/mcleish7/gemstone-scaling-laws at
commit 5f420478f6057b0cbb4d13405fb10ca64675bccb, ``parameters/approach_1_linear_regression_
<target>.json``, key ``coef``: the slope of log N_opt against log FLOPs through the lower convex
hull of every checkpoint's (FLOPs, training loss), their ``plotters/approach_1.py``). The numbers
are machine-printed float64 values (``repr``), not rounded by the authors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Approach1Slopes:
    """a of N_opt proportional to C^a, the authors' convex-hull Approach 1 (repository JSON)."""

    params: float = 0.499380216082636  # approach_1_linear_regression_params.json
    params_no_embeds: float = 0.626862527898334  # ..._params_no_embeds.json
    params_cooldown: float = 0.5969810173757477  # ..._params_cooldown.json
    params_cooldown_no_embeds: float = 0.7241536927100163  # ..._params_cooldown_no_embeds.json


@dataclass(frozen=True)
class Gemstones2025:
    approach1: Approach1Slopes = Approach1Slopes()
    # their plotters/plotting_utils.py: the counting conventions of the suite
    vocab_size: int = 50304  # VOCAB_OURS
    seq_len: int = 2048  # SEQ_LEN
    head_size: int = 128  # HEAD_SIZE
    expand_factor: float = 4.0  # EXPAND_FACTOR (MLP width over model width)
    queries_per_group: int = 2  # flops_per_token_gqa's default


GEMSTONES = Gemstones2025()
