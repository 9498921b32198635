"""Registry of third-party data: pinned URL, sha256, licence and citation; fetch, verify, load.

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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scalinglaws.core import paths
from scalinglaws.datasets import readers
from scalinglaws.datasets.readers import DataError, DataFormatError  # noqa: F401  (re-exported)

if TYPE_CHECKING:  # imported where a table is built: load_columns needs no pandas
    import pandas as pd

MIRROR_ENV = "SCALINGLAWS_DATA_MIRROR"


class DataIntegrityError(DataError):
    """A file's sha256 differs from the registered one."""


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
    runs_loader: Callable[[pd.DataFrame], pd.DataFrame] | None = (
        None  # loader's table -> runs schema
    )
    folder: str = ""  # the mirror's and the cache's folder, when several data sets share one
    # a data set of many files: the package's manifest of their sha256 and paths; ``filename`` is
    # then their folder, ``url`` a pattern with ``{path}``, ``sha256`` the manifest's own hash
    manifest: str = ""

    @property
    def home(self) -> str:
        return self.folder or self.name


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


_GADRE_URL = (
    "https://raw.githubusercontent.com/mlfoundations/scaling/"
    "a003c4913793ac2ae7ef87b28ecb562955d026d5/{path}"
)
_GADRE_CITATION = (
    "Gadre, S. Y., Smyrnis, G., Shankar, V., et al. (2024). Language models scale reliably with "
    "over-training and on downstream tasks. arXiv:2403.08540. Data: github.com/mlfoundations/"
    "scaling, exp_data/models/ (104 files)."
)
_GADRE_CORPUS = {"c4": "C4", "rpj": "RedPajama", "rw": "RefinedWeb"}


def _gadre(corpus: str) -> Dataset:
    return Dataset(
        name=f"gadre-{corpus}",
        folder="gadre-overtraining",
        filename="exp_data/models",
        url=_GADRE_URL,
        sha256="b701ecd624bbd500b764922233bfb785c47ddd0382aa5d3b29cd0303c4eb2ab1",
        manifest="manifests/gadre-overtraining.sha256",
        licence="MIT (Copyright (c) 2024 mlfoundations); fetched, cite the paper",
        citation=_GADRE_CITATION,
        description=(
            f"Gadre et al. 2024's models trained on {_GADRE_CORPUS[corpus]} (of 104 over 3 corpora): "
            "10.6M-6.9B parameters at 5-640 tokens per parameter, one cosine run each; final "
            "C4-eval loss in nats per token (the authors' fitting loss); C = 6 N D."
        ),
        loader=readers.load_gadre,
        runs_loader=readers.gadre_runs(corpus),
    )


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
            loader=readers.load_epoch_fig4,
            runs_loader=readers.epoch_runs,
        ),
        Dataset(
            name="misfitting-scaling-results",
            filename="scaling_results.csv",
            url=(
                "https://raw.githubusercontent.com/hadasah/scaling_laws/"
                "1f3708c0a12df0effb0ee906b1da5f9f0ff4f4f1/data/scaling_results.csv"
            ),
            sha256="193b4b7665365112605417e2ef06d55efe599cfa08412354e3ae42c3af7a9f58",
            licence=(
                "none declared (no LICENSE in the repository at the pinned commit): fetched, never "
                "redistributed here; cite the paper"
            ),
            citation=(
                "Li, M., Kudugunta, S. and Zettlemoyer, L. (2025). (Mis)Fitting Scaling Laws: A "
                "Survey of Scaling Law Fitting Techniques in Deep Learning. ICLR 2025. "
                "arXiv:2502.18969. Data: github.com/hadasah/scaling_laws, data/scaling_results.csv."
            ),
            description=(
                "Learning curves of 240 runs on C4 (11 sizes, 12M-1B non-embedding parameters, "
                "several cosine horizons and 3 peak learning rates per size), one row per "
                "checkpoint; loss is C4 validation loss in nats per token; C counts attention and "
                "embeddings."
            ),
            loader=readers.load_misfitting,
            runs_loader=readers.misfitting_runs,
        ),
        Dataset(
            name="llama3-isoflops",
            filename="isoflops_points.csv",
            url=(
                "https://raw.githubusercontent.com/eric-czech/llama3_isoflop_extraction/"
                "1bc1755b76e6ee55a911549c8ec52b71cb480320/isoflops_points.csv"
            ),
            sha256="5675ea68f14be53bd09bf0d65667c0f25668aa82ecc48020864ae371e7a38a8a",
            licence=(
                "none declared (no LICENSE in the extraction repository): fetched, never "
                "redistributed here; cite the Llama 3 paper and the extraction"
            ),
            citation=(
                "Llama Team, AI @ Meta (2024). The Llama 3 Herd of Models. arXiv:2407.21783, "
                "section 3.2.1, Figure 2. Points extracted from the figure's vector graphics by "
                "github.com/eric-czech/llama3_isoflop_extraction (isoflops_points.csv)."
            ),
            description=(
                "133 points of Llama 3's IsoFLOP curves (10 budgets, 6e18-1e22 FLOPs): budget, "
                "training tokens and validation loss as plotted (unit not stated); parameters "
                "derived as N = C / (6 D)."
            ),
            loader=readers.load_llama3,
            runs_loader=readers.llama3_runs,
        ),
        Dataset(
            name="gemstones",
            folder="gemstones",
            filename="wandb_dfs/wandb_df_for_fitting_hot_477.jsonl",
            url="https://raw.githubusercontent.com/mcleish7/gemstone-scaling-laws/5f420478f6057b0cbb4d13405fb10ca64675bccb/wandb_dfs/wandb_df_for_fitting_hot_477.jsonl",
            sha256="bebd60d6c3f28094451b629aa717ec36baeab81097d4be39e7dd9241ee982aad",
            licence="MIT (Copyright (c) 2025 the Gemstones authors); fetched, cite the paper",
            citation=(
                "McLeish, S., Kirchenbauer, J., Miller, D. Y., Singh, S., Bhatele, A., Goldblum, M., "
                "Panda, A. and Goldstein, T. (2025). Gemstones: A Model Suite for Multi-Faceted "
                "Scaling Laws. arXiv:2502.06857 (NeurIPS 2025)."
            ),
            description=(
                "22 transformer shapes (widths 256-3072, depths 3-80, 48M-2.0B parameters) trained "
                "at a constant learning rate after warmup; a checkpoint every 2B tokens to 100B; "
                "training loss in nats per token; FLOPs by the authors' counter (datasets.gemstones)."
            ),
            loader=readers.load_gemstones,
            runs_loader=readers.gemstones_runs,
        ),
        Dataset(
            name="gemstones-cooldown",
            folder="gemstones",
            filename="wandb_dfs/wandb_df_for_fitting_cool_end.jsonl",
            url="https://raw.githubusercontent.com/mcleish7/gemstone-scaling-laws/5f420478f6057b0cbb4d13405fb10ca64675bccb/wandb_dfs/wandb_df_for_fitting_cool_end.jsonl",
            sha256="bdf01b6b21bafc414218124a6f9e195cee07f3d69ceacbfae2fcf069d34f4e61",
            licence="MIT (Copyright (c) 2025 the Gemstones authors); fetched, cite the paper",
            citation=(
                "McLeish, S. et al. (2025). Gemstones: A Model Suite for Multi-Faceted Scaling "
                "Laws. arXiv:2502.06857. The cooldown runs (the authors' cool_end file)."
            ),
            description=(
                "The Gemstones runs' checkpoints with a learning-rate cooldown at their end (the "
                "file the authors' cooldown Approach 1 reads); training loss in nats per token."
            ),
            loader=readers.load_gemstones,
            runs_loader=readers.gemstones_runs,
        ),
        *(_gadre(c) for c in ("c4", "rpj", "rw")),
    )
}

COLUMN_READERS: dict[str, Callable[[Path], dict[str, np.ndarray]]] = {
    "epoch-chinchilla-fig4": readers.epoch_fig4_columns,
}
"""Data sets :func:`load_columns` reads without pandas: name -> reader of the verified file."""


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
    return schema.validate(ds.runs_loader(load(name)), source=f"dataset '{name}'")


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
