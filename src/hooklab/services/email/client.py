"""The email platform's client, as a handler (ours or a learner's) calls it: over real HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd

from ...errors import ConfigError
from ..base import ServiceClient, ServiceError

__all__ = ["EmailPlatform"]

_MEMBER_COLUMNS = ["list_id", "email", "status", "merge_fields", "tags", "created_at", "updated_at"]
_HOOK_COLUMNS = ["id", "list_id", "style", "auth", "url", "created_at"]
_LOG_COLUMNS = ["sent_at", "webhook_id", "list_id", "style", "method", "type", "email", "url", "status_code",
                "error"]


class EmailPlatform(ServiceClient):
    """Client for the mock email platform (Mailchimp-like); errors raise :class:`ServiceError`.

    Example::

        email.upsert_member("ana@example.com", status_if_new="subscribed", merge_fields={"FNAME": "Ana"})
        email.tag("ana@example.com", "vip")
        email.subscribers()
        email.add_webhook("http://127.0.0.1:8000/mailchimp?key=s3cret")   # it calls you on each change
        email.unsubscribe("ana@example.com")
        email.webhook_log()
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

    def unsubscribe(self, email: str, list_id: str = "newsletter") -> dict:
        """Unsubscribe a member, as a click on "unsubscribe" would; returns the member.

        The list's webhooks get an ``unsubscribe`` event (Mailchimp-style: ``data[reason]=manual``).
        """
        return self.update_member(email, list_id=list_id, status="unsubscribed")["member"]

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

    # -- audience webhooks: the platform calls you --------------------------------------------

    def add_webhook(self, url: str, style: str = "mailchimp", list_id: str = "newsletter", *,
                    basic: tuple[str, str] | None = None, bearer: str | None = None) -> dict:
        """Have the platform call ``url`` whenever a member of ``list_id`` changes; returns the webhook.

        ``style="mailchimp"``: unsigned form-encoded POSTs; put a secret in the URL
        (``...?key=<secret>``); the platform first sends a GET to the URL and refuses to save
        it unless the answer is 2xx. ``style="brevo"``: JSON POSTs with an ``Authorization``
        header, from ``basic=(user, password)`` or ``bearer=<token>`` (one of them is needed).
        The URL must be on this machine (127.0.0.1 or localhost). A refusal raises
        :class:`~hooklab.ServiceError` with the platform's reason (HTTP 400, or 409 for a repeat).

        Example::

            url = stack.serve(my_flask_app)                  # your receiver, on 127.0.0.1
            stack.email.add_webhook(url + "/mailchimp?key=" + key)
            stack.email.add_webhook(url + "/brevo", style="brevo", bearer=token)
        """
        body: dict = {"url": url, "style": style}
        if basic is not None:
            if not isinstance(basic, (tuple, list)) or len(basic) != 2:
                raise ConfigError(f"basic must be a pair (user, password), not {basic!r}")
            body["basic"] = list(basic)
        if bearer is not None:
            body["bearer"] = bearer
        return self.request("POST", f"/api/lists/{quote(list_id, safe='')}/webhooks", json=body)["webhook"]

    def webhooks(self, list_id: str = "newsletter") -> pd.DataFrame:
        """The list's webhooks: ``id``, ``style``, ``auth`` (none, basic or bearer), ``url`` (query values masked)."""
        return self.frame(f"/api/lists/{quote(list_id, safe='')}/webhooks", "webhooks", _HOOK_COLUMNS,
                          ("created_at",))

    def webhook_log(self) -> pd.DataFrame:
        """Every request the platform made to a webhook, oldest first: the validation GETs and the event
        POSTs, with ``type``, ``email``, ``status_code`` (None when no answer came) and ``error``."""
        df = self.frame("/api/webhook-log", "log", _LOG_COLUMNS, ("sent_at",))
        return df.astype({"webhook_id": "Int64", "status_code": "Int64"})
