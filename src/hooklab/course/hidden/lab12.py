"""Lab 12's hidden checks: fresh apps per call, other payloads and limits, a worker that must not wait for a
full batch, and capacities the learner never saw."""

from __future__ import annotations

import contextvars
import math
import queue
import random
import threading
import time

from ..checks import expect, fail, hidden, show
from ..lab12 import _answer_time, _events, _judge_batches, _post_all, _run_worker
from ..messages import _

#: Payloads unlike the visible ones: accents, nesting, numbers, booleans, null, an empty list.
_ODD = [
    {"id": "msg_a", "type": "form.submitted", "data": {"name": "João Pereira", "company": "Café & Cia", "consent": True}},
    {"id": "msg_b", "type": "order.completed", "data": {"items": [{"sku": "TV-65", "quantity": 1, "unit_price": 899.0}],
                                                       "total": 899.0, "coupon": None}},
    {"id": "msg_c", "type": "cart.abandoned", "data": {"items": [], "total": 0, "note": "ok\n\"quoted\""}},
    {"id": "msg_d", "type": "contact.updated", "data": {"email": "li.wei@example.com", "version": 12, "tags": ["vip"]}},
]


def _drain(jobs: queue.Queue) -> list:
    out = []
    while True:
        try:
            out.append(jobs.get_nowait())
        except queue.Empty:
            return out


@hidden("12.1")
def _acknowledge(make_app):
    first, second = queue.Queue(), queue.Queue()
    app_1, app_2 = make_app(first), make_app(second)
    client_1, client_2 = app_1.test_client(), app_2.test_client()
    statuses = [client_2.post("/webhooks", json=e).status_code for e in _ODD]
    expect(statuses == [202] * len(_ODD), expected=_("202 for each event of a second app"), got=show(statuses),
           hint=_("make_app builds a new Flask app on each call (no app at module level), so a second call works too"))
    got_1, got_2 = _drain(first), _drain(second)
    expect(got_2 == _ODD and not got_1, expected=_("each app to put its events on its own queue, unchanged"),
           got=_("{second} on the second app's queue, {first} on the first's; first item {item}",
                 second=len(got_2), first=len(got_1), item=show(got_2[:1])),
           hint=_("use the jobs passed to make_app, inside the view; do not keep a queue from an earlier call"))
    client_1.post("/webhooks", json=_ODD[0])
    expect(_drain(first) == [_ODD[0]] and not _drain(second), expected=_("the first app still to use its own queue"),
           got=_("its event went elsewhere"), hint=_("each app puts on the jobs it was made with"))
    events = [{**e, "data": {**e["data"], "blob": "x" * 2000}} for e in _events(40, 100)]
    app = make_app(queue.Queue())
    statuses, latencies = _post_all(app, events)
    what, ms, target = _answer_time(app, latencies)
    expect(ms < target, expected=_("{what} under {target:g} ms for 40 larger events", what=what, target=target),
           got=f"{ms:.1f} ms", hint=_("do no work in the request: no handler call, no sleep, just put and answer"))


@hidden("12.2")
def _work(work):
    for n, size in ((0, 5), (1, 1), (6, 1), (12, 4), (9, 9), (10, 9)):
        _judge_batches(work, n, size, [size] * (n // size) + ([n % size] if n % size else []))
    # Events that trickle in: a batch goes out with what is waiting, it does not wait to be full.
    jobs: queue.Queue = queue.Queue()
    batches: list[list] = []
    arrived = threading.Event()

    def handle(batch):
        batches.append(batch)
        arrived.set()

    holder: dict = {}
    context = contextvars.copy_context()  # a new thread starts with no language: it speaks the check's

    def watch():
        holder["r"] = context.run(_try, _run_worker, work, jobs, handle, 10, 10)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    for event in _events(2):
        jobs.put(event)
    if not arrived.wait(2):
        jobs.put(None)
        thread.join(10)
        fail(expected=_("the 2 waiting events handled at once, as a batch of 2 (batch_size 10)"),
             got=_("handle was not called within 2 s"),
             hint=_("after the first jobs.get(), take only what is already waiting (get_nowait until queue.Empty), "
                    "then call handle"))
    time.sleep(0.05)
    for event in _events(3, 2):
        jobs.put(event)
    jobs.put(None)
    thread.join(10)
    if isinstance(holder.get("r"), BaseException):
        raise holder["r"]
    flat = [e for b in batches for e in b]
    expect(flat == _events(5), expected=_("all 5 events once, in order, when they trickle in"),
           got=_("batches of {sizes}", sizes=[len(b) for b in batches]),
           hint=_("keep looping after a short batch until None arrives"))


def _try(fn, *args):
    try:
        return fn(*args)
    except BaseException as e:  # handed back to the check's thread
        return e


@hidden("12.3")
def _bounded(make_bounded_app):
    for limit in (1, 3, 8):
        jobs: queue.Queue = queue.Queue()
        client = make_bounded_app(jobs, limit).test_client()
        statuses = [client.post("/webhooks", json=e).status_code for e in _events(limit + 2)]
        expect(statuses == [202] * limit + [503] * 2, expected=_("202 for the first {limit}, then 503 (limit {limit})",
                                                                   limit=limit),
               got=show(statuses), hint=_("compare with the limit you are given, not a number of your own"))
        _drain(jobs)
        again = [client.post("/webhooks", json=e).status_code for e in _events(limit, 50)]
        expect(again == [202] * limit, expected=_("{limit} × 202 once the worker emptied the queue", limit=limit),
               got=show(again), hint=_("decide from jobs.qsize() at the time of each request"))
    jobs = queue.Queue()
    for event in _events(2, 90):  # already waiting before the app exists
        jobs.put(event)
    client = make_bounded_app(jobs, 3).test_client()
    statuses = [client.post("/webhooks", json=e).status_code for e in _events(3)]
    expect(statuses == [202, 503, 503], expected=_("[202, 503, 503] with 2 events already waiting (limit 3)"),
           got=show(statuses), hint=_("count what is on the queue (jobs.qsize()), not the requests you accepted"))


def _workers(rate: float, seconds: float, utilisation: float) -> int:
    """The reference: the busy workers on average, with headroom, rounded up."""
    return math.ceil(rate * seconds / utilisation)


@hidden("12.4")
def _capacity(workers_needed):
    exact = [(10, 0.5, 0.5), (6, 0.25, 0.75), (5, 1.0, 1.0), (40, 0.125, 0.5), (7, 0.5, 0.25), (3, 1.0, 1.0)]
    rng = random.Random(1204)
    drawn = []
    while len(drawn) < 20:
        case = (rng.randint(1, 500), rng.choice([0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0]),
                rng.choice([0.5, 0.6, 0.7, 0.75, 0.8, 0.9]))
        raw = case[0] * case[1] / case[2]
        if abs(raw - round(raw)) > 1e-6:  # no case that float rounding could tip either way
            drawn.append(case)
    for rate, seconds, utilisation in exact + drawn:
        want, got = _workers(rate, seconds, utilisation), workers_needed(rate, seconds, utilisation)
        expect(got == want, expected=_("{want} workers for {rate}/s at {seconds} s each, kept {utilisation:.0%} busy",
                                       want=want, rate=rate, seconds=seconds, utilisation=utilisation),
               got=show(got), hint=_("when the busy workers divided by utilisation is already a whole number, that is "
                                     "the answer: round up only a fraction (math.ceil)"))
