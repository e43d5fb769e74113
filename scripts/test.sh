#!/usr/bin/env bash
# Sets up, builds, and runs every test. Tests run in release mode: the validation against queueing
# theory simulates millions of applicants to get tight confidence intervals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --build-tests
swift test -c release --skip-build
# Every shipped scenario validates through the command line as well.
for f in scenarios/*.yaml scenarios/validation/*.yaml; do
  .build/release/hallsim validate "$f" >/dev/null
done
echo "scenarios: all valid"
