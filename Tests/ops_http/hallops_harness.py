"""The HTTP tests' harness (imported by Tests/ops_http/conftest.py and Tests/browser): starts the real `hallops` binary on 127.0.0.1 (a free port) for the HTTP tests, and stops it."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("HALLOPS_BIN", ROOT / ".build" / "release" / "hallops"))
SCENARIO = ROOT / "scenarios" / "county-hall.yaml"
ADMIN_PASSWORD = "admin-password-1"


class Server:
    """One hallops process; `restart()` keeps the database."""

    def __init__(self, db: Path, clock: str | None = "2025-10-09T08:30", extra=(), web: bool = False):
        self.db = db
        self.web = web
        self.clock = clock
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.output = []

    def start(self):
        # A restart keeps the port, as a real hall's server would (pages reconnect to the same address).
        cmd = [str(BIN), "serve", str(SCENARIO), "--db", str(self.db), "--port", str(self.port or 0), *self.extra]
        if self.web:
            cmd += ["--web", str(ROOT / "web")]
        if self.clock:
            cmd += ["--manual-clock", self.clock]
        env = dict(os.environ, HALLOPS_ADMIN_PASSWORD=ADMIN_PASSWORD)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError("hallops exited: " + "".join(self.output))
                continue
            self.output.append(line)
            m = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        else:
            raise RuntimeError("hallops did not start: " + "".join(self.output))
        # Drain the rest of its output in the background so the pipe never fills.
        import threading

        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self):
        for line in self.proc.stdout:
            self.output.append(line)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"hallops did not stop within {timeout} s of {sig!r}")
        return self.proc.returncode

    def restart(self):
        self.stop()
        return self.start()

    # Helpers: sessions and devices.
    def login(self, name="admin", password=ADMIN_PASSWORD) -> requests.Session:
        s = requests.Session()
        r = s.post(self.url + "/api/login", json={"name": name, "password": password}, timeout=10)
        assert r.status_code == 200, r.text
        return s

    def device(self, kind="kiosk", name=None) -> dict:
        admin = self.login()
        r = admin.post(self.url + "/api/devices", json={"name": name or f"{kind}-{time.time_ns()}", "kind": kind}, timeout=10)
        assert r.status_code == 201, r.text
        return {"Authorization": "Bearer " + r.json()["token"]}

    def user(self, name, role, staff=None, password="clerk-password-1") -> requests.Session:
        admin = self.login()
        body = {"name": name, "role": role, "password": password}
        if staff:
            body["staffID"] = staff
        r = admin.post(self.url + "/api/users", json=body, timeout=10)
        assert r.status_code == 201, r.text
        return self.login(name, password)


@pytest.fixture(scope="session", autouse=True)
def _binary():
    if not BIN.exists():
        pytest.fail(f"{BIN} is missing: build it with `swift build -c release --build-tests` first")


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "ops.sqlite").start()
    yield s
    s.stop(timeout=30)
