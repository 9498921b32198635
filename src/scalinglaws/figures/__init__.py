"""Figure families: one module per notebook, each drawing paper figures from the package.

A family module defines ``NOTEBOOK`` (the notebook's file stem), ``PARAMETERS`` (its validated
papermill parameters, a :class:`scalinglaws.params.ParameterSpec`) and ``figure_*`` functions that
return matplotlib figures. :func:`families` finds them all, so tests and tools need no list.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def families() -> dict[str, ModuleType]:
    """Map notebook stem -> family module, for every module here that defines ``NOTEBOOK``."""
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        notebook = getattr(module, "NOTEBOOK", None)
        if notebook:
            found[notebook] = module
    return found
