"""The dispatch check (scalinglaws.report.dispatch): it compares what it should, and it sees an
ill-conditioned number (a planted one) move between numpy's SIMD settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scalinglaws.report import dispatch


def planted():
    """A deliberately ill-conditioned number, the class of bug the check found in Approach 2:
    interpolating between points with tied x in the order an unstable sort leaves them, which
    differs between numpy's SIMD sorts (AVX-512 and AVX2 sorting networks, the baseline's
    introsort)."""
    rng = np.random.default_rng(0)
    x = np.repeat(np.arange(50.0), 4)
    y = rng.standard_normal(x.size)
    p = rng.permutation(x.size)
    x, y = x[p], y[p]
    order = np.argsort(x)  # ties in any order
    value = np.interp(np.arange(0.5, 49.0), x[order], y[order]).sum()
    return {"planted": pd.DataFrame({"value": [float(value)]})}


def stable():
    """A well-conditioned number: the same sum in float64 with math.fsum's exact rounding."""
    import math

    x = np.random.default_rng(0).standard_normal(100_003)
    return {"stable": pd.DataFrame({"value": [math.fsum(x)], "n_points": [x.size]})}


def drawing():
    """A number computed with drawing code imported: what the check refuses under the numbers."""
    import matplotlib  # noqa: F401

    return stable()


def _needs_two_settings():
    if len(dispatch.settings()) < 2:
        pytest.skip("this CPU offers numpy only its baseline: nothing to compare")


def test_the_check_fails_on_a_planted_ill_conditioned_number():
    _needs_two_settings()
    _, diffs = dispatch.check("tests.test_dispatch:planted")
    assert diffs and all("planted[0].value" in d for d in diffs)


def test_the_check_passes_a_well_conditioned_number():
    _needs_two_settings()
    log, diffs = dispatch.check("tests.test_dispatch:stable")
    assert diffs == [] and "1 tables, 2 values" in log[-1]


def test_the_check_fails_on_numbers_computed_with_drawing_code():
    """The registry's values and the notebooks' tables come from the analysis layer and below:
    a part that imports matplotlib fails the check (`make test` runs it on every derived number),
    though its numbers agree."""
    log, diffs = dispatch.check("tests.test_dispatch:drawing", only=("full",))
    assert len(diffs) == 1 and "imported drawing code: ['matplotlib'" in diffs[0], diffs


def test_settings_only_narrow():
    """Every setting removes features: none names a target this CPU lacks."""
    features, targets = dispatch._cpu()
    for name, env in dispatch.settings().items():
        for target in env.get("NPY_DISABLE_CPU_FEATURES", "").split():
            assert target in features and target in targets, (name, target)


@pytest.mark.parametrize(
    ("ref", "other", "moved"),
    [
        (1.0, 1.0 + 5e-8, False),  # within RTOL
        (1.0, 1.0 + 5e-7, True),  # beyond RTOL
        (0.0, 5e-13, False),  # within ATOL: a zero under one setting
        (2.0, float("nan"), True),
    ],
)
def test_numbers_compared_within_rtol_and_atol(ref, other, moved):
    a = {"t": pd.DataFrame({"x": [ref]})}
    b = {"t": pd.DataFrame({"x": [other]})}
    assert bool(dispatch.differences(a, b)) is moved


def test_counts_and_texts_compared_exactly():
    a = {"t": pd.DataFrame({"n_failed": [2], "note": ["a = 0.605 (0.586-0.626)"]})}
    b = {"t": pd.DataFrame({"n_failed": [6], "note": ["a = 0.605 (0.586-0.626)"]})}
    assert dispatch.differences(a, b) == ["t[0].n_failed: 2.0 vs 6.0 (relative 0.67)"]
    c = {"t": pd.DataFrame({"n_failed": [2], "note": ["a = 0.606 (0.586-0.626)"]})}
    assert dispatch.differences(a, c) == []  # a rounding flip of the last printed digit
    d = {"t": pd.DataFrame({"n_failed": [2], "note": ["a = 0.608 (0.586-0.626)"]})}
    assert len(dispatch.differences(a, d)) == 1
