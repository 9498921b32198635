"""Estimators for compute-optimal scaling: Hoffmann et al. 2022 Approaches 1, 2 and 3, power laws
and the bootstrap, for any table of runs.

One argument convention, everywhere: the data are **keyword-only named arrays**, one value per run,
named and ordered as

    N  parameters,  D  tokens,  C  FLOPs,  L  loss (nats)

and each estimator takes those it needs, in that order (``approach3(N=, D=, L=)``,
``approach2(N=, D=None, C=, L=)``, ``bootstrap_approach3(N=, D=, L=)``,
``approach3_reference(N=, D=, L=)``, ``isoflop_groups(C=)``). ``arrays(frame)`` takes the four from
a tidy table (columns params, tokens and/or flops, loss_nats) and returns them in the same order
(N, D, C, L). Approach 1 reads training curves rather than final runs: ``approach1(curves=)``, one
(N, C, L) or (N, C, L, D) record per run, in the same order with the optional D last. Objective
functions take the parameter vector first (``huber_objective(theta, N=, D=, L=)``), except
``objective_and_gradient(theta, N, D, L)``, which scipy's ``minimize`` calls with positional
``args``.

Modules:
    inputs                  FitError, the checks of named arrays, ``arrays`` from a tidy table
    powerlaw                y = k x^p by least squares in log-log space
    approach1_envelope      Approach 1: minimal-loss envelope over training curves
    approach2_isoflop       Approach 2: IsoFLOP parabolas and their vertices
    approach3_paper         Approach 3 as App. D.2 writes it, one start at a time: the reference
    approach3_epoch         Approach 3 and its bootstrap as Besiroglu et al. 2024's notebook runs them
    _approach3_fast         Approach 3 with every start batched (the fit the package uses)
    _approach3_derivatives  its objectives with exact gradients and Hessians, batched
    bootstrap               resampled runs, refitted: standard errors and percentile intervals
"""

from scalinglaws.estimators._approach3_derivatives import huber_objective
from scalinglaws.estimators._approach3_fast import (
    COND_MAX,
    E_SHARE_MIN,
    OBJECTIVES,
    PARAM_NAMES,
    Approach3Result,
    approach3,
)
from scalinglaws.estimators.approach1_envelope import (
    Approach1Result,
    approach1,
    bootstrap_approach1,
    bootstrap_over_ranges,
    bracketed_range,
    envelope_range,
    fit_range,
    hull_minimizers,
    in_last_fraction,
    last_part,
    range_variants,
)
from scalinglaws.estimators.approach2_isoflop import (
    Approach2Result,
    IsoFlopProfile,
    approach2,
    isoflop_groups,
    parabola_vertex,
)
from scalinglaws.estimators.approach3_paper import (
    ReferenceFit,
    approach3_reference,
    hoffmann_grid,
    objective_and_gradient,
)
from scalinglaws.estimators.bootstrap import (
    BootstrapResult,
    bootstrap_approach3,
    legacy_resample_counts,
)
from scalinglaws.estimators.inputs import FitError, arrays
from scalinglaws.estimators.powerlaw import PowerLaw, fit_power_law, slope_t_interval

__all__ = [
    "COND_MAX",
    "E_SHARE_MIN",
    "OBJECTIVES",
    "PARAM_NAMES",
    "Approach1Result",
    "Approach2Result",
    "Approach3Result",
    "BootstrapResult",
    "FitError",
    "IsoFlopProfile",
    "PowerLaw",
    "ReferenceFit",
    "approach1",
    "approach2",
    "approach3",
    "approach3_reference",
    "arrays",
    "bootstrap_approach1",
    "bootstrap_approach3",
    "fit_power_law",
    "slope_t_interval",
    "fit_range",
    "hull_minimizers",
    "bracketed_range",
    "envelope_range",
    "bootstrap_over_ranges",
    "last_part",
    "range_variants",
    "hoffmann_grid",
    "huber_objective",
    "in_last_fraction",
    "isoflop_groups",
    "parabola_vertex",
    "legacy_resample_counts",
    "objective_and_gradient",
]
