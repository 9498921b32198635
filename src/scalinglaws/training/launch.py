"""Run a plan on a cluster: ``--shard K/N`` as the tasks of one SLURM job array, through submitit.

``python -m scalinglaws.training sweep --plan P --launcher slurm --shards N`` submits one job array of
N tasks; task K runs ``sweep(P, shard=(K, N), workers=1)``, so the tasks split the plan exactly as
N machines given ``--shard K/N`` by hand would, and write into one results folder (file names never
collide; finished runs are skipped, so the array can be submitted again after a time limit).
``--launcher submitit-local`` runs the same tasks through submitit's local executor (subprocesses on
this machine): the cluster path, testable without SLURM. ``tools/slurm/runs_array.sbatch`` does the
same with plain ``sbatch --array`` and no extra package.

submitit (``pip install submitit``; MIT) is imported only here, only when one of these launchers is
used.
"""

from __future__ import annotations

from pathlib import Path

from scalinglaws.core import paths
from scalinglaws.core.params import ParameterError, check_choice, check_int

LAUNCHERS = ("pool", "slurm", "submitit-local")
LOGS = paths.ROOT / "build" / "submitit"


def _task(
    plan: str,
    results: str,
    k: int,
    n: int,
    device: str,
    max_flops: float | None,
    stack: int,
) -> list[str]:
    """One array task: shard k of n of the plan, one worker (the task's one CPU)."""
    from scalinglaws.training import sweep

    return sweep.sweep(
        plan,
        results,
        workers=1,
        shard=(k, n),
        device=device,
        max_flops=max_flops,
        progress=False,
        stack=stack,
    )


def submit(
    plan: Path | str,
    results: Path | str,
    *,
    launcher: str,
    shards: int,
    device: str = "cpu",
    max_flops: float | None = None,
    stack: int = 1,
    folder: Path | str = LOGS,
    timeout_min: int = 240,
    partition: str | None = None,
    wait: bool = False,
) -> list:
    """Submit ``shards`` array tasks; returns submitit's jobs (their results, with ``wait``: the
    run ids each task finished)."""
    check_choice("launcher", launcher, LAUNCHERS[1:])
    check_int("shards", shards, 1, 100000)
    check_int("slurm-time", timeout_min, 1, 60 * 24 * 30)
    try:
        import submitit
    except ImportError:
        raise ParameterError(
            f"--launcher {launcher} needs the submitit package: pip install submitit"
        ) from None
    cluster = "slurm" if launcher == "slurm" else "local"
    executor = submitit.AutoExecutor(folder=str(folder), cluster=cluster)
    params = {"timeout_min": timeout_min, "cpus_per_task": 1, "name": f"runs-{Path(plan).stem}"}
    if cluster == "slurm" and partition:
        params["slurm_partition"] = partition
    executor.update_parameters(**params)
    ks = list(range(1, shards + 1))
    n = [shards] * shards
    same = lambda v: [v] * shards  # noqa: E731
    jobs = executor.map_array(
        _task,
        same(str(plan)),
        same(str(results)),
        ks,
        n,
        same(device),
        same(max_flops),
        same(stack),
    )
    print(
        f"{Path(plan).name}: {shards} array tasks submitted ({launcher}), "
        f"job {jobs[0].job_id.split('_')[0]}, logs in {folder}",
        flush=True,
    )
    if wait:
        for job in jobs:
            job.result()  # raises if a task failed
    return jobs
