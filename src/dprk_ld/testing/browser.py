"""A real browser for tests: Debian's chromium and chromium-driver, driven by selenium."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,1600",
]
BROWSER_WAIT = 20  # seconds a page or a condition may take


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by selenium, with its own throw-away profile. A missing browser
    or driver is a test failure naming what to install, never a skip."""
    import shutil
    import tempfile

    import pytest
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not binary or not driver:
        pytest.fail("Chromium and its driver are needed for the browser tests: install Debian's "
                    "'chromium' and 'chromium-driver' (bash .ci/run does it as root)", pytrace=False)
    profile = tempfile.mkdtemp(prefix="dprk-ld-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    drv = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    drv.set_page_load_timeout(BROWSER_WAIT)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(drv: Any, condition: Any) -> Any:
    """Wait (at most BROWSER_WAIT) until ``condition(drv)`` is true; its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, BROWSER_WAIT).until(condition)
