"""The evaluation side: the detector contract and registry, metrics and scoring, ``evaluate``,
results files, the leaderboard and ``detect``. It reaches the data only through
:func:`harness.core.dataset.load`."""
