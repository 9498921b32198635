"""Time the implicit loss of Kaplan 2020 Figure 11 (eqs 5.3-5.6) on a 200 x 200 (N, C) grid.

Prints the best of several runs of a vectorised exact solve, and the same for the
critical-batch loss of eq B.3 and the scalar scipy reference on a sample, for scale.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import brentq

from scalinglaws.constants import KAPLAN
from scalinglaws.laws import kaplan_training


def best_of(fn, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    N = np.geomspace(1e4, 1e9, 200)[:, None]  # non-embedding parameters
    C_pf = np.geomspace(1e-5, 1e0, 200)[None, :]  # PF-days
    t_fixed = best_of(lambda: kaplan_training.loss_at_compute(N, C_pf))
    t_min = best_of(lambda: kaplan_training.loss_at_min_compute(N, C_pf))
    print(f"loss_at_compute, 200 x 200 (N, C_pf) at B = 2^19: {t_fixed * 1e3:.1f} ms (best of 7)")
    print(f"loss_at_min_compute (eq B.3), 200 x 200:          {t_min * 1e3:.1f} ms (best of 7)")

    T3, T5 = KAPLAN.joint_NS, KAPLAN.basic
    S = kaplan_training.steps_at_compute(N, C_pf)
    n_ref = 400
    flat = np.broadcast_to(N, S.shape).ravel()[:n_ref], S.ravel()[:n_ref]

    def reference():
        for n, s in zip(*flat, strict=True):
            brentq(
                lambda L, n=n, s=s: (
                    L
                    - (T3.N_c / n) ** T3.alpha_N
                    - (T3.S_c * (1 + T5.B_star * L ** (-1 / T5.alpha_B) / 2**19) / s) ** T3.alpha_S
                ),
                1e-3,
                1e6,
                xtol=1e-15,
                rtol=1e-14,
            )

    t_ref = best_of(reference, repeats=3)
    print(
        f"scalar scipy brentq reference: {t_ref / n_ref * 1e6:.0f} us per point "
        f"(~{t_ref / n_ref * 40000:.1f} s for 200 x 200)"
    )


if __name__ == "__main__":
    main()
