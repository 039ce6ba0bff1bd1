"""The run layer: what the detection track (:mod:`harness.evaluation`) and the restoration
track (:mod:`harness.restoration`) share to make, record and rank a run.

- :mod:`~harness.runs.options`: a run's options, checked once before any work;
- :mod:`~harness.runs.paths`: where a run writes (``runs/`` or ``results/``, one layout);
- :mod:`~harness.runs.models`: a model made from a name or taken as an object, its parameters;
- :mod:`~harness.runs.fit_cache`: fitted models cached by their code, parameters and data;
- :mod:`~harness.runs.provenance`: the code's commit, the machine, the date;
- :mod:`~harness.runs.bootstrap`: resampling documents, percentile intervals, paired differences;
- :mod:`~harness.runs.results`: the results base both tracks' results extend (schema blocks,
  JSON round trip, ``get_score``), and the locked, validated write of a run's files;
- :mod:`~harness.runs.admission`: which runs may stand on a leaderboard;
- :mod:`~harness.runs.board`: entry discovery, paired ranks, tables and recomputation helpers
  shared by both leaderboards and the report;
- :mod:`~harness.runs.formatting`: how a score and its interval are written for people.

It stands on :mod:`harness.core` alone; neither track's code is imported here.
"""
