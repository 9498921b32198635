"""Training, plans and resumable sweeps of the measured-here study (scalinglaws.training)."""

import json
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from scalinglaws.core.params import ParameterError  # noqa: E402
from scalinglaws.training import corpora, sweep, train  # noqa: E402

TINY = {"study": "test", "corpus": "prose", "n_layer": 1, "d_model": 16, "n_head": 2}


@pytest.fixture
def corpus():
    """Random bytes standing in for a corpus (the real ones are tested end to end below)."""
    rng = np.random.default_rng(0)
    data = rng.integers(97, 123, 20 * corpora.BLOCK_BYTES, dtype=np.uint8)  # lowercase letters
    tr, va = corpora.split(data)
    return corpora.Corpus("prose", "synthetic", tr, va)


def test_same_seed_and_threads_give_identical_losses(corpus):
    cfg = train.validate({**TINY, "tokens": 8 * 128 * 12, "batch_size": 8, "n_eval": 4})
    a = train.train(cfg, threads=1, corpus=corpus)
    b = train.train(cfg, threads=1, corpus=corpus)
    assert [p["val_loss"] for p in a["curve"]] == [p["val_loss"] for p in b["curve"]]
    assert [p["train_loss"] for p in a["curve"]] == [p["train_loss"] for p in b["curve"]]
    c = train.train(train.validate({**cfg.__dict__, "seed": 1}), threads=1, corpus=corpus)
    assert c["final"]["val_loss"] != a["final"]["val_loss"]
    # the loss starts near ln 256 (uniform over bytes) and falls
    assert a["curve"][0]["val_loss"] == pytest.approx(math.log(256), abs=0.3)
    assert a["final"]["val_loss"] < a["curve"][0]["val_loss"]


def test_schedule_warms_up_then_decays_to_min_over_the_run():
    cfg = train.validate({**TINY, "tokens": 1000 * 16 * 128, "lr": 1e-3})
    lrs = [train.lr_at(s, 1000, cfg) for s in range(1000)]
    assert lrs[0] == pytest.approx(1e-3 / 50)  # 5% warmup: 50 steps
    assert max(lrs) == pytest.approx(1e-3)
    assert lrs[-1] == pytest.approx(1e-4)  # cosine ends at min_lr_frac x lr at the last step
    assert all(a >= b for a, b in zip(lrs[50:], lrs[51:], strict=False))
    assert train.eval_steps(1000, 5) == [1, 6, 32, 178, 1000]


def test_budget_sets_tokens_and_steps():
    cfg = train.validate({**TINY, "flops": 1e12, "batch_size": 16})
    d = cfg.derived()
    assert d["steps"] == round(1e12 / d["flops_per_token"] / (16 * 128))
    assert d["flops"] == pytest.approx(1e12, rel=1e-3)
    assert cfg.run_id() == train.validate(json.loads(json.dumps(cfg.__dict__))).run_id()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"flops": -1e12}, "'flops'"),
        ({"corpus": "wikitext"}, "'corpus'"),
        ({"n_layer": 0}, "'n_layer'"),
        ({"n_head": 3}, "'n_head'"),
        ({"tokens": 100}, "'flops' and 'tokens'"),
        ({"batch_size": -4}, "'batch_size'"),
        ({"lr": 0}, "'lr'"),
        ({"colour": "red"}, "'colour'"),
    ],
)
@pytest.mark.badinput
def test_bad_plan_entries_are_rejected_naming_the_field(tmp_path, change, field):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{**TINY, "flops": 1e12}, {**TINY, "flops": 1e12, **change}]))
    with pytest.raises(ParameterError, match="run 1") as err:
        sweep.load_plan(plan)
    assert field in str(err.value)


@pytest.mark.badinput
def test_duplicate_runs_and_bad_shards_are_rejected(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{**TINY, "flops": 1e12}] * 2))
    with pytest.raises(ParameterError, match="runs 0 and 1 are the same run"):
        sweep.load_plan(plan)
    assert sweep.parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "x"):
        with pytest.raises(ParameterError, match="shard"):
            sweep.parse_shard(bad)


def test_interrupted_sweep_resumes_without_losing_or_repeating_runs(tmp_path, corpus, monkeypatch):
    entries = [
        {**TINY, "tokens": 8 * 128 * 6, "batch_size": 8, "n_eval": 2, "seed": s} for s in range(3)
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(entries))
    monkeypatch.setitem(sweep._CORPUS_CACHE, "prose", corpus)
    from scalinglaws.training import train as train_module  # sweep imports train() at each run

    real_train, calls = train_module.train, []

    def crash_on_second(cfg, **kw):
        calls.append(cfg.run_id())
        if len(calls) == 2:
            raise KeyboardInterrupt  # the sweep is killed during its second run
        return real_train(cfg, **kw)

    monkeypatch.setattr(train_module, "train", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        sweep.sweep(plan, tmp_path / "res", workers=1, progress=False)
    first = sorted(p for p in (tmp_path / "res").iterdir() if p.name != ".checkpoints")
    assert [p.name for p in first] == [f"{calls[0]}.json"]  # no partial file for the killed run
    mtime = first[0].stat().st_mtime_ns
    done = sweep.sweep(plan, tmp_path / "res", workers=1, progress=False)
    ids = [train.validate(e).run_id() for e in entries]
    assert done == ids[1:]  # the two missing runs, once each
    assert sorted(p.stem for p in (tmp_path / "res").glob("*.json")) == sorted(ids)
    assert first[0].stat().st_mtime_ns == mtime  # the finished run was not redone
    assert sweep.sweep(plan, tmp_path / "res", workers=1, progress=False) == []


def test_shards_partition_the_plan(tmp_path):
    entries = [{**TINY, "tokens": 1000 * (i + 1)} for i in range(7)]
    runs = [train.validate(e) for e in entries]
    parts = [sweep.pending_runs(runs, tmp_path, (k, 3)) for k in (1, 2, 3)]
    ids = [c.run_id() for part in parts for c in part]
    assert sorted(ids) == sorted(c.run_id() for c in runs)


def test_run_killed_midway_continues_from_its_checkpoint_bit_for_bit(tmp_path, corpus, monkeypatch):
    cfg = train.validate({**TINY, "tokens": 8 * 128 * 20, "batch_size": 8, "n_eval": 6})
    whole = train.train(cfg, threads=1, corpus=corpus)
    ckpt = tmp_path / "run.pt"
    real_lr_at = train.lr_at

    def killed_at_step_13(step, steps, c):
        if step == 13:
            raise KeyboardInterrupt
        return real_lr_at(step, steps, c)

    monkeypatch.setattr(train, "lr_at", killed_at_step_13)
    with pytest.raises(KeyboardInterrupt):
        train.train(cfg, threads=1, corpus=corpus, checkpoint=ckpt, checkpoint_every_s=0)
    assert ckpt.is_file()
    monkeypatch.setattr(train, "lr_at", real_lr_at)
    resumed = train.train(cfg, threads=1, corpus=corpus, checkpoint=ckpt, checkpoint_every_s=0)
    assert resumed["resumed_at_steps"] == [13]
    for key in ("step", "val_loss", "train_loss", "lr"):
        assert [p[key] for p in resumed["curve"]] == [p[key] for p in whole["curve"]]
