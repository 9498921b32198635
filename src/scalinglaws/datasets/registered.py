"""What is registered: every third-party data set's pinned URL, sha256, licence, citation, how its
file becomes a table (:mod:`scalinglaws.datasets.readers`) and the provenance of its runs.
:mod:`scalinglaws.datasets.published` fetches, verifies and loads them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
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


_REGISTRY_FILE = Path(__file__).with_name("registry.toml")


def _reader(spec: str) -> Callable:
    """The function of :mod:`readers` a registry entry names: ``name``, or ``factory:argument``."""
    name, _, argument = spec.partition(":")
    function = getattr(readers, name)
    return function(argument) if argument else function


def _load_registry(path: Path = _REGISTRY_FILE) -> dict[str, Dataset]:
    """The data sets of ``registry.toml`` (one ``[[dataset]]`` table each), by name."""
    with path.open("rb") as f:
        entries = tomllib.load(f)["dataset"]
    registry = {}
    known = {f.name for f in fields(Dataset)}
    for entry in entries:
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ValueError(
                f"{path}: dataset {entry.get('name', '?')!r} has unknown key(s) {unknown}; "
                f"accepted: {sorted(known)}"
            )
        provenance = entry.pop("provenance", None)
        runs_loader = entry.pop("runs_loader", None)
        registry[entry["name"]] = Dataset(
            **{**entry, "loader": _reader(entry["loader"])},
            runs_loader=_reader(runs_loader) if runs_loader else None,
            provenance=RunsProvenance(**provenance) if provenance else None,
        )
    return registry


REGISTRY: dict[str, Dataset] = _load_registry()

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
