"""Figure families: one module per notebook, each drawing paper figures from the package.

A family module defines ``NOTEBOOK`` (the notebook's file stem), ``PARAMETERS`` (its validated
papermill parameters, a :class:`scalinglaws.params.ParameterSpec`) and ``figure_*`` functions that
return matplotlib figures. :func:`families` finds them all, so tests and tools need no list.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class FigureInfo:
    """One committed figure: what it reproduces and where its curves come from."""

    stem: str  # file stem in figures/
    notebook: str  # notebook stem that draws it
    paper_figure: str  # e.g. "Kaplan 2020 Fig 12"
    equations: str  # equations or data behind the curves
    kinds: (
        str  # the data kinds it shows (published law / published data / refit here / measured here)
    )


CATALOGUE: tuple[FigureInfo, ...] = (
    FigureInfo(
        "kaplan2020_fig11_left",
        "01_compute_budget",
        "Kaplan 2020 Fig 11 (left)",
        "eq 5.6 with Table 3, eqs 5.3-5.5 at B = 2^19 (implicit in L, solved exactly); "
        "each budget's optimum found numerically and joined",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_right",
        "01_compute_budget",
        "Kaplan 2020 Fig 2 (right)",
        "eq B.3 per size (eq 5.6 at the critical batch, Table 3); L(C_min) eq 1.3; "
        "envelope eqs B.6-B.8; annotation at eq B.5",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_right_measured",
        "01_compute_budget",
        "Kaplan 2020 Fig 2 (right), measured here",
        "eq B.3 per measured size (Table 3) against C_min; measured validation loss "
        "(nats per byte) against C = 6ND, N non-embedding, in PF-days",
        "published law, measured here",
    ),
    FigureInfo(
        "kaplan2020_fig11_right",
        "02_steps",
        "Kaplan 2020 Fig 11 (right)",
        "eq 5.6 with Table 3, eqs 5.3-5.4 at B = 2^19 (implicit in L, solved exactly)",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_left",
        "02_steps",
        "Kaplan 2020 Fig 2 (left)",
        "eq 5.6 with Table 3, eqs 5.3-5.4, S = tokens / 2^19; tokens to a target loss by "
        "the exact inverse",
        "published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_left_measured",
        "02_steps",
        "Kaplan 2020 Fig 2 (left), measured here",
        "eq 5.6 with Table 3, eqs 5.3-5.4, S = tokens / 2^19 per measured size; measured "
        "validation loss (nats per byte) against bytes processed",
        "published law, measured here",
    ),
    FigureInfo(
        "hoffmann2022_fig2",
        "03_isoflop",
        "Hoffmann 2022 Fig 2",
        "Approach 1 envelope (1500 log-spaced FLOPs): eq 2 (App. D.2 TeX fit) as final losses of "
        "25 sizes 75M-10B, its envelope and power laws derived here, fitted where eq 4's optimum "
        "lies inside the family; Approach 1: power law fitted here to Table 3's rows (Table 2 "
        "a = b = 0.50), Gopher 67B / 1.5T; prose learning curves measured here with bootstrap "
        "10th-90th pct",
        "published law, derived here from a published law, published data, refit here, "
        "measured here",
    ),
    FigureInfo(
        "hoffmann2022_fig3",
        "03_isoflop",
        "Hoffmann 2022 Fig 3",
        "Approach 2: parabola in log10 N per budget (9 budgets 6e18-3e21), vertices, "
        "N_opt = k C^a, D_opt = k' C^b with bootstrap 10th-90th pct; power laws fitted here to "
        "Table A3's rows (Table 2 a = 0.49, b = 0.51)",
        "published data (Besiroglu 2024 extraction of Fig 4), refit here",
    ),
    FigureInfo(
        "hoffmann2022_fig4",
        "03_isoflop",
        "Hoffmann 2022 Fig 4",
        "eq 2 contours and eq 4 frontier: App. D.2 TeX fit vs eq 2 refitted on the 240 "
        "points (Besiroglu 2024 objective)",
        "published law, published data, refit here",
    ),
    FigureInfo(
        "hoffmann2022_figA3",
        "03_isoflop",
        "Hoffmann 2022 Fig A3",
        "eq 4 (App. D.2 rounded and TeX; Besiroglu 2024 refit; refit here with bootstrap "
        "band); Approaches 1-2: power laws fitted here to Tables 3/A3; Kaplan 2020 Table 6 "
        "(non-embedding N) at C_min = C/2 (Hoffmann 2022 App. D.4)",
        "published law, refit here",
    ),
    FigureInfo(
        "hoffmann2022_figA2_measured",
        "04_c4_github",
        "Hoffmann 2022 Fig A2 and Table A2, measured here",
        "Approach 2 on this project's prose (C4's role) and Python code (GitHub's role) runs: "
        "parabola in log10 N per budget (3e11-1e13 FLOPs, exact count), vertices, N_opt = k C^a, "
        "D_opt = k' C^b with 80%-subsample bootstrap 10th-90th pct; Table A2's and Kaplan's "
        "exponents as slopes",
        "measured here, published law",
    ),
    FigureInfo(
        "cross_study",
        "07_cross_study",
        "Hoffmann 2022 Table 2 across data sets",
        "Approaches 1-3 (runs_fit) on Epoch's Chinchilla points, Llama 3's Fig 2 points, "
        "(Mis)Fitting's curves (N with and without embeddings) and the runs measured here, "
        "95% bootstrap intervals; Approach 2's bias on each data set's own grid simulated on "
        "its own eq 2 fit",
        "published data, refit here, measured here, published law",
    ),
    FigureInfo(
        "hoffmann2022_fig2_misfitting",
        "07_cross_study",
        "Hoffmann 2022 Fig 2 from Li et al. 2025's curves",
        "Approach 1 envelope (1500 log-spaced FLOPs) over the (Mis)Fitting learning curves, "
        "N_opt = k C^a with N with and without embeddings, D_opt = k' C^b; Table 2's "
        "Approach 1 slopes; footnote 4's share of points in the last 15% of their run",
        "published data, refit here, published law",
    ),
    FigureInfo(
        "kaplan2020_fig2_misfitting",
        "07_cross_study",
        "Kaplan 2020 Fig 2 from Li et al. 2025's curves",
        "the longest cosine horizon of each size (best learning rate): loss against tokens and "
        "against C = 6 N D (N non-embedding) in PF-days",
        "published data",
    ),
    FigureInfo(
        "kaplan2020_fig12",
        "05_excess_compute_steps",
        "Kaplan 2020 Fig 12",
        "eqs B.16, B.17; alpha_N, alpha_S from Table 5",
        "published law",
    ),
    FigureInfo(
        "calculator",
        "06_calculator",
        "Compute-optimal calculator (Hoffmann 2022 Fig A3's laws at one budget)",
        "N_opt, D_opt and loss at 1e24 FLOPs as `scalinglaws optimal` prints them: Kaplan 2020 "
        "Table 6 and eq 1.3; Approaches 1-2 power laws through Tables 3/A3; eq 4 and eq 2 with "
        "App. D.2's rounded and TeX fits, Besiroglu 2024's refit and the refit here with its "
        "bootstrap 10th-90th pct band",
        "published law, refit here",
    ),
)
"""Every committed figure; README.md and REPRODUCTION.md show this table (a test checks both)."""


def families() -> dict[str, ModuleType]:
    """Map notebook stem -> family module, for every module here that defines ``NOTEBOOK``."""
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        notebook = getattr(module, "NOTEBOOK", None)
        if notebook:
            found[notebook] = module
    return found
