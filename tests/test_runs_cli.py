"""`fit --runs` and `optimal --fit` on runs drawn from a known L(N, D), and the runs schema's errors."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from scalinglaws import cli
from scalinglaws.constants import HOFFMANN
from scalinglaws.datasets import schema
from tests.conftest import shared_scope

# The truth the synthetic runs are drawn from: Hoffmann 2022's App. D.2 fit (rounded, as printed).
TRUE = HOFFMANN.approach3_rounded
TRUE_A = TRUE.beta / (TRUE.alpha + TRUE.beta)  # eq 4: N_opt ~ C^a
NOISE = 0.003  # sd of the multiplicative (log) noise on each loss
BUDGETS = np.logspace(18, 21, 6)  # FLOPs
SIZES_PER_BUDGET = 9
HALF_WIDTH = 0.5  # log10 N either side of each budget's true optimum


def true_loss(N, D):
    return TRUE.E + TRUE.A / N**TRUE.alpha + TRUE.B / D**TRUE.beta


def true_optimum(C):
    G = (TRUE.alpha * TRUE.A / (TRUE.beta * TRUE.B)) ** (1 / (TRUE.alpha + TRUE.beta))
    a, b = TRUE.beta / (TRUE.alpha + TRUE.beta), TRUE.alpha / (TRUE.alpha + TRUE.beta)
    return G * (C / 6) ** a, (C / 6) ** b / G


def synthetic_runs(seed: int = 1) -> pd.DataFrame:
    """An IsoFLOP grid centred on each budget's true optimum, losses with small log noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for C in BUDGETS:
        n_opt, _ = true_optimum(C)
        for x in np.linspace(-HALF_WIDTH, HALF_WIDTH, SIZES_PER_BUDGET):
            N = n_opt * 10**x
            D = C / (6 * N)
            L = true_loss(N, D) * np.exp(NOISE * rng.standard_normal())
            rows.append({"params": N, "tokens": D, "loss": L, "budget": C})
    return pd.DataFrame(rows)


@pytest.fixture(scope=shared_scope)
def runs_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("runs") / "runs.csv"
    synthetic_runs().to_csv(path, index=False)
    return path


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_approach3_recovers_the_law_within_its_intervals(capsys, runs_csv):
    code, out, err = run(capsys, "fit", "--runs", runs_csv, "--approach", "3",
                         "--bootstrap", "200", "--seed", "0", "--json")  # fmt: skip
    assert code == 0, err
    res = json.loads(out)
    assert res["flops"].startswith("FLOPs not given: C = 6 N D")
    truth = {"E": TRUE.E, "A": TRUE.A, "B": TRUE.B, "alpha": TRUE.alpha, "beta": TRUE.beta,
             "a": TRUE_A, "b": 1 - TRUE_A}  # fmt: skip
    assert set(res["estimate"]) == set(truth)
    iv = res["bootstrap"]["interval"]
    for k, v in truth.items():
        assert iv[k][0] <= v <= iv[k][1], (k, v, iv[k])
        assert res["bootstrap"]["se"][k] > 0


def test_approach2_recovers_a_within_002(capsys, runs_csv):
    code, out, err = run(capsys, "fit", "--runs", runs_csv, "--approach", "2", "--json")
    assert code == 0, err
    res = json.loads(out)
    assert abs(res["a"] - TRUE_A) <= 0.02
    assert abs(res["b"] - (1 - TRUE_A)) <= 0.02
    assert len(res["budgets_used"]) == len(BUDGETS)
    assert {"k", "exponent"} <= set(res["N_opt"]) and {"k", "exponent"} <= set(res["D_opt"])


def test_optimal_under_a_saved_fit_has_a_prediction_interval(capsys, runs_csv, tmp_path):
    code, out, _ = run(capsys, "fit", "--runs", runs_csv, "--approach", "3",
                       "--bootstrap", "100", "--json")  # fmt: skip
    assert code == 0
    fit_path = tmp_path / "fit.json"
    fit_path.write_text(out)
    C = 1e20
    code, out, err = run(capsys, "optimal", "--flops", C, "--fit", fit_path, "--json")
    assert code == 0, err
    res = json.loads(out)
    n_true, d_true = true_optimum(C)
    iv = res["interval"]
    assert iv["N_opt"][0] <= n_true <= iv["N_opt"][1]
    assert iv["D_opt"][0] <= d_true <= iv["D_opt"][1]
    lo, hi = iv["loss_prediction"]
    c_lo, c_hi = iv["loss_confidence"]
    assert lo <= true_loss(n_true, d_true) <= hi
    assert lo < c_lo and c_hi < hi  # a new run's loss varies more than the law's
    code, out, _ = run(capsys, "optimal", "--flops", C, "--fit", fit_path)
    assert code == 0 and "prediction interval" in out


def _write(tmp_path, frame: pd.DataFrame, name="bad.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _bad_cases():
    base = synthetic_runs()
    curves = pd.DataFrame({"run": ["r1", "r1", "r2"], "step": [1, 1, 1], "params": [1e6] * 3,
                           "tokens": [1e8, 2e8, 1e8], "loss": [4.0, 3.9, 4.1]})  # fmt: skip
    return [
        ("missing", base.drop(columns="loss"), "3", "column 'loss' is missing"),
        ("zero", base.assign(params=[0.0, *base["params"].iloc[1:]]), "3",
         "column 'params' must hold finite numbers > 0, in (0, inf); data row 1 (line 2"),
        ("nan", base.assign(tokens=[*base["tokens"].iloc[:4], np.nan, *base["tokens"].iloc[5:]]),
         "3", "column 'tokens' must hold finite numbers > 0, in (0, inf); data row 5 (line 6"),
        ("inf", base.assign(loss=[*base["loss"].iloc[:2], np.inf, *base["loss"].iloc[3:]]), "3",
         "column 'loss' must hold finite numbers > 0, in (0, inf); data row 3 (line 4"),
        ("text", base.assign(flops="many"), "3", "column 'flops' must hold finite numbers > 0"),
        ("dup", curves, "1", "column 'run' and 'step': duplicated checkpoint at data row 2"),
        ("few3", base.head(5), "3", "column 'loss': Approach 3 fits 5 parameters and needs at "
         "least 6 runs"),
        ("few2", base[base["budget"] == BUDGETS[0]], "2", "column 'budget': Approach 2 needs at "
         "least 2 FLOP budgets"),
        ("norun", base, "1", "column 'run' is missing: Approach 1 needs training curves"),
    ]  # fmt: skip


@pytest.mark.badinput
@pytest.mark.parametrize(("case", "frame", "approach", "needle"), _bad_cases(),
                         ids=[c[0] for c in _bad_cases()])  # fmt: skip
def test_bad_runs_exit_2_naming_the_column(capsys, tmp_path, case, frame, approach, needle):
    path = _write(tmp_path, frame)
    code, out, err = run(capsys, "fit", "--runs", path, "--approach", approach, "--bootstrap", "0")
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1, err


@pytest.mark.badinput
@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["fit", "--runs", "nope.csv"], "--runs: 'nope.csv' not found: give a runs CSV file that exists"),
        (["fit", "--runs", "gadre-overtraining"],
         "'gadre-overtraining' holds 3 data sets, fitted one at a time (one per training corpus, as "
         "its authors fit them): give one of gadre-c4, gadre-rpj, gadre-rw"),
        (["fit", "--runs", "llama3-isoflops", "--approach", "4"], "'--approach' must be an integer in [1, 3]"),
        (["fit", "--runs", "llama3-isoflops", "--params", "both"], "'--params' must be one of"),
        (["fit", "--runs", "llama3-isoflops", "--params", "non_embedding"],
         "column 'params_non_embedding' is missing"),
        (["optimal", "--flops", "1e20", "--fit", "missing.json"], "'--fit': file 'missing.json' not found"),
        (["optimal", "--flops", "1e20", "--fit", "pyproject.toml"], "'--fit': 'pyproject.toml' is not a JSON fit"),
    ],
)  # fmt: skip
def test_bad_flags_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1, err


def test_validate_fills_flops_and_keeps_given_ones():
    frame = pd.DataFrame({"params": [1e6, 2e6], "tokens": [1e8, 1e8], "loss": [3.0, 2.9]})
    out = schema.validate(frame)
    assert out["flops"].tolist() == [6e14, 1.2e15]
    assert schema.flops_note(out).startswith("FLOPs not given")
    out = schema.validate(frame.assign(flops=[7e14, 1.3e15]))
    assert out["flops"].tolist() == [7e14, 1.3e15]


def test_final_checkpoints_take_each_runs_last_step():
    frame = pd.DataFrame({"run": ["a", "a", "b"], "step": [2, 1, 5], "params": [1.0, 1.0, 2.0],
                          "tokens": [2.0, 1.0, 5.0], "loss": [3.0, 4.0, 2.5]})  # fmt: skip
    final = schema.final_checkpoints(schema.validate(frame))
    assert final[["run", "step"]].values.tolist() == [["a", 2], ["b", 5]]


def test_optimal_under_an_approach2_fit_gives_the_allocation_only(capsys, runs_csv, tmp_path):
    code, out, _ = run(capsys, "fit", "--runs", runs_csv, "--approach", "2", "--bootstrap", "50",
                       "--json")  # fmt: skip
    assert code == 0
    fit_path = tmp_path / "fit2.json"
    fit_path.write_text(out)
    code, out, err = run(capsys, "optimal", "--flops", 1e20, "--fit", fit_path, "--json")
    assert code == 0, err
    res = json.loads(out)
    n_true, _ = true_optimum(1e20)
    assert res["loss"] is None and "Approach 3" in res["note"]
    assert res["interval"]["N_opt"][0] <= n_true <= res["interval"]["N_opt"][1]


def test_data_names_any_registered_set(capsys):
    code, out, err = run(capsys, "fit", "--data", "llama3-isoflops", "--approach", "2",
                         "--bootstrap", "0", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["runs"] == "llama3-isoflops"


def test_blank_budget_is_a_run_on_no_budget():
    frame = synthetic_runs()
    frame.loc[0, "budget"] = np.nan
    out = schema.validate(frame)
    labels, budgets = schema.budgets(out)
    assert labels[0] == -1 and (labels[1:] >= 0).all() and len(budgets) == len(BUDGETS)
    with pytest.raises(schema.RunsSchemaError, match="column 'budget' is blank on every row"):
        schema.validate(frame.assign(budget=np.nan))
    with pytest.raises(schema.RunsSchemaError, match=r"column 'budget' must hold .* \(or be"):
        schema.validate(frame.assign(budget=-1.0))


@pytest.mark.badinput
def test_a_bad_cell_is_shown_as_the_reader_wrote_it():
    """A numpy scalar in an error reads as a plain number, not np.float64(...)."""
    frame = synthetic_runs()
    frame.loc[2, "tokens"] = -244900000.0
    with pytest.raises(schema.RunsSchemaError) as err:
        schema.validate(frame)
    assert "holds -244900000.0" in str(err.value) and "np.float64" not in str(err.value)


@pytest.mark.parametrize("verb", [["status"], ["summary"], ["plans", "--costs"]])
def test_read_only_verbs_need_no_torch(verb):
    """`runs status`, `summary` and `plans --costs` only read result files and plans: they work in
    the venv `make figures` builds, which has no torch (blocked here)."""
    import subprocess
    import sys

    # a finder that refuses torch, as an environment without it does (sys.modules['torch'] = None
    # would also block it, but leaves a None that libraries probing sys.modules trip over)
    code = (
        "import runpy, sys\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        f"sys.argv = ['scalinglaws.training', *{verb!r}]\n"
        "runpy.run_module('scalinglaws.training', run_name='__main__')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ModuleNotFoundError" not in proc.stderr and "Traceback" not in proc.stderr


def _curves(seed: int = 2) -> pd.DataFrame:
    """Training curves on eq 2 (one run per size, 40 checkpoints each), small log noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, N in enumerate(np.geomspace(3e7, 3e9, 9)):
        for D in np.geomspace(2e8, 4e11, 40):
            rows.append({"run": f"r{i}", "params": N, "tokens": D, "flops": 6 * N * D,
                         "loss": true_loss(N, D) * np.exp(0.001 * rng.standard_normal())})  # fmt: skip
    return pd.DataFrame(rows)


def test_approach1_fit_reports_the_envelope_the_estimator_draws():
    """fit_runs.fit's Approach 1 against the estimator on its own: the same curves over the range
    the fit reports give the same exponents and constants; footnote 4's share is the share of the
    envelope's winners within the last 15% of their run's FLOPs, counted here."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs

    runs = _curves()
    out = fit_runs.fit(runs, 1, n_bootstrap=30, seed=0)
    curves = [(float(g["params"].iloc[0]), g["flops"].to_numpy(), g["loss"].to_numpy(),
               g["tokens"].to_numpy()) for _, g in runs.groupby("run", sort=True)]  # fmt: skip
    res = estimators.approach1(curves=curves, flops_range=tuple(out["flops_range"]))
    assert (out["a"], out["b"]) == (res.N_opt.exponent, res.D_opt.exponent)
    assert out["N_opt"] == {"k": res.N_opt.k, "exponent": res.N_opt.exponent}
    assert out["D_opt"] == {"k": res.D_opt.k, "exponent": res.D_opt.exponent}
    assert out["n_curves"] == 9
    final = np.array([c[1][-1] for c in curves])[res.curve]
    assert out["last_15pct_fraction"] == pytest.approx(np.mean(res.flops >= 0.85 * final))
    boot = out["bootstrap"]
    assert (boot["n"], boot["level"]) == (30, 0.95) and 0 <= boot["n_failed"] < 30
    reps = np.array(boot["replicates"]["values"])
    assert boot["replicates"]["names"] == ["a", "b", "N_opt_k", "D_opt_k"]
    assert len(reps) == 30 - boot["n_failed"]
    for i, name in enumerate(boot["replicates"]["names"]):
        assert boot["se"][name] == pytest.approx(np.std(reps[:, i], ddof=1), rel=1e-12)
        assert tuple(boot["interval"][name]) == pytest.approx(
            np.percentile(reps[:, i], [2.5, 97.5]), rel=1e-12
        )


def _eq4(E, A, B, alpha, beta, C):
    """Hoffmann 2022 eq 4 in closed form: N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = C/(6N),
    G = (alpha A / (beta B))^(1/(alpha+beta)); and eq 2's loss there."""
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    N = G * (C / 6) ** (beta / (alpha + beta))
    D = C / (6 * N)
    return N, D, E + A / N**alpha + B / D**beta


def test_predict_under_a_saved_approach3_fit_is_eq4_with_bootstrap_intervals():
    """predict() on a saved Approach 3 fit written here: the allocation and loss of eq 4 in closed
    form; the 90% intervals the 5th and 95th percentiles over the replicates; the loss's
    prediction interval each replicate's loss times exp of a residual drawn (Generator.choice) from
    the fit's log residuals on the predict stream."""
    from scalinglaws.analysis import predict
    from scalinglaws.analysis.fit_runs import FIT_FORMAT
    from scalinglaws.core.rng import stream

    est = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
    rng = np.random.default_rng(4)
    reps = np.array([[est[k] * (1 + 0.05 * rng.standard_normal()) for k in est] for _ in range(50)])
    residuals = list(0.01 * rng.standard_normal(30))
    saved = {"format": FIT_FORMAT, "approach": 3, "runs": "mine.csv", "params": "params",
             "estimate": est, "residuals_log": residuals,
             "bootstrap": {"replicates": {"names": list(est), "values": reps.tolist()}}}  # fmt: skip
    C = 1e22
    out = predict.predict(saved, C, seed=7, level=0.9)
    N, D, L = _eq4(*est.values(), C)
    assert (out["flops"], out["approach"], out["runs"], out["params"], out["level"]) == (
        C, 3, "mine.csv", "params", 0.9
    )  # fmt: skip
    assert (out["N_opt"], out["D_opt"], out["loss"]) == pytest.approx((N, D, L), rel=1e-12)
    assert out["tokens_per_param"] == pytest.approx(D / N, rel=1e-12)
    Nr, Dr, Lr = _eq4(*reps.T, C)
    iv = out["interval"]
    for name, values in (("N_opt", Nr), ("D_opt", Dr), ("loss_confidence", Lr)):
        assert iv[name] == pytest.approx(tuple(np.percentile(values, [5, 95])), rel=1e-12)
    Lp = Lr * np.exp(stream(7, "runs-fit.predict").choice(np.array(residuals), Lr.size))
    assert iv["loss_prediction"] == pytest.approx(tuple(np.percentile(Lp, [5, 95])), rel=1e-12)
    assert iv["loss_prediction"] != iv["loss_confidence"]


def test_predict_under_saved_power_laws_gives_the_allocation_only():
    """Approaches 1 and 2: N_opt = k C^a and D_opt = k_D C^b from the saved laws, intervals the
    percentiles over the replicates' laws at C, and no loss."""
    from scalinglaws.analysis import predict
    from scalinglaws.analysis.fit_runs import FIT_FORMAT

    rng = np.random.default_rng(2)
    rows = [[0.5 + 0.02 * rng.standard_normal(), 0.5 + 0.02 * rng.standard_normal(),
             0.1 * (1 + 0.1 * rng.standard_normal()), 1.5 * (1 + 0.1 * rng.standard_normal())]
            for _ in range(40)]  # fmt: skip
    reps = np.array(rows)
    for approach in (1, 2):
        saved = {"format": FIT_FORMAT, "approach": approach, "runs": "r", "params": "params",
                 "N_opt": {"k": 0.1, "exponent": 0.52}, "D_opt": {"k": 1.6, "exponent": 0.48},
                 "bootstrap": {"replicates": {"names": ["a", "b", "N_opt_k", "D_opt_k"],
                                              "values": reps.tolist()}}}  # fmt: skip
        out = predict.predict(saved, 1e21, level=0.8)
        N, D = 0.1 * 1e21**0.52, 1.6 * 1e21**0.48
        assert (out["N_opt"], out["D_opt"]) == pytest.approx((N, D), rel=1e-12)
        assert out["tokens_per_param"] == pytest.approx(D / N, rel=1e-12)
        assert out["loss"] is None
        assert (
            out["note"] == "Approaches 1 and 2 fit the allocation only; the loss needs Approach 3"
        )
        iv = out["interval"]
        assert iv["N_opt"] == pytest.approx(
            tuple(np.percentile(reps[:, 2] * 1e21 ** reps[:, 0], [10, 90])), rel=1e-12
        )
        assert iv["D_opt"] == pytest.approx(
            tuple(np.percentile(reps[:, 3] * 1e21 ** reps[:, 1], [10, 90])), rel=1e-12
        )


def test_approach1s_saved_fit_holds_the_documented_keys_of_the_envelope_alone():
    """fit(approach=1) on eq 2's learning curves against the estimators called on the curves
    regrouped here: a and b, the power laws predict reads (N_opt = k C^a), the declared range and
    its rule, the curves counted, footnote 4's share and the last 15%'s envelope; docs/runs-schema.md
    names every key. predict then gives k C^a at any C."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs, predict
    from tests.test_trust import _curves

    runs = _curves(10.0)
    out = fit_runs.fit(runs, 1, n_bootstrap=4, seed=3, label="curves")
    tuples = [(g["params"].iloc[0], g["flops"].to_numpy(), g["loss"].to_numpy(),
               g["tokens"].to_numpy()) for _, g in runs.groupby("run", sort=True)]  # fmt: skip
    final = np.array([t[1][-1] for t in tuples])
    rng_ = estimators.envelope_range(curves=tuples, N=[t[0] for t in tuples], C_final=final)
    res = estimators.approach1(curves=tuples, flops_range=rng_)
    last = estimators.approach1(curves=estimators.last_part(tuples), flops_range=rng_)
    assert (out["format"], out["runs"], out["approach"], out["seed"]) == (
        fit_runs.FIT_FORMAT, "curves", 1, 3
    )  # fmt: skip
    assert (out["a"], out["b"]) == (res.N_opt.exponent, res.D_opt.exponent)
    assert out["N_opt"] == {"k": res.N_opt.k, "exponent": res.N_opt.exponent}
    assert out["D_opt"] == {"k": res.D_opt.k, "exponent": res.D_opt.exponent}
    assert out["flops_range"] == list(rng_)
    assert out["flops_range_rule"] == "the winner has a trained size on each side"
    assert out["n_curves"] == len(tuples) == 10
    share = np.mean(res.flops / final[res.curve] >= 0.85)
    assert out["last_15pct_fraction"] == share
    assert out["last_15pct_only"] == {"a": last.N_opt.exponent, "b": last.D_opt.exponent}
    assert out["bootstrap"]["n"] == 4
    p = predict.predict(out, 1e21)
    assert p["N_opt"] == pytest.approx(res.N_opt.k * 1e21**res.N_opt.exponent, rel=1e-12)
    assert p["D_opt"] == pytest.approx(res.D_opt.k * 1e21**res.D_opt.exponent, rel=1e-12)


def test_approach2s_saved_fit_is_the_estimator_alone_with_a_plain_bootstrap():
    """fit(approach=2) on an IsoFLOP design on eq 2 (one budget's sizes all past its optimum, so it
    has no vertex) against the estimator called alone: a, b, the vertices with the documented keys,
    the skipped budget keyed as printed to 4 digits; the bootstrap rewritten here (runs drawn with
    replacement by Generator.choice on the fit's stream, a failed replicate counted), its 80%
    percentile interval, the t interval of the vertices' scatter, and the wider of the two."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs
    from scalinglaws.core.rng import stream
    from scalinglaws.laws import chinchilla

    fit3 = chinchilla.HOFFMANN.approach3_rounded
    rng0 = np.random.default_rng(1)
    rows = []
    for i, C in enumerate((1e18, 1e19, 1e20, 1e21, 3.125e21)):
        n_opt = float(chinchilla.optimal_N(C, fit3)) * (30.0 if i == 4 else 1.0)
        for N in n_opt * np.logspace(-0.8, 0.8, 7):
            D = C / (6 * N)
            rows.append({"params": N, "tokens": D, "flops": C, "budget": C,
                         "loss": float(chinchilla.loss(N, D, fit3)) * np.exp(0.003 * rng0.normal())})  # fmt: skip
    runs = pd.DataFrame(rows)
    out = fit_runs.fit(runs, 2, n_bootstrap=30, seed=2, level=0.8, min_points=5)
    N, D, C, L = (runs[k].to_numpy() for k in ("params", "tokens", "budget", "loss"))
    budgets = np.unique(C)

    def a2(i):
        return estimators.approach2(N=N[i], D=D[i], C=C[i], L=L[i], budgets=budgets,
                                    tol_log10=1e-6, min_points=5)  # fmt: skip

    res = a2(np.arange(len(runs)))
    assert (out["a"], out["b"]) == (res.a, res.b)
    assert out["N_opt"] == {"k": res.N_opt.k, "exponent": res.a}
    assert out["budgets_used"] == list(res.used_budgets) and len(res.used_budgets) == 4
    assert list(out["budgets_skipped"]) == ["3.125e+21"]
    assert out["vertices"] == [{"budget": p.budget, "flops": p.flops, "N_opt": p.N_opt,
                                "D_opt": p.D_opt, "L_min": p.L_min, "n_points": p.n_points}
                               for p in res.profiles]  # fmt: skip
    rng, reps, failed = stream(2, "runs-fit.bootstrap"), [], 0
    for _ in range(30):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", np.exceptions.RankWarning)
                r = a2(rng.choice(len(runs), len(runs)))
        except estimators.FitError:
            failed += 1
            continue
        reps.append((r.a, r.b, r.N_opt.k, r.D_opt.k))
    reps = np.array(reps)
    boot = out["bootstrap"]
    assert (boot["n"], boot["n_failed"], boot["level"]) == (30, failed, 0.8)
    np.testing.assert_array_equal(np.array(boot["replicates"]["values"]), reps)
    a_iv = tuple(np.percentile(reps[:, 0], [10, 90]))
    assert tuple(boot["interval"]["a"]) == pytest.approx(a_iv, rel=1e-12)
    x = np.log([p.flops for p in res.profiles])
    reg = estimators.slope_t_interval(x, np.log([p.N_opt for p in res.profiles]), 0.8)
    assert boot["regression"]["a"] == list(reg)
    assert boot["interval_with_scatter"]["a"] == [min(a_iv[0], reg[0]), max(a_iv[1], reg[1])]


def test_a2_input_groups_runs_by_their_budget_or_by_clustered_flops():
    """With a budget column each run is grouped by its budget exactly (a run without one is left
    out) and C is its budget; without one, runs within tol_log10 decades of FLOPs share a budget and
    C is each run's own FLOPs."""
    from scalinglaws.analysis import fit_runs

    f = pd.DataFrame({"params": [1e6, 2e6, 3e6, 4e6], "tokens": [1e9, 2e9, 3e9, 4e9],
                      "loss": [3.0, 2.9, 2.8, 2.7], "flops": [1.0e18, 1.1e18, 9.7e18, 1.02e19],
                      "budget": [1e18, 1e18, 1e19, np.nan]})  # fmt: skip
    a = fit_runs.a2_input(f)
    np.testing.assert_array_equal(a.N, [1e6, 2e6, 3e6])
    np.testing.assert_array_equal(a.C, [1e18, 1e18, 1e19])
    np.testing.assert_array_equal(a.L, [3.0, 2.9, 2.8])
    np.testing.assert_array_equal(a.D, [1e9, 2e9, 3e9])
    np.testing.assert_array_equal(a.budgets, [1e18, 1e19])
    assert a.tol_log10 == 1e-6
    b = fit_runs.a2_input(f.drop(columns="budget"), "params", 0.06)
    np.testing.assert_array_equal(b.C, f["flops"])  # every run, its own FLOPs
    assert b.tol_log10 == 0.06 and len(b.budgets) == 2  # 1e18 and 1.1e18; 9.7e18 and 1.02e19


def test_a_saved_fit_names_its_table_and_counts_its_runs_and_rows():
    """The saved fit's head: the format predict reads, the table's label, the approach, the column N
    came from, runs (final checkpoints) and rows (every checkpoint), how C was counted, the seed."""
    from scalinglaws.analysis import fit_runs
    from tests.test_trust import _curves

    runs = _curves(10.0)
    runs["params_non_embedding"] = runs["params"] * 0.9
    out = fit_runs.fit(runs, 1, seed=9, label="mine.csv", params="params_non_embedding")
    assert {k: out[k] for k in ("format", "runs", "approach", "params", "n_runs", "n_rows",
                                "flops", "seed")} == {
        "format": "scalinglaws-fit/1", "runs": "mine.csv", "approach": 1,
        "params": "params_non_embedding", "n_runs": 10, "n_rows": 400,
        "flops": "FLOPs as given in the table's 'flops' column", "seed": 9,
    }  # fmt: skip


def _saved3(**change):
    saved = {"estimate": {"E": 1.5, "A": 400.0, "B": 410.0, "alpha": 0.34, "beta": 0.28},
             "residuals_log": [0.01, -0.02],
             "bootstrap": {"replicates": {"names": ["A", "B", "E", "alpha", "beta"],
                                          "values": [[400.0, 410.0, 1.5, 0.34, 0.28]] * 2}}}  # fmt: skip
    saved.update(change)
    return saved


def _saved12(**change):
    saved = {"N_opt": {"k": 0.1, "exponent": 0.5}, "D_opt": {"k": 1.6, "exponent": 0.5},
             "bootstrap": {"replicates": {"names": ["a", "b", "N_opt_k", "D_opt_k"],
                                          "values": [[0.5, 0.5, 0.1, 1.6]]}}}  # fmt: skip
    saved.update(change)
    return saved


def _replicates(names, values):
    return {"bootstrap": {"replicates": {"names": names, "values": values}}}


_NAMES3 = ["A", "B", "E", "alpha", "beta"]
_ROWS3 = "--fit: 'bootstrap.replicates' must hold 'names' (including E, A, B, alpha, beta) and 'values', a list of rows of numbers"
_ROWS12 = "--fit: 'bootstrap.replicates' must hold 'names' (including a, b, N_opt_k, D_opt_k) and 'values', a list of rows of numbers"


@pytest.mark.badinput
@pytest.mark.parametrize("approach, saved, message", [
    (3, _saved3(estimate=None), "--fit: 'estimate' must be an object, got None"),
    (3, _saved3(estimate={"E": -1, "A": 1, "B": 1, "alpha": 1, "beta": 1}),
     "--fit: estimate.E must be a number >= 0 and finite, got -1"),
    (3, _saved3(estimate={"E": 0, "A": 0, "B": 1, "alpha": 1, "beta": 1}),
     "--fit: estimate.A must be a number > 0 and finite, got 0"),
    (3, _saved3(estimate={"E": 0, "A": 1, "B": 1, "alpha": 1, "beta": True}),
     "--fit: estimate.beta must be a number > 0 and finite, got True"),
    (3, _saved3(residuals_log=[]), "--fit: 'residuals_log' must be a non-empty list of numbers"),
    (3, _saved3(residuals_log="0.1"), "--fit: 'residuals_log' must be a non-empty list of numbers"),
    (3, _saved3(residuals_log=[0.1, "x"]), "--fit: residuals_log[1] must be a number finite, got 'x'"),
    (3, _saved3(residuals_log=[float("nan")]), "--fit: residuals_log[0] must be a number finite, got nan"),
    (3, _saved3(**_replicates(_NAMES3[:4], [[1.0] * 4])), _ROWS3),
    (3, _saved3(**_replicates(_NAMES3, [[1.0] * 5, 2.0])), _ROWS3),
    (3, _saved3(**_replicates(_NAMES3, "x")), _ROWS3),
    (3, _saved3(bootstrap={"replicates": []}), _ROWS3),
    (3, _saved3(bootstrap=[1]), _ROWS3),
    (3, _saved3(**_replicates(_NAMES3, [[1.0, 2.0, 3.0, 4.0, "x"]])),
     "--fit: 'bootstrap.replicates.values' must be rows of numbers"),
    (3, _saved3(**_replicates(_NAMES3, [[1.0] * 5, [1.0] * 4])),
     "--fit: 'bootstrap.replicates.values' must be rows of numbers"),
    (3, _saved3(**_replicates(_NAMES3, [[1.0] * 4] * 2)),
     "--fit: 'bootstrap.replicates.values' must have one column per name (5), got shape (2, 4)"),
    (3, _saved3(**_replicates(_NAMES3, [])),
     "--fit: 'bootstrap.replicates.values' must have one column per name (5), got shape (0,)"),
    (1, _saved12(N_opt=3), "--fit: 'N_opt' must be an object, got 3"),
    (2, _saved12(D_opt=None), "--fit: 'D_opt' must be an object, got None"),
    (2, _saved12(N_opt={"k": 0, "exponent": 0.5}), "--fit: N_opt.k must be a number > 0 and finite, got 0"),
    (1, _saved12(D_opt={"k": 1.0, "exponent": float("inf")}),
     "--fit: D_opt.exponent must be a number finite, got inf"),
    (2, _saved12(**_replicates(["a", "b", "N_opt_k"], [[1.0] * 3])), _ROWS12),
])  # fmt: skip
def test_a_saved_fits_every_number_is_checked_by_name(approach, saved, message):
    """_check_saved, field by field, with the exact words: what the field must be, the range and
    the value it got; a fit without a bootstrap needs no residuals."""
    from scalinglaws.analysis import predict
    from scalinglaws.datasets.schema import RunsSchemaError

    with pytest.raises(RunsSchemaError) as err:
        predict._check_saved(saved, approach)
    assert str(err.value) == message


def test_good_saved_fits_pass_their_checks():
    from scalinglaws.analysis import predict

    predict._check_saved(_saved3(), 3)
    predict._check_saved(
        _saved3(bootstrap=None, residuals_log=None), 3
    )  # no bootstrap, no residuals
    predict._check_saved(
        _saved3(estimate={"E": 0, "A": 1, "B": 1, "alpha": 1, "beta": 1}), 3
    )  # E may be 0
    predict._check_saved(_saved3(residuals_log=[-0.5, 0.5]), 3)  # residuals of either sign
    for approach in (1, 2):
        predict._check_saved(_saved12(), approach)
        predict._check_saved(
            _saved12(D_opt={"k": 1.0, "exponent": -0.2}), approach
        )  # any finite exponent
    assert predict._check_saved({}, 4) is None  # predict names an approach it cannot read


def test_power_law_bootstrap_summary_is_its_replicates():
    """fit_runs._boot_powerlaws: the count asked for and failed, the level, each quantity's
    sd (ddof 1) and central percentile interval of its column, and the replicates themselves;
    fewer than two replicates is an error that counts the failures."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs

    reps = [
        (0.5, 0.5, 1.0, 2.0),
        (0.6, 0.4, 1.5, 2.5),
        (0.55, 0.45, 1.2, 2.2),
        (0.4, 0.6, 0.9, 1.9),
    ]
    out = fit_runs._boot_powerlaws(reps, 6, 2, 0.80)
    assert (out["n"], out["n_failed"], out["level"]) == (6, 2, 0.80)
    assert out["replicates"] == {
        "names": ["a", "b", "N_opt_k", "D_opt_k"],
        "values": [list(r) for r in reps],
    }
    cols = np.array(reps)
    for i, k in enumerate(("a", "b", "N_opt_k", "D_opt_k")):
        x = cols[:, i]
        assert out["se"][k] == pytest.approx(np.sqrt(np.sum((x - x.mean()) ** 2) / 3), rel=1e-12)
        assert tuple(out["interval"][k]) == pytest.approx(
            tuple(np.percentile(x, [10, 90])), rel=1e-12
        )
    fit_runs._boot_powerlaws(reps[:2], 6, 4, 0.80)  # two replicates: enough for an sd
    with pytest.raises(estimators.FitError, match=r"^bootstrap: 5 of 6 replicates failed$"):
        fit_runs._boot_powerlaws(reps[:1], 6, 5, 0.80)


def test_approach3s_fit_of_runs_is_the_estimator_and_its_named_streams_bootstrap():
    """fit(runs, 3): the estimate, its condition and the log residuals of eq 2 at it; the bootstrap
    the estimator's own, drawn from the stream "runs-fit.bootstrap" of the seed and started at the
    fit, summarised with a and b per replicate (b = alpha / (alpha + beta)) at the level asked."""
    from scalinglaws import estimators
    from scalinglaws.analysis import fit_runs
    from scalinglaws.core.rng import stream

    rng = np.random.default_rng(5)
    rows = []
    for C in BUDGETS:
        n_opt, _ = true_optimum(C)
        for x in np.linspace(-HALF_WIDTH, HALF_WIDTH, SIZES_PER_BUDGET):
            N = n_opt * 10**x
            rows.append({"params": N, "tokens": C / (6 * N),
                         "loss": true_loss(N, C / (6 * N)) * np.exp(NOISE * rng.standard_normal())})  # fmt: skip
    runs = schema.validate(pd.DataFrame(rows))
    out = fit_runs.fit(runs, 3, n_bootstrap=12, seed=9, level=0.9)
    N, D, L = (runs[c].to_numpy(float) for c in ("params", "tokens", "loss"))
    res = estimators.approach3(N=N, D=D, L=L)
    assert out["estimate"]["a"] == res.fit.a and out["condition"] == res.condition
    pred = res.E + res.A / N**res.alpha + res.B / D**res.beta
    np.testing.assert_allclose(out["residuals_log"], np.log(L / pred), rtol=1e-9, atol=1e-15)
    boot = estimators.bootstrap_approach3(N=N, D=D, L=L, n_bootstrap=12, rng=stream(9, "runs-fit.bootstrap"),
                                          full_fit=res)  # fmt: skip
    b = out["bootstrap"]
    assert (b["n"], b["n_failed"], b["level"]) == (12, boot.n_failed, 0.9)
    assert b["replicates"]["values"] == boot.replicates.tolist()
    al, be = boot.replicates[:, 3], boot.replicates[:, 4]
    assert tuple(b["interval"]["b"]) == pytest.approx(
        tuple(np.percentile(al / (al + be), [5, 95])), rel=1e-12
    )


@pytest.mark.badinput
def test_losses_that_fall_with_neither_n_nor_d_have_no_exponent():
    from scalinglaws.analysis import fit_runs

    rows = [
        {"params": n, "tokens": d, "loss": 3.0} for n in (1e8, 3e8, 1e9) for d in (1e9, 3e9, 1e10)
    ]
    with pytest.raises(schema.RunsSchemaError, match=(
            r"^column 'loss': the losses fall with neither N nor D \(alpha \+ beta = 0\): eq 2 gives "
            r"no compute-optimal exponent$")):  # fmt: skip
        fit_runs.fit(schema.validate(pd.DataFrame(rows)), 3)


@pytest.mark.badinput
@pytest.mark.parametrize(
    ("saved", "words"),
    [
        ({"format": "scalinglaws-fit/0", "approach": 3}, "--fit must be a JSON file written by "
         "`scalinglaws fit --runs NAME_OR_CSV --json` (format scalinglaws-fit/1)"),
        ([3], "--fit must be a JSON file written by `scalinglaws fit --runs NAME_OR_CSV --json` "
         "(format scalinglaws-fit/1)"),
        ({"format": "scalinglaws-fit/1", "approach": 4}, "--fit: 'approach' must be 1, 2 or 3, got 4"),
    ],
    ids=["another-format", "not-a-mapping", "approach-4"],
)  # fmt: skip
def test_predict_refuses_what_fit_did_not_write_in_its_words(saved, words):
    """A saved fit of another format (or not a JSON object at all) and an approach other than
    1, 2 or 3: each refused with the message the CLI prints."""
    from scalinglaws.analysis import predict
    from scalinglaws.analysis.fit_runs import FIT_FORMAT
    from scalinglaws.datasets.schema import RunsSchemaError

    assert FIT_FORMAT == "scalinglaws-fit/1"
    with pytest.raises(RunsSchemaError) as err:
        predict.predict(saved, 1e21)
    assert str(err.value) == words
