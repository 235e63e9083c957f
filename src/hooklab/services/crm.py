"""A mock CRM (like HubSpot or Salesforce): contacts, orders, a timeline per contact.

Our receiver's handlers (and learners' handlers) call it over real HTTP through
:class:`CRM`. Two things are deliberately unlike a careful API, because lessons
use them: ``POST /api/orders`` creates a new row every time (duplicates happen
when a webhook is delivered twice), and lifecycle stages only move forward.

Example (``stack.crm`` is a :class:`CRM`)::

    stack.crm.upsert_contact("ana@example.com", name="Ana", lifecycle_stage="lead")
    stack.crm.contacts()
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pandas as pd
from flask import Blueprint, Flask, jsonify

from ..clock import Clock
from ..store import Store
from .base import ApiError, ServiceClient, ServiceError, make_app
from .openapi import crm_document
from .inputs import (apply_batch, brief, check_encodable, check_fields, clean_email, ensure_schema, get_number,
                     get_str, read_object)

__all__ = ["SCHEMA", "create_app", "CRM", "STAGES"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    email TEXT PRIMARY KEY, name TEXT, phone TEXT, company TEXT, city TEXT, job_title TEXT,
    locale TEXT, lifecycle_stage TEXT NOT NULL DEFAULT 'subscriber', subscribed INTEGER,
    source_version INTEGER, subscribed_at REAL, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, email TEXT NOT NULL,
    total REAL NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, items TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_order_id ON orders (order_id);
CREATE INDEX IF NOT EXISTS orders_email ON orders (email);
CREATE TABLE IF NOT EXISTS timeline (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    event_id TEXT, at REAL NOT NULL, UNIQUE (email, event_id)
);
"""

#: Lifecycle stages in the only order a contact may move through them.
STAGES = ("subscriber", "lead", "customer")
CONTACT_FIELDS = ("name", "phone", "company", "city", "job_title", "locale",
                  "lifecycle_stage", "subscribed", "source_version", "subscribed_at")
ORDER_FIELDS = ("email", "total", "currency", "status", "items")
ORDER_STATUSES = ("completed", "refunded")
_INT64 = 2**63

_CONTACTS_SQL = """
SELECT c.*, ROUND(COALESCE(SUM(CASE WHEN o.status = 'completed' THEN o.total END), 0), 2)
       AS lifetime_value, COUNT(o.id) AS orders_count
FROM contacts c LEFT JOIN orders o ON o.email = c.email {where}
GROUP BY c.email ORDER BY c.email
"""


# -- the app -------------------------------------------------------------------------------

def _contact_fields(body: dict) -> dict:
    out: dict[str, Any] = {}
    for key in ("name", "phone", "company", "city", "job_title", "locale"):
        if key in body:
            out[key] = get_str(body, key, nullable=True)
    if "lifecycle_stage" in body:
        out["lifecycle_stage"] = get_str(body, "lifecycle_stage", choices=STAGES)
    if "subscribed" in body:
        value = body["subscribed"]
        if value is not None and not isinstance(value, bool):
            raise ApiError(400, f"subscribed must be true, false or null, not {brief(value)}")
        out["subscribed"] = None if value is None else int(value)
    if "source_version" in body:
        value = body["source_version"]
        if value is not None and (type(value) is not int or not -_INT64 <= value < _INT64):
            raise ApiError(400, f"source_version must be an integer, not {brief(value)}")
        out["source_version"] = value
    if "subscribed_at" in body:  # event time of the last subscription change (ordering guard)
        out["subscribed_at"] = None if body["subscribed_at"] is None else get_number(body, "subscribed_at")
    return out


def _order_fields(body: dict) -> dict:
    out: dict[str, Any] = {}
    if "email" in body:
        out["email"] = clean_email(body["email"])
    if "total" in body:
        total = get_number(body, "total")
        if total < 0:
            raise ApiError(400, f"total must be >= 0, not {brief(total)}", "a refund is status \"refunded\"")
        out["total"] = total
    if "currency" in body:
        currency = get_str(body, "currency", max_len=3)
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            raise ApiError(400, f"currency {currency!r} is not a 3-letter code", "send e.g. \"EUR\" or \"USD\"")
        out["currency"] = currency.upper()
    if "status" in body:
        out["status"] = get_str(body, "status", choices=ORDER_STATUSES)
    if "items" in body:
        if not isinstance(body["items"], list):
            raise ApiError(400, f"items must be a list, not {type(body['items']).__name__}")
        check_encodable(body["items"], "items")
        out["items"] = json.dumps(body["items"], ensure_ascii=False)
    return out


def _order_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # shops often number their orders
    return get_str({"order_id": value}, "order_id")


def _contact_row(row: dict) -> dict:
    if row["subscribed"] is not None:
        row["subscribed"] = bool(row["subscribed"])
    return row


def _order_row(row: dict) -> dict:
    row["items"] = json.loads(row["items"])
    return row


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The CRM's Flask app, bound to ``store``; every ``/api`` route needs ``api_key``."""
    ensure_schema(store, SCHEMA)
    app = make_app("crm", api_key=api_key, public=("/health", "/openapi.json"))
    api = Blueprint("crm", __name__, url_prefix="/api")

    def find_contact(email: str) -> dict | None:
        row = store.one(_CONTACTS_SQL.format(where="WHERE c.email = ?"), (email,))
        return _contact_row(row) if row else None

    def upsert_contact(email: str, fields: dict) -> tuple[bool, list[str]]:
        """Insert or update inside the caller's transaction; returns (created, notes)."""
        now = clock.now()
        row = store.one("SELECT lifecycle_stage, subscribed_at FROM contacts WHERE email = ?", (email,))
        notes = []
        if row and fields.get("subscribed_at") is not None and (row["subscribed_at"] or 0) > fields["subscribed_at"]:
            # Last writer wins by event time: a subscription change older than the one
            # recorded arrived late (a retry overtaken by a newer event) and is ignored.
            fields.pop("subscribed", None)
            fields.pop("subscribed_at")
            notes.append("subscription kept: a newer change is already recorded (subscribed_at)")
        if row and "lifecycle_stage" in fields:
            current = row["lifecycle_stage"]
            if STAGES.index(fields["lifecycle_stage"]) < STAGES.index(current):
                fields["lifecycle_stage"] = current
                notes.append(f"lifecycle_stage kept at {current} (stages only move forward: "
                             + " < ".join(STAGES) + ")")
        if row is None:
            fields = {"lifecycle_stage": "subscriber", **fields, "email": email,
                      "created_at": now, "updated_at": now}
            store.execute(f"INSERT INTO contacts ({', '.join(fields)}) VALUES "
                          f"({', '.join('?' * len(fields))})", tuple(fields.values()))
        elif fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            store.execute(f"UPDATE contacts SET {sets}, updated_at = ? WHERE email = ?",
                          (*fields.values(), now, email))
        return row is None, notes

    def need_contact(email: str) -> dict:
        contact = find_contact(email)
        if contact is None:
            raise ApiError(404, f"no contact {email}", "upsert the contact first (PUT /api/contacts/<email>)")
        return contact

    @api.get("/contacts")
    def list_contacts():
        return {"contacts": [_contact_row(r) for r in store.all(_CONTACTS_SQL.format(where=""))]}

    @api.get("/contacts/<email>")
    def get_contact(email: str):
        return need_contact(clean_email(email))

    @api.put("/contacts/<email>")
    def put_contact(email: str):
        email = clean_email(email)
        body = read_object()
        check_fields(body, ("email", *CONTACT_FIELDS))
        if "email" in body and clean_email(body["email"]) != email:
            raise ApiError(400, f"email {body['email']!r} in the body does not match {email} in the path",
                           "leave email out of the body; the path names the contact")
        fields = _contact_fields(body)
        with store.transaction():
            created, notes = upsert_contact(email, fields)
        answer = {"created": created, "contact": find_contact(email), "notes": notes}
        return jsonify(answer), 201 if created else 200

    @api.post("/contacts/batch")
    def batch_contacts():
        """Upsert up to BATCH_LIMIT contacts in one call, all or none (like HubSpot's batch upsert)."""
        def apply(item: dict) -> dict:
            check_fields(item, ("email", *CONTACT_FIELDS))
            email = clean_email(item["email"])
            created, notes = upsert_contact(email, _contact_fields(item))
            return {"email": email, "created": created, "notes": notes}

        return jsonify(results=apply_batch(store, "contacts", "contact", "email", apply))

    def insert_order(order_id: str, fields: dict) -> int:
        now = clock.now()
        fields = {"status": "completed", "items": "[]", **fields, "order_id": order_id,
                  "created_at": now, "updated_at": now}
        upsert_contact(fields["email"], {"lifecycle_stage": "customer"})
        return store.execute(f"INSERT INTO orders ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                             tuple(fields.values())).lastrowid

    @api.post("/orders")
    def post_order():
        body = read_object()
        check_fields(body, ("order_id", *ORDER_FIELDS), required=("order_id", "email", "total", "currency"))
        order_id, fields = _order_id(body["order_id"]), _order_fields(body)
        with store.transaction():
            row_id = insert_order(order_id, fields)
        order = _order_row(store.one("SELECT * FROM orders WHERE id = ?", (row_id,)))
        return jsonify({"created": True, "order": order}), 201

    @api.put("/orders/<order_id>")
    def put_order(order_id: str):
        order_id = _order_id(order_id)
        body = read_object()
        check_fields(body, ("order_id", *ORDER_FIELDS))
        if "order_id" in body and _order_id(body["order_id"]) != order_id:
            raise ApiError(400, f"order_id {body['order_id']!r} in the body does not match {order_id!r} in the path")
        fields = _order_fields(body)
        with store.transaction():
            existing = store.one("SELECT email FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
            if existing is None:
                check_fields(body, ("order_id", *ORDER_FIELDS), required=("email", "total", "currency"))
                insert_order(order_id, fields)
            else:
                if fields:
                    sets = ", ".join(f"{k} = ?" for k in fields)
                    store.execute(f"UPDATE orders SET {sets}, updated_at = ? WHERE order_id = ?",
                                  (*fields.values(), clock.now(), order_id))
                upsert_contact(fields.get("email", existing["email"]), {"lifecycle_stage": "customer"})
        orders = store.all("SELECT * FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
        created = existing is None
        return jsonify({"created": created, "orders": [_order_row(r) for r in orders]}), 201 if created else 200

    @api.get("/orders")
    def list_orders():
        return {"orders": [_order_row(r) for r in store.all("SELECT * FROM orders ORDER BY id")]}

    @api.get("/orders/<order_id>")
    def get_order(order_id: str):
        rows = store.all("SELECT * FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
        if not rows:
            raise ApiError(404, f"no order {order_id!r}", "create it with PUT /api/orders/<order_id>; "
                           "GET /api/orders lists every order")
        return {"order_id": order_id, "orders": [_order_row(r) for r in rows]}

    def add_entry(email: str, body: dict) -> tuple[bool, int]:
        """Check and insert one timeline entry inside the caller's transaction; returns (created, row id)."""
        check_fields(body, ("kind", "text", "event_id", "at"), required=("kind", "text"))
        kind = get_str(body, "kind", max_len=100)
        text = get_str(body, "text", max_len=10_000)
        event_id = get_str(body, "event_id", nullable=True)
        at = clock.now() if body.get("at") is None else get_number(body, "at")
        if store.scalar("SELECT 1 FROM contacts WHERE email = ?", (email,)) is None:
            need_contact(email)  # raises the 404 that names the contact
        cur = store.execute(  # the event id is the idempotency key: a retried handler adds nothing
            "INSERT INTO timeline (email, kind, text, event_id, at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (email, event_id) DO NOTHING", (email, kind, text, event_id, at))
        return cur.rowcount == 1, cur.lastrowid

    @api.post("/contacts/<email>/timeline")
    def post_timeline(email: str):
        email = clean_email(email)
        body = read_object()
        with store.transaction():
            created, row_id = add_entry(email, body)
            entry = store.one("SELECT * FROM timeline WHERE id = ?", (row_id,)) if created else \
                store.one("SELECT * FROM timeline WHERE email = ? AND event_id = ?", (email, body.get("event_id")))
        return jsonify({"created": created, "entry": entry}), 201 if created else 200

    @api.post("/timeline/batch")
    def batch_timeline():
        """Add up to BATCH_LIMIT timeline entries (each with its contact's email) in one call, all or none."""
        def apply(item: dict) -> dict:
            email = clean_email(item["email"])
            created, _ = add_entry(email, {k: v for k, v in item.items() if k != "email"})
            return {"email": email, "event_id": item.get("event_id"), "created": created}

        return jsonify(results=apply_batch(store, "entries", "entry", "email", apply))

    @api.get("/contacts/<email>/timeline")
    def contact_timeline(email: str):
        email = need_contact(clean_email(email))["email"]
        return {"timeline": store.all("SELECT * FROM timeline WHERE email = ? ORDER BY at, id", (email,))}

    @api.get("/timeline")
    def all_timeline():
        return {"timeline": store.all("SELECT * FROM timeline ORDER BY at, id")}

    app.register_blueprint(api)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "crm"})
    app.add_url_rule("/openapi.json", "openapi", lambda: jsonify(crm_document()))  # public: the API's own docs
    return app


class CRM(ServiceClient):
    """Client for the mock CRM; non-2xx answers raise :class:`ServiceError`.

    Example::

        crm.create_order("A-1", "ana@example.com", 49.9, "EUR")
        crm.contacts()[["email", "lifecycle_stage", "lifetime_value"]]
    """

    service = "crm"

    def upsert_contact(self, email: str, **fields: Any) -> dict:
        """Create or update a contact; the answer has ``created``, ``contact`` and ``notes``."""
        return self.request("PUT", f"/api/contacts/{_q(email)}", json=fields)

    def upsert_contacts(self, contacts: list[dict]) -> list[dict]:
        """Create or update up to 100 contacts (dicts with ``email``) in one call, all or none."""
        return self.request("POST", "/api/contacts/batch", json={"contacts": contacts})["results"]

    def contact(self, email: str) -> dict | None:
        try:
            return self.request("GET", f"/api/contacts/{_q(email)}")
        except ServiceError as e:
            if e.status == 404:
                return None
            raise

    def create_order(self, order_id: str, email: str, total: float, currency: str, **fields: Any) -> dict:
        """A NEW order row every call, even for an order_id seen before (like a deal in HubSpot)."""
        body = {"order_id": order_id, "email": email, "total": total, "currency": currency, **fields}
        return self.request("POST", "/api/orders", json=body)

    def order(self, order_id: str) -> dict | None:
        """The order with this external id (the first row, if POST made several), or None."""
        try:
            return self.request("GET", f"/api/orders/{_q(str(order_id))}")["orders"][0]
        except ServiceError as e:
            if e.status == 404:
                return None
            raise

    def put_order(self, order_id: str, **fields: Any) -> dict:
        """Create or update the order(s) with this external id; safe to repeat."""
        return self.request("PUT", f"/api/orders/{_q(str(order_id))}", json=fields)

    def add_timeline(self, email: str, kind: str, text: str, event_id: str | None = None) -> dict:
        body = {"kind": kind, "text": text, "event_id": event_id}
        return self.request("POST", f"/api/contacts/{_q(email)}/timeline", json=body)

    def add_timelines(self, entries: list[dict]) -> list[dict]:
        """Add up to 100 timeline entries (dicts with ``email``, ``kind``, ``text``, ``event_id``) in one call."""
        return self.request("POST", "/api/timeline/batch", json={"entries": entries})["results"]

    def contacts(self) -> pd.DataFrame:
        columns = ["email", *CONTACT_FIELDS, "lifetime_value", "orders_count", "created_at", "updated_at"]
        return self.frame("/api/contacts", "contacts", columns, ("subscribed_at", "created_at", "updated_at"))

    def orders(self) -> pd.DataFrame:
        columns = ["id", "order_id", "email", "total", "currency", "status", "created_at", "updated_at"]
        return self.frame("/api/orders", "orders", columns, ("created_at", "updated_at"))

    def timeline(self, email: str | None = None) -> pd.DataFrame:
        path = f"/api/contacts/{_q(email)}/timeline" if email else "/api/timeline"
        return self.frame(path, "timeline", ["id", "email", "kind", "text", "event_id", "at"], ("at",))


def _q(part: str) -> str:
    return quote(part, safe="@")
