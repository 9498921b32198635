"""Power laws y = k x^p fitted by least squares in log-log space (Approaches 1 and 2 end in them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scalinglaws.estimators.inputs import FitError, check_1d

__all__ = ["PowerLaw", "fit_power_law", "slope_t_interval"]


@dataclass(frozen=True)
class PowerLaw:
    """y = k x^exponent, fitted by least squares in log-log space."""

    k: float  # prefactor (units of y per unit of x^exponent)
    exponent: float  # dimensionless
    n_points: int = 0
    exponent_interval: tuple[float, float] | None = None  # bootstrap percentile interval
    k_interval: tuple[float, float] | None = None

    def __call__(self, x):
        return self.k * np.asarray(x, dtype=float) ** self.exponent

    def inverse(self, y):
        """x such that k x^exponent = y."""
        return (np.asarray(y, dtype=float) / self.k) ** (1.0 / self.exponent)


def fit_power_law(x, y, *, exponent: float | None = None) -> PowerLaw:
    """Fit y = k x^p by ordinary least squares on (log x, log y); fix p with ``exponent``."""
    x = check_1d("x", x)
    y = check_1d("y", y, x.size)
    need = 1 if exponent is not None else 2
    if x.size < need:
        raise FitError(f"a power law needs at least {need} points, got {x.size}")
    lx, ly = np.log(x), np.log(y)
    if exponent is None:
        if np.ptp(lx) == 0:
            raise FitError("a power law needs at least two distinct x values")
        p, logk = np.polyfit(lx, ly, 1)
    else:
        p = float(exponent)
        logk = float(np.mean(ly - p * lx))
    return PowerLaw(k=float(np.exp(logk)), exponent=float(p), n_points=int(x.size))


def slope_t_interval(x, y, level: float) -> tuple[float, float]:
    """The least-squares slope of y on x with its t interval at ``level`` from the points' scatter
    about their line (k - 2 degrees of freedom): the interval of an exponent fitted through
    per-budget optima (x = log C, y = log N_opt) that the optima's scatter sets. NaN with fewer
    than 3 points."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    k = x.size
    if k < 3:
        return (np.nan, np.nan)
    from scipy.special import stdtrit

    dx = x - x.mean()
    slope = float(dx @ (y - y.mean()) / (dx @ dx))
    resid = y - y.mean() - slope * dx
    se = float(np.sqrt(resid @ resid / (k - 2) / (dx @ dx)))
    q = float(stdtrit(k - 2, 0.5 + level / 2))
    return (slope - q * se, slope + q * se)
