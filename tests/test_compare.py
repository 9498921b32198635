"""The cross-machine checks of scalinglaws.report.compare: they pass on equal outputs and name what differs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.figures.style import save_figure, use_style
from scalinglaws.report import compare


def _curve(tmp_path, name, scale=1.0, marker_x=2.0, size=(4.0, 3.0)):
    import matplotlib.pyplot as plt

    use_style()
    fig, ax = plt.subplots(figsize=size)
    x = np.linspace(0.1, 10, 200)
    ax.plot(x, scale * np.log(x))
    ax.plot([marker_x], [1.0], "o", ms=4)
    save_figure(fig, name, formats=["png"], outdir=tmp_path)
    plt.close(fig)
    return tmp_path / f"{name}.png"


def test_identical_figures_measure_zero(tmp_path):
    a = _curve(tmp_path, "a")
    b = _curve(tmp_path, "b")
    assert compare.check_png(a, b) == 0.0


def test_a_curve_drawn_differently_fails_naming_the_figure_and_its_rms(tmp_path):
    a = _curve(tmp_path, "a")
    b = _curve(tmp_path, "b", scale=1.02)
    with pytest.raises(compare.Mismatch, match=r"b\.png: differs from the committed figure by RMS"):
        compare.check_png(a, b)
    assert compare.png_rms(a, b) > compare.PNG_RMS_TOL


def test_a_moved_marker_fails(tmp_path):
    a = _curve(tmp_path, "a")
    b = _curve(tmp_path, "b", marker_x=2.1)
    assert compare.png_rms(a, b) > compare.PNG_RMS_TOL


def test_a_resized_figure_names_both_sizes(tmp_path):
    a = _curve(tmp_path, "a")
    b = _curve(tmp_path, "b", size=(5.0, 3.0))
    with pytest.raises(compare.Mismatch, match=r"b\.png: image size \d+x\d+ px, committed \d+x\d+"):
        compare.check_png(a, b)


def _csv(tmp_path, name, frame):
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def test_tables_agree_within_a_unit_of_the_sixth_digit(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"corpus": ["prose"], "a": [0.535012]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"corpus": ["prose"], "a": [0.535013]}))
    compare.check_table(a, b)


def test_a_changed_number_names_table_column_and_row(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"corpus": ["prose", "code"], "a": [0.535, 0.574]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"corpus": ["prose", "code"], "a": [0.535, 0.575]}))
    with pytest.raises(
        compare.Mismatch, match=r"b\.csv: 1 values moved:\n  row 2 \(code\), a: 0\.574 -> 0\.575"
    ):
        compare.check_table(a, b)


def test_a_changed_label_or_shape_is_named(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"corpus": ["prose"], "a": [0.5]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"corpus": ["code"], "a": [0.5]}))
    with pytest.raises(compare.Mismatch, match="row 1 \\(prose\\), corpus: 'prose' -> 'code'"):
        compare.check_table(a, b)
    c = _csv(tmp_path, "c", pd.DataFrame({"corpus": ["prose", "code"], "a": [0.5, 0.6]}))
    with pytest.raises(compare.Mismatch, match="2 rows, committed 1"):
        compare.check_table(a, c)


def test_text_numbers_within_the_printed_digits():
    committed = "| eq 4 | a | 0.46 | 0.4566 | ok |\n| x | y | 4.68e9 | 4.680e+09 | ok |"
    assert compare.text_differences(committed, committed.replace("0.4566", "0.4567")) == []
    diff = compare.text_differences(committed, committed.replace("0.4566", "0.4600"))
    assert len(diff) == 1 and diff[0].startswith("line 1:")
    assert compare.text_differences(committed, committed.replace("ok", "explained"))


def test_every_moved_estimate_and_count_is_listed(tmp_path):
    """No allowance beyond the sixth digit, even for bootstrap intervals: the numbers do not move
    with the CPU (the dispatch check), so a moved interval end or failure count is a change."""
    row = {"dataset": ["x"], "a": [0.50], "a_lo": [0.40], "a_hi": [0.60], "level": [0.95],
           "n_bootstrap": [400], "n_failed": [10]}  # fmt: skip
    a = _csv(tmp_path, "a", pd.DataFrame(row))
    moved = _csv(tmp_path, "moved", pd.DataFrame({**row, "a_lo": [0.41], "n_failed": [11]}))
    diffs = compare.table_differences(a, moved)
    assert diffs == [
        "row 1 (x), a_lo: 0.4 -> 0.41 (relative 0.025 > 1e-05)",
        "row 1 (x), n_failed: 10 -> 11 (relative 0.1 > 1e-05)",
    ]
    with pytest.raises(compare.Mismatch, match="2 values moved"):
        compare.check_table(a, moved)


# ---- closed forms: images and tables whose differences are known exactly --------------------------


def _png(tmp_path, name, rgb, size=(30, 20)):
    """A solid PNG of ``size`` (width, height) in colour ``rgb`` (0-255 each)."""
    from PIL import Image

    path = tmp_path / f"{name}.png"
    Image.new("RGB", size, tuple(rgb)).save(path)
    return path


def test_rms_is_the_root_mean_square_over_every_channel(tmp_path):
    # one channel 10 apart on every pixel: sqrt(10^2 / 3); a difference past 127 does not wrap
    assert compare.png_rms(_png(tmp_path, "a", (0, 0, 0)), _png(tmp_path, "b", (10, 0, 0))) == (
        pytest.approx((100 / 3) ** 0.5, rel=1e-12)
    )
    assert compare.png_rms(_png(tmp_path, "c", (200, 0, 0)), _png(tmp_path, "d", (10, 0, 0))) == (
        pytest.approx((190**2 / 3) ** 0.5, rel=1e-12)
    )


def test_an_rms_equal_to_the_tolerance_passes(tmp_path):
    # every channel of every pixel 1 apart: RMS exactly 1.0, the tolerance ("at most 1.0")
    a, b = _png(tmp_path, "a", (5, 5, 5)), _png(tmp_path, "b", (6, 6, 6))
    assert compare.check_png(a, b, tol=1.0) == 1.0
    with pytest.raises(
        compare.Mismatch, match=r"RMS 1 \(0-255 pixel values\), above the tolerance 0.5"
    ):
        compare.check_png(a, b, tol=0.5)


def test_a_resized_figure_names_width_and_height(tmp_path):
    a = _png(tmp_path, "a", (0, 0, 0), size=(30, 20))
    b = _png(tmp_path, "b", (0, 0, 0), size=(40, 20))
    with pytest.raises(compare.Mismatch) as err:
        compare.png_rms(a, b)
    assert str(err.value) == "b.png: image size 40x20 px, committed 30x20 px"


def test_changed_columns_are_named_in_order(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"x": [1.0], "y": [2.0]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"y": [2.0], "x": [1.0]}))
    assert compare.table_differences(a, b) == ["columns ['y', 'x'], committed ['x', 'y']"]


def test_a_number_that_became_text_is_compared_as_text(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"id": ["r"], "v": [1.5]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"id": ["r"], "v": ["none yet"]}))
    assert compare.table_differences(a, b) == ["row 1 (r), v: 1.5 -> 'none yet'"]


def test_missing_values_agree_and_a_changed_zero_or_missing_value_is_infinitely_far(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"id": ["p", "q"], "v": [np.nan, 0.0]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"id": ["p", "q"], "v": [np.nan, 1e-9]}))
    assert compare.table_differences(a, b) == ["row 2 (q), v: 0 -> 1e-09 (relative inf > 1e-05)"]
    c = _csv(tmp_path, "c", pd.DataFrame({"id": ["p", "q"], "v": [2.0, 0.0]}))
    assert compare.table_differences(a, c) == ["row 1 (p), v: nan -> 2 (relative inf > 1e-05)"]


def test_a_flipped_flag_is_listed(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"id": ["p"], "interior": [True]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"id": ["p"], "interior": [False]}))
    assert compare.table_differences(a, b) == ["row 1 (p), interior: 1 -> 0 (relative 1 > 1e-05)"]


def test_check_table_uses_the_tolerance_it_is_given_and_lists_one_line_each(tmp_path):
    a = _csv(tmp_path, "a", pd.DataFrame({"id": ["p", "q"], "v": [1.0, 2.0]}))
    b = _csv(tmp_path, "b", pd.DataFrame({"id": ["p", "q"], "v": [1.05, 2.1]}))
    compare.check_table(a, b, rtol=0.06)  # both within 6%
    with pytest.raises(compare.Mismatch) as err:
        compare.check_table(a, b, rtol=0.01)
    assert str(err.value) == (
        "b.csv: 2 values moved:\n"
        "  row 1 (p), v: 1 -> 1.05 (relative 0.05 > 0.01)\n"
        "  row 2 (q), v: 2 -> 2.1 (relative 0.05 > 0.01)"
    )


def test_every_differing_line_of_a_text_is_listed():
    committed = "a = 0.605 (5 budgets)\nsame line\nb = 0 exactly\nc = 1.0"
    new = "a = 0.605 (5 windows)\nsame line\nb = 1e-09 exactly\nc = 1.0009"
    assert compare.text_differences(committed, new) == [
        "line 1: 'a = 0.605 (5 windows)', committed 'a = 0.605 (5 budgets)'",
        "line 3: 'b = 1e-09 exactly', committed 'b = 0 exactly' (numbers differ by more than 0.001)",
    ]  # a zero that became 1e-9 has moved (no absolute allowance); 1.0009 is within 1e-3


def test_empty_text_cells_agree_and_a_filled_one_is_listed(tmp_path):
    """An identical table with empty cells in text and flag columns compares equal (a missing
    value is not equal to itself, so it must be compared as the empty text it was written as)."""
    frame = pd.DataFrame({"id": ["p", "q"], "note": ["", "bound"], "ok": [True, None]})
    a, b = _csv(tmp_path, "a", frame), _csv(tmp_path, "b", frame)
    assert compare.table_differences(a, b) == []
    c = _csv(tmp_path, "c", frame.assign(note=["now", "bound"]))
    assert compare.table_differences(a, c) == ["row 1 (p), note: '' -> 'now'"]
