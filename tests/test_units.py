"""Kaplan 2020's parameter and FLOP counting (section 2.1, eqs 2.1-2.2, Table 1) and PF-days."""

import numpy as np
import pytest

from scalinglaws.constants import KAPLAN
from scalinglaws.core import units


def test_pf_day_is_8_64e19_flop():
    # Kaplan 2020 section 1.3: one PF-day = 1e15 x 24 x 3600 = 8.64e19 FLOP
    assert units.pf_days_to_flop(1.0) == pytest.approx(1e15 * 24 * 3600)
    assert units.pf_days_to_flop(1.0) == pytest.approx(8.64e19)
    x = np.geomspace(1e-9, 1e4, 7)
    np.testing.assert_allclose(units.flop_to_pf_days(units.pf_days_to_flop(x)), x, rtol=1e-15)


def test_eq_2_1_standard_shape_is_12_n_layer_d_model_squared():
    # Kaplan 2020 eq 2.1: N = 2 d_model n_layer (2 d_attn + d_ff) = 12 n_layer d_model^2
    n_layer, d_model = np.array([2, 6, 48]), np.array([128, 4288, 1600])
    np.testing.assert_allclose(
        units.non_embedding_params(n_layer, d_model), 12 * n_layer * d_model.astype(float) ** 2
    )
    # and with explicit, non-standard widths
    assert units.non_embedding_params(4, 256, d_attn=128, d_ff=512) == 2 * 256 * 4 * (256 + 512)


def test_gpt2_shape_has_1_5e9_non_embedding_params():
    # Kaplan 2020 Fig 5 caption / section 3: the (48, 1600) model of [RWC+19], ~1.5B non-embedding
    n_layer, d_model = KAPLAN.claims.gpt2_shape
    N = float(units.non_embedding_params(n_layer, d_model))
    assert N == pytest.approx(KAPLAN.claims.gpt2_non_embedding_params, rel=0.02)  # 1.4746e9


def test_eq_2_2_forward_flops_and_table1_total():
    # Kaplan 2020 eq 2.2: C_forward = 2N + 2 n_layer n_ctx d_model (Table 1: ... d_attn)
    n_layer, d_model, n_ctx = 24, 1024, 1024
    N = float(units.non_embedding_params(n_layer, d_model))
    assert float(units.forward_flops_per_token(n_layer, d_model, n_ctx=n_ctx)) == pytest.approx(
        2 * N + 2 * n_layer * n_ctx * d_model
    )
    rows = units.forward_flops_table1(n_layer, d_model, d_attn=768, d_ff=4096, n_ctx=n_ctx)
    non_emb = sum(v for k, v in rows.items() if k not in ("embed", "de_embed"))
    assert non_emb == pytest.approx(
        float(units.forward_flops_per_token(n_layer, d_model, d_attn=768, d_ff=4096, n_ctx=n_ctx))
    )
    assert rows["embed"] == 4 * d_model
    assert rows["de_embed"] == 2 * d_model * KAPLAN.setup.n_vocab


def test_context_term_is_small_when_d_model_exceeds_n_ctx_over_12():
    # Section 2.1: the context term over 2N is n_ctx / (12 d_model), small when d_model > n_ctx / 12
    d_model = 1600
    N = float(units.non_embedding_params(48, d_model))
    ctx = float(units.forward_flops_per_token(48, d_model)) - 2 * N
    assert ctx / (2 * N) == pytest.approx(KAPLAN.setup.n_ctx / (12 * d_model))  # 0.053


def test_training_compute_is_6NBS():
    # Section 1.3: C = 6 N B S; the paper's default run, 2.5e5 steps at 2^19 tokens
    s = KAPLAN.setup
    C = float(units.training_compute(1e8, s.batch_tokens, s.train_steps))
    assert C == pytest.approx(6 * 1e8 * 2**19 * 250_000)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: units.non_embedding_params(0, 128), "n_layer"),
        (lambda: units.non_embedding_params(2, 12.5), "d_model"),
        (lambda: units.non_embedding_params(2, 128, d_ff=-4), "d_ff"),
        (lambda: units.forward_flops_table1(2, 128, n_vocab=0), "n_vocab"),
        (lambda: units.pf_days_to_flop(-1.0), "C_pf"),
        (lambda: units.flop_to_pf_days(np.nan), "C (FLOP)"),
        (lambda: units.training_compute(1e6, 2**19, 0), "S (steps)"),
    ],
)
@pytest.mark.badinput
def test_bad_inputs_name_the_parameter_and_range(call, name):
    with pytest.raises(
        ValueError, match=r"must be a (positive integer|finite number in \(0, inf\))"
    ) as e:
        call()
    assert name in str(e.value)
