"""What is registered: every third-party data set's pinned URL, sha256, licence, citation, how its
file becomes a table (:mod:`scalinglaws.datasets.readers`) and the provenance of its runs.
:mod:`scalinglaws.datasets.published` fetches, verifies and loads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scalinglaws.datasets import readers

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunsProvenance:
    """How a data set's runs were counted and measured: the provenance columns its runs-schema
    table carries on every row (docs/runs-schema.md)."""

    flops: str  # the FLOP convention of its ``flops`` column
    params: str  # the parameter count(s) it gives
    loss: str  # held-out or training loss, and its unit
    schedule: str  # learning-rate schedule of the runs
    checkpoint: str  # final losses only, or intermediate checkpoints too


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
    provenance: RunsProvenance | None = None  # for data sets with a runs-schema loader

    @property
    def home(self) -> str:
        return self.folder or self.name

    @property
    def source(self) -> str:
        """``github.com/<owner>/<repository>@<commit>`` of the pinned URL."""
        m = re.search(r"githubusercontent\.com/([^/]+/[^/]+)/([0-9a-f]{7,40})/", self.url)
        return f"github.com/{m.group(1)}@{m.group(2)[:8]}" if m else self.url


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
        sha256="1f37e6c28a210836693c8c66096eabe429629b93fcd8a94b13c1f10d21543e6f",
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
        provenance=RunsProvenance(
            flops="6 N D",
            params="total, embeddings included",
            loss="C4 eval loss (the authors' fitting loss), nats per token",
            schedule="cosine, one run each",
            checkpoint="final",
        ),
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
            provenance=RunsProvenance(
                flops="as plotted in Hoffmann 2022 Figure 4 (tokens derived as C / 6N)",
                params="total, embeddings included (as plotted)",
                loss="final loss as plotted, nats per token",
                schedule="cosine (Hoffmann 2022 section 3)",
                checkpoint="final",
            ),
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
            provenance=RunsProvenance(
                flops="the authors' count, attention and embeddings included",
                params="total and non-embedding",
                loss="C4 validation loss, nats per token",
                schedule="cosine; several horizons and 3 peak learning rates a size",
                checkpoint="intermediate and final",
            ),
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
            provenance=RunsProvenance(
                flops="the plotted budget (C = 6 N D)",
                params="derived as N = C / (6 D)",
                loss="validation loss as plotted (unit not stated)",
                schedule="not stated in the figure",
                checkpoint="final",
            ),
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
            provenance=RunsProvenance(
                flops="the authors' counter (datasets.gemstones)",
                params="total, embeddings included",
                loss="training loss, nats per token",
                schedule="constant after warmup",
                checkpoint="intermediate (every 2B tokens)",
            ),
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
            provenance=RunsProvenance(
                flops="the authors' counter (datasets.gemstones)",
                params="total, embeddings included",
                loss="training loss, nats per token",
                schedule="constant after warmup, then a cooldown at the run's end",
                checkpoint="the end of each cooldown",
            ),
        ),
        *(_gadre(c) for c in ("c4", "rpj", "rw")),
    )
}

COLUMN_READERS: dict[str, Callable[[Path], dict[str, np.ndarray]]] = {
    "epoch-chinchilla-fig4": readers.epoch_fig4_columns,
}
"""Data sets :func:`load_columns` reads without pandas: name -> reader of the verified file."""


PROVENANCE_COLUMNS = (
    "source",
    "licence",
    "flops_convention",
    "params_convention",
    "loss_kind",
    "schedule",
    "checkpoint_kind",
)


def with_provenance(table: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """``table`` with the data set's provenance on every row (``PROVENANCE_COLUMNS``)."""
    p = ds.provenance
    values = (ds.source, ds.licence.split(":")[0].split(" (")[0])
    values += (p.flops, p.params, p.loss, p.schedule, p.checkpoint) if p else ("",) * 5
    return table.assign(**dict(zip(PROVENANCE_COLUMNS, values, strict=True)))
