"""A mock team chat (Slack-like): channels and the messages posted to them.

``POST /api/chat.postMessage`` answers in Slack's shape, ``{"ok": true, "channel":
..., "ts": ...}``, where ``ts`` is ``"<whole seconds>.<message id, 6 digits>"``
(like Slack's ``"1503435956.000247"``): unique, and ordered like the messages.

Three parts, as in the Flask tutorial: :mod:`.domain` (the rules, functions over a
store, no HTTP), :mod:`.api` (a Blueprint: the routes, and ``create_app``) and
:mod:`.client` (:class:`Notifier`, used over real HTTP).

Example (``stack.notifier`` is a :class:`Notifier`)::

    stack.notifier.post("#sales", "New order A-1 from ana@example.com: 49.90 EUR")
    stack.notifier.messages("sales")
"""

from __future__ import annotations

from . import domain
from .api import create_app
from .client import Notifier
from .domain import DEFAULT_CHANNELS, SCHEMA

__all__ = ["SCHEMA", "create_app", "Notifier", "DEFAULT_CHANNELS", "domain"]
