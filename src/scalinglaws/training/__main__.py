"""Command line of the measured-here study.

python -m scalinglaws.training sweep --plan PATH [--results DIR] [--workers N] [--shard K/N]
                                 [--device cpu|cuda] [--max-flops C] [--stack R]
                                 [--launcher pool|slurm|submitit-local --shards N [--wait]]
python -m scalinglaws.training corpora [--write-manifest] [NAME ...]   build and verify the corpora
python -m scalinglaws.training plans                        rewrite data/runs/plans/*.json
"""

from __future__ import annotations

import argparse
import sys

from scalinglaws.core.params import ParameterError, check_choice, check_real


def _summary(results: str | None) -> None:
    """Print what the v2 results measured so far (torch not needed)."""
    from scalinglaws.datasets import measured
    from scalinglaws.training.sweep import RESULTS, check_results

    check_results(results)
    folder = results or RESULTS / "v2"
    runs = measured.load_runs(folder)
    print(
        f"{folder}: {len(runs)} runs, {runs['flops'].sum() / 1e12:.1f} TFLOP, "
        f"{runs['wall_s'].sum():,.0f} job-seconds"
    )
    spread = measured.seed_spread(runs)
    if len(spread):
        print("\nseed spread of the final validation loss (nats/byte)")
        for _, r in spread.iterrows():
            print(
                f"  {r['study']:<12} {r['corpus']:<10} {r['flops_budget']:.0e} FLOP  "
                f"{r['n_layer']}x{r['d_model']} "
                f"(N {r['params']:,})  lr {r['lr']:g} beta2 {r['beta2']:g}  seeds {r['seeds']}: "
                f"{r['losses']}  sd {r['sd']:.4f}  range {r['range']:.4f}"
            )
    sweep_runs = runs[runs["study"] == "v2-lr"]
    if len(sweep_runs):
        print("\nlearning-rate sweep: final loss per lr")
        for (n, b2), g in sweep_runs.groupby(["params", "beta2"]):
            g = g.sort_values("lr")
            cells = "  ".join(
                f"{lr:g}: {v:.4f}" for lr, v in zip(g["lr"], g["loss_nats"], strict=True)
            )
            print(f"  N {n:>7,} beta2 {b2:g}  {cells}")
        best = measured.lr_sweep_best(sweep_runs)
        if len(best):
            print("\nbest lr per size (parabola in log lr; edge: at the grid's end)")
            print(best.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
            for b2, g in best.groupby("beta2"):
                try:
                    a, p = measured.fit_lr_rule(g)
                    print(f"  beta2 {b2:g}: lr = {a:.3g} (N / 1e4)^{p:.3f}")
                except ValueError as err:
                    print(f"  beta2 {b2:g}: no rule yet ({err})")
    _summary_isoflop(runs)
    _summary_ladder(results)


def _summary_isoflop(runs) -> None:
    """Each v2 IsoFLOP budget's optimum (80% bootstrap over sizes and seeds) and the exponents."""
    from scalinglaws.analysis import study_v2

    for study in ("isoflop",):  # ladder-matched: step 4 of the ladder below
        for corpus, r in runs[runs["study"] == f"v2-{study}"].groupby("corpus"):
            r = study_v2.design_window(r[r["status"] == "finished"])
            opt = study_v2.optima(r, n_bootstrap=1000)
            print(f"\n{study} {corpus}: optimum per budget (N with embeddings; 80% interval)")
            for _, t in opt.table.iterrows():
                print(
                    f"  {t['budget']:.0e} FLOP  {int(t['n_sizes'])} sizes, {int(t['n_runs'])} runs  "
                    f"N_opt {t['N_opt']:,.0f} ({t['N_lo']:,.0f} - {t['N_hi']:,.0f})  "
                    f"L_opt {t['L_opt']:.4f}  seed sd {t['seed_sd']:.4f}  rise at the ends "
                    f"{t['rise_small']:.1f}, {t['rise_large']:.1f} sd  failed {int(t['n_failed'])}"
                )
            try:
                ex = study_v2.exponents(opt, r)
            except ValueError as err:
                print(f"  no exponents yet ({err})")
                continue
            for name, e in ex.items():
                print(
                    f"  {name} = {e.value:.3f} ({e.lo:.3f} - {e.hi:.3f}, width {e.width:.3f}) "
                    f"over {e.n_budgets} budgets; {e.n_failed} replicates without every vertex"
                )


def _summary_ladder(results) -> None:
    """The discrepancy ladder's exponent per step beside Porian et al.'s (notebook 10's table)."""
    import numpy as np

    from scalinglaws.analysis import ladder as ladder_v2
    from scalinglaws.constants import PORIAN

    try:
        rows = ladder_v2.ladder(n_bootstrap=1000, results=results)
    except ValueError as err:  # no noise runs: the seed sd is unknown
        print(f"\ndiscrepancy ladder: not yet ({err})")
        return
    print("\ndiscrepancy ladder (prose; a with its 80% interval; Porian 2024 Fig 1, RefinedWeb)")
    for _, t in ladder_v2.ladder_table(rows, PORIAN.refinedweb).iterrows():
        a = (
            f"a = {t['a']:.3f} ({t['a_lo']:.3f} - {t['a_hi']:.3f})"
            if np.isfinite(t["a"])
            else "a: -"
        )
        pub = (
            f"Porian {t['Porian a (RefinedWeb)']:.3f}"
            if np.isfinite(t["Porian a (RefinedWeb)"])
            else ""
        )
        print(
            f"  {t['step']:>2}  {t['setting'][:58]:<58}  {t['runs']:>3} runs  {t['budgets']:<18}  "
            f"{a:<32} {pub}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scalinglaws.training",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sweep", help="run a plan's pending runs (resumable)")
    s.add_argument("--plan", required=True, help="JSON list of runs (data/runs/plans/*.json)")
    s.add_argument(
        "--results",
        default=None,
        help="result folder (default data/runs/results/, data/runs/results/v2/ for v2_* plans)",
    )
    s.add_argument("--workers", type=int, default=2, help="worker processes, 1 thread each")
    s.add_argument("--shard", default="1/1", help="K/N: run plan entries K-1, K-1+N, ...")
    s.add_argument("--device", default="cpu", help="cpu or cuda")
    s.add_argument("--max-flops", type=float, default=None, help="skip runs above this budget")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument(
        "--launcher",
        default="pool",
        help="pool (worker processes here, default), slurm (one job array through submitit) or "
        "submitit-local (the same tasks as local subprocesses)",
    )
    s.add_argument(
        "--shards", type=int, default=None, help="array tasks for slurm/submitit-local (required)"
    )
    s.add_argument("--slurm-partition", default=None, help="SLURM partition")
    s.add_argument("--slurm-time", type=int, default=240, help="time limit per task, minutes")
    s.add_argument("--wait", action="store_true", help="wait for the array tasks to finish")
    s.add_argument(
        "--stack",
        type=int,
        default=1,
        help="train up to this many runs of one shape together (stacked weights; tiny models)",
    )
    c = sub.add_parser("corpora", help="build and verify the corpora against the manifest")
    c.add_argument(
        "names", nargs="*", help="corpora to build (default: all; 'code' needs CPython 3.11.7)"
    )
    c.add_argument(
        "--write-manifest",
        action="store_true",
        help="rebuild from the pinned sources and rewrite data/runs/corpora.json",
    )
    pl = sub.add_parser("plans", help="rewrite the plan files in data/runs/plans/")
    pl.add_argument(
        "--costs",
        action="store_true",
        help="print the v2 and v3 plans' exact TFLOP and job-hours instead of writing files",
    )
    pl.add_argument(
        "--gflops",
        type=float,
        default=None,
        help="throughput per worker for --costs (GFLOP/s; default: measured, per model size)",
    )
    sm = sub.add_parser(
        "summary", help="v2 so far: seed spread, lr sweep best per size, fitted lr rule, cost"
    )
    sm.add_argument("--results", default=None, help="result folder (default data/runs/results/v2/)")
    st = sub.add_parser("status", help="finished and pending runs of every plan")
    st.add_argument(
        "--results",
        default=None,
        help="an existing result folder for every plan (default: data/runs/results/v2/ for the "
        "v2_* plans, data/runs/results/ for the others)",
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "sweep" and args.launcher != "pool":
            from scalinglaws.training import launch, sweep

            check_choice("launcher", args.launcher, launch.LAUNCHERS)
            if args.shards is None:
                raise ParameterError(f"--launcher {args.launcher} needs --shards N (array tasks)")
            if args.shard != "1/1":
                raise ParameterError("--shard K/N is for one machine; array tasks get theirs")
            sweep.load_plan(args.plan)  # a bad plan fails here, not in every task
            launch.submit(
                args.plan,
                sweep.results_for(args.plan, args.results),
                launcher=args.launcher,
                shards=args.shards,
                device=args.device,
                max_flops=args.max_flops,
                stack=args.stack,
                timeout_min=args.slurm_time,
                partition=args.slurm_partition,
                wait=args.wait,
            )
        elif args.command == "sweep":
            from scalinglaws.training import sweep

            sweep.sweep(
                args.plan,
                sweep.results_for(args.plan, args.results),
                workers=args.workers,
                shard=sweep.parse_shard(args.shard),
                device=args.device,
                max_flops=args.max_flops,
                progress=not args.no_progress,
                stack=args.stack,
            )
        elif args.command == "corpora":
            from scalinglaws.training import corpora

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
        elif args.command == "summary":
            _summary(args.results)
        elif args.command == "status":
            from scalinglaws.training import sweep

            sweep.status(args.results)
        elif args.costs:
            from scalinglaws.training import plans

            gflops = args.gflops
            if gflops is not None:
                gflops = check_real("--gflops", gflops, 0, 1e9, lo_open=True)
            rows = plans.cost_table(gflops)
            print(f"{'plan':<30} {'runs':>5} {'TFLOP':>8} {'job-hours':>10}")
            for r in rows:
                print(f"{r['plan']:<30} {r['runs']:>5} {r['tflop']:>8.1f} {r['job_hours']:>10.2f}")
            tf, jh = sum(r["tflop"] for r in rows), sum(r["job_hours"] for r in rows)
            print(f"{'total':<30} {sum(r['runs'] for r in rows):>5} {tf:>8.1f} {jh:>10.2f}")
        else:
            from scalinglaws.training import plans

            for path in plans.write_plans():
                print(path)
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
