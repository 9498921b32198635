"""Kaplan et al. 2020's parameter and FLOP counting, and PF-days.

Symbols follow the paper (section 2.1, Table 1): ``n_layer`` layers, ``d_model`` residual width,
``d_attn`` attention output width, ``d_ff`` feed-forward width, ``n_ctx`` context length in tokens,
``n_vocab`` vocabulary size; N is the number of **non-embedding** parameters.

Kaplan counts N without the token and position embeddings (eq 2.1) and compute as C = 6 N per
training token without the embedding, de-embedding and context terms (section 2.1). Chinchilla
(Hoffmann et al. 2022) counts parameters and FLOPs *with* embeddings. At small scale the two counts
differ by orders of magnitude (a 1e5-parameter model has ~1e7 embedding parameters with Kaplan's
vocabulary), which is the main reason naive reproductions disagree with Kaplan; the functions here
count Kaplan's way, and :mod:`scalinglaws.training.model` counts both for the models trained here.

Units: parameters are counts; FLOP are floating-point operations (a multiply-accumulate is 2);
PF-days are 1e15 FLOP/s for a day, 8.64e19 FLOP (section 1.3).
"""

from __future__ import annotations

import numpy as np

from scalinglaws.constants import KAPLAN

_SETUP = KAPLAN.setup


def positive_array(name: str, value, *, integer: bool = False) -> np.ndarray:
    """``value`` as a float array, or a ValueError naming ``name`` if any entry is not > 0.

    The message names the parameter, the first offending value and the accepted range, e.g.
    ``N (non-embedding parameters) must be a finite number in (0, inf), got -3.0``.
    """
    x = np.asarray(value, dtype=float)
    bad = ~np.isfinite(x) | (x <= 0)
    if integer:
        bad |= np.isfinite(x) & (x != np.round(x))
    if np.any(bad):
        first = float(x[bad].flat[0])
        kind = "a positive integer" if integer else "a finite number in (0, inf)"
        raise ValueError(f"{name} must be {kind}, got {first!r}")
    return x


# ------------------------------------------------------------------------------------------------
# PF-days (section 1.3)
# ------------------------------------------------------------------------------------------------


def pf_days_to_flop(C_pf):
    """FLOP in ``C_pf`` PF-days: C_pf * 8.64e19 (Kaplan 2020 section 1.3). Array in, array out."""
    return positive_array("C_pf (PF-days)", C_pf) * _SETUP.pf_day_flop


def flop_to_pf_days(C):
    """PF-days in ``C`` FLOP: C / 8.64e19 (Kaplan 2020 section 1.3). Array in, array out."""
    return positive_array("C (FLOP)", C) / _SETUP.pf_day_flop


# ------------------------------------------------------------------------------------------------
# Parameters (eq 2.1, Table 1)
# ------------------------------------------------------------------------------------------------


def _widths(d_model, d_attn, d_ff):
    d_model = positive_array("d_model", d_model, integer=True)
    d_attn = d_model if d_attn is None else positive_array("d_attn", d_attn, integer=True)
    d_ff = 4 * d_model if d_ff is None else positive_array("d_ff", d_ff, integer=True)
    return d_model, d_attn, d_ff


def non_embedding_params(n_layer, d_model, d_attn=None, d_ff=None):
    """N, non-embedding parameters: 2 d_model n_layer (2 d_attn + d_ff) (Kaplan 2020 eq 2.1).

    n_layer, d_model: positive integers (arrays broadcast). d_attn defaults to d_model and d_ff to
    4 d_model (the paper's standard shape), where the count is 12 n_layer d_model^2. It is the sum
    of Table 1's QKV, projection and feed-forward rows; biases and layer norms are left out, as in
    the paper. Returns parameters (float array).
    """
    n_layer = positive_array("n_layer", n_layer, integer=True)
    d_model, d_attn, d_ff = _widths(d_model, d_attn, d_ff)
    return 2.0 * d_model * n_layer * (2.0 * d_attn + d_ff)


# ------------------------------------------------------------------------------------------------
# Compute (eq 2.2, Table 1, C = 6NBS)
# ------------------------------------------------------------------------------------------------


def forward_flops_per_token(n_layer, d_model, d_attn=None, d_ff=None, n_ctx=_SETUP.n_ctx):
    """C_forward = 2N + 2 n_layer n_ctx d_attn FLOP per token (Kaplan 2020 eq 2.2, Table 1 total).

    The non-embedding forward cost: Table 1's QKV, mask, projection and feed-forward rows. With
    d_attn = d_model this is eq 2.2's 2N + 2 n_layer n_ctx d_model. Units: FLOP per token.
    """
    n_layer = positive_array("n_layer", n_layer, integer=True)
    n_ctx = positive_array("n_ctx", n_ctx, integer=True)
    d_model, d_attn, d_ff = _widths(d_model, d_attn, d_ff)
    N = non_embedding_params(n_layer, d_model, d_attn, d_ff)
    return 2.0 * N + 2.0 * n_layer * n_ctx * d_attn


def forward_flops_table1(
    n_layer, d_model, d_attn=None, d_ff=None, n_ctx=_SETUP.n_ctx, n_vocab=_SETUP.n_vocab
) -> dict[str, np.ndarray]:
    """Every row of Kaplan 2020 Table 1's "FLOPs per token" column, by name.

    Keys: 'embed' (4 d_model), 'attn_qkv', 'attn_mask', 'attn_project', 'feedforward',
    'de_embed' (2 d_model n_vocab). The four non-embedding rows sum to
    :func:`forward_flops_per_token`; 'embed' and 'de_embed' are what Kaplan's C leaves out.
    Units: FLOP per token, forward pass only.
    """
    n_layer = positive_array("n_layer", n_layer, integer=True)
    n_ctx = positive_array("n_ctx", n_ctx, integer=True)
    n_vocab = positive_array("n_vocab", n_vocab, integer=True)
    d_model, d_attn, d_ff = _widths(d_model, d_attn, d_ff)
    return {
        "embed": 4.0 * d_model,
        "attn_qkv": 2.0 * n_layer * d_model * 3.0 * d_attn,
        "attn_mask": 2.0 * n_layer * n_ctx * d_attn,
        "attn_project": 2.0 * n_layer * d_attn * d_model,
        "feedforward": 2.0 * n_layer * 2.0 * d_model * d_ff,
        "de_embed": 2.0 * d_model * n_vocab,
    }


def training_compute(N, B, S):
    """C = 6 N B S FLOP: forward (2N) plus backward (4N) per token (Kaplan 2020 sections 1.3, 2.1).

    N: non-embedding parameters; B: tokens per step; S: steps. Units: FLOP.
    """
    return (
        _SETUP.flop_per_param_token
        * positive_array("N (non-embedding parameters)", N)
        * (positive_array("B (tokens per step)", B) * positive_array("S (steps)", S))
    )
