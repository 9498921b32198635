"""The mutation score of `make mutants`, from mutmut's results: per package and in all, with every
mutant the unit tests did not kill.

A mutant is *killed* when a selected test fails on it (or it runs past mutmut's timeout, or the
test run crashes); *survived* when every test that reaches it passes; *no tests* when no selected
test reaches it at all (counted as not killed). The score is killed / (killed + survived + no
tests). ``--survivors`` prints each surviving mutant's name (``mutmut show NAME`` prints its diff).

Where mutants are left unchecked (a full run takes hours on 2 cores), ``--sample FILE`` judges a
package from a random sample of them, drawn before it was run (one name a line, ``#`` comments):
the sample's share killed, with its Wilson interval, stands for the unchecked ones' share, and
gives the package's projected score with its interval. Sample members still unchecked count as
not killed. The projection holds while the unchecked mutants outside the sample stay unchecked
(running the cheapest of them would leave the harder ones behind).

Run: ``python tools/mutants.py [--survivors] [--sample FILE]`` after ``mutmut run`` (``make
mutants`` does both).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import math
import re
import statistics
import subprocess
import sys
import tokenize
from collections import Counter, defaultdict
from pathlib import Path

KILLED = {"killed", "timeout", "segfault", "suspicious"}
NOT_KILLED = {"survived", "no tests"}
GOAL = 0.90  # issue: at least 90% of mutants killed in the named packages
_LINE = re.compile(r"^\s*(?P<name>\S+): (?P<status>.+?)\s*$")


def results(mutmut: str) -> dict[str, str]:
    """mutant name -> status, from ``mutmut results --all true``."""
    out = subprocess.run([mutmut, "results", "--all", "true"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    return {m["name"]: m["status"] for m in map(_LINE.match, out.splitlines()) if m}


def package(name: str) -> str:
    """scalinglaws.estimators.bootstrap.x_f__mutmut_3 -> estimators; core/tolerance.py's -> tolerance."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else name


def function(name: str) -> str:
    return re.sub(r"__mutmut_\d+$", "", name)


def _sources(module: str, root: Path) -> dict[str, str]:
    """Every function's source in mutmut's copy of ``module`` (originals and mutants), by name."""
    path = root / "src" / Path(*module.split(".")).with_suffix(".py")
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    nodes = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)]
    return {n.name: "".join(lines[n.lineno - 1 : n.end_lineno]) for n in nodes}


def _tokens(src: str) -> list[tuple[int, str]]:
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)
    tokens = tokenize.generate_tokens(io.StringIO(src).readline)
    return [(t.type, t.string) for t in tokens if t.type not in skip]


def _fields(s: str) -> list[str]:
    """The replacement fields of an f-string literal ({...}), which compute what it shows."""
    return re.findall(r"\{[^{}]*\}", s) if s.lstrip("rRbB").lower().startswith("f") else []


def text_only(original: str, mutant: str) -> bool:
    """True when the mutant changes only the literal text of strings (a label, a note, a
    message), never a name, number, operator or an f-string's replacement field."""
    try:
        a, b = _tokens(original), _tokens(mutant)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return False
    if len(a) != len(b):
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return bool(diff) and all(
        x[0] == y[0] == tokenize.STRING and _fields(x[1]) == _fields(y[1]) for x, y in diff
    )


# tokens of a conversion or bookkeeping flag: a mutant that changes only these changes a dtype, a
# zip's strictness, a frame's index or a sort's stability, never a computed value's formula
_FLAG_TOKENS = {"float", "None", "dtype", "=", ",", "strict", "True", "False", "ignore_index",
                "drop", "sort", "kind", '"stable"', '"STABLE"', '"XXstableXX"', "int16", "int32",
                "np", "."}  # fmt: skip
_BOUNDARY = {("<", "<="), ("<=", "<"), (">", ">="), (">=", ">")}
KINDS = ("text", "default", "boundary", "conversion", "other")


def kind(original: str, mutant: str) -> str:
    """What a surviving mutant changes, from the two functions' sources (names already equal):
    ``text`` (only a string's literal text, :func:`text_only`), ``default`` (only a keyword's
    default value in the signature), ``boundary`` (one comparison made strict or not strict),
    ``conversion`` (only a dtype, ``strict=``, ``ignore_index=``, ``drop=``, ``sort=`` or a sort
    kind) or ``other``. A kind says where to look, not that a mutant is equivalent."""
    if text_only(original, mutant):
        return "text"
    try:
        fa, fb = (ast.parse(src).body[0] for src in (original, mutant))
        a, b = [t[1] for t in _tokens(original)], [t[1] for t in _tokens(mutant)]
    except (tokenize.TokenError, IndentationError, SyntaxError, IndexError):
        return "other"
    if ast.dump(fa.args) != ast.dump(fb.args) and [ast.dump(x) for x in fa.body] == [
        ast.dump(x) for x in fb.body
    ]:
        return "default"
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changed = [(a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]
    if len(changed) == 1 and len(changed[0][0]) == len(changed[0][1]) == 1:
        if (changed[0][0][0], changed[0][1][0]) in _BOUNDARY:
            return "boundary"
    touched = {t for x, y in changed for t in (*x, *y)}
    if touched and touched <= _FLAG_TOKENS:
        return "conversion"
    return "other"


def classify(names, root: Path = Path("mutants")) -> dict[str, str]:
    """mutant name -> its :func:`kind`."""
    out, cache = {}, {}
    for name in names:
        module, func = name.rsplit(".", 1)
        if module not in cache:
            cache[module] = _sources(module, root)
        fns = cache[module]
        orig = re.sub(r"__mutmut_\d+$", "__mutmut_orig", func)
        if func in fns and orig in fns:  # the def lines' names differ: compare the rest
            out[name] = kind(fns[orig].replace(orig, "F", 1), fns[func].replace(func, "F", 1))
        else:
            out[name] = "other"
    return out


def wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a share of k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
    p, z2 = k / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def projected(res: dict[str, str], sample: list[str], level: float = 0.95) -> dict[str, dict]:
    """Per package with members in ``sample`` (names drawn at random from its unchecked mutants
    before they were run): the sample's share killed (members still unchecked count as not
    killed) with its Wilson interval, and the package's score were its unchecked mutants outside
    the sample killed at that share (at each end of the interval)."""
    out = {}
    members = defaultdict(list)
    for name in sample:
        if name not in res:
            raise ValueError(f"--sample: {name!r} is not a mutant in mutmut's results")
        members[package(name)].append(name)
    for pkg, names in sorted(members.items()):
        c = Counter(status for n, status in res.items() if package(n) == pkg)
        killed_now = sum(c[s] for s in KILLED)
        total = sum(c.values())
        k = sum(res[n] in KILLED for n in names)
        lo, hi = wilson(k, len(names), level)
        rest = c["not checked"] - sum(res[n] == "not checked" for n in names)
        score = {
            name: (killed_now + share * rest) / total
            for name, share in (("low", lo), ("estimate", k / len(names)), ("high", hi))
        }
        out[pkg] = {"sample": len(names), "killed": k, "share": (k / len(names), lo, hi),
                    "unchecked": rest, "score": score}  # fmt: skip
    return out


def verdict(low: float, high: float) -> str:
    if low >= GOAL:
        return "met"
    return "not met" if high < GOAL else "undecided (the interval straddles it)"


def read_sample(path: Path) -> list[str]:
    """The mutant names in a sample file (one a line, ``#`` comments); ValueError naming
    ``--sample`` when it cannot be read or names none."""
    try:
        text = path.read_text()
    except OSError as e:
        raise ValueError(f"--sample: cannot read {path}: {e.strerror}") from None
    names = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    if not any(names):
        raise ValueError(f"--sample: {path} names no mutants (one name a line expected)")
    return [n for n in names if n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--survivors", action="store_true", help="list every mutant not killed")
    ap.add_argument("--mutmut", default=str(Path(sys.executable).with_name("mutmut")))
    ap.add_argument("--sample", type=Path, help="a random sample of unchecked mutants, run since")
    args = ap.parse_args(argv)
    res = results(args.mutmut)
    if not res:
        print("no mutmut results: run `make mutants`", file=sys.stderr)
        return 1
    try:
        proj = projected(res, read_sample(args.sample)) if args.sample else {}
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    kinds = classify(n for n, s in res.items() if s == "survived")
    by_pkg: dict[str, Counter] = defaultdict(Counter)
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for name, status in res.items():
        by_pkg[package(name)][status] += 1
        by_pkg[package(name)]["text only"] += kinds.get(name) == "text"
        if name in kinds:
            by_kind[package(name)][kinds[name]] += 1
    total = Counter()
    print(f"{'package':<12} {'mutants':>8} {'killed':>7} {'survived':>9} {'(text only)':>11} "
          f"{'no tests':>9} {'unchecked':>10} {'score':>6}")  # fmt: skip
    for pkg in sorted(by_pkg):
        c = by_pkg[pkg]
        total.update(c)
        print(_row(pkg, c))
    print(_row("all", total))
    checked = sum(total[s] for s in KILLED | NOT_KILLED)
    score = sum(total[s] for s in KILLED) / checked if checked else float("nan")
    unchecked = total["not checked"]
    if unchecked:
        print(f"goal: at least {GOAL:.0%} killed: not judged ({unchecked} mutants unchecked)")
    else:
        print(f"goal: at least {GOAL:.0%} killed: {'met' if score >= GOAL else 'not met'}")
    if total["text only"]:
        print(
            "(text only: survivors that change only a string's literal text, never a number, name or "
            "operator: a label, note or message; counted as not killed in the score)"
        )
    if args.sample:
        print(f"\nprojected from the random sample in {args.sample} (95% Wilson intervals):")
        for pkg, p in proj.items():
            share, lo, hi = p["share"]
            sc = p["score"]
            print(f"{pkg}: {p['killed']} of {p['sample']} sampled killed ({share:.1%}, "
                  f"{lo:.1%}-{hi:.1%}); with its {p['unchecked']} unchecked killed at that share: "
                  f"{sc['estimate']:.1%} ({sc['low']:.1%}-{sc['high']:.1%}); goal of {GOAL:.0%}: "
                  f"{verdict(sc['low'], sc['high'])}")  # fmt: skip
    print("\nsurvivors by kind (where to look; a kind is not a proof of equivalence):")
    print(f"{'package':<12} " + " ".join(f"{k:>10}" for k in KINDS))
    for pkg in sorted(by_kind):
        print(f"{pkg:<12} " + " ".join(f"{by_kind[pkg][k]:>10}" for k in KINDS))
    if args.survivors:
        fns = Counter(function(n) for n, s in res.items() if s in NOT_KILLED)
        print(f"\nmutants not killed, by function ({sum(fns.values())}):")
        for fn, n in sorted(fns.items()):
            print(f"  {n:4d}  {fn}")
        print("\nsurvivors of kind other (the first to read):")
        for name in sorted(n for n, k in kinds.items() if k == "other"):
            print(f"  {name}")
    return 0


def _row(label: str, c: Counter) -> str:
    killed = sum(c[s] for s in KILLED)
    checked = killed + sum(c[s] for s in NOT_KILLED)
    score = f"{killed / checked:.1%}" if checked else "-"
    n = sum(v for k, v in c.items() if k != "text only")
    return (f"{label:<12} {n:>8} {killed:>7} {c['survived']:>9} {c['text only']:>11} "
            f"{c['no tests']:>9} {c['not checked']:>10} {score:>6}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
