"""Command line of the measured-here study.

python -m scalinglaws.runs sweep --plan PATH [--results DIR] [--workers N] [--shard K/N]
                                 [--device cpu|cuda] [--max-flops C]
python -m scalinglaws.runs corpora [--write-manifest] [NAME ...]   build and verify the corpora
python -m scalinglaws.runs plans                        rewrite data/runs/plans/*.json
"""

from __future__ import annotations

import argparse
import sys

from scalinglaws.params import ParameterError, check_choice


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scalinglaws.runs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="run a plan's pending runs (resumable)")
    s.add_argument("--plan", required=True, help="JSON list of runs (data/runs/plans/*.json)")
    s.add_argument("--results", default=None, help="result folder (default data/runs/results/)")
    s.add_argument("--workers", type=int, default=2, help="worker processes, 1 thread each")
    s.add_argument("--shard", default="1/1", help="K/N: run plan entries K-1, K-1+N, ...")
    s.add_argument("--device", default="cpu", help="cpu or cuda")
    s.add_argument("--max-flops", type=float, default=None, help="skip runs above this budget")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    c = sub.add_parser("corpora", help="build and verify the corpora against the manifest")
    c.add_argument(
        "names", nargs="*", help="corpora to build (default: all; 'code' needs CPython 3.11.7)"
    )
    c.add_argument(
        "--write-manifest",
        action="store_true",
        help="rebuild from the pinned sources and rewrite data/runs/corpora.json",
    )
    sub.add_parser("plans", help="rewrite the plan files in data/runs/plans/")
    st = sub.add_parser("status", help="finished and pending runs of every plan")
    st.add_argument("--results", default=None, help="result folder (default data/runs/results/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "sweep":
            from scalinglaws.runs import sweep

            sweep.sweep(
                args.plan,
                args.results or sweep.RESULTS,
                workers=args.workers,
                shard=sweep.parse_shard(args.shard),
                device=args.device,
                max_flops=args.max_flops,
                progress=not args.no_progress,
            )
        elif args.command == "corpora":
            from scalinglaws.runs import corpora

            names = tuple(args.names) or corpora.CORPORA
            for name in names:
                check_choice("corpus", name, corpora.CORPORA)
            if args.write_manifest:
                corpora.write_manifest(names=names)
            for name in names:
                c = corpora.load(name)
                print(
                    f"{name}: {c.train.size:,} train + {c.validation.size:,} validation bytes, "
                    f"sha256 {c.sha256}"
                )
        elif args.command == "status":
            from scalinglaws.runs import sweep

            sweep.status(args.results or sweep.RESULTS)
        else:
            from scalinglaws.runs import plans

            for path in plans.write_plans():
                print(path)
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
