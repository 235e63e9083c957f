"""The email platform's client, as a handler (ours or a learner's) calls it: over real HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd

from ..base import ServiceClient, ServiceError

__all__ = ["EmailPlatform"]

_MEMBER_COLUMNS = ["list_id", "email", "status", "merge_fields", "tags", "created_at", "updated_at"]


class EmailPlatform(ServiceClient):
    """Client for the mock email platform (Mailchimp-like); errors raise :class:`ServiceError`.

    Example::

        email.upsert_member("ana@example.com", status_if_new="subscribed", merge_fields={"FNAME": "Ana"})
        email.tag("ana@example.com", "vip")
        email.subscribers()
    """

    service = "email"

    def _path(self, list_id: str, email: str) -> str:
        return f"/api/lists/{quote(list_id, safe='')}/members/{quote(email, safe='@')}"

    def upsert_member(self, email: str, status: str | None = None, status_if_new: str | None = None,
                      merge_fields: dict | None = None, tags: list[str] | None = None,
                      list_id: str = "newsletter", form: bool = False) -> dict:
        """Add or update a member; ``form=True`` sends the body form-encoded, the Mailchimp way.

        (A form cannot say "no tags": use JSON to clear the tag set with ``tags=[]``.)
        """
        fields = {"email_address": email, "status": status, "status_if_new": status_if_new,
                  "merge_fields": merge_fields, "tags": tags}
        fields = {k: v for k, v in fields.items() if v is not None}
        if not form:
            return self.request("PUT", self._path(list_id, email), json=fields)
        data = [(k, fields[k]) for k in ("email_address", "status", "status_if_new") if k in fields]
        data += [(f"merge_fields[{k}]", v) for k, v in (merge_fields or {}).items()]
        data += [("tags", t) for t in tags or []]
        return self.request("PUT", self._path(list_id, email), data=data)

    def upsert_members(self, members: list[dict], list_id: str = "newsletter") -> list[dict]:
        """Add or update up to 100 members (dicts with ``email_address``) in one call, all or none."""
        return self.request("POST", f"/api/lists/{quote(list_id, safe='')}/members/batch",
                            json={"members": members})["results"]

    def update_member(self, email: str, list_id: str = "newsletter", **fields: Any) -> dict:
        """Change an existing member; merge_fields are merged into the ones it has."""
        return self.request("PATCH", self._path(list_id, email), json=fields)

    def tag(self, email: str, *tags: str, list_id: str = "newsletter", active: bool = True) -> None:
        """Add tags to a member (or remove them with ``active=False``)."""
        status = "active" if active else "inactive"
        self.request("POST", self._path(list_id, email) + "/tags",
                     json={"tags": [{"name": t, "status": status} for t in tags]})

    def member(self, email: str, list_id: str = "newsletter") -> dict | None:
        try:
            return self.request("GET", self._path(list_id, email))
        except ServiceError as e:
            if e.status == 404 and "no member" in str(e):
                return None
            raise  # an unknown list is a mistake, not "no such member"

    def subscribers(self, list_id: str | None = None) -> pd.DataFrame:
        path = f"/api/lists/{quote(list_id, safe='')}/members" if list_id else "/api/members"
        return self.frame(path, "members", _MEMBER_COLUMNS, ("created_at", "updated_at"))

    def lists(self) -> pd.DataFrame:
        return self.frame("/api/lists", "lists", ["id", "name", "member_count", "created_at"], ("created_at",))
