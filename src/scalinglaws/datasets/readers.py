"""How each registered data set's file becomes a table: its columns checked, its units named, and
its runs put in the runs schema (docs/runs-schema.md). :mod:`scalinglaws.datasets.registered`
names each reader beside the file's pinned URL and sha256.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where a table is built: the column readers need no pandas
    import pandas as pd


class DataError(RuntimeError):
    """A registered dataset could not be fetched or read."""


class DataFormatError(DataError):
    """A file does not have the registered schema (columns, types, ranges)."""


EPOCH_REQUIRED = {"Model Size": "params", "Training FLOP": "flops", "loss": "loss_nats"}


def epoch_fig4_columns(path: Path) -> dict[str, np.ndarray]:
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


def load_epoch_fig4(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(epoch_fig4_columns(path))


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


def load_misfitting(path: Path) -> pd.DataFrame:
    """Li et al. 2025's checkpoints as published (the columns of their README, unchanged)."""
    return _read_csv("misfitting-scaling-results", path, MISFITTING_COLUMNS)


def misfitting_runs(raw: pd.DataFrame) -> pd.DataFrame:
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


def load_llama3(path: Path) -> pd.DataFrame:
    """The points of Llama 3's Figure 2 as extracted (budget, tokens, validation loss)."""
    return _read_csv("llama3-isoflops", path, LLAMA3_COLUMNS)


def llama3_runs(raw: pd.DataFrame) -> pd.DataFrame:
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


def epoch_runs(df: pd.DataFrame) -> pd.DataFrame:
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


def load_gemstones(path: Path) -> pd.DataFrame:
    from scalinglaws.datasets import gemstones

    try:
        return gemstones.load(path)
    except ValueError as err:
        raise DataFormatError(str(err)) from None


def gemstones_runs(raw: pd.DataFrame) -> pd.DataFrame:
    from scalinglaws.datasets import gemstones

    return gemstones.runs(raw)


def load_gadre(path: Path) -> pd.DataFrame:
    from scalinglaws.datasets import gadre

    return gadre.load(path)


def gadre_runs(corpus: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def runs(raw: pd.DataFrame) -> pd.DataFrame:
        from scalinglaws.datasets import gadre

        return gadre.runs(raw, corpus)

    return runs
