"""A queue of jobs that fall due at a given time, driven by threads or by a pump.

On the real clock, worker threads take jobs as they fall due. On the virtual
clock no thread runs: :meth:`Stack.wait` pumps the earliest job of all queues,
moving the clock to its due time, so a seeded run happens in one order only.

A job may carry a *rank* (lanes): among the jobs already due, the lowest rank runs
first, so a backlog of rank-1 work (a bulk import) does not hold up a rank-0 job.
Without ranks the queue is first due, first served.

With ``batch_size`` above 1 and a ``run_many`` function, a worker takes up to
``batch_size`` due jobs at once and hands them over together, so their work can
go out in batch calls. Like a Kafka producer's ``linger.ms``, it waits up to
``linger`` seconds past the first job's due time for the batch to fill: a little
delay for far fewer calls. (The virtual pump runs one job at a time, so a seeded
run keeps one order.)
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from typing import Any, Callable, Hashable

from ..clock import Clock

__all__ = ["JobQueue"]

log = logging.getLogger("hooklab.queue")


class JobQueue:
    """Jobs ``(due, key)`` run by ``run(key)``; keys are unique while queued."""

    def __init__(self, name: str, clock: Clock, run: Callable[[Hashable], Any],
                 sequence: "itertools.count[int]", workers: int = 2,
                 run_many: Callable[[list[Hashable]], Any] | None = None, linger: float = 0.0) -> None:
        self.name = name
        self.clock = clock
        self._run = run
        self._run_many = run_many
        self.batch_size = 1  # 1: no batching, and so no lingering
        self.linger = linger
        self._seq = sequence  # shared by all queues of a stack: one total order
        self._heap: list[tuple[float, int, Hashable]] = []
        self._queued: set[Hashable] = set()
        self._ranks: dict[Hashable, int] = {}  # only the jobs pushed with a rank other than 0
        self._cond = threading.Condition()
        self.in_flight = 0
        self.paused = False
        self._stopped = False
        self._threads: list[threading.Thread] = []
        if not clock.virtual:
            for i in range(workers):
                t = threading.Thread(target=self._work, name=f"hooklab-{name}-{i}", daemon=True)
                t.start()
                self._threads.append(t)

    def push(self, due: float, key: Hashable, rank: int = 0, sooner: bool = False) -> None:
        """Queue ``key`` to run at ``due``; among due jobs, a lower ``rank`` runs first.

        A key already queued keeps its place, unless ``sooner`` and ``due`` comes first: then it moves
        up to ``due`` (a replay of a delivery that waits for a retry goes now, not at the retry's time).
        """
        with self._cond:
            if key in self._queued:
                at = next((i for i, (when, _seq, k) in enumerate(self._heap) if k == key), None)
                if sooner and at is not None and due < self._heap[at][0]:
                    self._heap[at] = (due, self._heap[at][1], key)
                    heapq.heapify(self._heap)
                    self._cond.notify()
                return
            self._queued.add(key)
            if rank:
                self._ranks[key] = rank
            heapq.heappush(self._heap, (due, next(self._seq), key))
            # A worker lingering for a batch to fill is woken when the batch is full or the new job
            # comes first, and none is woken while paused (resume() wakes them all): waking one for
            # nothing costs a thread switch an event.
            if not self.paused and (self._run_many is None or len(self._heap) >= self.batch_size
                                    or self._heap[0][2] == key):
                self._cond.notify()

    def __len__(self) -> int:
        return len(self._heap)

    @property
    def idle(self) -> bool:
        with self._cond:
            return not self._heap and self.in_flight == 0

    def peek(self) -> tuple[float, int] | None:
        """``(due, seq)`` of the next job, or None."""
        with self._cond:
            return self._heap[0][:2] if self._heap else None

    def next_due(self) -> float | None:
        head = self.peek()
        return head[0] if head else None

    def _pop(self) -> tuple[float, Hashable]:
        """Take the next job (lock held): the earliest; with ranks, the lowest rank of those due."""
        if not self._ranks:
            due, _, key = heapq.heappop(self._heap)
        else:
            now = max(self.clock.now(), self._heap[0][0])
            i = min((i for i, job in enumerate(self._heap) if job[0] <= now),
                    key=lambda i: (self._ranks.get(self._heap[i][2], 0), self._heap[i][:2]))
            due, _, key = self._heap[i]
            self._heap[i] = self._heap[-1]
            self._heap.pop()
            heapq.heapify(self._heap)
            self._ranks.pop(key, None)
        self._queued.discard(key)
        return due, key

    def run_next(self) -> None:
        """Pop the next job, whatever its due time, and run it here (virtual pump)."""
        with self._cond:
            due, key = self._pop()
            self.in_flight += 1
        try:
            self.clock.advance_to(due)  # type: ignore[attr-defined]
            self._safe_run([key])
        finally:
            with self._cond:
                self.in_flight -= 1

    def _safe_run(self, keys: list[Hashable]) -> None:
        try:
            if len(keys) == 1:
                self._run(keys[0])
            else:
                self._run_many(keys)  # type: ignore[misc]
        except Exception:  # a job must never kill its worker
            log.exception("job(s) %r of %s failed", keys, self.name)

    def _take(self) -> list[Hashable]:
        """The next due job, and more due ones up to ``batch_size`` (lock held)."""
        keys = [self._pop()[1]]
        if self._run_many is not None:
            now = self.clock.now()
            while len(keys) < self.batch_size and self._heap and self._heap[0][0] <= now:
                keys.append(self._pop()[1])
        return keys

    def _work(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopped:
                        return
                    if self._heap and not self.paused:
                        wait = self._heap[0][0] - self.clock.now()
                        if self._run_many is not None and len(self._heap) < self.batch_size:
                            wait += self.linger  # let the batch fill
                        if wait <= 0:
                            keys = self._take()
                            self.in_flight += len(keys)
                            break
                        self._cond.wait(min(wait, 1.0))
                    else:
                        self._cond.wait()
            try:
                self._safe_run(keys)
            finally:
                with self._cond:  # nothing waits for a job to end: wake nobody
                    self.in_flight -= len(keys)

    def pause(self) -> None:
        """Stop taking jobs (those running finish); jobs keep queueing: a backlog builds."""
        with self._cond:
            self.paused = True

    def resume(self) -> None:
        with self._cond:
            self.paused = False
            self._cond.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
