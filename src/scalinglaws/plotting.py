"""One figure style and deterministic, atomic figure saving (what a curve is:
:mod:`scalinglaws.kinds`).

:func:`save_figure` writes PNG, PDF and SVG files that are byte-identical for identical inputs
(metadata with dates and versions stripped, a fixed SVG hash salt, fixed dpi and fonts), each through
a temporary file in the target folder renamed into place only when every format has been written.
Across machines the files can differ in their last bits (numpy picks SIMD kernels per CPU);
:mod:`scalinglaws.compare` holds the tolerances they are checked with there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LogNorm, to_hex  # noqa: E402

from scalinglaws.params import Formats  # noqa: E402

TAB10 = tuple(to_hex(c) for c in matplotlib.colormaps["tab10"].colors)
"""The ten category colours every figure draws with (matplotlib's ``tab10``, seaborn's too), by
name below; a colour means the same series on every figure (e.g. Approach 1 is orange)."""
BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GREY, OLIVE, CYAN = TAB10

DPI = 150
STYLE = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs on every machine
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.5,
    "legend.fontsize": 8.0,
    "legend.frameon": False,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "pdf.fonttype": 42,  # embed TrueType, editable text
    "svg.fonttype": "path",
    "svg.hashsalt": "scalinglaws-companion",  # fixed ids in SVG output
    "image.cmap": "viridis",
    "axes.prop_cycle": matplotlib.cycler(color=[BLUE, RED, GREEN, ORANGE, PURPLE, BROWN, CYAN]),
}

# Metadata that would otherwise carry a date or a version string into the file.
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


def _show_figures_in_notebooks() -> None:
    """In a Jupyter kernel, display a returned Figure as a PNG (at DPI), as ``%matplotlib inline``
    would; the Agg backend set above otherwise leaves only its text form in the notebook (and in
    the executed copies the book renders). Outside a kernel this does nothing."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        select_figure_formats(shell, {"png"}, dpi=DPI)


def use_style() -> None:
    """Apply the companion's one figure style (idempotent; call at the top of a figure function)."""
    matplotlib.rcParams.update(STYLE)


def log_colorbar(fig, ax, cmap, vmin: float, vmax: float, label: str):
    """Add a colour bar with a log scale from vmin to vmax; returns (colorbar, norm, cmap)."""
    norm = LogNorm(vmin=vmin, vmax=vmax)
    cmap = plt.get_cmap(cmap) if isinstance(cmap, str) else cmap
    mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
    cbar = fig.colorbar(mappable, ax=ax, pad=0.02)
    cbar.set_label(label)
    return cbar, norm, cmap


def save_figure(
    fig, name: str, formats: Iterable[str] = ("png", "pdf"), outdir: str | Path | None = None
) -> list[Path]:
    """Write ``fig`` as ``<outdir>/<name>.<fmt>`` for each format, deterministically and atomically.

    name: file stem such as ``kaplan2020_fig12`` (letters, digits, ``_`` and ``-``).
    formats: any of png, pdf, svg. outdir: folder (created if needed); None or "" means
    ``build/lab/`` (:data:`scalinglaws.paths.LAB`): only `make figures` writes ``figures/``.
    Every format is first written to a hidden temporary file in ``outdir``; only when all are written
    are they renamed into place, so a failure leaves the previous figures untouched.
    """
    from scalinglaws import paths

    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure name must be letters, digits, '_' or '-', got {name!r}")
    fmts = Formats().check(list(formats))
    out = Path(outdir) if outdir is not None and str(outdir) else paths.LAB
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, Path]] = []
    try:
        with matplotlib.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
            for fmt in fmts:
                fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=f".{fmt}.tmp")
                os.close(fd)
                written.append((fmt, Path(tmp)))
                fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
    except BaseException:
        for _, tmp in written:
            tmp.unlink(missing_ok=True)
        raise
    final = []
    for fmt, tmp in written:
        target = out / f"{name}.{fmt}"
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        final.append(target)
    return final


def save_table(table, name: str, outdir: str | Path | None = None) -> Path:
    """Write a pandas DataFrame as ``<outdir>/<name>.csv``, deterministically and atomically.

    Floats are written with 6 significant digits, so the same inputs give the same bytes on every
    machine. outdir: folder (created if needed); None or "" means ``build/lab/``
    (:data:`scalinglaws.paths.LAB`): only `make figures` writes ``data/derived/``. The file is written to a hidden
    temporary file first and renamed into place only when complete.
    """
    from scalinglaws import paths

    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"table name must be letters, digits, '_' or '-', got {name!r}")
    out = Path(outdir) if outdir is not None and str(outdir) else paths.LAB
    out.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".csv.tmp")
    os.close(fd)
    try:
        table.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o644)
    target = out / f"{name}.csv"
    os.replace(tmp, target)
    return target


_show_figures_in_notebooks()
