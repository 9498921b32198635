"""The IsoFLOP figure family (notebook 03): tables, budgets and provenance labels."""

import matplotlib.pyplot as plt
import pytest

from scalinglaws.analysis import isoflop
from scalinglaws.constants import BESIROGLU, HOFFMANN
from scalinglaws.core.kinds import KINDS
from scalinglaws.figures import hoffmann2022_fig3, hoffmann2022_fig4, hoffmann2022_figA3
from tests.conftest import shared_scope


@pytest.fixture(scope=shared_scope)
def an():
    return isoflop.analyse(n_bootstrap=20, seed=1)


def test_all_nine_budgets_have_parabolas(an):
    # Hoffmann 2022 section 3.2: 9 budgets from 6e18 to 3e21; Epoch's points cover all of them
    table = isoflop.budget_table(an)
    assert (table["used"] == "yes").sum() == len(HOFFMANN.budgets.isoflop)
    assert an.approach2.N_opt.exponent_interval is not None


def test_fit_table_rows(an):
    t = isoflop.fit_table(an)
    assert t.loc["refit here: Huber likelihood", "A"] == pytest.approx(BESIROGLU.refit.A, rel=1e-4)
    assert t.loc["Hoffmann 2022 (TeX values)", "a"] == pytest.approx(0.4565, abs=1e-4)
    assert "refit here: bootstrap SE (20 replicates)" in t.index
    ex = isoflop.exponent_table(an)
    assert ex["approach"].str.contains("Table 2").sum() == 4


def test_table_a3_flags_the_typo_row():
    _, a3 = isoflop.table_a3()
    row = a3.iloc[HOFFMANN.tables.tableA3_typo_index]
    assert row["FLOPs printed"] == "1.26e+24" and "6ND = 1.26e+25" in row["flag"]
    t3 = isoflop.table3()
    assert t3.loc[3, "FLOPs from law"] == "5.76e+23"  # the Gopher row, from its FLOPs


@pytest.mark.parametrize(
    "name, draw",
    [
        ("figure3", hoffmann2022_fig3.figure3),
        ("figure4", hoffmann2022_fig4.figure4),
        ("figure_a3", hoffmann2022_figA3.figure_a3),
    ],
)
def test_every_series_is_labelled_with_its_provenance(an, name, draw):
    fig = draw(an)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().texts]
    assert texts
    kinds = [t for t in texts if t.startswith(KINDS)]
    assert kinds, texts
    assert any(t.startswith("published data") for t in texts) or name == "figure_a3"
    assert any(t.startswith("refit here") for t in texts)
    if name == "figure_a3":  # the power laws through Tables 3 and A3 are fitted here
        assert any(t.startswith("refit here (Chinchilla Approach 1") for t in texts), texts
        assert not any(t.startswith("published law (Chinchilla Approach 1") for t in texts)
        assert any("C_min = C/2" in t for t in texts), texts
    plt.close(fig)
