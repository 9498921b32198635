"""Validation of notebook parameters and command-line values.

Each notebook's papermill parameters are declared once, as a :class:`ParameterSpec` in
:data:`scalinglaws.analysis.parameters.SPECS`. The notebook's first code cell after the ``parameters`` cell
calls ``SPECS[<notebook>].validate(globals())``, which returns
the checked values as a namespace or raises :class:`ParameterError` whose message names the
parameter, the value received and the accepted range::

    parameter 'n_bootstrap' must be an integer in [0, 100000], got -3

Every spec also carries the two standard parameters ``formats`` (figure formats to write) and
``output_dir`` (where figures go; empty means the repository's ``figures/``).
"""

from __future__ import annotations

import math
import numbers
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FIGURE_FORMATS = ("png", "pdf", "svg")
FLOPS_RANGE = (1e10, 1e35)  # training budgets C in FLOPs: `scalinglaws optimal` and notebook 07


class ParameterError(ValueError):
    """A parameter or argument outside its accepted range; the message says which and why."""


def _show(value) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})" if not isinstance(value, float | int) else text


def _interval(lo, hi, lo_open: bool, hi_open: bool) -> str:
    return f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def check_real(
    name: str, value, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False
) -> float:
    """Return ``value`` as a float if it is a finite real number in the interval, else raise."""
    rng = _interval(lo, hi, lo_open, hi_open)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        v = float(value)
        ok = (
            math.isfinite(v)
            and (v > lo if lo_open else v >= lo)
            and (v < hi if hi_open else v <= hi)
        )
    if not ok:
        raise ParameterError(f"parameter '{name}' must be a number in {rng}, got {_show(value)}")
    return v


def check_int(name: str, value, lo: int, hi: int) -> int:
    """Return ``value`` as an int if it is an integer in [lo, hi], else raise."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and lo <= value <= hi
    if not ok:
        raise ParameterError(
            f"parameter '{name}' must be an integer in [{lo}, {hi}], got {_show(value)}"
        )
    return int(value)


def check_choice(name: str, value, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise."""
    if not isinstance(value, str) or value not in options:
        raise ParameterError(
            f"parameter '{name}' must be one of {', '.join(map(repr, options))}, got {_show(value)}"
        )
    return value


@dataclass(frozen=True)
class Param:
    """Base class: one named parameter with a one-line description."""

    name: str
    doc: str = ""

    def check(self, value):  # pragma: no cover - overridden
        raise NotImplementedError

    def accepted(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@dataclass(frozen=True)
class Real(Param):
    lo: float = -math.inf
    hi: float = math.inf
    lo_open: bool = False
    hi_open: bool = False

    def check(self, value) -> float:
        return check_real(
            self.name, value, self.lo, self.hi, lo_open=self.lo_open, hi_open=self.hi_open
        )

    def accepted(self) -> str:
        return f"a number in {_interval(self.lo, self.hi, self.lo_open, self.hi_open)}"


@dataclass(frozen=True)
class Integer(Param):
    lo: int = 0
    hi: int = 10**9

    def check(self, value) -> int:
        return check_int(self.name, value, self.lo, self.hi)

    def accepted(self) -> str:
        return f"an integer in [{self.lo}, {self.hi}]"


@dataclass(frozen=True)
class Choice(Param):
    options: tuple[str, ...] = ()

    def check(self, value) -> str:
        return check_choice(self.name, value, self.options)

    def accepted(self) -> str:
        return f"one of {', '.join(map(repr, self.options))}"


@dataclass(frozen=True)
class Text(Param):
    max_len: int = 4096

    def check(self, value) -> str:
        if not isinstance(value, str) or len(value) > self.max_len:
            raise ParameterError(
                f"parameter '{self.name}' must be {self.accepted()}, got {_show(value)}"
            )
        return value

    def accepted(self) -> str:
        return f"a string of at most {self.max_len} characters"


@dataclass(frozen=True)
class Formats(Param):
    """Figure formats: a list drawn from png, pdf, svg (a comma-separated string is accepted)."""

    name: str = "formats"

    def check(self, value) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        ok = isinstance(items, Sequence) and len(items) > 0
        ok = ok and all(isinstance(f, str) and f.strip() in FIGURE_FORMATS for f in items)
        if not ok:
            raise ParameterError(
                f"parameter '{self.name}' must be {self.accepted()}, got {_show(value)}"
            )
        return tuple(dict.fromkeys(f.strip() for f in items))

    def accepted(self) -> str:
        return f"a non-empty list drawn from {', '.join(FIGURE_FORMATS)}"


@dataclass(frozen=True)
class OutputDir(Param):
    """Where figures and tables are written; empty means ``build/lab/`` (only `make figures`
    writes the committed ``figures/`` and ``data/derived/``)."""

    name: str = "output_dir"

    def check(self, value) -> Path:
        from scalinglaws.core import paths

        if not isinstance(value, str | Path):
            raise ParameterError(
                f"parameter '{self.name}' must be {self.accepted()}, got {_show(value)}"
            )
        return Path(value).resolve() if str(value) else paths.LAB

    def accepted(self) -> str:
        return "a folder path as a string ('' for build/lab/)"


@dataclass(frozen=True)
class Less:
    """Cross-parameter constraint: parameter ``a`` must be smaller than parameter ``b``."""

    a: str
    b: str

    def __call__(self, values: Mapping) -> None:
        if not values[self.a] < values[self.b]:
            raise ParameterError(
                f"parameter '{self.a}' must be less than '{self.b}', got "
                f"{self.a}={values[self.a]!r} and {self.b}={values[self.b]!r}"
            )


@dataclass(frozen=True)
class ParameterSpec:
    """The papermill parameters of one notebook, with their accepted ranges."""

    notebook: str
    params: Sequence[Param] = ()
    constraints: Sequence[Callable[[Mapping], None]] = ()
    standard: tuple[Param, ...] = field(default=(Formats(), OutputDir()))

    @property
    def all_params(self) -> tuple[Param, ...]:
        return tuple(self.params) + tuple(self.standard)

    def validate(self, namespace: Mapping) -> types.SimpleNamespace:
        """Check every declared parameter in ``namespace`` (a notebook's ``globals()``)."""
        values = {}
        for p in self.all_params:
            if p.name not in namespace or namespace[p.name] is None:
                got = "missing" if p.name not in namespace else "None"
                raise ParameterError(
                    f"parameter '{p.name}' of notebook {self.notebook} is {got}; "
                    f"it must be {p.accepted()}"
                )
            values[p.name] = p.check(namespace[p.name])
        for check in self.constraints:
            check(values)
        return types.SimpleNamespace(**values)

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, accepted range, description) for every parameter, for docs and tests."""
        return [(p.name, p.accepted(), p.doc) for p in self.all_params]
