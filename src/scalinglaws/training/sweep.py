"""Run a plan of training runs, resumably, in parallel worker processes.

A plan is a JSON list of run entries (fields of :class:`scalinglaws.training.train.RunConfig`). Each
run is identified by the hash of its full config (``RunConfig.run_id``); its result is one JSON file
``<results>/<run_id>.json``, written to a temporary name and renamed when the run is complete. A
sweep skips every run whose result exists, so a killed sweep, started again, loses no finished run
and repeats none; a run cut off midway continues from its last checkpoint (saved every 10
minutes in ``<results>/.checkpoints/``, git-ignored, deleted when the run finishes), bit for bit.
``shard=(K, N)`` keeps plan entries K-1, K-1+N, K-1+2N, ... so N machines split a plan with any
job scheduler.

Workers are separate processes with one thread each (2 single-thread processes beat one 2-thread
process on this study's small models). Progress: a tqdm bar in TFLOP of the pending runs, with ETA.
"""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from tqdm.auto import tqdm

from scalinglaws.core import paths
from scalinglaws.core.params import ParameterError, check_choice, check_int
from scalinglaws.training.config import RunConfig, validate

RESULTS = paths.DATA / "runs" / "results"
PLANS = paths.DATA / "runs" / "plans"
STUDY_PLAN = re.compile(r"^(v\d+)_")  # plans of a study version vK_*: results in RESULTS / "vK"


def results_for(plan: Path | str, results: Path | str | None = None) -> Path:
    """The result folder of ``plan``: ``results`` if given, else data/runs/results/vK/ (plans named
    vK_*, the committed studies) or data/runs/results/ (any other plan: smoke, a reader's own)."""
    if results is not None:
        return Path(results)
    m = STUDY_PLAN.match(Path(plan).name)
    return RESULTS / m.group(1) if m else RESULTS


def load_plan(path: Path | str) -> list[RunConfig]:
    """The validated runs of the plan at ``path``; errors name the entry and the field."""
    path = Path(path)
    try:
        entries = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ParameterError(f"plan {path} is not valid JSON: {err}") from None
    if not isinstance(entries, list):
        raise ParameterError(
            f"plan {path} must be a JSON list of runs, got {type(entries).__name__}"
        )
    runs, seen = [], {}
    for i, entry in enumerate(entries):
        try:
            cfg = validate(entry)
        except ParameterError as err:
            raise ParameterError(f"plan {path.name}, run {i}: {err}") from None
        rid = cfg.run_id()
        if rid in seen:
            raise ParameterError(f"plan {path.name}: runs {seen[rid]} and {i} are the same run")
        seen[rid] = i
        runs.append(cfg)
    return runs


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' -> (K, N) with 1 <= K <= N."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if not m:
        raise ParameterError(f"parameter 'shard' must look like K/N (e.g. 1/4), got {text!r}")
    n = check_int("shard N", int(m[2]), 1, 100000)
    k = check_int("shard K", int(m[1]), 1, n)
    return k, n


def result_path(results: Path, cfg: RunConfig) -> Path:
    return Path(results) / f"{cfg.run_id()}.json"


def checkpoint_path(results: Path, cfg: RunConfig) -> Path:
    """Where a run in progress saves its state (git-ignored ``<results>/.checkpoints/``)."""
    return Path(results) / ".checkpoints" / f"{cfg.run_id()}.pt"


def write_json_atomic(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1) + "\n")
    os.replace(tmp, path)


_CORPUS_CACHE: dict = {}


def run_one(cfg: RunConfig, results: Path, device: str = "cpu", threads: int = 1) -> dict:
    """Train one run and write its result file atomically; returns the result."""
    from scalinglaws.training import corpora

    if cfg.corpus not in _CORPUS_CACHE:
        _CORPUS_CACHE[cfg.corpus] = corpora.load(cfg.corpus)
    ckpt = checkpoint_path(results, cfg)
    if not ckpt.parent.is_dir():
        ckpt.parent.mkdir(parents=True, exist_ok=True)
        (ckpt.parent / ".gitignore").write_text("*\n")  # checkpoints are never committed
    from scalinglaws.training.train import train  # torch: only where a run is trained

    result = train(
        cfg, device=device, threads=threads, corpus=_CORPUS_CACHE[cfg.corpus], checkpoint=ckpt
    )
    write_json_atomic(result_path(results, cfg), result)
    ckpt.unlink(missing_ok=True)
    return result


def run_group(
    cfgs: list[RunConfig], results: Path, device: str = "cpu", threads: int = 1
) -> list[dict]:
    """Train runs of one shape together (:mod:`scalinglaws.training.stacked`), or one alone; each
    result file is written atomically as in :func:`run_one`."""
    if len(cfgs) == 1:
        return [run_one(cfgs[0], results, device=device, threads=threads)]
    from scalinglaws.training import corpora, stacked

    corpus = cfgs[0].corpus
    if corpus not in _CORPUS_CACHE:
        _CORPUS_CACHE[corpus] = corpora.load(corpus)
    out = stacked.train_stacked(cfgs, device=device, threads=threads, corpus=_CORPUS_CACHE[corpus])
    for cfg, r in zip(cfgs, out, strict=True):
        write_json_atomic(result_path(results, cfg), r)
    return out


def _worker(entries: list[dict], results: str, device: str) -> list[tuple[str, float, float]]:
    rs = run_group([RunConfig(**e) for e in entries], Path(results), device=device, threads=1)
    return [(r["run_id"], r["final"]["val_loss"], r["wall_s"]) for r in rs]


def pending_runs(
    runs: list[RunConfig], results: Path, shard=(1, 1), max_flops: float | None = None
) -> list[RunConfig]:
    k, n = shard
    mine = [cfg for i, cfg in enumerate(runs) if i % n == k - 1]
    if max_flops is not None:
        mine = [cfg for cfg in mine if (cfg.flops or cfg.derived()["flops"]) <= max_flops]
    return [cfg for cfg in mine if not result_path(results, cfg).is_file()]


def sweep(
    plan: Path | str,
    results: Path | str = RESULTS,
    *,
    workers: int = 2,
    shard: tuple[int, int] = (1, 1),
    device: str = "cpu",
    max_flops: float | None = None,
    progress: bool = True,
    stack: int = 1,
) -> list[str]:
    """Run the plan's pending runs (in plan order); returns the run ids finished by this call.

    ``stack`` > 1 trains up to that many pending runs of one shape and length together in one
    process (:mod:`scalinglaws.training.stacked`; faster for tiny models, equal to training alone up
    to float rounding); stacks are not checkpointed, single runs are."""
    check_int("workers", workers, 1, 1024)
    check_int("stack", stack, 1, 64)
    check_choice("device", device, ("cpu", "cuda"))
    results = Path(results)
    runs = load_plan(plan)
    todo = pending_runs(runs, results, shard, max_flops)
    total = sum(cfg.derived()["flops"] for cfg in todo) / 1e12  # TFLOP
    print(
        f"{Path(plan).name}: {len(runs)} runs, shard {shard[0]}/{shard[1]}, "
        f"{len(todo)} to do ({total:.3g} TFLOP), results in {results}",
        flush=True,
    )
    done: list[str] = []
    if not todo:
        return done
    bar = tqdm(total=total, unit="TFLOP", disable=not progress, smoothing=0.1, mininterval=5)
    t0 = time.perf_counter()

    def finished(cfg: RunConfig, rid: str, loss: float, wall: float) -> None:
        done.append(rid)
        bar.update(cfg.derived()["flops"] / 1e12)
        bar.set_postfix_str(f"runs {len(done)}/{len(todo)}, last L={loss:.3f} in {wall:.0f}s")

    groups = [[cfg] for cfg in todo]
    if stack > 1:
        from scalinglaws.training import stacked

        groups = stacked.group(todo, stack)
    if workers == 1:
        for cfgs in groups:
            for cfg, r in zip(cfgs, run_group(cfgs, results, device=device), strict=True):
                finished(cfg, r["run_id"], r["final"]["val_loss"], r["wall_s"])
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {
                pool.submit(_worker, [c.__dict__.copy() for c in cfgs], str(results), device): cfgs
                for cfgs in groups
            }
            for fut in as_completed(futures):
                for cfg, out in zip(futures[fut], fut.result(), strict=True):
                    finished(cfg, *out)
    bar.close()
    print(f"{len(done)} runs finished in {time.perf_counter() - t0:.0f} s", flush=True)
    return done


def status(results: Path | str | None = None, plans: Path = PLANS) -> None:
    """Print, per plan and budget, how many runs are finished and how many are left; for a plan
    with runs left, their exact TFLOP and the job-hours they take at the measured throughput of
    one worker with a core to itself (:func:`scalinglaws.training.plans_v2.job_seconds`; a shared
    machine takes longer)."""
    from scalinglaws.training.plans_v2 import job_seconds

    check_results(results)
    for plan in sorted(Path(plans).glob("*.json")):
        folder = results_for(plan, results)
        groups: dict = {}
        left, flops_left, seconds_left = 0, 0.0, 0.0
        for cfg in load_plan(plan):
            key = f"{cfg.flops:.0e} FLOP" if cfg.flops is not None else f"{cfg.tokens} tokens"
            done, total = groups.get(key, (0, 0))
            finished = result_path(folder, cfg).is_file()
            groups[key] = (done + finished, total + 1)
            if not finished:
                d = cfg.derived()
                left += 1
                flops_left += d["flops"]
                seconds_left += job_seconds(d)
        parts = ", ".join(f"{k}: {d}/{t}" for k, (d, t) in groups.items())
        print(f"{plan.name}: {parts}")
        if left:
            tflop = flops_left / 1e12
            print(
                f"  left: {_plural(left, 'run')}, "
                f"{f'{tflop:,.0f}' if tflop >= 100 else f'{tflop:.3g}'} TFLOP, "
                f"{_job_time(seconds_left)} at one worker's measured own-core rate (longer on a "
                "shared or slower machine)"
            )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _job_time(seconds: float) -> str:
    """Job-time in words: under a minute, whole minutes below an hour, else hours to 0.1."""
    if seconds < 60:
        return "under a job-minute"
    if seconds < 3600:
        return f"about {_plural(round(seconds / 60), 'job-minute')}"
    return f"about {seconds / 3600:.1f} job-hours"


def check_results(results) -> None:
    """A ``--results`` folder given to a read-only verb must exist; None means the default."""
    if results is None:
        return
    if not str(results).strip():
        raise ParameterError("parameter 'results' must name a result folder, got ''")
    if not Path(results).is_dir():
        raise ParameterError(
            f"parameter 'results': no such folder {str(results)!r} (a folder that "
            "`python -m scalinglaws.training sweep --results` wrote)"
        )
