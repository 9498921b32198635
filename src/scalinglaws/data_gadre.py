"""Gadre et al. 2024's 104 over-trained models (github.com/mlfoundations/scaling): their loss files as
tables.

Each model is a separate run with its own cosine schedule, trained on one of three corpora
(``dataset_name``: ``c4_original``, ``rpj`` for RedPajama, ``rw_original`` for RefinedWeb) at a token
multiplier M = tokens / params in {5, 10, ..., 640} (``chinchilla_multiplier`` x 20). Each file holds
8 final evaluations (``results``), one per validation set, in nats per token of the GPT-NeoX
tokenizer, with 95% intervals over tokens. The authors fit their scaling laws to the **C4 eval**
loss of every model whatever its training corpus (their ``scaling_explorer.ipynb``:
``val_dataset = "c4_val"``), so :func:`runs` takes that one. Parameters: ``params`` (with
embeddings) and ``params_no_embed``; FLOPs: C = 6 N D with N = ``params`` (the runs schema's
default, said in its ``flops_source``). Only final losses: no curve, no IsoFLOP design.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

CORPORA = {"c4": "c4_original", "rpj": "rpj", "rw": "rw_original"}
VAL_SETS = {  # the evaluation set's name, from the shard path its result names
    "val_tok_mult/openlm": "training corpus (held out)",
    "c4_val": "C4 eval",
    "paloma_c4_en": "Paloma C4-en",
    "paloma_dolma_100_programing_languages": "Paloma Dolma code",
    "paloma_falcon-refinedweb": "Paloma RefinedWeb",
    "paloma_ptb": "Paloma PTB",
    "paloma_redpajama": "Paloma RedPajama",
    "de-en": "German-English",
}
FIT_ON = "C4 eval"  # the authors' loss for their laws


def _val_set(paths: list[str]) -> str:
    text = " ".join(paths)
    for key, name in VAL_SETS.items():
        if f"/{key}/" in text or f"/{key}." in text:
            return name
    raise ValueError(f"unknown validation set in {paths!r}")


def load(folder: Path) -> pd.DataFrame:
    """One row per (model, validation set): the model's run and size, and that set's final loss with
    its 95% interval over tokens (nats per token)."""
    rows = []
    for f in sorted(Path(folder).glob("*.json")):
        m = json.loads(f.read_text())
        h = m["hyperparameters"]
        for r in m["results"]:
            rows.append({
                "run": m["name"], "corpus": m["dataset_name"], "params": int(h["params"]),
                "params_non_embedding": int(h["params_no_embed"]), "tokens": int(h["tokens"]),
                "multiplier": 20 * float(h["chinchilla_multiplier"]), "lr": float(h["lr"]),
                "warmup_steps": int(h["warmup"]), "val_set": _val_set(r["val_data"]),
                "loss_nats": float(r["loss"]), "loss_lo95": float(r["loss_tokens_lower_95"]),
                "loss_hi95": float(r["loss_tokens_upper_95"]),
            })  # fmt: skip
    if len(rows) != 104 * len(VAL_SETS):
        raise ValueError(f"expected 104 models x {len(VAL_SETS)} evaluations, got {len(rows)} rows")
    return pd.DataFrame(rows)


def runs(raw: pd.DataFrame, corpus: str) -> pd.DataFrame:
    """The models trained on ``corpus`` (a key of :data:`CORPORA`) in the runs schema: one final
    C4-eval loss per run, N with embeddings (and without), D tokens; FLOPs left to 6 N D."""
    if corpus not in CORPORA:
        raise ValueError(f"corpus must be one of {', '.join(CORPORA)}, got {corpus!r}")
    keep = (raw["corpus"] == CORPORA[corpus]) & (raw["val_set"] == FIT_ON)
    out = raw.loc[keep, ["run", "params", "params_non_embedding", "tokens", "loss_nats"]]
    return out.rename(columns={"loss_nats": "loss"}).reset_index(drop=True)
