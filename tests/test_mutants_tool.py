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
