"""A plan as array tasks through submitit's local executor (the SLURM launcher's path)."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("torch")
pytest.importorskip("submitit")

from scalinglaws.core import paths  # noqa: E402
from scalinglaws.training import launch, sweep  # noqa: E402

ENTRY = {"study": "test", "corpus": "prose", "n_layer": 1, "d_model": 16, "n_head": 1}
TINY = {"tokens": 8 * 128 * 10, "batch_size": 8, "n_eval": 2, "eval_tokens": 1024}


def test_array_tasks_split_the_plan_like_shards(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{**ENTRY, **TINY, "seed": s} for s in range(3)]))
    jobs = launch.submit(
        plan, tmp_path / "res", launcher="submitit-local", shards=2, folder=tmp_path / "logs",
        wait=True,
    )  # fmt: skip
    done = [job.result() for job in jobs]
    runs = sweep.load_plan(plan)
    # task K ran exactly the entries --shard K/2 names
    for k, ids in enumerate(done, start=1):
        assert ids == [c.run_id() for c in sweep.pending_runs(runs, tmp_path / "none", (k, 2))]
    assert len(list((tmp_path / "res").glob("*.json"))) == 3
    # submitted again, every task finds its runs finished
    again = launch.submit(
        plan, tmp_path / "res", launcher="submitit-local", shards=2, folder=tmp_path / "logs",
        wait=True,
    )  # fmt: skip
    assert [job.result() for job in again] == [[], []]


@pytest.mark.badinput
def test_cluster_launcher_needs_shards_and_names_the_parameter(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{**ENTRY, **TINY}]))
    cli = [sys.executable, "-m", "scalinglaws.training", "sweep", "--plan", str(plan)]
    out = subprocess.run([*cli, "--launcher", "slurm"], capture_output=True, text=True)
    assert out.returncode == 2 and "--shards" in out.stderr
    out = subprocess.run(
        [*cli, "--launcher", "pbs", "--shards", "2"], capture_output=True, text=True
    )
    assert out.returncode == 2 and "'launcher'" in out.stderr


@pytest.mark.skipif(
    not (paths.ROOT / ".venv" / "bin" / "python").exists(), reason="the template runs .venv"
)
def test_sbatch_template_maps_the_array_onto_shards(tmp_path):
    """The template run as SLURM would run array task 2 of 2 (tasks numbered from 1)."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{**ENTRY, **TINY, "seed": s} for s in range(3)]))
    env = {"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "2"}
    script = paths.ROOT / "tools" / "slurm" / "runs_array.sbatch"
    out = subprocess.run(
        ["bash", str(script), str(plan), "--results", str(tmp_path / "res")],
        cwd=paths.ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "shard 2/2" in out.stdout
    runs = sweep.load_plan(plan)
    assert sorted(p.stem for p in (tmp_path / "res").glob("*.json")) == [runs[1].run_id()]
