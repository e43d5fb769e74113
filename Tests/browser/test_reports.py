"""report.html in headless Chromium: every kind of run the hallsim binary writes a report for is opened
from disk (file://, offline), with no JavaScript error, every chart drawn with data, and a screenshot
written beside the report and to outputs/screens/."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_harness import ROOT, SCREENS, chromium, js_errors

HALLSIM = Path(os.environ.get("HALLSIM_BIN", ROOT / ".build" / "release" / "hallsim"))


def run(scenario, out, *args):
    if not HALLSIM.exists():
        pytest.fail(f"{HALLSIM} is missing: build it with `swift build -c release` first")
    r = subprocess.run([str(HALLSIM), "run", scenario, "--out", str(out), "--records", "none", *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return out / "report.html"


def open_report(driver, path, shot):
    driver.get(path.as_uri())
    charts = driver.execute_script("return window.reportCharts || null")
    errors = driver.execute_script("return window.reportErrors || []")
    assert errors == [], errors
    assert js_errors(driver) == []
    assert charts, "no chart was drawn"
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1200, min(max(height + 40, 800), 8000))
    driver.save_screenshot(str(path.with_name(shot)))
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path.with_name(shot), SCREENS / shot)
    assert (SCREENS / shot).stat().st_size > 20_000, "the screenshot looks blank"
    return {c["id"]: c["points"] for c in charts}, driver.find_element("tag name", "body").text


@pytest.fixture
def driver():
    d = chromium(1200, 900)
    yield d
    d.quit()


def test_month_report_in_chinese(tmp_path, driver):
    report = run("scenarios/county-hall.yaml", tmp_path / "month", "--replications", "3")
    charts, text = open_report(driver, report, "report-county-month.png")
    assert set(charts) == {"wait", "sl", "queue", "heat", "period"}
    assert all(n > 0 for n in charts.values()), charts
    assert "主要发现" in text and "最差时段" in text
    assert "只有 3 次重复" in text, "too few replications are warned about"


def test_day_report_in_english(tmp_path, driver):
    report = run("scenarios/validation/pooling-dedicated.yaml", tmp_path / "day", "--replications", "6", "--lang", "en")
    charts, text = open_report(driver, report, "report-pooling-day.png")
    assert set(charts) == {"wait", "sl", "queue", "heat"}, "no back-office chart for a single day"
    assert all(n > 0 for n in charts.values()), charts
    assert "Findings" in text and "Worst hour" in text
    assert "Only 6 replications" not in text


def test_compare_report(tmp_path, driver):
    out = tmp_path / "compare"
    r = subprocess.run([str(HALLSIM), "compare", "scenarios/validation/pooling-dedicated.yaml",
                        "scenarios/validation/pooling-universal.yaml", "--replications", "8", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    charts, text = open_report(driver, out / "compare.html", "report-compare.png")
    assert set(charts) == {"diff"} and charts["diff"] > 0, charts
    assert "B 使平均等候降低" in text, "the universal layout's shorter wait is a finding"


def test_batch_report(tmp_path, driver):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        f"base: {ROOT / 'scenarios/validation/pooling-universal.yaml'}\n"
        "seed: 5\nreplications: 6\n"
        "factors:\n"
        "  - {name: demand, path: demand_scale, values: [0.8, 0.9, 1.0]}\n"
        "  - {name: routing, path: routing, values: [specialist_first, longest_idle]}\n")
    out = tmp_path / "batch"
    r = subprocess.run([str(HALLSIM), "batch", str(sweep), "--out", str(out), "--lang", "en"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    charts, text = open_report(driver, out / "report.html", "report-batch.png")
    # Each factor against each KPI: wait, service level, left, utilisation.
    assert {c.split("-")[0] for c in charts} == {"f0", "f1"} and len(charts) == 8, charts
    assert all(n > 0 for n in charts.values()), charts
    assert "demand from 0.8 to 1.0 raises mean wait by" in text, text[:2000]


def test_plan_report(tmp_path, driver):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"scenario: {ROOT / 'scenarios/validation/pooling-dedicated.yaml'}\n"
        "interval_min: 60\n"
        "days: [{name: Day, demand_scale: 1}]\n"
        "targets: {wait_min: 1, service_level: 0.8}\n"
        "shift_types: per_interval\n"
        "layouts: [dedicated, universal]\n"
        "seed: 1\nreplications: 4\nconfirm_replications: 6\n")
    out = tmp_path / "plan"
    r = subprocess.run([str(HALLSIM), "plan", str(plan), "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode in (0, 3), r.stderr
    charts, text = open_report(driver, out / "report.html", "report-plan.png")
    assert {"layouts", "d0-all", "d0-sl"} <= set(charts), charts
    assert all(n > 0 for n in charts.values()), charts
    assert "选定布局" in text and "SIPP" in text
