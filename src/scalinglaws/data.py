"""Registry of third-party data: pinned URL, sha256, licence and citation; fetch, verify, load.

Third-party files are never committed to this repository. :func:`fetch` gets a registered file into
the cache (``$SCALINGLAWS_CACHE`` or ``.cache/``), checking its sha256 every time it is used:

* with ``$SCALINGLAWS_DATA_MIRROR`` set, from ``<mirror>/<dataset name>/<file name>`` (offline; CI);
* otherwise from the pinned URL, downloaded and hash-checked by `pooch`.

A file whose hash differs from the registered one raises :class:`DataIntegrityError`, naming the file
and both hashes, and is never used (a corrupt cached copy is deleted). :func:`load` returns a tidy
DataFrame with units in the column names, after a schema check (:class:`DataFormatError`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pooch

from scalinglaws import paths

MIRROR_ENV = "SCALINGLAWS_DATA_MIRROR"


class DataError(RuntimeError):
    """A registered dataset could not be fetched or read."""


class DataIntegrityError(DataError):
    """A file's sha256 differs from the registered one."""


class DataFormatError(DataError):
    """A file does not have the registered schema (columns, types, ranges)."""


@dataclass(frozen=True)
class Dataset:
    """One registered third-party file."""

    name: str  # registry key, also the folder name in the mirror and the cache
    filename: str
    url: str  # pinned to a commit
    sha256: str
    licence: str
    citation: str
    description: str
    loader: Callable[[Path], pd.DataFrame]


def _sha256(path: Path) -> str:
    return pooch.file_hash(str(path), alg="sha256")


def _check_hash(ds: Dataset, path: Path) -> None:
    actual = _sha256(path)
    if actual != ds.sha256:
        raise DataIntegrityError(
            f"dataset '{ds.name}': file {path} has sha256 {actual}, expected {ds.sha256}; "
            "the file is corrupt or not the pinned version and was not used"
        )


def _load_epoch_fig4(path: Path) -> pd.DataFrame:
    required = {"Model Size": "params", "Training FLOP": "flops", "loss": "loss_nats"}
    try:
        raw = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataFormatError(
            f"dataset 'epoch-chinchilla-fig4': cannot parse {path}: {err}"
        ) from None
    missing = [c for c in (*required, "x", "y", "color") if c not in raw.columns]
    if missing:
        raise DataFormatError(
            f"dataset 'epoch-chinchilla-fig4': {path} lacks column(s) {missing}; "
            f"expected at least {sorted([*required, 'x', 'y', 'color'])}"
        )
    out = pd.DataFrame()
    for src, dst in required.items():
        col = pd.to_numeric(raw[src], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(col) | (col <= 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise DataFormatError(
                f"dataset 'epoch-chinchilla-fig4': column '{src}' must hold finite numbers > 0, "
                f"row {row} holds {raw[src].iloc[row]!r}"
            )
        out[dst] = col
    if len(out) == 0:
        raise DataFormatError(f"dataset 'epoch-chinchilla-fig4': {path} has no data rows")
    out.insert(2, "tokens", out["flops"] / (6.0 * out["params"]))  # Epoch: D = C / (6 N)
    out["svg_x"] = raw["x"].astype(float)
    out["svg_y"] = raw["y"].astype(float)
    out["color"] = raw["color"].astype(str)
    return out


REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="epoch-chinchilla-fig4",
            filename="svg_extracted_data.csv",
            url=(
                "https://raw.githubusercontent.com/epoch-research/analyzing-chinchilla/"
                "92258837425e1b5f2851d624287f0120583a3d0e/data/svg_extracted_data.csv"
            ),
            sha256="193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30",
            licence=(
                "none declared by Epoch AI (no LICENSE in the repository): fetched, never "
                "redistributed here; cite both papers"
            ),
            citation=(
                "Besiroglu, T., Erdil, E., Barnett, M. and You, J. (2024). Chinchilla Scaling: A "
                "replication attempt. arXiv:2404.10102. Points read off Figure 4 (left) of "
                "Hoffmann et al. (2022), arXiv:2203.15556."
            ),
            description=(
                "245 training runs of Hoffmann et al. (2022) read off their Figure 4 (model size, "
                "training FLOP, loss from the colour bar); tokens derived as C / (6 N)."
            ),
            loader=_load_epoch_fig4,
        ),
    )
}


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


def fetch(name: str) -> Path:
    """Path of the verified local copy of dataset ``name`` (fetched into the cache if needed)."""
    ds = get(name)
    folder = paths.CACHE / ds.name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ds.filename
    if target.exists():
        if _sha256(target) == ds.sha256:
            return target
        target.unlink()  # a corrupt or stale cached copy is never used
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        src = Path(mirror) / ds.name / ds.filename
        if not src.is_file():
            raise DataError(
                f"dataset '{ds.name}': {src} not found in the offline mirror "
                f"({MIRROR_ENV}={mirror}); expected <mirror>/{ds.name}/{ds.filename}"
            )
        _copy_verified(ds, src, target)
        return target
    try:
        got = pooch.retrieve(
            ds.url,
            known_hash=f"sha256:{ds.sha256}",
            fname=ds.filename,
            path=folder,
            progressbar=False,
        )
    except ValueError as err:  # pooch's hash mismatch; it deletes the download
        raise DataIntegrityError(f"dataset '{ds.name}' from {ds.url}: {err}") from None
    except Exception as err:  # network errors from requests
        raise DataError(
            f"dataset '{ds.name}': could not download {ds.url} ({err}); set {MIRROR_ENV} to a "
            f"folder holding {ds.name}/{ds.filename} to work offline"
        ) from None
    return Path(got)


def load(name: str) -> pd.DataFrame:
    """Tidy DataFrame of dataset ``name`` (fetched and verified first)."""
    ds = get(name)
    return ds.loader(fetch(name))


def drop_highest_losses(df: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """``df`` without its ``n`` highest-loss rows, as Besiroglu et al. 2024 drop 5 outliers."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < len(df):
        raise ValueError(f"n must be an integer in [0, {len(df) - 1}], got {n!r}")
    return df.drop(df["loss_nats"].nlargest(n).index)
