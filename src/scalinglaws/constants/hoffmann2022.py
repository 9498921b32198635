"""Published constants of Hoffmann et al. 2022, *Training Compute-Optimal Large Language Models*.

arXiv:2203.15556 ("Chinchilla"). Every number the project uses from this paper is typed here once,
as a field of a frozen dataclass, with the section, equation or table it comes from.

Units follow the paper: N is parameters **including** embeddings (section 2), D is training tokens,
C is training FLOPs (C ~ 6 N D unless App. F's count is named), L is loss in nats per token.
Tables 3 and A3 are kept as *published data* (tuples of rows exactly as printed), not as laws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParametricFit:
    """Eq 2, L(N, D) = E + A / N^alpha + B / D^beta, with the constants of one fit."""

    E: float  # irreducible loss, nats/token
    A: float  # parameter term coefficient
    B: float  # data term coefficient
    alpha: float  # parameter exponent
    beta: float  # data exponent
    source: str = ""  # where the numbers are printed

    @property
    def a(self) -> float:
        """Exponent of N_opt(C) in eq 4: beta / (alpha + beta)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt(C) in eq 4: alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)


APPROACH3_ROUNDED = ParametricFit(
    E=1.69,  # App. D.2 (and section 3.3): E = 1.69
    A=406.4,  # App. D.2: A = 406.4
    B=410.7,  # App. D.2: B = 410.7
    alpha=0.34,  # App. D.2: alpha = 0.34
    beta=0.28,  # App. D.2: beta = 0.28
    source="Hoffmann 2022 App. D.2 (rounded, as printed)",
)

# The unrounded values from the paper's TeX source, as Besiroglu et al. 2024 hard-code them in
# epoch-research/analyzing-chinchilla data_analysis.ipynb (true_params = [log A, log B, log E, ...]).
_LOG_A_TEX = 6.0073404  # TeX source: log A
_LOG_B_TEX = 6.0179186  # TeX source: log B
_LOG_E_TEX = 0.5267228  # TeX source: log E

APPROACH3_TEX = ParametricFit(
    E=math.exp(_LOG_E_TEX),  # exp(0.5267228) = 1.6934
    A=math.exp(_LOG_A_TEX),  # exp(6.0073404) = 406.40
    B=math.exp(_LOG_B_TEX),  # exp(6.0179186) = 410.72
    alpha=0.33917084,  # TeX source
    beta=0.2849083,  # TeX source
    source="Hoffmann 2022 App. D.2, unrounded values of the TeX source (via Besiroglu 2024 code)",
)


@dataclass(frozen=True)
class Exponents:
    """One row of Table 2: N_opt ~ C^a and D_opt ~ C^b, with the (10th, 90th) percentiles."""

    a: float  # Table 2: exponent of N_opt
    b: float  # Table 2: exponent of D_opt
    a_interval: tuple[float, float] | None = None  # Table 2: (10th, 90th) percentile of a
    b_interval: tuple[float, float] | None = None  # Table 2: (10th, 90th) percentile of b
    label: str = ""


@dataclass(frozen=True)
class Table2:
    """Table 2: estimated exponents (bootstrap of 80% of the data, 100 times; 10th/90th pct)."""

    approach1: Exponents = Exponents(
        0.50, 0.50, (0.488, 0.502), (0.501, 0.512), "Approach 1: minimum over training curves"
    )
    approach2: Exponents = Exponents(
        0.49, 0.51, (0.462, 0.534), (0.483, 0.529), "Approach 2: IsoFLOP profiles"
    )
    approach3: Exponents = Exponents(
        0.46, 0.54, (0.454, 0.455), (0.542, 0.543), "Approach 3: parametric modelling of the loss"
    )
    kaplan: Exponents = Exponents(0.73, 0.27, None, None, "Kaplan et al. (2020)")


@dataclass(frozen=True)
class TableA2:
    """Table A2 (App. C): Approach 2 exponents on two more datasets, 4 IsoFLOP budgets each (no
    intervals printed). The budgets, 1e19 to 1e21 FLOPs, appear only in Figure A2's legend."""

    c4: Exponents = Exponents(0.50, 0.50, None, None, "C4")
    github: Exponents = Exponents(0.53, 0.47, None, None, "GitHub")
    kaplan: Exponents = Exponents(0.73, 0.27, None, None, "Kaplan et al. (2020)")
    budgets: tuple[float, ...] = (1e19, 1e20, 6e20, 1e21)  # Figure A2 legend only (unconfirmed)


@dataclass(frozen=True)
class ProjectionRow:
    """One printed row of Table 3 or Table A3: parameters, FLOPs and tokens, as printed."""

    params: float  # column "Parameters"
    flops: float  # column "FLOPs"
    tokens: float  # column "Tokens"


# Tables 3 and A3 side by side, one row per model size, every number as printed: parameters;
# Approach 1 (Table 3) FLOPs and tokens; Approach 2 (Table A3) FLOPs and tokens; Approach 3
# (Table A3) FLOPs and tokens. The 175B row's Approach 3 FLOPs print 1.26e+24 in both the arXiv
# HTML and PDF; 6 * 175e9 * 12.0e12 = 1.26e25, so the printed exponent is very likely a typo.
_PROJECTIONS = (
    (400e6,  1.92e19,   8.0e9,    1.84e19,   7.7e9,    2.21e19,    9.2e9),
    (1e9,    1.21e20,  20.2e9,    1.20e20,  20.0e9,    1.62e20,   27.1e9),
    (10e9,   1.23e22, 205.1e9,    1.32e22, 219.5e9,    2.46e22,  410.1e9),
    (67e9,   5.76e23,   1.5e12,   6.88e23,   1.7e12,   1.71e24,    4.1e12),
    (175e9,  3.85e24,   3.7e12,   4.54e24,   4.3e12,   1.26e24,   12.0e12),  # A3's typo
    (280e9,  9.90e24,   5.9e12,   1.18e25,   7.1e12,   3.52e25,   20.1e12),
    (520e9,  3.43e25,  11.0e12,   4.19e25,  13.4e12,   1.36e26,   43.5e12),
    (1e12,   1.27e26,  21.2e12,   1.59e26,  26.5e12,   5.65e26,   94.1e12),
    (10e12,  1.30e28, 216.2e12,   1.75e28, 292.0e12,   8.55e28, 1425.5e12),
)  # fmt: skip


def _approach(k: int) -> tuple[ProjectionRow, ...]:
    """Approach ``k`` (1, 2 or 3) of ``_PROJECTIONS``: (parameters, its FLOPs, its tokens)."""
    return tuple(ProjectionRow(r[0], r[2 * k - 1], r[2 * k]) for r in _PROJECTIONS)


@dataclass(frozen=True)
class Tables:
    """Tables 3 and A3 as published data: (params, FLOPs, tokens), rows exactly as printed."""

    # Table 3: Approach 1 projections (the "FLOPs (in Gopher unit)" column is kept separately).
    table3_approach1: tuple[ProjectionRow, ...] = _approach(1)
    # Table 3, column "FLOPs (in Gopher unit)", as printed (fractions written as 1/x).
    table3_gopher_units: tuple[float, ...] = (
        1 / 29968, 1 / 4761, 1 / 46, 1.0, 6.7, 17.2, 59.5, 221.3, 22515.9,
    )  # fmt: skip
    # The same column as typeset (its digits set the tolerance of the check against 5.76e23 / C).
    table3_gopher_units_text: tuple[str, ...] = (
        "1/29,968", "1/4,761", "1/46", "1", "6.7", "17.2", "59.5", "221.3", "22515.9",
    )  # fmt: skip
    # Table A3, Approach 2 and Approach 3 columns (the latter with its 175B typo, see above).
    tableA3_approach2: tuple[ProjectionRow, ...] = _approach(2)
    tableA3_approach3: tuple[ProjectionRow, ...] = _approach(3)
    tableA3_typo_index: int = 4  # Table A3, 175B row: Approach 3 FLOPs printed 1.26e24


@dataclass(frozen=True)
class ModelConfig:
    """One row of Table A4 (App. F): a model configuration and its FLOP ratio."""

    label: str  # Table A4 "Parameters" column as printed
    n_layers: int  # Table A4
    d_model: int  # Table A4
    ffw_size: int  # Table A4
    num_heads: int  # Table A4
    kv_size: int  # Table A4: key/query size per head
    flop_ratio: float  # Table A4: FLOPs (ours) / 6ND, as printed (2 decimals)


@dataclass(frozen=True)
class FlopCounting:
    """App. F: FLOPs of training, per-component, and Table A4's check against 6 N D."""

    flops_per_mac: int = 2  # App. F: "a factor of 2 per multiply-accumulate"
    backward_over_forward: float = 2.0  # App. F: backward pass = 2x forward (as Kaplan 2020)
    vocab_size: int = 32_000  # SentencePiece vocabulary (section 3 / model card)
    # seq_len is not printed for the scaling runs (unconfirmed); 2048 is the Gopher/Chinchilla
    # context length and reproduces Table A4's ratios (tests/test_chinchilla_laws.py).
    seq_len: int = 2048
    softmax_flops_per_logit: int = 3  # App. F: softmax = 3 x num_heads x seq_len x seq_len
    table_a4: tuple[ModelConfig, ...] = (
        ModelConfig("73M", 10, 640, 2560, 10, 64, 1.03),
        ModelConfig("305M", 20, 1024, 4096, 16, 64, 1.10),
        ModelConfig("552M", 24, 1280, 5120, 10, 128, 1.08),
        ModelConfig("1.1B", 26, 1792, 7168, 14, 128, 1.04),
        ModelConfig("1.6B", 28, 2048, 8192, 16, 128, 1.03),
        ModelConfig("6.8B", 40, 3584, 14336, 28, 128, 0.99),
    )


@dataclass(frozen=True)
class Budgets:
    """Compute budgets named in the paper (FLOPs)."""

    gopher: float = 5.76e23  # Fig 2 caption, Table 3: Gopher's training budget (Rae et al. count)
    gopher_appendix_f: float = 6.3e23  # App. F: the same run with their more accurate count
    # Fig 3 legend: the nine IsoFLOP budgets (only in the figure; section 3.2 states "9 budgets
    # from 6e18 to 3e21").
    isoflop: tuple[float, ...] = (6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21)
    approach1_n_flop_points: int = 1500  # section 3.1: 1500 log-spaced FLOP values
    d4_budget: float = 1e21  # App. D.4: the budget of the Kaplan-vs-Approach-1 check (Fig A4)


@dataclass(frozen=True)
class Approach3Setup:
    """App. D.2: the objective and initialisation grid of the parametric fit."""

    huber_delta: float = 1e-3  # eq 3 / App. D.2: Huber delta on log residuals
    grid_alpha: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)  # App. D.2: alpha in {0, .5, .., 2}
    grid_beta: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0)  # App. D.2: beta in {0, .5, .., 2}
    grid_e: tuple[float, ...] = (-1.0, -0.5, 0.0, 0.5, 1.0)  # App. D.2: e in {-1, -.5, .., 1}
    grid_a: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)  # App. D.2: a in {0, 5, .., 25}
    grid_b: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)  # App. D.2: b in {0, 5, .., 25}


@dataclass(frozen=True)
class Claims:
    """Other numbers printed in the text and captions."""

    gopher_budget_params_fig4: float = 40e9  # Fig 4 caption: Gopher budget -> 40B parameters
    gopher_optimal_range: tuple[float, float] = (40e9, 70e9)  # section 4: "between 40 and 70B"
    chinchilla_params: float = 70e9  # section 4 / Table 4: Chinchilla, 70B parameters
    chinchilla_tokens: float = 1.4e12  # section 4: 1.4 trillion tokens

    @property
    def chinchilla_flops(self) -> float:
        """6 N D of Chinchilla, 6 x 70e9 x 1.4e12 = 5.88e23 FLOPs (Besiroglu 2024's budget)."""
        return 6.0 * self.chinchilla_params * self.chinchilla_tokens

    d4_kaplan_params: float = 4.68e9  # App. D.4: Kaplan's prediction at 1e21 FLOPs
    d4_approach1_params: float = 2.86e9  # App. D.4: Approach 1's prediction at 1e21 FLOPs
    text_175b_flops: float = 4.41e24  # section 3.4: 175B should use 4.41e24 FLOPs ...
    text_175b_tokens: float = 4.2e12  # ... and over 4.2T tokens
    text_280b_flops: float = 1e25  # section 3.4: 280B optimal at ~1e25 FLOPs ...
    text_280b_tokens: float = 6.8e12  # ... and 6.8T tokens
    intro_kaplan_model_growth: float = 5.5  # section 1: Kaplan's 10x compute -> model 5.5x ...
    intro_kaplan_data_growth: float = 1.8  # ... and training tokens 1.8x
    # section 3.1, footnote 4: all points of the training-curve envelope lie in the last 15% of
    # their run (read as a share of 100%)
    footnote4_share_in_last_15pct: float = 1.0
    footnote4_last_fraction: float = 0.15  # footnote 4's "last 15%" of a run's training FLOPs


@dataclass(frozen=True)
class Hoffmann2022:
    """All published constants of Hoffmann et al. 2022, grouped by where they are printed."""

    approach3_rounded: ParametricFit = APPROACH3_ROUNDED
    approach3_tex: ParametricFit = APPROACH3_TEX
    approach3_setup: Approach3Setup = Approach3Setup()
    table2: Table2 = Table2()
    table_a2: TableA2 = TableA2()
    tables: Tables = Tables()
    flops: FlopCounting = FlopCounting()
    budgets: Budgets = Budgets()
    claims: Claims = Claims()
    citation: str = field(
        default=(
            "Hoffmann, J., Borgeaud, S., Mensch, A., Buchatskaya, E., Cai, T., Rutherford, E., "
            "de Las Casas, D., Hendricks, L. A., Welbl, J., Clark, A., et al. (2022). Training "
            "Compute-Optimal Large Language Models. arXiv:2203.15556."
        )
    )


HOFFMANN = Hoffmann2022()
"""The one instance every law and figure reads from."""
