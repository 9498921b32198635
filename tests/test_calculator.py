"""The calculator notebook's package side: the same rows as `scalinglaws optimal`, the refit's
band, user fits read from `scalinglaws fit --json`, and the widgets redrawing."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

from scalinglaws import cli
from scalinglaws.analysis import allocation, calculator
from scalinglaws.constants import BESIROGLU, HOFFMANN
from scalinglaws.core.params import ParameterError
from scalinglaws.figures import calculator as calculator_figure
from scalinglaws.notebooks import SPECS
from tests.conftest import shared_scope


@pytest.fixture(scope=shared_scope)
def calc():
    return calculator.analyse(n_bootstrap=200, seed=0)


def _cli_rows(capsys, *argv):
    assert cli.main(["optimal", *argv, "--json"]) == 0
    return {r["law"]: r for r in json.loads(capsys.readouterr().out)["laws"]}


def test_table_shows_the_cli_numbers(calc, capsys):
    C = HOFFMANN.budgets.gopher
    cli_rows = _cli_rows(capsys, "--flops", str(C))
    tab = calculator.table(calc, C)
    for name, r in cli_rows.items():
        assert tab.loc[name, "N_opt"] == f"{r['N_opt']:.3g}"
        assert tab.loc[name, "D_opt"] == f"{r['D_opt']:.3g}"
        assert tab.loc[name, "loss (nats)"] == f"{r['loss']:.3f}"
    # Hoffmann 2022 Fig 4 caption: 40B parameters at the Gopher budget (eq 4, unrounded fit)
    assert round(float(tab.loc["approach3-tex", "N_opt"]) / 1e9) == 40


def test_refit_here_reproduces_besiroglu_and_its_band_brackets_it(calc):
    C = np.geomspace(1e18, 1e26, 9)
    refit = calc.laws[calculator.REFIT]
    # Besiroglu 2024's refit, printed to 4-5 digits: eq 4 from the refit here agrees to 1%
    assert refit.N_opt(C) == pytest.approx(calc.laws["epoch-refit"].N_opt(C), rel=0.01)
    band = calc.band(calculator.REFIT, C)
    for key in ("N_opt", "D_opt", "loss"):
        lo, hi = band[key]
        assert np.all(lo < hi)
        assert np.all((lo <= getattr(refit, key)(C)) & (getattr(refit, key)(C) <= hi)), key
    assert calc.band("approach1", C) is None  # published laws print no interval on N_opt(C)


def test_fit_band_matches_replicates_one_by_one():
    rng = np.random.default_rng(1)
    names = ("A", "B", "E", "alpha", "beta")
    f = BESIROGLU.refit
    reps = np.array([f.A, f.B, f.E, f.alpha, f.beta]) * (1 + 0.01 * rng.standard_normal((50, 5)))
    band = allocation.fit_band(reps, names, 1e23, level=0.80)
    from scalinglaws.constants import ParametricFit
    from scalinglaws.laws import chinchilla as ch

    each = [ch.optimal_N(1e23, ParametricFit(**dict(zip(names, r, strict=True)))) for r in reps]
    assert band["N_opt"][0] == pytest.approx(np.percentile(each, 10))
    assert band["N_opt"][1] == pytest.approx(np.percentile(each, 90))


def test_user_fit_from_the_fit_command(calc, tmp_path):
    f = BESIROGLU.refit
    saved = {"data": "x", "estimate": {"A": f.A, "B": f.B, "E": f.E, "alpha": f.alpha,
                                       "beta": f.beta}}  # fmt: skip
    path = tmp_path / "fit.json"
    path.write_text(json.dumps(saved))
    with_user = calculator.with_user_fit(calc, str(path))
    C = 1e24
    assert with_user.laws["user-fit"].at(C) == pytest.approx(with_user.laws["epoch-refit"].at(C))
    assert list(calculator.table(with_user, C, "approach1").index) == ["approach1", "user-fit"]
    # it says what it is: a fit refitted here (by `fit`), read from the file named, of total N
    from scalinglaws.core.kinds import REFIT_HERE

    law = with_user.laws["user-fit"]
    assert (law.label, law.kind, law.source) == (
        "fit from file",
        REFIT_HERE,
        "fit read from fit.json",
    )
    assert (law.params_kind, law.note) == ("total", "")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "cannot be read"),
        ("{not json", "is not JSON"),
        ("[1, 2]", "must hold a JSON object with keys E, A, B, alpha, beta"),
        (
            '{"E": 1.7, "A": 400, "B": 400, "alpha": -0.3, "beta": 0.3}',
            "'alpha' must be a positive",
        ),
        ('{"estimate": {"E": 1.7, "A": 400, "B": 400, "alpha": 0.3}}', "'beta' must be a positive"),
    ],
)
@pytest.mark.badinput
def test_bad_fit_files_name_parameter_file_and_key(tmp_path, content, needle):
    path = tmp_path / "fit.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ParameterError, match=r"parameter 'user_fit': fit file .*fit\.json"):
        allocation.load_fit(path, "user_fit")
    with pytest.raises(ParameterError, match=needle):
        allocation.load_fit(path, "user_fit")


@pytest.mark.badinput
def test_budget_outside_the_accepted_range_is_rejected():
    good = {"flops": 1e24, "law": "all", "user_fit": "", "n_bootstrap": 0, "seed": 0,
            "formats": ["png"], "output_dir": ""}  # fmt: skip
    SPECS["07_calculator"].validate(good)
    with pytest.raises(ParameterError, match=r"'flops' must be a number in \[1e\+10, 1e\+35\]"):
        SPECS["07_calculator"].validate({**good, "flops": 1e36})


def test_a_budget_beyond_the_default_axes_widens_them(calc):
    fig = calculator_figure.figure(calc, 1e30, "approach1", n_points=20)
    try:
        lo, hi = fig.axes[0].get_xlim()
        assert lo == pytest.approx(1e18) and hi >= 1e31
    finally:
        plt.close(fig)


def test_figure_marks_every_law_at_the_budget(calc):
    fig = calculator_figure.figure(calc, 1e24, "all", 1e18, 1e26, n_points=20)
    try:
        ax = fig.axes[0]
        dots = [ln for ln in ax.lines if ln.get_marker() == "o"]
        assert len(dots) == len(calc.laws)
        ys = sorted(float(d.get_ydata()[0]) for d in dots)
        assert ys == pytest.approx(sorted(a.at(1e24)["N_opt"] for a in calc.laws.values()))
        assert len(ax.collections) == 1  # one band: the refit's
    finally:
        plt.close(fig)


def test_widgets_redraw_when_the_budget_moves(calc, monkeypatch):
    pytest.importorskip("ipywidgets")
    calls = []
    real_table = calculator.table
    monkeypatch.setattr(
        calculator_figure,
        "table",
        lambda c, C, law: calls.append((C, law)) or real_table(c, C, law),
    )
    box = calculator_figure.interactive(calc, 1e24, "all", 1e18, 1e26)
    slider, menu = box.children[0].children
    slider.value = 1e21
    menu.value = "approach1"
    assert "approach1" in box.children[3].value and "epoch-refit" not in box.children[3].value
    assert bytes(box.children[4].value).startswith(b"\x89PNG")
    box.children[1].value = "/no/such/fit.json"  # a bad file is reported, not raised
    assert "parameter &#x27;user_fit&#x27;" in box.children[2].value
    assert [law for _, law in calls] == ["all", "all", "approach1", "approach1"]
    assert calls[0][0] == pytest.approx(1e24) and calls[1][0] == pytest.approx(1e21)
    plt.close("all")


@pytest.mark.parametrize("C", [1e18, 5.76e23, 1e26])
def test_every_laws_exported_closed_form_gives_its_allocation(C):
    """The web calculator evaluates each law from its spec alone (constants, no code): the spec
    must give what the law's own functions give, which the registry checks against the papers."""
    for name, law in allocation.allocations().items():
        want, got = law.at(C), allocation.evaluate_spec(law.spec, C)
        for key in ("N_opt", "D_opt", "loss"):
            assert got[key] == pytest.approx(want[key], rel=1e-12), (name, key)


def test_web_data_carries_every_law_and_the_refits_replicates():
    calc = calculator.analyse(n_bootstrap=50, seed=0)
    data = json.loads(json.dumps(calculator.web_data(calc, 1e24)))  # JSON-ready as it is
    assert [law["law"] for law in data["laws"]] == list(calc.laws)
    assert data["flops"] == 1e24 and data["flops_range"] == list(calculator.WEB_FLOPS)
    band = data["band"]
    assert band["law"] == calculator.REFIT and band["keys"] == list(allocation.FIT_KEYS)
    assert len(band["replicates"]) == len(calc.bootstrap.replicates)
    # the band the page computes from the replicates is the notebook's (fit_band)
    C = 1e22
    fits = [dict(zip(band["keys"], r, strict=True)) for r in band["replicates"]]
    losses = [allocation.evaluate_spec({"form": "eq4", "fit": f}, C)["loss"] for f in fits]
    lo, hi = np.percentile(losses, [10, 90])
    assert (lo, hi) == pytest.approx(calc.band(calculator.REFIT, C)["loss"], rel=1e-12)


def test_kaplans_allocation_is_table_6_and_eq_1_3_at_half_the_flops():
    """Kaplan 2020 as Hoffmann 2022 App. D.4 reads it, with the printed constants typed here: C_min
    = C / 2 in PF-days (8.64e19 FLOPs each); N = 1.3e9 C_min^0.73 and D = 2e10 C_min^0.27 (Table
    6), L = (3.1e8 / C_min)^0.050 (eq 1.3); the same through the closed form the web calculator
    evaluates (evaluate_spec), and labelled as a published law of non-embedding parameters."""
    from scalinglaws.analysis import allocation
    from scalinglaws.core.kinds import PUBLISHED_LAW

    k = allocation.allocations()["kaplan"]
    C = np.array([1e21, 1e23, 5.76e23])
    c_min = C / 2 / 8.64e19
    expected = {"N_opt": 1.3e9 * c_min**0.73, "D_opt": 2e10 * c_min**0.27,
                "loss": (3.1e8 / c_min) ** 0.050}  # fmt: skip
    for name, want in expected.items():
        np.testing.assert_allclose(getattr(k, name)(C), want, rtol=1e-12)
    spec = allocation.evaluate_spec(k.spec, C)
    for name, want in expected.items():
        np.testing.assert_allclose(spec[name], want, rtol=1e-12)
    assert (k.name, k.kind, k.params_kind) == ("kaplan", PUBLISHED_LAW, "non-embedding")
    assert k.label == "Kaplan 2020, Table 6 at C_min = C/2 (Hoffmann App. D.4)"
    assert k.source == "Kaplan 2020 Table 6, eq 1.3; FLOPs to C_min as Hoffmann 2022 App. D.4"
    # the note states the conversion the numbers above use, and whose nats the loss is in
    assert k.note == (
        "N is non-embedding parameters; C_min = C/2 in PF-days (FLOPs / 2 / 8.64e19), "
        "Hoffmann 2022 App. D.4's conversion; D from Table 6 (one epoch); loss from eq 1.3 "
        "(WebText2 nats, not comparable to MassiveText losses)"
    )


@pytest.mark.parametrize("name", ["approach1", "approach2"])
def test_a_table_allocation_spends_the_budget_at_6nd_and_reads_loss_off_eq_2(name):
    """Approaches 1 and 2 as power laws through Table 3 and Table A3 (refit here): D_opt is the
    rest of the budget at C = 6 N D, and the loss is eq 2 at (N_opt, D_opt) with the TeX source's
    unrounded fit (E = exp(0.5267228), A = exp(6.0073404), B = exp(6.0179186), alpha = 0.33917084,
    beta = 0.2849083: written out here); every total parameter counted."""
    from scalinglaws.analysis import allocation
    from scalinglaws.core.kinds import REFIT_HERE

    law = allocation.allocations()[name]
    C = np.array([1e20, 5.76e23, 1e26])
    N = law.N_opt(C)
    np.testing.assert_allclose(law.D_opt(C), C / (6 * N), rtol=1e-12)
    E, A, B = np.exp(0.5267228), np.exp(6.0073404), np.exp(6.0179186)
    D = C / (6 * N)
    np.testing.assert_allclose(law.loss(C), E + A / N**0.33917084 + B / D**0.2849083, rtol=1e-12)
    spec = allocation.evaluate_spec(law.spec, C)
    for key, want in (("N_opt", N), ("D_opt", D), ("loss", law.loss(C))):
        np.testing.assert_allclose(spec[key], want, rtol=1e-12)
    assert (law.kind, law.params_kind) == (REFIT_HERE, "total")


def test_the_refit_is_eq_4_of_the_likelihood_fit_and_its_band_the_summed_huber_bootstrap(calc):
    """analyse(): the refit law is eq 4 of the Huber-likelihood fit on Besiroglu 2024's 240 points
    (245 extracted, the 5 highest losses dropped), labelled as refitted here; its band comes from
    the summed-Huber bootstrap drawn from the stream "approach3-bootstrap" of the seed, warm
    started at the summed-Huber fit: the same replicates as the estimator called alone."""
    from scalinglaws import estimators
    from scalinglaws.core.kinds import REFIT_HERE
    from scalinglaws.core.rng import stream
    from scalinglaws.datasets import published
    from scalinglaws.laws import chinchilla as ch

    df = published.drop_highest_losses(published.load("epoch-chinchilla-fig4"), 5)
    N, D, _, L = estimators.arrays(df)
    assert calc.n_points == len(df) == 240
    lik = estimators.approach3(N=N, D=D, L=L, objective="huber_likelihood")
    refit = calc.laws[calculator.REFIT]
    C = np.geomspace(1e20, 1e25, 4)
    np.testing.assert_array_equal(refit.N_opt(C), ch.optimal_N(C, lik.fit))
    assert refit.kind == REFIT_HERE
    assert refit.label == "eq 2 refitted on Besiroglu 2024's points, eq 4"
    assert refit.source == ("eq 4 of eq 2 refitted here on 240 points of epoch-chinchilla-fig4 "
                            "(Huber likelihood)")  # fmt: skip
    assert refit.note == "band: 80% bootstrap interval (200 replicates, summed Huber)"
    huber = estimators.approach3(N=N, D=D, L=L)
    alone = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=200,
                                           rng=stream(0, "approach3-bootstrap"), full_fit=huber)  # fmt: skip
    np.testing.assert_array_equal(calc.bootstrap.replicates, alone.replicates)
    assert list(calc.laws) == [*dict(allocation.allocations()), calculator.REFIT]


def test_no_bootstrap_no_band_and_a_user_fit_joins_the_laws(tmp_path):
    f = BESIROGLU.refit
    path = tmp_path / "fit.json"
    path.write_text(json.dumps({"E": f.E, "A": f.A, "B": f.B, "alpha": f.alpha, "beta": f.beta}))
    bare = calculator.analyse(n_bootstrap=0, user_fit=str(path))
    assert bare.bootstrap is None and bare.laws[calculator.REFIT].note == ""
    assert bare.band(calculator.REFIT, 1e23) is None
    assert bare.laws["user-fit"].at(1e24) == pytest.approx(bare.laws["epoch-refit"].at(1e24))
    assert "user-fit" not in calculator.analyse(n_bootstrap=0).laws


def test_web_data_gives_the_pages_script_every_field_it_reads():
    """Every field docs/book/_static/calculator.js reads of the data (``data.*``), of a law
    (``l.*``) and of the band (``b.*``) is there, each law's equal to the law's own attribute, the
    band's level the notebook's (80%); without a bootstrap there is no band."""
    import re

    from scalinglaws.core.paths import ROOT

    script = (ROOT / "docs" / "book" / "_static" / "calculator.js").read_text()
    read = {who: set(re.findall(rf"\b{who}\.([a-z_]+)", script)) for who in ("data", "l", "b")}
    assert read["l"] and read["b"] and read["data"]
    calc = calculator.analyse(n_bootstrap=20, seed=0)
    data = calculator.web_data(calc, 1e24)
    assert read["data"] <= set(data)
    attribute = {"law": "name", "params": "params_kind"}
    for law, entry in zip(calc.laws.values(), data["laws"], strict=True):
        assert read["l"] <= set(entry)
        for key in ("law", "label", "kind", "params", "source", "note", "spec"):
            assert entry[key] == getattr(law, attribute.get(key, key)), (law.name, key)
    assert read["b"] <= set(data["band"]) and data["band"]["level"] == 0.80
    cols = [list(calc.bootstrap.names).index(k) for k in allocation.FIT_KEYS]
    assert data["band"]["replicates"][3] == [float(calc.bootstrap.replicates[3][c]) for c in cols]
    assert calculator.web_data(calculator.analyse(n_bootstrap=0), 1e24)["band"] is None


def test_table_cells_are_the_cli_rows_with_the_band_where_the_law_has_one(calc):
    """calculator.table: each law's row, numbers to 3 significant digits, D/N to 1 decimal, loss
    to 3 decimals, the parameter count's kind; the 80% columns hold the refit's band at that budget
    ("lo to hi") and are empty for the published laws."""
    C = 3e23
    t = calculator.table(calc, C)
    assert list(t.columns) == ["N_opt", "N_opt 80%", "D_opt", "D_opt 80%", "D/N", "loss (nats)",
                               "loss 80%", "parameters"]  # fmt: skip
    for name, law in calc.laws.items():
        at = law.at(C)
        row = t.loc[name]
        assert (row["N_opt"], row["D_opt"]) == (f"{at['N_opt']:.3g}", f"{at['D_opt']:.3g}")
        assert (
            row["D/N"] == f"{at['tokens_per_param']:.1f}" and row["parameters"] == law.params_kind
        )
        assert row["loss (nats)"] == f"{at['loss']:.3f}"
        band = calc.band(name, C)
        for key in ("N_opt", "D_opt", "loss"):
            want = "" if band is None else f"{band[key][0]:.3g} to {band[key][1]:.3g}"
            assert row[f"{key} 80%"] == want, (name, key)
    assert t.loc[calculator.REFIT, "loss 80%"] != ""
