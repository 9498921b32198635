"""Compute-optimal allocations N_opt(C), D_opt(C) under each published law, side by side.

C is training FLOPs throughout (Kaplan's PF-days are converted here). The laws:

- ``kaplan``: Kaplan 2020 Table 6, N_opt = 1.3e9 C_min^0.73 and D_opt = 2e10 C_min^0.27 with
  C_min in PF-days; N is **non-embedding** parameters; loss from eq 1.3, L = (C_c^min/C_min)^0.050.
  A FLOP budget C is converted as Hoffmann 2022 App. D.4 does, C_min = C / 2: training at the
  critical batch costs C = 2 C_min (Kaplan eq 5.5, section 6.3), and this reproduces D.4's
  4.68B parameters at 1e21 FLOPs (reading C as C_min would give 7.77B).
- ``approach1`` / ``approach2``: Hoffmann 2022 publishes only the exponents (Table 2); the laws
  here are power laws **fitted here** (log-log least squares) to the printed rows of Table 3 /
  Table A3, which lie on N = k C^a to within their rounding. D = C / (6 N). Loss from eq 2 (TeX
  fit). Their kind is "refit here", not "published law".
- ``approach3-rounded`` / ``approach3-tex``: eq 4 with App. D.2's printed fit / its unrounded TeX
  values; loss from eq 2 with the same fit.
- ``epoch-refit``: eq 4 with Besiroglu 2024's refit; loss from eq 2 with the refit.

Rows of Tables 3 and A3 are regenerated from these laws by :func:`regenerate_table`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from scalinglaws.constants import BESIROGLU, HOFFMANN, KAPLAN, ParametricFit
from scalinglaws.constants.hoffmann2022 import ProjectionRow
from scalinglaws.estimators import PowerLaw, fit_power_law
from scalinglaws.laws import chinchilla as ch
from scalinglaws.laws import kaplan

PUBLISHED_LAW = "published law"
PUBLISHED_DATA = "published data"
REFIT_HERE = "refit here"


@dataclass(frozen=True)
class Allocation:
    """One law's compute-optimal allocation; call N_opt, D_opt, loss with C in FLOPs."""

    name: str  # command-line name
    label: str  # legend label
    kind: str  # provenance kind: "published law", or "refit here" for the table power laws
    source: str  # where the numbers come from
    N_opt: Callable  # C (FLOPs) -> parameters
    D_opt: Callable  # C (FLOPs) -> tokens
    loss: Callable  # C (FLOPs) -> predicted loss (nats/token)
    params_kind: str  # "total" (with embeddings) or "non-embedding"
    note: str = ""
    # the closed form and its constants, for evaluating the law elsewhere (the book's web
    # calculator reads them as JSON): see :func:`evaluate_spec`
    spec: dict | None = None

    def at(self, C) -> dict[str, float]:
        """N_opt, D_opt, tokens per parameter and predicted loss at budget C (FLOPs)."""
        N, D = float(self.N_opt(C)), float(self.D_opt(C))
        return {"N_opt": N, "D_opt": D, "tokens_per_param": D / N, "loss": float(self.loss(C))}


def table_law(rows: Sequence[ProjectionRow], skip: Sequence[int] = ()) -> PowerLaw:
    """N = k C^a fitted to printed (params, FLOPs) rows of Table 3 / A3, leaving out ``skip``."""
    use = [r for i, r in enumerate(rows) if i not in skip]
    return fit_power_law([r.flops for r in use], [r.params for r in use])


def from_fit(
    name: str,
    label: str,
    fit: ParametricFit,
    source: str,
    kind: str = PUBLISHED_LAW,
    note: str = "",
) -> Allocation:
    """The eq 4 allocation (and eq 2 loss on it) of any eq 2 fit: published, refitted or a user's."""
    return Allocation(
        name,
        label,
        kind,
        source,
        N_opt=lambda C: ch.optimal_N(C, fit),
        D_opt=lambda C: ch.optimal_D(C, fit),
        loss=lambda C: ch.optimal_loss(C, fit),
        params_kind="total",
        note=note,
        spec={"form": "eq4", "fit": _fit_constants(fit)},
    )


def _fit_constants(fit: ParametricFit) -> dict[str, float]:
    return {k: float(getattr(fit, k)) for k in ("E", "A", "B", "alpha", "beta")}


def _from_table(name, label, law: PowerLaw, source: str, note: str) -> Allocation:
    tex = HOFFMANN.approach3_tex
    return Allocation(
        name,
        label,
        REFIT_HERE,
        source,
        N_opt=law,
        D_opt=lambda C: ch.tokens_for_flops(C, law(C)),
        loss=lambda C: ch.loss(law(C), ch.tokens_for_flops(C, law(C)), tex),
        params_kind="total",
        note=note,
        spec={
            "form": "table",
            "k": float(law.k),
            "a": float(law.exponent),
            "fit": _fit_constants(tex),
        },
    )


def kaplan_c_min_pf(C):
    """Kaplan's C_min in PF-days for a budget of C training FLOPs, as Hoffmann 2022 App. D.4 converts
    it: C_min = C / 2 (training at the critical batch costs C = 2 C_min, Kaplan eq 5.5 and 6.7)."""
    return np.asarray(C, float) / KAPLAN.efficient.flops_per_c_min / KAPLAN.setup.pf_day_flop


def _kaplan() -> Allocation:
    return Allocation(
        "kaplan",
        "Kaplan 2020, Table 6 at C_min = C/2 (Hoffmann App. D.4)",
        PUBLISHED_LAW,
        "Kaplan 2020 Table 6, eq 1.3; FLOPs to C_min as Hoffmann 2022 App. D.4",
        N_opt=lambda C: kaplan.table6_params(kaplan_c_min_pf(C)),
        D_opt=lambda C: kaplan.efficient_tokens(kaplan_c_min_pf(C)),
        loss=lambda C: kaplan.loss_of_compute_min(kaplan_c_min_pf(C)),
        params_kind="non-embedding",
        spec={
            "form": "kaplan",
            "flops_per_c_min_pf": KAPLAN.efficient.flops_per_c_min * KAPLAN.setup.pf_day_flop,
            "N_e": KAPLAN.efficient.N_e,
            "p_N": KAPLAN.efficient.p_N,
            "D_e": KAPLAN.efficient.D_e,
            "p_D": KAPLAN.efficient.p_D,
            "C_c_min": KAPLAN.basic.C_c_min,
            "alpha_C_min": KAPLAN.basic.alpha_C_min,
        },
        note="N is non-embedding parameters; C_min = C/2 in PF-days (FLOPs / 2 / 8.64e19), "
        "Hoffmann 2022 App. D.4's conversion; D from Table 6 (one epoch); loss from eq 1.3 "
        "(WebText2 nats, not comparable to MassiveText losses)",
    )


@cache
def allocations() -> dict[str, Allocation]:
    """All laws by command-line name, in the order of the paper's Fig A3 comparison."""
    T = HOFFMANN.tables
    a1 = table_law(T.table3_approach1)
    a2 = table_law(T.tableA3_approach2)
    note = "loss: eq 2 with the TeX fit at this (N, D)"
    laws = [
        _kaplan(),
        _from_table(
            "approach1",
            "Chinchilla Approach 1, power law through Table 3",
            a1,
            f"power law fitted here to Hoffmann 2022 Table 3 rows (N ~ C^{a1.exponent:.3f}; "
            "Table 2: 0.50)",
            note,
        ),
        _from_table(
            "approach2",
            "Chinchilla Approach 2, power law through Table A3",
            a2,
            f"power law fitted here to Hoffmann 2022 Table A3 rows (N ~ C^{a2.exponent:.3f}; "
            "Table 2: 0.49)",
            note,
        ),
        from_fit(
            "approach3-rounded",
            "Chinchilla Approach 3, rounded",
            HOFFMANN.approach3_rounded,
            "Hoffmann 2022 eq 4, App. D.2 printed fit",
        ),
        from_fit(
            "approach3-tex",
            "Chinchilla Approach 3, unrounded",
            HOFFMANN.approach3_tex,
            "Hoffmann 2022 eq 4, App. D.2 TeX values",
        ),
        from_fit(
            "epoch-refit", "Besiroglu 2024 refit", BESIROGLU.refit, "Besiroglu 2024 refit, eq 4"
        ),
    ]
    return {a.name: a for a in laws}


def evaluate_spec(spec: dict, C: float) -> dict[str, float]:
    """N_opt, D_opt and loss at budget C (FLOPs) from a law's ``spec`` alone: the closed forms the
    book's web calculator (``docs/book/_static/calculator.js``) evaluates in the browser.

    - ``eq4``: N = G (C/6)^a, D = (C/6)^b / G with G = (alpha A / (beta B))^(1/(alpha+beta)),
      a = beta/(alpha+beta), b = alpha/(alpha+beta); loss E + A/N^alpha + B/D^beta (eq 2).
    - ``table``: N = k C^a, D = C/(6N), loss eq 2 with ``fit``.
    - ``kaplan``: C_min = C / flops_per_c_min_pf (PF-days); N = N_e C_min^p_N, D = D_e C_min^p_D,
      loss (C_c_min / C_min)^alpha_C_min (eq 1.3)."""
    form = spec["form"]
    if form == "kaplan":
        c_min = C / spec["flops_per_c_min_pf"]
        N, D = spec["N_e"] * c_min ** spec["p_N"], spec["D_e"] * c_min ** spec["p_D"]
        return {"N_opt": N, "D_opt": D, "loss": (spec["C_c_min"] / c_min) ** spec["alpha_C_min"]}
    f = spec["fit"]
    if form == "eq4":
        s = f["alpha"] + f["beta"]
        G = (f["alpha"] * f["A"] / (f["beta"] * f["B"])) ** (1 / s)
        N, D = G * (C / 6) ** (f["beta"] / s), (C / 6) ** (f["alpha"] / s) / G
    elif form == "table":
        N = spec["k"] * C ** spec["a"]
        D = C / (6 * N)
    else:
        raise ValueError(f"spec form must be one of eq4, table, kaplan, got {form!r}")
    return {
        "N_opt": N,
        "D_opt": D,
        "loss": f["E"] + f["A"] / N ** f["alpha"] + f["B"] / D ** f["beta"],
    }


FIT_KEYS = ("E", "A", "B", "alpha", "beta")


def load_fit(path, name: str = "fit") -> ParametricFit:
    """An eq 2 fit from a JSON file: the output of ``scalinglaws fit --json`` (its ``estimate``)
    or a plain object with the keys E, A, B, alpha, beta. Raises ParameterError naming the
    parameter ``name``, the file and the key when the file is missing, is not JSON, or a value is
    not a positive number."""
    import json
    import math
    from pathlib import Path

    from scalinglaws.core.params import ParameterError

    path = Path(path)
    where = f"parameter '{name}': fit file {str(path)!r}"
    try:
        obj = json.loads(path.read_text())
    except OSError as err:
        raise ParameterError(f"{where} cannot be read: {err.strerror}") from None
    except ValueError as err:
        raise ParameterError(f"{where} is not JSON: {err}") from None
    est = obj.get("estimate", obj) if isinstance(obj, dict) else None
    if not isinstance(est, dict):
        raise ParameterError(f"{where} must hold a JSON object with keys {', '.join(FIT_KEYS)}")
    values = {}
    for k in FIT_KEYS:
        v = est.get(k)
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v > 0
        if not ok:
            raise ParameterError(f"{where}: '{k}' must be a positive number, got {v!r}")
        values[k] = float(v)
    return ParametricFit(**values, source=f"fit read from {path.name}")


def optimal_rows(C: float, laws: Sequence[Allocation]) -> list[dict]:
    """One row per law at budget C (FLOPs): what ``scalinglaws optimal --json`` prints."""
    return [
        {
            "law": a.name,
            "label": a.label,
            **a.at(C),
            "params": a.params_kind,
            "kind": a.kind,
            "source": a.source,
            "note": a.note,
        }
        for a in laws
    ]


def fit_band(replicates, names: Sequence[str], C, level: float = 0.80) -> dict:
    """Percentile band of eq 4's N_opt, D_opt and eq 2's loss on it, over bootstrap replicates.

    replicates: (R, k) array of eq 2 fits whose columns are ``names`` (containing E, A, B, alpha,
    beta), e.g. :class:`scalinglaws.estimators.BootstrapResult`. C: FLOPs (scalar or array).
    Returns {"N_opt": (lo, hi), "D_opt": (lo, hi), "loss": (lo, hi)}, each shaped like C, from
    the (1 - level)/2 and (1 + level)/2 quantiles.
    """
    r = np.asarray(replicates, dtype=float)
    col = {k: r[:, list(names).index(k)].reshape(-1, *([1] * np.ndim(C))) for k in FIT_KEYS}
    fits = ParametricFit(**col)
    C = np.asarray(C, dtype=float)[None, ...]
    q = 100 * (1 - level) / 2
    out = {}
    for key, fn in (("N_opt", ch.optimal_N), ("D_opt", ch.optimal_D), ("loss", ch.optimal_loss)):
        lo, hi = np.percentile(fn(C, fits), [q, 100 - q], axis=0)
        out[key] = (lo, hi)
    return out


@dataclass(frozen=True)
class RegeneratedRow:
    """A printed row of Table 3/A3 beside the same row computed from the law."""

    printed: ProjectionRow
    flops: float  # FLOPs at which the law makes ``params`` optimal
    tokens: float  # flops / (6 params)
    flops_rel: float  # flops / printed.flops - 1
    tokens_rel: float  # tokens / printed.tokens - 1
    six_nd_over_printed: float  # 6 N D / C of the printed row (1 within rounding if consistent)
    flag: str  # "" or why the printed row looks wrong


def regenerate_table(
    rows: Sequence[ProjectionRow],
    law: PowerLaw | Callable,
    *,
    from_flops: Sequence[int] = (),
    tolerance: float = 0.03,
) -> list[RegeneratedRow]:
    """Recompute each printed row from ``law`` (N_opt as a function of C, FLOPs).

    A row is recomputed from its parameter count (C = law^-1(N)), or, for indices in
    ``from_flops`` (rows whose FLOPs are the defining number, e.g. Table 3's Gopher row), from
    its FLOPs (N = law(C)). Rows whose printed FLOPs and 6 N D disagree beyond ``tolerance`` are
    flagged, as are rows the law misses by more than ``tolerance``.
    """
    inverse = getattr(law, "inverse", None)
    out = []
    for i, r in enumerate(rows):
        six = 6.0 * r.params * r.tokens / r.flops
        if i in from_flops:
            C = r.flops
            N = float(law(C))
            D = C / (6.0 * N)
            frel, trel = N / r.params - 1, D / r.tokens - 1
        else:
            C = float(inverse(r.params)) if inverse else _invert(law, r.params)
            D = C / (6.0 * r.params)
            frel, trel = C / r.flops - 1, D / r.tokens - 1
        flags = []
        if abs(six - 1) > tolerance:
            flags.append(
                f"printed FLOPs != 6ND: 6ND = {6.0 * r.params * r.tokens:.3g} ({100 * (six - 1):+.0f}%)"
            )
        elif max(abs(frel), abs(trel)) > tolerance:
            flags.append(f"law misses it by {100 * max(abs(frel), abs(trel)):.1f}%")
        out.append(RegeneratedRow(r, C, D, frel, trel, six, "; ".join(flags)))
    return out


def _invert(law: Callable, N: float) -> float:
    """C with law(C) = N for a monotone increasing law (bisection in log C)."""
    lo, hi = np.log(1e10), np.log(1e40)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if float(law(np.exp(mid))) < N:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))
