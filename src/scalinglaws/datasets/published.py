"""Third-party data registered in :mod:`scalinglaws.datasets.registered`: fetch, verify, load.

Third-party files are never committed to this repository. :func:`fetch` gets a registered file into
the cache (``$SCALINGLAWS_CACHE`` or ``.cache/``), checking its sha256 every time it is used:

* with ``$SCALINGLAWS_DATA_MIRROR`` set, from ``<mirror>/<dataset name>/<file name>`` (offline; CI);
* otherwise from the pinned URL, downloaded and hash-checked by `pooch`.

A file whose hash differs from the registered one raises :class:`DataIntegrityError`, naming the file
and both hashes, and is never used (a corrupt cached copy is deleted). :func:`load` returns a tidy
DataFrame with units in the column names, after a schema check (:class:`DataFormatError`);
:func:`load_columns` the same as arrays without importing pandas, for the data sets it can read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scalinglaws.core import paths
from scalinglaws.datasets.readers import DataError, DataFormatError  # noqa: F401  (re-exported)
from scalinglaws.datasets.registered import (  # noqa: F401  (re-exported: the registry's names)
    COLUMN_READERS,
    PROVENANCE_COLUMNS,
    REGISTRY,
    Dataset,
    RunsProvenance,
    with_provenance,
)

if TYPE_CHECKING:  # imported where a table is built: load_columns needs no pandas
    import pandas as pd

MIRROR_ENV = "SCALINGLAWS_DATA_MIRROR"


class DataIntegrityError(DataError):
    """A file's sha256 differs from the registered one."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_hash(ds: Dataset, path: Path) -> None:
    actual = _sha256(path)
    if actual != ds.sha256:
        raise DataIntegrityError(
            f"dataset '{ds.name}': file {path} has sha256 {actual}, expected {ds.sha256}; "
            "the file is corrupt or not the pinned version and was not used"
        )


def get(name: str) -> Dataset:
    """The registry entry for ``name``; a clear error lists the registered names."""
    if name not in REGISTRY:
        raise DataError(
            f"dataset must be one of {', '.join(map(repr, sorted(REGISTRY)))}, got {name!r}"
        )
    return REGISTRY[name]


def _copy_verified(ds: Dataset, src: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        _check_hash(ds, Path(tmp))
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def manifest_entries(ds: Dataset) -> list[tuple[str, str]]:
    """(sha256, path) of each file of a many-file data set, from its manifest in the package, whose
    own hash must be the registered one."""
    path = Path(__file__).parent / ds.manifest
    if _sha256(path) != ds.sha256:
        raise DataIntegrityError(
            f"dataset '{ds.name}': manifest {path} has sha256 {_sha256(path)}, expected {ds.sha256}"
        )
    lines = [ln.split() for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return [(h, p) for h, p in lines]


def _fetch_manifest(ds: Dataset) -> Path:
    """Every file of a many-file data set into the cache, each checked against its own hash (the
    mirror's copy, else the pinned URL); returns their folder."""
    from urllib.parse import quote

    for sha, rel in manifest_entries(ds):
        one = Dataset(
            ds.name,
            rel,
            ds.url.format(path=quote(rel)),
            sha,
            ds.licence,
            ds.citation,
            ds.description,
            ds.loader,
            folder=ds.home,
        )
        _fetch_one(one)
    return paths.CACHE / ds.home / ds.filename


def fetch(name: str) -> Path:
    """Path of the verified local copy of dataset ``name`` (fetched into the cache if needed); for
    a many-file data set, the folder of its verified files."""
    ds = get(name)
    return _fetch_manifest(ds) if ds.manifest else _fetch_one(ds)


def _fetch_one(ds: Dataset) -> Path:
    target = paths.CACHE / ds.home / ds.filename
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if _sha256(target) == ds.sha256:
            return target
        target.unlink()  # a corrupt or stale cached copy is never used
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        src = Path(mirror) / ds.home / ds.filename
        if not src.is_file():
            raise DataError(
                f"dataset '{ds.name}': {src} not found in the offline mirror "
                f"({MIRROR_ENV}={mirror}); expected <mirror>/{ds.home}/{ds.filename}"
            )
        _copy_verified(ds, src, target)
        return target
    import pooch

    try:
        got = pooch.retrieve(
            ds.url,
            known_hash=f"sha256:{ds.sha256}",
            fname=Path(ds.filename).name,
            path=folder,
            progressbar=False,
        )
    except ValueError as err:  # pooch's hash mismatch; it deletes the download
        raise DataIntegrityError(f"dataset '{ds.name}' from {ds.url}: {err}") from None
    except Exception as err:  # network errors from requests
        raise DataError(
            f"dataset '{ds.name}': could not download {ds.url} ({err}); set {MIRROR_ENV} to a "
            f"folder holding {ds.home}/{ds.filename} to work offline"
        ) from None
    return Path(got)


def load(name: str) -> pd.DataFrame:
    """Tidy DataFrame of dataset ``name`` (fetched and verified first)."""
    ds = get(name)
    return ds.loader(fetch(name))


def load_columns(name: str) -> dict[str, np.ndarray]:
    """The columns of :func:`load` as arrays (fetched and verified first), without pandas; for
    the data sets with a pandas-free reader (``COLUMN_READERS``)."""
    if get(name).name not in COLUMN_READERS:
        raise DataError(f"dataset '{name}' is read with pandas only: use load({name!r})")
    return COLUMN_READERS[name](fetch(name))


def load_runs(name: str) -> pd.DataFrame:
    """Dataset ``name`` as a validated table in the runs schema (docs/runs-schema.md)."""
    from scalinglaws.datasets import schema

    ds = get(name)
    if ds.runs_loader is None:
        raise DataError(f"dataset '{name}' has no runs-schema loader")
    table = schema.validate(ds.runs_loader(load(name)), source=f"dataset '{name}'")
    return with_provenance(table, ds)


def drop_highest_losses(df: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """``df`` without its ``n`` highest-loss rows, as Besiroglu et al. 2024 drop 5 outliers.

    df: a DataFrame, or a mapping of column arrays (as :func:`load_columns` returns; returned as
    a dict of arrays in the same row order)."""
    loss = np.asarray(df["loss_nats"], dtype=float)
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < loss.size:
        raise ValueError(f"n must be an integer in [0, {loss.size - 1}], got {n!r}")
    keep = np.ones(loss.size, dtype=bool)
    keep[np.argsort(-loss, kind="stable")[:n]] = False  # ties: the first rows, as nlargest
    if isinstance(df, dict):
        return {k: np.asarray(v)[keep] for k, v in df.items()}
    return df[keep]
