"""Compare regenerated outputs with the committed ones, within tolerances that hold across machines.

Two runs on one machine give byte-identical files (tests check that). Across machines they need not:
numpy picks SIMD kernels per CPU (AVX-512, AVX2 or baseline SSE), so sums and contour paths move in
their last bits, and those bits can reach a file. The committed outputs are therefore compared the way
matplotlib's own test suite compares images across platforms, and numbers with numeric tolerances:

* a PNG by the RMS of its pixel differences (:func:`matplotlib.testing.compare.calculate_rms`, on 0-255
  values), at most :data:`PNG_RMS_TOL`;
* a CSV table cell by cell: text equal, numbers within :data:`TABLE_RTOL` (relative); in a table of
  estimates with bootstrap intervals, within :data:`INTERVAL_FRACTION` of each interval's width;
* a generated text (REPRODUCTION.md) token by token: words equal, numbers within :data:`TEXT_RTOL`.

PDFs are compared on one machine only (byte identity between two runs): their vector paths carry the
same numbers as the PNGs and tables, so these checks cover what a PDF shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

# RMS over 0-255 pixel values. Measured with tools/figure_spread.py on every committed figure, between
# this machine's full numpy dispatch (AVX-512) and numpy narrowed to its baseline, and between Python
# 3.11 and 3.13: 0.0 (identical pixels) on every figure but cross_study.png, 0.43 there under narrowed
# numpy (its refits move by up to 3% of their intervals: see INTERVAL_FRACTION). The smallest change
# tried, Kaplan Fig 12's two 4-pt markers moved 5% along x, measures 2.9; one curve of it moved up 2%
# measures 9.8. 1.0 lies between: above the spread seen, below a moved marker.
PNG_RMS_TOL = 1.0
# Tables are written with 6 significant digits (plotting.save_table): one unit in the sixth digit is
# at most 1e-5 relative, so 1e-5 admits a last-digit rounding flip and nothing more.
TABLE_RTOL = 1e-5
# A table of estimates with bootstrap intervals (columns x, x_lo, x_hi and `level`): fits whose
# optimiser can land in another local optimum when float bits differ (a few replicates of an eq 2
# bootstrap, an IsoFLOP parabola on three budgets) move by a small part of their own uncertainty.
# Measured under numpy narrowed to its baseline: the largest move is 0.03 of the interval's width
# (cross_study.csv: (Mis)Fitting's Approach 2 b_hi 0.7833 -> 0.7935; Approach 3 on the code runs,
# a_lo 0.5465 -> 0.5393), and one replicate more or less failing. Such a table's estimate and
# interval ends may move by INTERVAL_FRACTION of the committed interval's width, and its count of
# failed replicates by FAILED_FRACTION of the replicates: a tenth of the interval is far below
# anything the table is read for, and above anything the measurement has shown.
INTERVAL_FRACTION = 0.1
FAILED_FRACTION = 0.01
# REPRODUCTION.md prints 4 significant digits: one unit in the fourth digit is at most 1e-3 relative.
TEXT_RTOL = 1e-3


class Mismatch(AssertionError):
    """A regenerated output differs from the committed one by more than its tolerance."""


def png_rms(expected: str | Path, actual: str | Path) -> float:
    """RMS difference of two PNG files over 0-255 pixel values (sizes must match)."""
    from matplotlib.testing.compare import calculate_rms
    from matplotlib.testing.exceptions import ImageComparisonFailure
    from PIL import Image

    a = np.asarray(Image.open(expected).convert("RGB")).astype(np.int16)
    b = np.asarray(Image.open(actual).convert("RGB")).astype(np.int16)
    if a.shape != b.shape:
        raise Mismatch(
            f"{Path(actual).name}: image size {b.shape[1]}x{b.shape[0]} px, "
            f"committed {a.shape[1]}x{a.shape[0]} px"
        )
    try:
        return float(calculate_rms(a, b))
    except ImageComparisonFailure as err:  # pragma: no cover - sizes are checked above
        raise Mismatch(f"{Path(actual).name}: {err}") from err


def check_png(expected: str | Path, actual: str | Path, tol: float = PNG_RMS_TOL) -> float:
    """Raise :class:`Mismatch` naming the figure and its RMS if it exceeds ``tol``; return the RMS."""
    rms = png_rms(expected, actual)
    if not rms <= tol:
        raise Mismatch(
            f"{Path(actual).name}: differs from the committed figure by RMS {rms:.4g} "
            f"(0-255 pixel values), above the tolerance {tol:g}"
        )
    return rms


def check_table(expected: str | Path, actual: str | Path, rtol: float = TABLE_RTOL) -> None:
    """Raise :class:`Mismatch` naming the table, column, row and values of the first difference."""
    import pandas as pd

    name = Path(actual).name
    a, b = pd.read_csv(expected), pd.read_csv(actual)
    if list(a.columns) != list(b.columns):
        raise Mismatch(f"{name}: columns {list(b.columns)}, committed {list(a.columns)}")
    if len(a) != len(b):
        raise Mismatch(f"{name}: {len(b)} rows, committed {len(a)}")
    estimates = "level" in a.columns
    for col in a.columns:
        x, y = a[col], b[col]
        numeric = pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y)
        if numeric:
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            atol = np.zeros(len(a))
            base = col.removesuffix("_lo").removesuffix("_hi")
            if estimates and {f"{base}_lo", f"{base}_hi"} <= set(a.columns):
                width = (a[f"{base}_hi"] - a[f"{base}_lo"]).to_numpy(float)
                atol = np.nan_to_num(INTERVAL_FRACTION * np.abs(width))
            elif estimates and col == "n_failed" and "n_bootstrap" in a.columns:
                atol = np.ceil(FAILED_FRACTION * a["n_bootstrap"].to_numpy(float))
            ok = np.isclose(yv, xv, rtol=rtol, atol=0.0, equal_nan=True) | (np.abs(yv - xv) <= atol)
        else:
            ok = (x.astype(str) == y.astype(str)).to_numpy()
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            detail = (
                f"relative difference {abs(yv[i] - xv[i]) / abs(xv[i]):.3g} > {rtol:g}"
                if numeric and xv[i] != 0
                else "differs"
            )
            raise Mismatch(
                f"{name}: column {col!r}, data row {i + 1}: {y.iloc[i]}, committed "
                f"{x.iloc[i]} ({detail})"
            )


_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def text_differences(expected: str, actual: str, rtol: float = TEXT_RTOL) -> list[str]:
    """Lines of two generated texts that differ in words, or in a number by more than ``rtol``.

    Returns one message per differing line (empty when the texts agree)."""
    a, b = expected.splitlines(), actual.splitlines()
    if len(a) != len(b):
        return [f"{len(b)} lines, committed {len(a)}"]
    out = []
    for k, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        if x == y:
            continue
        if _NUMBER.split(x) != _NUMBER.split(y):
            out.append(f"line {k}: {y!r}, committed {x!r}")
            continue
        nx = np.array([float(v) for v in _NUMBER.findall(x)])
        ny = np.array([float(v) for v in _NUMBER.findall(y)])
        if not np.allclose(ny, nx, rtol=rtol, atol=0.0):
            out.append(f"line {k}: {y!r}, committed {x!r} (numbers differ by more than {rtol:g})")
    return out
