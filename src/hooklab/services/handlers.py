"""The built-in integration: what each event type does to the CRM, email platform and notifier.

Each handler is written to be safe to run twice (the receiver retries a handler
whose downstream call failed, maybe after part of it succeeded): contacts and
orders are upserts, timeline entries carry the event id as an idempotency key.
Learners replace any of them with ``@stack.receiver.on(type)``.

The subscription events also have a batched form (:func:`default_batch_handlers`),
which the receiver uses when ``receiver.batch_size`` lets a worker take many
waiting events at once (lesson 12): one call per service instead of three per event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from .crm import CRM
from .email import EmailPlatform
from .base import ServiceError
from .notifier import Notifier

__all__ = ["default_handlers", "default_batch_handlers", "HIGH_VALUE_ORDER"]

#: Orders at or above this total are announced in #sales.
HIGH_VALUE_ORDER = 500.0


def event_time(event: dict) -> float:
    """The event's own timestamp (when it happened at the source), as Unix seconds."""
    return datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()


def _split(name: str) -> dict[str, str]:
    first, _, last = name.partition(" ")
    return {"FNAME": first, "LNAME": last}


def _kept(answer: dict) -> bool:
    """The CRM kept a newer subscription change than this one (see ``set_subscription``)."""
    return any(note.startswith("subscription kept") for note in answer.get("notes", []))


def _subscription(event: dict) -> tuple[dict, dict, str]:
    """What a newsletter (un)subscribe asks of the CRM contact, the email member and the timeline."""
    d = event["data"]
    if event["type"] == "newsletter.subscribed":
        return ({"name": d["name"], "locale": d["locale"], "lifecycle_stage": "subscriber"},
                {"merge_fields": _split(d["name"])}, f"Subscribed to {d['list']} via {d['signup_source']}")
    return {}, {}, f"Unsubscribed from {d['list']}" + (f" ({d['reason']})" if d.get("reason") else "")


def default_handlers(crm: CRM, email: EmailPlatform, notifier: Notifier) -> dict[str, Callable[[dict], None]]:
    """Handlers for every catalog type, bound to the given service clients."""

    def tag(address: str, name: str) -> None:
        try:
            email.tag(address, name)
        except ServiceError as e:
            if e.status != 404:  # not on the list: nothing to tag
                raise

    def set_subscription(event: dict, subscribed: bool, list_id: str = "newsletter", member: dict | None = None,
                         **contact) -> None:
        """Subscribe or unsubscribe (and update the contact), unless a newer change won already.

        Retries reorder events: an unsubscribe retried for an hour must not be
        undone by the subscribe it followed. The CRM keeps the event time of the
        last change (``subscribed_at``) and ignores an older one, and says so.
        """
        d = event["data"]
        answer = crm.upsert_contact(d["email"], subscribed=subscribed, subscribed_at=event_time(event), **contact)
        if _kept(answer):
            return
        email.upsert_member(d["email"], status="subscribed" if subscribed else "unsubscribed",
                            list_id=list_id, **(member or {}))

    def newsletter(event: dict) -> None:
        d = event["data"]
        contact, member, text = _subscription(event)
        set_subscription(event, event["type"] == "newsletter.subscribed", d["list"], member, **contact)
        crm.add_timeline(d["email"], "newsletter", text, event_id=event["id"])

    def contact_updated(event: dict) -> None:
        d = dict(event["data"])
        version = d.pop("version")
        current = crm.contact(d["email"])
        if current and (current.get("source_version") or 0) >= version:
            return  # an older update arriving late: the CRM already has newer data
        crm.upsert_contact(d.pop("email"), source_version=version, **d)

    def form_submitted(event: dict) -> None:
        d = event["data"]
        fields = {k: d[k] for k in ("name", "company", "job_title", "phone") if d.get(k)}
        if d["consent"]:
            set_subscription(event, True, member={"merge_fields": _split(d["name"])}, lifecycle_stage="lead",
                             **fields)
            tag(d["email"], d["form_id"])
        else:
            crm.upsert_contact(d["email"], lifecycle_stage="lead", **fields)
        crm.add_timeline(d["email"], "form", f"Submitted {d['form_id']}", event_id=event["id"])
        who = d["name"] + (f" ({d['company']})" if d.get("company") else "")
        notifier.post("leads", f"New lead: {who} via {d['form_id']}")

    def order_completed(event: dict) -> None:
        d = event["data"]
        crm.upsert_contact(d["email"], name=d["name"], lifecycle_stage="customer")
        existing = crm.order(d["order_id"])
        # A refund that overtook its order (retries reorder events) must stay a refund.
        status = "refunded" if existing and existing["status"] == "refunded" else "completed"
        crm.put_order(d["order_id"], email=d["email"], total=d["total"], currency=d["currency"],
                      status=status, items=d["items"])
        crm.add_timeline(d["email"], "order", f"Order {d['order_id']}: {d['total']:.2f} {d['currency']}",
                         event_id=event["id"])
        if d["total"] >= HIGH_VALUE_ORDER:
            notifier.post("sales", f"High-value order {d['order_id']}: {d['total']:,.2f} {d['currency']} "
                                   f"by {d['name']}")

    def order_refunded(event: dict) -> None:
        d = event["data"]
        # The order may not be in the CRM yet (its event is still being retried):
        # record it from the refund, which carries the amount; the order fills in the rest.
        crm.put_order(d["order_id"], email=d["email"], status="refunded",
                      **({} if crm.order(d["order_id"]) else {"total": d["amount"], "currency": d["currency"]}))
        crm.add_timeline(d["email"], "order", f"Order {d['order_id']} refunded: {d['amount']:.2f} {d['currency']}",
                         event_id=event["id"])

    def cart_abandoned(event: dict) -> None:
        d = event["data"]
        crm.upsert_contact(d["email"])
        crm.add_timeline(d["email"], "cart", f"Abandoned cart {d['cart_id']}: {d['total']:.2f} {d['currency']}",
                         event_id=event["id"])
        tag(d["email"], "abandoned-cart")

    return {
        "newsletter.subscribed": newsletter,
        "newsletter.unsubscribed": newsletter,
        "contact.updated": contact_updated,
        "form.submitted": form_submitted,
        "order.completed": order_completed,
        "order.refunded": order_refunded,
        "cart.abandoned": cart_abandoned,
    }


def default_batch_handlers(crm: CRM, email: EmailPlatform) -> dict[str, Callable[[list[dict]], None]]:
    """The newsletter handlers for many events at once: one batch call per service.

    They do what :func:`default_handlers` does, event by event, and each service
    sees its changes in the same order: the CRM's batch upsert answers per contact,
    so a change a newer one overtook ("subscription kept") stays out of the email
    platform's batch, as it does in ``set_subscription``. Each batch is all or
    none, so a failure retries the whole batch, and every step is safe to repeat.
    """

    def newsletter(events: list[dict]) -> None:
        subscribed = events[0]["type"] == "newsletter.subscribed"  # the receiver batches one type at a time
        parts = [_subscription(event) for event in events]
        answers = crm.upsert_contacts([{"email": e["data"]["email"], "subscribed": subscribed,
                                        "subscribed_at": event_time(e), **contact}
                                       for e, (contact, _, _) in zip(events, parts)])
        members: dict[str, list[dict]] = {}
        for event, (_, member, _), answer in zip(events, parts, answers):
            if not _kept(answer):
                members.setdefault(event["data"]["list"], []).append(
                    {"email_address": event["data"]["email"],
                     "status": "subscribed" if subscribed else "unsubscribed", **member})
        for list_id, batch in members.items():
            email.upsert_members(batch, list_id=list_id)
        crm.add_timelines([{"email": e["data"]["email"], "kind": "newsletter", "text": text, "event_id": e["id"]}
                           for e, (_, _, text) in zip(events, parts)])

    return {"newsletter.subscribed": newsletter, "newsletter.unsubscribed": newsletter}
