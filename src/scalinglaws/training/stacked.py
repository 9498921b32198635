"""Train several runs of one shape together, with stacked weights: one process, batched matmuls.

Models under ~1e5 parameters reach a small fraction of a core's matmul peak
(``benchmarks/bench_runs.py``). Runs that share a shape and a number of steps (seeds of one
IsoFLOP point, the learning-rate and beta2 sweeps) can be trained as one model whose every weight
has a leading run axis: the matmuls become batched matmuls over R runs, and the per-step overhead
is paid once for all R.

**Measured on this project's 2-core CPU it is not faster** (``bench_runs.py --tiny-only``, 2026-12-01:
0.56x to 1.23x of training alone, R = 4 or 8, under 1e5 parameters): what these models spend their
time on is per-token work (the 256-way output layer and its softmax, attention over 128 bytes,
matmuls with an inner dimension of 14-48), which grows with R, while larger stacked tensors leave
the core's caches. ``python -m scalinglaws.training sweep --stack R`` is therefore off by default; it is kept, tested, for
machines where a tiny model leaves the hardware idle (untested here: no accelerator).

Each run keeps everything of its own: its initial weights (its own :class:`~scalinglaws.training.model.GPT`
built from its seed, then stacked), its data generator and batches, its learning-rate schedule,
AdamW hyper-parameters (lr, beta1, beta2, weight decay), its own gradient-norm clip, and its own
loss. Nothing couples the runs but the arithmetic's order: batched kernels add in another order
than the single-run ones, so results agree with :func:`scalinglaws.training.train.train` to float
rounding at first, and drift apart as training amplifies those differences, as two CPUs would
(``tests/test_runs_stacked.py`` measures it). Results carry ``stacked_runs`` (R) so they can be told
apart.

Checkpoints are not written for stacked groups: a killed group is trained again from the start
(finished runs are kept, as in any sweep).
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F

from scalinglaws.training import corpora
from scalinglaws.training.model import GPT, N_CTX
from scalinglaws.training.train import RunConfig, eval_steps, lr_at, splits, versions, windows

# Fields that may differ between the runs of one stack; all others (shape, corpus, batch, steps,
# evaluation) must be equal.
PER_RUN = {
    "study",
    "seed",
    "lr",
    "beta1",
    "beta2",
    "weight_decay",
    "warmup_frac",
    "warmup_steps",
    "min_lr_frac",
    "grad_clip",
    "flops",
    "tokens",
}


def stack_key(cfg: RunConfig) -> tuple:
    """Runs with equal keys can be trained in one stack."""
    shared = tuple(sorted((k, v) for k, v in cfg.__dict__.items() if k not in PER_RUN))
    return (*shared, ("steps", cfg.derived()["steps"]))


def group(cfgs: list[RunConfig], max_runs: int = 8) -> list[list[RunConfig]]:
    """Split ``cfgs`` into stacks of at most ``max_runs`` runs with one key, in first-seen order."""
    by_key: dict[tuple, list[RunConfig]] = {}
    for cfg in cfgs:
        by_key.setdefault(stack_key(cfg), []).append(cfg)
    out = []
    for runs in by_key.values():
        out += [runs[i : i + max_runs] for i in range(0, len(runs), max_runs)]
    return out


class StackedGPT:
    """R copies of :class:`GPT` (same shape) as stacked tensors ``[R, ...]`` with a functional forward."""

    def __init__(self, models: list[GPT]):
        cfg = models[0].cfg
        if not cfg.tied:
            raise ValueError("stacked training supports the tied output layer only")
        self.cfg, self.R = cfg, len(models)
        names = [n for n, _ in models[0].named_parameters()]
        self.names = names
        self.params = {
            n: torch.stack(
                [dict(m.named_parameters())[n].detach() for m in models]
            ).requires_grad_()
            for n in names
        }

    def _ln(self, x: torch.Tensor, prefix: str) -> torch.Tensor:
        w, b = self.params[prefix + ".weight"], self.params[prefix + ".bias"]
        return F.layer_norm(x, (x.shape[-1],)) * w[:, None, :] + b[:, None, :]

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return torch.matmul(x, self.params[name].transpose(1, 2))  # [R, M, in] @ [R, in, out]

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None) -> torch.Tensor:
        """Per-run mean cross-entropy ``[R]`` for ``idx``, ``targets`` of shape ``[R, B, T]``."""
        R, B, T = idx.shape
        C, H = self.cfg.d_model, self.cfg.n_head
        p = self.params
        V = self.cfg.n_vocab
        offset = (torch.arange(R, device=idx.device) * V)[:, None, None]  # run r's rows of wte
        x = F.embedding(idx + offset, p["wte.weight"].reshape(R * V, C))
        x = x + p["wpe.weight"][:, :T][:, None]  # [R, B, T, C]
        x = x.reshape(R, B * T, C)
        for i in range(self.cfg.n_layer):
            pre = f"blocks.{i}."
            q, k, v = self._linear(self._ln(x, pre + "ln1"), pre + "qkv.weight").split(C, dim=2)
            q, k, v = (t.reshape(R * B, T, H, C // H).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            y = y.transpose(1, 2).reshape(R, B * T, C)
            x = x + self._linear(y, pre + "proj.weight")
            h = F.gelu(self._linear(self._ln(x, pre + "ln2"), pre + "fc.weight"))
            x = x + self._linear(h, pre + "out.weight")
        x = self._ln(x, "ln_f")
        logits = torch.matmul(x, p["wte.weight"].transpose(1, 2))  # [R, B*T, V]
        loss = F.cross_entropy(
            logits.reshape(R * B * T, -1), targets.reshape(-1), reduction="none"
        ).view(R, B * T)
        return loss.mean(dim=1)


def _per_run(values: list[float], like: torch.Tensor) -> torch.Tensor:
    """A [R, 1, 1, ...] tensor broadcasting over a stacked parameter."""
    return torch.tensor(values, dtype=like.dtype).view(-1, *([1] * (like.dim() - 1)))


class StackedAdamW:
    """Per-run gradient-norm clip and AdamW over a :class:`StackedGPT`, computed as
    ``torch.nn.utils.clip_grad_norm_`` and ``torch.optim.AdamW`` do, with each run's own lr,
    betas, weight decay (matrices and embeddings only, as ``GPT.param_groups``) and clip."""

    def __init__(self, net: StackedGPT, cfgs: list[RunConfig]):
        self.net, self.n = net, 0
        decay = {n for n in net.names if net.params[n].dim() >= 3}
        self.state = {n: (torch.zeros_like(t), torch.zeros_like(t)) for n, t in net.params.items()}
        self.beta1 = [c.beta1 for c in cfgs]
        self.beta2 = [c.beta2 for c in cfgs]
        self.wd = {n: [c.weight_decay if n in decay else 0.0 for c in cfgs] for n in net.params}
        self.clip = torch.tensor([c.grad_clip for c in cfgs])

    @torch.no_grad()
    def step(self, lrs: list[float]) -> None:
        params = self.net.params
        norms = torch.stack([t.grad.flatten(1).norm(dim=1) for t in params.values()])  # [P, R]
        coef = torch.clamp(self.clip / (norms.norm(dim=0) + 1e-6), max=1.0)
        self.n += 1
        n, b1, b2 = self.n, self.beta1, self.beta2
        for name, p in params.items():
            g = p.grad.mul_(coef.view(-1, *([1] * (p.dim() - 1))))
            m, v = self.state[name]
            p.mul_(_per_run([1 - lr * wd for lr, wd in zip(lrs, self.wd[name], strict=True)], p))
            m.lerp_(g, _per_run([1 - b for b in b1], p))
            v.mul_(_per_run(b2, p)).add_(_per_run([1 - b for b in b2], p) * g * g)
            step_size = _per_run([lr / (1 - b**n) for lr, b in zip(lrs, b1, strict=True)], p)
            bc2_sqrt = _per_run([(1 - b**n) ** 0.5 for b in b2], p)
            p.sub_(m / (v.sqrt() / bc2_sqrt).add_(1e-8) * step_size)
            p.grad = None


def train_stacked(
    cfgs: list[RunConfig], *, device: str = "cpu", threads: int = 1, corpus=None
) -> list[dict]:
    """Train the runs ``cfgs`` (one :func:`stack_key`) together; one result per run, in order,
    in the format of :func:`scalinglaws.training.train.train` plus ``stacked_runs``."""
    if len({stack_key(c) for c in cfgs}) != 1:
        raise ValueError("runs of one stack must share shape, corpus, batch, steps and evaluation")
    torch.set_num_threads(threads)
    first = cfgs[0]
    corpus = corpus or corpora.load(first.corpus)
    ds = [c.derived() for c in cfgs]
    steps, R, batch = ds[0]["steps"], len(cfgs), first.batch_size
    models = [GPT(c.model(), generator=torch.Generator().manual_seed(c.seed)) for c in cfgs]
    net = StackedGPT([m.to(device) for m in models])
    g_data = [torch.Generator().manual_seed(c.seed + 0x5EED) for c in cfgs]
    opt = StackedAdamW(net, cfgs)
    train_data, val_data, val_starts = splits(corpus, first.eval_tokens)
    n_val = len(val_starts)

    @torch.no_grad()
    def validation_loss() -> list[float]:
        total = torch.zeros(R, dtype=torch.float64)
        for chunk in val_starts.split(64):
            x, y = windows(val_data, chunk, device)
            xs, ys = x.expand(R, *x.shape), y.expand(R, *y.shape)
            total += net.forward(xs, ys).double() * len(chunk)
        return (total / n_val).tolist()

    marks = set(eval_steps(steps, first.n_eval, first.eval_late))
    curves: list[list[dict]] = [[] for _ in cfgs]
    running = torch.zeros(R, dtype=torch.float64)
    n_running, eval_s = 0, 0.0
    t0 = time.perf_counter()
    for step in range(steps):
        lrs = [lr_at(step, steps, c) for c in cfgs]
        xs, ys = [], []
        for g in g_data:
            starts = torch.randint(train_data.numel() - N_CTX - 1, (batch,), generator=g)
            x, y = windows(train_data, starts, device)
            xs.append(x)
            ys.append(y)
        losses = net.forward(torch.stack(xs), torch.stack(ys))
        losses.sum().backward()
        opt.step(lrs)
        running += losses.detach().double()
        n_running += 1
        if step + 1 in marks:
            te = time.perf_counter()
            vals = validation_loss()
            eval_s += time.perf_counter() - te
            tokens = (step + 1) * batch * N_CTX
            for r in range(R):
                curves[r].append(
                    {
                        "step": step + 1,
                        "tokens": tokens,
                        "flops": tokens * ds[r]["flops_per_token"],
                        "val_loss": vals[r],
                        "train_loss": float(running[r]) / n_running,
                        "lr": lrs[r],
                        "elapsed_s": time.perf_counter() - t0,
                    }
                )
            running.zero_()
            n_running = 0
    wall = time.perf_counter() - t0
    out = []
    for r, cfg in enumerate(cfgs):
        curve, d = curves[r], ds[r]
        ok = all(math.isfinite(p["val_loss"]) for p in curve)
        out.append(
            {
                "schema": 1,
                "run_id": cfg.run_id(),
                "status": "finished" if ok else "diverged",
                "config": {**cfg.__dict__},
                "derived": {**d, "epochs": d["tokens"] / corpus.train.size, "n_ctx": N_CTX},
                "corpus_sha256": corpus.sha256,
                "final": {"val_loss": curve[-1]["val_loss"], "train_loss": curve[-1]["train_loss"]},
                "curve": curve,
                "wall_s": wall / R,  # this run's share of the stack's time (job-seconds)
                "eval_s": eval_s / R,
                "tokens_per_s": d["tokens"] * R / max(wall - eval_s, 1e-9) / R,
                "device": device,
                "threads": threads,
                "stacked_runs": R,  # trained together with R - 1 other runs of the same shape
                "stack_wall_s": wall,
                "resumed_at_steps": [],
                "versions": versions(),
                "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
    return out
