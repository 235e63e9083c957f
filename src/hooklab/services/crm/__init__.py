"""A mock CRM (like HubSpot or Salesforce): contacts, orders, a timeline per contact.

Three parts, as in the Flask tutorial: :mod:`.domain` (the rules, functions over a
store, no HTTP), :mod:`.api` (a Blueprint: the routes, and ``create_app``) and
:mod:`.client` (:class:`CRM`, which our receiver's handlers, and learners' handlers,
use over real HTTP). Two things are deliberately unlike a careful API, because lessons
use them: ``POST /api/orders`` creates a new row every time (duplicates happen when a
webhook is delivered twice), and lifecycle stages only move forward.

Example (``stack.crm`` is a :class:`CRM`)::

    stack.crm.upsert_contact("ana@example.com", name="Ana", lifecycle_stage="lead")
    stack.crm.contacts()
"""

from __future__ import annotations

from . import domain
from .api import create_app
from .client import CRM
from .domain import SCHEMA, STAGES

__all__ = ["SCHEMA", "create_app", "CRM", "STAGES", "domain"]
