"""Published constants of the Llama 3 paper's scaling-law section.

Llama Team, AI @ Meta (2024), *The Llama 3 Herd of Models*, arXiv:2407.21783, section 3.2.1
"Scaling Laws", Figures 2 and 3: "We fit A and alpha using the data from Figure 2. We find that
(alpha, A) = (0.53, 0.29) [...]. Extrapolation of the resulting scaling law to 3.8 x 10^25 FLOPs
suggests training a 402B parameter model on 16.55T tokens." N*(C) = A C^alpha there is the
compute-optimal number of training **tokens** (not parameters); each IsoFLOP curve is fitted with a
second-degree polynomial and its minimum taken. Budgets 6e18 to 1e22 FLOPs, models 40M to 16B.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Llama3:
    alpha: float = 0.53  # section 3.2.1: exponent of N*(C) = A C^alpha (tokens), 2 decimals
    A: float = 0.29  # section 3.2.1: prefactor (tokens per FLOP^alpha), 2 decimals
    flagship_flops: float = 3.8e25  # section 3.2.1: the flagship's budget, FLOPs
    flagship_params: float = 402e9  # section 3.2.1: "a 402B parameter model"
    flagship_tokens: float = 16.55e12  # section 3.2.1: "on 16.55T tokens"
    budget_min: float = 6e18  # section 3.2.1 / Figure 2: smallest IsoFLOP budget, FLOPs
    budget_max: float = 1e22  # section 3.2.1 / Figure 2: largest IsoFLOP budget, FLOPs
    source: str = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, section 3.2.1"


LLAMA3 = Llama3()
