"""Execute a notebook headless against a run directory; exit non-zero on any cell error.

    python notebooks/execute.py notebooks/run.ipynb RUN_DIR
"""
import os
import sys

import nbclient
import nbformat


def main() -> int:
    notebook, run_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    os.environ["HALLSIM_RUN_DIR"] = run_dir
    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook))}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{notebook} on {run_dir}: a cell failed\n{e}", file=sys.stderr)
        return 1
    print(f"{notebook} on {run_dir}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
