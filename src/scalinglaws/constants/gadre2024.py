"""Published numbers of Gadre et al. 2024's over-training study.

Gadre, Smyrnis, Shankar, et al. (2024), *Language models scale reliably with over-training and on
downstream tasks*, arXiv:2403.08540. The authors' repository (github.com/mlfoundations/scaling at
commit a003c4913793ac2ae7ef87b28ecb562955d026d5) prints the headline predictions in
``scaling_explorer.ipynb``, the cell that reproduces the paper's Figure 1 (trained on RedPajama,
loss on C4 eval): the relative error of the law fitted to 5 small runs when it predicts the loss of
the 1.4B-parameter run at 640 tokens per parameter (32x over-trained) and of the 6.9B run at 20.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Predictions:
    """Relative error of the predicted C4-eval loss, as a fraction (the notebook prints percent)."""

    open_lm_1b_M640: float = (
        0.007103  # "relative error predicting (open_lm_1b, M=640.0) ... 0.7103%"
    )
    open_lm_7b_M20: float = 0.007320  # "relative error predicting (open_lm_7b, M=20.0) ... 0.7320%"


@dataclass(frozen=True)
class Gadre2024:
    figure1: Predictions = Predictions()


GADRE = Gadre2024()
