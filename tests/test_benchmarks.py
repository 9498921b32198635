"""The benchmarks' flags: a bad value exits 2 with one line naming the flag, the value and the
accepted range or choices, before anything is timed."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.badinput


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""  # nothing measured, nothing printed
    return proc.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "flag, value, accepted",
    [
        ("--threads", "0", "an integer >= 1"),
        ("--seconds", "-1", "a number >= 0.1"),
        ("--seconds", "nan", "a number >= 0.1"),
        ("--stack", "1", "an integer >= 2"),
        ("--steps", "2.5", "an integer >= 1"),
    ],
)
def test_bench_runs_rejects_out_of_range(flag, value, accepted):
    pytest.importorskip("torch")
    line = error_line(run("bench_runs.py", flag, value))
    assert f"argument {flag}: must be {accepted}, got '{value}'" in line


def test_bench_runs_rejects_unknown_compile_mode():
    pytest.importorskip("torch")
    line = error_line(run("bench_runs.py", "--compile", "--compile-mode", "fastest"))
    assert "argument --compile-mode: invalid choice: 'fastest'" in line
    for mode in ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"):
        assert mode in line


@pytest.mark.parametrize("flag", ["--sample", "--repeats", "--reference-every"])
def test_bench_fitting_rejects_out_of_range(flag):
    line = error_line(run("bench_fitting.py", flag, "0"))
    assert f"argument {flag}: must be an integer >= 1, got '0'" in line


@pytest.mark.parametrize("value", ["0", "two"])
def test_bench_figures_rejects_out_of_range(value):
    line = error_line(run("bench_figures.py", "--jobs", value))
    assert "--jobs" in line and "must be an integer >= 1" in line and repr(value) in line


@pytest.mark.parametrize("value", ["0", "1.5"])
def test_bench_cli_rejects_out_of_range(value):
    line = error_line(run("bench_cli.py", "--repeats", value))
    assert f"argument --repeats: must be an integer >= 1, got {value!r}" in line
