"""Every notebook, found from the package's figure families: clean sources, papermill runs that are
byte-identical on one machine and agree with the committed figures and tables on any machine, and
clean failures on bad parameters."""

from __future__ import annotations

import hashlib
import json
import subprocess

import papermill
import pytest

from scalinglaws.core import paths
from scalinglaws.figures import families
from scalinglaws.figures.style import LEGEND_WARNING
from scalinglaws.notebooks import default_parameters, execute, make_parameters, parameters_source
from scalinglaws.report import compare

STEMS = sorted(families())
NOTEBOOK_FILES = sorted(p.stem for p in paths.NOTEBOOKS.glob("*.ipynb"))


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _committed(name):
    """Where `make figures` keeps an output: tables in data/derived/, figures in figures/."""
    return (paths.DATA / "derived" if name.endswith(".csv") else paths.FIGURES) / name


def _committed_copy(name, folder):
    """The committed version of an output (git's HEAD; `make figures` may have rewritten the working
    copy), written into ``folder``; None where it is not committed."""
    rel = _committed(name).relative_to(paths.ROOT)
    try:
        blob = subprocess.run(["git", "-C", str(paths.ROOT), "show", f"HEAD:{rel}"],
                              capture_output=True, check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        if not (paths.ROOT / ".git").exists() and _committed(name).is_file():
            return _committed(name)  # a copy without git history: the files as they are
        return None
    out = folder / name
    out.write_bytes(blob)
    return out


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


def _newest_input() -> float:
    files = [*paths.ROOT.joinpath("src").rglob("*.py"), *paths.NOTEBOOKS.rglob("*"),
             *(p for p in paths.DATA.rglob("*") if "derived" not in p.parts)]  # fmt: skip
    return max(p.stat().st_mtime for p in files if p.is_file())


def _outputs(stem, tmp_path_factory):
    """What the notebook writes with `make figures`' parameters: build/staging/<stem>/ where
    `make figures` left it and it is newer than every input (`make test` runs `make figures`
    first, so each notebook executes once), else a fresh run into a temporary folder."""
    staged = paths.ROOT / "build" / "staging" / stem
    stamp = paths.ROOT / "build" / "stamps" / f"{stem}.done"
    if stamp.is_file() and staged.is_dir() and stamp.stat().st_mtime >= _newest_input():
        return staged
    base = tmp_path_factory.mktemp(stem)
    execute(stem, base / "run0.ipynb", **{**make_parameters(stem), "output_dir": str(base / "out")})
    return base / "out"


# The cheapest notebook that writes PNG, PDF and CSV through plotting.save_figure/save_table is run
# a second time: two runs on one machine must give byte-identical files. (Every notebook draws and
# saves through the same two functions, so one stands for all.)
DETERMINISM_STEM = "06_excess_compute_steps"


@pytest.mark.notebook
def test_notebook_figures_are_deterministic(tmp_path, tmp_path_factory):
    """Run with `make figures`' parameters twice on one machine: byte-identical PNG and PDF."""
    first = _outputs(DETERMINISM_STEM, tmp_path_factory)
    second = tmp_path / "out"
    execute(DETERMINISM_STEM, tmp_path / "run1.ipynb",
            **{**make_parameters(DETERMINISM_STEM), "output_dir": str(second)})  # fmt: skip
    assert _digests(first), f"{DETERMINISM_STEM} wrote no figure"
    assert _digests(first) == _digests(second), "outputs differ between two identical runs"


@pytest.mark.notebook
@pytest.mark.parametrize("stem", [pytest.param(s, marks=pytest.mark.xdist_group(s)) for s in STEMS])
def test_notebook_figures_match_committed(stem, tmp_path, tmp_path_factory):
    """What the notebook writes now agrees with the committed figures/ and data/derived/ on any CPU
    and Python: PNGs by image difference, tables number by number (scalinglaws.report.compare)."""
    out = _outputs(stem, tmp_path_factory)
    names = sorted(p.name for p in out.iterdir())
    assert names, f"{stem} wrote nothing"
    problems = []
    for name in names:
        committed = _committed_copy(name, tmp_path)
        if committed is None:
            problems.append(f"{name}: not committed")
            continue
        try:
            if name.endswith(".png"):
                compare.check_png(committed, out / name)
            elif name.endswith(".csv"):
                compare.check_table(committed, out / name)
        except compare.Mismatch as err:
            problems.append(str(err))
    # no legend covers data: save_figure prints what still does into the executed notebook
    executed = (paths.ROOT / "build" / "executed" / f"{stem}.ipynb"
                if out.name == stem else out.parent / "run0.ipynb")  # fmt: skip
    problems += [line.strip() for line in executed.read_text().replace("\\n", "\n").splitlines()
                 if LEGEND_WARNING in line]  # fmt: skip
    assert not problems, (
        f"{stem}: what it writes now differs from the committed outputs:\n"
        + "\n".join(problems)
        + "\n"
        + compare.ADVICE
    )


def _first_bad_value(stem):
    """An out-of-range value for the notebook's first declared parameter."""
    from tests.test_params import _bad_values

    param = families()[stem].PARAMETERS.all_params[0]
    return param.name, _bad_values(param)[-1]


# One notebook is fed its bad value in a kernel, end to end; every notebook validates its parameters
# in the cell after the parameters cell, before it computes or saves anything (checked below), so for
# the others the same call is made without a kernel.
KERNEL_STEM = "02_steps"


@pytest.mark.notebook
@pytest.mark.badinput
def test_bad_parameter_fails_cleanly_in_a_kernel(tmp_path):
    name, value = _first_bad_value(KERNEL_STEM)
    out = tmp_path / "figs"
    with pytest.raises(papermill.PapermillExecutionError) as err:
        execute(KERNEL_STEM, tmp_path / "bad.ipynb", **{name: value, "output_dir": str(out)})
    assert "ParameterError" in str(err.value) and f"parameter '{name}" in str(err.value)
    assert not out.exists() or not any(out.iterdir()), "a failed run wrote figures"
    # papermill keeps the executed copy with its error banner
    assert "papermill-error-cell-tag" in (tmp_path / "bad.ipynb").read_text()


@pytest.mark.parametrize("stem", STEMS)
def test_parameters_are_validated_before_anything_is_computed(stem):
    """The first code cell after the parameters cell validates them, before any other call."""
    nb = json.loads((paths.NOTEBOOKS / f"{stem}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tags = [c.get("metadata", {}).get("tags", []) for c in code]
    i = next(k for k, t in enumerate(tags) if "parameters" in t)
    src = "".join(code[i + 1]["source"])
    call = f'p = SPECS["{stem}"].validate(globals())'
    assert call in src, f"{stem}: the cell after the parameters cell does not validate them"
    before = src[: src.index(call)]
    assert all(line.startswith(("from ", "import ", " ", ")", "#")) or not line.strip()
               for line in before.splitlines()), f"{stem}: code runs before validation"  # fmt: skip


@pytest.mark.parametrize("stem", [s for s in STEMS if s != KERNEL_STEM])
@pytest.mark.badinput
def test_bad_parameter_is_refused_by_the_notebooks_validation(stem):
    from scalinglaws.core.params import ParameterError
    from scalinglaws.notebooks import SPECS

    name, value = _first_bad_value(stem)
    with pytest.raises(ParameterError, match=f"parameter '{name}"):
        SPECS[stem].validate({**default_parameters(stem), name: value})
