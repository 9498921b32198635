"""Notebook 03 on any runs: `-p runs <csv> -p output_dir <dir>` draws the IsoFLOP figures for that
CSV into <dir> and writes nothing into figures/."""

from __future__ import annotations

import hashlib

import papermill
import pytest

from scalinglaws.core import paths
from scalinglaws.notebooks import execute
from tests.test_runs_cli import TRUE_A, synthetic_runs


def _figures_state():
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.FIGURES.iterdir()}


@pytest.mark.notebook
def test_notebook_03_draws_the_isoflop_figures_of_a_runs_csv(tmp_path):
    csv = tmp_path / "my_runs.csv"
    synthetic_runs().to_csv(csv, index=False)
    out = tmp_path / "out"
    before = _figures_state()
    execute("03_isoflop", tmp_path / "out.ipynb", runs=str(csv), output_dir=str(out),
            n_bootstrap=20)  # fmt: skip
    assert _figures_state() == before, "notebook 03 with runs= changed figures/"
    written = {p.name for p in out.iterdir()}
    for stem in ("hoffmann2022_fig3", "hoffmann2022_fig4", "hoffmann2022_figA3"):
        assert {f"{stem}.png", f"{stem}.pdf"} <= written, written
    assert "hoffmann2022_fig2.png" not in written  # Fig 2 needs curves: default data only


def test_isoflop_analysis_of_a_runs_csv_recovers_a(tmp_path):
    from scalinglaws.analysis import isoflop

    csv = tmp_path / "my_runs.csv"
    synthetic_runs().to_csv(csv, index=False)
    an = isoflop.analyse(n_bootstrap=0, runs=str(csv))
    assert not an.default and len(an.points) == len(synthetic_runs())
    assert abs(an.approach2.a - TRUE_A) <= 0.02
    assert an.huber.fit.a == pytest.approx(TRUE_A, abs=0.02)


@pytest.mark.notebook
@pytest.mark.badinput
def test_notebook_03_bad_runs_fails_cleanly(tmp_path):
    csv = tmp_path / "bad.csv"
    synthetic_runs().drop(columns="tokens").to_csv(csv, index=False)
    out = tmp_path / "out"
    with pytest.raises(papermill.PapermillExecutionError) as err:
        execute("03_isoflop", tmp_path / "bad.ipynb", runs=str(csv), output_dir=str(out))
    assert "parameter 'runs'" in str(err.value) and "column 'tokens' is missing" in str(err.value)
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.notebook
def test_notebook_04_draws_figure_a2_for_a_registered_data_set(tmp_path):
    """Notebook 05 with runs = Llama 3's points: one row of Figure A2, labelled as published data
    refitted here; nothing written to figures/ or data/derived/."""
    out = tmp_path / "out"
    before = _figures_state()
    derived = {p.name: p.read_bytes() for p in (paths.DATA / "derived").iterdir()}
    execute("05_c4_github", tmp_path / "out.ipynb", runs="llama3-isoflops", output_dir=str(out),
            n_bootstrap=20, flops_min=1e18, flops_max=1e23)  # fmt: skip
    assert _figures_state() == before
    assert {p.name: p.read_bytes() for p in (paths.DATA / "derived").iterdir()} == derived
    written = {p.name for p in out.iterdir()}
    assert {"hoffmann2022_figA2_measured.png", "c4_github_budgets_runs.csv"} <= written


def test_c4_github_analysis_of_registered_runs():
    from scalinglaws.analysis import c4_github, cross_study

    an = c4_github.analyse(n_bootstrap=0, source="llama3-isoflops")
    assert list(an.corpora) == [c4_github.OTHER]
    # the same Approach 2 as `fit --runs llama3-isoflops --approach 2`
    assert an.corpora["runs"].fit.a == pytest.approx(
        cross_study.fit_one(cross_study.LLAMA3, 2)["a"]
    )
