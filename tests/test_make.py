"""`make figures` as a user runs it: a failing notebook or an interrupted run changes no figure.

Each test works on a copy of the repository's notebooks, Makefile and figures in a temporary folder
(modification times kept), reusing the project's .venv, so the real figures/ is never touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scalinglaws.core import paths

pytestmark = pytest.mark.notebook
VENV_BIN = Path(sys.executable).parent
STEM = "06_excess_compute_steps"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def copy(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("GNU make is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy2(paths.ROOT / name, root / name)
    for name in ("notebooks", "figures", "src"):
        shutil.copytree(paths.ROOT / name, root / name, copy_function=shutil.copy2)
    return root


def _make(root: Path, *targets: str, **popen) -> subprocess.Popen:
    # The venv running these tests is installed and current: a fresh stamp newer than the copied
    # (mtime-preserving) lock and pyproject.toml tells make so.
    stamp = root / "venv-installed.stamp"
    stamp.touch()
    return subprocess.Popen(
        ["make", "--no-print-directory", f"BIN={VENV_BIN}", f"STAMP={stamp}", *targets],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **popen,
    )


@pytest.mark.badinput
def test_failing_notebook_fails_make_and_changes_no_figure(copy):
    before = _digests(copy / "figures")
    (copy / "notebooks" / "params").mkdir(exist_ok=True)
    (copy / "notebooks" / "params" / f"{STEM}.yaml").write_text("formats: [bmp]\n")
    proc = _make(copy, f"build/stamps/{STEM}.done")
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode != 0
    assert (
        "parameter 'formats' must be a non-empty list drawn from png, pdf, svg, got ['bmp']" in out
    )
    assert f"notebooks/{STEM}.ipynb failed" in out
    assert _digests(copy / "figures") == before
    executed = (copy / "build" / "executed" / f"{STEM}.ipynb").read_text()
    assert "papermill-error-cell-tag" in executed  # the executed copy keeps papermill's banner
    assert not (copy / "build" / "stamps" / f"{STEM}.done").exists()


@pytest.mark.badinput
def test_interrupted_run_leaves_no_partial_figure_and_next_run_completes(copy):
    before = _digests(copy / "figures")
    (copy / "figures" / "kaplan2020_fig12.png").unlink()  # so the rerun has something to restore
    before_kill = _digests(copy / "figures")
    proc = _make(copy, f"build/stamps/{STEM}.done")
    deadline = time.monotonic() + 120
    while not (copy / "build" / "staging" / STEM).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # papermill is starting the kernel or running cells
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert _digests(copy / "figures") == before_kill  # nothing half-written, nothing replaced
    assert not list((copy / "figures").glob(".*.tmp"))
    assert not (copy / "build" / "stamps" / f"{STEM}.done").exists()
    rerun = _make(copy, f"build/stamps/{STEM}.done")
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    assert _digests(copy / "figures") == before  # the next run restores exactly the same files


@pytest.mark.badinput
def test_running_a_notebook_that_does_not_exist_names_it_and_writes_nothing(copy):
    proc = subprocess.run([sys.executable, "-m", "scalinglaws.notebooks", "run", "nosuch"],
                          cwd=copy, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 1
    assert "notebooks/nosuch.ipynb failed" in proc.stdout and "No such file" in proc.stdout
    assert not (copy / "build" / "stamps" / "nosuch.done").exists()
    assert not (copy / "figures" / "nosuch.png").exists()
