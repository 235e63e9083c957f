"""The CRM's HTTP API: a Blueprint whose routes read the request, call :mod:`.domain`, answer JSON.

As in the Flask tutorial (``flaskr``), the app factory binds the app to its store and
registers the blueprint; a route finds the store with :func:`~hooklab.services.base.get_store`, as ``flaskr``'s
do with ``get_db()``.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify

from ...clock import Clock
from ...store import Store
from ..base import ApiError, get_store, make_app, now
from ..inputs import apply_batch, check_fields, clean_email, read_object
from ..openapi import crm_document
from . import domain

__all__ = ["create_app", "bp"]

bp = Blueprint("crm", __name__, url_prefix="/api")


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The CRM's Flask app, bound to ``store``; every ``/api`` route needs ``api_key``."""
    domain.init_store(store)
    app = make_app("crm", api_key=api_key, public=("/health", "/openapi.json"), store=store, clock=clock)
    app.register_blueprint(bp)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "crm"})
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(crm_document()))  # public: the API's own docs
    return app




def _without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


# -- contacts ---------------------------------------------------------------------------------

@bp.get("/contacts")
def list_contacts():
    return {"contacts": domain.contacts(get_store())}


@bp.get("/contacts/<email>")
def get_contact(email: str):
    return domain.get_contact(get_store(), clean_email(email))


@bp.put("/contacts/<email>")
def put_contact(email: str):
    email = clean_email(email)
    body = read_object()
    check_fields(body, ("email", *domain.CONTACT_FIELDS))
    if "email" in body and clean_email(body["email"]) != email:
        raise ApiError(400, f"email {body['email']!r} in the body does not match {email} in the path",
                       "leave email out of the body; the path names the contact")
    created, notes = domain.upsert_contact(get_store(), email, _without(body, "email"), now())
    answer = {"created": created, "contact": domain.find_contact(get_store(), email), "notes": notes}
    return jsonify(answer), 201 if created else 200


@bp.post("/contacts/batch")
def batch_contacts():
    """Upsert up to BATCH_LIMIT contacts in one call, all or none (like HubSpot's batch upsert)."""
    at = now()

    def apply(item: dict) -> dict:
        check_fields(item, ("email", *domain.CONTACT_FIELDS))
        email = clean_email(item["email"])
        created, notes = domain.upsert_contact(get_store(), email, _without(item, "email"), at)
        return {"email": email, "created": created, "notes": notes}

    return jsonify(results=apply_batch(get_store(), "contacts", "contact", "email", apply))


# -- orders -----------------------------------------------------------------------------------

@bp.post("/orders")
def post_order():
    body = read_object()
    check_fields(body, ("order_id", *domain.ORDER_FIELDS), required=("order_id", "email", "total", "currency"))
    order = domain.add_order(get_store(), body["order_id"], _without(body, "order_id"), now())
    return jsonify({"created": True, "order": order}), 201


@bp.put("/orders/<order_id>")
def put_order(order_id: str):
    order_id = domain.order_key(order_id)
    body = read_object()
    check_fields(body, ("order_id", *domain.ORDER_FIELDS))
    if "order_id" in body and domain.order_key(body["order_id"]) != order_id:
        raise ApiError(400, f"order_id {body['order_id']!r} in the body does not match {order_id!r} in the path")
    created, orders = domain.put_order(get_store(), order_id, _without(body, "order_id"), now())
    return jsonify({"created": created, "orders": orders}), 201 if created else 200


@bp.get("/orders")
def list_orders():
    return {"orders": domain.orders(get_store())}


@bp.get("/orders/<order_id>")
def get_order(order_id: str):
    return {"order_id": order_id, "orders": domain.get_order(get_store(), order_id)}


# -- the timeline -----------------------------------------------------------------------------

@bp.post("/contacts/<email>/timeline")
def post_timeline(email: str):
    email = clean_email(email)
    created, entry = domain.add_timeline(get_store(), email, read_object(), now())
    return jsonify({"created": created, "entry": entry}), 201 if created else 200


@bp.post("/timeline/batch")
def batch_timeline():
    """Add up to BATCH_LIMIT timeline entries (each with its contact's email) in one call, all or none."""
    at = now()

    def apply(item: dict) -> dict:
        email = clean_email(item["email"])
        created, _ = domain.add_timeline(get_store(), email, _without(item, "email"), at)
        return {"email": email, "event_id": item.get("event_id"), "created": created}

    return jsonify(results=apply_batch(get_store(), "entries", "entry", "email", apply))


@bp.get("/contacts/<email>/timeline")
def contact_timeline(email: str):
    return {"timeline": domain.timeline(get_store(), clean_email(email))}


@bp.get("/timeline")
def all_timeline():
    return {"timeline": domain.timeline(get_store())}
