"""The operations server as a client sees it: the real `hallops` binary on 127.0.0.1."""
import json
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

import subprocess

from hallops_harness import BIN, SCENARIO, Server

SQL = "'); DROP TABLE tickets; -- \" OR 1=1 /* 你好 */"


def issue(server, headers, body=None, key=None):
    h = dict(headers)
    if key:
        h["Idempotency-Key"] = key
    return requests.post(server.url + "/api/tickets", json=body or {"kind": "walk_in", "department": "ps"},
                         headers=h, timeout=30)


def served_ticket(server, kiosk, body=None):
    """Issues a ticket and serves it at window ps-1 (clerk wangli signs in once)."""
    t = issue(server, kiosk, body).json()["ticket"]
    clerk = server.login("c-wangli", "clerk-password-1") if getattr(server, "_clerk", False) else None
    if clerk is None:
        clerk = server.user("c-wangli", "clerk", staff="wangli")
        clerk.post(server.url + "/api/windows/ps-1/sign-in", json={}, timeout=5)
        clerk.post(server.url + "/api/windows/ps-1/open", timeout=5)
        server._clerk = True
    called = clerk.post(server.url + "/api/windows/ps-1/call-next", timeout=5).json()
    clerk.post(server.url + f"/api/tickets/{called['id']}/start", timeout=5)
    done = clerk.post(server.url + f"/api/tickets/{called['id']}/finish", json={"outcome": "immediate"}, timeout=5)
    assert done.status_code == 200, done.text
    return done.json()


def test_health_reference_and_version(server):
    assert requests.get(server.url + "/api/health", timeout=5).json() == {"status": "ok"}
    ref = requests.get(server.url + "/api/reference", timeout=5).json()
    ids = [d["id"] for d in ref["departments"]]
    assert "ps" in ids and ref["waitTargetMinutes"] == 15
    assert {d["prefix"] for d in ref["departments"]}.__len__() == len(ids), "prefixes are unique"


def test_sign_in_and_roles(server):
    r = requests.post(server.url + "/api/login", json={"name": "admin", "password": "wrong-password"}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["message"] == "wrong name or password"
    assert requests.get(server.url + "/api/kpi/day/2025-10-09", timeout=5).status_code == 401
    clerk = server.user("c-wangli", "clerk", staff="wangli")
    r = clerk.get(server.url + "/api/kpi/day/2025-10-09", timeout=5)
    assert r.status_code == 403 and "roles" in r.json()["error"]["message"]
    assert clerk.get(server.url + "/api/me", timeout=5).json()["staffID"] == "wangli"
    assert requests.get(server.url + "/api/me", timeout=5).json() == {"signedIn": False}
    kiosk = server.device("kiosk")
    assert requests.post(server.url + "/api/windows/ps-1/call-next", headers=kiosk, timeout=5).status_code == 403
    display = server.device("display")
    r = issue(server, display)
    assert r.status_code == 403, "only a kiosk device issues tickets"
    assert requests.get(server.url + "/api/queues", headers={"Authorization": "Bearer nonsense"}, timeout=5).status_code == 401


def test_a_day_at_a_window(server):
    kiosk = server.device("kiosk")
    a1 = issue(server, kiosk).json()
    a2 = issue(server, kiosk).json()
    assert (a1["ticket"]["display"], a2["ticket"]["display"]) == ("A001", "A002")
    assert a2["ahead"] == 1
    clerk = server.user("c-wangli", "clerk", staff="wangli")
    u = server.url
    assert clerk.post(u + "/api/windows/ps-1/sign-in", json={}, timeout=5).json()["status"] == "signed_in"
    assert clerk.post(u + "/api/windows/ps-1/open", timeout=5).status_code == 200
    called = clerk.post(u + "/api/windows/ps-1/call-next", timeout=5).json()
    assert called["display"] == "A001" and called["window"] == "ps-1"
    # Finishing a ticket that was never started is an illegal transition: 409 with a sentence, nothing stored.
    r = clerk.post(u + f"/api/tickets/{a2['ticket']['id']}/finish", json={"outcome": "accepted"}, timeout=5)
    assert r.status_code == 409 and r.json()["error"]["kind"] == "illegal_transition"
    assert clerk.get(u + f"/api/tickets/{a2['ticket']['id']}", timeout=5).json()["state"] == "waiting"
    assert clerk.post(u + f"/api/tickets/{called['id']}/start", timeout=5).json()["state"] == "started"
    done = clerk.post(u + f"/api/tickets/{called['id']}/finish", json={"outcome": "immediate"}, timeout=5).json()
    assert done["state"] == "finished" and done["outcome"] == "immediate"
    nxt = clerk.post(u + "/api/windows/ps-1/call-next", timeout=5).json()
    assert nxt["display"] == "A002"
    assert clerk.post(u + f"/api/tickets/{nxt['id']}/no-show", timeout=5).json()["state"] == "no_show"
    assert clerk.post(u + "/api/windows/ps-1/call-next", timeout=5).status_code == 204
    manager = server.user("m1", "manager")
    kpi = manager.get(u + "/api/kpi/day/2025-10-09", timeout=10)
    assert kpi.status_code == 200 and "overall" in kpi.json()


def test_concurrent_tickets_are_gapless_and_unique(server):
    kiosk = server.device("kiosk")
    depts = ["ps", "tax", "re", "hrss"]

    def one(i):
        r = issue(server, kiosk, {"kind": "walk_in", "department": depts[i % 4]})
        assert r.status_code == 201, r.text
        return r.json()["ticket"]

    with ThreadPoolExecutor(32) as ex:
        tickets = list(ex.map(one, range(200)))
    assert len({t["id"] for t in tickets}) == 200
    by_prefix = {}
    for t in tickets:
        by_prefix.setdefault(t["display"][:-3], []).append(int(t["display"][-3:]))
    assert len(by_prefix) == 4
    for prefix, numbers in by_prefix.items():
        assert sorted(numbers) == list(range(1, 51)), prefix


def test_idempotent_retry(server):
    kiosk = server.device("kiosk")
    first = issue(server, kiosk, key="kiosk-1-press-77").json()["ticket"]
    with ThreadPoolExecutor(8) as ex:
        again = list(ex.map(lambda _: issue(server, kiosk, key="kiosk-1-press-77"), range(8)))
    assert all(r.status_code == 201 and r.json()["ticket"]["id"] == first["id"] for r in again)
    other = issue(server, kiosk, {"kind": "walk_in", "department": "tax"}, key="kiosk-1-press-77")
    assert other.status_code == 409 and other.json()["error"]["field"] == "idempotencyKey"
    assert issue(server, kiosk).json()["ticket"]["display"] == "A002", "a retry takes no number"


def test_bad_requests_are_4xx_with_the_field(server):
    kiosk = server.device("kiosk")
    u = server.url + "/api/tickets"
    r = requests.post(u, data="{not json", headers={**kiosk, "Content-Type": "application/json"}, timeout=5)
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]
    r = requests.post(u, json={"kind": "walk_in", "department": 7}, headers=kiosk, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["field"] == "department"
    r = requests.post(u, json={"kind": "teleport"}, headers=kiosk, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["field"] == "kind"
    r = requests.post(u, json={"department": "ps"}, headers=kiosk, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["field"] == "kind"
    r = requests.post(u, json={"kind": "walk_in", "department": "nowhere"}, headers=kiosk, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["field"] == "department"
    r = requests.post(u, data="x" * 200_000, headers={**kiosk, "Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 413
    r = requests.get(server.url + "/api/tickets/abc", headers=kiosk, timeout=5)
    assert r.status_code == 400 and r.json()["error"]["field"] == "id"
    r = requests.get(server.url + "/api/tickets/999999", headers=kiosk, timeout=5)
    assert r.status_code == 404
    # Nothing half-stored: no ticket was issued by any of these.
    assert requests.get(server.url + "/api/tickets?date=2025-10-09", headers=kiosk, timeout=5).json() == []


def test_bookings_of_a_day(server):
    """A day's appointment bookings: replaced whole, refused with the field at fault, manager's only."""
    admin = server.login()
    u = server.url + "/api/bookings/2025-10-09"
    good = [{"block": "re-transfer-am", "slot": 540, "booked": 2}, {"block": "re-transfer-pm", "slot": 870, "booked": 1}]
    r = admin.put(u, json={"bookings": good}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"date": "2025-10-09", "bookings": good}
    for body, field in [
        ({"bookings": [{"block": "re-transfer-am", "slot": 545, "booked": 2}]}, "bookings[0].slot"),
        ({"bookings": [{"block": "nope", "slot": 540, "booked": 2}]}, "bookings[0].block"),
        ({"bookings": [{"block": "re-transfer-am", "slot": 540}]}, "bookings[0].booked"),
        ({"bookings": [{"block": "re-transfer-am", "slot": 540, "booked": 20000}]}, "bookings[0].booked"),
    ]:
        r = admin.put(u, json=body, timeout=10)
        assert r.status_code == 400 and r.json()["error"]["field"] == field, r.text
    # Nothing half-stored: the good list is still the day's.
    assert admin.get(u, timeout=10).json()["bookings"] == good
    assert admin.get(server.url + "/api/bookings/2025-10-10", timeout=10).json()["bookings"] == []
    clerk = server.user("c-zhao", "clerk", staff="wangli")
    assert clerk.put(u, json={"bookings": []}, timeout=10).status_code == 403


def test_sql_fragments_are_stored_verbatim(server):
    admin = server.login()
    r = admin.post(server.url + "/api/users", json={"name": SQL, "role": "manager", "password": SQL}, timeout=10)
    assert r.status_code == 201 and r.json()["name"] == SQL
    assert server.login(SQL, SQL).get(server.url + "/api/me", timeout=5).json()["name"] == SQL
    kiosk = server.device("kiosk")
    t = served_ticket(server, kiosk)
    rating = server.device("rating_pad")
    r = requests.post(server.url + "/api/ratings", json={"ticket": t["id"], "level": 1, "comment": SQL},
                      headers=rating, timeout=5)
    assert r.status_code == 201 and r.json()["comment"] == SQL and r.json()["rectifyBy"]
    rect = admin.get(server.url + "/api/rectifications", timeout=5).json()
    assert [x["comment"] for x in rect] == [SQL]
    r = requests.post(server.url + "/api/ratings", json={"ticket": t["id"], "level": 2, "comment": "again"},
                      headers=rating, timeout=5)
    assert r.status_code == 409, "one rating per visit"
    r = requests.post(server.url + "/api/tickets", json={"kind": "walk_in", "department": SQL}, headers=kiosk, timeout=5)
    assert r.status_code == 400
    assert len(requests.get(server.url + "/api/tickets?date=2025-10-09", headers=kiosk, timeout=5).json()) == 1


def test_sessions_survive_a_restart_and_numbering_continues(server):
    admin = server.login()
    kiosk = server.device("kiosk")
    issue(server, kiosk)
    cookies = admin.cookies.get_dict()
    server.restart()
    s = requests.Session()
    s.cookies.update(cookies)
    assert s.get(server.url + "/api/me", timeout=5).json()["name"] == "admin"
    assert issue(server, kiosk).json()["ticket"]["display"] == "A002"


def test_kill_9_under_load_loses_no_acknowledged_ticket(tmp_path):
    server = Server(tmp_path / "ops.sqlite").start()
    kiosk = server.device("kiosk")
    acknowledged, stop = [], threading.Event()
    lock = threading.Lock()

    def worker(i):
        n = 0
        while not stop.is_set():
            try:
                r = issue(server, kiosk, {"kind": "walk_in", "department": ["ps", "tax"][i % 2]}, key=f"w{i}-{n}")
            except requests.RequestException:
                return
            if r.status_code == 201:
                with lock:
                    acknowledged.append(r.json()["ticket"])
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while len(acknowledged) < 300 and time.time() < deadline:
        time.sleep(0.01)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 300
    con = sqlite3.connect(server.db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    server.start()
    try:
        stored = {t["id"]: t for t in requests.get(server.url + "/api/tickets?date=2025-10-09", headers=kiosk, timeout=30).json()}
        for t in acknowledged:
            assert t["id"] in stored and stored[t["id"]]["display"] == t["display"]
        for prefix, dept in (("A", "ps"), ("B", "tax")):
            numbers = sorted(int(t["display"][1:]) for t in stored.values() if t["department"] == dept)
            assert numbers == list(range(1, len(numbers) + 1)), f"{prefix} numbers have a gap"
            nxt = issue(server, kiosk, {"kind": "walk_in", "department": dept}).json()["ticket"]
            assert int(nxt["display"][1:]) == len(numbers) + 1
    finally:
        server.stop()


def read_events(resp, n, timeout=10):
    """Reads n SSE events (id, name, data) from a streaming response."""
    events, cur = [], {}
    deadline = time.time() + timeout
    for line in resp.iter_lines(decode_unicode=True):
        if time.time() > deadline:
            break
        if line is None:
            continue
        if line == "":
            if "event" in cur:
                events.append((int(cur.get("id", 0)), cur["event"], json.loads(cur.get("data", "{}"))))
                if len(events) >= n:
                    break
            cur = {}
        elif not line.startswith(":") and ":" in line:
            k, v = line.split(":", 1)
            cur[k] = v.strip()
    return events


def test_live_events_replay_after_last_event_id(server):
    display = server.device("display")
    kiosk = server.device("kiosk")
    token = display["Authorization"].split()[1]
    with requests.get(server.url + f"/api/events?token={token}", stream=True, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        issue(server, kiosk)
        first = read_events(r, 1)
    assert first[0][1] == "issued" and first[0][2]["display"] == "A001"
    issue(server, kiosk)
    issue(server, kiosk)
    with requests.get(server.url + "/api/events", headers={**display, "Last-Event-ID": str(first[0][0])},
                      stream=True, timeout=10) as r:
        missed = read_events(r, 2)
    assert [e[2]["display"] for e in missed] == ["A002", "A003"]
    assert missed[0][0] > first[0][0]


def test_sigterm_stops_cleanly_with_live_streams_open(server):
    display = server.device("display")
    streams = [requests.get(server.url + "/api/events", headers=display, stream=True, timeout=10) for _ in range(3)]
    time.sleep(0.5)
    t0 = time.time()
    assert server.stop(signal.SIGTERM, timeout=20) == 0
    assert time.time() - t0 < 20
    assert any("stopped" in line for line in server.output)
    for s in streams:
        s.close()


def test_case_deadlines_and_supervision(server):
    """An accepted committed item opens a case whose deadline counts working days across National Day."""
    admin = server.login()
    u = server.url
    admin.put(u + "/api/clock", json={"date": "2025-09-29", "minute": 540}, timeout=5)
    ref = requests.get(u + "/api/reference", timeout=5).json()
    item = next(i for i in ref["items"] if i["department"] == "ps" and i["kind"] == "committed")
    kiosk = server.device("kiosk")
    t = issue(server, kiosk, {"kind": "walk_in", "item": item["id"]}).json()["ticket"]
    clerk = server.user("c-wangli", "clerk", staff="wangli")
    clerk.post(u + "/api/windows/ps-1/sign-in", json={}, timeout=5)
    clerk.post(u + "/api/windows/ps-1/open", timeout=5)
    clerk.post(u + "/api/windows/ps-1/call-next", timeout=5)
    clerk.post(u + f"/api/tickets/{t['id']}/start", timeout=5)
    done = clerk.post(u + f"/api/tickets/{t['id']}/finish", json={"outcome": "accepted"}, timeout=5).json()
    case = admin.get(u + f"/api/cases/{done['caseNumber']}", timeout=5).json()
    assert case["accepted"].startswith("2025-09-29") and case["committedDeadline"] > "2025-10-08"
    levels = admin.get(u + "/api/supervision?date=2025-09-29", timeout=5).json()
    assert [e["level"] for e in levels] == ["green"]
    admin.put(u + "/api/clock", json={"date": case["committedDeadline"], "minute": 540}, timeout=5)
    assert [e["level"] for e in admin.get(u + "/api/supervision", timeout=5).json()] == ["yellow"]
    assert clerk.get(u + "/api/supervision?level=yellow", timeout=5).status_code == 200


def test_export_of_a_day_with_department_only_tickets(server, tmp_path):
    """A kiosk ticket taken for a department (no item) is exported with an empty item, not a crash."""
    kiosk = server.device("kiosk")
    served_ticket(server, kiosk)
    issue(server, kiosk)
    server.login().post(server.url + "/api/days/2025-10-09/close", timeout=10)
    server.stop()
    out = tmp_path / "export"
    r = subprocess.run([str(BIN), "export", str(SCENARIO), "--db", str(server.db), "--from", "2025-10-09", "--out", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = (out / "tickets.csv").read_text().splitlines()
    assert len(rows) == 3 and ",ps," in rows[1]
    assert (out / "summary.json").exists()


def test_forecast_from_the_hall_now(server):
    """The now-cast (issue 12) from the store's state: every waiting ticket gets a call forecast, each
    department's queue starts at what is waiting now, and the kiosk prints the forecast's wait."""
    kiosk = server.device("kiosk")
    issued = [issue(server, kiosk, {"kind": "walk_in", "department": "tax"}).json() for _ in range(3)]
    assert all(t["estimate"] in ("forecast", "naive") for t in issued)
    r = requests.get(server.url + "/api/forecast", headers=kiosk, timeout=60)
    assert r.status_code == 200, r.text
    f = r.json()
    assert f["replications"] == 200 and f["level"] == 0.8
    manager = server.user("m-forecast", "manager")
    waiting = manager.get(server.url + "/api/tickets", params={"state": "waiting"}, timeout=5).json()
    assert len(f["calls"]) == len(waiting)
    queues = requests.get(server.url + "/api/queues", headers=kiosk, timeout=5).json()
    for q in f["queues"]:
        assert q["median"][0] == queues.get(q["department"], 0), q["department"]
        assert len(q["minutes"]) == 13
    for c in f["calls"]:
        if c["median"] is not None:
            assert c["low"] <= c["median"] <= c["high"] and c["median"] >= f["minute"]
    t = issue(server, kiosk, {"kind": "walk_in", "department": "tax"}).json()
    if t["estimate"] == "forecast":
        assert t["estimatedWaitLowMinutes"] <= t["estimatedWaitMinutes"] <= t["estimatedWaitHighMinutes"]
    assert requests.get(server.url + "/api/forecast", timeout=5).status_code == 401


def test_calibrate_from_the_database(tmp_path):
    """`hallops calibrate --db` (issue 12): the hall's own records become a calibrated scenario, with every
    field below its minimum sample kept from the base and flagged; bad dates fail with nothing written."""
    db = tmp_path / "ops.sqlite"
    s = Server(db).start()
    try:
        kiosk = s.device("kiosk")
        # Three by item, one by department only (the kiosk's department button).
        for _ in range(3):
            served_ticket(s, kiosk, {"kind": "walk_in", "item": "ps-idcard"})
        served_ticket(s, kiosk)
    finally:
        s.stop()
    out = tmp_path / "cal"
    r = subprocess.run([str(BIN), "calibrate", str(SCENARIO), "--db", str(db), "--from", "2025-10-09",
                        "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "1 days, 4 tickets" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["calibrated.yaml", "calibration.json", "calibration.md"]
    report = json.loads((out / "calibration.json").read_text())
    assert report["fields"] and not any(f["estimated"] for f in report["fields"]), "4 tickets are below every minimum"
    # The calibrated scenario validates.
    v = subprocess.run([str(BIN.parent / "hallsim"), "validate", str(out / "calibrated.yaml")],
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stderr
    for args, words in [(["--from", "2025-13-01"], "expected a date"), (["--from", "2025-10-09", "--to", "2025-10-01"],
                        "on or after"), (["--from", "2025-11-01"], "no tickets")]:
        bad = tmp_path / "bad"
        r = subprocess.run([str(BIN), "calibrate", str(SCENARIO), "--db", str(db), *args, "--out", str(bad)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and words in r.stderr, (args, r.stderr)
        assert not bad.exists()
