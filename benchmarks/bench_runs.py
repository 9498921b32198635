"""Training throughput of the study's transformer per model size, against the measured fp32 peak.

For one thread (as each sweep worker uses) it measures the fp32 matmul peak (best of square
``torch.mm`` sizes), then trains each model shape of the study (AdamW steps on batches of
16 x 128 random bytes) and prints tokens/s, achieved FLOP/s by the exact count
(``scalinglaws.training.model.counts``: 3 x forward matmul FLOP, attention and output layer included)
and that as a fraction of the peak. Other processes on the machine lower every number.

Then, for the models under 1e5 non-embedding parameters, it compares the sweep's training of one
run alone (before: ``train.train``) with R runs of the same shape trained together with stacked
weights (after: ``stacked.train_stacked``, ``runs sweep --stack R``) on a synthetic corpus:
tokens per second summed over the runs, both measured in this one call, alternately, best of two,
so the ratio holds on a loaded machine.

With ``--compile`` it also compares, for the same tiny shapes, the eager training step with the
step whose model is wrapped in ``torch.compile`` (inductor's CPU backend, forward and backward
fused; ``--compile-mode`` picks the mode) against eager, both as the bare training step of the
throughput table, alternately, best of two; the first steps (the compile itself) are not timed.

    .venv/bin/python benchmarks/bench_runs.py [--threads 1] [--seconds 3] [--stack 4] [--steps 60]
        [--tiny-only] [--no-stack] [--compile] [--compile-mode MODE]
"""

from __future__ import annotations

import argparse
import time

import torch
from _args import at_least

from scalinglaws.training.model import GPT, ModelConfig, counts
from scalinglaws.training.stacked import train_stacked
from scalinglaws.training.train import train, validate

SHAPES = [(1, 16, 1), (2, 32, 2), (4, 48, 3), (4, 96, 6), (6, 128, 8), (8, 176, 11), (8, 256, 16)]
# models under 1e5 parameters for the stacked comparison: v1's two smallest and v2 ladder shapes
TINY = [(1, 14, 1), (1, 16, 1), (1, 24, 2), (2, 26, 2), (2, 32, 2), (2, 40, 2), (3, 48, 3)]


def matmul_peak(seconds: float) -> tuple[float, int]:
    """(best FLOP/s, size) of fp32 n x n matmuls for n in 256..2048."""
    best = (0.0, 0)
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)
        reps, t0 = 0, time.perf_counter()
        while (dt := time.perf_counter() - t0) < seconds / 4:
            torch.mm(a, b)
            reps += 1
        best = max(best, (2.0 * n**3 * reps / dt, n))
    return best


def train_rate(cfg: ModelConfig, seconds: float, batch: int = 16, compile_mode=None) -> float:
    """Training tokens per second (forward, backward, clip, AdamW step); with ``compile_mode``
    the model runs under ``torch.compile(mode=compile_mode)`` ("default" for the default mode)."""
    g = torch.Generator().manual_seed(0)
    model = GPT(cfg, g)
    opt = torch.optim.AdamW(model.param_groups(0.1), lr=1e-3, betas=(0.9, 0.95))
    x = torch.randint(256, (batch, cfg.n_ctx + 1), generator=g)
    fwd = model
    if compile_mode is not None:
        # a fresh, static-shape compile for each model: no cache carried over
        torch._dynamo.reset()
        mode = None if compile_mode == "default" else compile_mode
        fwd = torch.compile(model, mode=mode, dynamic=False)

    def step():
        loss = fwd(x[:, :-1], x[:, 1:])[1]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(3):
        step()
    steps, t0 = 0, time.perf_counter()
    while (dt := time.perf_counter() - t0) < seconds:
        step()
        steps += 1
    return steps * batch * cfg.n_ctx / dt


def _synthetic_corpus():
    import numpy as np

    from scalinglaws.training import corpora

    data = np.random.default_rng(0).integers(0, 256, 40 * corpora.BLOCK_BYTES, dtype=np.uint8)
    return corpora.Corpus("prose", "synthetic", *corpora.split(data))


def sweep_rates(cfg: ModelConfig, runs: int, steps: int, corpus) -> tuple[float, float]:
    """(alone, stacked) training tokens per second of the sweep's own code paths
    (:func:`scalinglaws.training.train.train` once, :func:`scalinglaws.training.stacked.train_stacked`
    on ``runs`` seeds; data sampling, schedule, clipping, AdamW and 2 validation points included),
    ``steps`` steps of 16 x 128 tokens each, summed over the runs."""
    entry = {"study": "bench", "corpus": "prose", "n_layer": cfg.n_layer, "d_model": cfg.d_model}
    entry.update(n_head=cfg.n_head, tokens=16 * cfg.n_ctx * steps, n_eval=2, eval_tokens=1024)
    cfgs = [validate({**entry, "seed": s}) for s in range(runs)]
    t0 = time.perf_counter()
    train(cfgs[0], corpus=corpus)
    alone = steps * 16 * cfg.n_ctx / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    train_stacked(cfgs, corpus=corpus)
    return alone, runs * steps * 16 * cfg.n_ctx / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--threads", type=at_least(1), default=1, help="torch threads (sweep workers use 1)"
    )
    ap.add_argument(
        "--seconds",
        type=at_least(0.1, integer=False),
        default=3.0,
        help="timing window per measurement",
    )
    ap.add_argument("--stack", type=at_least(2), default=4, help="runs trained together (after)")
    ap.add_argument("--steps", type=at_least(1), default=60, help="steps per run in the comparison")
    ap.add_argument("--tiny-only", action="store_true", help="skip the per-size throughput table")
    ap.add_argument("--no-stack", action="store_true", help="skip the stacked comparison")
    ap.add_argument("--compile", action="store_true", help="also eager vs torch.compile (tiny)")
    ap.add_argument("--compile-mode", default="default", help="torch.compile mode",
                    choices=["default", "reduce-overhead", "max-autotune",
                             "max-autotune-no-cudagraphs"])  # fmt: skip
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if not args.tiny_only:
        throughput(args)
    if not args.no_stack:
        stacked(args)
    if args.compile:
        compiled(args)


def stacked(args) -> None:
    """One run alone against ``args.stack`` runs stacked, for the tiny shapes (sweep code paths)."""
    print(f"\nmodels under 1e5 parameters: alone (before) vs {args.stack} stacked (after)")
    print(
        f"{'layers x d':>11} {'N non-emb':>10} {'before tok/s':>12} {'after tok/s':>12} {'ratio':>6}"
    )
    corpus = _synthetic_corpus()
    for L, d, h in TINY:
        cfg = ModelConfig(L, d, h)
        # alternate the two, twice each, and keep each one's best: load hits both alike
        before = after = 0.0
        for _ in range(2):
            a, b = sweep_rates(cfg, args.stack, args.steps, corpus)
            before, after = max(before, a), max(after, b)
        N = counts(cfg)["params_nonembedding"]
        print(f"{L:>4} x {d:<4} {N:>10,} {before:>12,.0f} {after:>12,.0f} {after / before:>5.2f}x")


def compiled(args) -> None:
    """Eager against torch.compile for the tiny shapes: tokens/s of the bare training step
    (:func:`train_rate`: one fixed batch, no data sampling or validation, so faster than the
    sweep's path that :func:`stacked` times), alternately, best of two."""
    print(f"\nmodels under 1e5 parameters: eager vs torch.compile (mode {args.compile_mode})")
    print(f"{'layers x d':>11} {'N non-emb':>10} {'eager tok/s':>12} {'compiled':>12} {'ratio':>6}")
    for L, d, h in TINY:
        cfg = ModelConfig(L, d, h)
        eager = comp = 0.0
        for _ in range(2):
            eager = max(eager, train_rate(cfg, args.seconds))
            comp = max(comp, train_rate(cfg, args.seconds, compile_mode=args.compile_mode))
        N = counts(cfg)["params_nonembedding"]
        print(f"{L:>4} x {d:<4} {N:>10,} {eager:>12,.0f} {comp:>12,.0f} {comp / eager:>5.2f}x")


def throughput(args) -> None:
    peak, n = matmul_peak(args.seconds)
    print(f"torch {torch.__version__}, {args.threads} thread(s)")
    print(f"fp32 matmul peak: {peak / 1e9:.1f} GFLOP/s (torch.mm {n}x{n})")
    print(
        f"{'layers x d':>11} {'N non-emb':>10} {'total':>9} {'exact/6N':>8} "
        f"{'tokens/s':>9} {'GFLOP/s':>8} {'of peak':>7}"
    )
    for L, d, h in SHAPES:
        cfg = ModelConfig(L, d, h)
        c = counts(cfg)
        rate = train_rate(cfg, args.seconds)
        flops = rate * c["flops_per_token"]
        print(
            f"{L:>4} x {d:<4} {c['params_nonembedding']:>10,} {c['params_total']:>9,} "
            f"{c['flops_per_token'] / c['flops_per_token_6n']:>8.2f} {rate:>9,.0f} "
            f"{flops / 1e9:>8.1f} {flops / peak:>7.0%}"
        )


if __name__ == "__main__":
    main()
