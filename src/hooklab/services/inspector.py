"""The sender's console: every delivery attempt, its details, replay, and a way to fire events.

Like webhook.site or GitHub's "Recent deliveries": ``GET /`` is a page that lists
every attempt (filter by type and status), shows one in detail (request headers,
body, response, timing) and replays its event. Read-only apart from ``fire`` and
``replay``, which need the stack's console token in the ``X-Hooklab-Token`` header,
or, from the page itself, ``Sec-Fetch-Site: same-origin`` (set by the browser, not
by scripts) with the custom ``X-Hooklab-Inspector`` header. A cross-site page gets
neither: the browser labels its requests cross-site and preflights a custom header,
and no CORS answer allows it. The token is never put in the page.

On the virtual clock nothing is sent until the notebook moves the clock, so the stack passes a
``settle`` callback: a replay (or a fire) from the page runs what is due now at once, and the
answer comes back with it (``"attempts"``) for the page to show.

The page speaks the language its request's ``Accept-Language`` prefers (English or Portuguese),
or, when the header names neither, the stack's; the JSON API is English.
"""

from __future__ import annotations

import html
import hmac
import json
import re
from importlib import resources
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask, jsonify, request

from .. import catalog
from ..errors import HooklabError
from ..i18n import text
from .base import ApiError, make_app, read_body

if TYPE_CHECKING:
    from ..delivery.dispatcher import Dispatcher
    from ..sources import Sources

__all__ = ["create_app"]

_TEMPLATE = resources.files("hooklab.services").joinpath("static/inspector.html").read_text(encoding="utf-8")
#: What the page's own script says, by its English text: ``t("Timing")``, ``t("{n} of {m}", {...})``.
_SCRIPT_TEXTS = sorted(set(re.findall(r'\bt\("([^"\\]*)"', _TEMPLATE)))


def _render(language: str) -> str:
    """The page in ``language``: ``{{english}}`` in its HTML, and the texts its script asks for by ``t(...)``."""
    texts = {english: text(english, language) for english in _SCRIPT_TEXTS}
    texts = {english: said for english, said in texts.items() if said != english}
    script = json.dumps(texts, ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" in a string
    page = _TEMPLATE.replace("{{@lang}}", language).replace("{{@texts}}", script)
    return re.sub(r"\{\{([^{}@][^{}]*)\}\}", lambda m: html.escape(text(m.group(1), language)), page)


_PAGES = {language: _render(language) for language in catalog.LANGUAGES}

# The page may only run its own inline script and talk to its own origin, and only a page of the
# same origin may frame it (a notebook behind the same jupyter-server-proxy): no clickjacking of replay.
_CSP = ("default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; form-action 'none'; base-uri 'none'")


def page_language(default: str) -> str:
    """The page's language: what the request's ``Accept-Language`` prefers, else ``default`` (the stack's)."""
    best = request.accept_languages.best_match(["en", "pt-BR", "pt"])
    if best is None:
        return default
    return "pt-BR" if best.startswith("pt") else "en"


def create_app(dispatcher: "Dispatcher", sources: "Sources", token: str, language: str = "en",
               settle: Callable[[], None] | None = None) -> Flask:
    """The inspector; ``settle`` (the virtual clock's) runs at once what a replay or a fire queued."""
    app = make_app("inspector")

    def require_token() -> None:
        """The console token (scripts, curl), or the inspector page itself (same origin, custom header)."""
        given = request.headers.get("X-Hooklab-Token", "")
        if hmac.compare_digest(given.encode(), token.encode()):
            return
        if request.headers.get("Sec-Fetch-Site") == "same-origin" and request.headers.get("X-Hooklab-Inspector"):
            return  # a cross-site page can set neither: the browser marks it cross-site and preflights the header
        raise ApiError(403, "this action needs the console token in the X-Hooklab-Token header",
                       "`hooklab serve` prints it; in Python it is stack.keys['inspector']")

    @app.get("/")
    def page():
        """The deliveries list, with filters, a detail view and replay."""
        return _PAGES[page_language(language)], 200, {
            "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": _CSP, "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer", "Vary": "Accept-Language"}

    @app.get("/health")
    def health():
        return jsonify(ok=True, service="inspector")

    @app.get("/api/attempts")
    def attempts():
        """Every attempt, oldest first (``?last=N``: only the N most recent)."""
        last = request.args.get("last")
        if last is not None and not (last.isdigit() and int(last) > 0):
            raise ApiError(400, f"last must be a positive whole number, not {last!r}")
        return jsonify(attempts=dispatcher.attempt_rows(int(last) if last else None))

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
        """One event, or with ``"count": n`` an import of n (``fire_many``)."""
        require_token()
        body = read_body()
        event_type = body.get("type")
        fields = body.get("fields", {})
        if not isinstance(event_type, str) or not isinstance(fields, dict):
            raise ApiError(400, "send {\"type\": \"<event type>\", \"fields\": {...}}",
                           f"types: {', '.join(catalog.EVENT_TYPES)}; add \"count\": n for an import of n events")
        try:
            if "count" not in body:
                event_id = sources.fire(event_type, **fields)
            else:
                ids = sources.fire_many(event_type, body["count"], **fields)
        except HooklabError as e:
            raise ApiError(422, str(e)) from None
        if settle is not None:
            settle()
        if "count" not in body:
            return jsonify(id=event_id, type=event_type), 201
        return jsonify(ids=ids, type=event_type, count=len(ids)), 201

    @app.post("/api/events/<event_id>/replay")
    def replay(event_id: str):
        require_token()
        before = next((a["attempt_id"] for a in dispatcher.attempt_rows(last=1)), 0)
        try:
            n = dispatcher.replay(event_id)
        except HooklabError as e:
            raise ApiError(404, str(e)) from None
        if settle is None:  # the real clock: the dispatcher's workers send it; the page's list shows it
            return jsonify(id=event_id, queued=n), 202
        settle()
        answers = [a for a in dispatcher.attempt_rows(after=before) if a["event_id"] == event_id]
        return jsonify(id=event_id, queued=n, attempts=answers), 200

    return app
