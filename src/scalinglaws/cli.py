"""Command line: ``python -m scalinglaws <command> ...`` (also installed as ``scalinglaws``).

Commands (each registered in SUBCOMMANDS as name -> setup function):

    optimal  N_opt, D_opt, tokens per parameter and predicted loss at a FLOP budget, per law
    fit      Approach-3 refit (Hoffmann 2022 eq 2) of a registered data set, with bootstrap SEs

Bad arguments give one line on stderr naming the argument and its accepted range, and exit
code 2 (as argparse does).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from scalinglaws.params import ParameterError, check_choice, check_int, check_real

FLOPS_RANGE = (1e10, 1e35)  # FLOPs accepted by `optimal`
BOOTSTRAP_RANGE = (0, 100_000)  # replicates accepted by `fit --bootstrap`
SEED_RANGE = (0, 2**32 - 1)
FIT_DATASETS = ("epoch-chinchilla-fig4",)  # data sets with params, tokens and loss_nats


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line: '<prog>: error: <message>', exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _number(text: str):
    """The argument as a float if it parses, else the text (check_real then rejects it)."""
    try:
        return float(text)
    except ValueError:
        return text


def _integer(text: str):
    try:
        return int(text)
    except ValueError:
        return text


# ---- optimal ---------------------------------------------------------------------------------


def _setup_optimal(p: argparse.ArgumentParser) -> Callable:
    from scalinglaws.laws.allocation import allocations

    names = list(allocations())
    p.add_argument(
        "--flops",
        required=True,
        type=_number,
        help=f"training budget C in FLOPs, in [{FLOPS_RANGE[0]:g}, {FLOPS_RANGE[1]:g}]",
    )
    p.add_argument(
        "--law", default="all", type=str, help=f"one of: all, {', '.join(names)} (default all)"
    )
    p.add_argument(
        "--fit",
        default=None,
        help="also the eq 4 allocation of an eq 2 fit saved by `scalinglaws fit --json` "
        "(or a JSON object with E, A, B, alpha, beta)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")  # fmt: skip
    return _run_optimal


def _run_optimal(args) -> int:
    from scalinglaws.laws.allocation import (
        REFIT_HERE,
        allocations,
        from_fit,
        load_fit,
        optimal_rows,
    )

    laws = allocations()
    C = check_real("--flops", args.flops, *FLOPS_RANGE)
    law = check_choice("--law", args.law, ["all", *laws])
    chosen = list(laws.values()) if law == "all" else [laws[law]]
    if args.fit is not None:
        fit = load_fit(args.fit, "--fit")
        chosen.append(from_fit("user-fit", "fit from file", fit, fit.source, REFIT_HERE))
    rows = optimal_rows(C, chosen)
    if args.json:
        print(json.dumps({"flops": C, "laws": rows}, indent=2))
        return 0
    print(f"Compute-optimal allocation at C = {C:.3g} FLOPs")
    print(f"{'law':<20}{'N_opt':>11}{'D_opt':>11}{'D/N':>8}{'loss':>8}  parameters")
    for r in rows:
        print(f"{r['law']:<20}{r['N_opt']:>11.3g}{r['D_opt']:>11.3g}{r['tokens_per_param']:>8.1f}"
              f"{r['loss']:>8.3f}  {r['params']}")  # fmt: skip
    print()
    for r in rows:
        extra = f"; {r['note']}" if r["note"] else ""
        print(f"  {r['law']}: {r['source']}{extra}")
    return 0


# ---- fit -------------------------------------------------------------------------------------


def _setup_fit(p: argparse.ArgumentParser) -> Callable:
    p.add_argument("--data", default=FIT_DATASETS[0], help=f"one of: {', '.join(FIT_DATASETS)}")
    p.add_argument(
        "--bootstrap",
        type=_integer,
        default=1000,
        help=f"bootstrap replicates, in [{BOOTSTRAP_RANGE[0]}, {BOOTSTRAP_RANGE[1]}] "
        "(0: no standard errors; Besiroglu 2024 used 4000)",
    )
    p.add_argument(
        "--seed",
        type=_integer,
        default=0,
        help=f"seed of the bootstrap's numpy Generator, in [0, {SEED_RANGE[1]}]",
    )
    p.add_argument(
        "--exclude",
        type=_integer,
        default=5,
        help="drop this many highest-loss points first, in [0, 100] (Besiroglu: 5)",
    )
    p.add_argument(
        "--objective",
        default="huber_likelihood",
        help="huber_likelihood (Besiroglu 2024's refit, default) or huber "
        "(Hoffmann's summed Huber over the 4,500-start grid)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")  # fmt: skip
    return _run_fit


def _run_fit(args) -> int:
    import numpy as np

    from scalinglaws import data, fitting

    name = check_choice("--data", args.data, FIT_DATASETS)
    n_boot = check_int("--bootstrap", args.bootstrap, *BOOTSTRAP_RANGE)
    seed = check_int("--seed", args.seed, *SEED_RANGE)
    exclude = check_int("--exclude", args.exclude, 0, 100)
    objective = check_choice("--objective", args.objective, fitting.OBJECTIVES)
    df = data.drop_highest_losses(data.load(name), exclude) if exclude else data.load(name)
    N, D, _, L = fitting.arrays(df)
    fit = fitting.approach3(N, D, L, objective=objective)
    out = {"data": name, "n_points": fit.n_points, "excluded_highest_losses": exclude,
           "objective": objective, "estimate": fit.as_dict(), "a": fit.fit.a, "b": fit.fit.b}  # fmt: skip
    if n_boot:
        huber = fit if objective == "huber" else fitting.approach3(N, D, L)
        boot = fitting.bootstrap_approach3(
            N, D, L, n_bootstrap=n_boot, rng=np.random.default_rng(seed), full_fit=huber
        )
        out["bootstrap"] = {"n": n_boot, "seed": seed, "objective": "huber",
                            "n_failed": boot.n_failed, "se": boot.se, "ci95": boot.interval()}  # fmt: skip
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"Approach 3 refit (Hoffmann 2022 eq 2) of {name}: {fit.n_points} points "
          f"({exclude} highest losses dropped), objective {objective}")  # fmt: skip
    se = out.get("bootstrap", {}).get("se", {})
    ci = out.get("bootstrap", {}).get("ci95", {})
    for k, v in fit.as_dict().items():
        extra = f"  SE {se[k]:.4g}  95% [{ci[k][0]:.4g}, {ci[k][1]:.4g}]" if se else ""
        print(f"  {k:<6}{v:>12.5g}{extra}")
    print(f"  a = beta/(alpha+beta) = {fit.fit.a:.4f}, b = {fit.fit.b:.4f}")
    if n_boot:
        print(f"  bootstrap: {n_boot} resamples (seed {seed}) of the summed-Huber fit, "
              f"{out['bootstrap']['n_failed']} failed")  # fmt: skip
    return 0


SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], Callable]]] = {
    "optimal": ("compute-optimal N, D and loss at a FLOP budget under each law", _setup_optimal),
    "fit": ("Approach-3 refit of a data set with bootstrap standard errors", _setup_fit),
}
"""name -> (one-line help, setup function adding the arguments and returning the runner)."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="scalinglaws", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_, setup) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(_run=setup(p))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args._run(args)
    except ParameterError as err:
        print(f"scalinglaws {args.command}: error: {err}", file=sys.stderr)
        return 2
