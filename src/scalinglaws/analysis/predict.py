"""Allocation and loss at a budget under a fit saved by `python -m scalinglaws fit --json`
(:func:`scalinglaws.analysis.fit_runs.fit`), with intervals from its bootstrap: what
`optimal --fit` and the calculator notebook print."""

from __future__ import annotations

import numpy as np

from scalinglaws.analysis.fit_runs import FIT_FORMAT, percentile_interval
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
            f"--fit must be a JSON file written by `scalinglaws fit --json` (format {FIT_FORMAT})"
        )
    approach = saved.get("approach")
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
