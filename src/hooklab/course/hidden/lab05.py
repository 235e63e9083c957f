"""The grader's own cases for lab 05 (instructor-only: not in the student release)."""

from __future__ import annotations

import random
from collections import Counter

from hooklab import catalog

from ..checks import expect, hidden, lab_stack, show
from ..lab05 import TYPES, _compare, _posted
from ..messages import _


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
    """Generated events of every type, half the orders and carts at or near a threshold."""
    factory, rng = catalog.Factory(seed), random.Random(seed)
    kinds = (*TYPES, "order.refunded", "newsletter.unsubscribed", "contact.updated")
    events = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        data = factory.data(kind)
        if kind in ("order.completed", "cart.abandoned") and rng.random() < 0.5:
            data["total"] = rng.choice([199.99, 200, 200.0, 499.99, 500, 500.0, 1250.0, 9999.0])
        if kind == "order.refunded":
            data["amount"] = 750.0  # a big refund is not a sale
        events.append(catalog.envelope(kind, data, 1767603600 + i))
    return events


@hidden("05.1")
def _route(route):
    big_cart = catalog.envelope("cart.abandoned", {**catalog.Factory(5).data("cart.abandoned"), "total": 2400.0},
                                1767603600)
    for event in [big_cart, *_stream(501, 42)]:
        want = _channels(event)
        got = route({**event, "data": dict(event["data"])})
        what = {k: event["data"][k] for k in ("total", "amount", "form_id") if k in event["data"]}
        expect(list(got or []) == want, expected=_("{want} for {type} with {what}", want=want, type=event["type"],
                                                   what=what),
               got=show(got), hint=_("look at the event's type first: a cart of 500 or more is still a cart "
                                     "(marketing), a refund is never a sale, and types without a rule go nowhere"))


@hidden("05.2")
def _notify(notify, stack):
    stack = lab_stack(stack, seed=15)

    def fire() -> list[str]:
        ids = [stack.fire("cart.abandoned", total=total) for total in (1250.0, 200.0, 199.99)]
        ids += [stack.fire("order.completed", total=total) for total in (500.0, 499.99, 2000)]
        ids += stack.fire_many("form.submitted", 6)  # an import of leads, forms drawn at random
        ids += [stack.fire("newsletter.subscribed") for _ in range(2)]
        return ids

    got, ids = _posted(stack, notify, fire)
    want = Counter(ch for i in ids for ch in _channels(stack.sources.event(i)))
    _compare(stack, got, want, ids)


@hidden("05.3")
def _matches(matches):
    cases = [("order.completed", "order.completed.v2", False),  # an exact filter is not a prefix
             ("order.completed", "order.complete", False), ("order.*", "preorder.created", False),
             ("order.*", "order", False), ("cart.*", "cart.abandoned", True), ("*", "contact.updated", True),
             ("form.*", "form.submitted", True), ("order.completed", "Order.Completed", False),
             ("newsletter.*", "newsletters.weekly", False), ("contact.updated", "contact.updated", True)]
    for pattern, kind, want in cases:
        got = matches(pattern, kind)
        expect(got is want, expected=_("{want} for filter {pattern!r} and type {kind!r}", want=want, pattern=pattern,
                                       kind=kind), got=show(got),
               hint=_("only a filter that ends in '.*' is a family (compare the start, up to and with the dot); any "
                      "other filter but '*' must equal the type exactly, letter for letter"))
