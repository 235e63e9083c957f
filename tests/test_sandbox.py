"""Grading runs on one machine never share a sandbox user: each holds its slots while it runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hooklab.course.sandbox import reserved_slots

pytestmark = pytest.mark.skipif(os.name != "posix", reason="flock slots are POSIX; elsewhere no uid is used")


def test_two_runs_get_disjoint_slots_and_give_them_back():
    with reserved_slots(2) as first:
        with reserved_slots(3) as second:
            assert len(first) == 2 and len(second) == 3 and not set(first) & set(second)
    with reserved_slots(2) as again:
        assert again == first  # released at the end of the run: the lowest free slots again


def test_a_slot_held_by_another_process_is_skipped_until_that_process_ends():
    with reserved_slots(1) as [mine]:
        pass
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom hooklab.course.sandbox import reserved_slots\n"
        "with reserved_slots(1) as s:\n    print(s[0], flush=True)\n    sys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        held = int(holder.stdout.readline())
        with reserved_slots(1) as [other]:
            assert held == mine and other != held
    finally:
        holder.kill()  # killed, not closed: the operating system still releases its lock
        holder.wait()
    with reserved_slots(1) as [free]:
        assert free == held
