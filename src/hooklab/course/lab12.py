"""Lab 12: from a slow handler inside the request to acknowledge-then-queue, batching, back-pressure, capacity."""

from __future__ import annotations

import queue
import statistics
import threading
import time

from .boundary import crossing_seconds, is_remote
from .checks import exercise, expect, fail, show
from .messages import _

#: What one CRM call costs the slow handler, in seconds.
CRM_CALL_S = 0.05

#: The latency target of the acknowledge path: p95 below this many milliseconds.
TARGET_P95_MS = 20.0


def slow_handle(event: dict, log: list | None = None) -> None:
    """The integration's work for one event: one CRM call (50 ms)."""
    time.sleep(CRM_CALL_S)
    if log is not None:
        log.append(event)


#: At most this much of one answer time is put down to the grader's round trip: a bound against absurd
#: values only. Code that slows the boundary down on purpose reaches for hooklab.course.boundary, and the
#: grader lists such a cell for review.
MAX_ROUND_TRIP_MS = 100.0


def _post_all(app, events: list[dict]) -> tuple[list[int], list[float]]:
    """Each event posted to ``app``: the statuses, and the answer times in ms (the round trip taken off).

    Graded from another process, each request crosses into the kernel and back. So just before
    each request the grader times one empty crossing (a call into the kernel that calls it back
    once, as the view's ``jobs.put`` does) and takes it off that request's time: the machine's
    load at that moment weighs on both.
    """
    client = app.test_client()
    post = client.post  # fetched once: across processes every attribute lookup is a crossing of its own
    statuses, latencies = [], []
    for event in events:
        overhead = min(crossing_seconds(app) * 1000, MAX_ROUND_TRIP_MS)
        start = time.perf_counter()
        response = post("/webhooks", json=event)
        latencies.append(max(0.0, (time.perf_counter() - start) * 1000 - overhead))
        statuses.append(response.status_code)
    return statuses, latencies


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


#: Across processes, the target: an answer time well under the 50 ms CRM call a handler in the request adds.
REMOTE_TARGET_MS = 35.0


def _answer_time(app, latencies: list[float]) -> tuple[str, float, float]:
    """What 12.1 judges, its value and its target: the p95 under 20 ms in the notebook; across processes,
    the median under 35 ms.

    Graded from another process, each request crosses into the kernel and back; the measured round
    trip is taken off, but what remains still carries the grading machine's load (other students'
    kernels share its cores). So there the median decides, against a target that only a handler run
    inside the request, 50 ms on every answer, cannot meet.
    """
    if is_remote(app):
        return (_("median answer time (graded across processes, the round trip taken off)"),
                statistics.median(latencies), REMOTE_TARGET_MS)
    return _("p95 answer time"), _p95(latencies), TARGET_P95_MS


def _events(n: int, start: int = 0) -> list[dict]:
    return [{"id": f"msg_{i}", "type": "newsletter.subscribed", "data": {"email": f"p{i}@example.com"}}
            for i in range(start, start + n)]


@exercise("12.1", points=3, title="Acknowledge at once, queue the work")
def _acknowledge(make_app):
    jobs: queue.Queue = queue.Queue()
    app = make_app(jobs)
    expect(hasattr(app, "test_client"), expected=_("a Flask app"), got=show(app), hint=_("return the app you built"))
    events = _events(30)
    statuses, latencies = _post_all(app, events)
    expect(statuses == [202] * 30, expected=_("202 Accepted for every event"), got=show(sorted(set(statuses))),
           hint=_('return jsonify(status="accepted"), 202 after putting the event on the queue'))
    queued = []
    while not jobs.empty():
        queued.append(jobs.get_nowait())
    expect(queued == events, expected=_("the 30 events on the queue, in order, unchanged"),
           got=_("{n} item(s), first {first}", count=len(queued), n=len(queued), first=show(queued[:1])),
           hint=_("put the parsed JSON body, request.get_json(), on jobs as it is"))
    what, ms, target = _answer_time(app, latencies)
    expect(ms < target, expected=_("{what} under {target:g} ms", what=what, target=target), got=f"{ms:.1f} ms",
           hint=_("do no work in the request: no handler call, no sleep, just put and answer"))
    return _("the sender waits under {target:g} ms, not the {handler:.0f} ms of the handler",
             target=TARGET_P95_MS, handler=CRM_CALL_S * 1000)


def _run_worker(work, jobs: queue.Queue, handle, size: int, seconds: float = 5) -> dict:
    """Run ``work(jobs, handle, size)`` on a thread; its return value (``"n"``) or error, once it ends."""
    result: dict = {}
    done = threading.Event()

    def run():
        try:
            result["n"] = work(jobs, handle, size)
        except Exception as e:  # raised again by the caller, in check()'s thread
            result["error"] = e
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    if not done.wait(seconds):
        fail(expected=_("work() to return after the None that ends the queue"),
             got=_("it still runs after {seconds:g} s", seconds=seconds),
             hint=_("stop the loop when you take None off the queue"))
    if "error" in result:
        raise result["error"]  # a stub is "not answered yet", any other error the learner's own
    return result


def _judge_batches(work, n: int, size: int, want: list[int]) -> None:
    """``n`` events already waiting, then None: batches of the sizes ``want``, every event once, in order."""
    jobs: queue.Queue = queue.Queue()
    for event in _events(n):
        jobs.put(event)
    jobs.put(None)
    batches: list[list] = []
    result = _run_worker(work, jobs, batches.append, size)
    sizes = [len(b) for b in batches]
    expect(sizes == want, expected=_("batches of {want} for {n} events with batch_size {size}",
                                     want=want, n=n, size=size),
           got=show(sizes), hint=_("block for the first item, then take more with get_nowait() up to batch_size"))
    flat = [e for b in batches for e in b]
    expect(flat == _events(n), expected=_("every event once, in order"),
           got=_("{n} event(s)", count=len(flat), n=len(flat)),
           hint=_("pass each batch (a list of events) to handle, once"))
    expect(result.get("n") == n, expected=_("work() to return {n}, the events handled", n=n),
           got=show(result.get("n")), hint=_("count the events, not the batches"))


@exercise("12.2", points=3, title="A worker that handles events in batches")
def _work(work):
    for n, size, want in ((25, 10, [10, 10, 5]), (7, 3, [3, 3, 1]), (4, 10, [4])):
        _judge_batches(work, n, size, want)
    return _("one CRM call per batch instead of one per event")


@exercise("12.3", points=2, title="Back-pressure: say 503 when the queue is full")
def _bounded(make_bounded_app):
    jobs: queue.Queue = queue.Queue()
    app = make_bounded_app(jobs, 5)
    client = app.test_client()
    answers = [client.post("/webhooks", json=e) for e in _events(8)]
    statuses = [r.status_code for r in answers]
    expect(statuses == [202] * 5 + [503] * 3, expected=_("202 for the first 5 events, then 503 (limit 5)"),
           got=show(statuses), hint=_("compare jobs.qsize() with limit first, and answer 503 before putting anything"))
    expect(all(r.headers.get("Retry-After", "").isdigit() for r in answers[5:]),
           expected=_("a Retry-After header (seconds) on each 503"), got=show(answers[5].headers.get("Retry-After")),
           hint=_('return jsonify(error="busy"), 503, {"Retry-After": "10"}'))
    expect(jobs.qsize() == 5, expected=_("only the 5 accepted events queued"), got=jobs.qsize(),
           hint=_("a refused event is not queued: the sender keeps it and retries later"))
    jobs.get_nowait()
    expect(client.post("/webhooks", json=_events(1, 8)[0]).status_code == 202,
           expected=_("202 again once the queue has room"), got=_("not 202"),
           hint=_("compare with the queue's size now"))
    return _("a full queue pushes back on the sender instead of growing without bound")


#: 12.4's cases: (rate per second, seconds per event, utilisation) -> workers.
CAPACITY = {(100, 0.05, 0.7): 8, (10, 0.05, 0.7): 1, (250, 0.2, 0.8): 63, (1, 2.0, 0.5): 4, (30, 0.1, 0.4): 8}


@exercise("12.4", points=2, title="How many workers?")
def _capacity(workers_needed):
    for (rate, seconds, utilisation), want in CAPACITY.items():
        got = workers_needed(rate, seconds, utilisation)
        hint = (_("a whole number: round a fraction of a worker up, never down") if got is not None and got != want
                and isinstance(got, (int, float)) and not float(got).is_integer() else
                _("rate * seconds is the busy workers on average; divide by utilisation; round up"))
        expect(got == want, expected=_("{want} workers for {rate}/s at {seconds} s each, kept {utilisation:.0%} busy",
                                       want=want, rate=rate, seconds=seconds, utilisation=utilisation),
               got=show(got), hint=hint)
    return _("capacity = arrival rate × work per event, with headroom")
