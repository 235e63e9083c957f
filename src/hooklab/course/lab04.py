"""Checks of lab 04: a purchase updates the CRM, correctly even when delivered twice.

Lifetime values are written out here for fixed orders; the handler checks compare the CRM with
the shop (``stack.reconcile()``) after every webhook arrived twice, and read the timeline entries
the sales team would read (:func:`_bought`, :func:`_refunded`). The grader's own cases are in
``hooklab/course/hidden/lab04.py``.
"""

from __future__ import annotations

from hooklab.monitor import event_id as webhook_id

from .checks import exercise, expect, lab_stack, show
from .messages import _


def _order_list(*rows: tuple[float, str]) -> list[dict]:
    return [{"total": total, "status": status} for total, status in rows]


# orders -> lifetime value, worked out by hand.
_LTV = [
    (_order_list(), 0.0),
    (_order_list((10.5, "completed"), (4.25, "refunded")), 10.5),
    (_order_list((169.45, "completed"), (451.49, "refunded"), (291.08, "refunded"), (278.76, "refunded"),
             (426.72, "completed")), 596.17),
    (_order_list((332.48, "completed"), (222.5, "completed"), (493.4, "refunded")), 554.98),
    (_order_list((0.1, "completed"), (0.2, "completed")), 0.3),  # 0.1 + 0.2 is 0.30000000000000004 in floats
    (_order_list((99.9, "refunded")), 0.0),
]


@exercise("04.1", points=2, title="Lifetime value")
def _ltv(lifetime_value):
    for orders, want in _LTV:
        got = lifetime_value([dict(o) for o in orders])
        expect(isinstance(got, (int, float)) and round(float(got), 2) == want,
               expected=_("{want} for {orders}", want=want, orders=show(orders)), got=show(got),
               hint=_("add the totals of completed orders only (a refund takes its order out); round to 2"))
    return _("refunds leave the lifetime value, as they leave the bank account")


def _bought(order: dict) -> list[str]:
    """What the timeline entry of ``order`` (an order.completed's data) must say: each product, then the total."""
    return [f"{line['quantity']} x {line['name']}" for line in order["items"]] + \
        [f"{order['total']:.2f} {order['currency']}"]


def _refunded(refund: dict, total: float) -> list[str]:
    """What the timeline entry of ``refund`` (an order.refunded's data) must say, for an order of ``total``."""
    # The words between the amounts are the track's: a pt-BR learner's entry says "20.00 de 79.90 BRL".
    return [_("{amount:.2f} of {total:.2f} {currency}", amount=refund["amount"], total=total,
              currency=refund["currency"])]


def _entry_says(stack, event_id: str, email: str, parts: list[str], hint: str) -> None:
    """``email``'s timeline has one entry for ``event_id``, and its text holds every one of ``parts``."""
    timeline = stack.crm.timeline(email)
    texts = timeline.loc[timeline.event_id == event_id, "text"].tolist()
    expect(len(texts) == 1, expected=_("one timeline entry for {id}", id=event_id), got=f"{len(texts)}",
           hint=_("add_timeline(..., event_id=event['id']): the CRM keeps one entry per event id"))
    expect(all(part in texts[0] for part in parts),
           expected=_("a timeline entry for {id} that says {parts}", id=event_id,
                      parts=", ".join(repr(part) for part in parts)), got=show(texts[0], 200), hint=hint)


def _with_duplicates(stack, handlers: dict, fire) -> None:
    """Run ``fire`` with every delivery sent twice and the receiver's own dedup switched off."""
    stack.receiver.dedup = False
    stack.faults.set("receiver", duplicate_rate=1.0)
    for kind, fn in handlers.items():
        stack.receiver.on(kind)(fn)
    try:
        fire()
        stack.wait(timeout=60)
    finally:
        stack.receiver.dedup = True
        stack.faults.clear("receiver")
        stack.receiver.reset_handlers()


def _consistent(stack, event_ids: list[str], hint: str) -> None:
    """The events ``event_ids`` were handled without an error, and the CRM agrees with the shop on their orders."""
    inbox = stack.receiver.inbox()
    failed = inbox[inbox.id.map(webhook_id).isin(event_ids) & (inbox.status != "processed")]  # copies too
    expect(failed.empty, expected=_("every delivery handled without an error"),
           got=_("{n} failed: {errors}", count=len(failed), n=len(failed),
                 errors=show(list(dict.fromkeys(failed.last_error)), 300)),
           hint=hint)
    orders = {stack.sources.event(i)["data"]["order_id"] for i in event_ids}
    problems = stack.reconcile()
    problems = problems[(problems.entity == "order") & problems.key.isin(orders)]
    expect(problems.empty, expected=_("the CRM's orders to match the shop's, with no duplicates"),
           got=show(problems[["key", "problem", "field", "expected", "actual"]].to_dict("records")), hint=hint)


@exercise("04.2", points=3, title="An order handler that survives duplicates")
def _orders(handle_order, stack):
    stack = lab_stack(stack, seed=14)
    fired = []

    def fire():
        for _order in range(5):
            fired.append(stack.fire("order.completed"))

    _with_duplicates(stack, {"order.completed": lambda e: handle_order(e, stack.crm)}, fire)
    hint = _("use crm.put_order(order_id, ...) (an upsert by the shop's id), not create_order, and pass the event id "
             "to add_timeline")
    _consistent(stack, fired, hint)
    contacts = stack.crm.contacts().set_index("email")
    for event_id in fired:
        d = stack.sources.event(event_id)["data"]
        expect(d["email"] in contacts.index and contacts.loc[d["email"], "lifecycle_stage"] == "customer",
               expected=_("{email} in the CRM as a customer", email=d["email"]),
               got=show(contacts.get("lifecycle_stage", {}).get(d["email"])),
               hint=_("crm.upsert_contact(email, name=..., lifecycle_stage='customer')"))
        _entry_says(stack, event_id, d["email"], _bought(d),
                    hint=_("one 'quantity x name' per item of event['data']['items'], joined with ', ', then the "
                           "total with :.2f and the currency"))
    return _("each order once, each timeline entry once and saying what was bought, however many times it arrived")


@exercise("04.3", points=3, title="A refund handler that survives duplicates")
def _refunds(handle_refund, stack):
    stack = lab_stack(stack, seed=14)
    for _order in range(3):
        stack.fire("order.completed")
    stack.wait(timeout=60)
    fired = []

    def fire():
        for _refund in range(2):
            fired.append(stack.fire("order.refunded"))

    _with_duplicates(stack, {"order.refunded": lambda e: handle_refund(e, stack.crm)}, fire)
    _consistent(stack, fired, _("crm.put_order(order_id, status='refunded'): setting a status twice is harmless"))
    for event_id in fired:
        d = stack.sources.event(event_id)["data"]
        _entry_says(stack, event_id, d["email"], _refunded(d, stack.sources.orders().set_index("order_id")
                                                         .loc[d["order_id"], "total"]),
                    hint=_("the amount from the refund, the total from the order in the CRM "
                           "(crm.order(order_id)['total']): a refund may be partial, so they can differ"))
    return _("a refund is a status change: applying it twice changes nothing more, and the timeline says how much")
