"""Checks of lab 00 (warm-up): a first stack, a first webhook, its id."""

from __future__ import annotations

import hooklab

from .checks import exercise, expect


@exercise("00.1", points=1, title="Start a seeded virtual stack")
def _(start_stack):
    stack = start_stack()
    try:
        expect(isinstance(stack, hooklab.Stack) and stack.running, expected="a running hooklab.Stack",
               got=repr(stack), hint="return hooklab.start(...)")
        expect(stack.clock.virtual, expected="a virtual clock", got="a real clock",
               hint='pass clock="virtual"')
        expect(stack.seed == 7, expected="seed=7", got=f"seed={stack.seed}", hint="pass seed=7")
    finally:
        stack.stop()
    return "the stack runs on a virtual clock with seed 7"


@exercise("00.2", points=2, title="Fire a signup and find the contact")
def _(sign_up):
    with hooklab.start(seed=3, clock="virtual") as stack:
        for email in ("ana@example.com", "bea@example.org"):
            name = sign_up(stack, email)
            contacts = stack.crm.contacts()
            expect(email in set(contacts["email"]), expected=f"{email} in stack.crm.contacts()",
                   got=f"{len(contacts)} contact(s): {', '.join(contacts['email']) or 'none'}",
                   hint="fire newsletter.subscribed with email=..., then stack.wait() before reading the CRM")
            want = contacts.set_index("email").loc[email, "name"]
            expect(name == want, expected=f"the CRM's name for {email}, {want!r}", got=repr(name),
                   hint="return the name from the contact's row in stack.crm.contacts()")
    return "the signup reached the CRM, and you read the contact back"


@exercise("00.3", points=2, title="The webhook-id of a delivery")
def _(webhook_id_of):
    with hooklab.start(seed=5, clock="virtual") as stack:
        for _ in range(2):
            event = stack.fire("order.completed")
            stack.wait()
            attempts = stack.deliveries()
            attempt = attempts.loc[attempts["event_id"] == event, "attempt_id"].iloc[-1]
            want = stack.dispatcher.attempt_detail(int(attempt))["request_headers"]["webhook-id"]
            got = webhook_id_of(stack, event)
            expect(got == want, expected=f"the webhook-id header sent for {event}: {want!r}", got=repr(got),
                   hint="stack.dispatcher.attempt_detail(n)['request_headers'] holds the headers sent")
    return "the webhook-id is the event id, the same on every retry: receivers deduplicate by it"
