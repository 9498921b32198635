"""The package's layers (docs/architecture.md): every import, at the top of a module or inside a
function, goes to the same layer or one below, never back up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scalinglaws

SRC = Path(scalinglaws.__file__).parent

# lowest first: a folder may import itself and the folders of lower layers only (two folders on
# one layer may not import each other); the package root holds only the entry points, on top
LAYERS: dict[str, int] = {
    "constants": 0,
    "core": 1,
    "laws": 2,
    "designs": 2,
    "estimators": 3,
    "datasets": 4,
    "analysis": 5,
    "training": 6,
    "figures": 6,
    "report": 7,
    "cli": 8,
    "notebooks": 8,
    "__main__": 8,
    "__init__": 8,
}
ENTRY_POINTS = ("cli", "notebooks", "__main__", "__init__")


def _top(module_path: Path) -> str:
    rel = module_path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imported(tree: ast.AST, module_path: Path) -> set[str]:
    """Top-level names of scalinglaws modules that a file imports (absolute or relative)."""
    here = module_path.relative_to(SRC).parts[:-1]  # the package the file lies in
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "scalinglaws" and len(parts) > 1:
                    out.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = list(here[: len(here) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                if parts:
                    out.add(parts[0])
                else:  # "from . import x" at the package root
                    out.update(a.name for a in node.names)
            elif node.module and node.module.split(".")[0] == "scalinglaws":
                parts = node.module.split(".")
                if len(parts) > 1:
                    out.add(parts[1])
                else:  # from scalinglaws import x
                    out.update(a.name for a in node.names)
    return out


FILES = sorted(p for p in SRC.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = sorted({_top(p) for p in FILES} - set(LAYERS))
    assert not missing, f"modules without a layer in tests/test_layers.py: {missing}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_import_runs_up_the_layers(path):
    me = _top(path)
    if me in ("__init__", "__main__"):
        return
    up = sorted(
        f"{name} (layer {LAYERS[name]})"
        for name in _imported(ast.parse(path.read_text()), path)
        if name in LAYERS and name != me and LAYERS[name] >= LAYERS[me]
    )
    assert not up, (
        f"{path.relative_to(SRC)} (layer {LAYERS[me]}: {me}) imports its own layer or above: {up}"
    )


def test_the_package_root_holds_only_entry_points():
    loose = sorted(p.stem for p in SRC.glob("*.py") if p.stem not in ENTRY_POINTS)
    assert not loose, f"modules at the package root that are not entry points: {loose}"


def test_the_checker_sees_an_upward_import(tmp_path):
    """The check can fail: a laws module importing figures is caught, relative or absolute."""
    fake = SRC / "laws" / "fake.py"
    for src in ("from scalinglaws.figures import x", "from ..figures import x",
                "def f():\n    from scalinglaws import report",
                "from scalinglaws.designs import v2"):  # fmt: skip
        names = _imported(ast.parse(src), fake)
        assert {n for n in names if LAYERS.get(n, -1) >= LAYERS["laws"] and n != "laws"}, src


def _graph(files=FILES) -> dict[str, set[str]]:
    """Top-level module or folder -> the top-level ones it imports (itself left out)."""
    g: dict[str, set[str]] = {}
    for p in files:
        me = _top(p)
        g.setdefault(me, set()).update(
            n for n in _imported(ast.parse(p.read_text()), p) if n != me and n in LAYERS
        )
    return g


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more (Tarjan): folders that import each other,
    directly or round a loop, whatever their layers."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_no_two_folders_import_each_other():
    assert _cycles(_graph()) == []


def test_the_cycle_check_sees_a_loop():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
