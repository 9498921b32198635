"""Parameter and FLOP counts of the study's transformer (scalinglaws.training.model)."""

import pytest

torch = pytest.importorskip("torch")

from scalinglaws.core import units  # noqa: E402
from scalinglaws.training.model import GPT, ModelConfig, counts  # noqa: E402


def test_hand_counted_one_layer_d8():
    # n_layer 1, d_model 8, d_ff 32, n_ctx 128, n_vocab 256, tied, no biases:
    # QKV 8x24 = 192, projection 8x8 = 64, MLP 8x32 + 32x8 = 512 -> 768 = 12 x 1 x 8^2;
    # LayerNorms: 3 x (8 + 8) = 48; embeddings 256 x 8 + 128 x 8 = 3072.
    c = counts(ModelConfig(n_layer=1, d_model=8, n_head=2))
    assert c["params_kaplan"] == 768
    assert c["params_nonembedding"] == 816
    assert c["params_total"] == 816 + 3072
    # forward: 2 x 768 (matrices) + 2 x 2 x 128 x 8 (logits and A@V) + 2 x 8 x 256 (output layer)
    assert c["flops_forward_per_token"] == 1536 + 4096 + 4096
    assert c["flops_per_token"] == 3 * 9728
    assert c["flops_per_token_6n"] == 6 * 816


def test_hand_counted_untied_two_layers():
    # untied output adds 256 x d_model parameters to the embedding count, none to N
    tied, untied = (counts(ModelConfig(2, 16, 1, tied=t)) for t in (True, False))
    assert tied["params_kaplan"] == 12 * 2 * 16**2 == 6144
    assert tied["params_nonembedding"] == untied["params_nonembedding"] == 6144 + 5 * 32
    assert untied["params_total"] - tied["params_total"] == 256 * 16
    assert untied["flops_per_token"] == tied["flops_per_token"]


@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("shape", [(1, 8, 2), (2, 20, 5), (3, 48, 3)])
def test_counts_match_the_torch_module(shape, tied):
    cfg = ModelConfig(*shape, tied=tied)
    model = GPT(cfg, torch.Generator().manual_seed(0))
    c = counts(cfg)
    emb = {"wte.weight", "wpe.weight", "head.weight"}
    assert sum(p.numel() for p in model.parameters()) == c["params_total"]
    n = sum(p.numel() for name, p in model.named_parameters() if name not in emb)
    assert n == c["params_nonembedding"]
    mats = sum(
        p.numel() for name, p in model.named_parameters() if p.dim() == 2 and name not in emb
    )
    assert mats == c["params_kaplan"] == units.non_embedding_params(shape[0], shape[1])


def test_flops_match_torch_flop_counter_plus_attention():
    # torch's FlopCounterMode counts every matmul of forward and backward; it has no formula for
    # the CPU attention kernel, so the attention term 3 x 4 n_layer n_ctx d_model is added here.
    from torch.utils.flop_counter import FlopCounterMode

    cfg = ModelConfig(2, 32, 2)
    model = GPT(cfg, torch.Generator().manual_seed(0))
    x = torch.randint(256, (3, 128), generator=torch.Generator().manual_seed(1))
    with FlopCounterMode(display=False) as fc:
        model(x, x)[1].backward()
    per_token = fc.get_total_flops() / x.numel()
    attention = 3 * 4 * cfg.n_layer * cfg.n_ctx * cfg.d_model
    assert per_token + attention == counts(cfg)["flops_per_token"]


def test_forward_count_extends_kaplan_table1():
    # Kaplan 2020 Table 1 counts the attention mask once (2 n_layer n_ctx d_attn) and leaves out
    # the de-embedding; Hoffmann 2022 App. F counts logits and the weighted sum separately.
    L, d, T = 3, 64, 128
    rows = units.forward_flops_table1(L, d, n_ctx=T, n_vocab=256)
    c = counts(ModelConfig(L, d, 4))
    kaplan = float(units.forward_flops_per_token(L, d, n_ctx=T))  # eq 2.2: 2N + 2 L n_ctx d
    assert c["flops_forward_per_token"] == kaplan + rows["attn_mask"] + rows["de_embed"]


def test_exact_count_tends_to_6n_at_large_width():
    # Kaplan 2020 section 2.1: C ~ 6N when d_model >> n_ctx / 12 (eq 2.1-2.2); here N includes
    # LayerNorms and the exact count adds attention and the output layer, all O(d) not O(d^2).
    ratios = [
        counts(ModelConfig(4, d, 1))["flops_per_token"] / (6 * 12 * 4 * d**2)
        for d in (64, 512, 4096, 32768)
    ]
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[-1] == pytest.approx(1.0, rel=2e-3)
    assert ratios[0] > 1.3  # small models: 6N undercounts
    big = counts(ModelConfig(4, 32768, 1))
    assert big["params_nonembedding"] / big["params_kaplan"] == pytest.approx(1.0, rel=1e-4)
