"""The measured-here training study: tiny byte-level GPTs on English prose and Python code.

Modules (all need torch; figure code reads results through :mod:`scalinglaws.datasets.measured` instead):
    model     decoder-only pre-LN transformer; exact parameter and FLOP counts
    corpora   the two corpora, built from pinned sources and checked against data/runs/corpora.json
    train     one run: AdamW, warmup + cosine over the run's budget, log-spaced validation
    sweep     a plan of runs, resumable, in single-thread worker processes, shardable
    plans     the study's plans (data/runs/plans/*.json)

Command line: ``python -m scalinglaws.training sweep --plan data/runs/plans/v2_noise.json``.
"""
