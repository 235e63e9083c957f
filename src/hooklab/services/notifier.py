"""A mock team chat (Slack-like): channels and the messages posted to them.

``POST /api/chat.postMessage`` answers in Slack's shape, ``{"ok": true, "channel":
..., "ts": ...}``, where ``ts`` is ``"<whole seconds>.<message id, 6 digits>"``
(like Slack's ``"1503435956.000247"``): unique, and ordered like the messages.

Example (``stack.notifier`` is a :class:`Notifier`)::

    stack.notifier.post("#sales", "New order A-1 from ana@example.com: 49.90 EUR")
    stack.notifier.messages("sales")
"""

from __future__ import annotations

import re

import pandas as pd
from flask import Blueprint, Flask, jsonify, request

from ..clock import Clock
from ..store import Store
from .base import ApiError, ServiceClient, make_app
from .inputs import check_fields, ensure_schema, get_str, read_object

__all__ = ["SCHEMA", "create_app", "Notifier", "DEFAULT_CHANNELS"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS channels (name TEXT PRIMARY KEY, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, channel TEXT NOT NULL, text TEXT NOT NULL, username TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

DEFAULT_CHANNELS = ("marketing", "sales", "leads", "alerts")
MAX_TEXT = 4000
_CHANNEL = re.compile(r"[a-z0-9-]{1,40}")


def _ts(message: dict) -> str:
    return f"{int(message['created_at'])}.{message['id']:06d}"


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The notifier's Flask app, bound to ``store``; ``/api`` routes need ``api_key``."""
    ensure_schema(store, SCHEMA)
    store.executemany("INSERT OR IGNORE INTO channels (name, created_at) VALUES (?, ?)",
                      [(name, clock.now()) for name in DEFAULT_CHANNELS])
    app = make_app("notifier", api_key=api_key, public=("/health",))
    api = Blueprint("notifier", __name__, url_prefix="/api")

    def channel_name(value: str | None, key: str = "channel") -> str:
        name = get_str({key: value}, key, max_len=41).strip().removeprefix("#").lower()
        if store.one("SELECT 1 FROM channels WHERE name = ?", (name,)) is None:
            known = ", ".join(r["name"] for r in store.all("SELECT name FROM channels ORDER BY name"))
            raise ApiError(404, f"channel_not_found: {value!r}",
                           f"channels: {known} (create one with POST /api/channels)")
        return name

    @api.post("/chat.postMessage")
    def post_message():
        body = read_object()
        check_fields(body, ("channel", "text", "username"), required=("channel", "text"))
        text = get_str(body, "text", max_len=MAX_TEXT)
        username = get_str(body, "username", max_len=80, nullable=True) or "hooklab"
        channel = channel_name(body["channel"])
        with store.transaction():
            cur = store.execute("INSERT INTO messages (channel, text, username, created_at) VALUES (?, ?, ?, ?)",
                                (channel, text, username, clock.now()))
            message = store.one("SELECT * FROM messages WHERE id = ?", (cur.lastrowid,))
        return {"ok": True, "channel": channel, "ts": _ts(message), "message": message}

    @api.get("/channels")
    def list_channels():
        return {"channels": store.all("SELECT c.name, c.created_at, COUNT(m.id) AS messages FROM channels c"
                                      " LEFT JOIN messages m ON m.channel = c.name GROUP BY c.name ORDER BY c.name")}

    @api.post("/channels")
    def create_channel():
        body = read_object()
        check_fields(body, ("name",), required=("name",))
        name = get_str(body, "name", max_len=41).strip().removeprefix("#").lower()
        if not _CHANNEL.fullmatch(name):
            raise ApiError(400, f"channel name {body['name']!r} is not valid",
                           "use 1 to 40 lower-case letters, digits or '-', e.g. \"vip-orders\"")
        with store.transaction():
            if store.one("SELECT 1 FROM channels WHERE name = ?", (name,)):
                raise ApiError(409, f"name_taken: channel {name!r} already exists", "post to it, or pick another name")
            store.execute("INSERT INTO channels (name, created_at) VALUES (?, ?)", (name, clock.now()))
        return jsonify({"ok": True, "channel": store.one("SELECT * FROM channels WHERE name = ?", (name,))}), 201

    @api.get("/messages")
    def list_messages():
        if request.args.get("channel") is None:
            return {"messages": store.all("SELECT * FROM messages ORDER BY id")}
        channel = channel_name(request.args["channel"])
        return {"messages": store.all("SELECT * FROM messages WHERE channel = ? ORDER BY id", (channel,))}

    app.register_blueprint(api)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "notifier"})
    return app


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
