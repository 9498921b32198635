"""The registry of reproduced numbers: every paper value this companion recomputes, in one list.

Each :class:`Entry` names a value a paper prints (paper, table/equation/figure, the value and the
text it is printed as), the function of this package that recomputes it, and the kind of number it
is (published law, published data, refit here, measured here). Its tolerance is not a field: it
follows from the printed text by the one rule of :mod:`scalinglaws.tolerance` (half a unit of the
last printed digit; a printed interval as printed; an order of magnitude within sqrt(10)). The
tests assert every entry from this list, and ``make report`` writes ``REPRODUCTION.md`` from it;
there is no second list.

An entry whose value is knowingly not reproduced names the section of ``docs/differences.md`` that
explains why (``explained``); it then counts as explained, not as reproduced. Measured-here entries
are not reproductions of a paper: they are reported apart, as consistent with the printed value or
not, by the bootstrap interval of the measurement.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scalinglaws.constants import BESIROGLU, HOFFMANN, KAPLAN, LLAMA3
from scalinglaws.kinds import MEASURED_HERE, PUBLISHED_DATA, PUBLISHED_LAW, REFIT_HERE
from scalinglaws.tolerance import Tolerance, from_printed


@dataclass(frozen=True)
class Entry:
    """One paper value and how this project recomputes it."""

    id: str  # stable identifier, e.g. "kaplan2020.fig12.lower"
    paper: str  # "Kaplan 2020", "Hoffmann 2022", "Besiroglu 2024"
    family: str  # figure family or topic, for grouping
    where: str  # table, equation or figure and section
    quantity: str  # what the number is
    printed: float  # the value as printed (from the constants), in plain units
    printed_text: str  # how the paper prints it: its digits set the tolerance
    compute: Callable[[], float]  # this project's value
    kind: str  # PUBLISHED_LAW, PUBLISHED_DATA, REFIT_HERE or MEASURED_HERE
    explained: str = ""  # heading in docs/differences.md when knowingly not reproduced
    interval: Callable[[], tuple[float, float]] | None = None  # measured here: bootstrap interval

    @property
    def tolerance(self) -> Tolerance:
        """The values the printed text stands for (scalinglaws.tolerance's rule)."""
        return from_printed(self.printed_text)


@dataclass(frozen=True)
class Outcome:
    entry: Entry
    value: float
    interval: tuple[float, float] | None = None  # measured here: the measurement's interval

    @property
    def error(self) -> float:
        """Distance from the printed value in units of the tolerance (<= 1: within)."""
        return self.entry.tolerance.error(self.value)

    @property
    def within(self) -> bool:
        return self.entry.tolerance.contains(self.value)

    @property
    def consistent(self) -> bool:
        """Measured here: the printed value lies inside the measurement's interval."""
        if self.interval is None:
            return False
        return self.interval[0] <= self.entry.printed <= self.interval[1]

    @property
    def status(self) -> str:
        if self.entry.kind == MEASURED_HERE:
            return "consistent with" if self.consistent else "not consistent with"
        if self.within:
            return "reproduced"
        return "explained" if self.entry.explained else "NOT REPRODUCED"


# ----------------------------------------------------------------------------------------------
# How the values are computed (cached: the refits take a second or two)
# ----------------------------------------------------------------------------------------------


# The measured-here intervals use the replicates `make figures` uses, so that REPRODUCTION.md and
# the figures show the same 10th-90th percentiles (notebooks/params/03_isoflop.yaml; notebook 04).
_ENVELOPE_BOOTSTRAP = 4000
_C4_BOOTSTRAP = 2000


@functools.cache
def _epoch_points():
    from scalinglaws import data

    df = data.drop_highest_losses(
        data.load("epoch-chinchilla-fig4"), BESIROGLU.selection.n_excluded_highest_loss
    )
    return df["params"].to_numpy(), df["tokens"].to_numpy(), df["loss_nats"].to_numpy()


@functools.cache
def _refit(objective: str):
    from scalinglaws import estimators

    N, D, L = _epoch_points()
    return estimators.approach3(N=N, D=D, L=L, objective=objective)


@functools.cache
def _bootstrap_legacy():
    """Epoch's own 4,000 resamples (np.random.seed(42)) of the 240 points, refitted here."""
    from scalinglaws import estimators

    N, D, L = _epoch_points()
    counts = estimators.legacy_resample_counts(N.size, 4000, 42)
    return estimators.bootstrap_approach3(
        N=N, D=D, L=L, n_bootstrap=4000, counts=counts, full_fit=_refit("huber")
    )


@functools.cache
def _approach2():
    from scalinglaws.analysis.isoflop import analyse

    return analyse(n_bootstrap=0).approach2


@functools.cache
def _measured_isoflop():
    from scalinglaws.analysis.c4_github import analyse

    return analyse(n_bootstrap=_C4_BOOTSTRAP, seed=0)


def _measured_exponent(corpus: str, which: str):
    def run() -> float:
        return getattr(_measured_isoflop().corpora[corpus].fit, which)

    return run


def _measured_exponent_interval(corpus: str, which: str):
    def run() -> tuple[float, float]:
        fit = _measured_isoflop().corpora[corpus].fit
        return (fit.N_opt if which == "a" else fit.D_opt).exponent_interval

    return run


@functools.cache
def _measured_envelope_fit():
    from scalinglaws.analysis.envelope import measured_envelope

    return measured_envelope(n_bootstrap=_ENVELOPE_BOOTSTRAP, seed=0).fitted


def _measured_envelope(which: str, interval: bool = False):
    def run():
        law = getattr(_measured_envelope_fit(), "N_opt" if which == "a" else "D_opt")
        return law.exponent_interval if interval else law.exponent

    return run


def _table_exponent(rows: str, skip: tuple[int, ...] = ()):
    def run() -> float:
        from scalinglaws.analysis import allocation

        return allocation.table_law(getattr(HOFFMANN.tables, rows), skip=skip).exponent

    return run


def _table_row_six_nd(rows: str, i: int):
    def run() -> float:
        r = getattr(HOFFMANN.tables, rows)[i]
        return 6.0 * r.params * r.tokens

    return run


def _table_a4_ratio(i: int):
    def run() -> float:
        from scalinglaws.laws import chinchilla as ch

        c = HOFFMANN.flops.table_a4[i]
        N = ch.parameter_count(c.n_layers, c.d_model, c.ffw_size)
        exact = ch.flops_appendix_f(c.n_layers, c.d_model, c.ffw_size, c.num_heads, c.kv_size,
                                    1e9, include_embeddings=False)  # fmt: skip
        return float(exact / ch.flops_6nd(N, 1e9))

    return run


def _allocation(name: str, key: str, C: float):
    def run() -> float:
        from scalinglaws.analysis import allocation

        return float(allocation.allocations()[name].at(C)[key])

    return run


def _kaplan_fig12(i: int) -> float:
    from scalinglaws.analysis.excess import figure12_numbers

    n = figure12_numbers()
    return (n.lower_ratio, n.upper_ratio, n.step_saving_at_paper_upper)[i]


def _kaplan(fn: str, *args, key=None, index=None):
    from scalinglaws.laws import kaplan, kaplan_efficient

    def run() -> float:
        law = getattr(kaplan_efficient, fn, None) or getattr(kaplan, fn)
        out = law(*args)
        if key is not None:
            out = out[key]
        if index is not None:
            out = out[index]
        return float(np.asarray(out))

    return run


def _kaplan_doubling() -> float:
    from scalinglaws.laws.kaplan import loss_of_params

    return float(loss_of_params(2e8) / loss_of_params(1e8))


def _kaplan_bcrit_doubling_drop(loss_exponent: float):
    # B_crit = B_* L^(-p): doubling B_crit needs L -> L 2^(-1/p), whatever B_* and L.
    def run() -> float:
        return float(1.0 - 2.0 ** (-1.0 / loss_exponent))

    return run


def _kaplan_b5_factor() -> float:
    # Eq B.5: at the efficient size the loss is (1 + alpha_N/alpha_S) x the converged loss.
    from scalinglaws.laws.kaplan_efficient import efficient_params
    from scalinglaws.laws.kaplan_training import loss_at_min_compute

    t3 = KAPLAN.joint_NS
    C = 1.0  # PF-days; any budget gives the same factor
    N = efficient_params(C)
    converged = (t3.N_c / N) ** t3.alpha_N  # eq 5.6 as S -> infinity
    return float(loss_at_min_compute(N, C) / converged - 1.0)


def _chi2(which: str):
    """Epoch notebook cell 34: chi^2 of Hoffmann's TeX values against the refit, with the
    covariance of the 4,000 replicates over (log A, log B, log E, alpha, beta); and its p-value."""

    def run() -> float:
        from scipy.stats import chi2

        reps = _bootstrap_legacy().replicates.copy()
        reps[:, :3] = np.log(reps[:, :3])

        def theta(f):
            return np.array([np.log(f.A), np.log(f.B), np.log(f.E), f.alpha, f.beta])

        d = theta(HOFFMANN.approach3_tex) - theta(_refit("huber_likelihood"))
        stat = float(d @ np.linalg.inv(np.cov(reps.T)) @ d)
        return stat if which == "stat" else float(chi2.sf(stat, BESIROGLU.claims.chi2_dof))

    return run


def _ci95(name: str, side: int):
    return lambda: float(_bootstrap_legacy().interval(0.95)[name][side])


def _a_bootstrap_se() -> float:
    r = _bootstrap_legacy().replicates  # columns A, B, E, alpha, beta
    return float(np.std(r[:, 4] / (r[:, 3] + r[:, 4])))  # notebook cell 59: np.std(a)


def _table_tokens_exponent(rows: str, skip: tuple[int, ...] = ()):
    def run() -> float:
        from scalinglaws.estimators import fit_power_law

        use = [r for i, r in enumerate(getattr(HOFFMANN.tables, rows)) if i not in skip]
        return fit_power_law([r.flops for r in use], [r.tokens for r in use]).exponent

    return run


def _value(x: float):
    return lambda: float(x)


def _sig_digits(text: str) -> int:
    """Significant digits of a printed number ("1/29,968" -> 5, "6.7" -> 2, "1.92e+19" -> 3)."""
    import re

    body = text.strip().removeprefix("1/")
    mant = re.search(r"\d[\d,]*(?:\.\d+)?", body).group(0).replace(",", "").replace(".", "")
    return len(mant.lstrip("0"))


def _chinchilla(fn: str, *args, fit=None, index=None):
    from scalinglaws.laws import chinchilla

    def run() -> float:
        out = getattr(chinchilla, fn)(*args, **({"fit": fit} if fit is not None else {}))
        if index is not None:
            out = out[index]
        return float(np.asarray(out))

    return run


def _refit_param(objective: str, name: str):
    return lambda: float(getattr(_refit(objective), name))


# ----------------------------------------------------------------------------------------------
# The entries
# ----------------------------------------------------------------------------------------------

_K = "Kaplan 2020"
_H = "Hoffmann 2022"
_B = "Besiroglu 2024"
_C = KAPLAN.claims
_F12 = KAPLAN.figure12


@functools.cache
def _llama3_fit():
    from scalinglaws import studies

    return studies.llama3_approach2_tokens()


def _llama3(what: str):
    def run() -> float:
        from scalinglaws import studies

        fit = _llama3_fit()
        if what in ("alpha", "A"):
            return getattr(fit, what)
        D, N = studies.llama3_extrapolation(LLAMA3.flagship_flops, fit)
        return D if what == "tokens" else N

    return run


@functools.cache
def _misfitting_envelope(params: str):
    from scalinglaws import runs_fit, studies

    return runs_fit.envelope(studies.runs_of(studies.MISFITTING, curves=True), params)


def _misfitting(params: str, what: str):
    def run() -> float:
        env = _misfitting_envelope(params)
        if what == "last":
            return env.last_fraction
        return env.result.N_opt.exponent if what == "a" else env.result.D_opt.exponent

    return run


def _entries() -> list[Entry]:
    e: list[Entry] = [
        # ---- Kaplan 2020, Figure 12 (App. B.4)
        Entry(
            "kaplan2020.fig12.lower",
            _K,
            "excess compute/steps",
            "App. B.4 text, Fig 12",
            "smallest N/N_eff within +20% compute (eq B.16 = 1.2)",
            _F12.lower_ratio,
            "0.6x",
            lambda: _kaplan_fig12(0),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.fig12.upper",
            _K,
            "excess compute/steps",
            "App. B.4 text, Fig 12",
            "largest N/N_eff within +20% compute (eq B.16 = 1.2)",
            _F12.upper_ratio,
            "2.2x",
            lambda: _kaplan_fig12(1),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.fig12.steps",
            _K,
            "excess compute/steps",
            "App. B.4 text, Fig 12",
            "fraction of steps saved by a 2.2x model (1 - eq B.17)",
            _F12.step_saving_at_upper,
            "45% fewer",
            lambda: _kaplan_fig12(2),
            PUBLISHED_LAW,
        ),
        # ---- Kaplan 2020, basic laws and the compute-efficient frontier
        Entry(
            "kaplan2020.doubling_N",
            _K,
            "compute budget",
            "section 1.2, eq 1.1",
            "loss factor when N doubles (2^-alpha_N)",
            _C.doubling_N_loss_factor,
            "0.95",
            _kaplan_doubling,
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.bcrit_doubling",
            _K,
            "steps",
            "Fig 10 caption and legend",
            "loss decrease over which B_crit doubles, 1 - 2^(-1/4.8) (Fig 10's fit L^-4.8)",
            _C.B_crit_doubling_loss_drop,
            "~13%",
            _kaplan_bcrit_doubling_drop(_C.B_crit_fig10_loss_exponent),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.bcrit_doubling_alpha_B",
            _K,
            "steps",
            "Fig 10 caption vs eq 5.3 / Table 5",
            "loss decrease over which B_crit doubles, 1 - 2^-alpha_B (alpha_B = 0.21)",
            _C.B_crit_doubling_loss_drop,
            "~13%",
            _kaplan_bcrit_doubling_drop(1.0 / KAPLAN.basic.alpha_B),
            PUBLISHED_LAW,
            explained="Rounding inside the papers' derived numbers",
        ),
        Entry(
            "kaplan2020.eqB7_alpha_C_min",
            _K,
            "compute budget",
            "eq B.7 (eq 1.8)",
            "alpha_C^min = 1/(1/alpha_S + 1/alpha_B + 1/alpha_N), alpha_N = 0.076",
            KAPLAN.efficient.alpha_C_min_eq_B_7,
            "0.052",
            _kaplan("alpha_C_min_theory", KAPLAN.basic),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eq6_4_alpha_C_min",
            _K,
            "compute budget",
            "eq 6.4",
            "alpha_C^min as printed in eq 6.4",
            KAPLAN.efficient.alpha_C_min_eq_6_4,
            "~0.054",
            _kaplan("alpha_C_min_theory", KAPLAN.basic),
            PUBLISHED_LAW,
            explained="Rounding inside the papers' derived numbers",
        ),
        Entry(
            "kaplan2020.eq6_5_exponent",
            _K,
            "compute budget",
            "eq 6.5",
            "N_eff exponent alpha_C^min/alpha_N (Table 3 alpha_N)",
            KAPLAN.efficient.eq_6_5_exponent,
            "~0.71",
            _kaplan("efficient_exponents", key="N"),
            PUBLISHED_LAW,
            explained="Rounding inside the papers' derived numbers",
        ),
        Entry(
            "kaplan2020.eqB5_factor",
            _K,
            "compute budget",
            "eq B.5",
            "loss at the efficient size / converged loss - 1 = alpha_N/alpha_S (Table 3)",
            _C.convergence_f_efficient,
            "~10% above converged",
            _kaplan_b5_factor,
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eqB12_N",
            _K,
            "compute budget",
            "eq B.12",
            "N_f/N_f' at f = 10%, f' = 2%",
            _C.eq_B_12_N_ratio,
            "2.7",
            _kaplan(
                "convergence_factor_ratios",
                _C.convergence_f_efficient,
                _C.convergence_f_typical,
                index=0,
            ),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eqB13_S",
            _K,
            "compute budget",
            "eq B.13",
            "S_f/S_f' at f = 10%, f' = 2%",
            _C.eq_B_13_S_ratio,
            "0.13",
            _kaplan(
                "convergence_factor_ratios",
                _C.convergence_f_efficient,
                _C.convergence_f_typical,
                index=1,
            ),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eqB14_C",
            _K,
            "compute budget",
            "eq B.14",
            "C_f/C_f' at f = 10%, f' = 2% (\"65% less compute\")",
            _C.eq_B_14_C_ratio,
            "0.35",
            _kaplan(
                "convergence_factor_ratios",
                _C.convergence_f_efficient,
                _C.convergence_f_typical,
                index=2,
            ),
            PUBLISHED_LAW,
            explained="Rounding inside the papers' derived numbers",
        ),
        Entry(
            "kaplan2020.eq6_8_C",
            _K,
            "compute budget",
            "eq 6.8",
            "C* where L(C_min) meets L(D(C_min)), PF-days",
            KAPLAN.intersection.C_star_pf_days,
            "~1e4",
            _kaplan("data_limit_intersection", key="C_star"),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eq6_8_N",
            _K,
            "compute budget",
            "eq 6.8",
            "N* at the intersection, parameters",
            KAPLAN.intersection.N_star,
            "~1e12",
            _kaplan("data_limit_intersection", key="N_star"),
            PUBLISHED_LAW,
        ),
        Entry(
            "kaplan2020.eq6_8_D",
            _K,
            "compute budget",
            "eq 6.8",
            "D* at the intersection, tokens (Table 6's one-epoch D(C_min))",
            KAPLAN.intersection.D_star,
            "~1e12",
            _kaplan("data_limit_intersection", key="D_star"),
            PUBLISHED_LAW,
            explained="Kaplan 2020 Figures 2 and 11",
        ),
        Entry(
            "kaplan2020.eq6_8_L",
            _K,
            "compute budget",
            "eq 6.8",
            "L* at the intersection, nats/token",
            KAPLAN.intersection.L_star,
            "~1.7",
            _kaplan("data_limit_intersection", key="L_star"),
            PUBLISHED_LAW,
        ),
        # ---- Hoffmann 2022, Approach 3 as published
        Entry(
            "hoffmann2022.table2.a3_a",
            _H,
            "IsoFLOP",
            "Table 2, Approach 3 (eq 4)",
            "a = beta/(alpha+beta) of the unrounded (TeX) fit",
            HOFFMANN.table2.approach3.a,
            "0.46",
            _chinchilla("frontier_exponents", fit=HOFFMANN.approach3_tex, index=0),
            PUBLISHED_LAW,
        ),
        Entry(
            "hoffmann2022.table2.a3_b",
            _H,
            "IsoFLOP",
            "Table 2, Approach 3 (eq 4)",
            "b = alpha/(alpha+beta) of the unrounded (TeX) fit",
            HOFFMANN.table2.approach3.b,
            "0.54",
            _chinchilla("frontier_exponents", fit=HOFFMANN.approach3_tex, index=1),
            PUBLISHED_LAW,
        ),
        Entry(
            "hoffmann2022.table2.a3_a_rounded",
            _H,
            "IsoFLOP",
            "Table 2 vs App. D.2's rounded fit",
            "a = beta/(alpha+beta) from the printed alpha = 0.34, beta = 0.28",
            HOFFMANN.table2.approach3.a,
            "0.46",
            _chinchilla("frontier_exponents", index=0),
            PUBLISHED_LAW,
            explained="Rounding inside the papers' derived numbers",
        ),
        Entry(
            "hoffmann2022.fig4.gopher_N",
            _H,
            "IsoFLOP",
            "Fig 4 caption (eq 4)",
            "N_opt at the Gopher budget 5.76e23 FLOPs (unrounded TeX fit)",
            HOFFMANN.claims.gopher_budget_params_fig4,
            "40B",
            _chinchilla("optimal_N", HOFFMANN.budgets.gopher, fit=HOFFMANN.approach3_tex),
            PUBLISHED_LAW,
        ),
        # ---- Besiroglu 2024: the refit on Epoch's 240 points
    ]
    T2 = HOFFMANN.table2
    g = HOFFMANN.budgets.gopher
    typo = 4  # Table A3, Approach 3, the 175B row
    e += [
        Entry(
            "hoffmann2022.table2.a1_from_table3",
            _H,
            "IsoFLOP",
            "Table 2 vs Table 3",
            "a of the power law fitted here to Table 3's rows (Approach 1)",
            T2.approach1.a,
            "0.50",
            _table_exponent("table3_approach1"),
            REFIT_HERE,
        ),
        Entry(
            "hoffmann2022.table2.a2_from_tableA3",
            _H,
            "IsoFLOP",
            "Table 2 vs Table A3",
            "a of the power law fitted here to Table A3's rows (Approach 2)",
            T2.approach2.a,
            "0.49",
            _table_exponent("tableA3_approach2"),
            REFIT_HERE,
        ),
        Entry(
            "hoffmann2022.table3.gopher_N",
            _H,
            "IsoFLOP",
            "Table 3 (Approach 1)",
            "N_opt at the Gopher budget from the power law fitted here to Table 3's rows",
            67e9,
            "67 Billion",
            _allocation("approach1", "N_opt", g),
            REFIT_HERE,
            explained="Hoffmann 2022 tables",
        ),
        Entry(
            "hoffmann2022.appD4.kaplan_N",
            _H,
            "IsoFLOP",
            "App. D.4 (Kaplan 2020 Table 6)",
            "Kaplan's N_opt at 1e21 FLOPs: 1.3e9 C_min^0.73 with C_min = C/2 in PF-days",
            HOFFMANN.claims.d4_kaplan_params,
            "4.68 billion",
            _allocation("kaplan", "N_opt", HOFFMANN.budgets.d4_budget),
            PUBLISHED_LAW,
        ),
        Entry(
            "hoffmann2022.appD4.approach1_N",
            _H,
            "IsoFLOP",
            "App. D.4 (Approach 1)",
            "Approach 1's N_opt at 1e21 FLOPs, from the power law fitted here to Table 3's rows",
            HOFFMANN.claims.d4_approach1_params,
            "2.86 billion",
            _allocation("approach1", "N_opt", HOFFMANN.budgets.d4_budget),
            REFIT_HERE,
        ),
        Entry(
            "hoffmann2022.tableA3.175B_flops",
            _H,
            "IsoFLOP",
            "Table A3, Approach 3, 175B row",
            "printed FLOPs vs 6 N D of the row's own N and D",
            HOFFMANN.tables.tableA3_approach3[typo].flops,
            "1.26e+24",
            _table_row_six_nd("tableA3_approach3", typo),
            PUBLISHED_DATA,
            explained="Hoffmann 2022 tables",
        ),
        Entry(
            "hoffmann2022.table2.a2_refit",
            _H,
            "IsoFLOP",
            "Table 2, Approach 2",
            "a refitted here from IsoFLOP parabolas of Epoch's 240 points (9 budgets)",
            T2.approach2.a,
            "0.49 (0.462, 0.534)",
            lambda: _approach2().a,
            REFIT_HERE,
        ),
    ]
    for i, cfg in enumerate(HOFFMANN.flops.table_a4):
        e.append(
            Entry(
                f"hoffmann2022.tableA4.{cfg.label}",
                _H,
                "FLOP counting",
                "Table A4 (App. F), a reading chosen to match",
                f"FLOPs / 6ND for the {cfg.label} model: N with the output matrix, FLOPs of the "
                "attention and dense terms only (no embedding or logit term, which App. F says it "
                "includes), seq_len 2048 (not printed)",
                cfg.flop_ratio,
                f"{cfg.flop_ratio:.2f}",
                _table_a4_ratio(i),
                PUBLISHED_LAW,
            )
        )
    for name in ("A", "B", "E", "alpha", "beta"):
        se = BESIROGLU.uncertainty.se()[name]
        e.append(
            Entry(
                f"besiroglu2024.bootstrap_se.{name}",
                _B,
                "IsoFLOP",
                "Epoch notebook cell 25",
                f"bootstrap standard error of {name} (Epoch's 4,000 resamples, refitted here)",
                se,
                f"{se:.5f}",  # cell 25 prints %.5f
                lambda n=name: _bootstrap_legacy().se[n],
                REFIT_HERE,
                # cell 25's 5 decimals are below what different BFGS stopping points agree to
                explained="Besiroglu 2024 data and refit" if name in ("A", "B", "beta") else "",
            )
        )
    lik = ("huber_likelihood", BESIROGLU.refit, "their Huber-likelihood objective, BFGS")
    grid = ("huber", BESIROGLU.grid_exact, "summed Huber over Hoffmann's 4,500-start grid")
    for objective, published, how in (lik, grid):
        for name in ("E", "alpha", "beta", "A", "B"):
            printed = getattr(published, name)
            # the notebook prints the refit with %.5f (cell 25) and the grid-exact fit as stored
            text = f"{printed:.5f}" if objective == "huber_likelihood" else f"{printed}"
            e.append(
                Entry(
                    f"besiroglu2024.refit.{objective}.{name}",
                    _B,
                    "IsoFLOP",
                    "section 3 / Epoch notebook"
                    if objective == "huber_likelihood"
                    else "Epoch notebook, grid-exact replication",
                    f"{name} of the Approach 3 refit on 240 points ({how})",
                    printed,
                    text,
                    _refit_param(objective, name),
                    REFIT_HERE,
                    # the summed Huber is flat in B: L-BFGS stops at 2143.4 (docs/differences.md)
                    explained="Besiroglu 2024 data and refit"
                    if (objective, name) == ("huber", "B")
                    else "",
                )
            )
    # ---- Besiroglu 2024 notebook: the two tokens-per-parameter ratios, with their true meaning
    bc = BESIROGLU.claims
    e += [
        Entry(
            "besiroglu2024.notebook.ratio_tex_G_a_mid",
            _B,
            "tokens per parameter",
            "Epoch notebook cell 68",
            "D/N of eq 4 with G of the TeX fit and a = 0.4545 (Table 2's interval midpoint), "
            "at 10^23.75 = 5.62e23 FLOPs (not Hoffmann's fit at the Chinchilla budget: 59.0)",
            bc.nb_ratio_tex_G_a_mid,
            "72.87",
            _chinchilla(
                "optimal_ratio",
                bc.nb_ratio_tex_G_a_mid_flops,
                HOFFMANN.approach3_tex,
                bc.nb_ratio_tex_G_a_mid_a,
            ),
            PUBLISHED_LAW,
        ),
        Entry(
            "besiroglu2024.notebook.median_ratio_refit",
            _B,
            "tokens per parameter",
            "Epoch notebook cell 69",
            "D/N of the refit at 1e18 FLOPs (the cell prints the median of 10,000 random draws "
            "there; not the refit's ratio at the Chinchilla budget: 18.3)",
            bc.nb_median_ratio_refit,
            "25.66",
            _chinchilla("optimal_ratio", bc.nb_median_ratio_refit_flops, BESIROGLU.refit),
            PUBLISHED_LAW,
            explained="Besiroglu 2024 data and refit",
        ),
    ]
    # ---- Besiroglu 2024: the test of Hoffmann's values, the implied a, the 95% intervals
    un = BESIROGLU.uncertainty
    refit_note = "Besiroglu 2024 data and refit"
    e += [
        Entry(
            "besiroglu2024.chi2.stat",
            _B,
            "IsoFLOP",
            "Epoch notebook cell 34",
            "chi^2(5) of Hoffmann's TeX values against the refit (covariance of the 4,000 "
            "replicates refitted here, log A, log B, log E, alpha, beta)",
            bc.chi2_hoffmann_vs_refit,
            f"{bc.chi2_hoffmann_vs_refit:.2f}",
            _chi2("stat"),
            REFIT_HERE,
            explained=refit_note,
        ),
        Entry(
            "besiroglu2024.chi2.p",
            _B,
            "IsoFLOP",
            "Epoch notebook cell 34",
            "p-value of that chi^2(5) statistic",
            bc.chi2_p_value,
            f"{bc.chi2_p_value:.2e}",
            _chi2("p"),
            REFIT_HERE,
            explained=refit_note,
        ),
        Entry(
            "besiroglu2024.implied_a",
            _B,
            "IsoFLOP",
            "section 3 (Epoch notebook cell 59)",
            "a = beta/(alpha + beta) of the refit on 240 points",
            bc.implied_a,
            f"{bc.implied_a}",
            lambda: float(_refit("huber_likelihood").fit.a),
            REFIT_HERE,
        ),
        Entry(
            "besiroglu2024.implied_a_se",
            _B,
            "IsoFLOP",
            "Epoch notebook cell 59",
            "bootstrap standard deviation of a over the 4,000 replicates refitted here",
            un.se_a,
            f"{un.se_a:.3f}",
            _a_bootstrap_se,
            REFIT_HERE,
        ),
    ]
    ci_off = {("A", 0), ("A", 1), ("B", 0), ("B", 1)}  # tails of the replicate fits (differences)
    for name in ("A", "B", "E", "alpha", "beta"):
        for side, end in ((0, "2.5th"), (1, "97.5th")):
            bound = getattr(un, f"ci95_{name}")[side]
            e.append(
                Entry(
                    f"besiroglu2024.ci95.{name}.{'lo' if side == 0 else 'hi'}",
                    _B,
                    "IsoFLOP",
                    "Epoch notebook cell 26",
                    f"{end} percentile of {name} over Epoch's 4,000 resamples (refitted here)",
                    bound,
                    f"{bound:.3f}",  # cell 26 prints %.3f
                    _ci95(name, side),
                    REFIT_HERE,
                    explained=refit_note if (name, side) in ci_off else "",
                )
            )
    # ---- Hoffmann 2022 Table 2 from the tables' token columns and without the 175B typo row
    e += [
        Entry(
            f"hoffmann2022.table2.{tag}",
            _H,
            "IsoFLOP",
            where,
            quantity,
            printed,
            f"{printed:.2f}",
            compute,
            REFIT_HERE,
        )
        for tag, where, quantity, printed, compute in (
            ("b1_from_table3", "Table 2 vs Table 3",
             "b of the power law fitted here to Table 3's tokens against FLOPs (Approach 1)",
             T2.approach1.b, _table_tokens_exponent("table3_approach1")),
            ("b2_from_tableA3", "Table 2 vs Table A3",
             "b of the power law fitted here to Table A3's Approach 2 tokens against FLOPs",
             T2.approach2.b, _table_tokens_exponent("tableA3_approach2")),
            ("a3_from_tableA3", "Table 2 vs Table A3",
             "a of the power law fitted here to Table A3's Approach 3 rows without the 175B row",
             T2.approach3.a, _table_exponent("tableA3_approach3", skip=(typo,))),
            ("b3_from_tableA3", "Table 2 vs Table A3",
             "b of the power law fitted here to Table A3's Approach 3 tokens without the 175B row",
             T2.approach3.b, _table_tokens_exponent("tableA3_approach3", skip=(typo,))),
        )
    ]  # fmt: skip
    # ---- Hoffmann 2022 Table 3's "FLOPs (in Gopher unit)" column against its FLOPs column: the
    # less precise printed number is the target, the other the input (scalinglaws.tolerance)
    rows3 = HOFFMANN.tables.table3_approach1
    for r, unit, text in zip(rows3, HOFFMANN.tables.table3_gopher_units,
                             HOFFMANN.tables.table3_gopher_units_text, strict=True):  # fmt: skip
        if r.flops == g:
            continue  # the Gopher row is 1 by definition
        flops_text = f"{r.flops:.2e}"
        label = next(f"{r.params / u:g}{c}" for u, c in ((1e12, "T"), (1e9, "B"), (1e6, "M"))
                     if r.params >= u)  # fmt: skip
        if _sig_digits(text) > _sig_digits(flops_text):
            quantity = f"{label} row: FLOPs = its Gopher units ({text}) x 5.76e23"
            printed, printed_text, compute = r.flops, flops_text, _value(unit * g)
        else:
            quantity = f"{label} row: Gopher units = its printed FLOPs ({flops_text}) / 5.76e23"
            printed, printed_text, compute = unit, text, _value(r.flops / g)
        e.append(
            Entry(
                f"hoffmann2022.table3.gopher_units.{label}",
                _H,
                "IsoFLOP",
                "Table 3, FLOPs (in Gopher unit)",
                quantity,
                printed,
                printed_text,
                compute,
                PUBLISHED_DATA,
                explained="Hoffmann 2022 tables" if text == "1/46" else "",
            )
        )
    # ---- Kaplan 2020: eq 4.4, App. B's theory beside Table 6, and the rounded ratios of the text
    K6 = KAPLAN.efficient
    KND = KAPLAN.joint_ND
    pf = KAPLAN.setup.pf_day_flop
    rounding = "Rounding inside the papers' derived numbers"
    theory = "Kaplan 2020 Figures 2 and 11"
    kap = [
        ("eq4_4_coef", "eq 4.4 (eq 4.3, Table 2)",
         "k of D >~ k N^p where eq 4.3's overfitting reaches the seed noise 0.02 (tokens)",
         KND.overfit_D_coef, "5 × 10^3", _kaplan("overfitting_data_threshold", index=0), rounding),
        ("eq4_4_exp", "eq 4.4 (eq 4.3, Table 2)", "p = alpha_N/alpha_D of Table 2",
         KND.overfit_D_exp, "0.74", _kaplan("overfitting_data_threshold", index=1), ""),
        ("eqB8_C_c", "eq B.8 vs eq 1.3",
         "C_c of App. B's frontier, eq B.8 with Table 3, against eq 1.3's fitted C_c^min (PF-days)",
         KAPLAN.basic.C_c_min, "3.1 × 10^8", _kaplan("efficient_C_c"), theory),
        ("theory_p_B", "eq 1.7 vs Table 6",
         "B_crit ~ C_min^(alpha_C/alpha_B) from eq 1.7 (App. B) against Table 6's fitted p_B",
         K6.p_B, f"{K6.p_B}", _kaplan("efficient_exponents", key="B"), theory),
        ("theory_p_S", "eq 1.7 vs Table 6",
         "S_min ~ C_min^(alpha_C/alpha_S) from eq 1.7 (App. B) against Table 6's fitted p_S",
         K6.p_S, f"{K6.p_S}", _kaplan("efficient_exponents", key="S"), theory),
        ("eq6_7_coef", "eq 6.7 vs Table 6",
         "D(C_min) = 2 C_min / (6 N(C_min)) with Table 6's N: tokens at 1 PF-day",
         K6.eq_6_7_D_coef, "4 × 10^10", _value(2.0 * pf / (6.0 * K6.N_e)), theory),
        ("eq6_7_exp", "eq 6.7 vs Table 6",
         "exponent of that D(C_min): 1 - p_N of Table 6",
         K6.eq_6_7_D_exp, f"{K6.eq_6_7_D_exp}", _value(1.0 - K6.p_N), theory),
        ("eq6_2_p_B", "section 6.1",
         "B_crit ~ C_min^p with p = 4.8 x 0.05 (Fig 10's L^-4.8, L ~ C_min^-0.05)",
         _C.eq_6_2_B_crit_exp, f"{_C.eq_6_2_B_crit_exp}",
         _value(_C.B_crit_fig10_loss_exponent * _C.eq_6_2_L_exp), ""),
        ("eq6_2_p_S", "eq 6.2", "S_min ~ C_min^(1 - p_N - p_B) (C_min = 6 N B_crit S)",
         K6.p_S, f"{K6.p_S}", _value(1.0 - K6.p_N - K6.p_B), ""),
        ("eq6_6_exp", "eq 6.6", "D ~ N^0.74 ~ C_min^(0.74 x p_N)",
         K6.eq_6_6_D_C_exp, f"{K6.eq_6_6_D_C_exp}", _value(K6.eq_6_6_D_N_exp * K6.p_N), ""),
        ("eq6_3_data_limited", "section 6.3", "L(D(C_min)) ~ C_min^-(alpha_D x p_D)",
         _C.eq_6_3_data_limited_exp, f"{_C.eq_6_3_data_limited_exp}",
         _value(KAPLAN.basic.alpha_D * K6.p_D), ""),
        ("text_7_7x_updates", "App. B.3 text (eq B.13)",
         "fewer parameter updates, 1 / (S_f/S_f') at f = 10%, f' = 2%",
         _C.eq_B_13_fewer_updates, f"{_C.eq_B_13_fewer_updates}x",
         lambda: 1.0 / _kaplan("convergence_factor_ratios", _C.convergence_f_efficient,
                               _C.convergence_f_typical, index=1)(), rounding),
        ("text_8x_model_5x_data", "section 1.1 (eq 4.4)",
         "data growth for an 8x larger model at fixed overfitting, 8^0.74",
         _C.data_growth_for_model, f"roughly {_C.data_growth_for_model:g}x",
         _value(_C.model_growth_for_data**KND.overfit_D_exp), ""),
        ("fig14_model_5x", "Fig 14 caption (Table 6)", "model growth per 10x compute, 10^p_N",
         _C.fig14_model_growth, f"{_C.fig14_model_growth:g}x",
         _value(_C.fig14_compute_step**K6.p_N), ""),
        ("fig14_data_2x", "Fig 14 caption (Table 6)", "data growth per 10x compute, 10^p_D",
         _C.fig14_data_growth, f"{_C.fig14_data_growth:g}x",
         _value(_C.fig14_compute_step**K6.p_D), ""),
    ]  # fmt: skip
    for tag, where, quantity, printed, text, compute, expl in kap:
        e.append(Entry(f"kaplan2020.{tag}", _K, "compute budget", where, quantity, printed, text,
                       compute, PUBLISHED_LAW, explained=expl))  # fmt: skip
    hc = HOFFMANN.claims
    for tag, printed, p_exp, what in (
        ("model", hc.intro_kaplan_model_growth, K6.p_N, "model size"),
        ("data", hc.intro_kaplan_data_growth, K6.p_D, "training tokens"),
    ):
        e.append(
            Entry(
                f"hoffmann2022.intro_kaplan_{tag}",
                _H,
                "IsoFLOP",
                "section 1 (Kaplan 2020 Table 6)",
                f"Kaplan's growth of {what} per 10x compute, 10^{p_exp} (Table 6)",
                printed,
                f"{printed}x",
                _value(_C.fig14_compute_step**p_exp),
                PUBLISHED_LAW,
                explained=rounding,
            )
        )
    # ---- Hoffmann 2022 Table 2, Approach 1, measured here on the prose curves (notebook 03)
    for which, printed in (("a", HOFFMANN.table2.approach1.a), ("b", HOFFMANN.table2.approach1.b)):
        e.append(
            Entry(
                f"hoffmann2022.table2.a1_{which}_measured",
                _H,
                "IsoFLOP",
                "Table 2, Approach 1 (Fig 2)",
                f"{which} of the envelope of this project's prose learning curves "
                "(N with embeddings, exact FLOPs; 10th-90th pct of 4,000 bootstrap resamples)",
                printed,
                f"{printed:.2f}",
                _measured_envelope(which),
                MEASURED_HERE,
                explained="The measured-here study",
                interval=_measured_envelope(which, interval=True),
            )
        )
    # ---- Hoffmann 2022 Table A2, measured here on the project's own runs (notebook 04)
    for corpus, row in (("prose", HOFFMANN.table_a2.c4), ("code", HOFFMANN.table_a2.github)):
        for which in ("a", "b"):
            e.append(
                Entry(
                    f"hoffmann2022.table_a2.{row.label.lower()}_{which}",
                    _H,
                    "C4/GitHub",
                    f"Table A2, {row.label} (App. C)",
                    f"{which} of Approach 2 on this project's {corpus} runs (N with embeddings; "
                    "10th-90th pct of 2,000 bootstrap 80% subsamples)",
                    getattr(row, which),
                    f"{getattr(row, which):.2f}",
                    _measured_exponent(corpus, which),
                    MEASURED_HERE,
                    explained="The measured-here study",
                    interval=_measured_exponent_interval(corpus, which),
                )
            )
    # ---- Llama 3 section 3.2.1, refit here from the points of its Figure 2 (studies.py)
    _L = "Llama 3 2024"
    for what, printed, text in (
        ("alpha", LLAMA3.alpha, "0.53"),
        ("A", LLAMA3.A, "0.29"),
        ("tokens", LLAMA3.flagship_tokens, "16.55T"),
        ("params", LLAMA3.flagship_params, "402B"),
    ):
        quantity = {
            "alpha": "exponent of D*(C) = A C^alpha: parabola in log tokens per IsoFLOP curve, "
            "refit on the 133 points extracted from Fig 2",
            "A": "prefactor of D*(C) = A C^alpha (tokens), same refit",
            "tokens": "compute-optimal tokens at 3.8e25 FLOPs under the refit",
            "params": "compute-optimal parameters at 3.8e25 FLOPs under the refit, N = C / (6 D)",
        }[what]
        e.append(
            Entry(
                f"llama3.scaling.{what}", _L, "Other studies", "section 3.2.1, Figs 2-3",
                quantity, printed, text, _llama3(what), REFIT_HERE,
                explained="Llama 3's printed constants",
            )
        )  # fmt: skip
    # ---- (Mis)Fitting runs (Li et al. 2025) through Approach 1: Hoffmann 2022 Fig 2 / Table 2
    a1 = HOFFMANN.table2.approach1
    for params, label in (("params", "total"), ("params_non_embedding", "non-embedding")):
        # Table 2's b, "0.50 (0.501, 0.512)", prints its point outside its own interval, so only a
        # has a tolerance the rule can set; the envelope's b is in data/derived/cross_study.csv.
        for which, printed, iv in (("a", a1.a, a1.a_interval),):
            e.append(
                Entry(
                    f"hoffmann2022.table2.a1_{which}_misfitting_{label}", _H, "Other studies",
                    "Table 2, Approach 1 (Fig 2)",
                    f"{which} of the envelope of Li et al. 2025's learning curves on C4 (205 runs) "
                    f"(N {label}, their FLOP count)",
                    printed, f"{printed:.2f} ({iv[0]:.3f}, {iv[1]:.3f})",
                    _misfitting(params, which), REFIT_HERE, explained="The (Mis)Fitting runs",
                )
            )  # fmt: skip
    e.append(
        Entry(
            "hoffmann2022.footnote4.misfitting", _H, "Other studies", "section 3.1, footnote 4",
            "share of the envelope's points in the last 15% of their run, Li et al. 2025's "
            "curves (the paper: all of its points, read as 100%)",
            1.0, "100%", _misfitting("params", "last"), REFIT_HERE,
            explained="The (Mis)Fitting runs",
        )
    )  # fmt: skip
    return e


ENTRIES: tuple[Entry, ...] = tuple(_entries())


def entry(id_: str) -> Entry:
    for x in ENTRIES:
        if x.id == id_:
            return x
    raise KeyError(f"entry must be one of the registry's ids, got {id_!r}")


def evaluate(e: Entry) -> Outcome:
    interval = None if e.interval is None else tuple(float(x) for x in e.interval())
    return Outcome(e, float(e.compute()), interval)


def evaluate_all() -> list[Outcome]:
    return [evaluate(e) for e in ENTRIES]


# ----------------------------------------------------------------------------------------------
# REPRODUCTION.md
# ----------------------------------------------------------------------------------------------

_ENV_PACKAGES = ("numpy", "scipy", "pandas", "matplotlib", "papermill", "pooch", "torch")


def _fmt(x: float) -> str:
    return f"{x:.4g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"


def _tol(e: Entry) -> str:
    return e.tolerance.describe()


def _environment() -> list[str]:
    import importlib.metadata as md
    import platform

    rows = [f"- Python {platform.python_version()}"]
    for name in _ENV_PACKAGES:
        try:
            rows.append(f"- {name} {md.version(name)}")
        except md.PackageNotFoundError:
            rows.append(f"- {name}: not installed")
    return rows


def bad_input_cases() -> int:
    """Number of test cases marked ``badinput`` (pytest collection, without running them)."""
    import re
    import subprocess
    import sys

    from scalinglaws import paths

    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "badinput", "-p", "no:cacheprovider"],
        cwd=paths.ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    m = re.search(r"^(\d+)/\d+ tests collected", out.stdout, re.M)
    if m is None:
        raise RuntimeError(
            f"could not count the bad-input tests: {out.stdout[-500:]}{out.stderr[-500:]}"
        )
    return int(m.group(1))


def render(outcomes: list[Outcome] | None = None) -> str:
    """The text of REPRODUCTION.md (deterministic for a given environment)."""
    from scalinglaws import paths
    from scalinglaws.figures import CATALOGUE

    outcomes = evaluate_all() if outcomes is None else outcomes
    paper = [o for o in outcomes if o.entry.kind != MEASURED_HERE]
    measured = [o for o in outcomes if o.entry.kind == MEASURED_HERE]
    n = len(paper)
    ok = sum(o.status == "reproduced" for o in paper)
    expl = sum(o.status == "explained" for o in paper)
    bad = n - ok - expl
    consistent = sum(o.consistent for o in measured)
    lines = [
        "# Results reproduced",
        "",
        "Generated by `make report` from the registry in `src/scalinglaws/reproduction.py`; do not edit",
        "by hand (a test fails when this file is stale). Each row is a number a paper prints, the value",
        "this companion computes, and the tolerance. Every tolerance follows one rule, set by how the",
        "paper prints the number (`scalinglaws.tolerance`): half a unit of the last printed digit; a",
        'printed interval as printed; a bare order of magnitude ("~1e12") within a factor sqrt(10).',
        '"Explained" rows differ knowingly; `docs/differences.md` gives the evidence under the heading',
        "named in the row. The count covers published laws, published data and refits here of published",
        "data; numbers measured on this project's own runs are not reproductions and are listed apart.",
        "",
        f"**{ok} of {n} reproduced within tolerance; {expl} explained in `docs/differences.md`; "
        f"{bad} not reproduced.** Measured here: {consistent} of {len(measured)} consistent with the "
        "printed value (see the last section).",
        "",
    ]
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in paper:
        groups.setdefault((o.entry.paper, o.entry.family), []).append(o)
    for (paper_name, family), rows in groups.items():
        lines += [
            f"## {paper_name}: {family}",
            "",
            "| where | quantity | printed | computed here | tolerance (rule) | kind | status |",
            "|---|---|---|---|---|---|---|",
        ]
        for o in rows:
            e = o.entry
            status = o.status if o.status != "explained" else f"explained: *{e.explained}*"
            lines.append(
                f"| {e.where} | {e.quantity} | {e.printed_text} | {_fmt(o.value)} | "
                f"{_tol(e)} | {e.kind} | {status} |"
            )
        lines.append("")
    lines += [
        "## Measured here",
        "",
        "Exponents measured on this project's own training runs (`docs/differences.md`, *The",
        "measured-here study*: bytes, laptop-scale budgets, one recipe). They are compared with the",
        "paper's printed value by their bootstrap interval: *consistent with* when the printed value",
        "lies inside it.",
        "",
        f"**{consistent} of {len(measured)} consistent with the printed value.**",
        "",
        "| where | quantity | printed | measured here | interval | status |",
        "|---|---|---|---|---|---|",
    ]
    for o in measured:
        e = o.entry
        iv = f"[{o.interval[0]:.3f}, {o.interval[1]:.3f}]" if o.interval else "none"
        lines.append(
            f"| {e.where} | {e.quantity} | {e.printed_text} | {o.value:.3f} | {iv} | {o.status} |"
        )
    lines.append("")
    lines += ["## Figures", "", *figure_table(), ""]
    for fig in CATALOGUE:
        lines += [
            f"### {fig.paper_figure}",
            "",
            f"![{fig.paper_figure}](figures/{fig.stem}.png)",
            "",
            f"`notebooks/{fig.notebook}.ipynb`; {fig.equations}; {fig.kinds}.",
            "",
        ]
    lines += [
        "",
        "## Bad input",
        "",
        f"{bad_input_cases()} test cases (`pytest -m badinput`) feed the companion bad input: every",
        "notebook parameter with a wrong type, an out-of-range and a missing value; bad command-line",
        "arguments; missing, truncated, tampered and wrong-schema data files; fits on too few points or",
        "that cannot converge; and a failing or killed `make figures`. Each checks that the error names",
        "the input and its accepted range and that no half-written figure or data file is left behind.",
    ]
    lines += ["", "## Environment", "", *_environment(), ""]
    bench = paths.DATA / "benchmarks.txt"
    lines += ["## Benchmarks", ""]
    if bench.is_file():
        lines += [
            "The last `make bench` (saved in `data/benchmarks.txt`):",
            "",
            "```",
            *bench.read_text().rstrip("\n").splitlines(),
            "```",
            "",
        ]
    else:
        lines += ["No `make bench` run is recorded yet (`data/benchmarks.txt`).", ""]
    return "\n".join(lines)


README_START = "<!-- figure map: generated by `make report` from scalinglaws.figures.CATALOGUE -->"
README_END = "<!-- /figure map -->"


def figure_table() -> list[str]:
    """The figure map (markdown table rows) shown in README.md and REPRODUCTION.md."""
    from scalinglaws.figures import CATALOGUE

    rows = [
        "| figure | notebook | paper figure | equations / data | data kind |",
        "|---|---|---|---|---|",
    ]
    for fig in CATALOGUE:
        rows.append(
            f"| [`{fig.stem}`](figures/{fig.stem}.png) | `notebooks/{fig.notebook}.ipynb` | "
            f"{fig.paper_figure} | {fig.equations} | {fig.kinds} |"
        )
    return rows


BIBTEX_START = "<!-- bibtex: generated by `make report` from CITATION.cff -->"
BIBTEX_END = "<!-- /bibtex -->"


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    if start not in text or end not in text:
        raise ValueError(f"README.md must contain the markers {start!r} and {end!r}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + "\n" + body + end + tail


def render_readme(readme: str) -> str:
    """README.md with its figure map and BibTeX block regenerated from their one source each."""
    from scalinglaws import paths
    from scalinglaws.citation import bibtex

    readme = _replace_between(readme, README_START, README_END, "\n".join(figure_table()) + "\n")
    bib = "```bibtex\n" + bibtex(paths.ROOT / "CITATION.cff") + "```\n"
    return _replace_between(readme, BIBTEX_START, BIBTEX_END, bib)


def _write(target, text: str) -> None:
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(target)


def report_differences(committed: str, rendered: str) -> list[str]:
    """How a committed REPRODUCTION.md or README.md differs from a fresh render, on any machine.

    Words must be equal and numbers agree within :data:`scalinglaws.compare.TEXT_RTOL` (a unit in the
    fourth printed digit); the environment section, which names the machine that wrote the file, is
    left out."""
    import re

    from scalinglaws.compare import text_differences

    def body(text: str) -> str:
        return re.sub(r"^## Environment\n.*?(?=^## |\Z)", "", text, flags=re.M | re.S)

    return text_differences(body(committed), body(rendered))


def main(argv: list[str] | None = None) -> int:
    import argparse

    from scalinglaws import paths

    parser = argparse.ArgumentParser(prog="python -m scalinglaws.reproduction")
    parser.add_argument("--check", action="store_true", help="exit 1 if REPRODUCTION.md is stale")
    args = parser.parse_args(argv)
    outputs = {
        paths.ROOT / "REPRODUCTION.md": render(),
        paths.ROOT / "README.md": render_readme((paths.ROOT / "README.md").read_text()),
    }
    if args.check:
        stale = [
            p.name
            for p, text in outputs.items()
            if not p.exists() or report_differences(p.read_text(), text)
        ]
        if stale:
            print(f"{', '.join(stale)} stale: run `make report`")
            return 1
        return 0
    for target, text in outputs.items():
        _write(target, text)
    print(
        next(x for x in outputs[paths.ROOT / "REPRODUCTION.md"].splitlines() if x.startswith("**"))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
