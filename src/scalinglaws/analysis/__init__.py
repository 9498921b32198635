"""The numbers of each figure family, as dataclasses and numeric frames; no plotting.

One module per family: :mod:`.kaplan` (Kaplan 2020 Figs 2 and 11), :mod:`.excess` (Kaplan 2020
Fig 12), :mod:`.isoflop` (Hoffmann 2022 Figs 3, 4, A3, Tables 2, 3, A3), :mod:`.envelope`
(Hoffmann 2022 Fig 2), :mod:`.c4_github` (Hoffmann 2022 Fig A2 and Table A2, measured here),
:mod:`.calculator` (the compute-optimal calculator) and :mod:`.study_v2` (the measured-here study
v2: IsoFLOP optima with their seed spread, exponents, the discrepancy ladder's points), with
:mod:`.allocation` (N_opt, D_opt and loss under each law, published or refit here) serving Fig A3,
the calculator and ``scalinglaws optimal``. The figures in :mod:`scalinglaws.figures` draw these
results, the notebooks show them, and the registry of reproduced numbers reads them; none of it
imports matplotlib.
"""
