"""Every entry of the registry of reproduced numbers, asserted from the registry itself."""

import re

import pytest

from scalinglaws import paths
from scalinglaws.figures import CATALOGUE
from scalinglaws.plotting import KINDS, MEASURED_HERE, PUBLISHED_LAW, REFIT_HERE
from scalinglaws.reproduction import (
    ENTRIES,
    TOLERANCE_KINDS,
    entry,
    evaluate,
    main,
    render,
    render_readme,
)

DIFFERENCES = (paths.ROOT / "docs" / "differences.md").read_text()
HEADINGS = set(re.findall(r"^## (.+)$", DIFFERENCES, re.M))


@pytest.mark.parametrize("e", ENTRIES, ids=lambda e: e.id)
def test_entry_reproduced_or_explained(e):
    assert e.kind in KINDS and e.tolerance_kind in TOLERANCE_KINDS and e.why
    outcome = evaluate(e)
    if e.explained:
        assert e.explained in HEADINGS, f"{e.id}: no heading '{e.explained}' in docs/differences.md"
        # An explained entry must really differ; otherwise it should not claim an explanation.
        # Measured-here values move as runs are added, so their explanation may stand either way
        # (REPRODUCTION.md then shows "reproduced" or "explained" as the value falls).
        if e.kind != MEASURED_HERE:
            assert not outcome.within, f"{e.id} is within tolerance: drop its 'explained'"
    else:
        assert outcome.within, (
            f"{e.id}: {e.paper} {e.where} prints {e.printed_text}, computed {outcome.value:.6g} "
            f"(error {outcome.error:.3g} > {e.tolerance:g} {e.tolerance_kind})"
        )


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
    assert (paths.ROOT / "REPRODUCTION.md").read_text() == render(), "run `make report`"
    assert (paths.ROOT / "README.md").read_text() == render_readme(
        (paths.ROOT / "README.md").read_text()
    )
    assert main(["--check"]) == 0


def test_catalogue_figures_exist_and_are_in_readme():
    readme = (paths.ROOT / "README.md").read_text()
    for fig in CATALOGUE:
        assert (paths.FIGURES / f"{fig.stem}.png").is_file(), fig.stem
        assert f"figures/{fig.stem}.png" in readme and f"`{fig.stem}`" in readme, fig.stem
    committed = {p.stem for p in paths.FIGURES.glob("*.png")}
    assert committed == {f.stem for f in CATALOGUE}, "figures/ and CATALOGUE disagree"
