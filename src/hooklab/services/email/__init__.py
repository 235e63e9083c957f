"""A mock email platform imitating Mailchimp's Marketing API (Brevo is similar).

Audiences ("lists") hold members with a status, merge fields (``FNAME``,
``LNAME``...) and tags. As in Mailchimp, a member in a path is its email or its
``subscriber_hash`` (md5 of the lowercased email), bodies may be JSON or
form-encoded (``merge_fields[FNAME]=Ana&tags=a&tags=b``), ``PUT`` adds or
updates (``status_if_new`` counts only when adding) and ``PATCH`` updates.
A list can also call *you* when a member changes: audience webhooks,
Mailchimp-style (form-encoded, a secret in the URL, a validation ``GET``) or
Brevo-style (JSON, basic auth or a bearer token).

Four parts, as in the Flask tutorial: :mod:`.domain` (the rules, functions over a
store, no HTTP), :mod:`.webhooks` (what a member change sends, and the sending),
:mod:`.api` (a Blueprint: the routes, and ``create_app``) and :mod:`.client`
(:class:`EmailPlatform`, used over real HTTP).

Example (``stack.email`` is an :class:`EmailPlatform`)::

    stack.email.upsert_member("ana@example.com", status_if_new="subscribed",
                              merge_fields={"FNAME": "Ana"}, tags=["newsletter"])
    stack.email.subscribers()
"""

from __future__ import annotations

from . import domain, webhooks
from .api import create_app
from .client import EmailPlatform
from .domain import STATUSES, subscriber_hash

#: Every table of the email platform's store: lists and members, then webhooks and their log.
SCHEMA = domain.SCHEMA + webhooks.SCHEMA

__all__ = ["SCHEMA", "create_app", "EmailPlatform", "STATUSES", "subscriber_hash", "domain", "webhooks"]
