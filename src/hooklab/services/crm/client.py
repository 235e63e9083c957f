"""The CRM's client, as a handler (ours or a learner's) calls it: over real HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd

from ..base import ServiceClient, ServiceError
from .domain import CONTACT_FIELDS

__all__ = ["CRM"]


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
