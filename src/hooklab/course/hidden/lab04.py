"""The grader's own cases for lab 04 (instructor-only: not in the student release)."""

from __future__ import annotations

import random

from ..checks import expect, hidden, lab_stack, show
from ..lab04 import _bought, _consistent, _entry_says, _refunded, _with_duplicates
from ..messages import _


@hidden("04.1")
def _ltv(lifetime_value):
    rng = random.Random(401)
    cases = [
        [{"total": 49.9, "status": "completed"}, {"total": 49.9, "status": "completed"}],  # the same total twice
        [{"total": 120.0, "status": "refunded"}, {"total": 15.0, "status": "refunded"}],
        [{"order_id": "ord_a1", "email": "ana@example.com", "total": 1999.99, "currency": "BRL",
          "status": "completed"}],
        [{"total": 0.01, "status": "completed"}] * 7,
    ]
    for _case in range(3):
        cases.append([{"total": round(rng.uniform(1, 900), 2), "status": rng.choice(["completed", "refunded"]),
                       "order_id": f"ord_{n}"} for n in range(rng.randint(8, 25))])
    for orders in cases:
        want = round(sum(o["total"] for o in orders if o["status"] == "completed"), 2)
        got = lifetime_value([dict(o) for o in orders])
        expect(isinstance(got, (int, float)) and round(float(got), 2) == want,
               expected=_("{want} for {n} orders {orders}", want=want, n=len(orders), orders=show(orders, 300)),
               got=show(got), hint=_("add every completed order's total, even when two orders cost the same "
                                     "(no set()), and nothing for refunded ones; round to 2"))


def _retire(stack, event_ids: list[str]) -> None:
    """Refund the grader's own orders with the stack's handlers, so that later checks never pick them."""
    for order_id in {stack.sources.event(i)["data"]["order_id"] for i in event_ids}:
        stack.fire("order.refunded", order_id=order_id)
    stack.wait(timeout=60)


def _unused(stack, local: str) -> str:
    known = set(stack.sources.contacts()["email"]) | set(stack.crm.contacts()["email"])
    return next(f"{local}{n}@example.com" for n in range(1, 10_000) if f"{local}{n}@example.com" not in known)


_ITEMS = ([{"sku": "KIT-SKIN", "name": "Kit skincare", "quantity": 1, "unit_price": 60.0},  # 120.00
           {"sku": "MASK-02", "name": "Máscara facial", "quantity": 2, "unit_price": 30.0}],
          [{"sku": "SERUM-30", "name": "Sérum 30 ml", "quantity": 1, "unit_price": 79.9}])     # 79.90


@hidden("04.2")
def _orders(handle_order, stack):
    stack = lab_stack(stack, seed=14)
    email, fired = _unused(stack, "luiza.trajano"), []

    def fire():  # one new customer, two orders: 120.00 and 79.90
        for items in _ITEMS:
            fired.append(stack.fire("order.completed", email=email, name="Luiza Helena Trajano", items=items))

    try:
        _with_duplicates(stack, {"order.completed": lambda e: handle_order(e, stack.crm)}, fire)
        hint = _("for every order: upsert_contact(email, name=..., lifecycle_stage='customer'), put_order by its "
                 "order id")
        _consistent(stack, fired, hint)
        contact = stack.crm.contacts().set_index("email").loc[email]
        got = {"name": contact["name"], "lifecycle_stage": contact["lifecycle_stage"],
               "lifetime_value": round(float(contact["lifetime_value"]), 2),
               "orders_count": int(contact["orders_count"])}
        want = {"name": "Luiza Helena Trajano", "lifecycle_stage": "customer", "lifetime_value": 199.9,
                "orders_count": 2}
        expect(got == want, expected=_("{want} for a new customer's two orders (120.00 and 79.90), each delivered "
                                       "twice", want=want),
               got=show(got), hint=_("upsert the contact with the order's name (name=d['name']) as well as the "
                                     "lifecycle stage, and record each order with its total"))
        timeline = stack.crm.timeline(email)
        counts = {i: int((timeline.event_id == i).sum()) for i in fired}
        expect(set(counts.values()) == {1}, expected=_("one timeline entry per order event {fired}", fired=fired),
               got=f"{counts}", hint=_("add_timeline(..., event_id=event['id']): the CRM keeps one entry per event id"))
        for event_id in fired:  # two products with accents in one order, then one product
            _entry_says(stack, event_id, email, _bought(stack.sources.event(event_id)["data"]),
                        hint=_("every item of the order, each as 'quantity x name' (a quantity of 1 too), "
                               "then the total with :.2f and the currency"))
    finally:
        _retire(stack, fired)


@hidden("04.3")
def _refunds(handle_refund, stack):
    stack = lab_stack(stack, seed=14)
    email = _unused(stack, "caio.castro")
    kept, refunded = (stack.fire("order.completed", email=email, name="Caio Castro", items=items) for items in _ITEMS)
    stack.wait(timeout=60)
    order_id = stack.sources.event(refunded)["data"]["order_id"]
    fired = []

    def fire():  # two partial refunds of the 79.90 order (20.00, then 10.00), each delivered twice
        fired.append(stack.fire("order.refunded", order_id=order_id, amount=20.0, reason="damaged"))
        stack.advance(3600)
        fired.append(stack.fire("order.refunded", order_id=order_id, amount=10.0))

    _with_duplicates(stack, {"order.refunded": lambda e: handle_refund(e, stack.crm)}, fire)
    _consistent(stack, fired, _("only the status changes: crm.put_order(order_id, status='refunded'); the order "
                                "keeps its total, whatever amount was refunded"))
    crm = stack.crm.orders().set_index("order_id")
    got = {oid: (crm.loc[oid, "status"], round(float(crm.loc[oid, "total"]), 2)) if oid in crm.index else None
           for oid in (stack.sources.event(kept)["data"]["order_id"], order_id)}
    want = dict(zip(got, [("completed", 120.0), ("refunded", 79.9)]))
    expect(got == want, expected=_("(status, total) per order {want}: the other order untouched, the refunded one "
                                   "with its own total", want=want), got=show(got),
           hint=_("change nothing but the status of the refunded order"))
    for event_id in fired:  # 20.00 of 79.90, then 10.00 of 79.90
        _entry_says(stack, event_id, email, _refunded(stack.sources.event(event_id)["data"], 79.9),
                    hint=_("a partial refund: the amount comes from the refund, the total from the order in the CRM "
                           "(crm.order(order_id)['total']), which the refund does not change"))
