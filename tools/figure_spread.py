"""Measure how far regenerated figures and tables lie from the committed ones on this machine.

    python tools/figure_spread.py [OUTDIR]

Runs every notebook with `make figures`' parameters into OUTDIR (default build/spread/), then prints,
for each PNG, the RMS pixel difference from figures/ and, for each table, the largest relative
difference of a number from data/derived/. Run it under another CPU dispatch
(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR") or another Python's venv to measure
the spread that scalinglaws.report.compare's tolerances must admit.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from scalinglaws.core import paths
from scalinglaws.figures import families
from scalinglaws.notebooks import execute, make_parameters
from scalinglaws.report import compare


def _table_rel(expected: Path, actual: Path) -> float:
    a, b = pd.read_csv(expected), pd.read_csv(actual)
    worst = 0.0
    for col in a.columns:
        if pd.api.types.is_numeric_dtype(a[col]) and pd.api.types.is_numeric_dtype(b[col]):
            x, y = a[col].to_numpy(float), b[col].to_numpy(float)
            keep = np.isfinite(x) & (x != 0)
            if keep.any():
                worst = max(worst, float(np.max(np.abs(y[keep] - x[keep]) / np.abs(x[keep]))))
    return worst


def main(outdir: str = "build/spread") -> None:
    import os

    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(
        f"# Python {platform.python_version()}, numpy dispatch narrowed: "
        f"{os.environ.get('NPY_DISABLE_CPU_FEATURES') or 'no'}"
    )
    for stem in sorted(families()):
        folder = out / stem
        execute(stem, out / f"{stem}.ipynb", **{**make_parameters(stem), "output_dir": str(folder)})
        for f in sorted(folder.iterdir()):
            committed = (paths.DATA / "derived" if f.suffix == ".csv" else paths.FIGURES) / f.name
            if f.suffix == ".png":
                print(f"{f.name:45s} RMS {compare.png_rms(committed, f):.4g}")
            elif f.suffix == ".csv":
                print(f"{f.name:45s} max rel {_table_rel(committed, f):.3g}")


if __name__ == "__main__":
    main(*sys.argv[1:])
