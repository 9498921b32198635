"""The text `python -m scalinglaws fit --runs` and `optimal --fit` print for a fit of a table of runs."""

from __future__ import annotations

import json
import math


def fit_summary(
    out: dict,
    *,
    approach: int,
    label: str,
    params: str,
    exclude: int,
    level: float,
    n_boot: int,
    seed: int,
) -> str:
    """The fit ``out`` of :func:`scalinglaws.analysis.fit_runs.fit` as lines of text: the
    estimates with their standard errors and intervals, the envelope's range and footnote 4's
    share (Approach 1), the bootstrap's failures and why a fit is not identifiable."""
    lines: list[str] = []
    lines.append(
        f"Approach {approach} (Hoffmann 2022) on {label}: {out['n_runs']} runs "
        f"({out['n_rows']} rows), N counted as {params}; {out['flops']}"
        + (f"; {exclude} highest losses dropped" if exclude else "")
    )
    boot = out.get("bootstrap")
    shown = (
        out["estimate"]
        if approach == 3
        else {
            "a": out["a"],
            "b": out["b"],
            "N_opt_k": out["N_opt"]["k"],
            "D_opt_k": out["D_opt"]["k"],
        }
    )
    for k, v in shown.items():
        extra = ""
        if boot:
            lo, hi = boot["interval"][k]
            extra = f"  SE {boot['se'][k]:.4g}  {100 * level:g}% [{lo:.4g}, {hi:.4g}]"
        lines.append(f"  {k:<8}{v:>12.5g}{extra}")
    if approach != 3:
        lines.append("  N_opt = N_opt_k C^a, D_opt = D_opt_k C^b (C in FLOPs)")
    if approach == 1:
        lines.append(
            f"  envelope fitted over {out['flops_range'][0]:.3g}-{out['flops_range'][1]:.3g} "
            f"FLOPs; {100 * out['last_15pct_fraction']:.1f}% of its points in the last 15% "
            "of their run (Hoffmann 2022 footnote 4)"
        )
    if boot:
        lines.append(
            f"  bootstrap: {n_boot} resamples of the runs (seed {seed}), {boot['n_failed']} failed"
        )
    if approach == 3 and not out["identifiable"]:
        lines.append(
            "  not identifiable: "
            + "; ".join(out["not_identifiable"])
            + (": no interval is given" if n_boot else "")
        )
    return "\n".join(lines)


def prediction_summary(out: dict, C: float, *, level: float) -> str:
    """The prediction ``out`` of :func:`scalinglaws.analysis.predict.predict` at ``C`` FLOPs as
    lines of text (`optimal --fit`): N_opt, D_opt, D/N and the loss, with their intervals."""
    lines: list[str] = []
    iv = out.get("interval", {})
    lines.append(
        f"Compute-optimal allocation at C = {C:.3g} FLOPs under the Approach {out['approach']} "
        f"fit of {out['runs']} (N counted as {out['params']})"
    )

    def show(name, key):
        extra = f"  {100 * level:g}% [{iv[key][0]:.4g}, {iv[key][1]:.4g}]" if key in iv else ""
        lines.append(f"  {name:<8}{out[key]:>12.4g}{extra}")

    show("N_opt", "N_opt")
    show("D_opt", "D_opt")
    lines.append(f"  D/N     {out['tokens_per_param']:>12.4g}")
    if out["loss"] is None:
        lines.append(f"  loss: {out['note']}")
    else:
        show("loss", "loss")
        if "loss_prediction" in iv:
            lo, hi = iv["loss_prediction"]
            c_lo, c_hi = iv["loss_confidence"]
            lines.append(
                f"  loss of a new run: {100 * level:g}% prediction interval [{lo:.4g}, {hi:.4g}] "
                f"(the law's own: [{c_lo:.4g}, {c_hi:.4g}])"
            )
    if not iv:
        lines.append("  (no intervals: the fit was saved without --bootstrap)")
    return "\n".join(lines)


def trust_summary(trust: dict) -> str:
    """The trust block of a fit (:func:`scalinglaws.analysis.trust.report_for`) as text: the
    verdict, its reasons, then every number behind it."""
    lines = [f"  trust: {trust['verdict']}"]
    lines += [f"    - {why}" for why in trust["reasons"]]
    for k, v in trust.items():
        if k in ("verdict", "reasons"):
            continue
        if isinstance(v, dict):
            v = ", ".join(f"{kk}: {vv:.4g}" for kk, vv in v.items())
        elif isinstance(v, float):
            v = f"{v:.4g}"
        lines.append(f"    {k:<30}{v}")
    return "\n".join(lines)


def strict_json(obj) -> str:
    """Strict JSON (RFC 8259): a number that is not finite (a condition number of a singular fit,
    a bootstrap's missing SE) is written as null, never as NaN or Infinity."""

    def clean(x):
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        if isinstance(x, float) and not math.isfinite(x):
            return None
        return x

    return json.dumps(clean(obj), indent=2, allow_nan=False)
