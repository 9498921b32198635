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
