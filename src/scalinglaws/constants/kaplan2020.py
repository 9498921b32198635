"""Published constants of Kaplan et al. 2020, *Scaling Laws for Neural Language Models*.

arXiv:2001.08361. Every number the project uses from this paper is typed here once, as a field of a
frozen dataclass, with the table or equation it comes from. Nothing else in the project types them.

Units follow the paper: N is non-embedding parameters, D and B are tokens, S is optimiser steps,
L is cross-entropy loss in nats per token, and compute in the power laws is in PF-days
(1 PF-day = 8.64e19 FLOP) unless a field says FLOP.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setup:
    """Training set-up of the paper's runs (section 2)."""

    pf_day_flop: float = 8.64e19  # section 1.3: 1 PF-day = 1e15 * 24 * 3600 FLOP
    n_ctx: int = 1024  # section 2.2: context length in tokens
    n_vocab: int = 50257  # section 2.2: BPE vocabulary
    batch_tokens: int = 2**19  # section 2.2 and eq 5.5: 512 sequences x 1024 tokens
    train_steps: int = 250_000  # section 2.2: default number of steps
    warmup_steps: int = 3000  # section 2.2: linear warm-up, then cosine decay to zero
    flop_per_param_token: float = 6.0  # section 2.1, eq 2.2: C ~ 6 N FLOP per training token


@dataclass(frozen=True)
class BasicLaws:
    """The single-variable power laws of section 1.2 and Table 5."""

    alpha_N: float = 0.076  # eq 1.1 / Table 5: L(N) = (N_c / N)^alpha_N
    N_c: float = 8.8e13  # eq 1.1 / Table 5: non-embedding parameters
    alpha_D: float = 0.095  # eq 1.2 / Table 5: L(D) = (D_c / D)^alpha_D
    D_c: float = 5.4e13  # eq 1.2 / Table 5: tokens
    alpha_C: float = 0.057  # eq 3.3 / Table 5: naive L(C) at fixed batch
    C_c: float = 1.6e7  # eq 3.3 / Table 5: PF-days
    alpha_C_min: float = 0.050  # eq 1.3 / 6.3 / Table 5: L(C_min) = (C_c^min / C_min)^alpha
    C_c_min: float = 3.1e8  # eq 1.3 / 6.3 / Table 5: PF-days
    alpha_B: float = 0.21  # eq 1.4 / 5.3 / Table 5: B_crit(L) = B_* / L^(1/alpha_B)
    B_star: float = 2.1e8  # Table 5 (eq 1.4 text: ~2e8): tokens
    alpha_S: float = 0.76  # eq 1.6 / 5.6 / Table 5: S-term exponent
    S_c: float = 2.1e3  # eq 1.6 / 5.6 / Table 5: steps


@dataclass(frozen=True)
class JointND:
    """Table 2: fit of eq 1.5 / 4.1, L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D."""

    alpha_N: float = 0.076  # Table 2
    alpha_D: float = 0.103  # Table 2
    N_c: float = 6.4e13  # Table 2: non-embedding parameters
    D_c: float = 1.8e13  # Table 2: tokens
    overfit_D_coef: float = 5e3  # eq 4.4: D >~ 5e3 N^0.74 keeps overfitting below seed noise
    overfit_D_exp: float = 0.74  # eq 4.4
    seed_noise: float = 0.02  # section 4.2: "the variation in the loss with different random seeds
    # is roughly 0.02", the overfitting threshold behind eq 4.4


@dataclass(frozen=True)
class JointNS:
    """Table 3: fit of eq 1.6 / 5.6, L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S."""

    alpha_N: float = 0.077  # Table 3
    alpha_S: float = 0.76  # Table 3
    N_c: float = 6.5e13  # Table 3: non-embedding parameters
    S_c: float = 2.1e3  # Table 3: steps (post-warm-up, Adam)


@dataclass(frozen=True)
class ComputeEfficient:
    """Table 6 and section 6: empirical compute-efficient allocation (C_min in PF-days)."""

    p_N: float = 0.73  # Table 6 / eq 6.1: N_opt = N_e C_min^p_N
    N_e: float = 1.3e9  # Table 6: parameters
    p_B: float = 0.24  # Table 6 / eq 6.2: B_crit = B_e C_min^p_B
    B_e: float = 2.0e6  # Table 6: tokens
    p_S: float = 0.03  # Table 6 / eq 6.2: S_min = S_e C_min^p_S (lower bound)
    S_e: float = 5.4e3  # Table 6: steps
    p_D: float = 0.27  # Table 6: D_opt = D_e C_min^p_D (1 epoch)
    D_e: float = 2e10  # Table 6: tokens
    eq_6_7_D_coef: float = 4e10  # eq 6.7: D(C_min) ~ (4e10 tokens) (C_min / PF-day)^0.26
    eq_6_7_D_exp: float = 0.26  # eq 6.7
    eq_6_6_D_N_exp: float = 0.74  # eq 6.6: D ~ N^0.74
    eq_6_6_D_C_exp: float = 0.54  # eq 6.6: D ~ C_min^0.54
    flops_per_c_min: float = 2.0  # eq 6.7 / section 5.1: training at B_crit costs C = 2 C_min
    alpha_C_min_eq_6_4: float = 0.054  # eq 6.4 as printed (eq B.7 prints 0.052)
    alpha_C_min_eq_B_7: float = 0.052  # eq B.7 as printed
    eq_6_5_exponent: float = 0.71  # eq 6.5: N ~ C_min^(alpha_C^min / alpha_N) ~ C_min^0.71


@dataclass(frozen=True)
class Intersection:
    """Eq 6.8: where L(C_min) and L(D(C_min)) meet (order-of-magnitude values, as printed)."""

    C_star_pf_days: float = 1e4  # eq 6.8: C* ~ 1e4 PF-days
    N_star: float = 1e12  # eq 6.8: N* ~ 1e12 parameters
    D_star: float = 1e12  # eq 6.8: D* ~ 1e12 tokens
    L_star: float = 1.7  # eq 6.8: L* ~ 1.7 nats/token


@dataclass(frozen=True)
class Figure12Claims:
    """Numbers printed in the text around Figure 12 (App. B.4; the text calls it Figure X/Y)."""

    compute_penalty: float = 1.2  # "only a 20% increase in compute budget"
    lower_ratio: float = 0.6  # "Models between 0.6x ..."
    upper_ratio: float = 2.2  # "... and 2.2x the optimal size"
    step_saving_at_upper: float = 0.45  # "A 2.2x larger model requires 45% fewer steps"


@dataclass(frozen=True)
class StudiedRange:
    """Where the paper has data (section 3), so where its fitted laws are interpolations."""

    N_min: float = 768.0  # section 3: models from 768 ...
    N_max: float = 1.5e9  # ... to 1.5 billion non-embedding parameters
    D_min: float = 22e6  # section 3: datasets from 22 million ...
    D_max: float = 23e9  # ... to 23 billion tokens
    fit_min_steps: float = 3000.0  # section 5.2: the Table 3 fit uses "all training steps after
    # the warmup period" (section 2.2: 3000 steps), so eq 5.6 is fitted only for S >= 3000


@dataclass(frozen=True)
class PrintedClaims:
    """Numbers the text prints about its laws, which the tests check the laws against."""

    doubling_N_loss_factor: float = (
        0.95  # section 1.2: doubling N multiplies L by 2^-alpha_N = 0.95
    )
    B_crit_doubling_loss_drop: float = 0.13  # Fig 10 caption: B_crit "approximately doubles for
    # every 13% decrease in loss"
    B_crit_fig10_loss_exponent: float = 4.8  # Fig 10 legend: B_crit = 2.1e8 tokens * L^-4.8
    convergence_f_efficient: float = 0.10  # eq B.5 text: train to alpha_N/alpha_S ~ 10% above
    # the converged loss
    convergence_f_typical: float = 0.02  # App. B.3: f' = 2% for the "typical" setup
    eq_B_12_N_ratio: float = 2.7  # eq B.12: N_f / N_f'
    eq_B_13_S_ratio: float = 0.13  # eq B.13: S_f / S_f'
    eq_B_14_C_ratio: float = 0.35  # eq B.14: C_f / C_f' ("65% less compute")
    eq_B_13_fewer_updates: float = 7.7  # App. B.3 text: "7.7x fewer parameter updates"
    model_growth_for_data: float = 8.0  # section 1.1: "every time we increase the model size 8x,
    data_growth_for_model: float = 5.0  # ... we only need to increase the data by roughly 5x"
    fig14_compute_step: float = 10.0  # Fig 14 caption: "for each 10x increase in compute" ...
    fig14_model_growth: float = 5.0  # ... "optimal model size ... increasing by 5x"
    fig14_data_growth: float = 2.0  # ... "data examples processed ... growing ... by only 2x"
    eq_6_2_B_crit_exp: float = 0.24  # section 6.1: B ~ L^-4.8 and L ~ C_min^-0.05 give C_min^0.24
    eq_6_2_L_exp: float = 0.05  # section 6.1: "L ~ C_min^-0.05"
    eq_6_3_data_limited_exp: float = 0.03  # section 6.3: L(D(C_min)) ~ C_min^-0.03
    gpt2_shape: tuple[int, int] = (48, 1600)  # Fig 5 caption: (n_layer, d_model) of [RWC+19]
    wide_shallow_shape: tuple[int, int] = (6, 4288)  # Fig 5 caption: loss within 3% of (48, 1600)
    gpt2_non_embedding_params: float = 1.5e9  # section 3: the largest models, 1.5B non-embedding


@dataclass(frozen=True)
class Kaplan2020:
    """All published constants of Kaplan et al. 2020, grouped by where they are fitted."""

    setup: Setup = Setup()
    basic: BasicLaws = BasicLaws()
    joint_ND: JointND = JointND()
    joint_NS: JointNS = JointNS()
    efficient: ComputeEfficient = ComputeEfficient()
    intersection: Intersection = Intersection()
    figure12: Figure12Claims = Figure12Claims()
    studied: StudiedRange = StudiedRange()
    claims: PrintedClaims = PrintedClaims()
    citation: str = (
        "Kaplan, J., McCandlish, S., Henighan, T., Brown, T. B., Chess, B., Child, R., Gray, S., "
        "Radford, A., Wu, J. and Amodei, D. (2020). Scaling Laws for Neural Language Models. "
        "arXiv:2001.08361."
    )


KAPLAN = Kaplan2020()
"""The one instance every law and figure reads from."""
