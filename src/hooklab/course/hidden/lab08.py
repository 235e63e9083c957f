"""Hidden checks of lab 08: the grader's own cases (instructor-only, not in the student release)."""

from __future__ import annotations

import random
import statistics

from ..checks import expect, hidden, show
from ..messages import _


def _ceiling(attempt: int, base: float, cap: float) -> float:
    return min(cap, base * 2 ** (attempt - 1))


def _should_retry(status: int | None) -> bool:
    return status is None or status >= 500 or status in (408, 409, 429)


@hidden("08.1")
def _schedule(delay):
    for attempt, base, cap in ((2, 0.5, 10.0), (4, 3.0, 1000.0), (7, 1.0, 30.0), (40, 0.1, 900.0)):
        ceiling = _ceiling(attempt, base, cap)
        draws = [delay(attempt, base, cap, random.Random(1000 + i)) for i in range(80)]
        expect(all(isinstance(d, (int, float)) and 0 <= d <= ceiling for d in draws),
               expected=_("every delay within [0, {ceiling:g}] for attempt {attempt}, base {base:g}, cap {cap:g}",
                          ceiling=ceiling, attempt=attempt, base=base, cap=cap),
               got=_("min {low:.3g}, max {high:.3g}", low=min(draws), high=max(draws)),
               hint=_("the ceiling is base * 2 ** (attempt - 1), and cap wherever that is larger: check other "
                      "bases, and attempts past the cap"))
        expect(0.3 * ceiling < statistics.mean(draws) < 0.7 * ceiling,
               expected=_("delays spread over [0, {ceiling:g}] for attempt {attempt}, base {base:g}, cap {cap:g}",
                          ceiling=ceiling, attempt=attempt, base=base, cap=cap),
               got=_("mean {mean:.3g}", mean=statistics.mean(draws)),
               hint=_("draw uniformly between 0 and the ceiling"))
    twice = [(delay(5, 1.0, 60.0, random.Random(seed)), delay(5, 1.0, 60.0, random.Random(seed))) for seed in (3, 4)]
    expect(all(a == b for a, b in twice), expected=_("the same delay from two rngs seeded alike"),
           got=f"{show(twice)}", hint=_("draw with the rng argument (rng.uniform), not the random module: "
                                        "a seeded rng is what makes a retry schedule reproducible in a test"))


@hidden("08.2")
def _classify(should_retry):
    statuses = [201, 301, 304, 405, 415, 451, 501, 505, 507, 511, 599]
    wrong = {status: should_retry(status) for status in statuses if should_retry(status) is not _should_retry(status)}
    expect(not wrong, expected=_("True for every 5xx and for 408, 409, 429; False for the rest, 3xx included"),
           got=_("wrong for {wrong}", wrong=show(wrong)),
           hint=_("decide by class, not from a list of the codes you have met: status >= 500 covers 501, 507, 599..."))


@hidden("08.3")
def _idempotent(once):
    crm: list[str] = []
    shop: list[str] = []
    to_crm = once(lambda event: crm.append(event["id"]))
    to_shop = once(lambda event: shop.append(event["id"]))
    for event_id in ("msg_1", "msg_10", "msg_1", "msg_10"):
        to_crm({"id": event_id, "data": {}})
        to_shop({"id": event_id, "data": {}})
    expect(sorted(crm) == sorted(shop) == ["msg_1", "msg_10"],
           expected=_("two handlers wrapped apart to run once each per id (each its own memory)"),
           got=_("the first ran for {first}, the second for {second}", first=show(sorted(crm)),
                 second=show(sorted(shop))),
           hint=_("create the set of seen ids inside once(), so each wrapped handler has its own"))
    runs: list[str] = []
    wrapped = once(lambda event: runs.append(event["id"]))
    stream = [f"msg_{i}" for i in range(30)] * 3
    random.Random(83).shuffle(stream)
    for event_id in stream:
        wrapped({"id": event_id, "data": {"n": len(runs)}})
    expect(sorted(runs) == sorted(set(stream)), expected=_("30 runs for 30 ids each delivered three times"),
           got=_("{n} runs", count=len(runs), n=len(runs)),
           hint=_("remember every id handled so far, not only the last few"))
    tries = {"n": 0}

    def flaky(event):
        tries["n"] += 1
        if tries["n"] < 3:
            raise RuntimeError("CRM timeout")

    retried = once(flaky)
    for _attempt in range(4):
        try:
            retried({"id": "msg_flaky", "data": {}})
        except Exception:  # noqa: BLE001 - the CRM timeout, on its way back through the learner's wrapper
            pass
    expect(tries["n"] == 3, expected=_("two failures retried, then nothing more once it succeeded (3 runs)"),
           got=_("{n} run(s)", count=tries["n"], n=tries["n"]),
           hint=_("mark the id only after handler(event) returned without raising"))
