"""The screenshots in docs/report.md (overview, error browser) of the report of the committed
results, taken in headless Chromium; the error browser's is cut above its documents, whose text
is the sources' (licensed third-party articles, never committed). Its time, size and page heights: benchmarks/report_size.py.

    python benchmarks/report_screenshots.py [--out report] [--img docs/img]

Needs the built dataset (`spinbench build`) and Chromium with chromedriver
(`apt-get install chromium chromium-driver`; selenium comes with the test extra).
"""

import argparse
import subprocess
import sys
from pathlib import Path

from harness.report.browser import console_errors, headless_chromium, open_page, screenshot


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="report")
    parser.add_argument("--img", default="docs/img")
    args = parser.parse_args()

    subprocess.run([sys.executable, "-m", "harness.cli.main", "report", "--out", args.out], check=True)

    from selenium.webdriver.support.ui import Select

    img = Path(args.img)
    with headless_chromium() as driver:
        open_page(driver, Path(args.out) / "index.html")
        screenshot(driver, img / "report-overview.png", max_height=1950)
        open_page(driver, Path(args.out) / "errors" / "classifier" / "news.html")
        Select(driver.find_element("id", "engine")).select_by_value("phrasebook")
        Select(driver.find_element("id", "sort")).select_by_value("fn-desc")
        # the documents are third-party articles (and spun versions of them): never in the
        # repository, so the screenshot stops where the list of documents starts
        documents = driver.find_element("id", "documents")
        screenshot(driver, img / "report-errors.png", max_height=int(documents.location["y"]) - 8)
        errors = console_errors(driver)
    print(f"wrote {img}/report-overview.png and {img}/report-errors.png; console errors: {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
