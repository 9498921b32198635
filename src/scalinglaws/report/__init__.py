"""The report layer: the registry of reproduced numbers (``registry.toml``, read by
:mod:`~scalinglaws.report.registry`; values from :mod:`~scalinglaws.report.values` and
:mod:`~scalinglaws.report.refits`), REPRODUCTION.md (:mod:`~scalinglaws.report.render`), README.md's
figure map and BibTeX (:mod:`~scalinglaws.report.readme`, :mod:`~scalinglaws.report.citation`),
the environment listing and the bad-input count. ``make report`` runs ``python -m scalinglaws.report``.
"""
