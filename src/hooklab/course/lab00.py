"""Checks of lab 00 (warm-up): start a stack, fire a signup, read what a delivery carried.

The checks look at what the learner's functions did to the stack (one new event, delivered,
in the CRM; headers whose signature verifies), for addresses the notebook has never used.
The grader's own cases are in ``hooklab/course/hidden/lab00.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import hooklab
from hooklab import signing

from .checks import exercise, expect, fail, show
from .messages import _


def _running(stack: Any) -> hooklab.Stack:
    expect(isinstance(stack, hooklab.Stack), expected=_("a hooklab stack"),
           got=show(stack), hint=_("run the cell that starts `stack` first"))
    expect(stack.running, expected=_("a running stack"), got=_("a stopped one"),
           hint=_("run the cell with `stack = hooklab.start(...)` again"))
    return stack


def _new_email(stack: hooklab.Stack, name: str) -> str:
    """An address the stack has never seen, the same on every run of the notebook."""
    known = set(stack.crm.contacts()["email"]) | set(stack.sources.contacts()["email"])
    return next(f"{name}{n}@example.com" for n in range(1, 10_000) if f"{name}{n}@example.com" not in known)


def _sent_body(stack: hooklab.Stack, event_id: str) -> str:
    """The body of event ``event_id`` exactly as the source recorded it (and the dispatcher signed it)."""
    return stack.sources.store.one("SELECT body FROM events WHERE id=?", (event_id,))["body"]


def _stack_like(value: Any) -> bool:
    # Duck-typed, not isinstance: under the grader the learner's stack is a proxy.
    return all(hasattr(value, name) for name in ("running", "clock", "seed", "stop"))


@exercise("00.1", points=1, title="Start a seeded virtual stack")
def _start(start_stack):
    stack = start_stack()
    try:
        expect(_stack_like(stack), expected=_("a hooklab.Stack"), got=show(stack),
               hint=_("return what hooklab.start(...) returns"))
        expect(stack.running, expected=_("a running stack"), got=_("a stopped one"), hint=_("do not stop it"))
        expect(stack.clock.virtual, expected=_("the virtual clock"), got=_("the real clock"),
               hint=_('pass clock="virtual"'))
        expect(stack.seed == 7, expected="seed=7", got=f"seed={stack.seed}", hint=_("pass seed=7"))
    finally:
        if _stack_like(stack):
            stack.stop()
    return _("seed 7, virtual clock: every run of this notebook sees the same names, ids and times")


@exercise("00.2", points=2, title="A signup reaches the CRM")
def _sign_up(sign_up, stack):
    stack = _running(stack)
    for name in ("grace", "alan"):
        email = _new_email(stack, name)
        before = set(stack.events()["id"])
        event_id = sign_up(stack, email)
        now = stack.events()
        new = now[~now["id"].isin(before)]
        expect(len(new) == 1, expected=_("one new event for sign_up(stack, {email!r})", email=email),
               got=_("{n} new events", n=len(new)), hint=_('call stack.fire("newsletter.subscribed", email=email) once'))
        event = new.iloc[0]
        expect(event["type"] == "newsletter.subscribed", expected=_("a newsletter.subscribed event"),
               got=_("a {type} event", type=event["type"]), hint=_("the first argument of stack.fire is the event type"))
        expect(event_id == event["id"], expected=_("the id stack.fire returned ({id!r})", id=event["id"]),
               got=show(event_id), hint=_("return what stack.fire(...) returns"))
        expect(event["delivery"] == "delivered", expected=_("the webhook delivered before sign_up returns"),
               got=_("delivery {state!r}", state=event["delivery"]), hint=_("call stack.wait() after stack.fire(...)"))
        crm = stack.crm.contacts()
        expect(email in set(crm["email"]), expected=_("{email} in stack.crm.contacts()", email=email),
               got=_("{n} contacts without it", n=len(crm)), hint=_("pass email=email to stack.fire"))
    return _("fired, delivered, and in the CRM before you looked")


@exercise("00.3", points=2, title="What a delivery carried")
def _headers(delivery_headers, stack):
    stack = _running(stack)
    for name in ("hedy", "ada"):
        event_id = stack.fire("newsletter.subscribed", email=_new_email(stack, name))
        stack.wait(timeout=60)
        got = delivery_headers(stack, event_id)
        expect(isinstance(got, Mapping), expected=_("a dict of headers"), got=show(got),
               hint=_('stack.dispatcher.attempt_detail(attempt_id)["request_headers"] is one'))
        headers = {str(k).lower(): v for k, v in got.items()}
        missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if h not in headers]
        expect(not missing, expected=_("the webhook-id, webhook-timestamp and webhook-signature headers"),
               got=_("a dict without {missing}", missing=", ".join(missing)),
               hint=_("return the whole request_headers dict"))
        expect(headers["webhook-id"] == event_id, expected=_("the headers sent for event {id}", id=event_id),
               got=f"webhook-id {headers['webhook-id']!r}",
               hint=_("pick the row of stack.deliveries() whose event_id is the one given"))
        try:
            signing.verify(stack.secret, headers, _sent_body(stack, event_id), now=stack.clock.now())
        except hooklab.SignatureError as e:
            fail(expected=_("headers whose signature verifies with the stack's secret"), got=str(e),
                 hint=_("return the headers exactly as they were sent"))
    return _("webhook-id is the event's id, and the signature proves who sent it")
