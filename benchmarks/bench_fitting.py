"""Benchmark of Approach 3 on Epoch's 240 points: Epoch's procedure, the readable reference and the
fast path, timed in one process (prints numbers only).

Data: Besiroglu et al. 2024's extraction of Hoffmann 2022 Fig 4, the 5 highest losses dropped.

1. Epoch's procedure as they ran it (epoch-research/analyzing-chinchilla, ``data_analysis.ipynb``
   at 92258837425e1b5f2851d624287f0120583a3d0e; their code is not copied: the objectives and
   optimiser calls are rewritten here to do the same operations):
   - grid fit (their "replicate exactly" cell): for each of Hoffmann's 4,500 starts, scipy
     ``minimize(..., method="L-BFGS-B")`` with default options and *no* ``jac``, so scipy takes
     finite-difference gradients, on the summed Huber of log L - log(exp(a - alpha log N) +
     exp(b - beta log D) + exp(e)) written with ``autograd.numpy``;
   - refit: one ``minimize(..., method="BFGS", jac=grad(...))`` of the Huber likelihood (free log
     scale sigma) from Hoffmann's TeX values and sigma = 0;
   - bootstrap: 4,000 resamples (``np.random.seed(42)``), each one ``minimize(..., method="BFGS",
     jac=autograd.grad(objective))`` started at Hoffmann's TeX values.
   The grid fit and the bootstrap are timed on a sample of starts and of their replicates and
   extrapolated to 4,500 / 4,000 (the output says so). Without autograd installed the grid fit
   runs on plain numpy, the bootstrap's BFGS takes the exact gradient of ``approach3_reference``
   and the refit's finite differences; the first two are faster than autograd, so the ratios
   then understate ours (the output says so too).
2. The readable reference, ``approach3_reference`` (L-BFGS-B with the exact gradient from every
   start; the full grid, 20-25 ms a start on one core).
3. Ours: ``python -m scalinglaws fit --data epoch-chinchilla-fig4 --bootstrap 4000`` end to end
   as a new process (Python start-up, imports, reading and hashing the data file included), and
   the same command in this process (``cli.main``; imports already done), which runs
   ``estimators.approach3`` (Huber likelihood, then summed Huber) and
   ``estimators.bootstrap_approach3`` (4,000 replicates); those calls are also timed alone.
   The bar: the command end to end at least 100x faster than Epoch's procedure (grid fit, refit
   and bootstrap), both measured in this one run.

BLAS runs on one thread throughout: scipy >= 1.15's L-BFGS-B is many times slower under a
multithreaded OpenBLAS on a problem this small (scipy issue 22438), which would flatter us.
Everything is then single-threaded, so the ratios are of CPU time (``time.process_time``), which
other processes on a shared machine disturb far less than wall time; wall time is printed too, and
the load average at the start and the end, since a loaded machine slows both sides of a ratio
but not necessarily equally.

Run: ``make bench`` (or ``python benchmarks/bench_fitting.py [--sample K] [--reference-every K]``;
``--reference-every 10 --sample 20 --repeats 1`` for a quick look, its extrapolations said so).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS; inherited by the CLI run below

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from _args import at_least  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.stats import norm  # noqa: E402

from scalinglaws import cli, estimators  # noqa: E402
from scalinglaws.constants import BESIROGLU, HOFFMANN  # noqa: E402
from scalinglaws.datasets import published  # noqa: E402
from scalinglaws.estimators import approach3_reference, objective_and_gradient  # noqa: E402

try:
    import autograd.numpy as anp
    from autograd import grad
except ImportError:  # the fallback is named in the output
    anp, grad = np, None

DELTA = HOFFMANN.approach3_setup.huber_delta  # eq 3 / App. D.2, as Epoch's notebook
TEX = HOFFMANN.approach3_tex
TEX_START = [np.log(TEX.A), np.log(TEX.B), np.log(TEX.E), TEX.alpha, TEX.beta]
# their Huber density's log normaliser, a constant of delta (they recompute it in every call)
LOG_NORM = float(np.log(np.sqrt(2 * np.pi) * (1 - 2 * norm.sf(DELTA)) + 2 * np.exp(-0.5 * DELTA**2) / DELTA))  # fmt: skip


def epoch_huber(theta, N, D, L):
    """Epoch's summed-Huber objective, the same array operations on raw N, D, L."""
    a, b, e, alpha, beta = theta
    pred = anp.log(anp.exp(a - alpha * anp.log(N)) + anp.exp(b - beta * anp.log(D)) + anp.exp(e))
    r = anp.log(L) - pred
    return anp.sum(anp.where(anp.abs(r) <= DELTA, 0.5 * r**2, DELTA * (anp.abs(r) - 0.5 * DELTA)))


def epoch_likelihood(theta, N, D, L):
    """Epoch's refit objective: minus the Huber log density of log L with scale exp(sigma)."""
    a, b, e, alpha, beta, sigma = theta
    pred = anp.log(anp.exp(a - alpha * anp.log(N)) + anp.exp(b - beta * anp.log(D)) + anp.exp(e))
    x = (anp.log(L) - pred) / anp.exp(sigma)
    h = anp.where(anp.abs(x) <= DELTA, 0.5 * x**2, DELTA * (anp.abs(x) - 0.5 * DELTA))
    return anp.sum(h + LOG_NORM + sigma)


def _jac(f):
    """autograd's gradient as Epoch used it; without autograd, an exact one (faster)."""
    if grad is not None:
        return grad(f)
    if f is epoch_huber:
        return lambda th, N, D, L: objective_and_gradient(th, N, D, L, DELTA)[1]
    return None  # the likelihood without autograd: scipy's finite differences


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(fn, repeats=1):
    """(median wall seconds, median CPU seconds of this process, last result) over repeats."""
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def _s(wall: float, cpu: float) -> str:
    return f"{wall:.3g} s wall, {cpu:.3g} s CPU"


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def new_process(cmd: list[str], repeats: int) -> tuple[float, float]:
    """(median wall, median CPU seconds) of ``cmd`` run as a child process, over repeats."""
    wall, cpu = [], []
    for _ in range(repeats):
        c0, w0 = _children_cpu(), time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall.append(time.perf_counter() - w0)
        cpu.append(_children_cpu() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample", type=at_least(1), default=100, help="Epoch starts/replicates timed"
    )
    parser.add_argument(
        "--repeats", type=at_least(1), default=3, help="timings of the fast path (median)"
    )
    parser.add_argument("--reference-every", type=at_least(1), default=1,
                        help="run the reference from every k-th grid start (1: all 4,500)")  # fmt: skip
    args = parser.parse_args(argv)

    df = published.drop_highest_losses(published.load("epoch-chinchilla-fig4"), 5)
    N, D, _, L = estimators.arrays(df)
    n = len(N)
    grid = estimators.hoffmann_grid()
    n_boot = BESIROGLU.uncertainty.n_bootstrap
    on = "autograd.numpy" if grad is not None else "plain numpy (autograd not installed; faster)"
    how = "autograd" if grad is not None else "exact (autograd not installed; faster)"
    print(f"data: {n} points (Besiroglu 2024 extraction, 5 highest losses dropped); one BLAS "
          f"thread; ratios of CPU time (wall time also shown: other processes inflate it)")  # fmt: skip
    print(f"machine at the start: {_load()}")

    # -- ours: the command end to end, the command in this process, its fits alone ---------------
    argv = ["fit", "--data", "epoch-chinchilla-fig4", "--bootstrap", str(n_boot)]
    w_cmd, c_cmd = new_process([sys.executable, "-m", "scalinglaws", *argv], args.repeats)
    w_up, c_up = new_process([sys.executable, "-c", "import scalinglaws.cli, scalinglaws.datasets.published, "
                              "scalinglaws.estimators, numpy"], args.repeats)  # fmt: skip

    def in_process():
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.main(argv) == 0

    w_cli, c_cli, _ = timed(in_process, args.repeats)
    w_fit, c_fit, fit = timed(lambda: estimators.approach3(N=N, D=D, L=L), args.repeats)
    w_boot, c_boot, boot = timed(
        lambda: estimators.bootstrap_approach3(
            N=N, D=D, L=L, n_bootstrap=n_boot, rng=np.random.default_rng(0), full_fit=fit
        ),
        args.repeats,
    )
    print(f"ours   `python -m scalinglaws {' '.join(argv)}`, new process: {_s(w_cmd, c_cmd)} "
          f"(median of {args.repeats}; Python start-up, imports and data loading included)")  # fmt: skip
    print(f"       of which start-up and imports: {_s(w_up, c_up)} (a process importing what "
          f"the command imports, nothing else)")  # fmt: skip
    print(f"ours   the same command in this process (cli.main): {_s(w_cli, c_cli)}")
    print(f"ours   approach3 grid fit ({len(grid)} starts): {_s(w_fit, c_fit)}")
    print(f"       A={fit.A:.4f} B={fit.B:.4f} E={fit.E:.6f} alpha={fit.alpha:.6f} "
          f"beta={fit.beta:.6f} objective={fit.value:.9g}")  # fmt: skip
    print(f"ours   bootstrap_approach3 ({n_boot} replicates): {_s(w_boot, c_boot)}, "
          f"failed={boot.n_failed}")  # fmt: skip
    w, c, full = timed(lambda: estimators.approach3(N=N, D=D, L=L, schedule=((60, len(grid)),)))
    same = abs(full.value - fit.value) <= 1e-12 * fit.value
    print(f"check  approach3 without pruning (every start 60 batched steps): {_s(w, c)}, "
          f"same optimum: {same}")  # fmt: skip

    # -- the readable reference -----------------------------------------------------------------
    starts = grid[:: args.reference_every]
    w_ref, c_ref, ref = timed(lambda: approach3_reference(N=N, D=D, L=L, starts=starts))
    k = len(grid) / len(starts)
    note = (
        "" if len(starts) == len(grid) else f" -> {c_ref * k:.1f} s CPU extrapolated to {len(grid)}"
    )
    print(f"ref    approach3_reference, L-BFGS-B + exact gradient, {len(starts)} starts: "
          f"{_s(w_ref, c_ref)} ({1e3 * c_ref / len(starts):.1f} ms CPU/start){note}")  # fmt: skip
    print(f"       A={ref.A:.4f} B={ref.B:.4f} E={ref.E:.6f} alpha={ref.alpha:.6f} "
          f"beta={ref.beta:.6f} objective={ref.value:.9g}")  # fmt: skip
    c_ref *= k

    # -- Epoch's procedure ----------------------------------------------------------------------
    rng = np.random.default_rng(0)
    sample = grid[rng.choice(len(grid), size=min(args.sample, len(grid)), replace=False)]
    w, c, runs = timed(
        lambda: [minimize(epoch_huber, s, args=(N, D, L), method="L-BFGS-B") for s in sample]
    )
    c_grid = c * len(grid) / len(sample)
    ok = [r.fun for r in runs if r.success]
    print(f"epoch  grid fit, L-BFGS-B with finite differences, on {on}: {_s(w, c)} for "
          f"{len(sample)} random starts ({1e3 * c / len(sample):.1f} ms CPU/start) -> "
          f"{c_grid:.1f} s CPU extrapolated to {len(grid)}")  # fmt: skip
    print(f"       {len(ok)}/{len(runs)} reported success; best objective in the sample "
          f"{min(ok, default=np.nan):.9g} (ours {fit.value:.9g})")  # fmt: skip
    w, c_like, like = timed(
        lambda: minimize(
            epoch_likelihood,
            [*TEX_START, 0.0],
            args=(N, D, L),
            method="BFGS",
            jac=_jac(epoch_likelihood),
        )
    )
    print(f"epoch  likelihood refit, BFGS ({how if grad else 'finite-difference'} gradients) from "
          f"the TeX values: {_s(w, c_like)}, alpha={like.x[3]:.5f} beta={like.x[4]:.5f}")  # fmt: skip
    counts = estimators.legacy_resample_counts(n, n_boot, BESIROGLU.uncertainty.seed)
    picks = [np.repeat(np.arange(n), c.astype(int)) for c in counts[: min(args.sample, n_boot)]]
    jac = _jac(epoch_huber)
    w, c, _ = timed(
        lambda: [
            minimize(epoch_huber, TEX_START, args=(N[i], D[i], L[i]), jac=jac, method="BFGS")
            for i in picks
        ]
    )
    c_rep = c * n_boot / len(picks)
    print(f"epoch  bootstrap, BFGS with {how} gradients: {_s(w, c)} for their first {len(picks)} "
          f"resamples ({1e3 * c / len(picks):.1f} ms CPU/replicate) -> {c_rep:.1f} s CPU "
          f"extrapolated to {n_boot}")  # fmt: skip

    # -- ours again: the load may have changed; the ratio takes the slower of the two -------------
    w2, c2 = new_process([sys.executable, "-m", "scalinglaws", *argv], args.repeats)
    print(f"ours   the command end to end again, after Epoch's: {_s(w2, c2)} (median of "
          f"{args.repeats}); the ratio below takes the slower of the two ({max(c_cmd, c2):.3g} s CPU)")  # fmt: skip
    c_cmd = max(c_cmd, c2)

    # -- ratios of CPU time (same process, same data, one BLAS thread) ---------------------------
    c_epoch = c_grid + c_like + c_rep
    print(f"machine at the end: {_load()}")
    print(f"ratio  grid fit: Epoch / ours = {c_grid / c_fit:.0f}x; reference / ours = "
          f"{c_ref / c_fit:.0f}x; Epoch / reference = {c_grid / c_ref:.2f}x")  # fmt: skip
    print(f"ratio  bootstrap: Epoch / ours = {c_rep / c_boot:.0f}x")
    print(f"ratio  Epoch's procedure (grid fit + refit + {n_boot} bootstrap, {c_epoch:.1f} s CPU "
          f"extrapolated from the samples above) / ours in this process ({c_cli:.2f} s): "
          f"{c_epoch / c_cli:.0f}x")  # fmt: skip
    verdict = "met" if c_epoch / c_cmd >= 100 else "NOT met"
    print(f"ratio  Epoch's procedure / our command end to end ({c_cmd:.2f} s CPU, start-up, imports "
          f"and data loading included; Epoch's not): {c_epoch / c_cmd:.0f}x (bar >= 100x: "
          f"{verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
