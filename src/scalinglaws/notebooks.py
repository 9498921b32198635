"""The notebooks as data: their parameters cells, the parameters `make figures` uses, execution.

Used by the tests (every notebook is executed and fed bad parameters without a list to maintain)
and by anyone who wants to run a notebook from Python rather than from `make figures`.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from scalinglaws import paths


def notebook_path(stem: str) -> Path:
    """``notebooks/<stem>.ipynb``; a clear error lists the notebooks that exist."""
    path = paths.NOTEBOOKS / f"{stem}.ipynb"
    if not path.is_file():
        known = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
        raise ValueError(f"notebook must be one of {known}, got {stem!r}")
    return path


def parameters_source(stem: str) -> str:
    """Source of the notebook's one code cell tagged ``parameters`` (papermill's convention)."""
    nb = json.loads(notebook_path(stem).read_text())
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


def default_parameters(stem: str) -> dict:
    """The literal values the parameters cell assigns, as a dict."""
    out = {}
    for node in ast.parse(parameters_source(stem)).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            out[node.targets[0].id] = ast.literal_eval(node.value)
    return out


def make_parameters(stem: str) -> dict:
    """The parameters `make figures` runs the notebook with: defaults, then notebooks/params/<stem>.yaml."""
    import yaml

    params = default_parameters(stem)
    override = paths.NOTEBOOKS / "params" / f"{stem}.yaml"
    if override.is_file():
        params.update(yaml.safe_load(override.read_text()) or {})
    return params


def execute(stem: str, executed: Path, **parameters) -> Path:
    """Run notebook ``stem`` headlessly with papermill into ``executed`` (an .ipynb path)."""
    import papermill

    papermill.execute_notebook(
        str(notebook_path(stem)),
        str(executed),
        parameters=parameters,
        cwd=str(paths.NOTEBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    return executed
