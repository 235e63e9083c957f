"""Checks of lab 05: routing events to the team's channels.

The expected channels are written out here, for events chosen at and around each rule's
threshold; the grader's own cases are in ``hooklab/course/hidden/lab05.py``.
"""

from __future__ import annotations

from collections import Counter

from hooklab.monitor import event_id

from .checks import exercise, expect, expect_same, fail, lab_stack, show
from .messages import _

TYPES = ("order.completed", "form.submitted", "cart.abandoned", "newsletter.subscribed")


def _event(kind: str, n: int, **data) -> dict:
    return {"type": kind, "timestamp": f"2026-01-05T09:{n:02d}:00.000Z", "data": data}


def _order(n: int, total: float) -> dict:
    return _event("order.completed", n, order_id=f"ord_5{n}", email=f"buyer{n}@example.com", name="Rosa Lima",
                  total=total, currency="BRL")


def _form(n: int, form_id: str) -> dict:
    return _event("form.submitted", n, form_id=form_id, email=f"lead{n}@example.com", name="Davi Rocha",
                  consent=True)


def _cart(n: int, total: float) -> dict:
    return _event("cart.abandoned", n, cart_id=f"cart_5{n}", email=f"shopper{n}@example.com", total=total,
                  currency="USD")


# event -> the channels it goes to, worked out by hand (thresholds are inclusive).
_ROUTES = [
    (_order(1, 1250.0), ["sales"]), (_order(2, 500.0), ["sales"]), (_order(3, 499.99), []), (_order(4, 38.0), []),
    (_form(5, "demo-request"), ["sales"]), (_form(6, "contact-sales"), ["sales"]),
    (_form(7, "ebook-download"), ["leads"]), (_form(8, "webinar-registration"), ["leads"]),
    (_cart(9, 200.0), ["marketing"]), (_cart(10, 199.99), []), (_cart(11, 350.5), ["marketing"]),
    (_event("newsletter.subscribed", 12, email="ana@example.com", name="Ana Souza", list="newsletter",
            signup_source="footer-form", locale="pt_BR"), []),
    (_event("order.refunded", 13, order_id="ord_51", email="buyer1@example.com", amount=1250.0, currency="BRL"), []),
]


@exercise("05.1", points=3, title="Routing rules")
def _route(route):
    for event, want in _ROUTES:
        got = route({**event, "data": dict(event["data"])})
        expect(list(got or []) == want,
               expected=_("{want} for {type} {data}", want=want, type=event["type"], data=show(event["data"])),
               got=show(got), hint=_("orders of 500 or more → sales; demo-request/contact-sales forms → sales, other "
                                     "forms → leads; carts of 200 or more → marketing; anything else → []"))
    return _("every event went to the right channel, and thresholds hold at their exact values")


def _handler_errors(stack, ids: list[str]) -> list[str]:
    """The last error of each of these events whose handler never succeeded (inbox order)."""
    inbox = stack.receiver.inbox()
    mine = inbox[inbox.id.map(event_id).isin(ids)]
    return mine[(mine.status != "processed") & mine.last_error.notna()].last_error.tolist()


def _posted(stack, notify, fire) -> tuple[Counter, list[str]]:
    """Messages per channel that ``notify`` posted while ``fire()`` fired events, and the events' ids."""
    before = len(stack.notifier.messages())
    for kind in TYPES:
        stack.receiver.on(kind)(lambda event: notify(event, stack.notifier))
    try:
        ids = fire()
        stack.wait(timeout=60)
    finally:
        stack.receiver.reset_handlers()
    return Counter(stack.notifier.messages().channel.iloc[before:]), ids


def _compare(stack, got: Counter, want: Counter, ids: list[str]) -> None:
    hint = _("for each channel route(event) returns, notifier.post(channel, text)")
    if got != want and (errors := _handler_errors(stack, ids)):  # the receiver kept the error, not check()
        fail(expected=_("messages per channel {want}", want=dict(want)),
             got=_("{got}: your handler raised {error} ({n} of the {m} events failed)", count=len(errors),
                   got=show(dict(got)), error=show(errors[0], 300), n=len(errors), m=len(ids)),
             hint=_("fix that error (the receiver only logs it in stack.receiver.inbox().last_error); {hint}",
                    hint=hint))
    expect_same(dict(got), dict(want), expected=_("messages per channel {want}", want=dict(want)), hint=hint)


# What the notify check fires (type, fields), and the messages the rules make of it.
_STREAM = [("order.completed", {"total": 750.0}), ("order.completed", {"total": 120.0}),
           ("form.submitted", {"form_id": "demo-request"}), ("form.submitted", {"form_id": "ebook-download"}),
           ("cart.abandoned", {"total": 350.0}), ("cart.abandoned", {"total": 80.0}),
           ("newsletter.subscribed", {}), ("form.submitted", {"form_id": "contact-sales"})]
_STREAM_POSTS = Counter({"sales": 3, "leads": 1, "marketing": 1})


@exercise("05.2", points=3, title="Post what the rules say")
def _notify(notify, stack):
    stack = lab_stack(stack, seed=15)
    got, ids = _posted(stack, notify, lambda: [stack.fire(kind, **fields) for kind, fields in _STREAM])
    _compare(stack, got, _STREAM_POSTS, ids)
    return _("the team hears about what matters, and nothing else")


@exercise("05.3", points=2, title="Subscription filters")
def _matches(matches):
    cases = [("*", "order.completed", True), ("order.*", "order.refunded", True), ("order.*", "orders.x", False),
             ("order.completed", "order.completed", True), ("order.completed", "order.refunded", False),
             ("newsletter.*", "newsletter.unsubscribed", True), ("contact.*", "cart.abandoned", False)]
    for pattern, kind, want in cases:
        got = matches(pattern, kind)
        expect(got is want, expected=_("{want} for filter {pattern!r} and type {kind!r}", want=want, pattern=pattern,
                                       kind=kind), got=show(got),
               hint=_("'*' matches all; 'order.*' matches types starting with 'order.'; otherwise compare exactly"))
    return _("you filter exactly as the dispatcher does")
