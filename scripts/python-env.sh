#!/usr/bin/env bash
# The Python environment of the checks: .venv (git-ignored) with scripts/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
