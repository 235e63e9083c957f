"""The sender's console: every delivery attempt, its details, replay, and a way to fire events.

Like webhook.site or GitHub's "Recent deliveries". Read-only apart from
``fire`` and ``replay``, which need the stack's console token in the
``X-Hooklab-Token`` header: a custom header cannot be sent by a cross-site form,
so another web page cannot trigger them.
"""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING

from flask import Flask, jsonify, request

from .. import catalog
from ..errors import HooklabError
from .base import ApiError, make_app, read_body

if TYPE_CHECKING:
    from ..delivery.dispatcher import Dispatcher
    from ..sources import Sources

__all__ = ["create_app"]

_PAGE = """<!doctype html><meta charset="utf-8"><title>hooklab inspector</title>
<style>body{font:14px system-ui;margin:1.5em}table{border-collapse:collapse}td,th{padding:2px 8px;
border-bottom:1px solid #ddd;text-align:left}</style><h1>hooklab: recent deliveries</h1>
<table id="t"><thead><tr><th>#</th><th>sent</th><th>type</th><th>event</th><th>attempt</th>
<th>status</th><th>ms</th><th>outcome</th></tr></thead><tbody></tbody></table>
<script>
fetch("api/attempts").then(r => r.json()).then(d => {
  const tb = document.querySelector("#t tbody");
  for (const a of d.attempts.reverse()) {
    const tr = document.createElement("tr");
    for (const v of [a.id, new Date(a.sent_at * 1000).toISOString(), a.type, a.event_id, a.attempt,
                     a.status_code ?? a.error, a.latency_ms, a.outcome]) {
      const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
});
</script>"""


def create_app(dispatcher: "Dispatcher", sources: "Sources", token: str) -> Flask:
    app = make_app("inspector")

    def require_token() -> None:
        given = request.headers.get("X-Hooklab-Token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(403, "this action needs the console token in the X-Hooklab-Token header",
                           "`hooklab serve` prints it; in Python it is stack.keys['inspector']")

    @app.get("/")
    def page():
        return _PAGE

    @app.get("/health")
    def health():
        return jsonify(ok=True, service="inspector")

    @app.get("/api/attempts")
    def attempts():
        rows = dispatcher.store.all(
            "SELECT a.id, a.message_id AS event_id, m.type, a.subscription_id AS subscription, a.attempt, "
            "a.trigger, a.sent_at, a.finished_at, a.status_code, a.error, a.latency_ms, a.outcome "
            "FROM attempts a JOIN messages m ON m.id=a.message_id ORDER BY a.id")
        return jsonify(attempts=rows)

    @app.get("/api/events")
    def events():
        """The source's event feed, for pollers: events created after ``since`` (Unix seconds)."""
        try:
            since = float(request.args.get("since", "0"))
        except ValueError:
            raise ApiError(400, f"since must be Unix seconds, not {request.args['since']!r}") from None
        rows = sources.store.all("SELECT id, type, created_at, body FROM events WHERE created_at > ? "
                                 "ORDER BY created_at, rowid", (since,))
        return jsonify(events=[{"id": r["id"], "type": r["type"], "created_at": r["created_at"],
                                "event": json.loads(r["body"])} for r in rows])

    @app.get("/api/attempts/<int:attempt_id>")
    def attempt(attempt_id: int):
        row = dispatcher.attempt_detail(attempt_id)
        if row is None:
            raise ApiError(404, f"no attempt {attempt_id}", "GET api/attempts lists them")
        return jsonify(row)

    @app.post("/api/events")
    def fire():
        require_token()
        body = read_body()
        event_type = body.get("type")
        fields = body.get("fields", {})
        if not isinstance(event_type, str) or not isinstance(fields, dict):
            raise ApiError(400, "send {\"type\": \"<event type>\", \"fields\": {...}}",
                           f"types: {', '.join(catalog.EVENT_TYPES)}")
        try:
            event_id = sources.fire(event_type, **fields)
        except HooklabError as e:
            raise ApiError(422, str(e)) from None
        return jsonify(id=event_id, type=event_type), 201

    @app.post("/api/events/<event_id>/replay")
    def replay(event_id: str):
        require_token()
        try:
            n = dispatcher.replay(event_id)
        except HooklabError as e:
            raise ApiError(404, str(e)) from None
        return jsonify(id=event_id, queued=n), 202

    return app
