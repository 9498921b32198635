"""The smoke plan end to end through the command line, killed once and resumed; the loader."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")

from scalinglaws.core import paths  # noqa: E402
from scalinglaws.datasets import measured

SMOKE = paths.DATA / "runs" / "plans" / "smoke.json"


def _cli(*args):
    return [sys.executable, "-m", "scalinglaws.training", "sweep", "--plan", str(SMOKE), *args]


def test_smoke_plan_killed_and_resumed_end_to_end(tmp_path):
    results = tmp_path / "results"
    n_runs = len(json.loads(SMOKE.read_text()))
    # First attempt, one worker: killed (SIGKILL, no clean-up) once the first run is written.
    proc = subprocess.Popen(
        _cli("--results", str(results), "--workers", "1", "--no-progress"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not list(results.glob("*.json")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")}
    assert 1 <= len(before) < n_runs
    # Resume with the default 2 worker processes: only the missing runs are trained.
    out = subprocess.run(
        _cli("--results", str(results), "--no-progress"),
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert out.returncode == 0, out.stderr
    assert f"{n_runs - len(before)} to do" in out.stdout
    files = sorted(results.glob("*.json"))
    assert len(files) == n_runs
    assert {p.name: p.stat().st_mtime_ns for p in files if p.name in before} == before
    left = [p for p in results.iterdir() if p.suffix != ".json" and p.name != ".checkpoints"]
    assert not left  # no temporary files
    assert not list((results / ".checkpoints").glob("*.pt"))  # finished runs leave no checkpoint

    runs = measured.load_runs(results)
    assert list(runs.columns) == measured.RUN_COLUMNS and len(runs) == n_runs
    assert set(runs["corpus"]) == {"prose", "code-sympy"} and (runs["status"] == "finished").all()
    assert (runs["loss_nats"] < 5.545).all()  # below ln 256: every run learned something
    assert (runs["flops"] == runs["tokens"] * runs["flops_per_token"]).all()
    curves = measured.load_curves(results)
    assert list(curves.columns) == measured.CURVE_COLUMNS
    assert curves.groupby("run_id")["step"].is_monotonic_increasing.all()
    r = json.loads(files[0].read_text())
    assert r["threads"] == 1 and r["versions"]["torch"] and r["config"]["study"] == "smoke"


def test_loaders_return_empty_frames_without_results(tmp_path):
    assert measured.load_runs(tmp_path).empty
    assert list(measured.load_runs(tmp_path / "missing").columns) == measured.RUN_COLUMNS
    assert list(measured.load_curves(tmp_path).columns) == measured.CURVE_COLUMNS


@pytest.mark.badinput
def test_bad_plan_on_the_command_line_names_the_field(tmp_path):
    plan = tmp_path / "bad.json"
    entry = {"study": "x", "corpus": "prose", "n_layer": 1, "d_model": 16, "n_head": 1}
    plan.write_text(json.dumps([{**entry, "flops": -1.0}]))
    out = subprocess.run(
        [sys.executable, "-m", "scalinglaws.training", "sweep", "--plan", str(plan)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "run 0" in out.stderr and "'flops'" in out.stderr and Path(plan).name in out.stderr
