"""The study's corpora: manifest, checksums and split (scalinglaws.runs.corpora)."""

import json
import sys

import numpy as np
import pytest

pytest.importorskip("torch")

from scalinglaws.runs import corpora  # noqa: E402

needs_stdlib = pytest.mark.skipif(
    sys.version_info[:3] != corpora.STDLIB_VERSION, reason="code corpus pins CPython 3.11.7"
)


def test_manifest_records_sources_licences_and_digests():
    m = corpora.read_manifest()
    assert set(m["corpora"]) == set(corpora.CORPORA)
    for spec in m["corpora"].values():
        assert spec["bytes"] >= 10_000_000  # each corpus is ~10 MB or more
        assert len(spec["sha256"]) == 64
        assert spec["train_bytes"] + spec["validation_bytes"] == spec["bytes"]
        for src in spec["sources"]:
            assert src["licence"] and src["version"] and src["members"]
            assert all(len(f["sha256"]) == 64 for f in src["members"])
    code = m["corpora"]["code"]["sources"][0]["members"]
    assert not any("/test/" in f["path"] or f["path"].startswith("test/") for f in code)


def test_split_is_fixed_and_interleaved():
    data = np.arange(corpora.BLOCK_BYTES * 45, dtype=np.int64)
    train, val = corpora.split(data)
    assert val.size == 2 * corpora.BLOCK_BYTES  # blocks 19 and 39
    assert val[0] == 19 * corpora.BLOCK_BYTES
    assert np.intersect1d(train, val).size == 0 and train.size + val.size == data.size


@needs_stdlib
@pytest.mark.badinput
def test_source_checksum_mismatch_is_a_clear_error(tmp_path):
    m = corpora.read_manifest()
    member = m["corpora"]["code"]["sources"][0]["members"][3]
    member["sha256"] = "0" * 64
    bad = tmp_path / "corpora.json"
    bad.write_text(json.dumps(m))
    with pytest.raises(corpora.CorpusChecksumError) as err:
        corpora.load("code", manifest=bad, cache=tmp_path / "cache")
    msg = str(err.value)
    assert member["path"] in msg and "0" * 64 in msg and "sha256 mismatch" in msg


@needs_stdlib
@pytest.mark.badinput
def test_built_corpus_checksum_mismatch_is_a_clear_error(tmp_path):
    m = corpora.read_manifest()
    m["corpora"]["code"]["sha256"] = "f" * 64
    bad = tmp_path / "corpora.json"
    bad.write_text(json.dumps(m))
    with pytest.raises(corpora.CorpusChecksumError, match="built corpus 'code'"):
        corpora.load("code", manifest=bad, cache=tmp_path / "cache")


@pytest.mark.badinput
def test_unknown_corpus_is_rejected():
    with pytest.raises(ValueError, match="corpus must be one of"):
        corpora.load("wikitext")
