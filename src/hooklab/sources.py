"""The sources of truth: a signup form and a shop, which emit events.

What the sources hold is what *really happened*: who subscribed, who bought
what. Every fired event first changes that truth, then goes out as a webhook.
:func:`hooklab.monitor.reconcile` later compares this truth with what the CRM
and the email platform believe.
"""

from __future__ import annotations

import json
import random
import threading
from typing import Any, Callable

import pandas as pd

from . import catalog
from .clock import Clock
from .errors import EventValidationError, StackError
from .store import Store

__all__ = ["Sources", "SCHEMA"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, source TEXT NOT NULL, created_at REAL NOT NULL,
    body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (
    email TEXT PRIMARY KEY, name TEXT, phone TEXT, company TEXT, city TEXT, job_title TEXT,
    locale TEXT, subscribed INTEGER, version INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, email TEXT NOT NULL, total REAL NOT NULL, currency TEXT NOT NULL,
    status TEXT NOT NULL, updated_at REAL NOT NULL);
"""

_CONTACT_FIELDS = ("name", "phone", "company", "city", "job_title", "locale")
_SNAPSHOT = ("name", "phone", "company", "city", "job_title")  # what contact.updated carries

Emit = Callable[[list[tuple[str, str, str]]], Any]  # [(event id, type, body), ...]

#: Events of a bulk import recorded per transaction and handed to the dispatcher together.
IMPORT_CHUNK = 100
#: The largest import one call makes.
MAX_IMPORT = 100_000


class Sources:
    """The signup form and the shop of one stack."""

    def __init__(self, store: Store, clock: Clock, emit: Emit, seed: int | None = None,
                 locales: tuple[str, ...] = catalog.LOCALES) -> None:
        self.store, self.clock, self._emit = store, clock, emit
        self.factory = catalog.Factory(seed, locales, now=clock.now)
        # A data folder from a previous run: a new person must not get the email of someone already there.
        self.factory.reserve(r["email"] for r in store.all("SELECT email FROM contacts"))
        self._rng = random.Random(f"{seed}:sources") if seed is not None else random.Random()
        self._lock = threading.Lock()

    # -- firing ---------------------------------------------------------------

    def fire(self, event_type: str, **fields: Any) -> str:
        """Record one event in the source of truth and send it; returns its id."""
        return self.fire_many(event_type, 1, **fields)[0]

    def fire_many(self, event_type: str, count: int, **fields: Any) -> list[str]:
        """``count`` events of one type, as a bulk import makes them; returns their ids.

        Each chunk of :data:`IMPORT_CHUNK` events is recorded in one transaction and handed
        to the dispatcher in one go, so deliveries start while the import goes on. An error
        stops the import; the chunks before it stand, as in a real import.
        """
        kind = catalog.get(event_type)  # unknown type: error with a suggestion
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_IMPORT:
            raise StackError(f"count must be a whole number from 1 to {MAX_IMPORT:,}, not {count!r}")
        ids: list[str] = []
        while len(ids) < count:
            events = []
            with self._lock:  # one chunk at a time: ids, versions and truth stay consistent
                with self.store.transaction():
                    for _ in range(min(IMPORT_CHUNK, count - len(ids))):
                        events.append(self._record(event_type, kind.source, fields))
            self._emit(events)
            ids += [msg_id for msg_id, _, _ in events]
        return ids

    def _record(self, event_type: str, source: str, fields: dict) -> tuple[str, str, str]:
        """One event written to the truth (in the caller's transaction): ``(id, type, body)``."""
        data = self._data(event_type, fields)
        catalog.validate_data(event_type, data)
        if self.clock.virtual:
            # Events are at least 1 ms apart, so their timestamps order them,
            # as they would on a real timeline.
            self.clock.advance(0.001)
        now = self.clock.now()
        event = catalog.envelope(event_type, data, now)
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        msg_id = catalog.make_id("msg", self._rng)
        self.store.execute("INSERT INTO events (id, type, source, created_at, body) VALUES (?,?,?,?,?)",
                           (msg_id, event_type, source, now, body))
        self._apply(event_type, data, now)
        return msg_id, event_type, body

    def _data(self, event_type: str, fields: dict) -> dict:
        """Generated data for ``event_type`` that fits what the sources already know."""
        email = fields.get("email")
        if event_type in ("newsletter.unsubscribed", "contact.updated") and email is None:
            email = self._pick("SELECT email FROM contacts WHERE subscribed=1 ORDER BY email"
                               if event_type == "newsletter.unsubscribed" else
                               "SELECT email FROM contacts ORDER BY email",
                               f"there is no contact to use for {event_type}: fire newsletter.subscribed "
                               "first, or pass email=...")
        if event_type == "order.refunded" and "order_id" not in fields:
            order_id = self._pick("SELECT order_id FROM orders WHERE status='completed' ORDER BY order_id",
                                  "there is no completed order to refund: fire order.completed first, "
                                  "or pass order_id=...")
            fields = {"order_id": order_id, **fields}
        if event_type == "order.refunded":
            order = self.store.one("SELECT * FROM orders WHERE order_id=?", (fields["order_id"],))
            if order:
                fields = {"email": order["email"], "amount": order["total"], "currency": order["currency"],
                          **fields}
        if event_type in ("order.completed", "cart.abandoned") and email is None \
                and self._rng.random() < 0.4:  # returning customers
            email = self._pick("SELECT email FROM contacts ORDER BY email", None)
        person = self._person(email)
        if event_type == "contact.updated":
            known = self.store.scalar("SELECT version FROM contacts WHERE email=?", (person["email"],)) or 0
            fields = {"version": known + 1, **fields}
        try:
            data = self.factory.data(event_type, person=person, **fields)
        except EventValidationError as e:
            raise EventValidationError(f"{e} (fields you pass replace generated ones)", e.errors) from None
        if event_type == "contact.updated":
            # A snapshot, not a diff: a receiver may skip an update that arrives late
            # (an older version) without losing the fields only that update carried.
            data = {**{k: person[k] for k in _SNAPSHOT if person.get(k)}, **data}
        return data

    def _pick(self, sql: str, error: str | None) -> str | None:
        options = [next(iter(r.values())) for r in self.store.all(sql)]
        if not options:
            if error:
                raise StackError(error)
            return None
        return self._rng.choice(options)

    def _person(self, email: str | None) -> dict:
        if email is None:
            return self.factory.person()
        row = self.store.one("SELECT * FROM contacts WHERE email=?", (str(email).strip().lower(),))
        if row is None:
            person = self.factory.person()
            person["email"] = email
            return person
        person = self.factory.person()  # fill fields the truth does not have
        person.update({k: row[k] for k in ("email", *_CONTACT_FIELDS) if row[k] is not None})
        return person

    def _apply(self, event_type: str, data: dict, now: float) -> None:
        """Change the truth the way this event says the world changed."""
        email = data["email"].strip().lower()
        contact = {k: data[k] for k in _CONTACT_FIELDS if data.get(k) is not None}
        subscribed = {"newsletter.subscribed": 1, "newsletter.unsubscribed": 0}.get(event_type)
        if event_type == "form.submitted" and data.get("consent"):
            subscribed = 1
        version = data.get("version")
        self.store.execute(
            "INSERT INTO contacts (email, updated_at) VALUES (?, ?) ON CONFLICT(email) DO NOTHING", (email, now))
        sets = {**contact, "updated_at": now}
        if subscribed is not None:
            sets["subscribed"] = subscribed
        if version is not None:
            sets["version"] = version
        self.store.execute(f"UPDATE contacts SET {', '.join(f'{k}=?' for k in sets)} WHERE email=?",
                           (*sets.values(), email))
        if event_type == "order.completed":
            self.store.execute(
                "INSERT OR REPLACE INTO orders (order_id, email, total, currency, status, updated_at) "
                "VALUES (?,?,?,?,?,?)", (data["order_id"], email, data["total"], data["currency"], "completed", now))
        elif event_type == "order.refunded":
            self.store.execute("UPDATE orders SET status='refunded', updated_at=? WHERE order_id=?",
                               (now, data["order_id"]))

    # -- the truth, as tables -------------------------------------------------

    def events(self) -> pd.DataFrame:
        return self.store.frame("SELECT id, type, source, created_at FROM events ORDER BY created_at, rowid",
                                columns=["id", "type", "source", "created_at"], times=("created_at",))

    def last_time(self) -> float | None:
        """When the latest event was recorded (Unix seconds), or None before the first one."""
        return self.store.scalar("SELECT max(created_at) FROM events")

    def unsent(self, sent: set[str]) -> list[tuple[str, str, str]]:
        """The events whose id is not in ``sent``, oldest first, as ``(id, type, body)``.

        The events table is the outbox: an event recorded here but never handed to the
        dispatcher (the process died in between) is found this way after a restart.
        """
        return [(e["id"], e["type"], e["body"])
                for e in self.store.all("SELECT id, type, body FROM events ORDER BY created_at, rowid")
                if e["id"] not in sent]

    def event(self, event_id: str) -> dict:
        row = self.store.one("SELECT body FROM events WHERE id=?", (event_id,))
        if row is None:
            raise StackError(f"no event {event_id!r}; see stack.events() for the ids")
        return json.loads(row["body"])

    def contacts(self) -> pd.DataFrame:
        cols = ["email", *_CONTACT_FIELDS, "subscribed", "version", "updated_at"]
        df = pd.DataFrame(self.store.all(f"SELECT {', '.join(cols)} FROM contacts ORDER BY email"), columns=cols)
        df["subscribed"] = df["subscribed"].map({1: True, 0: False, None: None})
        return df

    def orders(self) -> pd.DataFrame:
        cols = ["order_id", "email", "total", "currency", "status"]
        return pd.DataFrame(self.store.all(f"SELECT {', '.join(cols)} FROM orders ORDER BY order_id"), columns=cols)
