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
