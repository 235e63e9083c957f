"""Checks of lab 04: a purchase updates the CRM, correctly even when delivered twice."""

from __future__ import annotations

import random

from .checks import exercise, expect, lab_stack, show


@exercise("04.1", points=2, title="Lifetime value")
def _ltv(lifetime_value):
    rng = random.Random(41)
    cases = [([], 0.0), ([{"total": 10.5, "status": "completed"}, {"total": 4.25, "status": "refunded"}], 10.5)]
    for _ in range(3):
        orders = [{"total": round(rng.uniform(5, 500), 2), "status": rng.choice(["completed", "refunded"])}
                  for _ in range(rng.randint(2, 6))]
        cases.append((orders, round(sum(o["total"] for o in orders if o["status"] == "completed"), 2)))
    for orders, want in cases:
        got = lifetime_value(orders)
        expect(isinstance(got, (int, float)) and round(float(got), 2) == want, expected=f"{want} for {show(orders)}",
               got=show(got), hint="add the totals of completed orders only (a refund takes its order out); round to 2")
    return "refunds leave the lifetime value, as they leave the bank account"


def _with_duplicates(stack, handlers: dict, fire) -> None:
    """Run ``fire`` with every delivery sent twice and the receiver's own dedup switched off."""
    stack.receiver.dedup = False
    stack.faults.set("receiver", duplicate_rate=1.0)
    for kind, fn in handlers.items():
        stack.receiver.on(kind)(fn)
    try:
        fire()
        stack.wait()
    finally:
        stack.receiver.dedup = True
        stack.faults.clear("receiver")
        stack.receiver.reset_handlers()


def _consistent(stack, hint: str) -> None:
    inbox = stack.receiver.inbox()
    failed = inbox[inbox.status != "processed"]
    expect(failed.empty, expected="every delivery handled without an error",
           got=f"{len(failed)} failed: {show(list(dict.fromkeys(failed.last_error)), 300)}", hint=hint)
    problems = stack.reconcile()
    problems = problems[problems.entity == "order"]
    expect(problems.empty, expected="the CRM's orders to match the shop's, with no duplicates",
           got=show(problems[["key", "problem", "field", "expected", "actual"]].to_dict("records")), hint=hint)


@exercise("04.2", points=3, title="An order handler that survives duplicates")
def _orders(handle_order, stack):
    stack = lab_stack(stack, seed=14)
    fired = []

    def fire():
        for _ in range(5):
            fired.append(stack.fire("order.completed"))

    _with_duplicates(stack, {"order.completed": lambda e: handle_order(e, stack.crm)}, fire)
    hint = "use crm.put_order(order_id, ...) (an upsert by the shop's id), not create_order, and pass the event id to add_timeline"
    _consistent(stack, hint)
    contacts = stack.crm.contacts().set_index("email")
    orders = stack.crm.orders()
    for event_id in fired:
        d = stack.sources.event(event_id)["data"]
        expect(d["email"] in contacts.index and contacts.loc[d["email"], "lifecycle_stage"] == "customer",
               expected=f"{d['email']} in the CRM as a customer", got=show(contacts.get("lifecycle_stage", {}).get(d["email"])),
               hint="crm.upsert_contact(email, name=..., lifecycle_stage='customer')")
        want = round(float(orders[(orders.email == d["email"]) & (orders.status == "completed")].total.sum()), 2)
        expect(contacts.loc[d["email"], "lifetime_value"] == want, expected=f"lifetime value {want}",
               got=show(contacts.loc[d["email"], "lifetime_value"]), hint=hint)
        timeline = stack.crm.timeline(d["email"])
        expect((timeline.event_id == event_id).sum() == 1, expected=f"one timeline entry for {event_id}",
               got=f"{(timeline.event_id == event_id).sum()}", hint=hint)
    return "each order once, each timeline entry once, however many times the webhook arrived"


@exercise("04.3", points=3, title="A refund handler that survives duplicates")
def _refunds(handle_refund, stack):
    stack = lab_stack(stack, seed=14)
    for _ in range(3):
        stack.fire("order.completed")
    stack.wait()

    def fire():
        for _ in range(2):
            stack.fire("order.refunded")

    _with_duplicates(stack, {"order.refunded": lambda e: handle_refund(e, stack.crm)}, fire)
    _consistent(stack, "crm.put_order(order_id, status='refunded'): setting a status twice is harmless")
    return "a refund is a status change: applying it twice changes nothing more"
