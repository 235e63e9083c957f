"""The job queue: lanes (among waiting jobs, a lower rank runs first; without ranks, first due,
first served), and when its workers are woken."""

from __future__ import annotations

import itertools
import threading

from hooklab.clock import RealClock, VirtualClock
from hooklab.delivery.queue import JobQueue


def virtual_queue():
    ran: list[str] = []
    clock = VirtualClock(start=0)
    return JobQueue("test", clock, ran.append, itertools.count()), clock, ran


def drain(queue):
    while len(queue):
        queue.run_next()


def test_without_ranks_jobs_run_in_due_order():
    queue, _, ran = virtual_queue()
    for due, key in ((3, "c"), (1, "a"), (2, "b"), (2, "b2")):
        queue.push(due, key)
    drain(queue)
    assert ran == ["a", "b", "b2", "c"]


def test_a_rank_0_job_overtakes_a_backlog_of_rank_1_jobs():
    queue, clock, ran = virtual_queue()
    for i in range(5):
        queue.push(1 + i / 100, f"bulk{i}", rank=1)
    queue.push(1.5, "sale")
    clock.advance_to(2)  # all six are due: a backlog
    drain(queue)
    assert ran == ["sale", "bulk0", "bulk1", "bulk2", "bulk3", "bulk4"]


def test_a_rank_does_not_pull_a_job_ahead_of_its_due_time():
    queue, _, ran = virtual_queue()
    queue.push(1, "bulk0", rank=1)
    queue.push(1, "bulk1", rank=1)
    queue.push(5, "sale")  # not due yet while the bulk work is
    drain(queue)
    assert ran == ["bulk0", "bulk1", "sale"]


def threaded_queue(workers: int, until: int):
    """A queue on the real clock whose jobs record their keys; ``done`` is set once ``until`` ran."""
    ran: list[str] = []
    done = threading.Event()

    def run(key):
        ran.append(key)
        if len(ran) == until:
            done.set()

    return JobQueue("test", RealClock(), run, itertools.count(), workers=workers), ran, done


def test_worker_threads_take_the_lowest_rank_first():
    queue, ran, done = threaded_queue(workers=1, until=4)
    try:
        queue.pause()
        for i in range(3):
            queue.push(0, f"bulk{i}", rank=1)
        queue.push(0, "sale")
        queue.resume()
        assert done.wait(5)
    finally:
        queue.stop()
    assert ran == ["sale", "bulk0", "bulk1", "bulk2"]


def test_a_paused_queue_wakes_no_worker_per_job_and_resume_runs_the_backlog():
    queue, ran, done = threaded_queue(workers=2, until=50)
    wakes = []
    notify = queue._cond.notify
    queue._cond.notify = lambda n=1: (wakes.append(n), notify(n))[1]
    try:
        queue.pause()
        for i in range(50):
            queue.push(0, f"job{i}")
        assert wakes == [] and ran == []  # a wake-up per job would be a thread switch for nothing
        queue.resume()
        assert done.wait(5)
        assert len(wakes) == 1  # resume() woke the workers once; ending a job wakes nobody
        queue.push(0, "after")  # running again: a new job wakes a worker
        assert len(wakes) == 2 and wakes[-1] == 1
    finally:
        queue.stop()
    assert sorted(ran[:50]) == sorted(f"job{i}" for i in range(50))


def test_receiver_priority_puts_a_purchase_before_a_bulk_import(vstack):
    vstack.faults.set("crm", latency_ms=100)  # each CRM call takes 0.1 s: a backlog builds

    def burst():
        for _ in range(20):
            vstack.fire("newsletter.subscribed", signup_source="import")
        sale = vstack.fire("order.completed")
        vstack.wait()
        return vstack.events().set_index("id").loc[sale, "lag_s"]

    one_lane = burst()
    vstack.receiver.priority = lambda event: 0 if event["type"].startswith("order.") else 1
    two_lanes = burst()
    assert one_lane > 3 and two_lanes < 1, (one_lane, two_lanes)


def test_a_failing_priority_function_means_lane_0_and_loses_nothing(vstack):
    vstack.receiver.priority = lambda event: 1 / 0
    for _ in range(3):
        vstack.fire("newsletter.subscribed")
    vstack.wait()
    assert (vstack.receiver.inbox().status == "processed").all() and len(vstack.crm.contacts()) == 3
