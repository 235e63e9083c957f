"""A mock email platform imitating Mailchimp's Marketing API (Brevo is similar).

Audiences ("lists") hold members with a status, merge fields (``FNAME``,
``LNAME``...) and tags. As in Mailchimp, a member in a path is its email or its
``subscriber_hash`` (md5 of the lowercased email), bodies may be JSON or
form-encoded (``merge_fields[FNAME]=Ana&tags=a&tags=b``), ``PUT`` adds or
updates (``status_if_new`` counts only when adding) and ``PATCH`` updates.

Three parts, as in the Flask tutorial: :mod:`.domain` (the rules, functions over a
store, no HTTP), :mod:`.api` (a Blueprint: the routes, and ``create_app``) and
:mod:`.client` (:class:`EmailPlatform`, used over real HTTP).

Example (``stack.email`` is an :class:`EmailPlatform`)::

    stack.email.upsert_member("ana@example.com", status_if_new="subscribed",
                              merge_fields={"FNAME": "Ana"}, tags=["newsletter"])
    stack.email.subscribers()
"""

from __future__ import annotations

from . import domain
from .api import create_app
from .client import EmailPlatform
from .domain import SCHEMA, STATUSES, subscriber_hash

__all__ = ["SCHEMA", "create_app", "EmailPlatform", "STATUSES", "subscriber_hash", "domain"]
