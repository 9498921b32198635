"""Kaplan et al. 2020's compute-efficient frontier, App. B, derived from eq 5.6 (Table 3).

Training at the critical batch (eq 5.3) and choosing N to minimise eq B.3's loss at each C_min
gives the frontier in closed form: exponents (eqs 1.7, 1.8, B.7), C_c (eq B.8), the loss, size,
steps and batch along it (eqs B.6, B.9, B.10, B.2), how far from convergence to stop
(eqs B.12-B.14), and the excess compute and steps of a model away from the efficient size
(App. B.4, Figure 12, eqs B.16, B.17). Units and the ``fit`` / ``batch`` constants arguments as in
:mod:`scalinglaws.laws.kaplan`.
"""

from __future__ import annotations

import numpy as np

from scalinglaws.constants import KAPLAN
from scalinglaws.constants.kaplan2020 import BasicLaws, JointNS
from scalinglaws.core.units import positive_array
from scalinglaws.laws.kaplan import N_NAME, critical_batch

_SETUP = KAPLAN.setup


# --------------------------------------------------------------------------------------------
# The frontier (eqs 1.7, 1.8, B.2, B.6-B.10)
# --------------------------------------------------------------------------------------------


def alpha_C_min_theory(
    fit: BasicLaws | JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
) -> float:
    """Eq 1.8 / 6.4 / B.7: alpha_C^min = 1 / (1/alpha_S + 1/alpha_B + 1/alpha_N) (dimensionless).

    alpha_N and alpha_S from ``fit``, alpha_B from ``batch``. 0.0525 with Table 3's
    alpha_N = 0.077 and 0.0520 with Table 5's 0.076 (eq B.7 prints 0.052; eq 6.4 prints 0.054).
    """
    return 1.0 / (1.0 / fit.alpha_S + 1.0 / batch.alpha_B + 1.0 / fit.alpha_N)


def efficient_exponents(
    fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
) -> dict[str, float]:
    """Eq 1.7: exponents of N, B, S and D = B S in C_min along the frontier (dimensionless).

    N ~ C^(alpha_C/alpha_N), B ~ C^(alpha_C/alpha_B), S ~ C^(alpha_C/alpha_S); they sum to 1 since
    C = 6 N B S. Compare Table 6's fitted p_N = 0.73, p_B = 0.24, p_S = 0.03, p_D = 0.27.
    """
    a = alpha_C_min_theory(fit, batch)
    p = {"N": a / fit.alpha_N, "B": a / batch.alpha_B, "S": a / fit.alpha_S}
    p["D"] = p["B"] + p["S"]
    return p


def efficient_C_c(fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic) -> float:
    """Eq B.8: C_c = 6 N_c B_* S_c (1 + alpha_N/alpha_S)^(1/alpha_S + 1/alpha_N) (alpha_S/alpha_N)^(1/alpha_S).

    Returns PF-days (1.6e8 with Table 3 constants; eq 1.3's direct fit is 3.1e8).
    """
    alpha_N, alpha_S = fit.alpha_N, fit.alpha_S
    r = alpha_N / alpha_S
    C = (
        6.0
        * fit.N_c
        * batch.B_star
        * fit.S_c
        * (1.0 + r) ** (1.0 / alpha_S + 1.0 / alpha_N)
        * (1.0 / r) ** (1.0 / alpha_S)
    )
    return float(C / _SETUP.pf_day_flop)


def efficient_loss(C_min_pf, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic):
    """Eq B.6: L(C_min) = (C_c/C_min)^alpha_C along the frontier derived from eq 5.6 (nats/token).

    C_min_pf: PF-days. alpha_C from eq B.7, C_c from eq B.8.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    return (efficient_C_c(fit, batch) / C) ** alpha_C_min_theory(fit, batch)


def efficient_params(C_min_pf, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic):
    """Eq B.9: N_eff(C) = N_c (C/C_c)^(alpha_C/alpha_N) (1 + alpha_N/alpha_S)^(1/alpha_N).

    C_min_pf: PF-days. Returns non-embedding parameters of the compute-efficient model.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    a = alpha_C_min_theory(fit, batch)
    return (
        fit.N_c
        * (C / efficient_C_c(fit, batch)) ** (a / fit.alpha_N)
        * (1.0 + fit.alpha_N / fit.alpha_S) ** (1.0 / fit.alpha_N)
    )


def efficient_compute_for_params(
    N, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic
):
    """Inverse of eq B.9: the C_min (PF-days) at which N parameters is the efficient size."""
    N = positive_array(N_NAME, N)
    a = alpha_C_min_theory(fit, batch)
    base = N / (fit.N_c * (1.0 + fit.alpha_N / fit.alpha_S) ** (1.0 / fit.alpha_N))
    return efficient_C_c(fit, batch) * base ** (fit.alpha_N / a)


def efficient_steps(C_min_pf, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic):
    """Eq B.10: S(C) = C_c/(6 N_c B_*) (1 + alpha_N/alpha_S)^(-1/alpha_N) (C/C_c)^(alpha_C/alpha_S).

    C_min_pf: PF-days. Returns steps at the critical batch (S_min, App. B). C_c here in FLOP.
    """
    C = positive_array("C_min_pf (PF-days)", C_min_pf)
    a = alpha_C_min_theory(fit, batch)
    C_c = efficient_C_c(fit, batch)
    return (
        C_c
        * _SETUP.pf_day_flop
        / (6.0 * fit.N_c * batch.B_star)
        * (1.0 + fit.alpha_N / fit.alpha_S) ** (-1.0 / fit.alpha_N)
        * (C / C_c) ** (a / fit.alpha_S)
    )


def efficient_batch(C_min_pf, *, fit: JointNS = KAPLAN.joint_NS, batch: BasicLaws = KAPLAN.basic):
    """Eq B.2 on the frontier: B_crit(L(C_min)) in tokens, with L from eq B.6. C_min_pf: PF-days."""
    return critical_batch(efficient_loss(C_min_pf, fit=fit, batch=batch), batch=batch)


def convergence_factor_ratios(
    f: float, f_prime: float, *, fit: BasicLaws = KAPLAN.basic
) -> tuple[float, float, float]:
    """Eqs B.12-B.14: (N_f/N_f', S_f/S_f', C_f/C_f') for the same loss at convergence factors f, f'.

    f, f': fractions above the converged loss (eq B.11), e.g. 0.10 and 0.02. Dimensionless ratios.
    """
    for name, v in (("f", f), ("f_prime", f_prime)):
        if not np.isfinite(v) or not 0.0 < v <= 10.0:
            raise ValueError(f"{name} must be a number in (0, 10], got {v!r}")
    n = ((1.0 + f) / (1.0 + f_prime)) ** (1.0 / fit.alpha_N)
    s = ((1.0 + 1.0 / f) / (1.0 + 1.0 / f_prime)) ** (1.0 / fit.alpha_S)
    return float(n), float(s), float(n * s)


# --------------------------------------------------------------------------------------------
# Appendix B.4, Figure 12: excess compute and excess steps away from the efficient model size
# --------------------------------------------------------------------------------------------


def excess_domain_min(*, fit: BasicLaws = KAPLAN.basic) -> float:
    """Smallest N/N_eff where eqs B.16 and B.17 are real: (1 + alpha_N/alpha_S)^(-1/alpha_N).

    Below it the bracket 1 + (alpha_S/alpha_N)(1 - (N_eff/N)^alpha_N) is not positive: the model is
    too small to ever reach the loss of the efficient model, and the required compute diverges.
    With the paper's alpha_N = 0.076, alpha_S = 0.76 it is 0.2853.
    """
    return float((1.0 + fit.alpha_N / fit.alpha_S) ** (-1.0 / fit.alpha_N))


def _excess_bracket(ratio, fit: BasicLaws) -> np.ndarray:
    x = np.asarray(ratio, dtype=float)
    lo = excess_domain_min(fit=fit)
    bad = ~np.isfinite(x) | (x <= lo)
    if np.any(bad):
        first = x[bad].flat[0] if x.ndim else float(x)
        raise ValueError(
            f"N/N_eff must be a finite number greater than {lo:.4f} (the pole of Kaplan 2020 "
            f"eqs B.16/B.17 for alpha_N={fit.alpha_N}, alpha_S={fit.alpha_S}), got {first!r}"
        )
    return 1.0 + (fit.alpha_S / fit.alpha_N) * (1.0 - x ** (-fit.alpha_N))


def excess_steps_ratio(ratio, *, fit: BasicLaws = KAPLAN.basic) -> np.ndarray:
    """Eq B.17: S(N, N_eff) / S(N_eff, N_eff), the steps needed relative to the efficient model.

    ratio: N/N_eff (dimensionless, > :func:`excess_domain_min`). Returns an array of the same shape.
    Both runs reach the same loss, the one the efficient model reaches on its budget.
    """
    return _excess_bracket(ratio, fit) ** (-1.0 / fit.alpha_S)


def excess_compute_ratio(ratio, *, fit: BasicLaws = KAPLAN.basic) -> np.ndarray:
    """Eq B.16: C(N, N_eff) / C(N_eff, N_eff), the compute needed relative to the efficient model.

    ratio: N/N_eff (dimensionless, > :func:`excess_domain_min`). Equal to ratio times eq B.17,
    since C = 6 N B S at the critical batch size. The minimum, 1, is at ratio = 1.
    """
    x = np.asarray(ratio, dtype=float)
    return x * excess_steps_ratio(x, fit=fit)


def excess_compute_interval(
    penalty: float, *, fit: BasicLaws = KAPLAN.basic
) -> tuple[float, float]:
    """The interval of N/N_eff whose compute is at most ``penalty`` times the efficient compute.

    Solves eq B.16 = penalty on each side of the minimum at 1 (a bracketed root). Kaplan 2020,
    App. B.4: penalty 1.2 gives "between 0.6x and 2.2x" (the equations give 0.577 and 2.184).
    """
    if not np.isfinite(penalty) or not 1.0 < penalty <= 100.0:
        raise ValueError(f"penalty must be a number in (1, 100], got {penalty!r}")
    lo_edge = excess_domain_min(fit=fit) * (1.0 + 1e-12)

    def f(x):
        return float(excess_compute_ratio(x, fit=fit)) - penalty

    from scipy.optimize import brentq  # scipy.optimize loads in ~0.5 s: only where a fit runs

    lo = brentq(f, lo_edge, 1.0, xtol=1e-14, rtol=1e-14)
    hi = brentq(f, 1.0, 1e6, xtol=1e-14, rtol=1e-14)
    return lo, hi
