"""The values of the registry that are fitted or measured here (cached: the refits take seconds).

Like :mod:`scalinglaws.report.values`, each function returns one float (or, for a measured-here
entry's interval, a pair) and takes plain keyword arguments that ``registry.toml`` names.
"""

from __future__ import annotations

import functools

import numpy as np

from scalinglaws.constants import BESIROGLU, HOFFMANN, LLAMA3

# The measured-here intervals use the replicates `make figures` uses, so that REPRODUCTION.md and
# the figures show the same 10th-90th percentiles (notebooks/params/03_isoflop.yaml and 04_envelope.yaml; notebooks 05, 09 and 10).
ENVELOPE_BOOTSTRAP = 4000
C4_BOOTSTRAP = 2000


# ---- Besiroglu 2024: the Approach 3 refit on Epoch's 240 points and its bootstrap


@functools.cache
def _epoch_points():
    from scalinglaws.datasets import published

    df = published.drop_highest_losses(
        published.load("epoch-chinchilla-fig4"), BESIROGLU.selection.n_excluded_highest_loss
    )
    return df["params"].to_numpy(), df["tokens"].to_numpy(), df["loss_nats"].to_numpy()


@functools.cache
def _refit(objective: str):
    from scalinglaws import estimators

    N, D, L = _epoch_points()
    return estimators.approach3(N=N, D=D, L=L, objective=objective)


@functools.cache
def _bootstrap_default():
    """Epoch's own 4,000 resamples (np.random.seed(42)) of the 240 points, refitted by the default
    path (damped Newton from the full-data optimum, converged to a decrement of 1e-10)."""
    from scalinglaws import estimators

    N, D, L = _epoch_points()
    counts = estimators.legacy_resample_counts(
        N.size, BESIROGLU.uncertainty.n_bootstrap, BESIROGLU.uncertainty.seed
    )
    b = estimators.bootstrap_approach3(
        N=N,
        D=D,
        L=L,
        n_bootstrap=BESIROGLU.uncertainty.n_bootstrap,
        counts=counts,
        full_fit=_refit("huber"),
    )
    return b.replicates, b.se, b.interval(0.95)


@functools.cache
def _bootstrap_epoch():
    """The same resamples refitted by Epoch's procedure (one BFGS each from Hoffmann's TeX values,
    scipy's default stopping rule; :mod:`scalinglaws.estimators.approach3_epoch`)."""
    from scalinglaws.estimators import approach3_epoch as epoch

    N, D, L = _epoch_points()
    u = BESIROGLU.uncertainty
    b = epoch.bootstrap(N, D, L, epoch.resample_indices(N.size, u.n_bootstrap, u.seed))
    return b.replicates, b.se, b.interval(0.95)


PATHS = ("epoch", "default")


def _bootstrap(path: str):
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}, got {path!r}")
    return _bootstrap_epoch() if path == "epoch" else _bootstrap_default()


def refit_param(objective: str, name: str) -> float:
    """Parameter ``name`` (A, B, E, alpha, beta) of the Approach 3 refit with ``objective``."""
    return float(getattr(_refit(objective), name))


def refit_implied_a() -> float:
    """a = beta/(alpha + beta) of the refit with Epoch's Huber-likelihood objective."""
    return float(_refit("huber_likelihood").fit.a)


def bootstrap_se(name: str, path: str = "epoch") -> float:
    """Standard error of ``name`` over Epoch's 4,000 resamples, refitted by ``path`` (Epoch's
    procedure or the default one)."""
    return float(_bootstrap(path)[1][name])


def bootstrap_ci95(name: str, side: int, path: str = "epoch") -> float:
    """The 2.5th (side 0) or 97.5th (side 1) percentile of ``name`` over the same replicates."""
    return float(_bootstrap(path)[2][name][side])


def bootstrap_se_a(path: str = "epoch") -> float:
    """Epoch notebook cell 59: np.std of a = beta/(alpha + beta) over the replicates."""
    r = _bootstrap(path)[0]  # columns A, B, E, alpha, beta
    return float(np.std(r[:, 4] / (r[:, 3] + r[:, 4])))


@functools.cache
def _likelihood_fit(path: str) -> np.ndarray:
    """(log A, log B, log E, alpha, beta) of the Huber-likelihood refit by ``path``."""
    if path == "epoch":
        from scalinglaws.estimators import approach3_epoch as epoch

        return epoch.fit_likelihood(*_epoch_points())[:5]
    f = _refit("huber_likelihood")
    return np.array([np.log(f.A), np.log(f.B), np.log(f.E), f.alpha, f.beta])


def chi2(which: str, path: str = "epoch") -> float:
    """Epoch notebook cell 34: chi^2 (``which="stat"``) of Hoffmann's TeX values against the refit,
    with the covariance of the 4,000 replicates over (log A, log B, log E, alpha, beta); or its
    p-value (``"p"``)."""
    from scipy.stats import chi2 as chi2_distribution

    reps = _bootstrap(path)[0].copy()
    reps[:, :3] = np.log(reps[:, :3])
    f = HOFFMANN.approach3_tex
    d = np.array([np.log(f.A), np.log(f.B), np.log(f.E), f.alpha, f.beta]) - _likelihood_fit(path)
    stat = float(d @ np.linalg.inv(np.cov(reps.T)) @ d)
    if which == "stat":
        return stat
    return float(chi2_distribution.sf(stat, BESIROGLU.claims.chi2_dof))


# ---- Hoffmann 2022 Approach 2 on Epoch's points; measured here on this project's runs


@functools.cache
def _approach2():
    from scalinglaws.analysis.isoflop import analyse

    return analyse(n_bootstrap=0).approach2


def approach2_refit_a() -> float:
    """a of Approach 2 (IsoFLOP parabolas) refitted on Epoch's 240 points."""
    return float(_approach2().a)


@functools.cache
def measured_isoflop_fit():
    from scalinglaws.analysis.c4_github import analyse

    return analyse(n_bootstrap=C4_BOOTSTRAP, seed=0)


def measured_isoflop_exponent(corpus: str, which: str) -> float:
    """a or b of Approach 2 on this project's ``prose`` or ``code`` runs."""
    return float(getattr(measured_isoflop_fit().corpora[corpus].fit, which))


def measured_isoflop_interval(corpus: str, which: str) -> tuple[float, float]:
    """The bootstrap interval of that exponent."""
    fit = measured_isoflop_fit().corpora[corpus].fit
    return (fit.N_opt if which == "a" else fit.D_opt).exponent_interval


@functools.cache
def measured_envelope_fit():
    from scalinglaws.analysis.envelope import measured_envelope

    return measured_envelope(n_bootstrap=ENVELOPE_BOOTSTRAP, seed=0)


def measured_envelope_exponent(which: str) -> float:
    """a or b of the envelope (Approach 1) of this project's prose learning curves."""
    fitted = measured_envelope_fit().fitted
    return float(getattr(fitted, "N_opt" if which == "a" else "D_opt").exponent)


def measured_envelope_last15_exponent(which: str) -> float:
    """a or b of the envelope of the same curves' last 15% only (footnote 4's points), over the
    same fit range."""
    last = measured_envelope_fit().last15
    if last is None:
        raise ValueError("the envelope of the curves' last 15% has too few points to fit")
    return float(getattr(last, "N_opt" if which == "a" else "D_opt").exponent)


def measured_envelope_last15_interval(which: str) -> tuple[float, float]:
    """The bootstrap interval of that exponent (runs and fit ranges resampled, as the row above)."""
    last = measured_envelope_fit().last15
    return getattr(last, "N_opt" if which == "a" else "D_opt").exponent_interval


def measured_envelope_interval(which: str) -> tuple[float, float]:
    """The bootstrap interval of that exponent."""
    fitted = measured_envelope_fit().fitted
    return getattr(fitted, "N_opt" if which == "a" else "D_opt").exponent_interval


@functools.cache
def v2_study(corpus: str):
    from scalinglaws.analysis.study_v2 import isoflop_study

    return isoflop_study(corpus, n_bootstrap=C4_BOOTSTRAP, seed=0)


def v2_exponent(corpus: str, which: str) -> float:
    """a or b of Approach 2 on the v2 study's IsoFLOP runs of ``corpus``."""
    return float(v2_study(corpus).exponents[which].value)


def v2_interval(corpus: str, which: str) -> tuple[float, float]:
    """The bootstrap interval of that exponent (sizes, then seeds within sizes)."""
    e = v2_study(corpus).exponents[which]
    return (e.lo, e.hi)


@functools.cache
def ladder_fits():
    from scalinglaws.analysis.ladder import ladder

    return {r.step.key: r for r in ladder(n_bootstrap=C4_BOOTSTRAP, seed=0)}


def ladder_exponent(step: str) -> float:
    """a at one step of the discrepancy ladder on the v2 prose runs."""
    a = ladder_fits()[step].a
    if a is None:
        raise ValueError(f"ladder step {step} has fewer than 2 budgets with a vertex yet")
    return float(a.value)


def ladder_interval(step: str) -> tuple[float, float]:
    """Its bootstrap interval."""
    a = ladder_fits()[step].a
    if a is None:
        raise ValueError(f"ladder step {step} has fewer than 2 budgets with a vertex yet")
    return (a.lo, a.hi)


# ---- Other studies: Llama 3 and the (Mis)Fitting runs


@functools.cache
def _llama3_fit():
    from scalinglaws.analysis import cross_study

    return cross_study.llama3_approach2_tokens()


def llama3(what: str) -> float:
    """Llama 3's D*(C) = A C^alpha refit (``alpha``, ``A``), or its ``tokens``/``params`` at the
    flagship budget."""
    from scalinglaws.analysis import cross_study

    fit = _llama3_fit()
    if what in ("alpha", "A"):
        return float(getattr(fit, what))
    D, N = cross_study.llama3_extrapolation(LLAMA3.flagship_flops, fit)
    return float(D if what == "tokens" else N)


@functools.cache
def _misfitting_envelope(params: str):
    from scalinglaws.analysis import cross_study, fit_runs

    return fit_runs.envelope(cross_study.runs_of(cross_study.MISFITTING, curves=True), params)


def misfitting(params: str, what: str) -> float:
    """The envelope of Li et al. 2025's curves with N = ``params``: exponent ``a``/``b``; ``last``,
    the share of its points in the last 15% of their run; ``a_last15``, a of the envelope of those
    points alone (Hoffmann 2022 footnote 4's points) over the same range."""
    env = _misfitting_envelope(params)
    if what == "last":
        return float(env.last_fraction)
    if what == "a_last15":  # the envelope of the same curves' last 15% only, same fit range
        return float(env.last15.N_opt.exponent)
    return float(env.result.N_opt.exponent if what == "a" else env.result.D_opt.exponent)


# ---- Gadre et al. 2024: their law and headline predictions, from their files, their way


@functools.cache
def _gadre_fit():
    from scalinglaws.datasets import gadre, published

    return gadre.authors_fit(published.load("gadre-rpj"), "rpj")


def gadre_prediction_error(target: str) -> float:
    """Relative error (a fraction) of the authors' law, fitted to 5 small RedPajama runs,
    predicting the C4-eval loss of ``target`` ("open_lm_1b, M=640" or "open_lm_7b, M=20")."""
    return float(_gadre_fit().errors[target]) / 100
