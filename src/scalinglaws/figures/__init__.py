"""The figures: one module per paper figure, named after it (``kaplan2020_fig11``,
``hoffmann2022_figA3``, ...), plus the project's own (``calculator``, ``cross_study``, the
(Mis)Fitting variants). Each draws from an analysis result (:mod:`scalinglaws.analysis`) and
declares the files it makes as ``FIGURES``, a tuple of :class:`FigureInfo`; :data:`CATALOGUE`
collects them. A notebook's parameters are in :data:`scalinglaws.analysis.parameters.SPECS`;
:func:`families` maps each notebook to its parameters and its figure modules, so tests and tools
need no list.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType

from scalinglaws.core.params import ParameterSpec


@dataclass(frozen=True)
class FigureInfo:
    """One committed figure: what it reproduces and where its curves come from."""

    stem: str  # file stem in figures/
    notebook: str  # notebook stem that draws it
    paper_figure: str  # e.g. "Kaplan 2020 Fig 12"
    equations: str  # equations or data behind the curves
    kinds: (
        str  # the data kinds it shows (published law / published data / refit here / measured here)
    )


@dataclass(frozen=True)
class Family:
    """A notebook with its validated parameters and the figure modules it draws."""

    NOTEBOOK: str
    PARAMETERS: ParameterSpec
    modules: tuple[ModuleType, ...]


def _modules() -> list[ModuleType]:
    """Every figure module here (those that declare ``FIGURES``), in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            if hasattr(module, "FIGURES"):
                found.append(module)
    return found


_ORDER = (
    "kaplan2020_fig11_left",
    "kaplan2020_fig2_right",
    "kaplan2020_fig2_right_measured",
    "kaplan2020_fig11_right",
    "kaplan2020_fig2_left",
    "kaplan2020_fig2_left_measured",
    "hoffmann2022_fig2",
    "hoffmann2022_fig3",
    "hoffmann2022_fig4",
    "hoffmann2022_figA3",
    "hoffmann2022_figA2_measured",
    "hoffmann2022_fig3_measured",
    "porian2024_fig1_measured",
    "study_v3",
    "cross_study",
    "hoffmann2022_fig2_misfitting",
    "kaplan2020_fig2_misfitting",
    "kaplan2020_fig12",
    "calculator",
)
"""The order of the README's figure map: by notebook as they were written, then as drawn."""


def _catalogue() -> tuple[FigureInfo, ...]:
    entries = {info.stem: info for m in _modules() for info in m.FIGURES}
    if sorted(entries) != sorted(_ORDER):
        raise RuntimeError(f"figure modules declare {sorted(entries)}, the map orders {_ORDER}")
    return tuple(entries[stem] for stem in _ORDER)


def families() -> dict[str, Family]:
    """Map notebook stem -> its parameters and figure modules, for every notebook with a spec."""
    from scalinglaws.analysis.parameters import SPECS

    modules = _modules()
    return {
        stem: Family(
            stem, spec, tuple(m for m in modules if any(f.notebook == stem for f in m.FIGURES))
        )
        for stem, spec in sorted(SPECS.items())
    }


CATALOGUE: tuple[FigureInfo, ...] = _catalogue()
"""Every committed figure; README.md and REPRODUCTION.md show this table (a test checks both)."""
