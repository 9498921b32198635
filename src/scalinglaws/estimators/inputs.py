"""Inputs of every estimator: named arrays checked one by one, and the same arrays from a tidy table."""

from __future__ import annotations

import numpy as np

__all__ = ["FitError", "arrays", "check_1d"]


class FitError(RuntimeError):
    """A fit did not converge or had too little data; the message says which and why."""


def check_1d(name: str, x, n: int | None = None, positive: bool = True) -> np.ndarray:
    """x as a 1-d float array; ValueError naming ``name`` unless finite, > 0 and of n values."""
    arr = np.asarray(x, dtype=float).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have {n} values (one per run), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][:3]} ...")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 everywhere, got min {arr.min():.4g}")
    return arr


def arrays(frame, *, loss: str = "loss_nats"):
    """(N, D, C, L) arrays from a tidy table of runs (columns params, tokens and/or flops, loss).

    frame: a pandas DataFrame or a mapping of columns. Missing tokens are derived as
    D = C / (6 N) and missing flops as C = 6 N D (Besiroglu 2024 derive D the same way).
    """
    cols = set(frame.keys())
    need = {"params", loss}
    if not need <= cols or not ({"tokens", "flops"} & cols):
        raise ValueError(
            f"frame must have columns params, {loss} and tokens and/or flops, got {sorted(cols)}"
        )
    N = check_1d("params", frame["params"])
    L = check_1d(loss, frame[loss], N.size)
    D = check_1d("tokens", frame["tokens"], N.size) if "tokens" in cols else None
    C = check_1d("flops", frame["flops"], N.size) if "flops" in cols else None
    D = C / (6.0 * N) if D is None else D
    C = 6.0 * N * D if C is None else C
    return N, D, C, L
