"""tools/mutants.py's sorting of surviving mutants by kind, on pairs of functions written here
(the original and one mutant each, as mutmut writes them)."""

from __future__ import annotations

import importlib.util

import pytest

from scalinglaws.core import paths

_spec = importlib.util.spec_from_file_location("mutants_tool", paths.ROOT / "tools" / "mutants.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

ORIG = """def F(x, n: int = 5):
    y = np.asarray(x, dtype=float)
    if y.size < n:
        raise ValueError(f"need {n} values, got {y.size}")
    return pd.concat([y], ignore_index=True), y.sum() * 2
"""


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ('f"need {n} values, got {y.size}"', 'f"XXneed {n} values, got {y.size}XX"', "text"),
        ("n: int = 5", "n: int = 6", "default"),
        ("y.size < n", "y.size <= n", "boundary"),
        ("dtype=float", "dtype=None", "conversion"),
        ("ignore_index=True", "ignore_index=False", "conversion"),
        (", ignore_index=True", "", "conversion"),
        ("y.sum() * 2", "y.sum() * 3", "other"),
        ("y.size < n", "y.size > n", "other"),  # a flipped comparison is not a boundary
        ('f"need {n} values, got {y.size}"', 'f"need {n} values, got {n}"', "other"),
    ],
)  # fmt: skip
def test_each_kind_of_survivor_is_named(old, new, kind):
    assert old in ORIG
    assert tool.kind(ORIG, ORIG.replace(old, new, 1)) == kind


@pytest.mark.parametrize(("k", "n"), [(0, 10), (7, 10), (10, 10), (128, 150), (340, 400)])
def test_the_samples_interval_is_wilsons(k, n):
    """tools/mutants.py's Wilson interval against scipy's (binomtest's proportion_ci)."""
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert tool.wilson(k, n) == pytest.approx((ci.low, ci.high), rel=1e-12, abs=1e-15)


def test_a_packages_projected_score_counts_its_unchecked_at_the_samples_share():
    """10 mutants: 4 killed and 1 survived outside the sample, a sample of 4 (3 killed, 1
    survived) and 1 unchecked: the estimate is (4 + 3 + 3/4 x 1) / 10; a sample member still
    unchecked counts as not killed (and is no longer projected); another package is left out; a
    name not in the results is refused."""
    res = {f"scalinglaws.estimators.m.x_f__mutmut_{i}": s for i, s in enumerate(
        ["killed"] * 4 + ["survived"] + ["killed"] * 2 + ["timeout", "survived", "not checked"])}  # fmt: skip
    res["scalinglaws.laws.m.x_g__mutmut_1"] = "survived"
    sample = [f"scalinglaws.estimators.m.x_f__mutmut_{i}" for i in (5, 6, 7, 8)]
    p = tool.projected(res, sample)
    assert list(p) == ["estimators"]
    e = p["estimators"]
    lo, hi = tool.wilson(3, 4)
    assert (e["sample"], e["killed"], e["unchecked"]) == (4, 3, 1)
    assert e["share"] == pytest.approx((0.75, lo, hi))
    assert e["score"] == pytest.approx(
        {"low": (7 + lo) / 10, "estimate": 7.75 / 10, "high": (7 + hi) / 10}
    )
    with_unchecked = tool.projected(res, sample + ["scalinglaws.estimators.m.x_f__mutmut_9"])
    assert with_unchecked["estimators"]["share"][0] == pytest.approx(3 / 5)
    assert with_unchecked["estimators"]["unchecked"] == 0
    assert with_unchecked["estimators"]["score"]["estimate"] == pytest.approx(7 / 10)
    with pytest.raises(
        ValueError, match="^--sample: 'scalinglaws.estimators.m.x_f__mutmut_99' is not"
    ):
        tool.projected(res, ["scalinglaws.estimators.m.x_f__mutmut_99"])
    assert tool.verdict(0.9, 0.95) == "met" and tool.verdict(0.85, 0.899) == "not met"
    assert tool.verdict(0.89, 0.91).startswith("undecided")


@pytest.mark.badinput
def test_a_bad_sample_file_is_named_and_exits_2(tmp_path, capsys):
    """--sample: a file that cannot be read, one naming no mutant, or one naming a mutant mutmut
    does not know each stops the tool with exit code 2 and a message naming --sample."""
    fake = tmp_path / "mutmut"
    fake.write_text("#!/bin/sh\necho '    scalinglaws.estimators.m.x_f__mutmut_1: killed'\n")
    fake.chmod(0o755)
    empty, unknown = tmp_path / "empty.txt", tmp_path / "unknown.txt"
    empty.write_text("# only a comment\n\n")
    unknown.write_text("scalinglaws.estimators.m.x_f__mutmut_2\n")
    for path, words in ((tmp_path / "missing.txt", "cannot read"), (empty, "names no mutants"),
                        (unknown, "is not a mutant")):  # fmt: skip
        assert tool.main(["--mutmut", str(fake), "--sample", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("--sample: ") and words in err
    good = tmp_path / "good.txt"
    good.write_text("scalinglaws.estimators.m.x_f__mutmut_1  # the one\n")
    assert tool.main(["--mutmut", str(fake), "--sample", str(good)]) == 0
    assert "estimators: 1 of 1 sampled killed (100.0%" in capsys.readouterr().out
