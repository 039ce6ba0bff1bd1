"""The static HTML report (``spinbench report``): leaderboard, precision-recall curves,
breakdowns, calibration and an error browser, built only from committed results, their
predictions and the gold data.

- :mod:`~harness.report.runs`: what a report is built from (results, predictions, gold, matched).
- :mod:`~harness.report.analysis`: each token's outcome (true positive, false alarm, missed), the
  highlights of a document, and the phrases a model misses or flags most.
- :mod:`~harness.report.markup`: a text with its highlights as escaped HTML (also ``detect --format html``).
- :mod:`~harness.report.plots`: the SVG figures.
- :mod:`~harness.report.site`: the pages, written to a folder that opens from disk.
- :mod:`~harness.report.browser`: headless Chromium for the browser test and the screenshots in docs/report.md.
"""
