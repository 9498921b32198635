"""Parameter validation: every bad value names the parameter, the value and the accepted range."""

import math

import pytest

from scalinglaws.core.params import (
    Choice,
    Formats,
    Integer,
    Less,
    ParameterError,
    ParameterSpec,
    Real,
    Text,
    check_int,
    check_real,
)
from scalinglaws.figures import families

SPEC = ParameterSpec(
    notebook="demo",
    params=[
        Real("ratio", lo=0.0, hi=1.0, lo_open=True),
        Integer("n_points", lo=10, hi=1000),
        Choice("law", options=("kaplan", "chinchilla")),
        Text("label"),
    ],
    constraints=[],
)
GOOD = dict(
    ratio=0.5,
    n_points=20,
    law="kaplan",
    label="x",
    formats=["png"],
    output_dir="",
)


def test_good_values_pass():
    p = SPEC.validate(GOOD)
    assert p.ratio == 0.5 and p.n_points == 20
    assert p.formats == ("png",)


@pytest.mark.parametrize(
    "name, value, pattern",
    [
        ("ratio", 0.0, r"parameter 'ratio' must be a number in \(0, 1\], got 0.0"),
        ("ratio", "0.5", r"parameter 'ratio' must be a number in \(0, 1\], got '0.5' \(str\)"),
        ("ratio", math.nan, r"parameter 'ratio' must be a number in \(0, 1\], got nan"),
        ("ratio", True, r"parameter 'ratio' must be a number"),
        ("n_points", -3, r"parameter 'n_points' must be an integer in \[10, 1000\], got -3"),
        ("n_points", 20.0, r"parameter 'n_points' must be an integer in \[10, 1000\], got 20.0"),
        ("law", "gpt", r"parameter 'law' must be one of 'kaplan', 'chinchilla', got 'gpt'"),
        ("label", 3, r"parameter 'label' must be a string"),
        (
            "formats",
            ["png", "jpg"],
            r"parameter 'formats' must be a non-empty list drawn from png, pdf, svg",
        ),
        ("formats", [], r"parameter 'formats' must be a non-empty list"),
        ("output_dir", 5, r"parameter 'output_dir' must be a folder path"),
    ],
)
@pytest.mark.badinput
def test_bad_values_name_parameter_and_range(name, value, pattern):
    with pytest.raises(ParameterError, match=pattern):
        SPEC.validate({**GOOD, name: value})


@pytest.mark.parametrize("name", list(GOOD))
@pytest.mark.badinput
def test_missing_and_none_are_named(name):
    with pytest.raises(ParameterError, match=rf"parameter '{name}' of notebook demo is missing"):
        SPEC.validate({k: v for k, v in GOOD.items() if k != name})
    with pytest.raises(ParameterError, match=rf"parameter '{name}' of notebook demo is None"):
        SPEC.validate({**GOOD, name: None})


@pytest.mark.badinput
def test_cross_parameter_constraint():
    spec = ParameterSpec("demo", [Real("a"), Real("b")], constraints=[Less("a", "b")])
    with pytest.raises(
        ParameterError, match=r"parameter 'a' must be less than 'b', got a=2.0 and b=1.0"
    ):
        spec.validate({"a": 2.0, "b": 1.0, "formats": ["png"], "output_dir": ""})


def test_formats_accepts_comma_string_and_dedups():
    assert Formats().check("png, pdf,png") == ("png", "pdf")


def test_plain_checks():
    assert check_real("x", 2, 1, 3) == 2.0
    assert check_int("k", 5, 0, 9) == 5
    with pytest.raises(
        ParameterError, match=r"parameter 'k' must be an integer in \[0, 9\], got 10"
    ):
        check_int("k", 10, 0, 9)


def _bad_values(param):
    """A wrong type and an out-of-range value for any declared parameter."""
    if isinstance(param, Real):
        out = (
            param.lo - 1
            if math.isfinite(param.lo)
            else (param.hi + 1 if math.isfinite(param.hi) else math.inf)
        )
        return ["not a number", out]
    if isinstance(param, Integer):
        return [1.5, param.lo - 1]
    if isinstance(param, Choice):
        return [3, "no-such-option"]
    if isinstance(param, Formats):
        return [3, ["gif"]]
    return [3]  # Text and output_dir: a wrong type


@pytest.mark.parametrize("stem", sorted(families()))
@pytest.mark.badinput
def test_every_notebook_parameter_rejects_bad_values(stem):
    """Each notebook parameter, given a wrong type or an out-of-range value, names itself."""
    from scalinglaws.notebooks import default_parameters

    spec = families()[stem].PARAMETERS
    good = default_parameters(stem)
    spec.validate(good)  # the notebook's own defaults are valid
    for param in spec.all_params:
        for bad in _bad_values(param):
            with pytest.raises(ParameterError, match=rf"parameter '{param.name}(\[\d+\])?'"):
                spec.validate({**good, param.name: bad})
        missing = {k: v for k, v in good.items() if k != param.name}
        with pytest.raises(ParameterError, match=rf"parameter '{param.name}' .* is missing"):
            spec.validate(missing)
        with pytest.raises(ParameterError, match=rf"parameter '{param.name}' .* is None"):
            spec.validate({**good, param.name: None})


def test_make_parameters_files_declare_only_notebook_parameters():
    from scalinglaws.core import paths
    from scalinglaws.notebooks import check_override

    for f in sorted((paths.NOTEBOOKS / "params").glob("*.yaml")):
        check_override(f.stem, f)


@pytest.mark.badinput
def test_a_parameters_file_with_an_undeclared_name_is_refused(tmp_path):
    """papermill injects any name it is given; a name the notebook does not declare would change
    nothing, so `make figures` refuses it before running the notebook (exit 2, named)."""
    import subprocess
    import sys

    bad = tmp_path / "05_c4_github.yaml"
    bad.write_text("flops_min: 1e18\n")
    proc = subprocess.run([sys.executable, "-m", "scalinglaws.notebooks", "check", "05_c4_github", str(bad)],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 2
    assert "parameter 'flops_min' is not one of notebook 05_c4_github's parameters" in proc.stderr


def test_make_parameters_are_the_defaults_then_the_params_file(tmp_path):
    """A notebook's parameters: the literals its tagged cell assigns, then the values of
    params/<stem>.yaml beside it where there is one; a name the notebook does not declare is
    refused naming the file, the name and the declared ones. For the committed notebooks: the
    defaults, updated by notebooks/params/<stem>.yaml as read here."""
    import json

    import yaml

    from scalinglaws.analysis import parameters
    from scalinglaws.core.paths import ROOT

    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
                     "source": "alpha = 1\nname = 'x'\n", "outputs": []}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    source = tmp_path / "nb.ipynb"
    source.write_text(json.dumps(nb))
    assert parameters.make_parameters("nb", source) == {"alpha": 1, "name": "x"}
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "nb.yaml").write_text("name: y\n")
    assert parameters.make_parameters("nb", source) == {"alpha": 1, "name": "y"}
    (tmp_path / "params" / "nb.yaml").write_text("name: y\nbeta: 2\n")
    with pytest.raises(
        ParameterError,
        match=r"^nb\.yaml: parameter 'beta' is not one of notebook nb's parameters \(alpha, name\)$",
    ):
        parameters.make_parameters("nb", source)
    for path in sorted((ROOT / "notebooks" / "params").glob("*.yaml")):
        stem = path.stem
        want = {**parameters.default_parameters(stem), **yaml.safe_load(path.read_text())}
        assert parameters.make_parameters(stem) == want, stem
