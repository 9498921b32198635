"""Kaplan 2020 Figure 12 laws (App. B.4, eqs B.16 and B.17) against the numbers the paper prints."""

import numpy as np
import pytest

from scalinglaws.constants import KAPLAN
from scalinglaws.laws.kaplan_efficient import (
    excess_compute_interval,
    excess_compute_ratio,
    excess_domain_min,
    excess_steps_ratio,
)


def test_twenty_percent_interval_matches_paper():
    # Kaplan 2020, App. B.4: "Models between 0.6x and 2.2x the optimal size can be used with only
    # a 20% increase in compute budget." The equations give 0.577 and 2.184 (rounded in the text).
    lo, hi = excess_compute_interval(KAPLAN.figure12.compute_penalty)
    assert lo == pytest.approx(0.5770, abs=5e-4)
    assert hi == pytest.approx(2.1842, abs=5e-4)
    assert round(lo, 1) == KAPLAN.figure12.lower_ratio
    assert round(hi, 1) == KAPLAN.figure12.upper_ratio
    assert excess_compute_ratio([lo, hi]) == pytest.approx([1.2, 1.2], rel=1e-10)


def test_step_saving_at_2_2x_matches_paper():
    # Kaplan 2020, App. B.4: "A 2.2x larger model requires 45% fewer steps".
    saving = 1.0 - float(excess_steps_ratio(KAPLAN.figure12.upper_ratio))
    assert saving == pytest.approx(0.453, abs=1e-3)
    assert round(saving, 2) == KAPLAN.figure12.step_saving_at_upper


def test_efficient_size_costs_nothing_extra():
    # Eqs B.16/B.17 equal 1 at N = N_eff, and eq B.16 has its minimum there.
    assert excess_compute_ratio(1.0) == pytest.approx(1.0)
    assert excess_steps_ratio(1.0) == pytest.approx(1.0)
    x = np.geomspace(0.3, 10, 2001)
    assert x[np.argmin(excess_compute_ratio(x))] == pytest.approx(1.0, rel=5e-3)


def test_compute_ratio_is_ratio_times_steps_ratio():
    # C = 6 N B S at the critical batch: eq B.16 = (N/N_eff) x eq B.17.
    x = np.geomspace(0.29, 50, 50)
    np.testing.assert_allclose(excess_compute_ratio(x), x * excess_steps_ratio(x), rtol=1e-14)


def test_vectorised_shapes():
    x = np.full((3, 4), 2.0)
    assert excess_compute_ratio(x).shape == (3, 4)
    assert np.ndim(excess_steps_ratio(2.0)) == 0


def test_pole_value():
    # (1 + alpha_N/alpha_S)^(-1/alpha_N) with alpha_N = 0.076, alpha_S = 0.76 (Table 5).
    assert excess_domain_min() == pytest.approx(1.1 ** (-1 / 0.076))
    assert excess_domain_min() == pytest.approx(0.2853, abs=1e-4)


@pytest.mark.parametrize("bad", [0.1, 0.2853, -1.0, 0.0, np.nan, np.inf])
@pytest.mark.badinput
def test_outside_domain_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"N/N_eff must be .* greater than 0\.2853"):
        excess_compute_ratio([2.0, bad])
    with pytest.raises(ValueError, match=r"N/N_eff"):
        excess_steps_ratio(bad)


@pytest.mark.parametrize("bad", [1.0, 0.5, -2, np.nan, 1000.0])
@pytest.mark.badinput
def test_interval_rejects_bad_penalty(bad):
    with pytest.raises(ValueError, match=r"penalty must be a number in \(1, 100\]"):
        excess_compute_interval(bad)
