"""Each notebook's parameters, as data: the science knobs (each range stated here once or in the
analysis function that checks it), the notebook's parameters cell, and the parameters `make
figures` runs it with (defaults, then ``notebooks/params/<stem>.yaml``).

Used by the figure catalogue, the derived tables (which compute what the notebooks print with the
same parameters), the tests (every notebook fed bad parameters without a list to maintain) and
:mod:`scalinglaws.notebooks` (execution).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from scalinglaws.analysis import c4_github, envelope
from scalinglaws.analysis.calculator import LAW_CHOICES
from scalinglaws.core import paths
from scalinglaws.core.params import (
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
            ],
        ),
        ParameterSpec("04_envelope", [_N_BOOTSTRAP, _SEED, envelope.N_SIZES, envelope.MIN_SIZES]),
        ParameterSpec(
            "05_c4_github",
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
        ParameterSpec("06_excess_compute_steps"),
        ParameterSpec(
            "07_calculator",
            [
                Real("flops", lo=FLOPS_RANGE[0], hi=FLOPS_RANGE[1], doc="training budget C, FLOPs"),
                Choice("law", options=LAW_CHOICES, doc="the law to show, or all"),
                Text("user_fit", doc="JSON fit saved by `scalinglaws fit --json` ('' for none)"),
                _N_BOOTSTRAP,
                _SEED,
            ],
        ),
        ParameterSpec("08_cross_study", [_N_BOOTSTRAP, _SEED]),
        ParameterSpec("09_study_v2", [_N_BOOTSTRAP, _SEED]),
        ParameterSpec("10_ladder", [_N_BOOTSTRAP, _SEED]),
        ParameterSpec("11_study_v3", [_N_BOOTSTRAP, _SEED]),
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
