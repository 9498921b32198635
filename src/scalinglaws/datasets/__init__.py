"""Tables of runs and where they come from.

Modules:
    registered  every third-party data set: pinned URL, sha256, licence, citation, reader and the
                provenance of its runs (one file each, or many pinned by a manifest in
                ``manifests/``)
    readers     how each registered file becomes a table and its runs the runs schema
    published   fetch, verify and load a registered data set (the offline mirror, the cache)
    gemstones   the Gemstones suite's own conventions (McLeish et al. 2025)
    gadre       Gadre et al. 2024's own conventions and fit
    schema      the runs schema every table of runs is checked against (docs/runs-schema.md)
    measured    this project's measured runs (data/runs/results/) as frames, without torch
"""
