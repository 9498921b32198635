"""The dispatch check: every derived number computed under each SIMD setting this CPU offers, and
required to agree.

numpy picks SIMD kernels by CPU (AVX-512, AVX2 or its SSE baseline), and so does the OpenBLAS that
numpy and scipy ship; the kernels sum in different orders, so results differ in their last bits.
A well-conditioned number moves by about 1e-15 relative between them. One that moves by more than
:data:`RTOL`, or a count (of failed bootstrap replicates, of budgets used) that changes at all,
depends on where rounding sends an optimiser or a test: the fix is in its computation (converge
to a stated tolerance, decide with a margin, report a fit as not identifiable), never a wider
tolerance. Narrowing can only remove features, so each setting is this CPU's own or narrower:

- ``full``: the environment as it is;
- ``no-avx512`` (where the CPU has AVX-512): numpy without its AVX-512 targets, OpenBLAS's Haswell
  kernels (``OPENBLAS_CORETYPE``);
- ``baseline``: numpy without any dispatched target (its x86-64-v2 baseline), OpenBLAS's Nehalem
  kernels.

The registry's values and the notebooks' tables (:func:`scalinglaws.report.derived.tables`) run
under each setting in a process each (one BLAS thread each, two at a time, the costliest parts
first). Each process also reports the drawing modules it imported: the derived numbers come from the
analysis layer and below, and a part that imports matplotlib or seaborn fails the check too.
``python -m scalinglaws.report.dispatch`` prints what it compared and every number that moved, and
exits 1 if any did (``make test`` runs it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

RTOL = (
    1e-7  # relative: ~1e9 times the spread of a well-conditioned sum, far below any printed digit
)
# absolute floor, for values that are exactly 0 under one setting and 1e-17 under another
ATOL = 1e-12
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _cpu() -> tuple[set[str], list[str]]:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return {k for k, v in __cpu_features__.items() if v}, list(__cpu_dispatch__)


def settings() -> dict[str, dict[str, str]]:
    """The dispatch settings this CPU offers: name -> environment changes."""
    features, targets = _cpu()
    on = [t for t in targets if t in features]
    out: dict[str, dict[str, str]] = {"full": {}}
    avx512 = [t for t in on if t == "X86_V4" or t.startswith("AVX512")]
    if avx512 and "AVX2" in features:
        out["no-avx512"] = {
            "NPY_DISABLE_CPU_FEATURES": " ".join(avx512),
            "OPENBLAS_CORETYPE": "Haswell",
        }
    if on:
        out["baseline"] = {"NPY_DISABLE_CPU_FEATURES": " ".join(on), "OPENBLAS_CORETYPE": "Nehalem"}
    return out


def _load(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


DRAWING = ("matplotlib", "seaborn")


def compute(target: str, out: Path, part: str | None = None) -> None:
    """Worker: ``target`` ("module:function", returning {name: DataFrame}; called with
    ``parts=`` the comma-separated names in ``part`` when given) pickled to ``out`` with the
    drawing modules it imported."""
    result = _load(target)(**({"parts": tuple(part.split(","))} if part else {}))
    drawn = sorted(m for m in sys.modules if m.split(".")[0] in DRAWING)
    out.write_bytes(pickle.dumps((result, drawn)))


def _numbers_differ(a: str, b: str) -> bool:
    """Two texts differ beyond one unit in the last printed digit of a number they print."""
    ta, tb = _NUMBER.split(a), _NUMBER.split(b)
    na, nb = _NUMBER.findall(a), _NUMBER.findall(b)
    if ta != tb or len(na) != len(nb):
        return True
    for x, y in zip(na, nb, strict=True):
        if x == y:
            continue
        digits = len(x.split(".")[1].split("e")[0].split("E")[0]) if "." in x else 0
        exp = int(re.split("[eE]", x)[1]) if re.search("[eE]", x) else 0
        if abs(float(x) - float(y)) > 1.000001 * 10.0 ** (exp - digits):
            return True
    return False


def differences(ref: dict[str, pd.DataFrame], other: dict[str, pd.DataFrame], rtol: float = RTOL):
    """Every cell of ``other`` that differs from ``ref``: counts (integer-valued columns) and texts
    at all (a number printed in a text by more than its last digit), other numbers by more than
    ``rtol`` relative and :data:`ATOL` absolute. A list of one-line descriptions."""
    out = []
    for name in sorted(set(ref) | set(other)):
        if name not in ref or name not in other:
            out.append(f"{name}: computed under one setting only")
            continue
        a, b = ref[name], other[name]
        if list(a.columns) != list(b.columns) or len(a) != len(b):
            out.append(f"{name}: shape {a.shape} vs {b.shape}")
            continue
        for col in a.columns:
            x, y = a[col].to_numpy(), b[col].to_numpy()
            numeric = pd.api.types.is_numeric_dtype(a[col]) and pd.api.types.is_numeric_dtype(
                b[col]
            )
            for i in range(len(a)):
                u, v = x[i], y[i]
                if numeric:
                    u, v = float(u), float(v)
                    if np.isnan(u) and np.isnan(v) or u == v:
                        continue
                    both_int = float(u).is_integer() and float(v).is_integer() and abs(u) < 2**31
                    counts = pd.api.types.is_integer_dtype(a[col]) or pd.api.types.is_bool_dtype(
                        a[col]
                    )
                    rel = abs(u - v) / max(abs(u), abs(v))
                    close = abs(u - v) <= ATOL or rel <= rtol
                    if counts or (both_int and col.startswith("n_")) or not close:
                        out.append(f"{name}[{i}].{col}: {u!r} vs {v!r} (relative {rel:.2g})")
                elif str(u) != str(v) and _numbers_differ(str(u), str(v)):
                    out.append(f"{name}[{i}].{col}: {u!r} vs {v!r}")
    return out


def _run(
    name: str, env: dict[str, str], target: str, folder: Path, part: str | None = None
) -> tuple[dict, list[str], float]:
    out = folder / f"{name}-{part or 'all'}.pkl"
    full_env = {
        **os.environ,
        **env,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    t0 = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalinglaws.report.dispatch",
            "--worker",
            str(out),
            "--target",
            target,
            *(["--part", part] if part else []),
        ],
        env=full_env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        where = f"the '{name}' setting" + (f", part {part}," if part else "")
        raise RuntimeError(f"{where} failed:\n{proc.stderr[-3000:]}")
    result, drawn = pickle.loads(out.read_bytes())
    return result, drawn, time.perf_counter() - t0


def check(
    target: str = "scalinglaws.report.derived:tables",
    jobs: int = 2,
    rtol: float = RTOL,
    only: tuple[str, ...] = (),
    parts: tuple[str, ...] = (),
) -> tuple[list[str], list[str]]:
    """Compute ``target`` under every setting (each of ``parts`` in a process of its own, when
    given; else the whole in one) and compare each with ``full``: (lines describing what ran,
    differences, including any drawing module a process imported)."""
    sets = settings()
    if only:
        sets = {k: v for k, v in sets.items() if k in only or k == "full"}
    log, diffs = [], []
    results: dict[str, dict] = {name: {} for name in sets}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(jobs) as pool:
        jobs_ = [(n, p) for p in (parts or (None,)) for n in sets]
        futures = [pool.submit(_run, n, sets[n], target, Path(tmp), p) for n, p in jobs_]
        seconds: dict[str, float] = dict.fromkeys(sets, 0.0)
        for (name, part), f in zip(jobs_, futures, strict=True):
            tables, drawn, took = f.result()
            results[name].update(tables)
            seconds[name] += took
            if drawn:
                where = f"part {part}" if part else target
                diffs.append(f"{name}: computing {where} imported drawing code: {drawn[:5]}")
    for name, env in sets.items():
        env_text = " ".join(f"{k}={v!r}" for k, v in env.items()) or "(environment as is)"
        log.append(f"{name}: {env_text}; {seconds[name]:.1f} s")
    ref = results["full"]
    n_values = sum(t.size for t in ref.values())
    log.append(f"{len(ref)} tables, {n_values} values, compared under {len(sets)} settings")
    for name, tables in results.items():
        if name != "full":
            diffs += [f"{name} vs full: {d}" for d in differences(ref, tables, rtol)]
    return log, diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m scalinglaws.report.dispatch", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--part", help=argparse.SUPPRESS)
    ap.add_argument(
        "--target",
        default="scalinglaws.report.derived:tables",
        help="module:function returning {name: DataFrame} (default: every derived table)",
    )
    args = ap.parse_args(argv)
    if args.worker:
        compute(args.target, args.worker, args.part)
        return 0
    print(f"dispatch check: {args.target} under {', '.join(settings())}", flush=True)
    parts: tuple[str, ...] = ()
    if args.target == "scalinglaws.report.derived:tables":
        from scalinglaws.report.derived import PARTS

        # two processes a setting: the registry (the costliest) first, then every notebook's
        # tables together (they share fits)
        parts = ("registry", ",".join(p for p in PARTS if p != "registry"))
    log, diffs = check(args.target, parts=parts)
    print("\n".join(log))
    if diffs:
        print(
            f"{len(diffs)} problems: a number that moved with the SIMD dispatch is "
            f"ill-conditioned (fix the computation, not a tolerance); drawing code belongs in "
            f"figures/, not under the numbers:"
        )
        print("\n".join(f"  {d}" for d in diffs))
        return 1
    print(f"every number agrees to {RTOL:g} relative, every count and text exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
