#!/usr/bin/env bash
# Executes every notebook headless on small outputs made first, so the notebooks never rot.
# Python packages go into .venv (git-ignored). Needs .build/release/hallsim (scripts/test.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r notebooks/requirements.txt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.build/release/hallsim run scenarios/county-hall.yaml --replications 4 --out "$out/county" >/dev/null
.build/release/hallsim run scenarios/validation/pooling-dedicated.yaml --replications 2 --out "$out/pooling" >/dev/null
for run in "$out/county" "$out/pooling"; do
  .venv/bin/python notebooks/execute.py notebooks/run.ipynb "$run" 2> >(grep -v "without encryption" >&2)
done
