#!/usr/bin/env bash
# Executes every notebook headless on small outputs made first, so the notebooks never rot.
# Python packages go into .venv (git-ignored). Needs .build/release/hallsim (scripts/test.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.build/release/hallsim run scenarios/county-hall.yaml --replications 4 --out "$out/county" >/dev/null
.build/release/hallsim run scenarios/validation/pooling-dedicated.yaml --replications 2 --out "$out/pooling" >/dev/null
.build/release/hallsim compare scenarios/validation/pooling-dedicated.yaml scenarios/validation/pooling-universal.yaml \
  --replications 5 --out "$out/compare" >/dev/null
# Two small sweeps of the pooling hall: two factors with numbers as values, and one with names.
base="$PWD/scenarios/validation/pooling-universal.yaml"
cat >"$out/sweep-numbers.yaml" <<YAML
base: "$base"
replications: 2
factors:
  - {name: demand_scale, path: demand_scale, values: [0.9, 1.0]}
  - {name: "windows[id=u].count", path: "windows[id=u].count", values: [6, 7]}
YAML
cat >"$out/sweep-names.yaml" <<YAML
base: "$base"
replications: 2
factors:
  - {name: calling, path: calling, values: [fifo, longest_queue_first]}
YAML
.build/release/hallsim batch "$out/sweep-numbers.yaml" --out "$out/batch-numbers" >/dev/null
.build/release/hallsim batch "$out/sweep-names.yaml" --out "$out/batch-names" >/dev/null
execute() {  # NOTEBOOK RUN_DIR
  .venv/bin/python notebooks/execute.py "notebooks/$1" "$2" 2> >(grep -v "without encryption" >&2)
}
for run in "$out/county" "$out/pooling"; do execute run.ipynb "$run"; done
execute month.ipynb "$out/county"
execute compare.ipynb "$out/compare"
for run in "$out/batch-numbers" "$out/batch-names"; do execute batch.ipynb "$run"; done
