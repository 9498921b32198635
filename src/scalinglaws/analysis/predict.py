"""Allocation and loss at a budget under a fit saved by `python -m scalinglaws fit --json`
(:func:`scalinglaws.analysis.fit_runs.fit`), with intervals from its bootstrap: what
`optimal --fit` and the calculator notebook print."""

from __future__ import annotations

import json

import numpy as np

from scalinglaws.analysis.fit_runs import FIT_FORMAT, percentile_interval
from scalinglaws.core.params import ParameterError
from scalinglaws.core.rng import stream
from scalinglaws.datasets.schema import RunsSchemaError


def eq4_optimum(E, A, B, alpha, beta, C):
    """Hoffmann 2022 eq 4: N_opt, D_opt and the loss there under C = 6 N D (arrays broadcast)."""
    G = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
    a, b = beta / (alpha + beta), alpha / (alpha + beta)
    N = G * (C / 6.0) ** a
    D = (C / 6.0) ** b / G
    return N, D, E + A / N**alpha + B / D**beta


def predict(saved: dict, flops: float, *, seed: int = 0, level: float = 0.95) -> dict:
    """Allocation and loss at ``flops`` under a saved :func:`fit` result.

    Approach 3: eq 4 at the estimate; the allocation's confidence interval from the bootstrap
    fits, the loss's prediction interval from the bootstrap fits each times a residual resampled
    from the fit's log residuals (so it covers a new run's loss, not only the law's). Approaches 1
    and 2 give the allocation from their power laws (intervals from their bootstrap) and no loss.
    """
    if not isinstance(saved, dict) or saved.get("format") != FIT_FORMAT:
        raise RunsSchemaError(
            "--fit must be a JSON file written by `scalinglaws fit --runs NAME_OR_CSV --json` "
            f"(format {FIT_FORMAT})"
        )
    approach = saved.get("approach")
    _check_saved(saved, approach)
    out = {
        "flops": flops,
        "approach": approach,
        "runs": saved.get("runs"),
        "params": saved.get("params"),
        "level": level,
    }
    boot = saved.get("bootstrap")
    rng = stream(seed, "runs-fit.predict")
    if approach == 3:
        e = saved["estimate"]
        N, D, L = eq4_optimum(e["E"], e["A"], e["B"], e["alpha"], e["beta"], flops)
        out.update(N_opt=float(N), D_opt=float(D), tokens_per_param=float(D / N), loss=float(L))
        if boot:
            reps = np.asarray(boot["replicates"]["values"], float)
            names = boot["replicates"]["names"]
            cols = {k: reps[:, names.index(k)] for k in ("E", "A", "B", "alpha", "beta")}
            Nr, Dr, Lr = eq4_optimum(
                cols["E"], cols["A"], cols["B"], cols["alpha"], cols["beta"], flops
            )
            res = np.asarray(saved["residuals_log"], float)
            Lp = Lr * np.exp(res[rng.integers(0, res.size, Lr.size)])
            out["interval"] = {
                "N_opt": percentile_interval(Nr, level),
                "D_opt": percentile_interval(Dr, level),
                "loss_confidence": percentile_interval(Lr, level),
                "loss_prediction": percentile_interval(Lp, level),
            }
        return out
    if approach in (1, 2):
        Nl, Dl = saved["N_opt"], saved["D_opt"]
        N = Nl["k"] * flops ** Nl["exponent"]
        D = Dl["k"] * flops ** Dl["exponent"]
        out.update(
            N_opt=N,
            D_opt=D,
            tokens_per_param=D / N,
            loss=None,
            note="Approaches 1 and 2 fit the allocation only; the loss needs Approach 3",
        )
        if boot:
            reps = np.asarray(boot["replicates"]["values"], float)
            names = boot["replicates"]["names"]
            col = {k: reps[:, names.index(k)] for k in names}
            out["interval"] = {
                "N_opt": percentile_interval(col["N_opt_k"] * flops ** col["a"], level),
                "D_opt": percentile_interval(col["D_opt_k"] * flops ** col["b"], level),
            }
        return out
    raise RunsSchemaError(f"--fit: 'approach' must be 1, 2 or 3, got {approach!r}")


# what each approach's saved fit must hold, and the range of each number (checked before use)
_POSITIVE, _FINITE, _NONNEG = (0.0, True), (-np.inf, False), (0.0, False)
_ESTIMATE = {"A": _POSITIVE, "B": _POSITIVE, "E": _NONNEG, "alpha": _POSITIVE, "beta": _POSITIVE}
_POWERLAW = {"k": _POSITIVE, "exponent": _FINITE}


def _number(where: str, value, lo: float, open_lo: bool) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < lo or (open_lo and value == lo):
        bound = "finite" if lo == -np.inf else f"{'>' if open_lo else '>='} {lo:g} and finite"
        raise RunsSchemaError(f"--fit: {where} must be a number {bound}, got {value!r}")
    return float(value)


def _check_saved(saved: dict, approach) -> None:
    """Every number :func:`predict` reads from a saved fit, checked: present, a finite number,
    in its range; an error names the field, the value and the range."""
    if approach == 3:
        e = saved.get("estimate")
        if not isinstance(e, dict):
            raise RunsSchemaError(f"--fit: 'estimate' must be an object, got {e!r}")
        for k, (lo, open_lo) in _ESTIMATE.items():
            _number(f"estimate.{k}", e.get(k), lo, open_lo)
        names = ("E", "A", "B", "alpha", "beta")
        residuals = saved.get("residuals_log")
        if saved.get("bootstrap"):
            if not isinstance(residuals, list) or not residuals:
                raise RunsSchemaError("--fit: 'residuals_log' must be a non-empty list of numbers")
            for i, r in enumerate(residuals):
                _number(f"residuals_log[{i}]", r, -np.inf, False)
    elif approach in (1, 2):
        for law in ("N_opt", "D_opt"):
            d = saved.get(law)
            if not isinstance(d, dict):
                raise RunsSchemaError(f"--fit: '{law}' must be an object, got {d!r}")
            for k, (lo, open_lo) in _POWERLAW.items():
                _number(f"{law}.{k}", d.get(k), lo, open_lo)
        names = ("a", "b", "N_opt_k", "D_opt_k")
    else:
        return  # predict names the approach it cannot read
    boot = saved.get("bootstrap")
    if boot:
        rep = boot.get("replicates") if isinstance(boot, dict) else None
        values = rep.get("values") if isinstance(rep, dict) else None
        have = rep.get("names") if isinstance(rep, dict) else None
        shape_ok = isinstance(values, list) and all(isinstance(v, list) for v in values)
        if not (isinstance(have, list) and set(names) <= set(have) and shape_ok):
            raise RunsSchemaError(
                "--fit: 'bootstrap.replicates' must hold 'names' (including "
                f"{', '.join(names)}) and 'values', a list of rows of numbers"
            )
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise RunsSchemaError(
                "--fit: 'bootstrap.replicates.values' must be rows of numbers"
            ) from None
        if arr.ndim != 2 or arr.shape[1] != len(have):
            raise RunsSchemaError(
                f"--fit: 'bootstrap.replicates.values' must have one column per name "
                f"({len(have)}), got shape {arr.shape}"
            )


def read_saved(path: str) -> dict:
    """The saved fit in JSON file ``path`` (`optimal --fit`); ParameterError if unreadable."""
    from pathlib import Path

    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ParameterError(f"parameter '--fit': file {path!r} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError, IsADirectoryError) as err:
        raise ParameterError(f"parameter '--fit': {path!r} is not a JSON fit ({err})") from None
