#!/usr/bin/env bash
# Sets up, builds, and simulates the example county hall; results go to outputs/county-hall/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product hallsim
.build/release/hallsim run scenarios/county-hall.yaml --replications 20 --seed 1 --out outputs/county-hall "$@"
echo "report: outputs/county-hall/report.html (findings and charts; report.md has the tables)"
