"""The report figures in docs/report.md: how long `spinbench report` takes on the committed results,
and the two screenshots (overview, error browser) taken in headless Chromium.

    python benchmarks/report_screenshots.py [--out report] [--img docs/img]

Needs the built dataset (`spinbench build`) and Chromium with chromedriver
(`apt-get install chromium chromium-driver`; selenium comes with the test extra).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from harness.report.browser import console_errors, headless_chromium, screenshot


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="report")
    parser.add_argument("--img", default="docs/img")
    args = parser.parse_args()

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "harness.cli.main", "report", "--out", args.out], check=True)
    print(f"spinbench report --out {args.out}/: {time.perf_counter() - started:.1f} s for every committed result")

    from selenium.webdriver.support.ui import Select

    img = Path(args.img)
    with headless_chromium() as driver:
        driver.set_window_size(1280, 900)
        driver.get((Path(args.out) / "index.html").resolve().as_uri())
        screenshot(driver, img / "report-overview.png", max_height=1950)
        driver.set_window_size(1280, 900)
        driver.get((Path(args.out) / "errors" / "classifier" / "news.html").resolve().as_uri())
        Select(driver.find_element("id", "engine")).select_by_value("phrasebook")
        Select(driver.find_element("id", "sort")).select_by_value("fn-desc")
        screenshot(driver, img / "report-errors.png", max_height=1500)
        errors = console_errors(driver)
    print(f"wrote {img}/report-overview.png and {img}/report-errors.png; console errors: {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
