"""The team chat's domain: channels and the messages posted to them, over a store; no HTTP.

Each function takes the :class:`~hooklab.store.Store` first and, where it writes, the time
(Unix seconds) last; a mistake raises :class:`~hooklab.services.base.ApiError` in Slack's
words (``channel_not_found``, ``name_taken``).

>>> store = Store(":memory:", SCHEMA)
>>> init_store(store, now=0.0)
>>> message = post_message(store, "#Sales", "New order A-1", now=1503435956.0)
>>> message["channel"], ts(message), [m["text"] for m in messages(store, "sales")]
('sales', '1503435956.000001', ['New order A-1'])
>>> store.close()
"""

from __future__ import annotations

import re
from typing import Any

from ...store import Store
from ..base import ApiError
from ..inputs import ensure_schema, get_str

__all__ = ["SCHEMA", "DEFAULT_CHANNELS", "MAX_TEXT", "init_store", "channel", "channels", "create_channel",
           "post_message", "messages", "ts"]

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


def init_store(store: Store, now: float) -> None:
    """Create the tables a store opened without :data:`SCHEMA` lacks, and the default channels."""
    ensure_schema(store, SCHEMA)
    store.executemany("INSERT OR IGNORE INTO channels (name, created_at) VALUES (?, ?)",
                      [(name, now) for name in DEFAULT_CHANNELS])


def ts(message: dict) -> str:
    """Slack's message id, ``"<whole seconds>.<message id, 6 digits>"``: unique, and in message order."""
    return f"{int(message['created_at'])}.{message['id']:06d}"


def _name(value: Any, key: str) -> str:
    return get_str({key: value}, key, max_len=41).strip().removeprefix("#").lower()


def channel(store: Store, value: Any, key: str = "channel") -> str:
    """The channel ``value`` names (``"#Sales"`` is ``sales``), or a 404 listing the channels there are."""
    name = _name(value, key)
    if store.one("SELECT 1 FROM channels WHERE name = ?", (name,)) is None:
        known = ", ".join(r["name"] for r in store.all("SELECT name FROM channels ORDER BY name"))
        raise ApiError(404, f"channel_not_found: {value!r}", f"channels: {known} (create one with POST /api/channels)")
    return name


def channels(store: Store) -> list[dict]:
    """Every channel with its number of ``messages``, by name."""
    return store.all("SELECT c.name, c.created_at, COUNT(m.id) AS messages FROM channels c"
                     " LEFT JOIN messages m ON m.channel = c.name GROUP BY c.name ORDER BY c.name")


def create_channel(store: Store, name: Any, now: float) -> dict:
    """A new channel; a 409 (``name_taken``) if it exists."""
    clean = _name(name, "name")
    if not _CHANNEL.fullmatch(clean):
        raise ApiError(400, f"channel name {name!r} is not valid",
                       "use 1 to 40 lower-case letters, digits or '-', e.g. \"vip-orders\"")
    with store.transaction():
        if store.one("SELECT 1 FROM channels WHERE name = ?", (clean,)):
            raise ApiError(409, f"name_taken: channel {clean!r} already exists", "post to it, or pick another name")
        store.execute("INSERT INTO channels (name, created_at) VALUES (?, ?)", (clean, now))
    return {"name": clean, "created_at": now}


def post_message(store: Store, channel_name: Any, text: Any, username: Any = None, *, now: float) -> dict:
    """Store ``text`` in the channel and return the message (``username`` defaults to ``hooklab``)."""
    text = get_str({"text": text}, "text", max_len=MAX_TEXT)
    username = get_str({"username": username}, "username", max_len=80, nullable=True) or "hooklab"
    name = channel(store, channel_name)
    with store.transaction():
        cur = store.execute("INSERT INTO messages (channel, text, username, created_at) VALUES (?, ?, ?, ?)",
                            (name, text, username, now))
        return store.one("SELECT * FROM messages WHERE id = ?", (cur.lastrowid,))


def messages(store: Store, channel_name: Any = None) -> list[dict]:
    """Messages in the order they were posted: one channel's (a 404 if it does not exist), or all."""
    if channel_name is None:
        return store.all("SELECT * FROM messages ORDER BY id")
    return store.all("SELECT * FROM messages WHERE channel = ? ORDER BY id", (channel(store, channel_name),))
