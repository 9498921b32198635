"""Gadre et al. 2024's 104 models (scalinglaws.datasets.gadre): registered file by file through a
manifest, loaded whole, and in the runs schema per training corpus."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from scalinglaws.datasets import gadre, published
from tests.conftest import shared_scope

HOME = "gadre-overtraining"


@pytest.fixture(scope=shared_scope)
def raw():
    return published.load("gadre-c4")


def test_every_model_file_is_pinned_by_its_own_hash():
    ds = published.get("gadre-c4")
    entries = published.manifest_entries(ds)
    assert len(entries) == 104  # the paper's 104 models
    assert all(len(h) == 64 and p.startswith("exp_data/models/") for h, p in entries)
    assert "a003c4913793ac2ae7ef87b28ecb562955d026d5" in ds.url and "{path}" in ds.url


def test_the_104_models_and_their_8_evaluations(raw):
    # the mirror's README (from the authors' files): 34 models on C4, 35 on RedPajama, 35 on
    # RefinedWeb; six sizes; token multipliers 0.25-32 of 20 tokens per parameter
    assert len(raw) == 104 * 8 and raw["run"].nunique() == 104
    assert raw.groupby("corpus")["run"].nunique().to_dict() == {
        "c4_original": 34, "rpj": 35, "rw_original": 35,
    }  # fmt: skip
    assert sorted(raw["params"].unique()) == [10569312, 78914048, 153677376, 411616256,
                                              1439795200, 6889410560]  # fmt: skip
    assert sorted(raw["multiplier"].unique()) == [5, 10, 20, 40, 80, 160, 320, 640]
    # tokens are the multiplier times the parameters, to within the authors' rounding to batches
    assert np.allclose(raw["tokens"], raw["multiplier"] * raw["params"], rtol=0.02)
    assert (raw["loss_lo95"] <= raw["loss_nats"]).all() and (
        raw["loss_nats"] <= raw["loss_hi95"]
    ).all()
    assert set(raw["val_set"]) == set(gadre.VAL_SETS.values())


@pytest.mark.parametrize(("name", "n"), [("gadre-c4", 34), ("gadre-rpj", 35), ("gadre-rw", 35)])
def test_each_corpus_in_the_runs_schema_on_c4_eval(name, n, raw):
    runs = published.load_runs(name)
    assert len(runs) == n and runs["run"].is_unique
    assert (runs["flops_source"] == "6ND").all()
    assert np.allclose(runs["flops"], 6 * runs["params"] * runs["tokens"], rtol=1e-12)
    c4 = raw[raw["val_set"] == gadre.FIT_ON].set_index("run")["loss_nats"]
    assert np.array_equal(runs["loss"].to_numpy(), c4.loc[runs["run"]].to_numpy())
    assert (runs["params_non_embedding"] < runs["params"]).all()


@pytest.mark.badinput
def test_a_tampered_model_file_is_rejected(private_cache, tmp_path, monkeypatch):
    copy = tmp_path / "mirror"
    shutil.copytree(f"{os.environ['SCALINGLAWS_DATA_MIRROR']}/{HOME}", copy / HOME)
    victim = sorted((copy / HOME / "exp_data" / "models").glob("*.json"))[5]
    victim.write_text(victim.read_text().replace('"loss": ', '"loss": 0.0', 1))
    monkeypatch.setenv("SCALINGLAWS_DATA_MIRROR", str(copy))
    with pytest.raises(published.DataIntegrityError, match=victim.name.replace("=", "=")):
        published.fetch("gadre-rw")


@pytest.mark.badinput
def test_an_edited_manifest_is_rejected(monkeypatch):
    ds = published.get("gadre-c4")
    monkeypatch.setitem(
        published.REGISTRY, "gadre-c4", published.Dataset(**{**ds.__dict__, "sha256": "0" * 64})
    )
    with pytest.raises(published.DataIntegrityError, match="manifest"):
        published.fetch("gadre-c4")


@pytest.mark.badinput
def test_an_unknown_corpus_names_the_accepted_ones(raw):
    with pytest.raises(ValueError, match="corpus must be one of c4, rpj, rw, got 'pile'"):
        gadre.runs(raw, "pile")


def test_the_authors_fit_reproduces_their_printed_prediction_errors(raw):
    """Their scaling_explorer.ipynb (the cell that reproduces Figure 1) prints the relative error
    of the law fitted to 5 small RedPajama runs: 0.7103% for the 1.4B run at M = 640 and 0.7320%
    for the 6.9B run at M = 20; half a unit of the last printed digit each."""
    from scalinglaws.constants import GADRE

    p = gadre.authors_fit(published.load("gadre-rpj"), "rpj")
    assert sorted(p.fit_runs) == sorted(
        ["rpj-d=96_l=8_h=4-1.0", "rpj-d=512_l=8_h=4-1.0", "rpj-d=576_l=24_h=8-1.0",
         "rpj-d=1024_l=24_h=8-1.0", "rpj-d=96_l=8_h=4-16.0"]
    )  # fmt: skip
    assert p.errors["open_lm_1b, M=640"] / 100 == pytest.approx(
        GADRE.figure1.open_lm_1b_M640, abs=5e-7
    )
    assert p.errors["open_lm_7b, M=20"] / 100 == pytest.approx(
        GADRE.figure1.open_lm_7b_M20, abs=5e-7
    )
    alpha, beta, b, E = p.params
    assert b < 0 and E > 0  # a decreasing law above an irreducible loss
