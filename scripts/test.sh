#!/usr/bin/env bash
# Sets up, builds, and runs every test. Tests run in release mode: the validation against queueing
# theory simulates millions of applicants to get tight confidence intervals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --build-tests
# Every shipped scenario validates through the command line as well.
for f in scenarios/*.yaml scenarios/validation/*.yaml; do
  .build/release/hallsim validate "$f" >/dev/null
done
echo "scenarios: all valid"
# Mutation fuzzer over the loaders and the command line, against this one release build (about two
# minutes; HALLSIM_FUZZ_SECONDS to change). Failing inputs are saved under Tests/fuzz/regressions.
python3 scripts/fuzz.py --seconds "${HALLSIM_FUZZ_SECONDS:-120}"
bash scripts/python-env.sh
.venv/bin/python scripts/check-calendar.py
bash scripts/check-notebooks.sh
bash scripts/check-distributed.sh
# The operations server over HTTP: the real release binary on 127.0.0.1 (sign-in and roles, concurrency,
# idempotency, kill -9, SIGTERM with live streams, bad requests), then schemathesis over docs/openapi.yaml.
# The hall's screens in headless Chromium (Selenium): screenshots under outputs/screens/.
HALLOPS_BIN=.build/release/hallops .venv/bin/python -m pytest -q -p no:cacheprovider Tests/ops_http Tests/browser
# Benchmarks' smoke run on the same build (figures printed, nothing judged).
swift run -c release --skip-build opsbench --quick
swift run -c release --skip-build hallbench --quick
# The suite is XCTest; its summary ("Executed N tests, with 0 failures") is the closing line.
swift test -c release --skip-build --disable-swift-testing
