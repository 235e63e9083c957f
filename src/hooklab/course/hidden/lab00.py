"""The grader's own cases for lab 00 (instructor-only: not in the student release).

00.1 has none: ``start_stack()`` takes no input, and the visible check already asks for
everything the exercise does (a running stack, seed 7, the virtual clock).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..checks import expect, hidden, show
from ..lab00 import _new_email, _running


def _outage(stack, seconds: float):
    """The receiver down for the next ``seconds``: the first attempts fail, a retry minutes later succeeds."""
    stack.faults.set("receiver", outage=(0, seconds))


def _first_attempt(stack, event_id: str) -> dict:
    attempts = stack.deliveries()
    mine = attempts[attempts["event_id"] == event_id].sort_values("attempt_id")
    return stack.dispatcher.attempt_detail(int(mine["attempt_id"].iloc[0]))


@hidden("00.2")
def _(sign_up, stack):
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
    expect(delivery == "delivered", expected=f"sign_up(stack, {email!r}) to return once the webhook is delivered, "
                                             "even when the receiver is down at first and only a retry gets through",
           got=f"delivery {delivery!r} when sign_up returned",
           hint="stack.wait() waits for every retry; a fixed stack.advance(...) or time.sleep(...) does not")
    expect(email in set(stack.crm.contacts()["email"]), expected=f"{email} in the CRM after a retried delivery",
           got="no such contact", hint="call stack.wait() after stack.fire(...)")
    # 2. Someone who is already a contact signs up again: still one new event, returned by sign_up.
    before = set(stack.events()["id"])
    again = sign_up(stack, email)
    new = sorted(set(stack.events()["id"]) - before)
    expect(new == [again], expected=f"one new event, and its id returned, when {email} signs up a second time",
           got=f"{len(new)} new event(s) {show(new)}; sign_up returned {show(again)}",
           hint="fire exactly one event per call and return the id stack.fire gives you")


@hidden("00.3")
def _(delivery_headers, stack):
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
    cases = [(older, "an event fired before another one"),
             (retried, "an event whose first attempt failed and was retried")]
    for event_id, what in cases:
        want = {k.lower(): v for k, v in _first_attempt(stack, event_id)["request_headers"].items()}
        got = delivery_headers(stack, event_id)
        expect(isinstance(got, Mapping), expected=f"a dict of headers for {what}", got=show(got),
               hint='stack.dispatcher.attempt_detail(attempt_id)["request_headers"] is one')
        got = {str(k).lower(): v for k, v in got.items()}
        expect(got.get("webhook-id") == event_id, expected=f"the headers of event {event_id} ({what})",
               got=f"webhook-id {got.get('webhook-id')!r}",
               hint="keep the rows of stack.deliveries() whose event_id is the one given, not the last row")
        expect(got.get("webhook-timestamp") == want["webhook-timestamp"],
               expected=f"the first attempt's headers (webhook-timestamp {want['webhook-timestamp']}) for {what}",
               got=f"webhook-timestamp {got.get('webhook-timestamp')!r}",
               hint="each retry is signed again at its own moment; take the first of the event's rows (.iloc[0])")
        expect(got == want, expected=f"the headers exactly as the first attempt sent them, for {what}",
               got=show(got, 400), hint="return attempt_detail(...)['request_headers'] as it is")
