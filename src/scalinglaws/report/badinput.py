"""How many test cases feed the companion bad input, read from the tests' own parametrisation.

A test marked ``@pytest.mark.badinput`` counts once per case pytest generates for it: the product
of the lengths of its ``@pytest.mark.parametrize`` value lists (module, class and function marks).
The count imports the test modules and reads those marks; it runs no test and no pytest session
(tests/test_reproduction.py checks it against pytest's own collection).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

MARK = "badinput"


def _marks(obj) -> list:
    marks = getattr(obj, "pytestmark", [])
    marks = marks if isinstance(marks, list) else [marks]
    return [getattr(m, "mark", m) for m in marks]  # a MarkDecorator holds its Mark


def _cases(marks: list) -> int:
    """Cases pytest generates from these marks; 0 when none of them is the bad-input mark."""
    if not any(m.name == MARK for m in marks):
        return 0
    n = 1
    for m in marks:
        if m.name == "parametrize":
            values = m.kwargs.get("argvalues", m.args[1] if len(m.args) > 1 else ())
            n *= max(len(list(values)), 1)  # an empty list still makes one (skipped) case
    return n


def _tests(module) -> dict[str, list]:
    """Test name -> its marks (module's, class's and its own), for pytest's default names."""
    out: dict[str, list] = {}
    outer = _marks(module)
    for name, obj in vars(module).items():
        if name.startswith("test") and inspect.isfunction(obj):
            out[name] = outer + _marks(obj)
        elif name.startswith("Test") and inspect.isclass(obj):
            for attr, fn in vars(obj).items():
                if attr.startswith("test") and inspect.isfunction(fn):
                    out[f"{name}::{attr}"] = outer + _marks(obj) + _marks(fn)
    return out


def _import(path: Path):
    import pytest

    root = str(path.parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        return importlib.import_module(f"{path.parent.name}.{path.stem}")
    except pytest.skip.Exception as err:
        raise RuntimeError(
            f"cannot count the bad-input tests of {path.name}: it needs what is not installed "
            f"({err.msg}); run `make venv-runs` first"
        ) from None


def cases_by_test(tests: Path) -> dict[str, int]:
    """``"test_x.py::test_name"`` -> its number of bad-input cases, for every such test."""
    out: dict[str, int] = {}
    for path in sorted(Path(tests).glob("test_*.py")):
        for name, marks in _tests(_import(path)).items():
            if n := _cases(marks):
                out[f"{path.name}::{name}"] = n
    return out


def bad_input_cases(tests: Path | None = None) -> int:
    """The number of bad-input test cases under ``tests`` (default: the repository's tests/)."""
    from scalinglaws.core import paths

    return sum(cases_by_test(paths.ROOT / "tests" if tests is None else tests).values())
