"""The grader's own cases for lab 00 (instructor-only: not in the student release).

00.1 has none: ``start_stack()`` takes no input, and the visible check already asks for
everything the exercise does (a running stack, seed 7, the virtual clock).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..checks import expect, hidden, show
from ..lab00 import _new_email, _running
from ..messages import _


def _outage(stack, seconds: float):
    """The receiver down for the next ``seconds``: the first attempts fail, a retry minutes later succeeds."""
    stack.faults.set("receiver", outage=(0, seconds))


def _first_attempt(stack, event_id: str) -> dict:
    attempts = stack.deliveries()
    mine = attempts[attempts["event_id"] == event_id].sort_values("attempt_id")
    return stack.dispatcher.attempt_detail(int(mine["attempt_id"].iloc[0]))


@hidden("00.2")
def _sign_up(sign_up, stack):
    stack = _running(stack)
    # 1. The receiver is down when the signup happens: the webhook arrives only on a retry,
    #    five virtual minutes later. sign_up must still return with the contact in the CRM.
    email = _new_email(stack, "katherine")
    _outage(stack, 20)
    try:
        event_id = sign_up(stack, email)
    finally:
        stack.faults.set("receiver", outage=None)
    delivery = stack.events().set_index("id")["delivery"].get(event_id)
    expect(delivery == "delivered", expected=_("sign_up(stack, {email!r}) to return once the webhook is delivered, "
                                               "even when the receiver is down at first and only a retry gets through",
                                               email=email),
           got=_("delivery {state!r} when sign_up returned", state=delivery),
           hint=_("stack.wait() waits for every retry; a fixed stack.advance(...) or time.sleep(...) does not"))
    expect(email in set(stack.crm.contacts()["email"]), expected=_("{email} in the CRM after a retried delivery",
                                                                   email=email),
           got=_("no such contact"), hint=_("call stack.wait() after stack.fire(...)"))
    # 2. Someone who is already a contact signs up again: still one new event, returned by sign_up.
    before = set(stack.events()["id"])
    again = sign_up(stack, email)
    new = sorted(set(stack.events()["id"]) - before)
    expect(new == [again], expected=_("one new event, and its id returned, when {email} signs up a second time",
                                      email=email),
           got=_("{n} new event(s) {ids}; sign_up returned {got}", n=len(new), ids=show(new), got=show(again)),
           hint=_("fire exactly one event per call and return the id stack.fire gives you"))


@hidden("00.3")
def _headers(delivery_headers, stack):
    stack = _running(stack)
    # 1. An event that is not the latest one: the answer must follow event_id, not the last row.
    older = stack.fire("newsletter.subscribed", email=_new_email(stack, "barbara"))
    stack.fire("newsletter.subscribed", email=_new_email(stack, "frances"))
    stack.wait(timeout=60)
    # 2. A delivery that needed retries: three attempts, each signed at its own moment.
    _outage(stack, 20)
    try:
        retried = stack.fire("newsletter.subscribed", email=_new_email(stack, "margaret"))
        stack.wait(timeout=60)
    finally:
        stack.faults.set("receiver", outage=None)
    cases = [(older, _("an event fired before another one")),
             (retried, _("an event whose first attempt failed and was retried"))]
    for event_id, what in cases:
        want = {k.lower(): v for k, v in _first_attempt(stack, event_id)["request_headers"].items()}
        got = delivery_headers(stack, event_id)
        expect(isinstance(got, Mapping), expected=_("a dict of headers for {what}", what=what), got=show(got),
               hint=_('stack.dispatcher.attempt_detail(attempt_id)["request_headers"] is one'))
        got = {str(k).lower(): v for k, v in got.items()}
        expect(got.get("webhook-id") == event_id, expected=_("the headers of event {id} ({what})", id=event_id, what=what),
               got=f"webhook-id {got.get('webhook-id')!r}",
               hint=_("keep the rows of stack.deliveries() whose event_id is the one given, not the last row"))
        expect(got.get("webhook-timestamp") == want["webhook-timestamp"],
               expected=_("the first attempt's headers (webhook-timestamp {timestamp}) for {what}",
                          timestamp=want["webhook-timestamp"], what=what),
               got=f"webhook-timestamp {got.get('webhook-timestamp')!r}",
               hint=_("each retry is signed again at its own moment; take the first of the event's rows (.iloc[0])"))
        expect(got == want, expected=_("the headers exactly as the first attempt sent them, for {what}", what=what),
               got=show(got, 400), hint=_("return attempt_detail(...)['request_headers'] as it is"))
