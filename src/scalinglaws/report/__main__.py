"""``python -m scalinglaws.report`` (``make report``): write REPRODUCTION.md and README.md's
generated parts; ``--check`` exits 1 when either is stale."""

from __future__ import annotations

import argparse

from scalinglaws.core import paths
from scalinglaws.report.readme import render_readme
from scalinglaws.report.render import render, report_differences


def _write(target, text: str) -> None:
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.report")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if REPRODUCTION.md or README.md is stale"
    )
    args = parser.parse_args(argv)
    outputs = {
        paths.ROOT / "REPRODUCTION.md": render(),
        paths.ROOT / "README.md": render_readme((paths.ROOT / "README.md").read_text()),
    }
    if args.check:
        stale = [
            p.name
            for p, text in outputs.items()
            if not p.exists() or report_differences(p.read_text(), text)
        ]
        if stale:
            print(f"{', '.join(stale)} stale: run `make report`")
            return 1
        return 0
    for target, text in outputs.items():
        _write(target, text)
    print(
        next(x for x in outputs[paths.ROOT / "REPRODUCTION.md"].splitlines() if x.startswith("**"))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
