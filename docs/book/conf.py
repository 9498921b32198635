"""Sphinx configuration of the companion's book (``make book``; sources laid out by tools/book.py).

Sphinx with myst-nb renders the notebooks that ``make figures`` executed into build/executed/, as
they are (``nb_execution_mode = "off"``: no second execution), with sphinx-book-theme, the theme of
Jupyter Book 1. MathJax is served from the site itself (the copy that the sphinx-mathjax-offline
package ships), so the pages read properly offline.
"""

import json
import os

project = "scaling-laws companion"
author = "the scaling-laws companion authors"
copyright = "the authors; code MIT, figures CC-BY-4.0"

extensions = ["myst_nb", "sphinx-mathjax-offline"]

# The notebooks as executed by `make figures`; never run again here.
nb_execution_mode = "off"
nb_merge_streams = True
nb_ipywidgets_js = {}  # no widget manager from a CDN: the calculator's widgets run in JupyterLab
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # REPRODUCTION.md's headings are link targets from every page
suppress_warnings = ["mystnb.unknown_mime_type"]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_notebook-sources"]
master_doc = "index"

_footer = json.loads(os.environ.get("SCALINGLAWS_BOOK_FOOTER", "{}"))
html_theme = "sphinx_book_theme"
html_title = "scaling-laws companion"
html_last_updated_fmt = None
html_show_sphinx = False
html_favicon = "favicon.svg"
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_js_files = ["book.js", "calculator.js"]
html_context = {"default_mode": "light"}  # the theme logs an error for an unset mode
html_theme_options = {
    "extra_footer": _footer.get("html", ""),
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
