"""The committed results of the measured-here study (data/runs/results/v2, and the retrained
runs of its CPU check in v2/cpu-check) are whole and traceable."""

import json

import pytest

pytest.importorskip("torch")

from scalinglaws.core import paths  # noqa: E402
from scalinglaws.datasets import measured
from scalinglaws.training import corpora, sweep, train  # noqa: E402

FOLDER = paths.DATA / "runs" / "results" / "v2"
RESULTS = sorted(FOLDER.glob("*.json"))
CPU_CHECK = sorted((FOLDER / "cpu-check").glob("*/*.json"))


def test_every_result_is_a_run_of_a_committed_plan_on_the_manifest_corpus():
    planned = {
        cfg.run_id()
        for plan in (paths.DATA / "runs" / "plans").glob("*.json")
        for cfg in sweep.load_plan(plan)
    }
    digests = {k: v["sha256"] for k, v in corpora.read_manifest()["corpora"].items()}
    assert RESULTS and CPU_CHECK
    for path in RESULTS + CPU_CHECK:
        r = json.loads(path.read_text())
        cfg = train.validate(r["config"])
        assert cfg.run_id() == r["run_id"] == path.stem, path.name
        assert r["run_id"] in planned, f"{path.name} belongs to no plan in data/runs/plans"
        assert r["corpus_sha256"] == digests[cfg.corpus], path.name
        assert r["derived"]["flops"] == r["derived"]["tokens"] * r["derived"]["flops_per_token"]
        assert r["curve"][-1]["step"] == r["derived"]["steps"]


def test_results_load_as_tidy_frames():
    runs = measured.load_runs(FOLDER)
    assert len(runs) == len(RESULTS)
    assert runs["run_id"].is_unique
    assert len(measured.load_curves(FOLDER)) == sum(
        len(json.loads(p.read_text())["curve"]) for p in RESULTS
    )
