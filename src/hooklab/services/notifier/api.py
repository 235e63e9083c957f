"""The team chat's HTTP API (Slack-like): a Blueprint over :mod:`.domain`.

A route reads the request, calls one domain function and shapes the answer in Slack's
form, ``{"ok": true, ...}``. As in the Flask tutorial, the app factory binds the app to
its store and registers the blueprint.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from ...clock import Clock
from ...store import Store
from ..base import get_store, make_app, now
from ..inputs import check_fields, read_object
from . import domain

__all__ = ["create_app", "bp"]

bp = Blueprint("notifier", __name__, url_prefix="/api")


def create_app(store: Store, api_key: str, clock: Clock) -> Flask:
    """The notifier's Flask app, bound to ``store``; ``/api`` routes need ``api_key``."""
    domain.init_store(store, clock.now())
    app = make_app("notifier", api_key=api_key, public=("/health",), store=store, clock=clock)
    app.register_blueprint(bp)
    app.add_url_rule("/health", "health", lambda: {"ok": True, "service": "notifier"})
    return app




@bp.post("/chat.postMessage")
def post_message():
    body = read_object()
    check_fields(body, ("channel", "text", "username"), required=("channel", "text"))
    message = domain.post_message(get_store(), body["channel"], body["text"], body.get("username"), now=now())
    return {"ok": True, "channel": message["channel"], "ts": domain.ts(message), "message": message}


@bp.get("/channels")
def list_channels():
    return {"channels": domain.channels(get_store())}


@bp.post("/channels")
def create_channel():
    body = read_object()
    check_fields(body, ("name",), required=("name",))
    return jsonify({"ok": True, "channel": domain.create_channel(get_store(), body["name"], now())}), 201


@bp.get("/messages")
def list_messages():
    return {"messages": domain.messages(get_store(), request.args.get("channel"))}
