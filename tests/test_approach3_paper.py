"""The readable Approach 3 (App. D.2 as written) against the fast path and against Besiroglu 2024.

On Epoch's 240 points the reference runs from all 4,500 starts of Hoffmann's grid (10-20 ms a start
on one core: the slowest test here, kept because the fast path earns its place only by landing on
the reference's optimum from the same grid). The synthetic checks run it from every 100th start
(45 starts in the grid's own order, a fixed slice, not chosen by outcome).
"""

import numpy as np
import pytest
from scipy.optimize import check_grad, minimize

from scalinglaws import estimators
from scalinglaws.constants import BESIROGLU, HOFFMANN
from scalinglaws.estimators import approach3_reference, objective_and_gradient
from scalinglaws.laws import chinchilla as ch
from tests.conftest import shared_scope

SUBSET = slice(None, None, 100)  # every 100th start of estimators.hoffmann_grid()
# scipy's default L-BFGS-B stopping rule, the one Epoch's grid fit ran under: a step that changes
# the objective by less than factr * eps * max(|f|, 1) = 1e7 * 2.2e-16 (ftol 2.2e-9) ends the fit
EPOCH_FTOL = 1e7 * np.finfo(float).eps


def positional(runs: dict) -> tuple:
    """(N, D, L) in the positional order scipy's ``args`` pass to ``objective_and_gradient``."""
    return runs["N"], runs["D"], runs["L"]


def printed(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


# The same optimum, the rule: the objectives agree to 1e-12 relative (both are the optimum to
# float64 precision, 1.01827e-3 on Epoch's points), and the log-parameters theta = (log A, log B,
# log E, alpha, beta) to 1e-6 absolute, so A, B and E to 1e-6 relative: a digit past the 5
# significant digits the papers print. B is the loosest (flat valley, see below); the measured gap
# is about 2e-8.
SAME_OBJECTIVE_REL = 1e-12
SAME_THETA_ABS = 1e-6


@pytest.fixture(scope=shared_scope)
def reference(epoch240):
    return approach3_reference(**epoch240)  # Hoffmann's 4,500 starts


def test_gradient_is_the_derivative_of_the_objective(epoch240):
    rng = np.random.default_rng(0)
    for theta in [np.array([6.0, 7.6, 0.6, 0.35, 0.37]), *estimators.hoffmann_grid()[::900]]:
        theta = theta + 0.01 * rng.standard_normal(5)
        f = lambda t: objective_and_gradient(t, *positional(epoch240))[0]  # noqa: E731
        g = lambda t: objective_and_gradient(t, *positional(epoch240))[1]  # noqa: E731
        scale = max(np.abs(g(theta)).max(), 1e-3)
        assert check_grad(f, g, theta, epsilon=1e-7) <= 1e-4 * scale


# one worker computes the reference fit (about 40 s) for both tests that use it
@pytest.mark.xdist_group("approach3-reference")
def test_fast_path_and_reference_reach_the_same_optimum_from_hoffmanns_grid(epoch240, reference):
    # the summed-Huber optimum over Hoffmann's grid on Epoch's 240 points is 1.01827e-3
    fast = estimators.approach3(**epoch240)
    assert reference.n_starts == fast.n_starts == 4500
    assert f"{reference.value:.6g}" == f"{fast.value:.6g}" == "0.00101827"
    assert abs(reference.value - fast.value) <= SAME_OBJECTIVE_REL * fast.value
    gap = np.abs(np.subtract(reference.theta, fast.theta))
    assert gap.max() <= SAME_THETA_ABS, dict(
        zip(("a", "b", "e", "alpha", "beta"), gap, strict=True)
    )
    for k in ("A", "B", "E", "alpha", "beta"):
        assert getattr(reference, k) == pytest.approx(getattr(fast, k), rel=SAME_THETA_ABS), k


# one worker computes the reference fit (about 40 s) for both tests that use it
@pytest.mark.xdist_group("approach3-reference")
def test_reference_agrees_with_besiroglus_grid_exact_fit_to_the_printed_digits(epoch240, reference):
    # Besiroglu 2024 notebook, "Replicate exactly" (L-BFGS-B from Hoffmann's grid, summed Huber):
    # A 477.8, B 2143.9, E 1.8172, alpha 0.3473, beta 0.3672 (PAPER_FACTS section 3)
    ref = BESIROGLU.grid_exact
    assert printed(reference.A, 1) == printed(ref.A, 1)
    for k in ("E", "alpha", "beta"):
        assert printed(getattr(reference, k), 4) == printed(getattr(ref, k), 4), k
    # B = exp(b) is flat along the optimum's valley: we land at 2143.4. Their 2143.9 is as good
    # as ours to their optimiser's stopping rule: fixing B there and refitting the other four
    # parameters raises the objective by less than scipy's default ftol, so their L-BFGS-B
    # could not tell the two apart.
    assert printed(reference.B, 1) == "2143.4"
    b_fixed = np.log(ref.B)

    def profile(x):
        f, g = objective_and_gradient(np.insert(x, 1, b_fixed), *positional(epoch240))
        return f, np.delete(g, 1)

    res = minimize(profile, np.delete(reference.theta, 1), jac=True, method="L-BFGS-B",
                   options={"ftol": 1e-15, "gtol": 1e-12})  # fmt: skip
    assert 0 <= res.fun - reference.value < EPOCH_FTOL * max(reference.value, 1.0)


def _synthetic(fit, rng, noise):
    N = np.repeat(np.geomspace(5e7, 2e10, 12), 12)
    D = np.tile(np.geomspace(1e9, 5e11, 12), 12)
    L = ch.loss(N, D, fit) * np.exp(noise * rng.standard_normal(N.size))
    return {"N": N, "D": D, "L": L}


def test_reference_recovers_known_parameters_from_synthetic_data():
    truth = HOFFMANN.approach3_tex
    rng = np.random.default_rng(0)
    starts = estimators.hoffmann_grid()[SUBSET]
    exact = approach3_reference(**_synthetic(truth, rng, 0.0), starts=starts)
    assert exact.value < 1e-20
    for k in ("A", "B", "E", "alpha", "beta"):
        assert getattr(exact, k) == pytest.approx(getattr(truth, k), rel=1e-6), k
    assert exact.as_dict() == {k: getattr(exact, k) for k in ("A", "B", "E", "alpha", "beta")}
    # with noise there is no known answer to recover, but the two estimators must agree
    noisy = _synthetic(truth, rng, 0.003)
    ref, fast = approach3_reference(**noisy, starts=starts), estimators.approach3(**noisy)
    assert ref.value <= fast.value * (1 + 1e-9)
    for k in ("A", "B", "E", "alpha", "beta"):
        assert getattr(ref, k) == pytest.approx(getattr(fast, k), rel=1e-5), k


@pytest.mark.badinput
def test_reference_errors(epoch240):
    N, D, L = positional(epoch240)
    with pytest.raises(ValueError, match="1-d arrays of one length >= 6"):
        approach3_reference(N=N, D=D[:10], L=L)
    with pytest.raises(ValueError, match="must be > 0"):
        approach3_reference(N=N, D=D, L=-L)
    zero = np.array(L, dtype=float)
    zero[3] = 0.0  # zero is not > 0 either
    with pytest.raises(ValueError, match="^N, D and L must be > 0$"):
        approach3_reference(N=N, D=D, L=zero)
    with pytest.raises(
        RuntimeError, match="^Approach 3 reference: no start reached a finite objective$"
    ):
        approach3_reference(N=N, D=D, L=L, starts=[[np.nan] * 5])
