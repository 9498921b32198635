"""Every entry of the registry of reproduced numbers, asserted from the registry itself."""

import dataclasses
import re

import pytest

from scalinglaws import paths
from scalinglaws.figures import CATALOGUE
from scalinglaws.kinds import KINDS, MEASURED_HERE, PUBLISHED_LAW, REFIT_HERE
from scalinglaws.reproduction import (
    ENTRIES,
    Entry,
    entry,
    evaluate,
    main,
    render,
    render_readme,
    report_differences,
)
from scalinglaws.tolerance import from_printed

DIFFERENCES = (paths.ROOT / "docs" / "differences.md").read_text()
HEADINGS = set(re.findall(r"^## (.+)$", DIFFERENCES, re.M))


@pytest.mark.parametrize("e", ENTRIES, ids=lambda e: e.id)
def test_entry_reproduced_or_explained(e):
    assert e.kind in KINDS
    outcome = evaluate(e)
    if e.kind == MEASURED_HERE:
        # measured here is not a reproduction: it is compared by its own bootstrap interval
        assert outcome.interval is not None and outcome.interval[0] <= outcome.interval[1], e.id
        assert outcome.interval[0] <= outcome.value <= outcome.interval[1], e.id
        assert e.explained in HEADINGS
        return
    if e.explained:
        assert e.explained in HEADINGS, f"{e.id}: no heading '{e.explained}' in docs/differences.md"
        # An explained entry must really differ; otherwise it should not claim an explanation.
        assert not outcome.within, f"{e.id} is within tolerance: drop its 'explained'"
    else:
        t = e.tolerance
        assert outcome.within, (
            f"{e.id}: {e.paper} {e.where} prints {e.printed_text}, computed {outcome.value:.6g} "
            f"outside [{t.lo:.6g}, {t.hi:.6g}] ({t.describe()})"
        )


@pytest.mark.parametrize("e", ENTRIES, ids=lambda e: e.id)
def test_every_tolerance_follows_the_rule(e):
    # The tolerance is not a field of an entry: it is derived from the printed text alone by the
    # one rule (scalinglaws.tolerance). The printed text must be the printed constant's own form.
    fields = {f.name for f in dataclasses.fields(Entry)}
    assert not fields & {"tolerance_kind", "why"} and "tolerance" not in fields
    t = e.tolerance
    assert t == from_printed(e.printed_text)
    assert t.contains(e.printed), f"{e.id}: {e.printed_text!r} is not how {e.printed!r} prints"
    assert t.lo < t.hi
    if t.clause == "digits" and not e.printed_text.lstrip().startswith("1/"):
        # half a unit of the last printed digit, nothing wider
        digits = re.search(r"\d[\d,]*(?:\.(\d+))?", e.printed_text)
        half_unit = 0.5 * 10.0 ** -len(digits.group(1) or "")
        assert (t.hi - t.lo) / 2 == pytest.approx(half_unit * t.value / float(
            digits.group(0).replace(",", "")), rel=1e-9)  # fmt: skip


def test_headline_counts_no_measured_row():
    text = render()
    headline = next(x for x in text.splitlines() if x.startswith("**"))
    n_paper = sum(e.kind != MEASURED_HERE for e in ENTRIES)
    n_measured = sum(e.kind == MEASURED_HERE for e in ENTRIES)
    assert f" of {n_paper} reproduced" in headline
    assert f"of {n_measured} consistent" in headline
    measured = text.split("## Measured here", 1)[1]
    for e in ENTRIES:
        assert (e.quantity in measured) == (e.kind == MEASURED_HERE), e.id


def test_kinds_say_where_the_number_comes_from():
    # A power law fitted here through the printed rows of Table 3 / A3 is not a published law:
    # the paper printed the rows and the exponent, not that line.
    for e in ENTRIES:
        if "fitted here" in e.quantity:
            assert e.kind == REFIT_HERE, e.id
        if e.kind == PUBLISHED_LAW:
            assert "rows" not in e.quantity, e.id
    assert entry("hoffmann2022.table2.a1_from_table3").kind == REFIT_HERE
    assert entry("hoffmann2022.appD4.approach1_N").kind == REFIT_HERE
    assert entry("hoffmann2022.appD4.kaplan_N").kind == PUBLISHED_LAW


def test_ids_are_unique():
    ids = [e.id for e in ENTRIES]
    assert len(ids) == len(set(ids))


def test_reproduction_md_is_current():
    """Current on any machine: words equal, numbers within a unit of their fourth printed digit."""
    committed = (paths.ROOT / "REPRODUCTION.md").read_text()
    assert report_differences(committed, render()) == [], "run `make report`"
    readme = (paths.ROOT / "README.md").read_text()
    assert report_differences(readme, render_readme(readme)) == [], "run `make report`"
    assert main(["--check"]) == 0


def test_report_check_sees_a_changed_number_but_not_the_environment():
    committed = (paths.ROOT / "REPRODUCTION.md").read_text()
    moved = re.sub(
        r"(\*\*)(\d+)( of )", lambda m: f"{m[1]}{int(m[2]) + 1}{m[3]}", committed, count=1
    )
    assert report_differences(committed, moved)
    other_env = re.sub(r"^- Python .*$", "- Python 3.13.0", committed, count=1, flags=re.M)
    assert report_differences(committed, other_env) == []


def test_catalogue_figures_exist_and_are_in_readme():
    readme = (paths.ROOT / "README.md").read_text()
    for fig in CATALOGUE:
        assert (paths.FIGURES / f"{fig.stem}.png").is_file(), fig.stem
        assert f"figures/{fig.stem}.png" in readme and f"`{fig.stem}`" in readme, fig.stem
    committed = {p.stem for p in paths.FIGURES.glob("*.png")}
    assert committed == {f.stem for f in CATALOGUE}, "figures/ and CATALOGUE disagree"
