"""Gadre et al. 2024's 104 over-trained models (github.com/mlfoundations/scaling): their loss files as
tables.

Each model is a separate run with its own cosine schedule, trained on one of three corpora
(``dataset_name``: ``c4_original``, ``rpj`` for RedPajama, ``rw_original`` for RefinedWeb) at a token
multiplier M = tokens / params in {5, 10, ..., 640} (``chinchilla_multiplier`` x 20). Each file holds
8 final evaluations (``results``), one per validation set, in nats per token of the GPT-NeoX
tokenizer, with 95% intervals over tokens. The authors fit their scaling laws to the **C4 eval**
loss of every model whatever its training corpus (their ``scaling_explorer.ipynb``:
``val_dataset = "c4_val"``), so :func:`runs` takes that one. Parameters: ``params`` (with
embeddings) and ``params_no_embed``; FLOPs: C = 6 N D with N = ``params`` (the runs schema's
default, said in its ``flops_source``). Only final losses: no curve, no IsoFLOP design.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CORPORA = {"c4": "c4_original", "rpj": "rpj", "rw": "rw_original"}
VAL_SETS = {  # the evaluation set's name, from the shard path its result names
    "val_tok_mult/openlm": "training corpus (held out)",
    "c4_val": "C4 eval",
    "paloma_c4_en": "Paloma C4-en",
    "paloma_dolma_100_programing_languages": "Paloma Dolma code",
    "paloma_falcon-refinedweb": "Paloma RefinedWeb",
    "paloma_ptb": "Paloma PTB",
    "paloma_redpajama": "Paloma RedPajama",
    "de-en": "German-English",
}
FIT_ON = "C4 eval"  # the authors' loss for their laws


def _val_set(paths: list[str]) -> str:
    text = " ".join(paths)
    for key, name in VAL_SETS.items():
        if f"/{key}/" in text or f"/{key}." in text:
            return name
    raise ValueError(f"unknown validation set in {paths!r}")


def load(folder: Path) -> pd.DataFrame:
    """One row per (model, validation set): the model's run and size, and that set's final loss with
    its 95% interval over tokens (nats per token)."""
    rows = []
    for f in sorted(Path(folder).glob("*.json")):
        m = json.loads(f.read_text())
        h = m["hyperparameters"]
        for r in m["results"]:
            rows.append(
                {
                    "run": m["name"],
                    "corpus": m["dataset_name"],
                    "model": h["model"].split("/")[-1].removesuffix(".json"),
                    "params": int(h["params"]),
                    "params_non_embedding": int(h["params_no_embed"]),
                    "tokens": int(h["tokens"]),
                    "multiplier": 20 * float(h["chinchilla_multiplier"]),
                    "lr": float(h["lr"]),
                    "warmup_steps": int(h["warmup"]),
                    "val_set": _val_set(r["val_data"]),
                    "loss_nats": float(r["loss"]),
                    "loss_lo95": float(r["loss_tokens_lower_95"]),
                    "loss_hi95": float(r["loss_tokens_upper_95"]),
                }
            )
    if len(rows) != 104 * len(VAL_SETS):
        raise ValueError(f"expected 104 models x {len(VAL_SETS)} evaluations, got {len(rows)} rows")
    return pd.DataFrame(rows)


def runs(raw: pd.DataFrame, corpus: str) -> pd.DataFrame:
    """The models trained on ``corpus`` (a key of :data:`CORPORA`) in the runs schema: one final
    C4-eval loss per run, N with embeddings (and without), D tokens; FLOPs left to 6 N D."""
    if corpus not in CORPORA:
        raise ValueError(f"corpus must be one of {', '.join(CORPORA)}, got {corpus!r}")
    keep = (raw["corpus"] == CORPORA[corpus]) & (raw["val_set"] == FIT_ON)
    out = raw.loc[keep, ["run", "params", "params_non_embedding", "tokens", "loss_nats"]]
    return out.rename(columns={"loss_nats": "loss"}).reset_index(drop=True)


# ---- the authors' own law and headline predictions (their scaling/shared.py, fit_ds) -----------

FIT_MODELS = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")
FIT_EXTRA = ("d=96_l=8_h=4", 320.0)  # the smallest model over-trained at M = 320 joins the fit
TARGETS = (("open_lm_1b", 640.0), ("open_lm_7b", 20.0))  # the two runs they predict
_GRID = ((1e2, 3e2, 1e3, 3e3), (1e2, 3e2, 1e3, 3e3), (-0.1, -0.3), (0.0, 1.0, 2.0, 10.0))


def law(x, alpha, beta, b, E):
    """Their eq 4 as coded (``powlaw_ours``): L(N, M) = alpha N^b + beta 6^(b/2) (M N)^b + E, with
    M = D / N tokens per parameter; b < 0."""
    import numpy as np

    N, M = x
    return alpha * np.power(N, b) + beta * np.power(6.0, b / 2) * np.power(M * N, b) + E


def _polish(x, y, start, steps: int = 30):
    """Gauss-Newton on the least squares of :func:`law` from ``start``, in numpy's extended
    precision (long double scalars, computed without the SIMD kernels that differ between CPUs)
    with the exact Jacobian: the same optimum to float64 precision on every machine."""
    import numpy as np

    ld = np.longdouble
    N = [ld(v) for v in x[0]]
    M = [ld(v) for v in x[1]]
    yv = [ld(v) for v in y]
    p = [ld(v) for v in start]
    six = ld(6)
    for _ in range(steps):
        alpha, beta, b, E = p
        rows, r = [], []
        for nn, mm, yy in zip(N, M, yv, strict=True):
            nb = nn**b
            mb = six ** (b / 2) * (mm * nn) ** b
            r.append(alpha * nb + beta * mb + E - yy)
            db = alpha * nb * np.log(nn) + beta * mb * (np.log(six) / 2 + np.log(mm * nn))
            rows.append([nb, mb, db, ld(1)])
        A = [[sum(row[i] * row[j] for row in rows) for j in range(4)] for i in range(4)]
        g = [-sum(row[i] * ri for row, ri in zip(rows, r, strict=True)) for i in range(4)]
        step = _solve(A, g)
        p = [pi + si for pi, si in zip(p, step, strict=True)]
        if max(abs(si) / abs(pi) for si, pi in zip(step, p, strict=True)) < 1e-17:
            break
    return np.array([float(v) for v in p])


def _solve(A, g):
    """A x = g for a small dense system (Gaussian elimination, partial pivoting), in the precision
    of its entries."""
    n = len(g)
    rows = [list(row) + [gi] for row, gi in zip(A, g, strict=True)]
    for c in range(n):
        piv = max(range(c, n), key=lambda i: abs(rows[i][c]))
        rows[c], rows[piv] = rows[piv], rows[c]
        for i in range(c + 1, n):
            f = rows[i][c] / rows[c][c]
            rows[i] = [a - f * b for a, b in zip(rows[i], rows[c], strict=True)]
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = (rows[i][n] - sum(rows[i][k] * out[k] for k in range(i + 1, n))) / rows[i][i]
    return out


@dataclass(frozen=True)
class Prediction:
    params: tuple[float, float, float, float]  # alpha, beta, b, E of the fit
    fit_runs: tuple[str, ...]
    errors: dict[str, float]  # "open_lm_1b, M=640" -> relative error of the predicted loss, %


def authors_fit(raw: pd.DataFrame, corpus: str = "rpj") -> Prediction:
    """Their fit as they ran it: the C4-eval losses of the four smaller models at M = 20 and the
    smallest at M = 320 (5 points), ``scipy.optimize.curve_fit`` from each start of their 128-start
    grid, the start with the lowest residual sqrt(sum r^2 / (n - 2)) kept (and converged from there
    to machine precision); then the relative error of the law's loss for the 1.4B-parameter run at
    M = 640 and the 6.9B run at M = 20."""
    import warnings

    import numpy as np
    from scipy.optimize import OptimizeWarning, curve_fit

    c4 = raw[(raw["corpus"] == CORPORA[corpus]) & (raw["val_set"] == FIT_ON)]
    pick = (c4["model"].isin(FIT_MODELS) & (c4["multiplier"] == 20.0)) | (
        (c4["model"] == FIT_EXTRA[0]) & (c4["multiplier"] == FIT_EXTRA[1])
    )
    fit = c4[pick]
    if len(fit) != 5:
        raise ValueError(f"the authors' fit takes 5 runs, found {len(fit)}")
    x = np.array([fit["params"].to_numpy(float), fit["multiplier"].to_numpy(float)])
    y = fit["loss_nats"].to_numpy(float)
    best, best_res = None, np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        for p0 in (
            (a, b_, c, e) for a in _GRID[0] for b_ in _GRID[1] for c in _GRID[2] for e in _GRID[3]
        ):
            popt, _ = curve_fit(law, x, y, p0=p0, maxfev=10000)
            r = y - law(x, *popt)
            res = (np.sum(r**2) / (r.size - 2)) ** 0.5
            if res < best_res:
                best, best_res = popt, res
        # curve_fit stops at its default tolerance (ftol 1.5e-8), where the last digits depend on
        # the order the CPU's SIMD kernels sum in, and the two far extrapolations amplify them
        # (5 points, 4 parameters: a flat valley); the chosen fit is converged from there in
        # extended precision (_polish), which moves the errors by about 1e-7 relative, far below
        # their 4 printed digits
        best = _polish(x, y, best)
    errors = {}
    for model, M in TARGETS:
        row = c4[(c4["model"] == model) & (c4["multiplier"] == M)]
        if len(row) != 1:
            raise ValueError(f"no single {model} run at M = {M:g} on {corpus}")
        pred = law(np.array([[row["params"].iloc[0]], [M]], float), *best)[0]
        actual = float(row["loss_nats"].iloc[0])
        errors[f"{model}, M={M:g}"] = 100 * abs(pred - actual) / actual
    return Prediction(tuple(float(v) for v in best), tuple(fit["run"]), errors)
