"""The compute-optimal calculator's numbers: N_opt, D_opt and predicted loss at a FLOP budget, per
law (drawn by :mod:`scalinglaws.figures.calculator`; no plotting here).

The same laws and the same numbers as ``python -m scalinglaws optimal`` (both read
:func:`scalinglaws.analysis.allocation.allocations` and :func:`~scalinglaws.analysis.allocation.optimal_rows`),
plus two laws fitted rather than published:

- ``refit-here``: Approach 3 (Hoffmann 2022 eq 2, Besiroglu 2024's Huber-likelihood objective)
  refitted on Besiroglu 2024's 240 extracted points, as ``scalinglaws fit`` does, with a
  10th-90th percentile band from a bootstrap of the summed-Huber fit (the level of Table 2);
- ``user-fit``: any eq 2 fit saved by ``scalinglaws fit --json``, read with
  :func:`~scalinglaws.analysis.allocation.load_fit` (as ``scalinglaws optimal --fit``).

The published laws come without an interval on N_opt(C): Table 2 prints percentiles of the
exponents only, and Besiroglu 2024 per-parameter intervals without their covariance. So the band
is given where a law has replicates to take it from: the refit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from scalinglaws import estimators
from scalinglaws.analysis import allocation
from scalinglaws.analysis.isoflop import DATA
from scalinglaws.constants import BESIROGLU
from scalinglaws.core.rng import stream
from scalinglaws.datasets import published

REFIT = "refit-here"
USER = "user-fit"
LEVEL = 0.80  # band: 10th to 90th percentile, Table 2's level
LAW_CHOICES = ("all", *allocation.allocations(), REFIT)
WEB_FLOPS = (1e18, 1e26)  # the web calculator's slider, as the notebook's widget and figure


@dataclass(frozen=True)
class Calculator:
    """The laws the calculator shows and the bootstrap replicates of the refit's band."""

    laws: dict[str, allocation.Allocation]  # name -> law, in display order
    bootstrap: estimators.BootstrapResult | None  # summed-Huber replicates for the refit's band
    n_points: int  # points the refit used

    def band(self, name: str, C, level: float = LEVEL) -> dict | None:
        """{"N_opt": (lo, hi), "D_opt": ..., "loss": ...} at C for a law with an interval, else None."""
        if name != REFIT or self.bootstrap is None:
            return None
        b = self.bootstrap
        return allocation.fit_band(b.replicates, b.names, C, level)

    def chosen(self, law: str) -> list[allocation.Allocation]:
        """The laws to show for the menu choice ``law`` ("all" or a name); a user fit always."""
        names = list(self.laws) if law == "all" else [law] + ([USER] if USER in self.laws else [])
        return [self.laws[n] for n in dict.fromkeys(names)]


def analyse(n_bootstrap: int = 1000, seed: int = 0, user_fit: str = "") -> Calculator:
    """Published laws, the Approach 3 refit here (with ``n_bootstrap`` replicates; 0: no band)
    and, if ``user_fit`` names a file, the fit saved there."""
    df = published.drop_highest_losses(
        published.load(DATA), BESIROGLU.selection.n_excluded_highest_loss
    )
    N, D, _, L = estimators.arrays(df)
    huber = estimators.approach3(N=N, D=D, L=L)
    lik = estimators.approach3(N=N, D=D, L=L, objective="huber_likelihood")
    boot = None
    if n_bootstrap:
        rng = stream(seed, "approach3-bootstrap")  # the stream `scalinglaws fit` draws from too
        boot = estimators.bootstrap_approach3(
            N=N, D=D, L=L, n_bootstrap=n_bootstrap, rng=rng, full_fit=huber
        )
    laws = dict(allocation.allocations())
    laws[REFIT] = allocation.from_fit(
        REFIT,
        "eq 2 refitted on Besiroglu 2024's points, eq 4",
        lik.fit,
        f"eq 4 of eq 2 refitted here on {lik.n_points} points of {DATA} (Huber likelihood)",
        allocation.REFIT_HERE,
        note=f"band: {LEVEL:.0%} bootstrap interval ({n_bootstrap} replicates, summed Huber)"
        if n_bootstrap
        else "",
    )
    calc = Calculator(laws, boot, lik.n_points)
    return with_user_fit(calc, user_fit) if user_fit else calc


def with_user_fit(calc: Calculator, path: str) -> Calculator:
    """``calc`` with the eq 2 fit saved at ``path`` added as the law ``user-fit``."""
    fit = allocation.load_fit(path, "user_fit")
    law = allocation.from_fit(USER, "fit from file", fit, fit.source, allocation.REFIT_HERE)
    return replace(calc, laws={**{k: v for k, v in calc.laws.items() if k != USER}, USER: law})


def table(calc: Calculator, flops: float, law: str = "all") -> pd.DataFrame:
    """The rows of ``scalinglaws optimal`` at ``flops`` for the chosen laws, with the 10th-90th
    percentile band where the law has one, formatted to 3 significant digits."""
    rows = allocation.optimal_rows(flops, calc.chosen(law))
    out = []
    for r in rows:
        band = calc.band(r["law"], flops) or {}
        span = {k: f"{lo:.3g} to {hi:.3g}" for k, (lo, hi) in band.items()}
        out.append(
            {
                "law": r["law"],
                "N_opt": f"{r['N_opt']:.3g}",
                f"N_opt {LEVEL:.0%}": span.get("N_opt", ""),
                "D_opt": f"{r['D_opt']:.3g}",
                f"D_opt {LEVEL:.0%}": span.get("D_opt", ""),
                "D/N": f"{r['tokens_per_param']:.1f}",
                "loss (nats)": f"{r['loss']:.3f}",
                f"loss {LEVEL:.0%}": span.get("loss", ""),
                "parameters": r["params"],
            }
        )
    return pd.DataFrame(out).set_index("law")


def web_data(calc: Calculator, flops: float) -> dict:
    """What the book's web calculator needs, as JSON-ready data: every law's closed form and
    constants (:func:`scalinglaws.analysis.allocation.evaluate_spec`), the refit's bootstrap
    replicates for its band, the slider's range and its starting budget. ``tools/book.py`` writes
    it to the book's ``_static/calculator.json`` at ``make book`` time; nothing is retyped in the
    page's script."""
    laws = [
        {
            "law": a.name,
            "label": a.label,
            "kind": a.kind,
            "params": a.params_kind,
            "source": a.source,
            "note": a.note,
            "spec": a.spec,
        }
        for a in calc.laws.values()
    ]
    band = None
    if calc.bootstrap is not None:
        b = calc.bootstrap
        cols = [list(b.names).index(k) for k in allocation.FIT_KEYS]
        band = {
            "law": REFIT,
            "level": LEVEL,
            "keys": list(allocation.FIT_KEYS),
            "replicates": [[float(r[c]) for c in cols] for r in b.replicates],
        }
    return {"flops": flops, "flops_range": list(WEB_FLOPS), "laws": laws, "band": band}
