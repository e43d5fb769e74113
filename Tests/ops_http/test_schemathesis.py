"""Property-based API fuzzing: schemathesis explores every operation of docs/openapi.yaml against the real
server on loopback (bounded examples, fixed seed), signed in as admin so that the routes behind roles are
reached too. No 500, and every response matches the schema (status codes, content types, bodies)."""
import os
import subprocess
import sys
from pathlib import Path

from hallops_harness import ROOT


def test_no_operation_answers_500(server):
    admin = server.login()
    cookie = "; ".join(f"{k}={v}" for k, v in admin.cookies.get_dict().items())
    st = Path(sys.executable).with_name("schemathesis")
    examples = os.environ.get("HALLOPS_FUZZ_EXAMPLES", "25")
    cmd = [str(st), "run", str(ROOT / "docs" / "openapi.yaml"), "--url", server.url, "-H", f"Cookie: {cookie}",
           "--max-examples", examples, "--seed", "20261205", "--workers", "1",
           "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
           # One worker: with two, CPython 3.11 sometimes fails inside schemathesis's own code generation
           # ("AST constructor recursion depth mismatch"), a runtime error of the tool, not of the server.
           # The live stream never ends by itself, and logging out would end the fuzzer's own session.
           "--exclude-path", "/api/events", "--exclude-path", "/api/logout",
           "--request-timeout", "20"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    tail = (r.stdout + r.stderr)[-6000:]
    print(tail)
    assert r.returncode == 0, tail
