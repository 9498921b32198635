"""Start-up of the command line: ``python -m scalinglaws optimal --flops 1e22`` as a whole process,
against the floor a reader's Python sets (``python -c pass``) and against importing numpy alone
(which the laws need; with one BLAS thread, as the command line sets it), in one run.

Each command runs ``--repeats`` times, interleaved, as a new process; its CPU time (user + system,
from the kernel's accounting of the finished child) is printed as min / median / max, and the ratio
of medians is measured in this run. The goal: ``optimal`` under 0.3 s of CPU.

Run: ``make bench`` (or ``python benchmarks/bench_cli.py [--repeats N]``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from _args import at_least

GOAL_S = 0.3
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    # with one BLAS thread, as `python -m scalinglaws` sets it (OpenBLAS starts a thread per core)
    "python -c 'import numpy'": [
        sys.executable,
        "-c",
        "import os; os.environ['OPENBLAS_NUM_THREADS'] = '1'; import numpy",
    ],
    "optimal --flops 1e22": [sys.executable, "-m", "scalinglaws", "optimal", "--flops", "1e22"],
}


def cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU seconds of one run of ``cmd`` as a child process."""
    before = os.times()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--repeats", type=at_least(1), default=7, help="runs of each command (default 7)"
    )
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for _ in range(args.repeats):
        for label, cmd in COMMANDS.items():
            times[label].append(cpu_seconds(cmd))
    med = {k: statistics.median(v) for k, v in times.items()}
    for label, v in times.items():
        print(f"  {label:<28} CPU {min(v):.3f} / {med[label]:.3f} / {max(v):.3f} s "
              f"(min / median / max of {args.repeats})")  # fmt: skip
    opt, numpy_only = med["optimal --flops 1e22"], med["python -c 'import numpy'"]
    print(f"  optimal / importing numpy: {opt / numpy_only:.2f}x; "
          f"goal: optimal under {GOAL_S} s CPU: {'met' if opt < GOAL_S else 'not met'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
