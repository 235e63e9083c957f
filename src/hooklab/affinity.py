"""Keep a stack's threads on one CPU core.

A stack is a score of threads in one interpreter, and only the thread that holds the
GIL runs Python. Every socket call and every SQLite statement lets go of the GIL and
takes it back, several times per event. With the threads spread over the cores, each
hand-over wakes a thread on another core (an inter-processor interrupt, dear on a
virtual machine), and the woken thread often finds the GIL taken again and sleeps
(the GIL's convoy effect). On one core the same hand-over is a plain context switch.
A second core gives these threads nothing to run in parallel: the GIL already
serialises them. On this project's 2-core machine, 10,000 events ran from source to CRM
1.3 to 2 times faster this way (``docs/performance.md``).

So a stack starts its threads on one core (threads inherit their creator's affinity on
Linux), and :meth:`~hooklab.Stack.fire`, :meth:`~hooklab.Stack.fire_many` and
:meth:`~hooklab.Stack.wait` join that core while they run. The rest of the process,
the notebook's own code included, keeps every core it had. A stack takes the core its
creator runs on when it starts, where the scheduler put it, so the kernels of a
JupyterHub node spread over the machine.

Linux only (``os.sched_setaffinity``); elsewhere, on one core, or with the environment
variable ``HOOKLAB_ONE_CORE=0``, nothing is pinned.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["choose", "on"]


def choose() -> int | None:
    """The core for a new stack: the one the calling thread runs on now, or None.

    The scheduler has just put the thread on the core it judged least busy, so kernels
    that start stacks at the same time on one host tend to land on different cores.
    None when there is nothing to pin (not Linux, one core only, or turned off).
    """
    if not hasattr(os, "sched_setaffinity") or os.environ.get("HOOKLAB_ONE_CORE", "1") == "0":
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    try:  # field 39 of the thread's stat: the CPU it last ran on (here, this very moment)
        with open(f"/proc/self/task/{threading.get_native_id()}/stat") as f:
            current = int(f.read().rsplit(")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        current = None
    return current if current in allowed else allowed[os.getpid() % len(allowed)]


@contextmanager
def on(core: int | None) -> Iterator[None]:
    """Run the calling thread on ``core`` inside the block, then give it back its cores.

    Threads started inside the block stay on ``core`` for their whole life.
    ``core=None`` does nothing.
    """
    before = None
    if core is not None:
        try:
            before = os.sched_getaffinity(0)  # 0: the calling thread, not the whole process
            os.sched_setaffinity(0, {core})
        except OSError:  # the core was taken away meanwhile (a cgroup's cpuset): run where allowed
            before = None
    try:
        yield
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
