"""The runs schema: one tidy table of training runs, checked on load (documented in docs/runs-schema.md).

One row per run, or per checkpoint of a run (with ``run`` and ``step``). Columns:

========================  ========  ===================================================================
column                    required  meaning (unit)
========================  ========  ===================================================================
``params``                yes       N, total parameters, embeddings included (parameters)
``tokens``                yes       D, training tokens seen at this row (tokens)
``loss``                  yes       validation loss at this row (nats per token, or the data's own unit)
``params_non_embedding``  no        N without the embeddings (Kaplan's count; parameters)
``flops``                 no        C, training FLOPs so far; else 6 N D (said in ``flops_source``)
``run``                   no        run identifier (text); rows of one run form a training curve
``step``                  no        the checkpoint's step within its run (integer >= 0)
``budget``                no        the FLOP budget the run belongs to (IsoFLOP design; FLOPs);
                                    blank for a run on no budget (Approach 2 leaves it out)
========================  ========  ===================================================================

:func:`validate` returns a copy with ``flops`` filled in and raises :class:`RunsSchemaError` naming
the column, the first offending row (1-based data row; in a CSV file that is line row + 1, the
header being line 1) and the accepted range. :func:`check_approach` says whether the table has
enough points or budgets for Hoffmann et al.'s Approach 1, 2 or 3. No plotting here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRED = ("params", "tokens", "loss")
OPTIONAL = ("params_non_embedding", "flops", "run", "step", "budget")
POSITIVE = ("params", "tokens", "loss", "params_non_embedding", "flops", "budget")
APPROACHES = (1, 2, 3)
MIN_POINTS_A3 = 6  # Approach 3 fits 5 parameters
MIN_CURVES_A1 = 2  # Approach 1: an envelope over at least two training curves
MIN_CHECKPOINTS_A1 = 2  # ... each with at least two checkpoints
MIN_BUDGETS_A2 = 2  # Approach 2: power laws through at least two vertices
MIN_POINTS_A2 = 3  # ... each from a parabola through at least three runs
FLOPS_6ND = "6ND"
FLOPS_GIVEN = "given"


class RunsSchemaError(ValueError):
    """A runs table breaks the schema; the message names the column, the row and the range."""


@dataclass(frozen=True)
class Where:
    """How rows are counted in messages: data rows of a file, or rows of a frame."""

    source: str  # "file runs.csv" or "runs table"
    is_file: bool

    def row(self, i: int) -> str:
        """The 0-based position i as words: 'data row 3 (line 4)' or 'row 3'."""
        if self.is_file:
            return f"data row {i + 1} (line {i + 2} of {self.source})"
        return f"row {i + 1} of {self.source}"


def _plain(value) -> str:
    """A cell as a reader wrote it: numbers plainly (-244900000.0, not np.float64(...)), text quoted."""
    if hasattr(value, "item"):
        value = value.item()
    return repr(value)


def _where(source: str | None, is_file: bool) -> Where:
    return Where(source or "the runs table", is_file)


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read and validate a runs CSV (see the module docstring for the columns)."""
    path = Path(path)
    if not path.is_file():
        raise RunsSchemaError(f"runs file {str(path)!r} not found")
    try:
        raw = pd.read_csv(path, dtype={"run": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise RunsSchemaError(f"runs file {str(path)!r}: cannot parse as CSV ({err})") from None
    return validate(raw, source=path.name, is_file=True)


def validate(frame: pd.DataFrame, *, source: str | None = None, is_file: bool = False):
    """Check a runs table against the schema; return a copy with ``flops`` and ``flops_source``.

    Raises RunsSchemaError for: a missing required column; a value that is not a finite number
    > 0 in a numeric column; a negative or non-integer ``step``; an empty ``run``; a ``step``
    without ``run``; a duplicated checkpoint (the same ``run`` and ``step``, or the same ``run``
    twice when there is no ``step``); no rows.
    """
    w = _where(source, is_file)
    if not isinstance(frame, pd.DataFrame):
        raise RunsSchemaError(f"runs must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise RunsSchemaError(
            f"column '{missing[0]}' is missing from {w.source}: the runs schema requires "
            f"{', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)}); got "
            f"{', '.join(map(str, frame.columns)) or 'no columns'}"
        )
    if len(frame) == 0:
        raise RunsSchemaError(f"{w.source} has no data rows")
    out = frame.reset_index(drop=True).copy()
    for col in POSITIVE:
        if col not in out.columns:
            continue
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | ~(values > 0)
        if col == "budget":  # a blank budget: a run on no budget
            bad &= ~out[col].isna().to_numpy()
            if np.isnan(values).all():
                raise RunsSchemaError(
                    f"column 'budget' is blank on every row of {w.source}: fill it or drop it"
                )
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise RunsSchemaError(
                f"column '{col}' must hold finite numbers > 0, in (0, inf)"
                + (" (or be blank)" if col == "budget" else "")
                + f"; {w.row(i)} holds {_plain(out[col].iloc[i])}"
            )
        out[col] = values
    if "step" in out.columns:
        if "run" not in out.columns:
            raise RunsSchemaError(
                f"column 'step' needs column 'run' (which run each checkpoint belongs to) in "
                f"{w.source}"
            )
        step = pd.to_numeric(out["step"], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(step) | (step < 0) | (step != np.round(step))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise RunsSchemaError(
                f"column 'step' must hold integers >= 0, in [0, inf); {w.row(i)} holds "
                f"{_plain(out['step'].iloc[i])}"
            )
        out["step"] = step.astype(np.int64)
    if "run" in out.columns:
        run = out["run"]
        empty = run.isna() | (run.astype(str).str.strip() == "")
        if empty.any():
            i = int(np.flatnonzero(empty.to_numpy())[0])
            raise RunsSchemaError(
                f"column 'run' must hold a non-empty identifier; {w.row(i)} holds {_plain(run.iloc[i])}"
            )
        out["run"] = run.astype(str)
        key = ["run", "step"] if "step" in out.columns else ["run"]
        dup = out.duplicated(subset=key, keep="first").to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            what = " and ".join(f"'{k}'" for k in key)
            vals = ", ".join(f"{k}={_plain(out[k].iloc[i])}" for k in key)
            raise RunsSchemaError(
                f"column {what}: duplicated checkpoint at {w.row(i)} ({vals} appears earlier); "
                f"each {'(run, step)' if len(key) == 2 else 'run'} must appear once"
            )
    if "flops" in out.columns:
        out["flops_source"] = FLOPS_GIVEN
    else:
        out["flops"] = 6.0 * out["params"] * out["tokens"]
        out["flops_source"] = FLOPS_6ND
    return out


def flops_note(runs: pd.DataFrame) -> str:
    """One line saying how the table's FLOPs were counted."""
    src = set(runs["flops_source"]) if "flops_source" in runs.columns else {FLOPS_GIVEN}
    if src == {FLOPS_6ND}:
        return "FLOPs not given: C = 6 N D (N total parameters, D tokens)"
    return "FLOPs as given in the table's 'flops' column"


def final_checkpoints(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per run: its last checkpoint (largest step, else most tokens); all rows if no run."""
    if "run" not in runs.columns:
        return runs
    order = "step" if "step" in runs.columns else "tokens"
    idx = runs.groupby("run", sort=False)[order].idxmax()
    return runs.loc[np.sort(idx.to_numpy())].reset_index(drop=True)


def curves(runs: pd.DataFrame, *, params: str = "params"):
    """Training curves for Approach 1: a list of (N, flops, loss, tokens), one per run."""
    order = "step" if "step" in runs.columns else "tokens"
    out = []
    for _, g in runs.sort_values(["run", order]).groupby("run", sort=True):
        out.append(
            (
                float(g[params].iloc[0]),
                g["flops"].to_numpy(),
                g["loss"].to_numpy(),
                g["tokens"].to_numpy(),
            )
        )
    return out


def budgets(runs: pd.DataFrame, tol_log10: float = 0.06):
    """(labels, budgets) of the final checkpoints: the ``budget`` column, or FLOPs clustered."""
    from scalinglaws.estimators import isoflop_groups

    if "budget" in runs.columns:
        values = runs["budget"].to_numpy(dtype=float)
        on = np.isfinite(values)
        b = np.sort(np.unique(values[on]))
        labels = np.full(values.size, -1)
        labels[on] = np.searchsorted(b, values[on])
        return labels, b
    return isoflop_groups(C=runs["flops"].to_numpy(), tol_log10=tol_log10)


def check_approach(runs: pd.DataFrame, approach: int, *, tol_log10: float = 0.06) -> None:
    """Raise RunsSchemaError if the (validated) table cannot feed Approach ``approach``."""
    if approach not in APPROACHES:
        raise RunsSchemaError(f"approach must be one of 1, 2, 3, got {approach!r}")
    final = final_checkpoints(runs)
    if approach == 3 and len(final) < MIN_POINTS_A3:
        raise RunsSchemaError(
            f"column 'loss': Approach 3 fits 5 parameters and needs at least {MIN_POINTS_A3} "
            f"runs (final checkpoints), got {len(final)}"
        )
    if approach == 1:
        if "run" not in runs.columns:
            raise RunsSchemaError(
                "column 'run' is missing: Approach 1 needs training curves, rows grouped by "
                "'run' (and ordered by 'step' or 'tokens')"
            )
        sizes = runs.groupby("run").size()
        long = int((sizes >= MIN_CHECKPOINTS_A1).sum())
        if long < MIN_CURVES_A1:
            raise RunsSchemaError(
                f"column 'run': Approach 1 needs at least {MIN_CURVES_A1} runs with "
                f"{MIN_CHECKPOINTS_A1}+ checkpoints each, got {long}"
            )
    if approach == 2:
        labels, b = budgets(final, tol_log10)
        counts = np.bincount(labels[labels >= 0], minlength=len(b))
        enough = int((counts >= MIN_POINTS_A2).sum())
        col = "budget" if "budget" in final.columns else "flops"
        if enough < MIN_BUDGETS_A2:
            raise RunsSchemaError(
                f"column '{col}': Approach 2 needs at least {MIN_BUDGETS_A2} FLOP budgets with "
                f"{MIN_POINTS_A2}+ runs each, got {enough} (runs per budget: "
                f"{', '.join(f'{x:.3g}: {n}' for x, n in zip(b, counts, strict=True))})"
            )
