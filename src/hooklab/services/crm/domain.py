"""The CRM's domain: contacts, orders and each contact's timeline, over a store; no HTTP.

Each function takes the :class:`~hooklab.store.Store` first and, where it writes, the time
(Unix seconds) last. Values come as a JSON body carries them and are checked here; a
mistake raises :class:`~hooklab.services.base.ApiError` naming the field. A function that
writes runs in one transaction, or joins the caller's, so a batch stays all or none.

>>> store = Store(":memory:", SCHEMA)
>>> upsert_contact(store, "Ana@Example.com", {"name": "Ana", "lifecycle_stage": "lead"}, now=1.0)
(True, [])
>>> upsert_contact(store, "ana@example.com", {"lifecycle_stage": "subscriber", "city": "Recife"}, now=2.0)[1]
['lifecycle_stage kept at lead (stages only move forward: subscriber < lead < customer)']
>>> [(c["email"], c["name"], c["city"], c["lifecycle_stage"]) for c in contacts(store)]
[('ana@example.com', 'Ana', 'Recife', 'lead')]
>>> store.close()
"""

from __future__ import annotations

import json
from typing import Any

from ...store import Store
from ..base import ApiError
from ..inputs import brief, check_encodable, check_fields, clean_email, ensure_schema, get_number, get_str

__all__ = ["SCHEMA", "STAGES", "CONTACT_FIELDS", "ORDER_FIELDS", "init_store", "upsert_contact", "find_contact",
           "get_contact", "contacts", "order_key", "add_order", "put_order", "get_order", "orders", "add_timeline",
           "timeline"]

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
TIMELINE_FIELDS = ("kind", "text", "event_id", "at")
_NEW_ORDER = ("email", "total", "currency")  # what an order needs when it is created
_INT64 = 2**63

_CONTACTS_SQL = """
SELECT c.*, ROUND(COALESCE(SUM(CASE WHEN o.status = 'completed' THEN o.total END), 0), 2)
       AS lifetime_value, COUNT(o.id) AS orders_count
FROM contacts c LEFT JOIN orders o ON o.email = c.email {where}
GROUP BY c.email ORDER BY c.email
"""


def init_store(store: Store) -> None:
    """Create the tables a store opened without :data:`SCHEMA` lacks."""
    ensure_schema(store, SCHEMA)


# -- contacts ---------------------------------------------------------------------------------

def _contact_fields(fields: dict) -> dict:
    """The contact columns ``fields`` sets, checked and converted (``subscribed`` as 0/1)."""
    check_fields(fields, CONTACT_FIELDS)
    out: dict[str, Any] = {}
    for key in ("name", "phone", "company", "city", "job_title", "locale"):
        if key in fields:
            out[key] = get_str(fields, key, nullable=True)
    if "lifecycle_stage" in fields:
        out["lifecycle_stage"] = get_str(fields, "lifecycle_stage", choices=STAGES)
    if "subscribed" in fields:
        value = fields["subscribed"]
        if value is not None and not isinstance(value, bool):
            raise ApiError(400, f"subscribed must be true, false or null, not {brief(value)}")
        out["subscribed"] = None if value is None else int(value)
    if "source_version" in fields:
        value = fields["source_version"]
        if value is not None and (type(value) is not int or not -_INT64 <= value < _INT64):
            raise ApiError(400, f"source_version must be an integer, not {brief(value)}")
        out["source_version"] = value
    if "subscribed_at" in fields:  # event time of the last subscription change (ordering guard)
        out["subscribed_at"] = None if fields["subscribed_at"] is None else get_number(fields, "subscribed_at")
    return out


def _contact_row(row: dict) -> dict:
    if row["subscribed"] is not None:
        row["subscribed"] = bool(row["subscribed"])
    return row


def upsert_contact(store: Store, email: str, fields: dict, now: float) -> tuple[bool, list[str]]:
    """Create the contact or update the fields given; returns ``(created, notes)``.

    Two rules protect what is recorded: lifecycle stages only move forward, and a
    subscription change older (``subscribed_at``) than the one recorded is ignored.
    ``notes`` says which rule kept a value.
    """
    email = clean_email(email)
    fields = _contact_fields(fields)
    with store.transaction():
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


def find_contact(store: Store, email: str) -> dict | None:
    """The contact with its ``lifetime_value`` and ``orders_count``, or None."""
    row = store.one(_CONTACTS_SQL.format(where="WHERE c.email = ?"), (clean_email(email),))
    return _contact_row(row) if row else None


def get_contact(store: Store, email: str) -> dict:
    """:func:`find_contact`, or a 404 that says how to create the contact."""
    contact = find_contact(store, email)
    if contact is None:
        raise ApiError(404, f"no contact {clean_email(email)}",
                       "upsert the contact first (PUT /api/contacts/<email>)")
    return contact


def contacts(store: Store) -> list[dict]:
    """Every contact, by email."""
    return [_contact_row(r) for r in store.all(_CONTACTS_SQL.format(where=""))]


# -- orders -----------------------------------------------------------------------------------

def order_key(value: Any) -> str:
    """A shop's order id as the CRM keys it: a non-empty string (a whole number becomes one)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # shops often number their orders
    return get_str({"order_id": value}, "order_id")


def _order_fields(fields: dict) -> dict:
    check_fields(fields, ORDER_FIELDS)
    out: dict[str, Any] = {}
    if "email" in fields:
        out["email"] = clean_email(fields["email"])
    if "total" in fields:
        total = get_number(fields, "total")
        if total < 0:
            raise ApiError(400, f"total must be >= 0, not {brief(total)}", "a refund is status \"refunded\"")
        out["total"] = total
    if "currency" in fields:
        currency = get_str(fields, "currency", max_len=3)
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            raise ApiError(400, f"currency {currency!r} is not a 3-letter code", "send e.g. \"EUR\" or \"USD\"")
        out["currency"] = currency.upper()
    if "status" in fields:
        out["status"] = get_str(fields, "status", choices=ORDER_STATUSES)
    if "items" in fields:
        if not isinstance(fields["items"], list):
            raise ApiError(400, f"items must be a list, not {type(fields['items']).__name__}")
        check_encodable(fields["items"], "items")
        out["items"] = json.dumps(fields["items"], ensure_ascii=False)
    return out


def _order_row(row: dict) -> dict:
    row["items"] = json.loads(row["items"])
    return row


def _insert_order(store: Store, order_id: str, fields: dict, now: float) -> int:
    check_fields(fields, ORDER_FIELDS, required=_NEW_ORDER)
    row = {"status": "completed", "items": "[]", **fields, "order_id": order_id, "created_at": now, "updated_at": now}
    upsert_contact(store, row["email"], {"lifecycle_stage": "customer"}, now)  # a buyer is a customer
    return store.execute(f"INSERT INTO orders ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         tuple(row.values())).lastrowid


def add_order(store: Store, order_id: Any, fields: dict, now: float) -> dict:
    """A NEW order row every call, even for an ``order_id`` seen before; returns it.

    Deliberately not idempotent (like creating a deal in HubSpot): a webhook delivered
    twice makes two rows, which lesson 11 shows. :func:`put_order` is the safe one.
    """
    order_id, fields = order_key(order_id), _order_fields(fields)
    with store.transaction():
        row_id = _insert_order(store, order_id, fields, now)
        return _order_row(store.one("SELECT * FROM orders WHERE id = ?", (row_id,)))


def put_order(store: Store, order_id: Any, fields: dict, now: float) -> tuple[bool, list[dict]]:
    """Create the order, or update every row with this ``order_id``; returns ``(created, rows)``."""
    order_id, fields = order_key(order_id), _order_fields(fields)
    with store.transaction():
        existing = store.one("SELECT email FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
        if existing is None:
            _insert_order(store, order_id, fields, now)
        else:
            if fields:
                sets = ", ".join(f"{k} = ?" for k in fields)
                store.execute(f"UPDATE orders SET {sets}, updated_at = ? WHERE order_id = ?",
                              (*fields.values(), now, order_id))
            upsert_contact(store, fields.get("email", existing["email"]), {"lifecycle_stage": "customer"}, now)
        rows = store.all("SELECT * FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
    return existing is None, [_order_row(r) for r in rows]


def get_order(store: Store, order_id: str) -> list[dict]:
    """Every row with this ``order_id`` (more than one when it was posted twice), or a 404."""
    rows = store.all("SELECT * FROM orders WHERE order_id = ? ORDER BY id", (order_id,))
    if not rows:
        raise ApiError(404, f"no order {order_id!r}", "create it with PUT /api/orders/<order_id>; "
                       "GET /api/orders lists every order")
    return [_order_row(r) for r in rows]


def orders(store: Store) -> list[dict]:
    """Every order row, oldest first."""
    return [_order_row(r) for r in store.all("SELECT * FROM orders ORDER BY id")]


# -- the timeline -----------------------------------------------------------------------------

def add_timeline(store: Store, email: str, entry: dict, now: float) -> tuple[bool, dict]:
    """Add ``{kind, text, event_id?, at?}`` to a contact's timeline; returns ``(created, entry)``.

    The ``event_id`` is the idempotency key: an entry already there for it is returned,
    not added again, so a retried handler adds nothing.
    """
    email = clean_email(email)
    check_fields(entry, TIMELINE_FIELDS, required=("kind", "text"))
    kind = get_str(entry, "kind", max_len=100)
    text = get_str(entry, "text", max_len=10_000)
    event_id = get_str(entry, "event_id", nullable=True)
    at = now if entry.get("at") is None else get_number(entry, "at")
    with store.transaction():
        if store.scalar("SELECT 1 FROM contacts WHERE email = ?", (email,)) is None:
            get_contact(store, email)  # raises the 404 that names the contact
        cur = store.execute("INSERT INTO timeline (email, kind, text, event_id, at) VALUES (?, ?, ?, ?, ?)"
                            " ON CONFLICT (email, event_id) DO NOTHING", (email, kind, text, event_id, at))
        if cur.rowcount == 1:
            return True, store.one("SELECT * FROM timeline WHERE id = ?", (cur.lastrowid,))
        return False, store.one("SELECT * FROM timeline WHERE email = ? AND event_id = ?", (email, event_id))


def timeline(store: Store, email: str | None = None) -> list[dict]:
    """Timeline entries in time order: one contact's (a 404 if it does not exist), or everyone's."""
    if email is None:
        return store.all("SELECT * FROM timeline ORDER BY at, id")
    email = get_contact(store, email)["email"]
    return store.all("SELECT * FROM timeline WHERE email = ? ORDER BY at, id", (email,))
