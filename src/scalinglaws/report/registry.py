"""The registry of reproduced numbers: every paper value this companion recomputes, in one list.

The list is data, ``registry.toml`` beside this module, one row per value a paper prints: paper,
table/equation/figure, the printed constant (its path in :mod:`scalinglaws.constants`, so the
number lives once in src) and the text it is printed as, the function of this package that
recomputes it (import path and keyword arguments) and the kind of number it is (published law,
published data, refit here, measured here). Its tolerance is not a field: it follows from the
printed text by the one rule of :mod:`scalinglaws.core.tolerance` (half a unit of the last printed
digit; a printed interval as printed; an order of magnitude within sqrt(10)). The tests assert
every entry of :data:`ENTRIES`, and ``make report`` writes ``REPRODUCTION.md`` from it; there is
no second list.

An entry whose value is knowingly not reproduced names the section of ``docs/differences.md`` that
explains why (``explained``); it then counts as explained, not as reproduced. Measured-here entries
are not reproductions of a paper: they are reported apart, as consistent with the printed value or
not, by the bootstrap interval of the measurement (``interval``, a function taking the same
arguments as ``compute``).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scalinglaws import constants
from scalinglaws.core.kinds import KINDS, MEASURED_HERE
from scalinglaws.core.tolerance import Tolerance, from_printed

REGISTRY = Path(__file__).with_name("registry.toml")


class RegistryError(ValueError):
    """A row of registry.toml that cannot be read: names the row (its id) and the field."""


HEADLINE_PAPERS = ("Kaplan 2020", "Hoffmann 2022", "Besiroglu 2024")
OTHER_STUDIES = "Other studies"  # families "Other studies: <study>": other studies' data
READING = "reproduced under a chosen reading"


@dataclass(frozen=True)
class Entry:
    """One paper value and how this project recomputes it."""

    id: str  # stable identifier, e.g. "kaplan2020.fig12.lower"
    paper: str  # "Kaplan 2020", "Hoffmann 2022", "Besiroglu 2024"
    family: str  # figure family or topic, for grouping
    where: str  # table, equation or figure and section
    quantity: str  # what the number is
    printed: float  # the value as printed (from the constants), in plain units
    printed_text: str  # how the paper prints it: its digits set the tolerance
    compute: Callable[[], float] = field(repr=False)  # this project's value
    kind: str  # PUBLISHED_LAW, PUBLISHED_DATA, REFIT_HERE or MEASURED_HERE
    explained: str = ""  # heading in docs/differences.md when knowingly not reproduced
    interval: Callable[[], tuple[float, float]] | None = field(default=None, repr=False)
    reading: str = ""  # a reading of what the paper does not print, chosen to match its number
    alternative: Callable[[], float] | None = field(default=None, repr=False)  # shown beside
    alternative_label: str = ""  # what the alternative value is
    printed_from: str = ""  # the constant, e.g. "KAPLAN.figure12.lower_ratio"
    compute_from: str = ""  # the function with its arguments, e.g. "...values:kaplan_fig12(...)"

    @property
    def headline(self) -> bool:
        """Counted in REPRODUCTION.md's headline: a row of Kaplan's, Hoffmann's or Besiroglu's
        own work, not another study's data held against one of their numbers."""
        return self.paper in HEADLINE_PAPERS and not self.family.startswith(OTHER_STUDIES)

    @property
    def tolerance(self) -> Tolerance:
        """The values the printed text stands for (scalinglaws.core.tolerance's rule)."""
        return from_printed(self.printed_text)


@dataclass(frozen=True)
class Outcome:
    entry: Entry
    value: float
    interval: tuple[float, float] | None = None  # measured here: the measurement's interval
    alternative: float | None = None  # the entry's alternative value, where it has one

    @property
    def error(self) -> float:
        """Distance from the printed value in units of the tolerance (<= 1: within)."""
        return self.entry.tolerance.error(self.value)

    @property
    def within(self) -> bool:
        return self.entry.tolerance.contains(self.value)

    @property
    def consistent(self) -> bool:
        """Measured here: the printed value lies inside the measurement's interval."""
        if self.interval is None:
            return False
        return self.interval[0] <= self.entry.printed <= self.interval[1]

    @property
    def status(self) -> str:
        if self.entry.kind == MEASURED_HERE:
            return "consistent with" if self.consistent else "not consistent with"
        if self.within:
            return READING if self.entry.reading else "reproduced"
        return "explained" if self.entry.explained else "NOT REPRODUCED"


# ----------------------------------------------------------------------------------------------
# Loading registry.toml
# ----------------------------------------------------------------------------------------------

_REQUIRED = (
    "id",
    "paper",
    "family",
    "where",
    "quantity",
    "printed",
    "printed_text",
    "compute",
    "kind",
)
_OPTIONAL = (
    "args",
    "explained",
    "interval",
    "reading",
    "alternative",
    "alternative_args",
    "alternative_label",
)
_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(\d+)\]")


def _constant(path: str, where: str) -> float:
    """The number at ``path`` in scalinglaws.constants, e.g. ``HOFFMANN.tables.table3[3].params``."""
    head, _, rest = path.partition(".")
    if head not in constants.__all__ or not rest:
        raise RegistryError(
            f"{where}: 'printed' must name a constant as PAPER.field..., got {path!r}"
        )
    value, pos, rest = getattr(constants, head), 0, "." + rest
    while pos < len(rest):
        m = _STEP.match(rest, pos)
        if m is None:
            raise RegistryError(f"{where}: 'printed' {path!r} cannot be read at {rest[pos:]!r}")
        try:
            value = getattr(value, m[1]) if m[1] else value[int(m[2])]
        except (AttributeError, IndexError, TypeError) as err:
            raise RegistryError(
                f"{where}: 'printed' {path!r} is not in scalinglaws.constants ({err})"
            ) from None
        pos = m.end()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RegistryError(f"{where}: 'printed' {path!r} must be a number, got {value!r}")
    return float(value)


def _function(path: str, args: dict, where: str, name: str) -> Callable:
    """The function at ``module:name``, bound to ``args`` (checked against its signature)."""
    module, sep, attr = path.partition(":")
    if not sep or not module.startswith("scalinglaws."):
        raise RegistryError(
            f"{where}: {name!r} must be 'scalinglaws.module:function', got {path!r}"
        )
    try:
        fn = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as err:
        raise RegistryError(f"{where}: {name!r} {path!r} cannot be imported ({err})") from None
    try:
        inspect.signature(fn).bind(**args)
    except TypeError as err:
        raise RegistryError(
            f"{where}: 'args' {args!r} do not fit {name!r} {path!r} ({err})"
        ) from None
    return functools.partial(fn, **args)


def _entry(row: dict, i: int) -> Entry:
    where = f"registry.toml row {i + 1} ({row.get('id', 'no id')!r})"
    unknown = sorted(set(row) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise RegistryError(
            f"{where}: unknown field {unknown[0]!r}; fields are {', '.join(_REQUIRED + _OPTIONAL)}"
        )
    missing = [k for k in _REQUIRED if k not in row]
    if missing:
        raise RegistryError(f"{where}: field {missing[0]!r} is missing")
    for k in (*_REQUIRED, "explained", "interval", "reading", "alternative", "alternative_label"):
        if k in row and (not isinstance(row[k], str) or not row[k].strip()):
            raise RegistryError(f"{where}: {k!r} must be non-empty text, got {row[k]!r}")
    if row["kind"] not in KINDS:
        raise RegistryError(
            f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {row['kind']!r}"
        )
    args = row.get("args", {})
    if not isinstance(args, dict):
        raise RegistryError(f"{where}: 'args' must be a table of keyword arguments, got {args!r}")
    if (row["kind"] == MEASURED_HERE) != ("interval" in row):
        raise RegistryError(
            f"{where}: 'interval' is required for, and only for, kind {MEASURED_HERE!r}"
        )
    try:
        from_printed(row["printed_text"])
    except ValueError as err:
        raise RegistryError(f"{where}: 'printed_text' {err}") from None
    if ("alternative" in row) != ("alternative_label" in row):
        raise RegistryError(f"{where}: 'alternative' and 'alternative_label' go together")
    alt_args = row.get("alternative_args", {})
    if not isinstance(alt_args, dict):
        raise RegistryError(f"{where}: 'alternative_args' must be a table, got {alt_args!r}")
    alternative = (
        _function(row["alternative"], alt_args, where, "alternative")
        if "alternative" in row
        else None
    )
    signature = ", ".join(f"{k}={v!r}" for k, v in args.items())
    return Entry(
        id=row["id"],
        paper=row["paper"],
        family=row["family"],
        where=row["where"],
        quantity=row["quantity"],
        printed=_constant(row["printed"], where),
        printed_text=row["printed_text"],
        compute=_function(row["compute"], args, where, "compute"),
        kind=row["kind"],
        explained=row.get("explained", ""),
        interval=_function(row["interval"], args, where, "interval") if "interval" in row else None,
        reading=row.get("reading", ""),
        alternative=alternative,
        alternative_label=row.get("alternative_label", ""),
        printed_from=row["printed"],
        compute_from=f"{row['compute']}({signature})",
    )


def load(path: Path = REGISTRY) -> tuple[Entry, ...]:
    """Every entry of a registry file, in its order, checked (:class:`RegistryError` if not)."""
    try:
        rows = tomllib.loads(Path(path).read_text())
    except tomllib.TOMLDecodeError as err:
        raise RegistryError(f"{Path(path).name}: {err}") from None
    if set(rows) != {"entry"} or not isinstance(rows["entry"], list):
        raise RegistryError(f"{Path(path).name}: must hold only [[entry]] rows, got {sorted(rows)}")
    entries = tuple(_entry(row, i) for i, row in enumerate(rows["entry"]))
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise RegistryError(f"{Path(path).name}: id {e.id!r} appears twice")
        seen.add(e.id)
    return entries


ENTRIES: tuple[Entry, ...] = load()


def entry(id_: str) -> Entry:
    for x in ENTRIES:
        if x.id == id_:
            return x
    raise KeyError(f"entry must be one of the registry's ids, got {id_!r}")


def evaluate(e: Entry) -> Outcome:
    interval = None if e.interval is None else tuple(float(x) for x in e.interval())
    alternative = None if e.alternative is None else float(e.alternative())
    return Outcome(e, float(e.compute()), interval, alternative)


def evaluate_all() -> list[Outcome]:
    return [evaluate(e) for e in ENTRIES]


def table(family: str | None = None, ids: tuple[str, ...] = ()):
    """The registry's rows of one figure family (``family``, as REPRODUCTION.md groups them) or
    the given ``ids``, evaluated: where the paper prints each number, the printed text, the value
    computed here, the tolerance its digits set and the status. Notebooks show this table rather
    than keeping their own copies of the paper's numbers."""
    families = sorted({e.family for e in ENTRIES})
    if family is not None and family not in families:
        raise KeyError(f"family must be one of {families}, got {family!r}")
    chosen = [entry(i) for i in ids] if ids else [e for e in ENTRIES if e.family == family]
    import pandas as pd

    if not chosen:
        raise KeyError("give a family or one or more ids")
    rows = []
    for o in map(evaluate, chosen):
        e = o.entry
        rows.append(
            {
                "where": e.where,
                "quantity": e.quantity,
                "printed": e.printed_text,
                "computed here": float(f"{o.value:.4g}"),
                "tolerance": e.tolerance.describe(),
                "kind": e.kind,
                "status": o.status,
            }
        )
    return pd.DataFrame(rows)
