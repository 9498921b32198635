"""The measured-here studies' designs as pure geometry (no torch, no analysis): the size ladders,
shapes, IsoFLOP windows and horizons that the plans (:mod:`scalinglaws.training`) train and the
analyses (:mod:`scalinglaws.analysis`) read, so that neither imports the other.

    v2   the v2 study's size ladder and IsoFLOP windows (``docs/study-v2.md``)
    v3   the v3 study's sizes, shapes and expected optimal budgets (``docs/study-v3.md``)
"""
