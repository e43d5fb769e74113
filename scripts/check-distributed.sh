#!/usr/bin/env bash
# The distributed runners give the one-process result byte for byte: the Dask runner on a LocalCluster
# with 2 workers, and the Slurm array scripts run here task by task with Slurm's variables set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
sweep=scenarios/sweeps/tidal-threshold.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.build/release/hallsim batch "$sweep" --out "$out/single" >/dev/null
.venv/bin/python scripts/dask_batch.py "$sweep" --out "$out/dask" --workers 2 --shards 4 >/dev/null
for task in 3 4 5; do
  SLURM_ARRAY_TASK_ID=$task SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=3 SLURM_CPUS_PER_TASK=1 \
    SWEEP=$sweep OUT="$out/slurm" bash scripts/slurm/batch.sbatch >/dev/null
done
OUT="$out/slurm" bash scripts/slurm/merge.sbatch >/dev/null
for f in tidy.csv aggregate.csv batch.json; do
  cmp "$out/single/$f" "$out/dask/$f"
  cmp "$out/single/$f" "$out/slurm/merged/$f"
done
echo "distributed: Dask (2 workers, 4 shards) and Slurm (3 array tasks) merge to the one-process bytes"
