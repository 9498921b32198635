"""Published exponents of Porian et al. 2024's discrepancy ladder.

Porian, Wortsman, Jitsev, Schmidt, Carmon (2024), *Resolving Discrepancies in Compute-Optimal
Scaling of Language Models*, arXiv:2406.19146 (NeurIPS 2024), Figure 1 panels (a)-(e): the
exponent a of N*(C) proportional to C^a at each cumulative step, with 95% intervals.

The values are those the authors' repository prints for Figure 1 and its results table
(github.com/formll/resolving-scaling-law-discrepancies at commit 0dc60d9, ``paper_tables.
results_table`` on the released ``data/summary_df.pickle.xz``, the weighted fit
``bs_median_weighted`` labelled ``a = %.3g``); the data files are unchanged since commit 859f146
(2024-07-08). The unweighted fits to the same data are 0.834, 0.701, 0.604, 0.571, 0.497 on
RefinedWeb. Intervals: 2.5th-97.5th percentiles of a parametric bootstrap over seed noise.

How each step counts (the repository's ``data.py`` and ``configs.py``): (a) N without embeddings
and without the output head, C = 6 N D, training loss, a 3000-step warmup and a cosine over a long
fixed horizon; (b) N with the output head (all linear layers, not the input embedding), C = 6 N D,
validation loss from here on; (c) warmup shortened to about N tokens; (d) cosine matched to each
run's length; (e) learning rate, batch size and AdamW beta2 tuned per size, with a constant
learning rate (no decay). Attention FLOPs are not counted in any step.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LadderExponents:
    """a at each step of Figure 1, (a) to (e), 3 significant digits, with 95% intervals."""

    kaplan: float  # (a) "Reproducing Kaplan et al."
    last_layer: float  # (b) "Counting last layer FLOPs"
    warmup: float  # (c) "Correcting warmup"
    cosine: float  # (d) "Cosine decay"
    tuned: float  # (e) "Optimizer tuning (no decay)"
    intervals: dict[str, tuple[float, float]]  # step field -> (2.5th, 97.5th percentile)


# Figure 1, step by step: (a, its 95% interval) on RefinedWeb, then on OpenWebText2.
_FIGURE1 = {
    "kaplan":     ((0.835, (0.82, 0.85)), (0.864, (0.82, 0.90))),
    "last_layer": ((0.706, (0.69, 0.72)), (0.699, (0.66, 0.72))),
    "warmup":     ((0.602, (0.59, 0.62)), (0.603, (0.57, 0.63))),
    "cosine":     ((0.571, (0.56, 0.59)), (0.574, (0.54, 0.61))),
    "tuned":      ((0.497, (0.49, 0.50)), (0.518, (0.49, 0.54))),
}  # fmt: skip


def _ladder(corpus: int) -> LadderExponents:
    """One corpus's column of ``_FIGURE1`` (0 RefinedWeb, 1 OpenWebText2)."""
    steps = {step: row[corpus] for step, row in _FIGURE1.items()}
    return LadderExponents(
        **{step: a for step, (a, _) in steps.items()},
        intervals={step: interval for step, (_, interval) in steps.items()},
    )


@dataclass(frozen=True)
class Porian2024:
    refinedweb: LadderExponents = field(default_factory=lambda: _ladder(0))
    openwebtext2: LadderExponents = field(default_factory=lambda: _ladder(1))
    interval_level: float = 0.95
    source: str = (
        "Porian et al. 2024, Resolving Discrepancies in Compute-Optimal Scaling of Language "
        "Models, arXiv:2406.19146, Figure 1 (values as printed by "
        "github.com/formll/resolving-scaling-law-discrepancies@0dc60d9 paper_tables.results_table)"
    )


PORIAN = Porian2024()
