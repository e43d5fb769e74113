"""Fixtures of the HTTP tests: the real `hallops` binary on 127.0.0.1 (see hallops_harness.py)."""
from hallops_harness import _binary, server  # noqa: F401  (pytest fixtures)
