"""The values of the registry that follow from published laws and printed tables (fast).

Each function returns one number as a float and takes only plain keyword arguments (names, row
indices), so that ``registry.toml`` can name it with its arguments. The published numbers these
functions need are read from :mod:`scalinglaws.constants`, never typed here.
"""

from __future__ import annotations

import importlib

import numpy as np

from scalinglaws.constants import BESIROGLU, HOFFMANN, KAPLAN

_C = KAPLAN.claims
_K6 = KAPLAN.efficient


# ---- Kaplan 2020


def kaplan_law(law: str, key: str | None = None, index: int | None = None) -> float:
    """``scalinglaws.laws.<law>()`` (e.g. ``"kaplan_efficient.efficient_exponents"``) with its
    published constants; one key or index of what it returns."""
    module, _, name = law.rpartition(".")
    out = getattr(importlib.import_module(f"scalinglaws.laws.{module}"), name)()
    if key is not None:
        out = out[key]
    if index is not None:
        out = out[index]
    return float(np.asarray(out))


def kaplan_fig12(which: str) -> float:
    """Fig 12 (App. B.4): ``lower_ratio``, ``upper_ratio`` or ``step_saving_at_paper_upper``."""
    from scalinglaws.analysis.excess import figure12_numbers

    return float(getattr(figure12_numbers(), which))


def kaplan_doubling_N() -> float:
    """Eq 1.1: the loss factor when N doubles, L(2N)/L(N)."""
    from scalinglaws.laws.kaplan import loss_of_params

    return float(loss_of_params(2e8) / loss_of_params(1e8))


def kaplan_bcrit_doubling_drop(loss_exponent: str) -> float:
    """B_crit = B_* L^(-p): doubling B_crit needs L -> L 2^(-1/p), whatever B_* and L.

    loss_exponent: ``"fig10"`` (Fig 10's fit, p = 4.8) or ``"alpha_B"`` (p = 1/alpha_B, Table 5).
    """
    p = {"fig10": _C.B_crit_fig10_loss_exponent, "alpha_B": 1.0 / KAPLAN.basic.alpha_B}
    return float(1.0 - 2.0 ** (-1.0 / p[loss_exponent]))


def kaplan_alpha_C_min_table5() -> float:
    """Eq B.7 with Table 5's exponents (alpha_N = 0.076)."""
    from scalinglaws.laws.kaplan_efficient import alpha_C_min_theory

    return float(alpha_C_min_theory(KAPLAN.basic))


def kaplan_b5_factor() -> float:
    """Eq B.5: at the efficient size the loss is (1 + alpha_N/alpha_S) x the converged loss."""
    from scalinglaws.laws.kaplan_efficient import efficient_params
    from scalinglaws.laws.kaplan_training import loss_at_min_compute

    t3 = KAPLAN.joint_NS
    C = 1.0  # PF-days; any budget gives the same factor
    N = efficient_params(C)
    converged = (t3.N_c / N) ** t3.alpha_N  # eq 5.6 as S -> infinity
    return float(loss_at_min_compute(N, C) / converged - 1.0)


def kaplan_convergence_ratio(index: int) -> float:
    """Eqs B.12-B.14: N_f/N_f', S_f/S_f' or C_f/C_f' (index 0, 1, 2) at f = 10%, f' = 2%."""
    from scalinglaws.laws.kaplan_efficient import convergence_factor_ratios

    ratios = convergence_factor_ratios(_C.convergence_f_efficient, _C.convergence_f_typical)
    return float(ratios[index])


def kaplan_fewer_updates() -> float:
    """App. B.3: how many times fewer parameter updates, 1 / (S_f/S_f') at f = 10%, f' = 2%."""
    return 1.0 / kaplan_convergence_ratio(index=1)


def kaplan_eq6_7_coef() -> float:
    """Eq 6.7: D(C_min) = 2 C_min / (6 N(C_min)) with Table 6's N, tokens at 1 PF-day."""
    return 2.0 * KAPLAN.setup.pf_day_flop / (6.0 * _K6.N_e)


def kaplan_eq6_7_exp() -> float:
    """Eq 6.7: the exponent of that D(C_min), 1 - p_N of Table 6."""
    return 1.0 - _K6.p_N


def kaplan_eq6_2_p_B() -> float:
    """Section 6.1: B_crit ~ C_min^p with p = 4.8 x 0.05 (Fig 10's L^-4.8, L ~ C_min^-0.05)."""
    return _C.B_crit_fig10_loss_exponent * _C.eq_6_2_L_exp


def kaplan_eq6_2_p_S() -> float:
    """Eq 6.2: S_min ~ C_min^(1 - p_N - p_B), from C_min = 6 N B_crit S."""
    return 1.0 - _K6.p_N - _K6.p_B


def kaplan_eq6_6_exp() -> float:
    """Eq 6.6: D ~ N^0.74 ~ C_min^(0.74 x p_N)."""
    return _K6.eq_6_6_D_N_exp * _K6.p_N


def kaplan_eq6_3_exp() -> float:
    """Section 6.3: L(D(C_min)) ~ C_min^-(alpha_D x p_D)."""
    return KAPLAN.basic.alpha_D * _K6.p_D


def kaplan_data_growth_for_model() -> float:
    """Section 1.1 (eq 4.4): data growth for an 8x larger model at fixed overfitting, 8^0.74."""
    return _C.model_growth_for_data**KAPLAN.joint_ND.overfit_D_exp


def kaplan_growth_per_decade(of: str) -> float:
    """Table 6: growth of N (``of="N"``) or D (``"D"``) per 10x compute, 10^p_N or 10^p_D."""
    p = {"N": _K6.p_N, "D": _K6.p_D}[of]
    return _C.fig14_compute_step**p


# ---- Hoffmann 2022: eq 4 and the printed tables


def _fit(name: str):
    return {"tex": HOFFMANN.approach3_tex, "rounded": HOFFMANN.approach3_rounded}[name]


def chinchilla_frontier_exponent(index: int, fit: str) -> float:
    """Eq 4: a (index 0) or b (index 1) of Approach 3's ``"tex"`` or ``"rounded"`` fit."""
    from scalinglaws.laws.chinchilla import frontier_exponents

    return float(frontier_exponents(fit=_fit(fit))[index])


def chinchilla_gopher_N() -> float:
    """Eq 4: N_opt at the Gopher budget under the unrounded (TeX) fit."""
    from scalinglaws.laws.chinchilla import optimal_N

    return float(optimal_N(HOFFMANN.budgets.gopher, fit=HOFFMANN.approach3_tex))


def _table(rows: str, skip_typo: bool):
    table = getattr(HOFFMANN.tables, rows)
    skip = {HOFFMANN.tables.tableA3_typo_index} if skip_typo else set()
    return [r for i, r in enumerate(table) if i not in skip]


def table_exponent(rows: str, skip_typo: bool = False) -> float:
    """a of the power law N_opt ~ C^a fitted to a table's rows (without Table A3's typo row)."""
    from scalinglaws.analysis import allocation

    skip = (HOFFMANN.tables.tableA3_typo_index,) if skip_typo else ()
    return allocation.table_law(getattr(HOFFMANN.tables, rows), skip=skip).exponent


def table_tokens_exponent(rows: str, skip_typo: bool = False) -> float:
    """b of the power law D_opt ~ C^b fitted to a table's token column against its FLOPs."""
    from scalinglaws.estimators import fit_power_law

    use = _table(rows, skip_typo)
    return fit_power_law([r.flops for r in use], [r.tokens for r in use]).exponent


def table_row_six_nd(rows: str, row: int) -> float:
    """6 N D of one printed row's own parameters and tokens (FLOPs)."""
    r = getattr(HOFFMANN.tables, rows)[row]
    return 6.0 * r.params * r.tokens


def table3_gopher_units(row: int, target: str) -> float:
    """Table 3's two FLOP columns, one from the other: ``target="flops"`` gives the row's Gopher
    units x 5.76e23; ``target="units"`` its printed FLOPs / 5.76e23."""
    g = HOFFMANN.budgets.gopher
    if target == "flops":
        return HOFFMANN.tables.table3_gopher_units[row] * g
    return HOFFMANN.tables.table3_approach1[row].flops / g


def table_a4_ratio(row: int, literal: bool = False) -> float:
    """Table A4: App. F's FLOPs over 6 N D for one configuration: the attention and dense terms
    only (the reading that matches the printed ratios), or with ``literal`` App. F as written,
    embedding and logit FLOPs included."""
    from scalinglaws.laws import chinchilla as ch

    c = HOFFMANN.flops.table_a4[row]
    N = ch.parameter_count(c.n_layers, c.d_model, c.ffw_size)
    exact = ch.flops_appendix_f(
        c.n_layers, c.d_model, c.ffw_size, c.num_heads, c.kv_size, 1e9, include_embeddings=literal
    )
    return float(exact / ch.flops_6nd(N, 1e9))


def allocation(law: str, key: str, budget: str) -> float:
    """``key`` (N_opt, D_opt) of an allocation law at a budget of ``HOFFMANN.budgets``."""
    from scalinglaws.analysis import allocation as alloc

    return float(alloc.allocations()[law].at(getattr(HOFFMANN.budgets, budget))[key])


# ---- Besiroglu 2024's notebook: tokens per parameter under eq 4


def notebook_ratio_tex_G_a_mid() -> float:
    """Epoch notebook cell 68: D/N of eq 4 with G of the TeX fit and a = Table 2's midpoint."""
    from scalinglaws.laws.chinchilla import optimal_ratio

    bc = BESIROGLU.claims
    return float(
        optimal_ratio(
            bc.nb_ratio_tex_G_a_mid_flops, HOFFMANN.approach3_tex, bc.nb_ratio_tex_G_a_mid_a
        )
    )


def notebook_ratio_refit() -> float:
    """Epoch notebook cell 69: D/N of the refit at the cell's budget (1e18 FLOPs)."""
    from scalinglaws.laws.chinchilla import optimal_ratio

    return float(optimal_ratio(BESIROGLU.claims.nb_median_ratio_refit_flops, BESIROGLU.refit))
