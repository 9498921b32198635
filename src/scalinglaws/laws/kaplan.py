"""Laws of Kaplan et al. 2020 (arXiv:2001.08361) as pure, vectorised functions: the power laws.

Symbols follow the paper: N non-embedding parameters, D tokens, B batch size in tokens, S steps,
L loss in nats per token, C compute. Units throughout: N non-embedding parameters; D, B, tokens in
tokens; S optimiser steps; L nats per token; C in FLOP, C_pf / C_min_pf in PF-days
(1 PF-day = 8.64e19 FLOP). Each function names the equation it implements.

This module: the single-variable laws (section 1.2, Table 5), the joint laws L(N, D) and L(N, S_min)
(eqs 1.5, 1.6; Tables 2, 3), the critical batch and S_min, C_min (section 5.1), the fitted range,
and section 6's empirical allocation (Table 6, eqs 6.7, 6.8). The losses during training at a given
batch, steps or compute (Figures 2 and 11) are in :mod:`scalinglaws.laws.kaplan_training`; the
compute-efficient frontier of App. B in :mod:`scalinglaws.laws.kaplan_efficient`.

Constants: a function that uses published constants takes them as one keyword argument, a frozen
dataclass of :mod:`scalinglaws.constants.kaplan2020` defaulting to the published values: ``fit``
for the constants of the law evaluated (Table 5's :class:`BasicLaws`, Table 2's :class:`JointND`
or Table 3's :class:`JointNS`), and ``batch`` for the critical batch's B_* and alpha_B (Table 5).
To change one number, pass ``dataclasses.replace(KAPLAN.joint_NS, alpha_N=0.076)``.
"""

from __future__ import annotations

import numpy as np

from scalinglaws.constants import KAPLAN
from scalinglaws.constants.kaplan2020 import BasicLaws, JointND, JointNS
from scalinglaws.core.units import positive_array

_SETUP = KAPLAN.setup
_EFF = KAPLAN.efficient
_STUDIED = KAPLAN.studied

N_NAME = "N (non-embedding parameters)"
"""How error messages name N."""


# --------------------------------------------------------------------------------------------
# Single-variable laws (section 1.2, Table 5) and joint laws (eqs 1.5, 1.6)
# --------------------------------------------------------------------------------------------


def loss_of_params(N, *, fit: BasicLaws | JointNS = KAPLAN.basic):
    """Eq 1.1: L(N) = (N_c/N)^alpha_N, the converged loss of a model of N parameters.

    N: non-embedding parameters (array). Returns nats per token. Table 5: alpha_N = 0.076,
    N_c = 8.8e13. Fitted on models of 768 to 1.5e9 parameters trained near convergence.
    With ``fit=KAPLAN.joint_NS`` it is eq 5.6's converged term (S -> infinity) with Table 3's fit.
    """
    return (fit.N_c / positive_array(N_NAME, N)) ** fit.alpha_N


def loss_of_data(D, *, fit: BasicLaws = KAPLAN.basic):
    """Eq 1.2: L(D) = (D_c/D)^alpha_D, large models with early stopping on D tokens.

    D: tokens (array). Returns nats per token. Table 5: alpha_D = 0.095, D_c = 5.4e13.
    """
    return (fit.D_c / positive_array("D (tokens)", D)) ** fit.alpha_D


def loss_of_compute_min(C_min_pf, *, fit: BasicLaws = KAPLAN.basic):
    """Eq 1.3 / 6.3: L(C_min) = (C_c^min/C_min)^alpha_C^min, the compute-efficient frontier fit.

    C_min_pf: minimum compute (eq 5.5, batch far below B_crit) in PF-days (array). Returns nats per
    token. Table 5: alpha_C^min = 0.050, C_c^min = 3.1e8 PF-days.
    """
    return (fit.C_c_min / positive_array("C_min_pf (PF-days)", C_min_pf)) ** fit.alpha_C_min


def loss_params_data(N, D, *, fit: JointND = KAPLAN.joint_ND):
    """Eq 1.5 / 4.1: L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D with Table 2's fit.

    N: non-embedding parameters; D: dataset tokens (arrays, broadcast). Returns nats per token,
    the early-stopped loss. Table 2: alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13.
    Not trusted near D ~ 2e7 tokens, which the fit excluded (section 4.2).
    """
    N = positive_array(N_NAME, N)
    D = positive_array("D (tokens)", D)
    return ((fit.N_c / N) ** (fit.alpha_N / fit.alpha_D) + fit.D_c / D) ** fit.alpha_D


def loss_params_steps(N, S_min, *, fit: JointNS = KAPLAN.joint_NS):
    """Eq 1.6 / 5.6: L(N, S_min) = (N_c/N)^alpha_N + (S_c/S_min)^alpha_S with Table 3's fit.

    N: non-embedding parameters; S_min: steps at B >> B_crit (eq 5.4) (arrays, broadcast).
    Returns nats per token. Table 3: alpha_N = 0.077, alpha_S = 0.76, N_c = 6.5e13, S_c = 2.1e3.
    Fitted on the steps after the 3000-step warm-up; see :func:`in_fitted_range`.
    """
    N = positive_array(N_NAME, N)
    S_min = positive_array("S_min (steps)", S_min)
    return (fit.N_c / N) ** fit.alpha_N + (fit.S_c / S_min) ** fit.alpha_S


def overfitting_data_threshold(
    delta: float = KAPLAN.joint_ND.seed_noise, *, fit: JointND = KAPLAN.joint_ND
) -> tuple[float, float]:
    """Eq 4.4 from eq 4.3 with Table 2: the D at which the overfitting penalty delta L reaches delta.

    Eq 4.3, delta L = (1 + (N/N_c)^(alpha_N/alpha_D) D_c/D)^alpha_D - 1, equals delta at
    D = k N^p with p = alpha_N/alpha_D and k = D_c / (N_c^p ((1 + delta)^(1/alpha_D) - 1)).
    Returns (k in tokens, p); the paper prints D >~ (5e3) N^0.74 at its seed noise delta = 0.02.
    """
    if not (np.isfinite(delta) and 0.0 < delta < 1.0):
        raise ValueError(f"delta must be a number in (0, 1), got {delta!r}")
    p = fit.alpha_N / fit.alpha_D
    k = fit.D_c / (fit.N_c**p * ((1.0 + delta) ** (1.0 / fit.alpha_D) - 1.0))
    return float(k), float(p)


def in_fitted_range(N, S):
    """True where eq 5.6 is an interpolation: S >= 3000 steps and 768 <= N <= 1.5e9.

    Table 3 was fitted on "all training steps after the warmup period" (section 5.2; warm-up is
    3000 steps, section 2.2) of models from 768 to 1.5e9 non-embedding parameters (section 3).
    Elsewhere, and especially at small S ("the power-law equation for the learning curves breaks
    down very early in training", Fig 11 caption), the law is an extrapolation. N: parameters;
    S: steps at the paper's batch 2^19 (arrays broadcast). Returns a boolean array.
    """
    N = positive_array(N_NAME, N)
    S = positive_array("S (steps)", S)
    return (S >= _STUDIED.fit_min_steps) & (N >= _STUDIED.N_min) & (N <= _STUDIED.N_max)


# --------------------------------------------------------------------------------------------
# Critical batch, S_min and C_min (section 5.1)
# --------------------------------------------------------------------------------------------


def critical_batch(L, *, batch: BasicLaws = KAPLAN.basic):
    """Eq 1.4 / 5.3: B_crit(L) = B_* / L^(1/alpha_B), in tokens.

    L: loss in nats per token (array). Table 5: B_* = 2.1e8 tokens, alpha_B = 0.21 (so
    B_crit ~ L^-4.8, Fig 10). Measured for losses of about 3 to 10 nats (Fig 10).
    """
    return batch.B_star / positive_array("L (nats per token)", L) ** (1.0 / batch.alpha_B)


def min_steps(S, B, L, *, batch: BasicLaws = KAPLAN.basic):
    """Eq 5.4: S_min(S) = S / (1 + B_crit(L)/B), the steps training at B >> B_crit would need.

    S: steps taken at batch B (tokens) to reach loss L (nats). Returns steps.
    """
    S = positive_array("S (steps)", S)
    B = positive_array("B (tokens per step)", B)
    return S / (1.0 + critical_batch(L, batch=batch) / B)


def min_compute(C, B, L, *, batch: BasicLaws = KAPLAN.basic):
    """Eq 5.5: C_min(C) = C / (1 + B/B_crit(L)), the compute training at B << B_crit would need.

    C: compute spent at batch B (tokens) to reach loss L (nats), in any unit (FLOP or PF-days);
    returns the same unit.
    """
    C = positive_array("C (compute)", C)
    B = positive_array("B (tokens per step)", B)
    return C / (1.0 + B / critical_batch(L, batch=batch))


# --------------------------------------------------------------------------------------------
# Section 6: Table 6 allocations, eq 6.7 data, eq 6.8 intersection
# --------------------------------------------------------------------------------------------


def table6_params(C_min_pf):
    """Table 6 / eq 6.1: N_opt = N_e C_min^p_N = 1.3e9 C_min^0.73 parameters (C_min in PF-days)."""
    return _EFF.N_e * positive_array("C_min_pf (PF-days)", C_min_pf) ** _EFF.p_N


def efficient_tokens(C_min_pf):
    """Table 6: D_opt = D_e C_min^p_D = 2e10 C_min^0.27 tokens, one epoch (C_min in PF-days).

    This is eq 6.7's D(C_min) = 2 C_min / (6 N(C_min)) with Table 6's N(C_min) (which gives
    2.2e10 C^0.27, see :func:`efficient_tokens_from_params`); eq 6.7 itself prints
    (4e10 tokens) C_min^0.26.
    """
    return _EFF.D_e * positive_array("C_min_pf (PF-days)", C_min_pf) ** _EFF.p_D


def efficient_tokens_from_params(C_min_pf):
    """Eq 6.7's definition D(C_min) = 2 C_min / (6 N(C_min)) with N from Table 6, in tokens.

    Training at B_crit costs C = 2 C_min (section 5.1) and uses each token once. C_min_pf: PF-days.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    return 2.0 * C * _SETUP.pf_day_flop / (_SETUP.flop_per_param_token * table6_params(C))


def data_limit_intersection(
    D_e: float = _EFF.D_e, p_D: float = _EFF.p_D, *, fit: BasicLaws = KAPLAN.basic
) -> dict[str, float]:
    """Eq 6.8: where L(C_min) (eq 1.3) meets L(D(C_min)) (eq 1.2 at the one-epoch data D(C_min)).

    D(C_min) = D_e C_min^p_D tokens: by default Table 6's 2e10 C^0.27; eq 6.7's printed
    (4e10, 0.26) moves the crossing to ~1e5 PF-days, within the order of magnitude the paper
    warns of. Both sides are power laws in C_min, so the crossing is closed-form:
    alpha_C ln(C_c/C) = alpha_D ln(D_c/(D_e C^p_D)).
    Returns C_star (PF-days), N_star (parameters, Table 6), D_star (tokens), L_star (nats).
    """
    if not (np.isfinite(D_e) and D_e > 0 and np.isfinite(p_D) and 0 < p_D < 1):
        raise ValueError(f"D_e must be > 0 and p_D in (0, 1), got D_e={D_e!r}, p_D={p_D!r}")
    lnC = (fit.alpha_C_min * np.log(fit.C_c_min) - fit.alpha_D * np.log(fit.D_c / D_e)) / (
        fit.alpha_C_min - fit.alpha_D * p_D
    )
    C = float(np.exp(lnC))
    return {
        "C_star": C,
        "N_star": float(table6_params(C)),
        "D_star": float(D_e * C**p_D),
        "L_star": float(loss_of_compute_min(C, fit=fit)),
    }
