"""The static HTML report (``spinbench report``): leaderboard, precision-recall curves,
breakdowns, calibration and an error browser, built only from committed results, their
predictions and the gold data.

- :mod:`~harness.report.runs`: what a report is built from (results, predictions, gold, matched;
  restoration runs with their candidates).
- :mod:`~harness.report.analysis`: each token's outcome (true positive, false alarm, missed), the
  highlights of a document, and the phrases a model misses or flags most.
- :mod:`~harness.report.markup`: a text's highlights as escaped HTML (``detect --format html``) or
  as character ranges for the document pages.
- :mod:`~harness.report.formatting`: scores with their intervals, versions, parameters as text.
- :mod:`~harness.report.rendering`: the templates' environment, the assets, the packed data files.
- :mod:`~harness.report.plots`: the SVG figures.
- :mod:`~harness.report.texts`: each split's documents, one file shared by its document pages.
- :mod:`~harness.report.errors`: the error browser of a model on a config.
- :mod:`~harness.report.restoration`: the page of a restorer on a config.
- :mod:`~harness.report.site`: the index and model pages, and the whole site written to a folder
  that opens from disk.
- :mod:`~harness.report.browser`: headless Chromium for the browser test, the screenshots in
  docs/report.md and the report's size benchmark.
"""
