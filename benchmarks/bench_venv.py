"""A fresh environment as `make figures` builds it: ``python -m venv``, then the pinned lock
(``requirements.lock``) installed by uv, then the package itself, into a temporary folder; the
wall time of each step and the folder's size on disk (torch, which only the training verbs need,
is not in it). uv's download cache is used as it is on this machine, so a first run ever downloads
more; the time is then the network's.

This is what README's "a fresh .venv takes about ... s and ... MB" quotes.

Run: ``make bench`` (or ``python benchmarks/bench_venv.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def size_mb(folder: Path) -> float:
    """Bytes of every file below ``folder`` (links not followed), in MB (1e6 bytes)."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total / 1e6


def main() -> int:
    lock = (ROOT / "requirements.lock").read_text()
    uv_pin = re.search(r"^uv==\S+", lock, re.M)
    with tempfile.TemporaryDirectory(prefix="bench-venv-") as tmp:
        venv = Path(tmp) / ".venv"
        py = venv / "bin" / "python"
        steps = {
            "python -m venv": [sys.executable, "-m", "venv", str(venv)],
            "uv (pinned)": [str(py), "-m", "pip", "install", "-q", uv_pin.group(0)],
            "the lock, by uv": [str(venv / "bin" / "uv"), "pip", "install", "--quiet",
                                "--python", str(py), "--no-deps", "-r", str(ROOT / "requirements.lock")],
            "the package (editable)": [str(py), "-m", "pip", "install", "-q", "--no-deps",
                                       "--no-build-isolation", "-e", str(ROOT)],
        }  # fmt: skip
        total = 0.0
        for name, cmd in steps.items():
            t = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode:
                sys.exit(f"{name} failed:\n{done.stderr}")
            dt = time.perf_counter() - t
            total += dt
            print(f"  {name:<24}{dt:7.1f} s", flush=True)
        print(f"fresh .venv: {total:.0f} s, {size_mb(venv):.0f} MB on disk (without torch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
