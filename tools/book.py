"""Build the companion's book: a static HTML site in build/book/ (``make book``).

    python tools/book.py [--executed build/executed] [--out build/book]

Pages: README.md (the index), the notebooks as ``make figures`` executed them into build/executed/
(rendered as they are, never run again), REPRODUCTION.md and docs/differences.md. Each notebook
page opens with a box linking its source notebook and the rows of REPRODUCTION.md it reproduces;
every page's footer gives the commit and the environment it was built from. Sphinx with myst-nb
and sphinx-book-theme (docs/book/conf.py says why); MathJax is served from the site itself.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import importlib.metadata as md
import json
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "build" / "book-src"
SOURCES = "_notebook-sources"  # copies of the source notebooks, offered for download

# Registry sections of REPRODUCTION.md ("## <paper>: <family>") each notebook reproduces.
REGISTRY_SECTIONS = {
    "01_compute_budget": ["Kaplan 2020: compute budget"],
    "02_steps": ["Kaplan 2020: steps"],
    "03_isoflop": [
        "Hoffmann 2022: IsoFLOP",
        "Hoffmann 2022: FLOP counting",
        "Besiroglu 2024: IsoFLOP",
        "Besiroglu 2024: tokens per parameter",
    ],
    "04_envelope": ["Measured here"],
    "05_c4_github": ["Measured here"],
    "09_study_v2": [],
    "10_ladder": [],
    "06_excess_compute_steps": ["Kaplan 2020: excess compute/steps"],
    "07_calculator": ["Hoffmann 2022: IsoFLOP"],
    "11_study_v3": [],
    "08_cross_study": [
        "Llama 3 (numbers printed by Llama 3 2024)",
        "(Mis)Fitting runs, Li et al. 2025 (numbers printed by Hoffmann 2022)",
    ],
}
FOOTER_PACKAGES = ("numpy", "scipy", "matplotlib", "pandas", "papermill", "sphinx", "myst-nb")


def slug(title: str) -> str:
    """The anchor MyST gives a heading (GitHub's rule), as the pages link them."""
    from myst_parser.slugs import github_slugify

    return github_slugify(title)


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def executed_notebooks(executed: Path) -> list[Path]:
    """The executed copy of every notebook in notebooks/; exit with a clear message if one is
    missing, older than its source or carries papermill's error banner."""
    out, problems = [], []
    for src in sorted((ROOT / "notebooks").glob("*.ipynb")):
        ex = executed / src.name
        if not ex.is_file():
            problems.append(f"{_show(ex)} is missing")
        elif "papermill-error-cell-tag" in ex.read_text():
            problems.append(f"{_show(ex)} failed (papermill's error banner)")
        elif ex.stat().st_mtime < src.stat().st_mtime:
            problems.append(f"{_show(ex)} is older than {_show(src)}")
        else:
            out.append(ex)
    if problems:
        sys.exit("book: " + "; ".join(problems) + ": run `make figures` first")
    return out


def _link_repo_paths(text: str, prefix: str = "") -> str:
    """Turn the repository paths the pages mention in backticks into links to their pages."""
    text = re.sub(r"`notebooks/(\d\d_\w+)\.ipynb`", rf"[`notebooks/\1.ipynb`]({prefix}notebooks/\1.ipynb)", text)  # fmt: skip
    text = text.replace("`REPRODUCTION.md`", f"[`REPRODUCTION.md`]({prefix}reproduction.md)")
    text = text.replace("`docs/differences.md`", f"[`docs/differences.md`]({prefix}differences.md)")
    return text.replace("(docs/runs-schema.md)", f"({prefix}runs-schema.md)")


def _index(readme: str, stems: list[str]) -> str:
    toc = "\n".join(f"notebooks/{s}" for s in stems)
    return (
        _link_repo_paths(readme)
        + "\n\n```{toctree}\n:hidden:\n:caption: Notebooks\n\n"
        + toc
        + "\n```\n\n```{toctree}\n:hidden:\n:caption: Results\n\nreproduction\ndifferences\nruns-schema\n```\n"
    )


def _reproduction(text: str) -> str:
    """REPRODUCTION.md with each 'explained: *heading*' linked to that heading of differences.md."""
    text = re.sub(
        r"explained: \*([^*|]+)\*",
        lambda m: f"explained: [*{m.group(1)}*](differences.md#{slug(m.group(1))})",
        text,
    )
    return _link_repo_paths(text)


def _header_cell(stem: str) -> dict:
    from scalinglaws.figures import CATALOGUE

    figs = [f for f in CATALOGUE if f.notebook == stem]
    fig_links = ", ".join(f"[{f.paper_figure}](../reproduction.md#{slug(f.paper_figure)})" for f in figs)  # fmt: skip
    rows = ", ".join(
        f"[{s}](../reproduction.md#{slug(s)})" for s in REGISTRY_SECTIONS.get(stem, [])
    )
    params = ROOT / "notebooks" / "params" / f"{stem}.yaml"
    how = "with the parameters of `notebooks/params/" + params.name + "`" if params.is_file() else "with its default parameters"  # fmt: skip
    lines = [
        "```{admonition} This page",
        ":class: note",
        f"The notebook `notebooks/{stem}.ipynb` as `make figures` executed it ({how}); "
        f"source: {{download}}`{stem}.ipynb <../{SOURCES}/{stem}.ipynb>`.",
        "",
        f"Figures it draws: {fig_links or 'none'}.",
    ]
    if rows:
        lines += ["", f"Registry rows it reproduces: {rows}."]
    lines.append("```")
    return {
        "cell_type": "markdown",
        "id": f"book-{stem}",
        "metadata": {},
        "source": "\n".join(lines),
    }


def _injected(source) -> str:
    """Papermill's cell of the parameters `make figures` passed, without ``output_dir`` (a path
    in the build folder of the machine that ran it, not a parameter of the science)."""
    text = "".join(source) if isinstance(source, list) else source
    lines = [ln for ln in text.splitlines() if not ln.startswith("output_dir = ")]
    lines[0:1] = ["# Parameters make figures passed (papermill's injected cell)"]
    if len(lines) == 1:
        lines.append("# none beyond the defaults above")
    return "\n".join(lines)


def _notebook_page(executed: Path, stem: str) -> dict:
    nb = json.loads(executed.read_text())
    cells = nb["cells"]
    at = next((i + 1 for i, c in enumerate(cells) if c["cell_type"] == "markdown"), 0)
    cells.insert(at, _header_cell(stem))
    for c in cells:  # the pages' own links to other notebooks and files
        tags = c.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags:
            c["source"] = _injected(c["source"])
        if any("image/png" in o.get("data", {}) for o in c.get("outputs", [])):
            tags.append("full-width")  # the figures have two or three panels: the margin too
        if c["cell_type"] == "markdown":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            c["source"] = _link_repo_paths(src, "../")
    return nb


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return ""


def footer() -> dict:
    """The commit and environment the book is built from (shown at the foot of every page)."""
    commit = _git("rev-parse", "--short=12", "HEAD") or "unknown commit"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    versions = []
    for name in FOOTER_PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    lock = hashlib.sha256((ROOT / "requirements.lock").read_bytes()).hexdigest()[:12]
    env = f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; " + ", ".join(versions)  # fmt: skip
    text = f"Built from commit {commit}; requirements.lock sha256 {lock}; {env}."
    return {"commit": commit, "lock": lock, "environment": env, "html": f"<p>{text}</p>"}


def calculator_data() -> dict:
    """The web calculator's laws, constants and refit replicates, with notebook 07's `make figures`
    parameters (docs/book/_static/calculator.js evaluates them in the browser)."""
    from scalinglaws.analysis import calculator
    from scalinglaws.notebooks import make_parameters

    p = make_parameters("07_calculator")
    return calculator.web_data(calculator.analyse(p["n_bootstrap"], p["seed"]), p["flops"])


def _sync(new: Path, dest: Path) -> int:
    """Make ``dest`` hold exactly ``new``'s files, copying only those whose bytes differ, so that
    an unchanged source keeps its time stamp and Sphinx's cache stays valid for it. Returns how
    many files were written or removed."""
    changed = 0
    wanted = {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    for rel in sorted(wanted):
        src, dst = new / rel, dest / rel
        if not dst.is_file() or dst.read_bytes() != src.read_bytes():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            changed += 1
    for p in sorted(dest.rglob("*"), reverse=True):
        if p.is_file() and p.relative_to(dest) not in wanted:
            p.unlink()
            changed += 1
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return changed


def layout(executed: Path) -> list[str]:
    """Write the book's sources into build/book-src/ (only the files that changed); returns the
    notebook stems."""
    notebooks = executed_notebooks(executed)
    new = SRC.with_name(SRC.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    (new / "notebooks").mkdir(parents=True)
    (new / SOURCES).mkdir()
    for name in ("conf.py", "favicon.svg"):
        shutil.copy2(ROOT / "docs" / "book" / name, new / name)
    shutil.copytree(ROOT / "docs" / "book" / "_static", new / "_static")
    (new / "_static" / "calculator.json").write_text(json.dumps(calculator_data()))
    shutil.copytree(ROOT / "figures", new / "figures")
    (new / "docs").mkdir()
    shutil.copy2(ROOT / "docs" / "binder-badge.svg", new / "docs" / "binder-badge.svg")
    stems = [p.stem for p in notebooks]
    (new / "index.md").write_text(_index((ROOT / "README.md").read_text(), stems))
    (new / "reproduction.md").write_text(_reproduction((ROOT / "REPRODUCTION.md").read_text()))
    (new / "differences.md").write_text(_link_repo_paths((ROOT / "docs" / "differences.md").read_text()))  # fmt: skip
    (new / "runs-schema.md").write_text(_link_repo_paths((ROOT / "docs" / "runs-schema.md").read_text()))  # fmt: skip
    for ex, stem in zip(notebooks, stems, strict=True):
        page = _notebook_page(ex, stem)
        (new / "notebooks" / f"{stem}.ipynb").write_text(json.dumps(page, indent=1))
        shutil.copy2(ROOT / "notebooks" / f"{stem}.ipynb", new / SOURCES / f"{stem}.ipynb")
    SRC.mkdir(parents=True, exist_ok=True)
    _sync(new, SRC)
    shutil.rmtree(new, ignore_errors=True)
    return stems


_OUTPUT_IMG = re.compile(r'<img alt="[^"]*" src="(\.\./_images/([0-9a-f]{64})\.png)" />')


def link_figures(site: Path) -> int:
    """Each figure a notebook page shows links to its full-size PNG and carries its catalogue
    entry as alt text: myst-nb names an output image by the sha256 of its bytes, and a notebook
    shows the very PNG `make figures` commits (plotting.save_figure), so the hash finds the figure.
    Returns how many images were linked."""
    from scalinglaws.figures import CATALOGUE

    by_hash = {}
    for f in CATALOGUE:
        png = ROOT / "figures" / f"{f.stem}.png"
        if png.is_file():
            by_hash[hashlib.sha256(png.read_bytes()).hexdigest()] = f
    count = 0

    def swap(m: re.Match) -> str:
        nonlocal count
        f = by_hash.get(m.group(2))
        if f is None:
            return m.group(0)
        count += 1
        alt = html.escape(f"{f.paper_figure}: {f.equations}", quote=True)
        return (f'<a class="figure-link" href="{m.group(1)}" title="full-size PNG">'
                f'<img alt="{alt}" src="{m.group(1)}" /></a>')  # fmt: skip

    for page in sorted((site / "notebooks").glob("*.html")):
        text = page.read_text()
        new = _OUTPUT_IMG.sub(swap, text)
        if new != text:
            page.write_text(new)
    return count


def build(executed: Path, out: Path) -> dict:
    """Lay out the sources and run Sphinx (warnings are errors); returns what was built."""
    import os

    start = time.perf_counter()
    stems = layout(executed)
    info = footer()
    env = {**os.environ, "SCALINGLAWS_BOOK_FOOTER": json.dumps(info)}
    # Sphinx's own output folder and cache persist between builds: with nothing changed it
    # rewrites nothing; the site is then copied whole, so a failed build never leaves a
    # half-written one
    html_dir, tmp = SRC.parent / "book-html", out.with_name(out.name + ".tmp")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
           "-d", str(SRC.parent / "book-doctrees"), str(SRC), str(html_dir)]  # fmt: skip
    proc = subprocess.run(cmd, env=env)
    if proc.returncode:
        sys.exit(f"book: sphinx-build failed (exit {proc.returncode}); {out} unchanged")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(html_dir, tmp)
    for page in (tmp / "notebooks").glob("*.html"):  # a page Sphinx kept from a removed notebook
        if page.stem not in stems:
            page.unlink()
    link_figures(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if p.name not in ("genindex.html", "search.html"))  # fmt: skip
    return {"seconds": time.perf_counter() - start, "pages": pages, "notebooks": stems, **info}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--executed", type=Path, default=ROOT / "build" / "executed")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "book")
    args = ap.parse_args(argv)
    result = build(args.executed.resolve(), args.out.resolve())
    print(f"book: {len(result['pages'])} pages in {args.out} ({result['seconds']:.1f} s), "
          f"commit {result['commit']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
