"""Running the notebooks: `make figures` (``python -m scalinglaws.notebooks``), the tests, and
anyone who wants to run a notebook from Python. Their parameters are
:mod:`scalinglaws.analysis.parameters` (re-exported here).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from scalinglaws.analysis.parameters import (  # noqa: F401  (re-exported for the tests and readers)
    SPECS,
    check_override,
    default_parameters,
    make_parameters,
    notebook_path,
    parameters_source,
)
from scalinglaws.core.params import (
    ParameterError,
)


def _ipc_kernel_manager(folder: str):
    """A kernel manager class whose kernels talk over unix sockets in ``folder`` (IPC transport),
    so kernels started side by side never compete for TCP ports."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

    return IPCKernelManager


def execute(stem: str, executed: Path, *, source: Path | None = None, **parameters) -> Path:
    """Run notebook ``stem`` (or the notebook file ``source``) headlessly with papermill into
    ``executed`` (an .ipynb path), in its folder, its kernel on the IPC transport in a private
    socket folder."""
    import papermill

    source = Path(source or notebook_path(stem))
    folder = tempfile.mkdtemp(prefix="sl-kernel-")
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            cwd=str(source.resolve().parent),
            progress_bar=False,
            kernel_name="python3",
            kernel_manager_class=_ipc_kernel_manager(folder),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return executed


# The notebooks by their time (seconds on 2 cores, `python benchmarks/bench_figures.py`: 08 27, 03 12,
# 09 10, 11 10, 05 10, 10 10, 04 7, 07 6, 02 5, 01 5, 06 3), the longest first: each of NPROC workers
# takes the next when it is free, so the short ones fill in at the end and the workers finish close
# together. A notebook missing here runs last.
LONGEST = (
    "08_cross_study",
    "03_isoflop",
    "09_study_v2",
    "11_study_v3",
    "05_c4_github",
    "10_ladder",
    "04_envelope",
    "07_calculator",
    "02_steps",
    "01_compute_budget",
    "06_excess_compute_steps",
)


def schedule(stems) -> list[str]:
    """``stems`` in `make figures`' order: those in :data:`LONGEST` as listed, any other last."""
    return [s for s in LONGEST if s in stems] + [s for s in stems if s not in LONGEST]


def _publish(staging: Path) -> None:
    """Copy a successful run's outputs into the committed folders, each by a rename: tables into
    data/derived/, figures into figures/ (relative to the working directory, as make runs)."""
    for f in sorted(staging.iterdir()):
        dest = Path("data/derived" if f.suffix == ".csv" else "figures")
        dest.mkdir(parents=True, exist_ok=True)
        tmp = dest / f".{f.name}.tmp"
        shutil.copyfile(f, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest / f.name)


def run_one(stem: str) -> bool:
    """What `make figures` does for one notebook, in the repository it runs from: execute
    notebooks/<stem>.ipynb with `make figures`' parameters into build/executed/, its outputs into
    build/staging/<stem>/ (kept: the tests compare them with the committed ones), then, only if it
    succeeded, publish them (:func:`_publish`) and touch build/stamps/<stem>.done. A failure
    leaves figures/ and data/derived/ unchanged and the executed copy with papermill's banner."""
    import time

    import papermill

    source = Path("notebooks") / f"{stem}.ipynb"
    staging, executed = Path("build/staging") / stem, Path("build/executed") / f"{stem}.ipynb"
    stamp = Path("build/stamps") / f"{stem}.done"
    stamp.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    for d in (staging, executed.parent, stamp.parent):
        d.mkdir(parents=True, exist_ok=True)
    print(f"{source}", flush=True)
    start = time.perf_counter()
    try:
        params = make_parameters(stem, source)
        execute(stem, executed, source=source, **{**params, "output_dir": str(staging.resolve())})
    except (ParameterError, ValueError, OSError) as err:
        print(f"{source} failed: {err}; figures/ unchanged", flush=True)
        return False
    except papermill.PapermillExecutionError as err:
        print(
            f"{source} failed: {err.ename}: {err.evalue}\n  see {executed}; figures/ unchanged",
            flush=True,
        )
        return False
    _publish(staging)
    stamp.touch()
    print(f"{source}: done in {time.perf_counter() - start:.1f} s", flush=True)
    return True


def run_many(stems: list[str], jobs: int) -> bool:
    """:func:`run_one` for each stem, ``jobs`` at a time, the longest first; True if all succeed.

    Processes, not threads: papermill runs each notebook inside ``os.chdir`` to its folder, and
    the working directory is shared by a process's threads, so two notebooks run by threads could
    restore each other's directory in the wrong order (a later relative path then misses)."""
    from concurrent.futures import ProcessPoolExecutor

    order = schedule(stems)
    if jobs <= 1 or len(order) == 1:
        return all([run_one(s) for s in order])
    with ProcessPoolExecutor(min(jobs, len(order))) as pool:
        return all(list(pool.map(run_one, order)))


def main(argv: list[str] | None = None) -> int:
    """``python -m scalinglaws.notebooks run [--jobs N] STEM ...`` (what `make figures` runs, from
    the repository's root): each notebook with `make figures`' parameters (:func:`run_one`); exit 1
    if any failed. ``check STEM FILE``: exit 2 naming the first name in parameters FILE that
    notebook STEM does not declare."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m scalinglaws.notebooks")
    sub = ap.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="execute notebooks with `make figures`' parameters")
    run.add_argument("--jobs", type=int, default=1, help="notebooks at a time")
    run.add_argument("stems", nargs="+", help="notebook names (stems), or build/stamps/<stem>.done")
    check = sub.add_parser("check", help="check a parameters file against a notebook's parameters")
    check.add_argument("stem")
    check.add_argument("params_file", type=Path)
    args = ap.parse_args(argv)
    if args.verb == "check":
        try:
            check_override(args.stem, args.params_file)
        except ParameterError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        return 0
    stems = [Path(s).name.removesuffix(".done") for s in args.stems]
    return 0 if run_many(stems, args.jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
