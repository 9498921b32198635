"""One figure style and deterministic, atomic figure saving (what a curve is:
:mod:`scalinglaws.core.kinds`).

:func:`save_figure` writes PNG, PDF and SVG files that are byte-identical for identical inputs
(metadata with dates and versions stripped, a fixed SVG hash salt, fixed dpi and fonts), each through
a temporary file in the target folder renamed into place only when every format has been written.
Across machines the files can differ in their last bits (numpy picks SIMD kernels per CPU);
:mod:`scalinglaws.report.compare` holds the tolerances they are checked with there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import image as mpl_image  # noqa: E402
from matplotlib.colors import LogNorm, to_hex  # noqa: E402

from scalinglaws.core.params import Formats  # noqa: E402

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
    the executed copies the book renders). Tables show 4 decimals (the saved tables keep 6
    significant digits), so that a wide table fits the book's column. Outside a kernel this does
    nothing."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
        from matplotlib.figure import Figure
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        select_figure_formats(shell, {"png"}, dpi=DPI)
        shell.display_formatter.formatters["image/png"].for_type(Figure, _figure_png)
        import pandas as pd

        pd.set_option("display.precision", 4)


def _figure_png(fig) -> str:
    """The PNG a notebook shows for ``fig`` (base64): the file :func:`save_figure` just wrote when
    nothing has changed in the figure since, else the figure drawn as ``%matplotlib inline`` would."""
    import base64

    from IPython.core.pylabtools import print_figure

    saved = getattr(fig, "_saved_png", None)
    if saved is not None and not fig.stale:
        return base64.b64encode(saved).decode("ascii")
    return print_figure(fig, fmt="png", base64=True, dpi=DPI)


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


def set_axes(
    ax, xlabel: str, ylabel: str, title: str | None = None, *, log: str = "x", xlim=None, ylim=None
) -> None:
    """An axes of FLOPs, parameters or tokens: ``log`` names the axes on a log scale ("x" or
    "xy"), then come the limits given, the labels and the title, in that order (a scale set after
    a limit can move the limit)."""
    kw = {f"{a}scale": "log" for a in log}
    kw |= {k: v for k, v in (("xlim", xlim), ("ylim", ylim)) if v is not None}
    ax.set(**kw, xlabel=xlabel, ylabel=ylabel, **({"title": title} if title is not None else {}))


def curves_by_size(ax, runs, x: str, size: str, norm, cmap, **line) -> None:
    """One learning curve per run (column ``run``), loss against ``x``, coloured by the run's size
    (column ``size``) on the colour scale ``norm``, ``cmap``; ``line``: matplotlib's line keywords."""
    import seaborn as sns

    kw = dict(hue=size, hue_norm=norm, palette=cmap, units="run", estimator=None, sort=False)
    sns.lineplot(runs, x=x, y="loss", legend=False, ax=ax, **kw, **line)


def footnote(fig, text: str) -> None:
    """A grey note under the figure's panels, centred."""
    fig.text(0.5, -0.01, text, ha="center", fontsize=7.5, color="0.3")


LEGEND_WARNING = "figure check: a legend covers data:"


def _hits(ax, renderer) -> list[tuple[str, int]]:
    """(box, data points inside it) for the legend and each boxed text drawn inside ``ax``."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D

    boxes = []
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        boxes.append(("legend", legend.get_window_extent(renderer)))
    for t in ax.texts:
        if t.get_visible() and t.get_text().strip() and t.get_bbox_patch() is not None:
            boxes.append((f"text {t.get_text()[:30]!r}", t.get_window_extent(renderer)))
    frame = ax.get_window_extent(renderer)
    pts = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_visible() and len(artist.get_xydata()):
            pts.append(artist.get_transform().transform(np.asarray(artist.get_xydata(), float)))
        elif isinstance(artist, Collection) and artist.get_visible() and len(artist.get_offsets()):
            offs = np.asarray(artist.get_offsets(), float)
            pts.append(artist.get_offset_transform().transform(offs))
    if not boxes or not pts:
        return []
    xy = np.concatenate(pts)
    xy = xy[np.isfinite(xy).all(axis=1)]
    xy = xy[_inside(xy, frame)]
    out = []
    for label, box in boxes:
        n = int(_inside(xy, box, strict=True).sum())
        if n:
            out.append((label, n))
    return out


def _on_text(ax, renderer) -> bool:
    """Whether the axes' legend overlaps one of its texts (an annotation's text included)."""
    box = ax.get_legend().get_window_extent(renderer)
    return any(
        box.overlaps(t.get_window_extent(renderer))
        for t in ax.texts
        if t.get_visible() and t.get_text().strip()
    )


def _within(inner, outer) -> bool:
    """Whether box ``inner`` lies within box ``outer`` (display coordinates, edges included)."""
    return outer.contains(inner.x0, inner.y0) and outer.contains(inner.x1, inner.y1)


def _inside(xy, box, strict: bool = False):
    """Which rows of ``xy`` (display coordinates) lie inside ``box`` (its edges too, unless
    ``strict``)."""

    lo, hi = np.array([box.x0, box.y0]), np.array([box.x1, box.y1])
    return ((xy > lo) & (xy < hi) if strict else (xy >= lo) & (xy <= hi)).all(axis=1)


def covered_by_legends(fig) -> list[str]:
    """What each legend or boxed text inside an axes covers: data points (line vertices, markers,
    error bars, scatter offsets) whose display position falls inside its box; one line per (axes,
    box), empty when none covers data. Legends placed outside the axes cover nothing here."""
    fig.canvas.draw()
    return _covered(fig, fig.canvas.get_renderer())


def _covered(fig, renderer) -> list[str]:
    return [
        f"{ax.get_title() or f'axes {i}'!r}: {label} covers {n} data points"
        for i, ax in enumerate(fig.axes)
        for label, n in _hits(ax, renderer)
    ]


_INSIDE = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center right",
    "center left",
    "upper center",
    "lower center",
    "center",
)


def place_legends(fig, rounds: int = 3) -> list[str]:
    """Move each axes legend that covers data or a text of its axes (an annotation, a note) to the
    first of matplotlib's nine ``loc`` positions inside its axes where it covers neither, else below
    the axes; a legend that covers nothing stays.
    :func:`save_figure` calls it before writing, so that no saved figure has a legend on data.

    Each round draws the figure once (the layout) and checks every candidate place against that
    layout without drawing again. A legend moved to a place within its axes' box leaves the layout
    as it is; one reaching past it (below the axes, or wider than they are) can shift the
    constrained layout a little, so the next round draws again and checks once more, until no
    legend moves past its axes (at most ``rounds``). Returns what still covers
    data, as :func:`covered_by_legends` does (from the last round's drawing)."""
    return _place_legends(fig, rounds)[0]


def _place_legends(fig, rounds: int = 3) -> tuple[list[str], bool]:
    """:func:`place_legends`, and whether the figure's last drawing shows it as it now is (no
    legend replaced after it)."""
    for _ in range(rounds):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()

        def covers(ax, renderer=renderer) -> bool:
            return _on_text(ax, renderer) or any(
                label == "legend" for label, _ in _hits(ax, renderer)
            )

        moved_out = replaced = False
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None or not covers(ax):
                continue
            handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
            kw = {
                "fontsize": legend.get_texts()[0].get_fontsize() if labels else None,
                "ncols": legend._ncols,
            }
            for loc in _INSIDE:
                new = ax.legend(handles, labels, loc=loc, **kw)
                if not covers(ax):
                    break
            else:
                new = ax.legend(
                    handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16), **kw
                )
            replaced = True
            # a legend within its axes' box is no part of the layout; one reaching past it is
            moved_out |= not _within(new.get_window_extent(renderer), ax.bbox)
        if not moved_out:  # this drawing's layout stands
            return _covered(fig, renderer), not replaced
    return covered_by_legends(fig), True


def _drawn_crop(fig):
    """The PNG of ``fig`` as pixels of its last drawing: (box, pixels), where box is the figure's
    tight box (inches, padded) widened outward to whole pixels at :data:`DPI`, and pixels the RGBA
    of the last Agg drawing inside it (the padding past the canvas' edge in the figure's face
    colour), which must show the figure as it is. ``savefig`` with that box would draw the figure
    again, shifted by whole pixels, to the same pixels (tests/test_plotting.py checks it). None
    where that drawing cannot stand for the file: not an Agg drawing at DPI, savefig set to another
    face or edge colour or to transparency, a face that is not opaque, an animated artist (left out
    of a screen drawing), or something drawn reaching past the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba
    from matplotlib.transforms import Bbox

    rc = matplotlib.rcParams
    face = np.round(np.asarray(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
    saved_as_drawn = (
        rc["savefig.facecolor"] == "auto"
        and rc["savefig.edgecolor"] == "auto"
        and not rc["savefig.transparent"]
        and face[3] == 255  # savefig pads a transparent face differently
        and not any(a.get_animated() for a in fig.findobj())  # left out of a screen drawing
    )
    if not isinstance(fig.canvas, FigureCanvasAgg) or fig.dpi != DPI or not saved_as_drawn:
        return None
    renderer = fig.canvas.get_renderer()
    pixels = np.asarray(renderer.buffer_rgba())
    height, width = pixels.shape[:2]
    tight = fig.get_tightbbox(renderer)
    if tight.x0 < 0 or tight.y0 < 0 or tight.x1 * DPI > width or tight.y1 * DPI > height:
        return None
    box = tight.padded(matplotlib.rcParams["savefig.pad_inches"])
    x0, y0 = (int(np.floor(v * DPI)) for v in (box.x0, box.y0))
    x1, y1 = (int(np.ceil(v * DPI)) for v in (box.x1, box.y1))
    crop = np.empty((y1 - y0, x1 - x0, 4), np.uint8)
    crop[...] = face
    # display y runs up from the canvas' bottom row, the buffer's and the crop's rows down from the top
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
    crop[y1 - cy1 : y1 - cy0, cx0 - x0 : cx1 - x0] = pixels[height - cy1 : height - cy0, cx0:cx1]
    return Bbox.from_extents(x0 / DPI, y0 / DPI, x1 / DPI, y1 / DPI), crop


@contextmanager
def _no_layout_engine(fig):
    engine = fig.get_layout_engine()
    fig._layout_engine = None
    try:
        yield
    finally:
        fig._layout_engine = engine


def save_figure(
    fig, name: str, formats: Iterable[str] = ("png", "pdf"), outdir: str | Path | None = None
) -> list[Path]:
    """Write ``fig`` as ``<outdir>/<name>.<fmt>`` for each format, deterministically and atomically.

    name: file stem such as ``kaplan2020_fig12`` (letters, digits, ``_`` and ``-``).
    formats: any of png, pdf, svg. outdir: folder (created if needed); None or "" means
    ``build/lab/`` (:data:`scalinglaws.core.paths.LAB`): only `make figures` writes ``figures/``.
    Every format is first written to a hidden temporary file in ``outdir``; only when all are written
    are they renamed into place, so a failure leaves the previous figures untouched.
    """
    from scalinglaws.core import paths

    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise ValueError(f"figure name must be letters, digits, '_' or '-', got {name!r}")
    # no legend on data: moved inside its axes where it covers none, else below; what still covers
    # data is printed into the notebook (tests/test_notebooks reads it)
    problems, current = _place_legends(fig)
    for problem in problems:
        print(f"{LEGEND_WARNING} {name}: {problem}")
    fmts = Formats().check(list(formats))
    out = Path(outdir) if outdir is not None and str(outdir) else paths.LAB
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, Path]] = []
    # place_legends' last drawing laid the figure out: every format is written with that layout
    # (not laid out again for each), and the figure's own layout engine comes back afterwards
    engine = fig.get_layout_engine()
    if engine is not None:
        fig.set_layout_engine("none")
    try:
        # the PNG is the last drawing's pixels (after place_legends, or one drawing more where it
        # moved a legend within its axes); the PDF is written with the same box, no layout pass first
        if not current:
            with _no_layout_engine(fig):
                fig.canvas.draw()
        drawn = _drawn_crop(fig)
        with matplotlib.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
            for fmt in fmts:
                fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=f".{fmt}.tmp")
                os.close(fd)
                written.append((fmt, Path(tmp)))
                if drawn is None:
                    fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
                elif fmt == "png":
                    mpl_image.imsave(tmp, drawn[1], format="png", dpi=DPI, origin="upper",
                                     metadata=_METADATA["png"])  # fmt: skip
                else:
                    with _no_layout_engine(fig):  # laid out already: no drawing before the one
                        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=_METADATA[fmt],
                                    bbox_inches=drawn[0])  # fmt: skip
    except BaseException:
        for _, tmp in written:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    final = []
    for fmt, tmp in written:
        target = out / f"{name}.{fmt}"
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        final.append(target)
        if fmt == "png":
            # a notebook that shows the figure next shows this file rather than drawing it again
            fig._saved_png = target.read_bytes()
    # savefig leaves the figure marked stale though nothing in it changed; any later change marks
    # it stale again (and the notebook then draws it anew)
    fig.stale = False
    return final


def save_table(table, name: str, outdir: str | Path | None = None) -> Path:
    """Write a pandas DataFrame as ``<outdir>/<name>.csv``, deterministically and atomically.

    Floats are written with 6 significant digits, so the same inputs give the same bytes on every
    machine. outdir: folder (created if needed); None or "" means ``build/lab/``
    (:data:`scalinglaws.core.paths.LAB`): only `make figures` writes ``data/derived/``. The file is written to a hidden
    temporary file first and renamed into place only when complete.
    """
    from scalinglaws.core import paths

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
