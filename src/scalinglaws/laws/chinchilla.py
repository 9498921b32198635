"""Chinchilla laws (Hoffmann et al. 2022): parametric loss, efficient frontier and FLOP counting.

Names follow the paper: N = parameters (including embeddings), D = training tokens, C = training
FLOPs, L = loss in nats/token. Every function takes numpy arrays (or scalars) and broadcasts.

- eq 2: L(N, D) = E + A / N^alpha + B / D^beta                     -> `loss`
- eq 4: N_opt(C) = G (C/6)^a, D_opt(C) = G^-1 (C/6)^b,
        G = (alpha A / (beta B))^(1/(alpha+beta)), a = beta/(alpha+beta), b = alpha/(alpha+beta)
                                                                     -> `frontier_G`, `optimal_N`, ...
- C ~ 6 N D (section 3, eq 4)                                       -> `flops_6nd`
- App. F's per-component count, compared with 6ND in Table A4       -> `flops_appendix_f`
"""

from __future__ import annotations

import numpy as np

from scalinglaws.constants.hoffmann2022 import HOFFMANN, ParametricFit

_F = HOFFMANN.flops


def loss(N, D, fit: ParametricFit = HOFFMANN.approach3_rounded):
    """Eq 2: predicted loss (nats/token) of N parameters trained on D tokens."""
    N = np.asarray(N, dtype=float)
    D = np.asarray(D, dtype=float)
    return fit.E + fit.A / N**fit.alpha + fit.B / D**fit.beta


def frontier_G(fit: ParametricFit = HOFFMANN.approach3_rounded) -> float:
    """Eq 4: G = (alpha A / (beta B))^(1 / (alpha + beta)) (dimensionless prefactor)."""
    return (fit.alpha * fit.A / (fit.beta * fit.B)) ** (1.0 / (fit.alpha + fit.beta))


def frontier_exponents(fit: ParametricFit = HOFFMANN.approach3_rounded) -> tuple[float, float]:
    """Eq 4: (a, b) = (beta / (alpha + beta), alpha / (alpha + beta)); a + b = 1."""
    return fit.a, fit.b


def optimal_N(C, fit: ParametricFit = HOFFMANN.approach3_rounded):
    """Eq 4: compute-optimal parameters N_opt(C) = G (C/6)^a, for C in FLOPs (C = 6ND)."""
    return frontier_G(fit) * (np.asarray(C, dtype=float) / 6.0) ** fit.a


def optimal_D(C, fit: ParametricFit = HOFFMANN.approach3_rounded):
    """Eq 4: compute-optimal tokens D_opt(C) = G^-1 (C/6)^b, for C in FLOPs (C = 6ND)."""
    return (np.asarray(C, dtype=float) / 6.0) ** fit.b / frontier_G(fit)


def optimal_ratio(C, fit: ParametricFit = HOFFMANN.approach3_rounded, a: float | None = None):
    """Eq 4: tokens per parameter D_opt/N_opt = (C/6)^(1 - 2a) / G^2 at C FLOPs (dimensionless).

    ``a`` replaces the fit's beta/(alpha + beta) while G stays the fit's, as Besiroglu 2024's
    notebook (cell 64) does with the midpoint of Table 2's interval for Approach 3.
    """
    a = fit.a if a is None else a
    return (np.asarray(C, dtype=float) / 6.0) ** (1.0 - 2.0 * a) / frontier_G(fit) ** 2


def optimal_loss(C, fit: ParametricFit = HOFFMANN.approach3_rounded):
    """Eq 2 evaluated on the eq-4 frontier: the lowest loss (nats/token) reachable with C FLOPs."""
    return loss(optimal_N(C, fit), optimal_D(C, fit), fit)


def flops_for_optimal_N(N, fit: ParametricFit = HOFFMANN.approach3_rounded):
    """Inverse of eq 4: the budget C (FLOPs) for which N parameters is compute-optimal."""
    return 6.0 * (np.asarray(N, dtype=float) / frontier_G(fit)) ** (1.0 / fit.a)


def flops_6nd(N, D):
    """C = 6 N D: training FLOPs of N parameters on D tokens (section 3; Kaplan 2020 eq 2.2)."""
    return 6.0 * np.asarray(N, dtype=float) * np.asarray(D, dtype=float)


def tokens_for_flops(C, N):
    """D = C / (6 N): tokens that spend C FLOPs on an N-parameter model."""
    return np.asarray(C, dtype=float) / (6.0 * np.asarray(N, dtype=float))


def flops_appendix_f(
    n_layers,
    d_model,
    ffw_size,
    num_heads,
    kv_size,
    D,
    *,
    seq_len: int = _F.seq_len,
    vocab_size: int = _F.vocab_size,
    include_embeddings: bool = True,
):
    """App. F: training FLOPs on D tokens, forward + backward (backward = 2x forward).

    The forward pass for one sequence of S = seq_len tokens, term by term: embeddings 2 S V d;
    per layer: KQV 2*3 S d (k h), logits 2 S^2 (k h), softmax 3 h S^2, softmax@value 2 S^2 (k h),
    final linear 2 S (k h) d, dense 2 S (d f + d f); final logits 2 S d V. With
    include_embeddings=False the embedding and final-logit terms are left out: that is the count
    that reproduces Table A4's ratios (with N counted as the models' parameter count).
    """
    S = np.asarray(seq_len, dtype=float)
    d = np.asarray(d_model, dtype=float)
    f = np.asarray(ffw_size, dtype=float)
    kh = np.asarray(kv_size, dtype=float) * np.asarray(num_heads, dtype=float)
    mac = _F.flops_per_mac
    attention = (
        mac * 3 * S * d * kh  # key, query and value projections
        + mac * S * S * kh  # key @ query logits
        + _F.softmax_flops_per_logit * np.asarray(num_heads, dtype=float) * S * S  # softmax
        + mac * S * S * kh  # softmax @ value reductions
        + mac * S * kh * d  # final linear
    )
    dense = mac * S * (d * f + d * f)
    per_seq = np.asarray(n_layers, dtype=float) * (attention + dense)
    if include_embeddings:
        per_seq = per_seq + mac * S * vocab_size * d + mac * S * d * vocab_size
    per_token = per_seq * (1.0 + _F.backward_over_forward) / seq_len
    return per_token * np.asarray(D, dtype=float)


def parameter_count(n_layers, d_model, ffw_size, *, vocab_size: int = _F.vocab_size):
    """Parameters of a Chinchilla-style transformer (count of the Table A4/A9 sizes).

    Per layer: QKV 3d^2+3d, relative-position projection d^2+2d, output d^2+d, FFN 2 d f + f + d,
    two layer norms 4d; plus a final layer norm 2d and the d x V output matrix. The input
    embedding is tied/not counted. This is a reconstruction (the paper prints no formula); it
    reproduces the printed sizes of Table A4 to within 4%.
    """
    d = np.asarray(d_model, dtype=float)
    f = np.asarray(ffw_size, dtype=float)
    per_layer = (3 * d * d + 3 * d) + (d * d + 2 * d) + (d * d + d) + (2 * d * f + f + d) + 4 * d
    return np.asarray(n_layers, dtype=float) * per_layer + 2 * d + d * vocab_size
