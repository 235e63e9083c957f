"""Checks of lab 08: a jittered schedule, a retry classifier, an idempotent handler."""

from __future__ import annotations

import random
import statistics

from .checks import exercise, expect, show
from .messages import _


#: (attempt, base, cap) -> the ceiling of the delay, worked out by hand: 1·2⁰; 2·2²; 1·2⁴; 1·2¹¹ capped.
CEILINGS = {(1, 1.0, 60.0): 1.0, (3, 2.0, 60.0): 8.0, (5, 1.0, 3600.0): 16.0, (12, 1.0, 300.0): 300.0}


@exercise("08.1", points=3, title="Exponential backoff with full jitter")
def _schedule(delay):
    for (attempt, base, cap), ceiling in CEILINGS.items():
        draws = [delay(attempt, base, cap, random.Random(i)) for i in range(300)]
        expect(all(isinstance(d, (int, float)) and 0 <= d <= ceiling for d in draws),
               expected=_("every delay within [0, {ceiling:g}] for attempt {attempt}, base {base:g}, cap {cap:g}",
                          ceiling=ceiling, attempt=attempt, base=base, cap=cap),
               got=_("min {low:.3g}, max {high:.3g}", low=min(draws), high=max(draws)),
               hint=_("the ceiling is base for attempt 1 and doubles with each attempt, but never goes above cap; "
                      "draw between 0 and it"))
        expect(statistics.pstdev(draws) > ceiling / 10 and 0.35 * ceiling < statistics.mean(draws) < 0.65 * ceiling,
               expected=_("delays spread over [0, {ceiling:g}] (full jitter: mean about {half:g})",
                          ceiling=ceiling, half=ceiling / 2),
               got=_("mean {mean:.3g}, spread {spread:.3g}", mean=statistics.mean(draws),
                     spread=statistics.pstdev(draws)),
               hint=_("draw with the rng you are given, uniformly between 0 and the ceiling"))
    return _("failed clients now come back spread out, not all in the same second")


@exercise("08.2", points=2, title="Which answers are worth a retry?")
def _classify(should_retry):
    cases = {None: True, 500: True, 502: True, 503: True, 504: True, 408: True, 409: True, 429: True,
             200: False, 202: False, 204: False, 400: False, 401: False, 403: False, 404: False, 410: False,
             413: False, 422: False}
    wrong = {status: should_retry(status) for status, want in cases.items() if should_retry(status) is not want}
    expect(not wrong, expected=_("True for no answer, 5xx, 408, 409, 429; False otherwise"),
           got=_("wrong for {wrong}", wrong=show(wrong)),
           hint=_("a 4xx means the request itself is wrong, except 408 (timeout), "
                  "409 (conflict, try later) and 429 (slow down); 410 means stop for good"))
    return _("our dispatcher retries what time can fix, and nothing else (Stripe and Svix retry every non-2xx)")


@exercise("08.3", points=3, title="An idempotent handler")
def _idempotent(once):
    calls: list[str] = []
    wrapped = once(lambda event: calls.append(event["data"]["order_id"]))
    stream = [{"id": f"msg_{i % 4}", "data": {"order_id": f"ord_{i % 4}"}} for i in range(10)]
    random.Random(8).shuffle(stream)
    for event in stream:
        wrapped(event)
    expect(sorted(calls) == ["ord_0", "ord_1", "ord_2", "ord_3"],
           expected=_("the handler run once per event id (4 runs)"),
           got=_("{n} runs: {calls}", count=len(calls), n=len(calls), calls=show(sorted(calls))),
           hint=_("remember the ids you have handled; skip an id you have seen"))
    failing = {"n": 0}

    def flaky(event):
        failing["n"] += 1
        if failing["n"] == 1:
            raise RuntimeError("CRM timeout")

    retried = once(flaky)
    try:
        retried({"id": "msg_x", "data": {}})
    except Exception:  # noqa: BLE001 - the CRM timeout, on its way back through the learner's wrapper
        pass
    retried({"id": "msg_x", "data": {}})
    expect(failing["n"] == 2, expected=_("a failed run to be retried (the id is remembered only after success)"),
           got=_("{n} run(s)", count=failing["n"], n=failing["n"]),
           hint=_("add the id to the set after the handler returns, not before"))
    return _("duplicates are absorbed, and a failure can still be retried")
