"""scaling-laws companion: the laws, fits and figures of Kaplan et al. 2020 and Hoffmann et al. 2022.

Folders, lowest first (each imports only from those below it; docs/architecture.md draws them):
    constants   published numbers, one frozen dataclass per fit, each field citing its source
    core        units, provenance kinds, parameter validation, random streams, tolerances, paths
    laws        pure, vectorised functions of the papers' equations (no I/O, no plotting)
    designs     the measured studies' geometry (size ladders, shapes, windows, horizons)
    estimators  Approach 1/2/3 estimators, power laws and bootstrap, for named arrays of runs
    datasets    tables of runs: third-party data (pinned URL, sha256, licence), the runs schema,
                this project's measured results
    analysis    the numbers of each figure family, as dataclasses and frames (no plotting)
    training    the measured-here training study (torch)
    figures     one module per figure, each drawing a paper figure from an analysis result
    report      the registry of reproduced numbers, REPRODUCTION.md, comparisons
Entry points: cli (python -m scalinglaws), notebooks (make figures).
"""

__version__ = "0.1.0"
