"""scaling-laws companion: the laws, fits and figures of Kaplan et al. 2020 and Hoffmann et al. 2022.

Modules:
    constants   published numbers, one frozen dataclass per fit, each field citing its source
    laws        pure, vectorised functions of arrays (no I/O, no plotting)
    estimators  Approach 1/2/3 estimators, power laws and bootstrap, for named arrays of runs
    data        registry of third-party data (pinned URL, sha256, licence), fetch, verify, load
    params      validation of notebook parameters and command-line values
    kinds       provenance kinds (published law, published data, refit/derived/measured here)
    analysis    the numbers of each figure family, as dataclasses and frames (no plotting)
    plotting    one figure style, deterministic atomic saving
    figures     one module per figure family, each drawing a paper figure from an analysis result
    paths       where the repository's data, figures and cache live
"""

__version__ = "0.1.0"
