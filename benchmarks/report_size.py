"""How light `spinbench report` is for every committed result: the time it takes, the site's size
(what `du -sb` counts) and the height of its tallest page in headless Chromium at 1280 px wide:
every page, and on a document page every page of documents in every sort order (the tallest of
each kind of page is printed).

    python benchmarks/report_size.py [--out /tmp/report-size] [--before REV]

``--before REV`` measures the report of the code at git revision REV the same way, first, in
the same run (a temporary `git worktree`; the same results and data). Needs the built dataset
(SPINBENCH_DATA or data/) and Chromium with chromedriver (`apt-get install chromium
chromium-driver`). Timings are wall and CPU seconds of one run: noisy on a shared machine.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.report.browser import console_errors, headless_chromium, page_heights  # noqa: E402
from harness.report.site import site_bytes  # noqa: E402


def render(code: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds `report --out` takes with the harness at ``code``, every committed result."""
    # Run from ``code`` (``python -m`` puts the working folder first on the path), on this checkout's results and data.
    env = {**os.environ, "PYTHONPATH": str(code), "SPINBENCH_DATA": os.environ.get("SPINBENCH_DATA") or str(ROOT / "data")}
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "harness.cli.main", "report", "--results", str(ROOT / "results"), "--out", str(out)], cwd=code, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime


def measure(name: str, code: Path, out: Path) -> list:
    wall, cpu = render(code, out)
    size = site_bytes(out)
    views, errors = [], []
    with headless_chromium(width=1280, height=900) as driver:
        for page in sorted(out.rglob("*.html")):
            views += [(h, page.relative_to(out), what) for h, what in page_heights(driver, page)]
            errors += [f"{page.relative_to(out)}: {e}" for e in console_errors(driver)]
    print(f"{name}: `report` of every committed result {wall:.1f} s wall, {cpu:.1f} s CPU; site {size:,} bytes ({size / 1e6:.1f} MB), "
          f"{sum(1 for _ in out.rglob('*.html'))} pages; {len(views)} page views measured; console errors: {len(errors)}")
    for kind in sorted({v[1].parts[0] for v in views}):  # the tallest view of each kind of page
        h, page, what = max(v for v in views if v[1].parts[0] == kind)
        print(f"    tallest {kind}: {h:,} px, {page} ({what})")
    for e in errors[:5]:
        print(f"    console: {e}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="folder for the reports (default: a temporary one)")
    parser.add_argument("--before", default=None, metavar="REV", help="also measure the report of git revision REV, first")
    args = parser.parse_args()
    work = Path(args.out or tempfile.mkdtemp(prefix="report-size-"))
    errors = []
    if args.before:
        old = work / "code-before"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.before], cwd=ROOT, check=True, capture_output=True)
        try:
            errors += measure(f"before ({args.before})", old, work / "report-before")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    errors += measure(f"now ({head}, with the working tree's changes)", ROOT, work / "report-now")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
