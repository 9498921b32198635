"""The console examples of README.md and docs/*.md are what the program prints: run them and compare.

    python tools/console_examples.py          # exit 1 naming each example whose output differs
    python tools/console_examples.py --write  # rewrite each example's output from a fresh run

An example is a ```console block: lines starting with ``$ python -m scalinglaws`` are commands, the
lines after each up to the next command are its output. A line ``...`` ends the shown output early:
only the lines above it are compared. A command shown with no output must still exit 0.
``tests/test_docs.py`` runs the check in ``make test``, so an example cannot go stale.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("README.md", "docs/*.md")
BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
PREFIX = "$ python -m scalinglaws"


@dataclass
class Example:
    path: Path
    command: str  # without the leading "$ "
    shown: list[str]  # the output lines shown (up to "..." if present)
    truncated: bool
    start: int  # character offsets of the shown output in the file
    end: int


def examples(path: Path) -> list[Example]:
    text = path.read_text()
    out = []
    for block in BLOCK.finditer(text):
        body, base = block.group(1), block.start(1)
        lines = body.splitlines(keepends=True)
        offset = base
        current = None
        for line in lines:
            if line.startswith("$ "):
                if current:
                    out.append(current)
                current = None
                if line.startswith(PREFIX):
                    start = offset + len(line)
                    current = Example(path, line[2:].strip(), [], False, start, start)
            elif current is not None and not current.truncated:
                if line.rstrip("\n") == "...":
                    current.truncated = True
                else:
                    current.shown.append(line.rstrip("\n"))
                    current.end = offset + len(line)
            offset += len(line)
        if current:
            out.append(current)
    return out


def run(command: str) -> tuple[int, list[str]]:
    argv = shlex.split(command)
    argv[0] = sys.executable
    env = {**os.environ, "COLUMNS": "100"}
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)
    return proc.returncode, (proc.stdout + proc.stderr).rstrip("\n").splitlines()


def check(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        for ex in examples(path):
            rc, printed = run(ex.command)
            shown_path = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            where = f"{shown_path}: $ {ex.command}"
            if rc != 0:
                problems.append(f"{where}: exit {rc}\n  " + "\n  ".join(printed[-5:]))
                continue
            want = printed[: len(ex.shown)] if ex.truncated else printed
            if ex.shown and ex.shown != want:
                diff = [f"  shown:   {a!r}\n  printed: {b!r}"
                        for a, b in zip(ex.shown, want, strict=False) if a != b]  # fmt: skip
                if len(ex.shown) != len(want):
                    diff.append(f"  {len(ex.shown)} lines shown, {len(want)} printed")
                problems.append(f"{where}: output differs\n" + "\n".join(diff[:5]))
    return problems


def write(paths: list[Path]) -> None:
    for path in paths:
        text = path.read_text()
        for ex in sorted(examples(path), key=lambda e: -e.start):
            if not ex.shown:
                continue
            _, printed = run(ex.command)
            keep = printed[: len(ex.shown)] if ex.truncated else printed
            text = text[: ex.start] + "".join(f"{line}\n" for line in keep) + text[ex.end :]
        path.write_text(text)


def files() -> list[Path]:
    return sorted({p for pattern in FILES for p in ROOT.glob(pattern)})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite the shown outputs")
    args = ap.parse_args(argv)
    if args.write:
        write(files())
        return 0
    problems = check(files())
    for p in problems:
        print(p)
    n = sum(len(examples(p)) for p in files())
    print(f"{n} console examples checked, {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
