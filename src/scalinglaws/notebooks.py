"""The notebooks as data: their parameters (science knobs only, each range stated here once or in
the analysis function that checks it), their parameters cells, the parameters `make figures` uses,
execution.

Used by the tests (every notebook is executed and fed bad parameters without a list to maintain)
and by anyone who wants to run a notebook from Python rather than from `make figures`.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from scalinglaws import paths
from scalinglaws.analysis import c4_github, envelope
from scalinglaws.analysis.calculator import LAW_CHOICES
from scalinglaws.params import (
    FLOPS_RANGE,
    Choice,
    Integer,
    Less,
    ParameterError,
    ParameterSpec,
    Real,
    Text,
)

_N_BOOTSTRAP = Integer("n_bootstrap", lo=0, hi=100_000, doc="bootstrap replicates (0: none)")
_SEED = Integer("seed", lo=0, hi=2**32 - 1, doc="seed of the bootstrap's numpy Generator")
_MIN_POINTS = Integer("min_points", lo=3, hi=50, doc="runs a budget needs for its parabola")

SPECS: dict[str, ParameterSpec] = {
    spec.notebook: spec
    for spec in (
        ParameterSpec("01_compute_budget"),
        ParameterSpec(
            "02_steps",
            [
                Real(
                    "target_loss", lo=1.0, hi=20.0, lo_open=True, doc="loss each size is timed to"
                ),
                Real("ratio_small", lo=1e2, hi=1e12, doc="smaller model of the token ratio"),
                Real("ratio_large", lo=1e2, hi=1e12, doc="larger model of the token ratio"),
            ],
            [Less("ratio_small", "ratio_large")],
        ),
        ParameterSpec(
            "03_isoflop",
            [
                _N_BOOTSTRAP,
                Text("runs", doc="a runs CSV (docs/runs-schema.md) or a registered data set name"),
                _SEED,
                Integer(
                    "n_exclude", lo=0, hi=100, doc="highest-loss points dropped (Besiroglu: 5)"
                ),
                Real("isoflop_tol", lo=0.005, hi=0.5, doc="log10-FLOPs distance to join a budget"),
                _MIN_POINTS,
                envelope.N_SIZES,
                envelope.MIN_SIZES,
            ],
        ),
        ParameterSpec(
            "04_c4_github",
            [
                _N_BOOTSTRAP,
                Text("runs", doc=f"{c4_github.MEASURED!r}, a runs CSV or a data set name"),
                Real(
                    "fraction",
                    lo=0.5,
                    hi=1.0,
                    hi_open=True,
                    doc="share of runs per replicate (runs with one seed a size)",
                ),
                _SEED,
                _MIN_POINTS,
                Choice("params_count", options=tuple(c4_github.PARAM_COLUMN), doc="which N"),
            ],
        ),
        ParameterSpec("05_excess_compute_steps"),
        ParameterSpec(
            "06_calculator",
            [
                Real("flops", lo=FLOPS_RANGE[0], hi=FLOPS_RANGE[1], doc="training budget C, FLOPs"),
                Choice("law", options=LAW_CHOICES, doc="the law to show, or all"),
                Text("user_fit", doc="JSON fit saved by `scalinglaws fit --json` ('' for none)"),
                _N_BOOTSTRAP,
                _SEED,
            ],
        ),
        ParameterSpec("07_cross_study", [_N_BOOTSTRAP, _SEED]),
        ParameterSpec("08_study_v3", [_N_BOOTSTRAP, _SEED]),
    )
}
"""Each notebook's papermill parameters besides ``formats`` and ``output_dir``: the science knobs
(data, bootstrap, seed, exclusions, tolerances, the question asked); axes belong to the figures."""


def notebook_path(stem: str) -> Path:
    """``notebooks/<stem>.ipynb``; a clear error lists the notebooks that exist."""
    path = paths.NOTEBOOKS / f"{stem}.ipynb"
    if not path.is_file():
        known = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
        raise ValueError(f"notebook must be one of {known}, got {stem!r}")
    return path


def parameters_source(stem: str, source: Path | None = None) -> str:
    """Source of the notebook's one code cell tagged ``parameters`` (papermill's convention);
    ``source``: the notebook file, default ``notebooks/<stem>.ipynb``."""
    nb = json.loads((source or notebook_path(stem)).read_text())
    cells = [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ValueError(
            f"notebook {stem} must have exactly one cell tagged 'parameters', has {len(cells)}"
        )
    src = cells[0]["source"]
    return "".join(src) if isinstance(src, list) else src


def default_parameters(stem: str, source: Path | None = None) -> dict:
    """The literal values the parameters cell assigns, as a dict."""
    out = {}
    for node in ast.parse(parameters_source(stem, source)).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def make_parameters(stem: str, source: Path | None = None) -> dict:
    """The parameters `make figures` runs the notebook with: defaults, then params/<stem>.yaml
    beside it (``source``: the notebook file, default ``notebooks/<stem>.ipynb``)."""
    source = source or notebook_path(stem)
    params = default_parameters(stem, source)
    override = source.parent / "params" / f"{stem}.yaml"
    if override.is_file():
        params.update(check_override(stem, override, source))
    return params


def check_override(stem: str, path: Path, source: Path | None = None) -> dict:
    """The values of a parameters file for notebook ``stem``; a :class:`ParameterError` naming
    the first name the notebook does not declare (papermill would inject it unused)."""
    import yaml

    given = yaml.safe_load(Path(path).read_text()) or {}
    declared = default_parameters(stem, source)
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ParameterError(
            f"{Path(path).name}: parameter {unknown[0]!r} is not one of notebook {stem}'s "
            f"parameters ({', '.join(declared)})"
        )
    return given


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


# the longest notebooks first, so that on 2 cores the short ones fill in beside them at the end
LONGEST = ("04_c4_github", "03_isoflop", "07_cross_study")


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

    order = [s for s in LONGEST if s in stems] + [s for s in stems if s not in LONGEST]
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
