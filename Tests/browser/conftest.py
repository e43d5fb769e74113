"""Fixtures of the browser tests (see browser_harness.py)."""
from browser_harness import _binary, browsers, web_server  # noqa: F401  (pytest fixtures)
