"""The repository's own files: lock and conda pins agree, CITATION.cff is valid, README maps figures."""

import importlib.util
import json
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from scalinglaws.core import paths
from scalinglaws.figures import families

sys.path.insert(0, str(paths.ROOT / "tools"))
import lockfiles  # noqa: E402


def test_environment_yml_agrees_with_lock():
    assert lockfiles.differences() == []


def test_lock_pins_everything_exactly():
    pins = lockfiles.lock_pins()
    for name in lockfiles.direct():
        assert lockfiles._norm(name) in pins, f"requirements.lock lacks {name}"
    assert "torch" not in pins, "the figures environment must not need torch"
    runs = lockfiles.lock_pins("requirements-runs.lock")
    assert runs["torch"] == "2.13.0"  # the CPU build on these machines; newer pulls CUDA wheels
    assert not set(runs) & set(pins), "requirements-runs.lock repeats pins of requirements.lock"
    extra = (paths.ROOT / "pyproject.toml").read_text()
    assert 'runs = ["torch==2.13.0"]' in extra, "the runs extra and its lock disagree"


def test_lock_check_catches_a_difference(tmp_path, monkeypatch):
    (tmp_path / "requirements.in").write_text("numpy\n")
    (tmp_path / "requirements.lock").write_text("numpy==2.0.0\n")
    (tmp_path / "environment.yml").write_text(
        "dependencies:\n  - python=3.11\n  - pip:\n      - numpy==1.0\n"
    )
    monkeypatch.setattr(lockfiles, "ROOT", tmp_path)
    assert lockfiles.differences() == ["numpy: environment.yml 1.0 != requirements.lock 2.0.0"]


def _cff_schema():
    spec = importlib.util.find_spec("cffconvert")  # located, not imported: only its schema is used
    assert spec is not None, "cffconvert (pinned in requirements.lock) is not installed"
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "schemas" / "1.2.0" / "schema.json").read_text())


def test_citation_cff_is_valid():
    cff = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text())
    jsonschema.validate(cff, _cff_schema())
    titles = " ".join(ref["title"] for ref in cff["references"])
    for title in (
        "Scaling Laws for Neural Language Models",
        "Training Compute-Optimal",
        "Chinchilla Scaling: A replication attempt",
    ):
        assert title in titles


@pytest.mark.badinput
def test_citation_schema_rejects_a_broken_file():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cff-version": "1.2.0", "title": "x"}, _cff_schema())


def test_readme_maps_every_notebook_and_figure():
    readme = (paths.ROOT / "README.md").read_text()
    for stem in families():
        assert f"notebooks/{stem}.ipynb" in readme, f"README lacks notebooks/{stem}.ipynb"
    for png in sorted(paths.FIGURES.glob("*.png")):
        assert f"figures/{png.name}" in readme, f"README gallery lacks figures/{png.name}"
    assert "make figures" in readme and "make test" in readme


def test_licence_files():
    assert "MIT License" in (paths.ROOT / "LICENSE").read_text()
    assert "CC-BY-4.0" in (paths.ROOT / "README.md").read_text()


def test_make_figures_order_lists_every_notebook_once():
    """scalinglaws.notebooks.LONGEST schedules the notebooks the longest first; one missing would
    run last, the worst place for a long one."""
    from scalinglaws.core import paths
    from scalinglaws.notebooks import LONGEST

    assert sorted(LONGEST) == sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))
