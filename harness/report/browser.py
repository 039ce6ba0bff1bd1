"""Headless Chromium for looking at the report as a reader would: the browser test and the
screenshots in docs/report.md use it. It drives Debian's ``chromium`` through its ``chromedriver`` with
selenium, both found on this machine: nothing is downloaded, and Chromium is started with its
background networking off and a fresh profile.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
)


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
