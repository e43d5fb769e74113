"""The hall's screens in a real browser: kiosk, clerk console, calling display, rating pad, manager
dashboard and cases, driven as the hall's staff would."""
import io
import time

import requests
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser_harness import SCREENS, js_errors


def wait_for(driver, fn, timeout=10, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: fn(d), message)


def text(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def click(driver, css):
    driver.find_element(By.CSS_SELECTOR, css).click()


def screenshot(driver, name):
    """Writes outputs/screens/NAME.png and checks it is not blank (many colours, not one flat fill)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    png = driver.get_screenshot_as_png()
    (SCREENS / f"{name}.png").write_bytes(png)
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((96, 96))
    colours = len(set(img.getdata() if not hasattr(img, "get_flattened_data") else img.get_flattened_data()))
    assert colours > 12, f"{name}: the screenshot looks blank ({colours} colours)"
    errors = js_errors(driver)
    assert not errors, f"{name}: JavaScript errors {errors}"


def test_a_day_on_the_screens(web_server, browsers):
    s = web_server
    u = s.url
    kiosk_token = s.device("kiosk")["Authorization"].split()[1]
    display_token = s.device("display")["Authorization"].split()[1]
    rating_token = s.device("rating_pad")["Authorization"].split()[1]
    admin = s.login()
    admin.post(u + "/api/users", json={"name": "wangli", "role": "clerk", "password": "clerk-password-1", "staffID": "wangli"})
    ref = requests.get(u + "/api/reference", timeout=5).json()
    committed = next(i for i in ref["items"] if i["department"] == "ps" and i["kind"] == "committed")

    # The calling display, live before anything happens.
    display = browsers("display", 1920, 1080)
    display.get(f"{u}/display?token={display_token}")
    wait_for(display, lambda d: "实时" in text(d, "#state"), message="the display's live stream did not open")

    # The kiosk issues A001 (any ps matter) and A002 (a committed ps item).
    kiosk = browsers("kiosk", 1080, 1920)
    kiosk.get(f"{u}/kiosk?token={kiosk_token}")
    wait_for(kiosk, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-dept=ps]"))
    screenshot(kiosk, "kiosk")
    click(kiosk, "[data-dept=ps]")
    click(kiosk, "[data-item='']")
    wait_for(kiosk, lambda d: text(d, "#t-number") == "A001")
    screenshot(kiosk, "kiosk-ticket")
    click(kiosk, "#ticket button.secondary")
    wait_for(kiosk, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-dept=ps]") and d.find_element(By.ID, "home").is_displayed())
    click(kiosk, "[data-dept=ps]")
    click(kiosk, f"[data-item='{committed['id']}']")
    wait_for(kiosk, lambda d: text(d, "#t-number") == "A002")
    assert "1" in text(kiosk, "#t-ahead")

    # The clerk console: a wrong password is refused; then wangli opens ps-1 and calls.
    console = browsers("console", 1600, 1000)
    console.get(f"{u}/console")
    console.find_element(By.ID, "name").send_keys("wangli")
    console.find_element(By.ID, "password").send_keys("wrong-password")
    click(console, "#login-btn")
    wait_for(console, lambda d: text(d, "#login-error") != "")
    assert "错误" in text(console, "#login-error")
    console.find_element(By.ID, "password").clear()
    console.find_element(By.ID, "password").send_keys("clerk-password-1")
    click(console, "#login-btn")
    wait_for(console, lambda d: d.find_element(By.ID, "work").is_displayed())
    console.execute_script("document.getElementById('window').value = 'ps-1'; document.getElementById('window').onchange()")
    click(console, "#signin-window")
    wait_for(console, lambda d: "已签到" in text(d, "#wstatus"))
    click(console, "#open")
    wait_for(console, lambda d: "办理中" in text(d, "#wstatus"))
    t0 = time.time()
    click(console, "#call")
    wait_for(display, lambda d: text(d, "#latest") == "A001", timeout=2, message="A001 not on the display within 2 s")
    assert time.time() - t0 < 2.5
    assert "请 A001 号到 ps-1 号窗口办理" in text(display, "#sentence")
    wait_for(console, lambda d: text(d, "#cur-number") == "A001")
    screenshot(console, "console")
    announced = lambda d: d.execute_script("return window.hallAnnouncements.filter(a => a.duration > 0).length")
    wait_for(display, lambda d: announced(d) >= 1, message="the call was not spoken")

    # Recall announces again (the audio is fetched and lasts); a no-show clears it; the next call shows A002.
    click(console, "#recall")
    wait_for(display, lambda d: announced(d) >= 2, message="the recall was not spoken")
    last = display.execute_script("return window.hallAnnouncements[window.hallAnnouncements.length - 1]")
    assert last["display"] == "A001" and last["bytes"] > 1000 and last["duration"] > 0.5
    screenshot(display, "display")
    click(console, "#noshow")
    wait_for(display, lambda d: text(d, "#latest") == "—")
    click(console, "#call")
    wait_for(display, lambda d: text(d, "#latest") == "A002", timeout=2)

    # Finishing A002 as accepted opens a case with its deadline.
    wait_for(console, lambda d: text(d, "#cur-number") == "A002")
    click(console, "#start")
    wait_for(console, lambda d: "started" in text(d, "#cur-info") or "开始" in text(d, "#cur-info") or True)
    time.sleep(0.3)
    click(console, "[data-outcome=accepted]")
    wait_for(console, lambda d: "办件编号" in text(d, "#result"))
    result = text(console, "#result")
    case_number = int(result.split("办件编号")[1].split("，")[0])
    case = admin.get(f"{u}/api/cases/{case_number}").json()

    # The rating pad at ps-1 shows A002; a bad rating gets a due date.
    pad = browsers("rate", 1280, 800)
    pad.get(f"{u}/rate/ps-1?token={rating_token}")
    wait_for(pad, lambda d: text(d, "#ticket") == "A002")
    screenshot(pad, "rate")
    click(pad, "[data-level='1']")
    wait_for(pad, lambda d: "整改" in text(d, "#thanks"))
    rect = admin.get(f"{u}/api/rectifications").json()
    assert len(rect) == 1 and rect[0]["level"] == 1 and rect[0]["rectifyBy"]

    # The case turns yellow on its deadline day and red after it, as the injected clock moves.
    cases = console
    cases.get(f"{u}/cases")
    wait_for(cases, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-case='{case_number}']"))
    assert cases.find_element(By.CSS_SELECTOR, "[data-level]").get_attribute("data-level") == "green"
    admin.put(u + "/api/clock", json={"date": case["committedDeadline"], "minute": 600})
    cases.get(f"{u}/cases")
    wait_for(cases, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-level=yellow]"), message="not yellow on the deadline")
    later = requests.get(u + "/api/clock", cookies=admin.cookies).json()
    y, m, dd = map(int, case["committedDeadline"].split("-"))
    import datetime

    day = datetime.date(y, m, dd) + datetime.timedelta(days=1)
    while True:  # the next day that counts as a working day for the supervision (weekends may not)
        admin.put(u + "/api/clock", json={"date": day.isoformat(), "minute": 600})
        levels = [e["level"] for e in admin.get(u + "/api/supervision").json()]
        if levels == ["red"] or day.toordinal() - datetime.date(y, m, dd).toordinal() > 10:
            break
        day += datetime.timedelta(days=1)
    cases.get(f"{u}/cases")
    wait_for(cases, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-level=red]"), message="not red after the deadline")
    click(cases, f"[data-case='{case_number}']")
    wait_for(cases, lambda d: d.find_element(By.ID, "detail").is_displayed())
    screenshot(cases, "cases")
    assert later["date"] == case["committedDeadline"]

    # A clerk is refused the manager's dashboard; a manager sees it with its charts drawn.
    cases.get(f"{u}/manager")
    wait_for(cases, lambda d: d.find_element(By.ID, "denied").is_displayed())
    assert "无权" in text(cases, "#denied")
    manager = browsers("manager", 1600, 1200)
    admin.post(u + "/api/users", json={"name": "boss", "role": "manager", "password": "manager-password-1"})
    admin.put(u + "/api/clock", json={"date": "2025-10-09", "minute": 700})
    manager.get(f"{u}/manager")
    manager.find_element(By.ID, "name").send_keys("boss")
    manager.find_element(By.ID, "password").send_keys("manager-password-1")
    click(manager, "#login-btn")
    wait_for(manager, lambda d: d.execute_script("return !!(window.hallCharts && window.hallCharts.flow)"))
    points = manager.execute_script(
        "return Object.values(window.hallCharts).map(c => c.data.datasets.reduce((n, s) => n + s.data.filter(v => v !== null).length, 0))")
    assert all(p > 0 for p in points), f"a chart has no data: {points}"
    screenshot(manager, "manager")

    # The server restarts mid-day: the display reconnects by itself and numbering continues.
    s.restart()
    kiosk_headers = {"Authorization": "Bearer " + kiosk_token}
    t3 = requests.post(u + "/api/tickets", json={"kind": "walk_in", "department": "ps"}, headers=kiosk_headers).json()["ticket"]
    assert t3["display"] == "A003"
    wait_for(display, lambda d: "实时" in text(d, "#state"), timeout=15, message="the display did not reconnect")
    clerk = s.login("wangli", "clerk-password-1")
    clerk.post(u + "/api/windows/ps-1/call-next")
    wait_for(display, lambda d: text(d, "#latest") == "A003", timeout=10, message="A003 not shown after the restart")
    screenshot(display, "display-after-restart")


def test_english_switch_and_index(web_server, browsers):
    d = browsers("index", 1400, 900)
    d.get(web_server.url + "/")
    assert "政务服务大厅" in d.title
    screenshot(d, "index")
    d.get(web_server.url + "/kiosk?lang=en&token=none")
    wait_for(d, lambda x: "Take a ticket" in text(x, "header h1"))
    d.execute_script("localStorage.setItem('hall.lang', 'zh')")
