"""The console examples of README.md and docs/ are what the program prints (tools/console_examples.py)."""

from __future__ import annotations

import importlib.util
import sys

from scalinglaws.core import paths

_spec = importlib.util.spec_from_file_location(
    "console_examples", paths.ROOT / "tools" / "console_examples.py"
)
console_examples = importlib.util.module_from_spec(_spec)
sys.modules["console_examples"] = console_examples  # dataclasses look their module up there
_spec.loader.exec_module(console_examples)


def test_every_console_example_is_what_the_program_prints():
    problems = console_examples.check(console_examples.files())
    assert not problems, "\n".join(problems) + (
        "\nIf the program's output changed on purpose, `python tools/console_examples.py --write`."
    )


def test_a_stale_example_is_seen(tmp_path):
    """Planted: an example whose shown row is not what the program prints."""
    doc = tmp_path / "doc.md"
    doc.write_text(
        "```console\n$ python -m scalinglaws optimal --flops 5.76e23 --law kaplan\n"
        "Compute-optimal allocation at C = 5.76e+23 FLOPs\n"
        "law                       N_opt      D_opt     D/N    loss  parameters\n"
        "kaplan                 8.04e+11   2.16e+11     0.3   1.711  non-embedding\n...\n```\n"
    )
    (ex,) = console_examples.examples(doc)
    assert ex.truncated and len(ex.shown) == 3
    (problem,) = console_examples.check([doc])
    assert "output differs" in problem and "8.04e+11" in problem
