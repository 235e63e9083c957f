"""Fixtures, and a guard that fails any test leaving a stack, a thread, a socket or a file
behind, or a thread pinned to fewer cores than the process has."""

from __future__ import annotations

import os
import threading
import time

import psutil
import pytest

import hooklab
from hooklab import stack as stack_module


def _leftovers() -> dict:
    proc = psutil.Process()
    return {
        "threads": sorted(t.name for t in threading.enumerate() if t.name.startswith(("hooklab", "waitress"))),
        "listening": sorted(c.laddr.port for c in proc.net_connections("tcp") if c.status == "LISTEN"),
        "databases": sorted(f.path for f in proc.open_files() if ".db" in f.path),
        # nothing in hooklab may move the calling thread onto fewer cores
        "cores": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [],
    }


@pytest.fixture(autouse=True)
def no_leaks():
    before = _leftovers()
    yield
    if stack_module._current is not None:
        stack_module._current.stop()
        pytest.fail("the test left a stack running (use `with hooklab.start() as stack:`)")
    deadline = time.monotonic() + 2
    while (after := _leftovers()) != before and time.monotonic() < deadline:
        time.sleep(0.02)  # connection threads take a moment to notice a closed socket
    assert after == before, f"left behind: {after} (before the test: {before})"


@pytest.fixture
def vstack():
    """A seeded stack on the virtual clock."""
    with hooklab.start(seed=7, clock="virtual") as stack:
        yield stack


@pytest.fixture
def rstack():
    """A seeded stack on the real clock."""
    with hooklab.start(seed=7) as stack:
        yield stack
