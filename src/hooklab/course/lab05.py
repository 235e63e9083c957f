"""Checks of lab 05: routing events to the team's channels."""

from __future__ import annotations

import random
from collections import Counter

from hooklab import catalog
from hooklab.monitor import event_id

from .checks import exercise, expect, fail, lab_stack, show

TYPES = ("order.completed", "form.submitted", "cart.abandoned", "newsletter.subscribed")


def _channels(event: dict) -> list[str]:
    d, kind = event["data"], event["type"]
    if kind == "order.completed" and d["total"] >= 500:
        return ["sales"]
    if kind == "form.submitted":
        return ["sales"] if d["form_id"] in ("demo-request", "contact-sales") else ["leads"]
    if kind == "cart.abandoned" and d["total"] >= 200:
        return ["marketing"]
    return []


def _stream(seed: int, n: int) -> list[dict]:
    factory, rng = catalog.Factory(seed), random.Random(seed)
    events = []
    for i in range(n):
        kind = TYPES[i % len(TYPES)]
        data = factory.data(kind)
        if kind in ("order.completed", "cart.abandoned") and rng.random() < 0.5:
            data["total"] = round(rng.choice([199.99, 200.0, 499.99, 500.0, 1250.0]), 2)
        events.append(catalog.envelope(kind, data, 1767603600 + i))
    return events


@exercise("05.1", points=3, title="Routing rules")
def _route(route):
    for event in _stream(51, 24):
        want = _channels(event)
        got = route(event)
        expect(list(got or []) == want, expected=f"{want} for {event['type']} {show(event['data'])}",
               got=show(got), hint="orders of 500 or more → sales; demo-request/contact-sales forms → sales, other "
                                   "forms → leads; carts of 200 or more → marketing; anything else → []")
    return "every event went to the right channel, and thresholds hold at their exact values"


def _handler_errors(stack, ids: list[str]) -> list[str]:
    """The last error of each of these events whose handler never succeeded (inbox order)."""
    inbox = stack.receiver.inbox()
    mine = inbox[inbox.id.map(event_id).isin(ids)]
    return mine[(mine.status != "processed") & mine.last_error.notna()].last_error.tolist()


@exercise("05.2", points=3, title="Post what the rules say")
def _notify(notify, stack):
    stack = lab_stack(stack, seed=15)
    before = len(stack.notifier.messages())
    for kind in TYPES:
        stack.receiver.on(kind)(lambda event: notify(event, stack.notifier))
    try:
        ids = [stack.fire(TYPES[i % len(TYPES)]) for i in range(12)]
        stack.wait()
    finally:
        stack.receiver.reset_handlers()
    want = Counter(ch for i in ids for ch in _channels(stack.sources.event(i)))
    got = Counter(stack.notifier.messages().channel.iloc[before:])
    hint = "for each channel route(event) returns, notifier.post(channel, text)"
    if got != want and (errors := _handler_errors(stack, ids)):  # the receiver kept the error, not check()
        fail(expected=f"messages per channel {dict(want)}",
             got=f"{show(dict(got))}: your handler raised {show(errors[0], 300)} "
                 f"({len(errors)} of the {len(ids)} events failed)",
             hint="fix that error (the receiver only logs it in stack.receiver.inbox().last_error); " + hint)
    expect(got == want, expected=f"messages per channel {dict(want)}", got=show(dict(got)), hint=hint)
    return "the team hears about what matters, and nothing else"


@exercise("05.3", points=2, title="Subscription filters")
def _matches(matches):
    cases = [("*", "order.completed", True), ("order.*", "order.refunded", True), ("order.*", "orders.x", False),
             ("order.completed", "order.completed", True), ("order.completed", "order.refunded", False),
             ("newsletter.*", "newsletter.unsubscribed", True), ("contact.*", "cart.abandoned", False)]
    for pattern, kind, want in cases:
        got = matches(pattern, kind)
        expect(got is want, expected=f"{want} for filter {pattern!r} and type {kind!r}", got=show(got),
               hint="'*' matches all; 'order.*' matches types starting with 'order.'; otherwise compare exactly")
    return "you filter exactly as the dispatcher does"
