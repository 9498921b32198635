"""The figures environment under the other supported Pythons (3.11, 3.12, 3.13), built by the Makefile.

For each supported version other than the one running the tests, and present on this machine (on
PATH, or through pyenv), `make venv` builds a fresh venv from requirements.lock, which must hold no
torch; one notebook then runs in it and its figure must pass the cross-machine image comparison.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from scalinglaws.core import paths
from scalinglaws.report import compare

pytestmark = pytest.mark.notebook
STEM = "06_excess_compute_steps"  # the quickest notebook
OTHER = [m for m in (11, 12, 13) if (3, m) != sys.version_info[:2]]


def _interpreter(minor: int) -> tuple[str, dict] | None:
    """The python3.<minor> executable and the environment that makes it run (pyenv shims need
    PYENV_VERSION when the version is not the global one), or None where it is absent."""
    exe = shutil.which(f"python3.{minor}")
    if exe is None:
        return None
    tries = [{}]
    if shutil.which("pyenv"):
        bare = subprocess.run(
            ["pyenv", "versions", "--bare"], capture_output=True, text=True, check=False
        ).stdout.split()
        tries += [{"PYENV_VERSION": v} for v in bare if v.startswith(f"3.{minor}.")]
    for extra in tries:
        env = {**os.environ, **extra}
        probe = subprocess.run([exe, "-c", "pass"], env=env, capture_output=True, check=False)
        if probe.returncode == 0:
            return exe, env
    return None


@pytest.mark.parametrize("minor", OTHER, ids=lambda m: f"python3.{m}")
def test_figures_environment_and_one_notebook_under_another_python(minor, tmp_path):
    found = _interpreter(minor)
    if found is None:
        pytest.skip(f"python3.{minor} is not installed here")
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    exe, env = found
    venv = tmp_path / "venv"
    build = subprocess.run(
        ["make", "--no-print-directory", f"PYTHON={exe}", f"VENV={venv}", "venv"],
        cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    py = str(venv / "bin" / "python")
    version = subprocess.run(
        [py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert version == f"3.{minor}"
    no_torch = subprocess.run([py, "-c", "import torch"], capture_output=True, check=False)
    assert no_torch.returncode != 0, "the figures environment must not install torch"

    out = tmp_path / "out"
    run = (
        "from scalinglaws.notebooks import execute, make_parameters\n"
        f"execute({STEM!r}, {str(tmp_path / 'run.ipynb')!r},"
        f" **{{**make_parameters({STEM!r}), 'output_dir': {str(out)!r}}})\n"
    )
    done = subprocess.run(
        [py, "-c", run], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pngs = sorted(out.glob("*.png"))
    assert pngs, f"{STEM} wrote no figure under Python 3.{minor}"
    for png in pngs:
        compare.check_png(paths.FIGURES / png.name, png)


@pytest.mark.badinput
def test_an_unsupported_python_is_refused_by_name(tmp_path):
    """`make venv PYTHON=<not 3.11-3.13>` stops at once, naming PYTHON and the accepted versions,
    and creates no venv."""
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    venv = tmp_path / "venv"
    out = subprocess.run(
        ["make", "--no-print-directory", "PYTHON=/bin/false", f"VENV={venv}", "venv"],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert "PYTHON=/bin/false is not Python 3.11, 3.12 or 3.13" in out.stdout + out.stderr
    assert not venv.exists()
