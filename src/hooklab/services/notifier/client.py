"""The team chat's client, as a handler (ours or a learner's) calls it: over real HTTP."""

from __future__ import annotations

import pandas as pd

from ..base import ServiceClient

__all__ = ["Notifier"]


class Notifier(ServiceClient):
    """Client for the mock team chat; errors raise :class:`ServiceError`.

    Example::

        notifier.post("#leads", "New lead: Ana (ana@example.com)")
        notifier.messages("leads")
    """

    service = "notifier"

    def post(self, channel: str, text: str, username: str = "hooklab") -> dict:
        """Post ``text`` to ``channel`` (with or without '#'); returns Slack's ``{"ok", "channel", "ts"}``."""
        return self.request("POST", "/api/chat.postMessage",
                            json={"channel": channel, "text": text, "username": username})

    def messages(self, channel: str | None = None) -> pd.DataFrame:
        params = {"channel": channel} if channel else None
        return self.frame("/api/messages", "messages", ["id", "channel", "text", "username", "created_at"],
                          ("created_at",), params=params)

    def channels(self) -> list[str]:
        return [c["name"] for c in self.request("GET", "/api/channels")["channels"]]
