"""The analysis layer computes numbers only: importing any of its modules imports no matplotlib."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import scalinglaws.analysis

MODULES = sorted(
    f"scalinglaws.analysis.{m.name}" for m in pkgutil.iter_modules(scalinglaws.analysis.__path__)
)


def test_the_analysis_layer_has_modules():
    assert {"scalinglaws.analysis.isoflop", "scalinglaws.analysis.envelope"} <= set(MODULES)


@pytest.mark.parametrize("module", ["scalinglaws.core.kinds", "scalinglaws.analysis", *MODULES])
def test_importing_an_analysis_module_imports_no_matplotlib(module):
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "drawn = sorted(m for m in sys.modules if m == 'matplotlib' or m.startswith('matplotlib.'))\n"
        "print(','.join(drawn))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"


# ---- the derived tables' columns, as data/derived/README.md documents them ----------------------


def _documented_columns() -> dict[str, list[str]]:
    """Each table of data/derived/README.md with its columns in order: the backticked names in the
    first cell of its section's table rows (a section naming several files gives each the same)."""
    import re

    from scalinglaws.core import paths

    out: dict[str, list[str]] = {}
    names: list[str] = []
    for line in (paths.DATA / "derived" / "README.md").read_text().splitlines():
        if line.startswith("## "):
            names = re.findall(r"`([^`]+\.csv)`", line)
        elif line.startswith("| `"):
            for name in names:
                out.setdefault(name, []).extend(re.findall(r"`([^`]+)`", line.split("|")[1]))
    # "The columns of study_v2_ladder.csv" (its section describes the steps, not the columns)
    out["study_v3_porian.csv"] = out["study_v2_ladder.csv"]
    return out


def test_every_committed_derived_table_has_the_documented_columns():
    import csv

    from scalinglaws.core import paths

    documented = _documented_columns()
    for f in sorted((paths.DATA / "derived").glob("*.csv")):
        key = "study_v2_optima_<corpus>.csv" if f.name.startswith("study_v2_optima_") else f.name
        with f.open() as fh:
            assert next(csv.reader(fh)) == documented[key], f.name


def test_the_tables_are_written_with_the_documented_columns():
    """The functions that write the derived tables, on synthetic inputs: each table's columns, in
    order, as data/derived/README.md lists them."""
    import pandas as pd

    from scalinglaws.analysis import c4_github, study_v2, study_v3
    from scalinglaws.analysis import ladder as ladder_v2
    from scalinglaws.constants import PORIAN
    from tests.test_c4_github import _synthetic_runs
    from tests.test_study_v2 import _study_with
    from tests.test_study_v3 import _runs

    doc = _documented_columns()
    an = c4_github.analyse(_synthetic_runs(), n_bootstrap=0)
    assert list(c4_github.budget_table(an, "prose").columns) == doc["c4_github_budgets_prose.csv"]
    assert list(c4_github.exponent_table(an).columns) == doc["c4_github_exponents.csv"]
    e = study_v2.Exponent(0.5, 0.4, 0.6, 0.8, 3, 0)
    study = _study_with({"budget": [1e12], "N_opt": [1e5], "n_sizes": [8], "n_runs": [8],
                         "N_lo": [9e4], "N_hi": [2e5], "D_opt": [1e6], "L_opt": [2.0],
                         "seed_sd": [0.01], "rise_small": [1.0], "rise_large": [2.0],
                         "n_failed": [0]}, {"a": e})  # fmt: skip
    assert list(study_v2.optima_table(study).columns) == doc["study_v2_optima_<corpus>.csv"]
    assert list(study_v2.exponent_table([study]).columns) == doc["study_v2_exponents.csv"]
    rows = [ladder_v2.LadderRow(s, 0, pd.DataFrame(), None, None) for s in ladder_v2.LADDER]
    assert (
        list(ladder_v2.ladder_table(rows, PORIAN.refinedweb).columns) == doc["study_v2_ladder.csv"]
    )
    runs = _runs()
    t = study_v3.table(runs, runs.iloc[:0], n_bootstrap=0)  # no curves: Approach 1 fails
    assert list(t.columns) == doc["study_v3_exponents.csv"]
    failed = t[t["note"].str.startswith("not fitted")]
    assert len(failed) == 3 and set(failed["approach"]) == {"Approach 1"}  # says which failed
