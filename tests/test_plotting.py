"""Deterministic, atomic figure saving and provenance labels."""

import hashlib
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from scalinglaws.core.kinds import KINDS, provenance
from scalinglaws.figures.style import save_figure, use_style

SCRIPT = """
import sys
import matplotlib.pyplot as plt
from scalinglaws.figures.style import save_figure, use_style
use_style()
fig, ax = plt.subplots()
ax.plot([1, 10, 100], [3, 2, 1.5], label="published law (demo)")
ax.set(xscale="log", title="demo")
ax.legend()
save_figure(fig, "demo", ("png", "pdf", "svg"), sys.argv[1])
"""


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_byte_identical_across_processes(tmp_path):
    for i in range(2):
        subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / str(i))], check=True)
    a, b = _digests(tmp_path / "0"), _digests(tmp_path / "1")
    assert set(a) == {"demo.png", "demo.pdf", "demo.svg"}
    assert a == b


def test_no_dates_or_versions_in_files(tmp_path):
    subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], check=True)
    pdf = (tmp_path / "demo.pdf").read_bytes()
    assert b"CreationDate" not in pdf and b"Producer" not in pdf
    assert b"Software" not in (tmp_path / "demo.png").read_bytes()
    assert b"<dc:date>" not in (tmp_path / "demo.svg").read_bytes()


@pytest.mark.badinput
def test_failure_leaves_previous_files_untouched(tmp_path, monkeypatch):
    use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    save_figure(fig, "keep", ("png", "pdf"), tmp_path)
    before = _digests(tmp_path)
    fig2, ax2 = plt.subplots()
    ax2.plot([1, 0])
    real = fig2.savefig

    def failing(fname, *args, format=None, **kwargs):
        if format == "pdf":
            raise RuntimeError("disk full")
        return real(fname, *args, format=format, **kwargs)

    monkeypatch.setattr(fig2, "savefig", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        save_figure(fig2, "keep", ("png", "pdf"), tmp_path)
    assert _digests(tmp_path) == before  # neither file replaced, no temporary left behind


@pytest.mark.parametrize("name", ["", "a/b", "../x", "fig 1"])
@pytest.mark.badinput
def test_bad_name(name, tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="figure name must be"):
        save_figure(fig, name, ("png",), tmp_path)


@pytest.mark.badinput
def test_bad_format(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="parameter 'formats'"):
        save_figure(fig, "x", ("jpg",), tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_palette_is_matplotlibs_tab10_through_seaborn():
    # the committed figures were drawn with these exact colours; a palette change changes them all
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    from scalinglaws.figures.style import BLUE, CYAN, STYLE, TAB10

    assert TAB10 == tuple(to_hex(c) for c in colormaps["tab10"].colors)
    assert (BLUE, CYAN) == ("#1f77b4", "#17becf")
    assert STYLE["axes.prop_cycle"].by_key()["color"][:2] == ["#1f77b4", "#d62728"]


def test_provenance_labels():
    assert (
        provenance("published law", "Kaplan 2020 eq B.16") == "published law (Kaplan 2020 eq B.16)"
    )
    # published law, published data, refit here, derived here from a published law, measured here
    assert len(KINDS) == 5 and "derived here from a published law" in KINDS
    with pytest.raises(ValueError, match="kind must be one of"):
        provenance("guess", "x")


def test_a_legend_on_data_is_seen_and_moved_off_it():
    import matplotlib.pyplot as plt
    import numpy as np

    from scalinglaws.figures.style import covered_by_legends, place_legends

    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 50)
    ax.plot(x, 1 - x, "o", ms=2, label="falling")  # points in the upper left, none upper right
    ax.plot(x[:10], np.full(10, 0.05), label="low")
    ax.legend(loc="upper left")
    assert covered_by_legends(fig) and "legend covers" in covered_by_legends(fig)[0]
    place_legends(fig)
    assert covered_by_legends(fig) == []
    assert ax.get_legend().get_window_extent().overlaps(ax.get_window_extent())  # still inside
    plt.close(fig)
    # nowhere inside is free: the legend goes below the axes
    fig, ax = plt.subplots(figsize=(4, 3))
    g = np.linspace(0, 1, 40)
    X, Y = np.meshgrid(g, g)
    ax.plot(X.ravel(), Y.ravel(), ".", ms=1, label="everywhere")
    ax.legend(loc="center")
    place_legends(fig)
    assert covered_by_legends(fig) == []
    assert ax.get_legend().get_window_extent().y1 <= ax.get_window_extent().y0 + 1
    plt.close(fig)


def _pixels(data: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)))


def _savefig_png(fig, **kw) -> bytes:
    import io

    from scalinglaws.figures.style import DPI

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("legend_loc", ["upper right", "upper left"])
def test_png_has_the_pixels_matplotlib_draws_for_its_box(tmp_path, legend_loc):
    """The PNG is the last drawing's pixels inside the padded tight box widened to whole pixels;
    matplotlib's own savefig with that box draws the same pixels. In the upper right the legend
    covers nothing and stays; in the upper left it covers the data, place_legends moves it after
    its drawing, and the PNG must show it moved."""
    import math

    import numpy as np
    from matplotlib.transforms import Bbox

    from scalinglaws.figures.style import DPI

    use_style()
    fig, ax = plt.subplots(figsize=(4.3, 2.9), layout="constrained")
    x = np.linspace(1, 10, 30)
    ax.plot(x, 10 - x, "o", ms=3, label="falling")
    ax.annotate("a note", (2, 2))
    ax.set(title="demo", xlabel="x")
    ax.legend(loc=legend_loc)
    (png,) = save_figure(fig, "crop", ("png",), tmp_path)
    fig.canvas.draw()  # the figure as it now is, legend where place_legends left it
    tight = fig.get_tightbbox(fig.canvas.get_renderer()).padded(0.05)
    box = Bbox.from_extents(
        math.floor(tight.x0 * DPI) / DPI, math.floor(tight.y0 * DPI) / DPI,
        math.ceil(tight.x1 * DPI) / DPI, math.ceil(tight.y1 * DPI) / DPI,
    )  # fmt: skip
    fig.set_layout_engine("none")  # laid out already, as save_figure writes it
    expected = _pixels(_savefig_png(fig, bbox_inches=box))
    assert np.array_equal(_pixels(png.read_bytes()), expected)
    plt.close(fig)


def test_png_of_a_figure_drawn_past_its_canvas_is_savefigs_tight_one(tmp_path):
    """A legend below the axes of a figure without a layout engine lies past the canvas: the PNG is
    then matplotlib's tight-box savefig, which widens the canvas to hold it."""
    import numpy as np

    use_style()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3))
    (png,) = save_figure(fig, "past", ("png",), tmp_path)
    got = _pixels(png.read_bytes())
    assert got.shape[0] > 3 * 150  # taller than the canvas: the legend is in it
    assert np.array_equal(got, _pixels(_savefig_png(fig)))
    plt.close(fig)


def test_png_is_upright_and_savefigs_own_where_savefig_would_not_draw_as_shown(tmp_path):
    """The PNG keeps its rows top first under any image.origin, and where savefig would not write
    the screen drawing (a transparent savefig, say) the PNG is savefig's own."""
    import matplotlib as mpl
    import numpy as np

    use_style()
    fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.plot([0, 1], [0, 1], label="up")
    ax.set_title("top")
    ax.legend(loc="lower right")
    (upright,) = save_figure(fig, "a", ("png",), tmp_path)
    with mpl.rc_context({"image.origin": "lower"}):
        (lower,) = save_figure(fig, "b", ("png",), tmp_path)
    assert np.array_equal(_pixels(upright.read_bytes()), _pixels(lower.read_bytes()))
    with mpl.rc_context({"savefig.transparent": True}):
        (clear,) = save_figure(fig, "c", ("png",), tmp_path)
        want = _pixels(_savefig_png(fig))
    got = _pixels(clear.read_bytes())
    assert got.shape == want.shape and np.array_equal(got, want) and (got[..., 3] < 255).any()
    plt.close(fig)
