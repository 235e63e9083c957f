"""Real and virtual clocks.

Every time the stack logs or schedules comes from one clock object, so the same
code runs on wall time or on a virtual timeline. With the virtual clock, time
only moves when the stack says so: a retry due in five hours is reached by
jumping to it, not by waiting, and a seeded run always logs the same times.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

from .errors import ConfigError

__all__ = ["Clock", "RealClock", "VirtualClock", "VIRTUAL_EPOCH", "make_clock"]

#: Where every virtual timeline starts: Monday 2026-01-05 09:00:00 UTC.
VIRTUAL_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc).timestamp()


class Clock:
    """Seconds since the Unix epoch, as a float."""

    virtual = False

    def __init__(self) -> None:
        # Set by stop(): wakes every sleep so threads end promptly.
        self.stopping = threading.Event()

    def now(self) -> float:
        raise NotImplementedError

    def sleep(self, seconds: float) -> None:
        raise NotImplementedError

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.datetime():%Y-%m-%d %H:%M:%S}>"


class RealClock(Clock):
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.stopping.wait(seconds)


class VirtualClock(Clock):
    """A clock that moves only by :meth:`advance` / :meth:`advance_to`.

    ``sleep`` advances the timeline instead of blocking: in a virtual run work
    happens one step at a time, so the step that sleeps owns the timeline.
    """

    virtual = True

    def __init__(self, start: float = VIRTUAL_EPOCH) -> None:
        super().__init__()
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ConfigError(f"a clock cannot go backwards (advance by {seconds} s): pass 0 or more seconds")
        with self._lock:
            self._now += seconds
            return self._now

    def advance_to(self, when: float) -> float:
        with self._lock:
            self._now = max(self._now, when)
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)


def make_clock(kind: "str | Clock") -> Clock:
    if isinstance(kind, Clock):
        return kind
    if kind == "real":
        return RealClock()
    if kind == "virtual":
        return VirtualClock()
    raise ConfigError(f"clock must be 'real' or 'virtual', not {kind!r}")
