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

import csv
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scalinglaws import paths

if TYPE_CHECKING:  # imported where a table is built: load_columns needs no pandas
    import pandas as pd

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


EPOCH_REQUIRED = {"Model Size": "params", "Training FLOP": "flops", "loss": "loss_nats"}


def _epoch_fig4_columns(path: Path) -> dict[str, np.ndarray]:
    """Epoch's extraction as arrays params, flops, tokens, loss_nats, svg_x, svg_y, color, read
    with the csv module (no pandas); D = C / (6 N) as Epoch derive it."""
    name, cols = "dataset 'epoch-chinchilla-fig4'", (*EPOCH_REQUIRED, "x", "y", "color")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            header, *body = [r for r in csv.reader(fh) if r] or [[]]
    except (UnicodeDecodeError, csv.Error) as err:
        raise DataFormatError(f"{name}: cannot parse {path}: {err}") from None
    if not header or any(len(r) != len(header) for r in body):
        raise DataFormatError(f"{name}: cannot parse {path}: empty, or rows of unequal length")
    if missing := [c for c in cols if c not in header]:
        raise DataFormatError(
            f"{name}: {path} lacks column(s) {missing}; expected at least {sorted(cols)}"
        )
    if not body:
        raise DataFormatError(f"{name}: {path} has no data rows")
    text = {c: [r[header.index(c)] for r in body] for c in cols}
    out = {}
    for src, dst in EPOCH_REQUIRED.items():
        out[dst] = col = np.array([_number(v) for v in text[src]])
        if (bad := ~np.isfinite(col) | (col <= 0)).any():
            row = int(np.flatnonzero(bad)[0])
            raise DataFormatError(
                f"{name}: column '{src}' must hold finite numbers > 0, row {row} holds {text[src][row]!r}"
            )
    return {
        "params": out["params"],
        "flops": out["flops"],
        "tokens": out["flops"] / (6.0 * out["params"]),
        "loss_nats": out["loss_nats"],
        "svg_x": np.array(text["x"], dtype=float),
        "svg_y": np.array(text["y"], dtype=float),
        "color": np.array(text["color"], dtype=object),
    }


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _load_epoch_fig4(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(_epoch_fig4_columns(path))


def _read_csv(name: str, path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    try:
        raw = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataFormatError(f"dataset '{name}': cannot parse {path}: {err}") from None
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataFormatError(
            f"dataset '{name}': {path} lacks column(s) {missing}; expected at least {list(columns)}"
        )
    if len(raw) == 0:
        raise DataFormatError(f"dataset '{name}': {path} has no data rows")
    return raw


MISFITTING_COLUMNS = (
    "loss",
    "N",
    "N_no_emb",
    "D",
    "C",
    "model",
    "total_steps",
    "current_steps",
    "peak_lr",
    "portion_steps_elapsed",
)


def _load_misfitting(path: Path) -> pd.DataFrame:
    """Li et al. 2025's checkpoints as published (the columns of their README, unchanged)."""
    return _read_csv("misfitting-scaling-results", path, MISFITTING_COLUMNS)


def _misfitting_runs(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per checkpoint; a run is (model, total_steps, peak_lr), step = current_steps.

    Two kinds of runs are left out, as the runs schema requires: runs with a duplicated
    checkpoint (at the pinned commit, 16 runs of ``misfitting_17m`` hold 27 steps twice, often
    with different losses, so which row is right cannot be told: 224 runs remain) and runs whose
    last checkpoint is before ``total_steps`` (unfinished schedules; none at the pinned commit).
    """
    import pandas as pd

    key = ["model", "total_steps", "peak_lr"]
    dup = raw.duplicated([*key, "current_steps"], keep=False)
    bad = raw.loc[dup, key].drop_duplicates()
    last = raw.groupby(key)["current_steps"].transform("max")
    unfinished = raw.loc[last < raw["total_steps"], key].drop_duplicates()
    drop = pd.concat([bad, unfinished]).drop_duplicates()
    keep = ~raw.set_index(key).index.isin(pd.MultiIndex.from_frame(drop))
    raw = raw[keep].reset_index(drop=True)
    run = (
        raw["model"].astype(str)
        + "/steps="
        + raw["total_steps"].astype(str)
        + "/lr="
        + (raw["peak_lr"].map(lambda x: f"{x:g}"))
    )
    return pd.DataFrame(
        {
            "run": run,
            "step": raw["current_steps"],
            "params": raw["N"],
            "params_non_embedding": raw["N_no_emb"],
            "tokens": raw["D"],
            "flops": raw["C"],
            "loss": raw["loss"],
            "model": raw["model"],
            "total_steps": raw["total_steps"],
            "peak_lr": raw["peak_lr"],
        }
    )


LLAMA3_COLUMNS = ("compute_budget", "training_tokens", "validation_loss")


def _load_llama3(path: Path) -> pd.DataFrame:
    """The points of Llama 3's Figure 2 as extracted (budget, tokens, validation loss)."""
    return _read_csv("llama3-isoflops", path, LLAMA3_COLUMNS)


def _llama3_runs(raw: pd.DataFrame) -> pd.DataFrame:
    """Runs schema: N = C / (6 D) (the paper's C = 6 N D), budget = the curve's legend value."""
    import pandas as pd

    C = raw["compute_budget"].astype(float)
    D = raw["training_tokens"].astype(float)
    return pd.DataFrame(
        {
            "params": C / (6.0 * D),
            "tokens": D,
            "loss": raw["validation_loss"],
            "flops": C,
            "budget": C,
        }
    )


def _epoch_runs(df: pd.DataFrame) -> pd.DataFrame:
    """Runs schema; ``budget``: the nearest of Hoffmann 2022's nine IsoFLOP budgets (section 3.2)
    within 0.06 in log10 FLOPs, blank for points near none (as notebook 03's Approach 2)."""
    import pandas as pd

    from scalinglaws.constants import HOFFMANN

    budgets = np.asarray(HOFFMANN.budgets.isoflop, dtype=float)
    lc = np.log10(df["flops"].to_numpy(dtype=float))
    dist = np.abs(lc[:, None] - np.log10(budgets)[None, :])
    nearest = np.argmin(dist, axis=1)
    on = dist[np.arange(lc.size), nearest] <= EPOCH_BUDGET_TOL
    return pd.DataFrame(
        {
            "params": df["params"],
            "tokens": df["tokens"],
            "loss": df["loss_nats"],
            "flops": df["flops"],
            "budget": np.where(on, budgets[nearest], np.nan),
        }
    )


EPOCH_BUDGET_TOL = 0.06  # log10 FLOPs: the default isoflop_tol of notebook 03


def _load_gemstones(path: Path) -> pd.DataFrame:
    from scalinglaws import data_gemstones

    try:
        return data_gemstones.load(path)
    except ValueError as err:
        raise DataFormatError(str(err)) from None


def _gemstones_runs(raw: pd.DataFrame) -> pd.DataFrame:
    from scalinglaws import data_gemstones

    return data_gemstones.runs(raw)


def _load_gadre(path: Path) -> pd.DataFrame:
    from scalinglaws import data_gadre

    return data_gadre.load(path)


def _gadre_runs(corpus: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def runs(raw: pd.DataFrame) -> pd.DataFrame:
        from scalinglaws import data_gadre

        return data_gadre.runs(raw, corpus)

    return runs


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
        loader=_load_gadre,
        runs_loader=_gadre_runs(corpus),
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
            loader=_load_epoch_fig4,
            runs_loader=_epoch_runs,
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
            loader=_load_misfitting,
            runs_loader=_misfitting_runs,
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
            loader=_load_llama3,
            runs_loader=_llama3_runs,
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
                "training loss in nats per token; FLOPs by the authors' counter (data_gemstones)."
            ),
            loader=_load_gemstones,
            runs_loader=_gemstones_runs,
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
            loader=_load_gemstones,
            runs_loader=_gemstones_runs,
        ),
        *(_gadre(c) for c in ("c4", "rpj", "rw")),
    )
}

COLUMN_READERS: dict[str, Callable[[Path], dict[str, np.ndarray]]] = {
    "epoch-chinchilla-fig4": _epoch_fig4_columns,
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
    from scalinglaws import runs_schema

    ds = get(name)
    if ds.runs_loader is None:
        raise DataError(f"dataset '{name}' has no runs-schema loader")
    return runs_schema.validate(ds.runs_loader(load(name)), source=f"dataset '{name}'")


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
