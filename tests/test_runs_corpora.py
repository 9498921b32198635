"""The study's corpora: manifest, checksums and split (scalinglaws.training.corpora)."""

import json
import sys

import numpy as np
import pytest

pytest.importorskip("torch")

from scalinglaws.training import corpora  # noqa: E402

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
    sympy = m["corpora"]["code-sympy"]["sources"][0]
    assert sympy["filename"] == "sympy-1.14.0.tar.gz" and "--no-binary :all:" in sympy["fetch"]
    for f in sympy["members"]:
        folders = f["path"].split("/")[2:-1]
        assert f["path"].endswith(".py") and not f["path"].split("/")[-1].startswith("test_")
        assert not {"tests", "test", "testing", "benchmarks", "_antlr"} & set(folders), f["path"]


def test_v2_code_corpus_builds_under_any_python():
    """code-sympy is fetched from the package index like the prose, not read from the running
    interpreter: no skip on the Python version, and the built bytes match the manifest."""
    c = corpora.load("code-sympy")
    spec = corpora.read_manifest()["corpora"]["code-sympy"]
    assert c.sha256 == spec["sha256"] and c.train.size == spec["train_bytes"]
    assert c.train.size + c.validation.size >= 10_000_000
    assert bytes(c.train[:25]) == b"# file: sympy/__init__.py"


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


@pytest.mark.badinput
def test_member_checksum_mismatch_in_a_pypi_source_is_a_clear_error(tmp_path):
    m = corpora.read_manifest()
    corpora.load("code-sympy")  # the sdist in the default cache, copied below (no second fetch)
    src = corpora.paths.CACHE / "runs" / "sources" / "sympy-1.14.0.tar.gz"
    (tmp_path / "cache" / "sources").mkdir(parents=True)
    (tmp_path / "cache" / "sources" / src.name).write_bytes(src.read_bytes())
    member = m["corpora"]["code-sympy"]["sources"][0]["members"][5]
    member["sha256"] = "0" * 64
    bad = tmp_path / "corpora.json"
    bad.write_text(json.dumps(m))
    with pytest.raises(corpora.CorpusChecksumError) as err:
        corpora.load("code-sympy", manifest=bad, cache=tmp_path / "cache")
    assert member["path"] in str(err.value) and "0" * 64 in str(err.value)


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
