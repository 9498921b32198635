"""Benchmark of the Approach-3 fit and bootstrap on Epoch's 240 points (prints numbers only).

Three timings in one process, on the same data (Besiroglu 2024's extraction of Hoffmann 2022
Fig 4, 5 highest losses dropped):

1. ``fitting.approach3``: Hoffmann's 4,500-start grid, batched damped Newton + polish; and the
   same search without successive halving (every start iterated), to check it finds the same
   optimum.
2. ``fitting.bootstrap_approach3``: 4,000 replicates, batched, warm-started.
3. A naive baseline: one scipy L-BFGS-B per start with numerical gradients (the textbook way),
   timed on a sample of grid starts and of bootstrap replicates and extrapolated to 4,500 / 4,000.

Run: ``make bench`` (or ``python benchmarks/bench_fitting.py [--sample K]``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import minimize

from scalinglaws import data, fitting
from scalinglaws.constants import BESIROGLU


def naive_objective(theta, logN, logD, logL, delta, weights=None):
    """Summed Huber of LSE(a - alpha log N, b - beta log D, e) - log L, written plainly."""
    a, b, e, alpha, beta = theta
    pred = np.logaddexp(np.logaddexp(a - alpha * logN, b - beta * logD), e)
    r = pred - logL
    h = np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
    return float(np.sum(h if weights is None else weights * h))


def naive_fit(start, args):
    return minimize(naive_objective, start, args=args, method="L-BFGS-B")


def best_of(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=60, help="starts/replicates for the baseline")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats (best is shown)")
    args = parser.parse_args(argv)

    df = data.drop_highest_losses(data.load("epoch-chinchilla-fig4"), 5)
    N, D, _, L = fitting.arrays(df)
    delta = fitting.HOFFMANN.approach3_setup.huber_delta
    grid = fitting.hoffmann_grid()
    print(f"data: {len(N)} points (Besiroglu 2024 extraction, 5 highest losses dropped)")

    t_fit, fit = best_of(lambda: fitting.approach3(N, D, L), args.repeats)
    print(f"ours   full-grid fit ({len(grid)} starts): {t_fit:.3f} s  (best of {args.repeats})")
    print(
        f"       A={fit.A:.1f} B={fit.B:.1f} E={fit.E:.4f} alpha={fit.alpha:.4f} "
        f"beta={fit.beta:.4f} objective={fit.value:.9g}"
    )
    t0 = time.perf_counter()
    full = fitting.approach3(N, D, L, schedule=((60, len(grid)),))
    t_full = time.perf_counter() - t0
    same = abs(full.value - fit.value) <= 1e-12 * fit.value
    print(
        f"check  no pruning (every start 60 batched steps): {t_full:.2f} s, objective "
        f"{full.value:.12g}, same optimum as the pruned search: {same}"
    )
    n_boot = BESIROGLU.uncertainty.n_bootstrap
    t_boot, boot = best_of(
        lambda: fitting.bootstrap_approach3(
            N, D, L, n_bootstrap=n_boot, rng=np.random.default_rng(0), full_fit=fit
        ),
        args.repeats,
    )
    se = ", ".join(f"{k}={v:.4g}" for k, v in boot.se.items())
    print(f"ours   bootstrap ({n_boot} replicates): {t_boot:.3f} s  failed={boot.n_failed}")
    print(f"       SE: {se}")

    rng = np.random.default_rng(0)
    logs = (np.log(N), np.log(D), np.log(L), delta)
    sample = grid[rng.choice(len(grid), size=min(args.sample, len(grid)), replace=False)]
    t0 = time.perf_counter()
    results = [naive_fit(s, logs) for s in sample]
    t_naive = (time.perf_counter() - t0) / len(sample)
    best = min(r.fun for r in results)
    stopped = sum(r.nit <= 2 for r in results)
    print(
        f"naive  L-BFGS-B, numerical gradients: {1e3 * t_naive:.1f} ms/start on {len(sample)} "
        f"starts -> {t_naive * len(grid):.1f} s extrapolated to {len(grid)}"
    )
    print(
        f"       best objective in the sample {best:.9g} (ours {fit.value:.9g}); "
        f"{stopped}/{len(sample)} starts stopped within 2 iterations (default tolerances)"
    )
    W = rng.multinomial(len(N), np.full(len(N), 1 / len(N)), size=min(args.sample, n_boot))
    x0 = np.array(fit.theta)
    t0 = time.perf_counter()
    for w in W:
        minimize(naive_objective, x0, args=(*logs, w), method="L-BFGS-B")
    t_nb = (time.perf_counter() - t0) / len(W)
    print(
        f"naive  bootstrap: {1e3 * t_nb:.1f} ms/replicate on {len(W)} -> "
        f"{t_nb * n_boot:.1f} s extrapolated to {n_boot}"
    )
    print(
        f"ratio  fit: {t_naive * len(grid) / t_fit:.0f}x faster; "
        f"bootstrap: {t_nb * n_boot / t_boot:.0f}x faster"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
