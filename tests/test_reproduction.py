"""Every entry of the registry of reproduced numbers, asserted from the registry itself."""

import dataclasses
import json
import re

import pytest

from scalinglaws.core import paths
from scalinglaws.core.kinds import KINDS, MEASURED_HERE, PUBLISHED_LAW, REFIT_HERE
from scalinglaws.core.tolerance import from_printed
from scalinglaws.figures import CATALOGUE
from scalinglaws.report import registry
from scalinglaws.report.__main__ import main
from scalinglaws.report.badinput import cases_by_test
from scalinglaws.report.readme import render_readme
from scalinglaws.report.registry import ENTRIES, Entry, RegistryError, entry, evaluate, load
from scalinglaws.report.render import render, report_differences

# Every test here evaluates registry entries through the same cached fits (the Epoch bootstrap alone
# takes about 20 s): one xdist worker runs them all, so each fit is computed once per test run.
pytestmark = pytest.mark.xdist_group("registry")

DIFFERENCES = (paths.ROOT / "docs" / "differences.md").read_text()
HEADINGS = set(re.findall(r"^## (.+)$", DIFFERENCES, re.M))


def _computed_by(e) -> str:
    f = e.compute
    return getattr(getattr(f, "func", f), "__name__", "")


# Besiroglu et al.'s bootstrap rows share one computation: Epoch's 4,000 BFGS refits (about 20 s).
# They are checked in one test, so that it runs once per test run whatever the scheduler does.
EPOCH_BOOTSTRAP = ("bootstrap_se", "bootstrap_se_a", "bootstrap_ci95", "chi2")
SHARED = [e for e in ENTRIES if _computed_by(e) in EPOCH_BOOTSTRAP]
ALONE = [e for e in ENTRIES if _computed_by(e) not in EPOCH_BOOTSTRAP]


@pytest.mark.parametrize("e", ALONE, ids=lambda e: e.id)
def test_entry_reproduced_or_explained(e):
    _check_entry(e)


def test_besiroglus_bootstrap_rows_reproduced_or_explained():
    assert len(SHARED) == 18, [e.id for e in SHARED]  # 5 SEs, 10 interval ends, a's SE, chi2, p
    for e in SHARED:
        _check_entry(e)


def _check_entry(e):
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
    # one rule (scalinglaws.core.tolerance). The printed text must be the printed constant's own form.
    fields = {f.name for f in dataclasses.fields(Entry)}
    assert not fields & {"tolerance_kind", "why"} and "tolerance" not in fields
    t = e.tolerance
    assert t == from_printed(e.printed_text)
    assert t.contains(e.printed), f"{e.id}: {e.printed_text!r} is not how {e.printed!r} prints"
    assert t.lo < t.hi or (t.clause == "all" and t.lo == t.hi == 1.0)
    if t.clause == "digits" and not e.printed_text.lstrip().startswith("1/"):
        # half a unit of the last printed digit, nothing wider
        digits = re.search(r"\d[\d,]*(?:\.(\d+))?", e.printed_text)
        half_unit = 0.5 * 10.0 ** -len(digits.group(1) or "")
        assert (t.hi - t.lo) / 2 == pytest.approx(half_unit * t.value / float(
            digits.group(0).replace(",", "")), rel=1e-9)  # fmt: skip


def test_headline_counts_no_measured_row():
    text = render()
    headline = next(x for x in text.splitlines() if x.startswith("**"))
    n_paper = sum(e.kind != MEASURED_HERE and e.headline for e in ENTRIES)
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
    from scalinglaws.report.compare import ADVICE

    committed = (paths.ROOT / "REPRODUCTION.md").read_text()
    moved = report_differences(committed, render())
    assert moved == [], "REPRODUCTION.md: lines whose words or numbers moved:\n" + "\n".join(
        moved + [ADVICE]
    )
    readme = (paths.ROOT / "README.md").read_text()
    moved = report_differences(readme, render_readme(readme))
    assert moved == [], "README.md: lines that moved:\n" + "\n".join(moved + [ADVICE])
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


_ROW = {
    "id": "demo.row",
    "paper": "Kaplan 2020",
    "family": "demo",
    "where": "eq 1.1",
    "quantity": "loss factor when N doubles",
    "printed": "KAPLAN.claims.doubling_N_loss_factor",
    "printed_text": "0.95",
    "compute": "scalinglaws.report.values:kaplan_doubling_N",
    "kind": PUBLISHED_LAW,
}


def _toml(row: dict) -> str:
    def value(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return json.dumps(v)

    return "[[entry]]\n" + "".join(f"{k} = {value(v)}\n" for k, v in row.items())


def test_a_good_row_loads(tmp_path):
    f = tmp_path / "registry.toml"
    f.write_text(_toml(_ROW) + "\n" + _toml({**_ROW, "id": "demo.two"}))
    a, b = load(f)
    assert (a.id, b.id, a.printed, a.compute_from) == (
        "demo.row", "demo.two", 0.95, "scalinglaws.report.values:kaplan_doubling_N()"
    )  # fmt: skip
    assert evaluate(a).within


@pytest.mark.parametrize(
    "change, pattern",
    [
        ({"colour": "red"}, r"'demo.row'.*unknown field 'colour'"),
        ({"kind": "guessed"}, r"'demo.row'.*'kind' must be one of published law.*got 'guessed'"),
        ({"compute": "scalinglaws.report.values:nope"}, r"'demo.row'.*'compute' .*:nope"),
        ({"compute": "numpy:sum"}, r"'demo.row'.*'compute' must be 'scalinglaws.module:function'"),
        ({"printed": "KAPLAN.claims.nope"}, r"'demo.row'.*'printed' 'KAPLAN.claims.nope' is not"),
        ({"printed": "0.95"}, r"'demo.row'.*'printed' must name a constant"),
        ({"args": {"i": 0}}, r"'demo.row'.*'args' \{'i': 0\} do not fit 'compute'"),
        ({"printed_text": "about"}, r"'demo.row'.*'printed_text' printed text must start"),
        ({"interval": "scalinglaws.report.values:kaplan_doubling_N"}, r"'interval' is required"),
        ({"id": None}, r"row 1 \('no id'\).*field 'id' is missing"),
    ],
)
@pytest.mark.badinput
def test_a_bad_row_names_itself_and_the_field(tmp_path, change, pattern):
    f = tmp_path / "registry.toml"
    f.write_text(_toml({k: v for k, v in {**_ROW, **change}.items() if v is not None}))
    with pytest.raises(RegistryError, match=pattern):
        load(f)


@pytest.mark.badinput
def test_a_repeated_id_is_refused(tmp_path):
    f = tmp_path / "registry.toml"
    f.write_text(_toml(_ROW) + "\n" + _toml(_ROW))
    with pytest.raises(RegistryError, match="id 'demo.row' appears twice"):
        load(f)


def test_bad_input_count_is_what_pytest_collects(request):
    """The report's count (the tests' own parametrize marks) against pytest's collection of the
    same modules, here in this session, test by test."""
    tests = paths.ROOT / "tests"
    counted = cases_by_test(tests)
    collected: dict[str, int] = {}
    for path in sorted(tests.glob("test_*.py")):
        stack = [pytest.Module.from_parent(request.session, path=path)]
        while stack:
            for node in stack.pop().collect():
                if isinstance(node, pytest.Item):
                    if node.get_closest_marker("badinput"):
                        key = f"{path.name}::{node.originalname}"
                        collected[key] = collected.get(key, 0) + 1
                else:
                    stack.append(node)
    assert counted == collected
    assert sum(counted.values()) > 100


def _sig_digits(text: str) -> int:
    """Significant digits of a printed number ("1/29,968" -> 5, "6.7" -> 2, "1.92e+19" -> 3)."""
    body = text.strip().removeprefix("1/")
    mant = re.search(r"\d[\d,]*(?:\.\d+)?", body).group(0).replace(",", "").replace(".", "")
    return len(mant.lstrip("0"))


def test_table3_gopher_units_target_the_less_precise_column():
    """Of Table 3's two FLOP columns, the one printed with fewer digits is the target and the other
    the input (the tolerance of the more precise one would ask more than the other can give)."""
    from scalinglaws.constants import HOFFMANN

    t = HOFFMANN.tables
    rows = [e for e in ENTRIES if e.id.startswith("hoffmann2022.table3.gopher_units.")]
    assert len(rows) == len(t.table3_approach1) - 1  # all but the Gopher row, 1 by definition
    for e in rows:
        i = e.compute.keywords["row"]
        units, flops = t.table3_gopher_units_text[i], f"{t.table3_approach1[i].flops:.2e}"
        target = flops if _sig_digits(units) > _sig_digits(flops) else units
        assert e.printed_text == target, e.id


def test_registry_table_is_what_the_notebooks_show():
    """A family's rows, evaluated as REPRODUCTION.md evaluates them (notebook 06 shows this)."""
    t = registry.table("excess compute/steps")
    assert list(t["printed"]) == ["0.6x", "2.2x", "45% fewer"]
    assert set(t["status"]) == {"reproduced"}
    fig12 = [e for e in registry.ENTRIES if e.family == "excess compute/steps"]
    assert list(t["computed here"]) == [float(f"{registry.evaluate(e).value:.4g}") for e in fig12]
    one = registry.table(ids=("kaplan2020.fig12.upper",))
    assert len(one) == 1 and one["printed"].iloc[0] == "2.2x"


@pytest.mark.badinput
@pytest.mark.parametrize("kwargs", [{"family": "Figure 12"}, {}])
def test_registry_table_names_what_it_accepts(kwargs):
    with pytest.raises(KeyError, match="family must be one of|give a family or one or more ids"):
        registry.table(**kwargs)


def test_other_studies_are_apart_from_the_headline():
    text = render()
    head, _, other = text.partition("# Other studies")
    other = other.split("## Measured here", 1)[0]
    for e in ENTRIES:
        if e.kind == MEASURED_HERE:
            continue
        assert e.headline == (e.paper in ("Kaplan 2020", "Hoffmann 2022", "Besiroglu 2024")
                              and not e.family.startswith("Other studies")), e.id  # fmt: skip
        assert (e.quantity in other) == (not e.headline), e.id
    assert not entry("hoffmann2022.table2.a1_a_misfitting_total").headline
    assert (
        not entry("llama3.tokens_exponent").headline
        if any(x.id == "llama3.tokens_exponent" for x in ENTRIES)
        else True
    )


def test_a_reading_chosen_to_match_is_not_counted_as_reproduced():
    from scalinglaws.report.registry import READING, evaluate

    for e in ENTRIES:
        if e.id.startswith("hoffmann2022.tableA4"):
            o = evaluate(e)
            assert e.reading and o.status == READING, e.id
            # App. F read literally (embedding and logit FLOPs) gives other ratios
            assert o.alternative is not None and not e.tolerance.contains(o.alternative), e.id
