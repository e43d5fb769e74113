"""Browser tests: Debian's headless Chromium driven by Selenium (chromium + chromium-driver, installed by
scripts/setup.sh), against the real release `hallops` binary on 127.0.0.1. Every page's console log is
checked for JavaScript errors, and screenshots go to outputs/screens/."""
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ops_http"))
from hallops_harness import ROOT, Server, _binary  # noqa: E402,F401  (the HTTP tests' harness and its fixture)

SCREENS = ROOT / "outputs" / "screens"


def chromium(width, height):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--autoplay-policy=no-user-gesture-required", "--lang=zh-CN", f"--window-size={width},{height}"):
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(options=o, service=Service("/usr/bin/chromedriver"))
    d.set_window_size(width, height)
    return d


def js_errors(driver):
    """Severe console entries since the last call: JavaScript errors and failed loads, except the API's own
    4xx answers that a page handles (a refused password is a 401 by design)."""
    def handled(e):
        return e.get("source") == "network" and "/api/" in e["message"] and " status of 4" in e["message"]
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and not handled(e)]


@pytest.fixture
def web_server(tmp_path):
    s = Server(tmp_path / "ops.sqlite", web=True).start()
    yield s
    s.stop(timeout=30)


@pytest.fixture
def browsers():
    opened = {}

    def get(name, width=1600, height=1000):
        if name not in opened:
            opened[name] = chromium(width, height)
        return opened[name]

    yield get
    for d in opened.values():
        d.quit()
