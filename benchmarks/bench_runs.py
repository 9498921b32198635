"""Training throughput of the study's transformer per model size, against the measured fp32 peak.

For one thread (as each sweep worker uses) it measures the fp32 matmul peak (best of square
``torch.mm`` sizes), then trains each model shape of the study (AdamW steps on batches of
16 x 128 random bytes) and prints tokens/s, achieved FLOP/s by the exact count
(``scalinglaws.runs.model.counts``: 3 x forward matmul FLOP, attention and output layer included)
and that as a fraction of the peak. Other processes on the machine lower every number.

    .venv/bin/python benchmarks/bench_runs.py [--threads 1] [--seconds 3]
"""

from __future__ import annotations

import argparse
import time

import torch

from scalinglaws.runs.model import GPT, ModelConfig, counts

SHAPES = [(1, 16, 1), (2, 32, 2), (4, 48, 3), (4, 96, 6), (6, 128, 8), (8, 176, 11), (8, 256, 16)]


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


def train_rate(cfg: ModelConfig, seconds: float, batch: int = 16) -> float:
    """Training tokens per second (forward, backward, clip, AdamW step)."""
    g = torch.Generator().manual_seed(0)
    model = GPT(cfg, g)
    opt = torch.optim.AdamW(model.param_groups(0.1), lr=1e-3, betas=(0.9, 0.95))
    x = torch.randint(256, (batch, cfg.n_ctx + 1), generator=g)

    def step():
        loss = model(x[:, :-1], x[:, 1:])[1]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1, help="torch threads (sweep workers use 1)")
    ap.add_argument("--seconds", type=float, default=3.0, help="timing window per measurement")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
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
