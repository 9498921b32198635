"""Published constants of Besiroglu et al. 2024, *Chinchilla Scaling: A replication attempt*.

arXiv:2404.10102 (Epoch AI). Their refit of Hoffmann et al.'s eq 2 on the 245 points they extracted
from Chinchilla's Figure 4 (data set "epoch-chinchilla-fig4"), with the 5 highest losses dropped.

Sources: "paper" = the arXiv text (via quotes, PAPER_FACTS section 3); "notebook" =
epoch-research/analyzing-chinchilla @ 92258837425e1b5f2851d624287f0120583a3d0e, data_analysis.ipynb,
whose printed outputs carry more digits than the paper. Units as in Hoffmann 2022 (N parameters
including embeddings, D tokens, L nats/token).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scalinglaws.constants.hoffmann2022 import ParametricFit

# Notebook, `baseline_fitted_params`: [log A, log B, log E, alpha, beta] of the refit.
_LOG_A = 6.17795598  # notebook: log A
_LOG_B = 7.64273236  # notebook: log B
_LOG_E = 0.59711196  # notebook: log E

REFIT = ParametricFit(
    E=math.exp(_LOG_E),  # notebook cell 25: E 1.81686 (paper: 1.8172)
    A=math.exp(_LOG_A),  # notebook cell 25: A 482.00572 (paper: 482.01)
    B=math.exp(_LOG_B),  # notebook cell 25: B 2085.43420 (paper: 2085.43)
    alpha=0.34781303,  # notebook: alpha 0.34781 (paper: 0.3478)
    beta=0.36585412,  # notebook: beta 0.36585 (paper: 0.3658)
    source="Besiroglu 2024 refit (Huber likelihood with free scale, 240 points)",
)

GRID_EXACT = ParametricFit(
    E=1.8172,  # notebook "Replicate exactly": summed Huber from Hoffmann's 4,500-start grid
    A=477.8,  # notebook "Replicate exactly"
    B=2143.9,  # notebook "Replicate exactly"
    alpha=0.3473,  # notebook "Replicate exactly"
    beta=0.3672,  # notebook "Replicate exactly"
    source="Besiroglu 2024, summed Huber objective over Hoffmann's initialisation grid",
)


@dataclass(frozen=True)
class FitUncertainty:
    """Bootstrap standard errors and 95% percentile intervals of the refit (notebook cell 25)."""

    n_bootstrap: int = 4000  # notebook: bootstraps = 4000, np.random.seed(42)
    seed: int = 42  # notebook: np.random.seed(42)
    se_A: float = 124.52232  # notebook cell 25 (paper: 124.58)
    se_B: float = 1293.28410  # notebook cell 25 (paper: 1293.23)
    se_E: float = 0.02566  # notebook cell 25 (paper: 0.03)
    se_alpha: float = 0.01540  # notebook cell 25 (paper: 0.02)
    se_beta: float = 0.02060  # notebook cell 25 (paper: 0.02)
    # notebook cell 26: 2.5th and 97.5th percentiles of the 4,000 replicates, printed with %.3f
    ci95_A: tuple[float, float] = (285.214, 743.626)  # notebook cell 26
    ci95_B: tuple[float, float] = (1042.357, 5810.344)  # notebook cell 26
    ci95_E: tuple[float, float] = (1.769, 1.871)  # notebook cell 26
    ci95_alpha: tuple[float, float] = (0.317, 0.373)  # notebook cell 26
    ci95_beta: tuple[float, float] = (0.331, 0.415)  # notebook cell 26
    se_a: float = 0.020  # notebook cell 59: "a = beta/(alpha_beta): 0.513 (0.020)"

    def se(self) -> dict[str, float]:
        """Standard errors keyed by parameter name (A, B, E, alpha, beta)."""
        return {"A": self.se_A, "B": self.se_B, "E": self.se_E,
                "alpha": self.se_alpha, "beta": self.se_beta}  # fmt: skip


@dataclass(frozen=True)
class DataSelection:
    """How the refit selects the extracted points."""

    n_points_extracted: int = 245  # data/svg_extracted_data.csv: 245 rows
    n_excluded_highest_loss: int = 5  # notebook: nr_of_models_excluded = 5
    n_points_fitted: int = 240  # paper and notebook: 240 points
    huber_delta: float = 1e-3  # notebook: delta = 1e-3, same as Hoffmann eq 3


@dataclass(frozen=True)
class Claims:
    """Other numbers printed in the paper or the notebook."""

    implied_a: float = 0.5126  # paper: a = beta / (alpha + beta) of the refit
    # Notebook cells 68-69 print two tokens-per-parameter ratios "closest to chinchilla_compute"
    # (6 x 70e9 x 1.4e12 = 5.88e23 FLOPs); neither is what that label suggests.
    # Cell 68: eq 4's D/N with G of Hoffmann's TeX fit but a = 0.4545 (the midpoint of Table 2's
    # Approach 3 interval, 0.454-0.455), at 10^23.75 = 5.62e23 FLOPs, the grid point nearest 5.88e23.
    nb_ratio_tex_G_a_mid: float = 72.87  # notebook cell 68: 72.86525718715193
    nb_ratio_tex_G_a_mid_a: float = 0.4545  # notebook cell 59: a_mid = mean(0.454, 0.455)
    nb_ratio_tex_G_a_mid_flops: float = 10**23.75  # notebook cell 64: grid 10^(18:28:0.05)
    # Cell 69: the median D/N of 10,000 normal draws of the refit's parameters at 1e18 FLOPs, the
    # first grid point (the cell compares the ratios, not the FLOPs, with 5.88e23, so its argmin
    # lands there). It is not the refit's ratio at the Chinchilla budget (about 18.3).
    nb_median_ratio_refit: float = 25.66  # notebook cell 69: 25.65875243930601
    nb_median_ratio_refit_flops: float = 1e18  # notebook cell 64: first grid point
    chi2_hoffmann_vs_refit: float = 238.40  # notebook cell 34: chi^2(5) statistic of Hoffmann's
    # TeX values against the refit, (d^T Sigma^-1 d) over (log A, log B, log E, alpha, beta) with
    # Sigma the covariance of the bootstrap replicates
    chi2_p_value: float = 1.69e-49  # notebook cell 34: chi2.sf(238.40, df=5)
    chi2_dof: int = 5  # notebook cell 34
    experiments_needed: float = 600_000  # paper: CIs would need over 600,000 experiments
    experiments_likely: float = 500  # paper: "they likely only ran fewer than 500"


@dataclass(frozen=True)
class Besiroglu2024:
    """All published constants of Besiroglu et al. 2024."""

    refit: ParametricFit = REFIT
    grid_exact: ParametricFit = GRID_EXACT
    uncertainty: FitUncertainty = FitUncertainty()
    selection: DataSelection = DataSelection()
    claims: Claims = Claims()
    citation: str = field(
        default=(
            "Besiroglu, T., Erdil, E., Barnett, M. and You, J. (2024). Chinchilla Scaling: "
            "A replication attempt. arXiv:2404.10102."
        )
    )


BESIROGLU = Besiroglu2024()
"""The one instance every law and figure reads from."""
