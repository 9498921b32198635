"""Kaplan et al. 2020, Figure 12's numbers: excess compute and excess steps away from the efficient
size, solved from eqs B.16 and B.17 (App. B.4) with alpha_N = 0.076 and alpha_S = 0.76 (Table 5),
beside the values the paper prints. Drawn by :mod:`scalinglaws.figures.kaplan2020_fig12`; no plotting here.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalinglaws.constants import KAPLAN
from scalinglaws.laws.kaplan_efficient import (
    excess_compute_interval,
    excess_domain_min,
    excess_steps_ratio,
)


@dataclass(frozen=True)
class Figure12Numbers:
    """The numbers Figure 12's text prints, beside the values the equations give."""

    penalty: float  # compute budget relative to the efficient one (paper: 1.2)
    lower_ratio: float  # smallest N/N_eff within the penalty (paper: "0.6x")
    upper_ratio: float  # largest N/N_eff within the penalty (paper: "2.2x")
    step_ratio_at_paper_upper: float  # eq B.17 at the paper's 2.2x
    step_saving_at_paper_upper: float  # 1 - the above (paper: "45% fewer steps")
    pole: float  # N/N_eff where eqs B.16/B.17 diverge


def figure12_numbers() -> Figure12Numbers:
    """Solve eqs B.16/B.17 for the quantities the paper quotes around Figure 12."""
    c = KAPLAN.figure12
    lo, hi = excess_compute_interval(c.compute_penalty)
    s = float(excess_steps_ratio(c.upper_ratio))
    return Figure12Numbers(c.compute_penalty, lo, hi, s, 1.0 - s, excess_domain_min())
