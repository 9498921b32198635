"""The book (`make book`) read in a real browser: headless Chromium, driven by Selenium, opens every
page from a local web server and checks that every image loaded, that the math rendered, that no
page logs a console error and that every internal link resolves; it saves a screenshot of each page
in build/book-screenshots/. The static checks read the built HTML: every notebook has its page,
with its links to the registry, the commit in the footer, and nothing fetched from the network.

Skipped with the reason when Chromium or chromedriver is missing (Debian: `apt-get install chromium
chromium-driver`) or when neither the book nor `make figures`' executed notebooks exist. When the
executed notebooks exist but the book does not, the test builds it (tools/book.py).
"""

from __future__ import annotations

import base64
import functools
import html
import html.parser
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scalinglaws.core import paths
from scalinglaws.figures import CATALOGUE

BOOK = paths.ROOT / "build" / "book"
EXECUTED = paths.ROOT / "build" / "executed"
SHOTS = paths.ROOT / "build" / "book-screenshots"
CHROME_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1400,900",
)  # fmt: skip
MAX_SHOT_HEIGHT = 20_000  # px: a screenshot of the whole page up to this height


@functools.cache
def _book() -> Path | None:
    """The built book, building it from build/executed/ when only that exists; None if neither.
    A file lock keeps parallel test workers (pytest -n) from building it twice at once."""
    import fcntl

    stems = [p.name for p in paths.NOTEBOOKS.glob("*.ipynb")]
    if not (BOOK / "index.html").is_file() and not all((EXECUTED / s).is_file() for s in stems):
        return None
    BOOK.parent.mkdir(exist_ok=True)
    with open(BOOK.parent / ".book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (BOOK / "index.html").is_file():
            subprocess.run([sys.executable, str(paths.ROOT / "tools" / "book.py")], check=True)
    return BOOK


@pytest.fixture(scope="module")
def book() -> Path:
    found = _book()
    if found is None:
        pytest.skip("no book: build/book/ and build/executed/ are absent (run `make book`)")
    return found


def _pages(book: Path) -> list[Path]:
    return sorted(p for p in book.rglob("*.html") if "_static" not in p.parts)


class _Refs(html.parser.HTMLParser):
    """Every src/href attribute and every id of one HTML page."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href") and v:
                self.refs.append((tag, k, v))
            if k == "id" and v:
                self.ids.add(v)


def _parse(page: Path) -> _Refs:
    p = _Refs()
    p.feed(page.read_text())
    return p


@pytest.mark.badinput
def test_book_without_executed_notebooks_fails_clearly(tmp_path):
    """`make book` before `make figures`: an error naming the missing copies, and no site."""
    sys.path.insert(0, str(paths.ROOT / "tools"))
    import book as book_tool

    with pytest.raises(SystemExit) as err:
        book_tool.main(["--executed", str(tmp_path / "none"), "--out", str(tmp_path / "site")])
    assert "01_compute_budget.ipynb is missing" in str(err.value)
    assert "run `make figures` first" in str(err.value)
    assert not (tmp_path / "site").exists()


# ---- static checks of the built HTML -----------------------------------------------------------


def test_every_notebook_has_a_page_linking_its_registry_rows(book):
    """Each notebook page links its source and, in REPRODUCTION.md, its figures and registry rows
    (that the links resolve is the browser test's job)."""
    sys.path.insert(0, str(paths.ROOT / "tools"))
    import book as book_tool

    reproduction_ids = _parse(book / "reproduction.html").ids
    for nb in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        page = book / "notebooks" / f"{nb.stem}.html"
        assert page.is_file(), f"no page for {nb.name}"
        text = page.read_text()
        assert re.search(rf'href="../_downloads/\w+/{nb.stem}.ipynb"', text), "no source link"
        links = set(re.findall(r'href="../reproduction.html#([^"]+)"', text))
        assert links and links <= reproduction_ids, f"{nb.stem}: {links - reproduction_ids}"
        figs = [f for f in CATALOGUE if f.notebook == nb.stem]
        assert len(links) == len(figs) + len(book_tool.REGISTRY_SECTIONS[nb.stem]), nb.stem
        for title in [f.paper_figure for f in figs] + book_tool.REGISTRY_SECTIONS[nb.stem]:
            shown = html.escape(title, quote=False).replace("'", "\u2019")
            assert shown in text, f"{nb.stem}: no link to {title!r}"


def test_footer_gives_commit_and_environment(book):
    for page in _pages(book):
        text = page.read_text()
        assert re.search(r"Built from commit [0-9a-f]{12}", text), page.name
        assert "requirements.lock sha256" in text and "Python 3." in text, page.name


def test_nothing_is_fetched_from_the_network(book):
    """Scripts, styles, images and fonts all come from the site (links out are fine)."""
    for page in _pages(book):
        for tag, attr, value in _parse(page).refs:
            if tag == "a":
                continue
            assert not re.match(r"(https?:)?//", value), f"{page.name}: <{tag} {attr}={value}>"
    mathjax = book / "_static" / "mathjax" / "tex-chtml.js"
    assert mathjax.is_file(), "MathJax is not bundled"


# ---- the browser --------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(book):
    handler = functools.partial(_Quiet, directory=str(book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")  # fmt: skip
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    drv = webdriver.Chrome(options=options, service=service)
    drv.set_page_load_timeout(60)
    drv.set_script_timeout(60)
    yield drv
    drv.quit()


_WAIT_IMAGES = """
const done = arguments[arguments.length - 1];
Promise.all([...document.images].map(i => i.complete ? null :
    new Promise(r => { i.onload = r; i.onerror = r; })))
  .then(() => done([...document.images].map(i => [i.currentSrc || i.src, i.naturalWidth])));
"""
_WAIT_MATH = """
const done = arguments[arguments.length - 1];
const math = document.querySelectorAll('div.math, span.math').length;
if (!math) { done([0, 0, 0]); return; }
if (!window.MathJax || !MathJax.startup) { done([math, -1, 0]); return; }
MathJax.startup.promise.then(() => done([math,
    document.querySelectorAll('mjx-container').length,
    document.querySelectorAll('mjx-merror').length]));
"""
_LINKS = "return [...document.querySelectorAll('a[href]')].map(a => a.href);"


def _shot(drv, page: Path, book: Path, width: int = 1400) -> Path:
    """A screenshot of the whole page (to MAX_SHOT_HEIGHT) at ``width`` CSS px: the viewport is
    made as tall as the page through the DevTools protocol, so the sticky sidebars sit where a
    reader sees them."""
    size = drv.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    height = int(min(size["height"], MAX_SHOT_HEIGHT))
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1,
                         "mobile": width < 700})  # fmt: skip
    try:
        shot = drv.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    stem = page.relative_to(book).as_posix().replace("/", "__").removesuffix(".html")
    name = f"{stem}.png" if width == 1400 else f"{stem}@{width}.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / name).write_bytes(base64.b64decode(shot["data"]))
    return SHOTS / name


def _check_link(url: str, origin: str, book: Path, ids: dict) -> str | None:
    """None if an internal link resolves (the file exists, and so does its #fragment)."""
    if not url.startswith(origin):
        return None
    parts = urlsplit(url)
    target = book / unquote(parts.path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"{url}: no such file"
    if parts.fragment and target.suffix == ".html":
        if target not in ids:
            ids[target] = _parse(target).ids
        if unquote(parts.fragment) not in ids[target]:
            return f"{url}: no element with id {parts.fragment!r}"
    return None


def test_every_page_in_chromium(book, server, browser):
    """Images loaded, math rendered, no console error, internal links resolve; a screenshot each."""
    problems, n_images, n_math, ids = [], 0, 0, {}
    pages = _pages(book)
    for page in pages:
        rel = page.relative_to(book).as_posix()
        browser.get(f"{server}/{rel}")
        images = browser.execute_async_script(_WAIT_IMAGES)
        n_images += len(images)
        problems += [f"{rel}: image not loaded: {src}" for src, width in images if not width > 0]
        math, rendered, errors = browser.execute_async_script(_WAIT_MATH)
        n_math += math
        if math and (rendered < math or errors):
            problems.append(f"{rel}: {math} math elements, {rendered} rendered, {errors} errors")
        for entry in browser.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"{rel}: console: {entry['message']}")
        for url in sorted(set(browser.execute_script(_LINKS))):
            if (bad := _check_link(url, server, book, ids)) is not None:
                problems.append(f"{rel}: link {bad}")
        _shot(browser, page, book)
    print(f"\nbook in Chromium: {len(pages)} pages, {n_images} images, {n_math} math elements; "
          f"screenshots in {SHOTS}")  # fmt: skip
    assert len(pages) >= len(list(paths.NOTEBOOKS.glob("*.ipynb"))) + 3
    assert n_images >= len(CATALOGUE) and n_math > 0
    assert not problems, "\n".join(problems)


# ---- widths: desktop and phone ------------------------------------------------------------------

WIDTHS = (1400, 390)  # CSS px: a desktop window and a phone
_WIDTHS = """
const col = document.querySelector('article.bd-article') || document.querySelector('main');
const right = col.getBoundingClientRect().right, cw = col.clientWidth;
const name = (e) => Array.from((e.innerText || '').replace(/\\s+/g, ' ')).slice(0, 50).join('');
const out = [];
if (document.documentElement.scrollWidth > window.innerWidth + 1)
  out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px in a ${window.innerWidth} px window`);
document.querySelectorAll('article table').forEach((t) => {
  // a table inside a scrolling output box is clipped, not shown: its cells' right edges tell
  let edge = t.getBoundingClientRect().right;
  t.querySelectorAll('th, td').forEach((c) => { edge = Math.max(edge, c.getBoundingClientRect().right); });
  if (t.scrollWidth > cw + 1 || edge > right + 1)
    out.push(`table ${Math.round(edge - t.getBoundingClientRect().left)} px in a ${cw} px column: ${name(t)}`);
});
if (arguments[0]) document.querySelectorAll('article mjx-container[display="true"]').forEach((m) => {
  if (m.scrollWidth > cw + 1) out.push(`equation ${m.scrollWidth} px in a ${cw} px column: ${name(m)}`);
});
return JSON.stringify(out);
"""


def _too_wide(drv, desktop: bool) -> list[str]:
    """What does not fit the content column: a page wider than the window, a table wider than
    the column, and (on a desktop) a display equation wider than it; on a phone a long equation
    may scroll inside its own box."""
    drv.execute_async_script(_WAIT_MATH)
    return json.loads(drv.execute_script(_WIDTHS, desktop))


def test_every_page_fits_desktop_and_phone_widths(book, server, browser):
    """Every page at 1400 and 390 px: no sideways scroll, every table within the content column
    (rows become cards on a phone), every display equation within it on a desktop; a screenshot
    of each page at the phone width beside the desktop one."""
    problems = []
    try:
        for width in WIDTHS:
            browser.set_window_size(width, 900)
            for page in _pages(book):
                rel = page.relative_to(book).as_posix()
                browser.get(f"{server}/{rel}")
                problems += [f"{width} px, {rel}: {p}" for p in _too_wide(browser, width > 700)]
                if width < 700:
                    _shot(browser, page, book, width)
    finally:
        browser.set_window_size(1400, 900)
    assert not problems, "\n".join(problems)


def test_the_width_check_sees_a_table_wider_than_the_column(book, server, browser):
    browser.set_window_size(1400, 900)
    browser.get(f"{server}/index.html")
    browser.execute_script(
        "document.querySelector('article').insertAdjacentHTML('beforeend', "
        "'<table><tr><td style=\"white-space:nowrap\">' + 'wide '.repeat(800) + '</td></tr></table>')"
    )
    assert any(p.startswith("table ") for p in _too_wide(browser, True))


_RAW_TEX = re.compile(r"\$|\\(?:mathrm|frac|alpha|beta|left|right|text|times|qquad)\b")


def _prose(html_text: str) -> str:
    """A page's text outside code, math and scripts: what a reader sees as prose."""
    import html as html_lib

    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html_text, flags=re.S)
    body = re.sub(r'<div class="highlight.*?</pre>', " ", body, flags=re.S)
    body = re.sub(r"<pre.*?</pre>|<code.*?</code>", " ", body, flags=re.S)
    body = re.sub(r'<(span|div) class="math[^"]*".*?</\1>', " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_no_raw_tex_in_the_prose(book):
    """Every equation renders as math: no `$` or LaTeX command is left in a page's prose (display
    math in a list item or right after a line of text is what leaves them)."""
    problems = []
    for page in _pages(book):
        text = _prose(page.read_text())
        for m in _RAW_TEX.finditer(text):
            problems.append(
                f"{page.relative_to(book)}: ...{text[max(0, m.start() - 60) : m.end() + 40]}..."
            )
    assert not problems, "\n".join(problems[:20])


def test_the_raw_tex_check_sees_a_broken_equation():
    broken = "<p>steps: $L = x$ and</p><p>$$S_\\mathrm{min} = 1$$ in a list</p>"
    assert _RAW_TEX.search(_prose(broken))
    ok = '<p>steps: <span class="math notranslate nohighlight">\\(L\\)</span></p>'
    assert not _RAW_TEX.search(_prose(ok))


# ---- the calculator on the web page -------------------------------------------------------------

_SET_BUDGET = """
const root = document.getElementById('web-calculator');
const slider = root.querySelector('.calc-slider');
slider.value = arguments[0];
slider.dispatchEvent(new Event('input'));
return JSON.stringify([...root.querySelectorAll('td[data-law]')].map(
    (td) => [td.dataset.law, td.dataset.key, Number(td.dataset.value), td.textContent]));
"""


def _sig3(x: float) -> str:
    return f"{x:.3g}"


def test_the_web_calculator_agrees_with_the_command_line(book, server, browser):
    """The book's calculator page, with no kernel: the slider moved to 1e22 FLOPs shows, for every
    law, the N_opt, D_opt and loss `python -m scalinglaws optimal --flops 1e22` prints (3
    significant digits, the table's)."""
    browser.get(f"{server}/notebooks/07_calculator.html")
    WebDriverWait = pytest.importorskip("selenium.webdriver.support.wait").WebDriverWait
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(
            "const r = document.getElementById('web-calculator'); return r && r.dataset.ready;"
        )
    )
    cells = json.loads(browser.execute_script(_SET_BUDGET, "22"))
    shown = {(law, key): value for law, key, value, _ in cells}
    cli = subprocess.run([sys.executable, "-m", "scalinglaws", "optimal", "--flops", "1e22",
                          "--json"], capture_output=True, text=True, check=True)  # fmt: skip
    laws = json.loads(cli.stdout)["laws"]
    assert laws, "the command line printed no law"
    for row in laws:
        for key in ("N_opt", "D_opt", "loss"):
            assert (row["law"], key) in shown, f"the page shows no {key} for {row['law']}"
            assert _sig3(shown[row["law"], key]) == _sig3(row[key]), (row["law"], key)
    assert "1.00e22 FLOPs" in browser.find_element("css selector", ".calc-budget").text


def test_every_notebook_figure_links_its_png_with_its_catalogue_entry_as_alt(book):
    """Each figure a notebook page shows is the committed PNG, linked full-size, its alt text the
    catalogue's paper figure and equations (tools/book.py link_figures)."""
    linked = re.compile(
        r'<a class="figure-link" href="([^"]+)"[^>]*><img alt="([^"]+)" src="\1" /></a>'
    )
    bare = re.compile(r'<img alt="[^"]*" src="\.\./_images/[0-9a-f]{64}\.png" />')
    alts = []
    for page in sorted((book / "notebooks").glob("*.html")):
        text = page.read_text()
        for m in bare.finditer(text):
            assert (
                text[max(0, m.start() - 200) : m.start()]
                .rstrip()
                .endswith('title="full-size PNG">')
            ), f"{page.name}: an output image without its link: {m.group(0)[:120]}"
        alts += [html.unescape(m.group(2)) for m in linked.finditer(text)]
    expected = {f"{f.paper_figure}: {f.equations}" for f in CATALOGUE}
    assert sorted(alts) == sorted(expected), set(expected) ^ set(alts)


def test_sync_rewrites_only_changed_files_and_removes_stale_ones(tmp_path):
    """make book keeps Sphinx's cache: an unchanged source keeps its time stamp (Sphinx then
    rewrites no page), a changed one is copied, one no longer produced is removed."""
    import os

    sys.path.insert(0, str(paths.ROOT / "tools"))
    import book as book_tool

    new, dest = tmp_path / "new", tmp_path / "dest"
    for root in (new, dest):
        (root / "sub").mkdir(parents=True)
        (root / "same.md").write_text("unchanged")
    (new / "sub" / "page.md").write_text("new text")
    (dest / "sub" / "page.md").write_text("old text")
    (dest / "gone.md").write_text("from a removed notebook")
    (dest / "empty").mkdir()
    os.utime(dest / "same.md", (1_000_000, 1_000_000))
    assert book_tool._sync(new, dest) == 2
    assert (dest / "same.md").stat().st_mtime == 1_000_000
    assert (dest / "sub" / "page.md").read_text() == "new text"
    assert not (dest / "gone.md").exists() and not (dest / "empty").exists()
    assert book_tool._sync(new, dest) == 0
