"""Tables of runs and where they come from.

Modules:
    published   third-party data registered by pinned URL, sha256 and licence (one file each, or
                many files pinned by a manifest in ``manifests/``): fetch, verify, load
    gemstones   the Gemstones suite's own conventions (McLeish et al. 2025)
    gadre       Gadre et al. 2024's own conventions and fit
    schema      the runs schema every table of runs is checked against (docs/runs-schema.md)
    measured    this project's measured runs (data/runs/results/) as frames, without torch
"""
