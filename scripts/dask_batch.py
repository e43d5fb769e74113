"""Run a hallsim sweep on a Dask cluster: one task per shard, then `hallsim merge`.

    python scripts/dask_batch.py SWEEP.yaml --out DIR [--shards N] [--scheduler tcp://host:8786]
                                 [--workers 2] [--work SHARED_DIR] [--hallsim PATH]

Without --scheduler a LocalCluster is started (processes, one thread each). On a real cluster give
--work a directory every worker can write and the merging process can read (a shared filesystem),
and --hallsim a path valid on the workers. The merged files are byte for byte those of
`hallsim batch SWEEP.yaml --out DIR` in one process.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from dask.distributed import Client, LocalCluster


def run_shard(hallsim: str, sweep: str, k: int, n: int, out: str) -> str:
    done = subprocess.run([hallsim, "batch", sweep, "--shard", f"{k}/{n}", "--out", out, "--threads", "1"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"shard {k}/{n} failed ({done.returncode}):\n{done.stderr}")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sweep")
    p.add_argument("--out", required=True)
    p.add_argument("--shards", type=int, help="number of shards (default: 2 per worker)")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers")
    p.add_argument("--work", help="directory for shard outputs (default: a temporary one)")
    p.add_argument("--hallsim", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "hallsim"))
    a = p.parse_args()
    hallsim, sweep = os.path.abspath(a.hallsim), os.path.abspath(a.sweep)
    shards = a.shards or 2 * a.workers
    if shards < 1:
        print("--shards must be at least 1", file=sys.stderr)
        return 2
    work = a.work or tempfile.mkdtemp(prefix="hallsim-dask-")
    try:
        cluster = None if a.scheduler else LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                                                        dashboard_address=None)
        with Client(a.scheduler or cluster) as client:
            futures = [client.submit(run_shard, hallsim, sweep, k, shards, os.path.join(work, f"shard-{k}"), pure=False)
                       for k in range(shards)]
            dirs = client.gather(futures)
        if cluster is not None:
            cluster.close()
        merged = subprocess.run([hallsim, "merge", *dirs, "--out", a.out])
        return merged.returncode
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
