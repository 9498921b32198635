"""The data registry: pinned files verified by sha256, the offline mirror, and schema checks."""

import shutil

import numpy as np
import pandas as pd
import pytest

from scalinglaws.datasets import published

NAME = "epoch-chinchilla-fig4"
FILE = "svg_extracted_data.csv"


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A private copy of the real mirror, safe to tamper with."""
    import os

    real = os.environ["SCALINGLAWS_DATA_MIRROR"]
    copy = tmp_path / "mirror"
    shutil.copytree(f"{real}/{NAME}", copy / NAME)
    monkeypatch.setenv("SCALINGLAWS_DATA_MIRROR", str(copy))
    return copy


def test_registry_entry_is_pinned():
    ds = published.get(NAME)
    assert "92258837425e1b5f2851d624287f0120583a3d0e" in ds.url  # a commit, not a branch
    assert len(ds.sha256) == 64 and ds.licence and "2404.10102" in ds.citation


def test_load_is_tidy(private_cache):
    df = published.load(NAME)
    # Besiroglu et al. 2024: 245 points read off Hoffmann et al. 2022 Figure 4.
    assert len(df) == 245
    assert list(df.columns[:4]) == ["params", "flops", "tokens", "loss_nats"]
    pd.testing.assert_series_equal(
        df["tokens"], df["flops"] / (6 * df["params"]), check_names=False
    )
    assert df["loss_nats"].between(2.0, 5.1).all()
    # The data README: 43 distinct model sizes (read off the figure, so equal to ~0.1%).
    assert np.unique(np.round(np.log10(df["params"]), 3)).size == 43
    assert len(published.drop_highest_losses(df)) == 240  # Epoch's fits drop the 5 highest losses
    assert published.drop_highest_losses(df)["loss_nats"].max() < 3.447


@pytest.mark.badinput
def test_tampered_mirror_file_is_rejected(private_cache, mirror):
    f = mirror / NAME / FILE
    f.write_bytes(f.read_bytes().replace(b"5.005581996196243", b"5.105581996196243"))
    with pytest.raises(published.DataIntegrityError) as err:
        published.load(NAME)
    msg = str(err.value)
    assert FILE in msg and published.get(NAME).sha256 in msg and "expected" in msg
    assert not (private_cache / NAME / FILE).exists()  # the corrupt file is never used


@pytest.mark.badinput
def test_truncated_mirror_file_is_rejected(private_cache, mirror):
    f = mirror / NAME / FILE
    f.write_bytes(f.read_bytes()[:1000])
    with pytest.raises(published.DataIntegrityError, match="sha256"):
        published.fetch(NAME)


@pytest.mark.badinput
def test_tampered_cache_is_replaced_from_mirror(private_cache):
    good = published.fetch(NAME)
    good.write_text("x,y\n1,2\n")
    assert len(published.load(NAME)) == 245  # the bad cached copy was discarded and refetched


@pytest.mark.badinput
def test_missing_mirror_file_is_a_clear_error(private_cache, mirror):
    (mirror / NAME / FILE).unlink()
    with pytest.raises(
        published.DataError, match=r"not found in the offline mirror .*SCALINGLAWS_DATA_MIRROR"
    ):
        published.fetch(NAME)


@pytest.mark.badinput
def test_unknown_dataset():
    with pytest.raises(
        published.DataError,
        match=r"dataset must be one of 'epoch-chinchilla-fig4', 'gadre-c4', 'gadre-rpj', "
        r"'gadre-rw', 'gemstones', 'gemstones-cooldown', 'llama3-isoflops', "
        r"'misfitting-scaling-results', got 'nope'",
    ):
        published.load("nope")


@pytest.mark.parametrize(
    "text, pattern",
    [
        ("x,y,color,Model Size,loss\n1,2,#fff,3,4\n", r"lacks column\(s\) \['Training FLOP'\]"),
        (
            "x,y,color,Model Size,Training FLOP,loss\n1,2,#fff,-3,1e18,2.5\n",
            r"'Model Size' must hold finite numbers > 0, row 0",
        ),
        (
            "x,y,color,Model Size,Training FLOP,loss\n1,2,#fff,3e8,1e18,abc\n",
            r"'loss' must hold finite numbers > 0",
        ),
        ("x,y,color,Model Size,Training FLOP,loss\n", r"has no data rows"),
        ("", r"cannot parse"),
    ],
)
@pytest.mark.badinput
def test_wrong_schema_is_a_clear_error(tmp_path, text, pattern):
    f = tmp_path / FILE
    f.write_text(text)
    with pytest.raises(published.DataFormatError, match=pattern):
        published.get(NAME).loader(f)


@pytest.mark.badinput
def test_drop_highest_losses_checks_n(private_cache):
    df = published.load(NAME)
    with pytest.raises(ValueError, match=r"n must be an integer in \[0, 244\], got -1"):
        published.drop_highest_losses(df, -1)


def test_llama3_points_in_the_runs_schema():
    """Llama 3 Fig 2 extraction: 133 points on 10 budgets (6e18-1e22 FLOPs), N = C / (6 D)."""
    runs = published.load_runs("llama3-isoflops")
    assert len(runs) == 133 and runs["budget"].nunique() == 10
    assert runs["budget"].min() == 6e18 and runs["budget"].max() == 1e22
    assert (6 * runs["params"] * runs["tokens"] / runs["flops"]).to_numpy() == pytest.approx(1.0)


def test_misfitting_runs_in_the_runs_schema():
    """Li et al. 2025: 240 runs in 4,852 checkpoints (their README); the 16 runs holding a
    checkpoint twice are left out."""
    raw = published.load("misfitting-scaling-results")
    assert len(raw) == 4852
    assert raw.groupby(["model", "total_steps", "peak_lr"]).ngroups == 240
    runs = published.load_runs("misfitting-scaling-results")
    assert runs["run"].nunique() == 224
    assert not runs.duplicated(["run", "step"]).any()
    assert (runs["params_non_embedding"] < runs["params"]).all()


def test_registry_file_entries_are_checked(tmp_path):
    """An entry of registry.toml with a misspelled key is refused naming the key and the file; a
    ``factory:argument`` reader calls the factory (the Gadre corpora)."""
    from scalinglaws.datasets import registered

    bad = tmp_path / "registry.toml"
    bad.write_text('[[dataset]]\nname = "x"\nfilename = "x.csv"\nsha265 = "0"\n')
    with pytest.raises(
        ValueError, match=r"registry.toml: dataset 'x' has unknown key\(s\) \['sha265'\]"
    ):
        registered._load_registry(bad)
    gadre = registered.REGISTRY["gadre-rpj"]
    assert gadre.runs_loader.__closure__[0].cell_contents == "rpj"
    assert {d.name for d in registered.REGISTRY.values()} >= {"gadre-c4", "gadre-rw", "gemstones"}
