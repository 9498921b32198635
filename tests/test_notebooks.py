"""Every notebook, found from the package's figure families: clean sources, papermill runs that are
byte-identical on one machine and agree with the committed figures and tables on any machine, and
clean failures on bad parameters."""

from __future__ import annotations

import hashlib
import json

import papermill
import pytest

from scalinglaws import compare, paths
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


_FIRST_RUN: dict[str, object] = {}


def _first_run(stem, tmp_path_factory):
    """The notebook run once with `make figures`' parameters (cached per test worker)."""
    if stem not in _FIRST_RUN:
        base = tmp_path_factory.mktemp(stem)
        execute(
            stem, base / "run0.ipynb", **{**make_parameters(stem), "output_dir": str(base / "out")}
        )
        _FIRST_RUN[stem] = base / "out"
    return _FIRST_RUN[stem]


@pytest.mark.notebook
@pytest.mark.parametrize("stem", [pytest.param(s, marks=pytest.mark.xdist_group(s)) for s in STEMS])
def test_notebook_figures_are_deterministic(stem, tmp_path, tmp_path_factory):
    """Run with `make figures`' parameters twice on one machine: byte-identical PNG, PDF and CSV."""
    first = _first_run(stem, tmp_path_factory)
    second = tmp_path / "out"
    execute(stem, tmp_path / "run1.ipynb", **{**make_parameters(stem), "output_dir": str(second)})
    assert _digests(first), f"{stem} wrote no figure"
    assert _digests(first) == _digests(second), f"{stem}: outputs differ between two identical runs"


@pytest.mark.notebook
@pytest.mark.parametrize("stem", [pytest.param(s, marks=pytest.mark.xdist_group(s)) for s in STEMS])
def test_notebook_figures_match_committed(stem, tmp_path_factory):
    """What the notebook writes now agrees with figures/ and data/derived/ on any CPU and Python:
    PNGs by image difference, tables numerically (tolerances in scalinglaws.compare); PDFs exist."""
    out = _first_run(stem, tmp_path_factory)
    names = sorted(p.name for p in out.iterdir())
    missing = [n for n in names if not _committed(n).is_file()]
    assert not missing, f"{stem}: {missing} not committed: run `make figures`"
    problems = []
    for name in names:
        try:
            if name.endswith(".png"):
                compare.check_png(_committed(name), out / name)
            elif name.endswith(".csv"):
                compare.check_table(_committed(name), out / name)
        except compare.Mismatch as err:
            problems.append(str(err))
    assert not problems, f"{stem}: committed outputs are stale (run `make figures`):\n" + "\n".join(
        problems
    )


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
