"""Benchmark of `make figures` from a cold start: every notebook, each timed, and the whole wall time.

What it runs is what `make figures` runs (scalinglaws.notebooks.execute with `make figures`'
parameters, the longest notebooks first, one at a time per core), into a temporary folder, so the
committed figures are not touched. Printed: each notebook's wall time, their sum (one core, one
after another: what a reader running them by hand waits) and the wall time of the whole (all cores),
with the ratio of the two measured in this one run, and the goal: under 60 s on 2 cores.

Run: ``make bench`` (or ``python benchmarks/bench_figures.py [--jobs N]``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _args import at_least

from scalinglaws.notebooks import execute, make_parameters, schedule

GOAL_S = 60.0


def _one(stem: str, folder: Path) -> tuple[str, float]:
    start = time.perf_counter()
    params = {**make_parameters(stem), "output_dir": str(folder / stem)}
    execute(stem, folder / f"{stem}.ipynb", **params)
    return stem, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=at_least(1), default=os.cpu_count() or 2,
                    help="notebooks at a time (default: the cores)")  # fmt: skip
    args = ap.parse_args(argv)
    jobs = args.jobs
    from scalinglaws.core import paths

    stems = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
    order = schedule(stems)  # make figures' order
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            times = dict(pool.map(lambda s: _one(s, Path(tmp)), order))
        wall = time.perf_counter() - start
    for stem in stems:
        print(f"  {stem:<26} {times[stem]:6.1f} s")
    total = sum(times.values())
    print(f"  sum of the notebooks        {total:6.1f} s (one after another)")
    print(f"  make figures, {jobs} at a time  {wall:6.1f} s wall ({total / wall:.2f}x the sum's speed); "
          f"goal under {GOAL_S:g} s on 2 cores: {'met' if wall < GOAL_S else 'not met'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
