"""Headless Chromium for looking at the report as a reader would: the browser test, the
screenshots in docs/report.md and the report's size benchmark use it. It drives Debian's ``chromium`` through its ``chromedriver`` with
selenium, both found on this machine: nothing is downloaded, and Chromium is started with its
background networking off and a fresh profile.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
)


# Loaded and, on a page that draws its documents from its data files, drawn.
READY = "return document.readyState === 'complete' && (!document.getElementById('loading') || document.body.dataset.ready === 'true')"
MAX_PAGE_HEIGHT = 20_000  # px at 1280 px wide: a page taller than this is slow to open and to scroll


def _which(names) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def missing() -> str | None:
    """Why no browser can be driven here (None when one can), with the command that fixes it."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return 'selenium is not installed: pip install -e ".[test]"'
    if _which(BROWSERS) is None or _which(DRIVERS) is None:
        return "no Chromium with chromedriver: apt-get install chromium chromium-driver"
    return None


@contextmanager
def headless_chromium(width: int = 1280, height: int = 900):
    """A selenium driver of a headless Chromium that records the pages' console messages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    reason = missing()
    if reason:
        raise RuntimeError(reason)
    profile = tempfile.mkdtemp(prefix="spinbench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = _which(BROWSERS)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path keeps Selenium Manager (which would go online) out of it.
    driver = webdriver.Chrome(service=Service(executable_path=_which(DRIVERS)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    """Console errors (and uncaught exceptions, failed loads) since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(driver, path: Path, width: int = 1280, max_height: int = 4000) -> Path:
    """A PNG of the page's top ``max_height`` pixels at ``width``."""
    height = min(max_height, int(driver.execute_script("return document.documentElement.scrollHeight")))
    driver.set_window_size(width, max(height, 200))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    return Path(path)


def open_page(driver, path: Path, seconds: float = 30.0):
    """``path`` opened from disk at 1280 x 900, once its documents are drawn."""
    driver.set_window_size(1280, 900)
    driver.get(Path(path).resolve().as_uri())
    until = time.monotonic() + seconds
    while not driver.execute_script(READY):
        if time.monotonic() > until:
            raise TimeoutError(f"{path}: not drawn in {seconds:.0f} s; console: {console_errors(driver)}")
        time.sleep(0.02)
    return driver


def page_height(driver) -> int:
    return int(driver.execute_script("return document.documentElement.scrollHeight"))


def page_heights(driver, path: Path, orders: bool = True) -> list[tuple[int, str]]:
    """``(height in px, which view)`` of a page as it opens and, where its documents come a page
    at a time, of every page of them (in every sort order, or only the first)."""
    open_page(driver, path)
    heights = [(page_height(driver), "as opened")]
    if not driver.find_elements("css selector", ".pager .next"):
        return heights
    values = driver.execute_script("return [...document.querySelectorAll('#sort option')].map(o => o.value)")
    for order in values if orders else values[:1]:
        driver.execute_script("const s = document.getElementById('sort'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))", order)
        at = 1
        while True:
            heights.append((page_height(driver), f"sort {order}, page {at}"))
            if not driver.execute_script("const b = document.querySelector('.pager .next'); if (b.disabled) return false; b.click(); return true"):
                break
            at += 1
    return heights
