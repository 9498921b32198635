"""The command line: `optimal` and `fit`, and one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest

from scalinglaws import cli
from scalinglaws.constants import BESIROGLU


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_optimal_at_the_gopher_budget_json(capsys):
    code, out, _ = run(capsys, "optimal", "--flops", "5.76e23", "--json")
    assert code == 0
    laws = {r["law"]: r for r in json.loads(out)["laws"]}
    assert set(laws) == {"kaplan", "approach1", "approach2", "approach3-rounded",
                         "approach3-tex", "epoch-refit"}  # fmt: skip
    # Hoffmann 2022 Fig 4 caption: 40B at the Gopher budget (eq 4, unrounded fit)
    assert round(laws["approach3-tex"]["N_opt"] / 1e9) == 40
    # Hoffmann 2022 Table 3: 67B parameters, 1.5T tokens at 5.76e23 FLOPs (Approach 1)
    assert laws["approach1"]["N_opt"] == pytest.approx(67e9, rel=0.03)
    assert laws["approach1"]["D_opt"] == pytest.approx(1.5e12, rel=0.07)
    # Besiroglu 2024 refit: ~72B, ~18 tokens per parameter (eq 4)
    assert laws["epoch-refit"]["tokens_per_param"] == pytest.approx(18.3, abs=0.1)
    assert laws["kaplan"]["params"] == "non-embedding"
    for r in laws.values():
        assert r["D_opt"] / r["N_opt"] == pytest.approx(r["tokens_per_param"])


def test_optimal_kaplan_at_1e21_is_hoffmann_app_d4(capsys):
    # Hoffmann 2022 App. D.4: at 1e21 FLOPs Kaplan predicts 4.68B parameters, Approach 1 2.86B;
    # Kaplan's Table 6 takes C_min = C/2 (reading C as C_min would give 7.77B)
    code, out, _ = run(capsys, "optimal", "--flops", "1e21", "--json")
    assert code == 0
    laws = {r["law"]: r for r in json.loads(out)["laws"]}
    assert laws["kaplan"]["N_opt"] == pytest.approx(4.68e9, rel=0.01)
    assert abs(laws["kaplan"]["N_opt"] - 4.68e9) <= 0.005e9  # printed to 3 digits
    assert abs(laws["approach1"]["N_opt"] - 2.86e9) <= 0.005e9
    assert "C_min = C/2" in laws["kaplan"]["label"]
    # the table power laws are fitted here to published rows, not published laws
    assert laws["approach1"]["kind"] == laws["approach2"]["kind"] == "refit here"
    assert "fitted here" in laws["approach1"]["source"]
    assert laws["kaplan"]["kind"] == laws["approach3-tex"]["kind"] == "published law"


def test_optimal_table_and_single_law(capsys):
    code, out, _ = run(capsys, "optimal", "--flops", "1e21", "--law", "approach3-rounded")
    assert code == 0 and "approach3-rounded" in out and "epoch-refit" not in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["optimal", "--flops", "-1"], "'--flops' must be a number in [1e+10, 1e+35], got -1.0"),
        (["optimal", "--flops", "abc"], "'--flops' must be a number in [1e+10, 1e+35]"),
        (["optimal", "--flops", "1e40"], "'--flops' must be a number in [1e+10, 1e+35]"),
        (["optimal", "--flops", "1e21", "--law", "gpt"], "'--law' must be one of 'all'"),
        (["fit", "--bootstrap", "-3"], "'--bootstrap' must be an integer in [0, 100000], got -3"),
        (["fit", "--bootstrap", "2.5"], "'--bootstrap' must be an integer in [0, 100000]"),
        (["fit", "--seed", "-1"], "'--seed' must be an integer in [0, 4294967295]"),
        (["fit", "--data", "nope"], "'--data' must be one of 'epoch-chinchilla-fig4'"),
        (["fit", "--objective", "mse"], "'--objective' must be one of 'huber'"),
        (["fit", "--bootstrap", "1"], "'--bootstrap' must be 0 (no intervals) or at least 40"),
        (["fit", "--bootstrap", "9", "--level", "0.8"], "or at least 10 for a 80% interval"),
        (["fit", "--report"], "parameter '--report' reports on a fit of a runs table"),
    ],
)
@pytest.mark.badinput
def test_bad_arguments_one_line_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1


@pytest.mark.badinput
def test_argparse_errors_are_one_line_too(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["optimal"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--flops" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        cli.main(["frobnicate"])


def test_fit_json_matches_epoch(capsys):
    code, out, _ = run(capsys, "fit", "--bootstrap", "40", "--seed", "3", "--json")
    assert code == 0
    res = json.loads(out)
    assert res["n_points"] == BESIROGLU.selection.n_points_fitted
    assert res["estimate"]["A"] == pytest.approx(BESIROGLU.refit.A, rel=1e-3)
    assert res["estimate"]["beta"] == pytest.approx(BESIROGLU.refit.beta, rel=1e-3)
    assert res["bootstrap"]["n"] == 40 and res["bootstrap"]["n_failed"] == 0
    assert set(res["bootstrap"]["se"]) == {"A", "B", "E", "alpha", "beta"}
    code, out, _ = run(capsys, "fit", "--bootstrap", "0", "--objective", "huber")
    assert code == 0 and "objective huber" in out and "SE" not in out


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "scalinglaws", "optimal", "--flops", "0"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "'--flops' must be a number" in proc.stderr


def test_a_reader_that_leaves_early_gets_no_traceback():
    """`python -m scalinglaws optimal --json | true`: the pipe closes before the output is written."""
    import subprocess
    import sys

    proc = subprocess.run(
        f"{sys.executable} -m scalinglaws optimal --flops 1e21 --json | true",
        shell=True, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr


def test_fit_on_epochs_points_imports_neither_pandas_nor_matplotlib():
    """Start-up is most of `fit`'s time: the default fit reads Epoch's file without pandas."""
    code = (
        "import sys; from scalinglaws import cli; "
        "rc = cli.main(['fit', '--bootstrap', '40', '--json']); "
        "print(rc, sorted(m for m in ('pandas', 'matplotlib', 'pooch', 'seaborn') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stdout[-300:]


def _saved_fit(tmp_path, capsys) -> dict:
    code, out, _ = run(
        capsys, "fit", "--runs", "llama3-isoflops", "--approach", "3", "--bootstrap", "40", "--json"
    )
    assert code == 0
    return json.loads(out)


@pytest.mark.badinput
def test_a_damaged_saved_fit_is_refused_naming_the_field(tmp_path, capsys):
    """Every number `optimal --fit` reads is checked: missing, not a number, out of range."""
    good = _saved_fit(tmp_path, capsys)
    damage = {
        "estimate": (lambda d: d.pop("estimate"), "'estimate' must be an object"),
        "alpha": (lambda d: d["estimate"].pop("alpha"), "estimate.alpha must be a number > 0"),
        "text": (lambda d: d["estimate"].update(beta="abc"), "estimate.beta must be a number"),
        "negative": (lambda d: d["estimate"].update(A=-1.0), "estimate.A must be a number > 0"),
        "residuals": (lambda d: d.update(residuals_log=[]), "'residuals_log' must be a non-empty"),
        "replicates": (
            lambda d: d["bootstrap"]["replicates"].update(values="x"),
            "'bootstrap.replicates' must hold",
        ),
    }
    for name, (hurt, needle) in damage.items():
        saved = json.loads(json.dumps(good))
        hurt(saved)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(saved))
        code, out, err = run(capsys, "optimal", "--flops", "1e22", "--fit", str(path))
        assert code == 2 and out == "" and needle in err and err.count("\n") == 1, (name, err)
    path = tmp_path / "good.json"
    path.write_text(json.dumps(good))
    assert run(capsys, "optimal", "--flops", "1e22", "--fit", str(path))[0] == 0


@pytest.mark.badinput
def test_losses_that_do_not_fall_are_refused_and_json_is_strict(tmp_path, capsys):
    rows = ["params,tokens,loss"] + [
        f"{n},{d},3.0" for n in (1e8, 3e8, 1e9) for d in (1e9, 3e9, 1e10)
    ]
    path = tmp_path / "flat.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, err = run(capsys, "fit", "--runs", str(path), "--approach", "3", "--bootstrap", "0")
    assert code == 2 and "column 'loss'" in err and err.count("\n") == 1
    code, out, _ = run(
        capsys, "fit", "--runs", "gemstones", "--approach", "1", "--bootstrap", "0", "--json",
        "--report",
    )  # fmt: skip
    assert code == 0 and "NaN" not in out and "Infinity" not in out
    json.loads(out, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
