"""Compare regenerated outputs with the committed ones, within tolerances that hold across machines.

Two runs on one machine give byte-identical files (tests check that). Across machines they need not:
numpy picks SIMD kernels per CPU (AVX-512, AVX2 or baseline SSE), so sums and contour paths move in
their last bits, and those bits can reach a file. The committed outputs are therefore compared the way
matplotlib's own test suite compares images across platforms, and numbers with numeric tolerances:

* a PNG by the RMS of its pixel differences (:func:`matplotlib.testing.compare.calculate_rms`, on 0-255
  values), at most :data:`PNG_RMS_TOL`;
* a CSV table cell by cell: text and counts equal, numbers within :data:`TABLE_RTOL` (relative). The
  numbers themselves do not move with the CPU (``python -m scalinglaws.report.dispatch`` checks that
  every derived number agrees to 1e-7 under each SIMD setting), so no wider allowance is needed;
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
# numpy while its refits still moved with the CPU (since fixed: scalinglaws.report.dispatch). The smallest change
# tried, Kaplan Fig 12's two 4-pt markers moved 5% along x, measures 2.9; one curve of it moved up 2%
# measures 9.8. 1.0 lies between: above the spread seen, below a moved marker.
PNG_RMS_TOL = 1.0
# Tables are written with 6 significant digits (plotting.save_table): one unit in the sixth digit is
# at most 1e-5 relative, so 1e-5 admits a last-digit rounding flip and nothing more.
TABLE_RTOL = 1e-5
# REPRODUCTION.md prints 4 significant digits: one unit in the fourth digit is at most 1e-3 relative.
TEXT_RTOL = 1e-3


ADVICE = (
    "If this change is intended, regenerate the committed outputs (`make figures`, `make report`) "
    "and commit them with the change that explains it; if not, the code has a bug: do not "
    "regenerate."
)


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


def table_differences(
    expected: str | Path, actual: str | Path, rtol: float = TABLE_RTOL
) -> list[str]:
    """Every cell of a regenerated table that differs from the committed one: text and counts
    (integer columns) at all, other numbers by more than ``rtol`` relative; one line each, naming
    the column, the row's first cell, the committed and the new value."""
    import pandas as pd

    a, b = pd.read_csv(expected), pd.read_csv(actual)
    if list(a.columns) != list(b.columns):
        return [f"columns {list(b.columns)}, committed {list(a.columns)}"]
    if len(a) != len(b):
        return [f"{len(b)} rows, committed {len(a)}"]
    out = []
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            ok = np.isclose(yv, xv, rtol=rtol, atol=0.0, equal_nan=True)
            for i in np.flatnonzero(~ok):
                finite = xv[i] != 0 and np.isfinite(xv[i]) and np.isfinite(yv[i])
                rel = abs(yv[i] - xv[i]) / abs(xv[i]) if finite else float("inf")
                out.append(
                    f"row {i + 1} ({a.iloc[i, 0]}), {col}: {xv[i]:.6g} -> {yv[i]:.6g} "
                    f"(relative {rel:.2g} > {rtol:g})"
                )
        else:
            # an empty cell reads as missing; as text it is "" on both sides (a missing value is
            # never equal to itself, and pandas' str dtype keeps it missing)
            xs, ys = x.astype(object).where(x.notna(), ""), y.astype(object).where(y.notna(), "")
            for i in np.flatnonzero((xs.astype(str) != ys.astype(str)).to_numpy()):
                out.append(
                    f"row {i + 1} ({a.iloc[i, 0]}), {col}: {_cell(xs.iloc[i])} -> {_cell(ys.iloc[i])}"
                )
    return out


def _cell(value) -> str:
    """A table cell as written: 1.5, not np.float64(1.5); text quoted."""
    return repr(value.item() if hasattr(value, "item") else value)


def check_table(expected: str | Path, actual: str | Path, rtol: float = TABLE_RTOL) -> None:
    """Raise :class:`Mismatch` listing every number of the table that moved (see
    :func:`table_differences`)."""
    diffs = table_differences(expected, actual, rtol)
    if diffs:
        lines = "\n  ".join(diffs)
        raise Mismatch(f"{Path(actual).name}: {len(diffs)} values moved:\n  {lines}")


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
