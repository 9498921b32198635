"""What a number or a curve is: the five provenance kinds, and the label that says so.

Every curve in the companion says what it is, with one of these kinds:

* ``PUBLISHED_LAW``: a paper's fitted equation evaluated with its published constants;
* ``PUBLISHED_DATA``: points a paper or a replication released (e.g. Epoch AI's extraction);
* ``REFIT_HERE``: a law this project fitted to published data ("fitted here from published data",
  e.g. a power law through the printed rows of a table);
* ``DERIVED_HERE``: a curve this project computed from a published law that the paper did not
  print itself (e.g. the envelope of eq 2's final losses);
* ``MEASURED_HERE``: runs this project trained itself.

No plotting here: the analysis layer and the registry of reproduced numbers name their kinds too.
"""

from __future__ import annotations

PUBLISHED_LAW = "published law"
PUBLISHED_DATA = "published data"
REFIT_HERE = "refit here"
DERIVED_HERE = "derived here from a published law"
MEASURED_HERE = "measured here"
KINDS = (PUBLISHED_LAW, PUBLISHED_DATA, REFIT_HERE, DERIVED_HERE, MEASURED_HERE)


def provenance(kind: str, source: str) -> str:
    """A legend label that says what a curve is, e.g. 'published law (Kaplan 2020 eq B.16)'."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}, got {kind!r}")
    return f"{kind} ({source})"
