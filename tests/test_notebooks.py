"""Every notebook, found from the package's figure families: clean sources, papermill runs,
byte-identical figures equal to the committed ones, and clean failures on bad parameters."""

from __future__ import annotations

import hashlib
import json

import papermill
import pytest

from scalinglaws import paths
from scalinglaws.figures import families
from scalinglaws.notebooks import default_parameters, execute, make_parameters, parameters_source

STEMS = sorted(families())
NOTEBOOK_FILES = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _committed(name):
    """Where `make figures` keeps an output: tables in data/derived/, figures in figures/."""
    return (paths.DATA / "derived" if name.endswith(".csv") else paths.FIGURES) / name


def test_every_notebook_has_a_family_module():
    assert NOTEBOOK_FILES == STEMS


@pytest.mark.parametrize("stem", NOTEBOOK_FILES)
def test_source_notebook_has_no_outputs(stem):
    nb = json.loads((paths.NOTEBOOKS / f"{stem}.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, stem


@pytest.mark.parametrize("stem", STEMS)
def test_parameters_cell_matches_spec(stem):
    """The parameters cell declares exactly the spec's parameters, each with a comment."""
    spec = families()[stem].PARAMETERS
    assert set(default_parameters(stem)) == {p.name for p in spec.all_params}
    for line in parameters_source(stem).splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line, f"{stem}: parameter line without a comment: {line!r}"


@pytest.mark.notebook
@pytest.mark.parametrize("stem", STEMS)
def test_notebook_figures_are_deterministic_and_committed(stem, tmp_path):
    """Run with `make figures`' parameters twice: byte-identical, and equal to figures/."""
    params = make_parameters(stem)
    runs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        execute(stem, tmp_path / f"run{i}.ipynb", **{**params, "output_dir": str(out)})
        runs.append(_digests(out))
    assert runs[0], f"{stem} wrote no figure"
    assert runs[0] == runs[1], f"{stem}: figures differ between two identical runs"
    committed = {
        name: hashlib.sha256(_committed(name).read_bytes()).hexdigest()
        for name in runs[0]
        if _committed(name).is_file()
    }
    assert set(committed) == set(runs[0]), (
        f"{stem}: figures or tables not committed: run `make figures`"
    )
    assert committed == runs[0], f"{stem}: committed figures are stale: run `make figures`"


def _first_bad_value(stem):
    """An out-of-range value for the notebook's first declared parameter."""
    from tests.test_params import _bad_values

    param = families()[stem].PARAMETERS.all_params[0]
    return param.name, _bad_values(param)[-1]


@pytest.mark.notebook
@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.badinput
def test_bad_parameter_fails_cleanly(stem, tmp_path):
    name, value = _first_bad_value(stem)
    out = tmp_path / "figs"
    with pytest.raises(papermill.PapermillExecutionError) as err:
        execute(stem, tmp_path / "bad.ipynb", **{name: value, "output_dir": str(out)})
    assert "ParameterError" in str(err.value) and f"parameter '{name}" in str(err.value)
    assert not out.exists() or not any(out.iterdir()), "a failed run wrote figures"
    # papermill keeps the executed copy with its error banner
    assert "papermill-error-cell-tag" in (tmp_path / "bad.ipynb").read_text()
